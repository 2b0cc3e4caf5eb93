using System.Text.RegularExpressions;

namespace RedisLite.Tests;

/// <summary>
/// Waiting for a condition instead of sleeping for it. CI machines are shared and noisy, so a
/// test never assumes how long something takes: it polls the condition it needs until a generous
/// deadline, and the deadline only exists so a real hang fails with a message instead of
/// blocking the run. A deadline is never an assertion about speed.
/// </summary>
public static class Eventually
{
    /// <summary>Default deadline: far beyond anything a working server needs, even on a busy machine.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Polls <paramref name="condition"/> until it holds; throws naming <paramref name="what"/> at the deadline.</summary>
    public static void True(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        True(condition, () => what, timeout);

    /// <summary>
    /// As <see cref="True(Func{bool}, string, TimeSpan?)"/>, with the failure message built at the
    /// deadline, so it shows the state that was still wrong then (a log, a counter), not the state
    /// when the wait began.
    /// </summary>
    public static void True(Func<bool> condition, Func<string> what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        int pause = 5;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"condition not reached: {what()}");
            Thread.Sleep(pause);
            pause = Math.Min(pause * 2, 100);
        }
    }

    /// <summary>Polls <paramref name="read"/> until <paramref name="done"/> accepts its value, and returns that value (the failure message shows the last one read).</summary>
    public static T Value<T>(Func<T> read, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        T value = default!;
        True(() => done(value = read()), () => $"{what} (last value: {value})", timeout);
        return value;
    }

    /// <summary>Waits until the server's collected output contains <paramref name="text"/> and returns the whole log.</summary>
    public static string LogContains(TestServer server, string text, TimeSpan? timeout = null)
    {
        True(() => server.Log.Contains(text), () => $"log line \"{text}\" (log so far:\n{server.Log})", timeout);
        return server.Log;
    }

    /// <summary>Waits until the server's collected output matches <paramref name="pattern"/> and returns the whole log.</summary>
    public static string LogMatches(TestServer server, string pattern, TimeSpan? timeout = null)
    {
        True(() => Regex.IsMatch(server.Log, pattern), () => $"log matching /{pattern}/ (log so far:\n{server.Log})", timeout);
        return server.Log;
    }
}

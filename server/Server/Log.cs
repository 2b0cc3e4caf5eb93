namespace RedisLite.Server;

/// <summary>Redis-style log lines: "pid:M 22 Nov 2026 07:18:20.123 * message", filtered by loglevel.</summary>
public static class Log
{
    public enum Level { Debug, Verbose, Notice, Warning, Nothing }

    private static readonly object Gate = new();
    public static Level Threshold = Level.Notice;
    public static TextWriter Output = Console.Out;

    public static void Debug(string m) => Write(Level.Debug, m);
    public static void Verbose(string m) => Write(Level.Verbose, m);
    public static void Notice(string m) => Write(Level.Notice, m);
    public static void Warning(string m) => Write(Level.Warning, m);

    public static Level Parse(string s) => s switch
    {
        "debug" => Level.Debug, "verbose" => Level.Verbose, "warning" => Level.Warning,
        "nothing" => Level.Nothing, _ => Level.Notice,
    };

    public static void Write(Level level, string message)
    {
        if (level < Threshold) return;
        char mark = level switch { Level.Debug => '.', Level.Verbose => '-', Level.Notice => '*', _ => '#' };
        var now = DateTime.Now;
        lock (Gate)
        {
            Output.WriteLine($"{Environment.ProcessId}:M {now:dd MMM yyyy HH:mm:ss.fff} {mark} {message}");
            Output.Flush();
        }
    }
}

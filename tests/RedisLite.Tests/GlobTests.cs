using System.Text;
using RedisLite.Commands;

namespace RedisLite.Tests;

/// <summary>
/// The glob matcher behind KEYS, SCAN MATCH, CONFIG GET and COMMAND LIST: bounded work on hostile
/// patterns (one client must not be able to hold the store lock for ever), and Redis 7.0.15's
/// answers on random patterns, bracket and escape corner cases included.
/// </summary>
public class GlobTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static bool Match(string pattern, string s) => Glob.Match(Encoding.Latin1.GetBytes(pattern), Encoding.Latin1.GetBytes(s));

    [Theory]
    [InlineData(14, 30)]
    [InlineData(20, 40)]
    [InlineData(60, 200)]
    public async Task ManyStarsAgainstALongStringFinish(int stars, int length)
    {
        // "a*a*...*b" against a's: exponential in the stars without Redis 7.0's cut-off
        // (20 stars against 40 bytes never finished). The deadline only catches that hang.
        string pattern = string.Concat(Enumerable.Repeat("a*", stars)) + "b";
        string s = new('a', length);
        var run = Task.Run(() => Match(pattern, s));
        Assert.True(await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(60))) == run, "the matcher did not finish");
        Assert.False(await run);
        Assert.True(Match(pattern, s + "b"));
    }

    [Theory]
    [InlineData("h?llo", "hello", true)]
    [InlineData("h*llo", "heeeello", true)]
    [InlineData("h[ae]llo", "hallo", true)]
    [InlineData("h[^e]llo", "hello", false)]
    [InlineData("h[a-b]llo", "hbllo", true)]
    [InlineData("*a*b", "xaxxb", true)]
    [InlineData("*a*b", "xaxxbc", false)]
    [InlineData("a\\*b", "a*b", true)]
    [InlineData("a\\*b", "axb", false)]
    public void ClassicPatterns(string pattern, string s, bool expected) => Assert.Equal(expected, Match(pattern, s));

    [Fact]
    public void ALoneStarKeepsEmptyNamesAsRedisDoes()
    {
        // Redis skips matching for "*" in KEYS and every SCAN, and its matcher never matches an
        // empty string against a non-empty pattern, so "**" drops the empty key where "*" keeps it.
        using var s = new InProcessServer();
        s.Call("SET", "", "v");
        s.Call("HSET", "h", "", "v");
        s.Call("SADD", "set", "", "x");
        Assert.Equal(["", "h", "set"], ((object?[])s.CallStr("KEYS", "*")!).Cast<string>().Order(StringComparer.Ordinal));
        Assert.Equal(["h", "set"], ((object?[])s.CallStr("KEYS", "**")!).Cast<string>().Order(StringComparer.Ordinal));
        var hscan = (object?[])s.CallStr("HSCAN", "h", "0", "MATCH", "*")!;
        Assert.Equal(["", "v"], ((object?[])hscan[1]!).Cast<string>());
        var sscan = (object?[])s.CallStr("SSCAN", "set", "0", "MATCH", "*")!;
        Assert.Equal(["", "x"], ((object?[])sscan[1]!).Cast<string>().Order(StringComparer.Ordinal));
    }

    [SkippableFact]
    public void RandomPatternsMatchWhatRedisMatches()
    {
        ReferenceRedis.SkipIfAbsent();
        using var redis = new ReferenceRedis();
        using var server = new TestServer();
        using var r = new RespClient(redis.Port);
        using var l = server.Client();
        TestSeed.Run(output, seed =>
        {
            var rng = new Random(seed);
            const string keyChars = "ab-^[]\\*?";
            const string patternChars = "ab-^[]\\*?*?[";
            var keys = new HashSet<string>();
            while (keys.Count < 150)
                keys.Add(new string(Enumerable.Range(0, rng.Next(0, 7)).Select(_ => keyChars[rng.Next(keyChars.Length)]).ToArray()));
            foreach (var k in keys)
            {
                r.Call("SET", k, "1");
                l.Call("SET", k, "1");
            }
            for (int i = 0; i < 400; i++)
            {
                string pattern = new(Enumerable.Range(0, rng.Next(1, 8)).Select(_ => patternChars[rng.Next(patternChars.Length)]).ToArray());
                var expected = Sorted(r.Call("KEYS", pattern));
                var actual = Sorted(l.Call("KEYS", pattern));
                Assert.True(expected.SequenceEqual(actual),
                    $"KEYS {pattern}: redis [{string.Join(", ", expected)}], redislite [{string.Join(", ", actual)}]");
            }
        });
    }

    private static List<string> Sorted(object? reply) =>
        ((object?[])reply!).Select(x => (string)x!).Order(StringComparer.Ordinal).ToList();
}

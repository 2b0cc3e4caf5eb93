using System.Net;
using System.Text.RegularExpressions;

namespace RedisLite.Tests;

/// <summary>TIME, LASTSAVE, SHUTDOWN, MONITOR and DEBUG, with Redis 7.0's replies and errors.</summary>
public class ServerCommandTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _s = fixture.S;

    private static string Err(object? reply) => Assert.IsType<RespClient.RespError>(reply).Message;

    // A successful SHUTDOWN sends no reply: the connection closes and the process exits with 0.
    // Once it has exited and its output is drained, the log is complete (lines may be asserted absent).
    private static void AssertStops(TestServer s, RespClient c, params object[] shutdown)
    {
        c.Send(RespClient.Encode(shutdown));
        Assert.True(c.IsClosedByServer(), "connection should close without a reply");
        Assert.True(s.Process.WaitForExit(Eventually.DefaultTimeout), "server did not exit");
        s.Process.WaitForExit(); // drains the captured output
        Assert.Equal(0, s.Process.ExitCode);
    }

    [Fact]
    public void TimeAndLastSave()
    {
        using var c = _s.Client();
        var t = Assert.IsType<object?[]>(c.Call("TIME"));
        long sec = long.Parse((string)t[0]!), usec = long.Parse((string)t[1]!);
        Assert.InRange(sec, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 600, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 600);
        Assert.InRange(usec, 0, 999_999);
        var last = Assert.IsType<long>(c.Call("LASTSAVE"));
        Assert.InRange(last, sec - 3600, sec);
        Assert.Equal("ERR wrong number of arguments for 'time' command", Err(c.Call("TIME", "x")));
    }

    [Fact]
    public void ShutdownNosaveStopsTheServer()
    {
        using var s = new TestServer("--save", "100 1");
        using var c = s.Client();
        AssertStops(s, c, "SHUTDOWN", "NOSAVE");
        Assert.Contains("User requested shutdown...", s.Log);
    }

    [Fact]
    public void ShutdownWithoutSavePointsStopsTheServer()
    {
        using var s = new TestServer("--save", "");
        using var c = s.Client();
        AssertStops(s, c, "SHUTDOWN");
        Assert.DoesNotContain("Saving the final RDB snapshot", s.Log);
    }

    /// <summary>
    /// With save points (or SAVE) the final save is required; until persistence is wired in there
    /// is nothing to save with, so SHUTDOWN fails as Redis's does when its save fails, and FORCE exits anyway.
    /// </summary>
    [Fact]
    public void ShutdownThatMustSaveFailsWhenTheSaveFailsUnlessForced()
    {
        using var s = new TestServer("--save", "100 1");
        using var c = s.Client();
        Directory.Delete(s.Dir, recursive: true); // the final save cannot create its file
        Assert.Equal("ERR Errors trying to SHUTDOWN. Check logs.", Err(c.Call("SHUTDOWN")));
        Assert.Equal("ERR Errors trying to SHUTDOWN. Check logs.", Err(c.Call("SHUTDOWN", "SAVE", "NOW")));
        Assert.Equal("PONG", c.Call("PING"));
        Eventually.LogContains(s, "Error trying to save the DB, can't exit.");
        Assert.Equal("ERR syntax error", Err(c.Call("SHUTDOWN", "SAVE", "NOSAVE")));
        Assert.Equal("ERR syntax error", Err(c.Call("SHUTDOWN", "ABORT", "NOW")));
        Assert.Equal("ERR syntax error", Err(c.Call("SHUTDOWN", "LATER")));
        Assert.Equal("ERR No shutdown in progress.", Err(c.Call("SHUTDOWN", "ABORT")));
        AssertStops(s, c, "SHUTDOWN", "SAVE", "FORCE");
        Assert.Contains("Error trying to save the DB. Exit anyway.", s.Log);
    }

    [Fact]
    public void MonitorStreamsOtherClientsCommands()
    {
        using var monitor = _s.Client();
        using var other = _s.Client();
        Assert.Equal("OK", monitor.Call("MONITOR"));
        Assert.Equal("OK", other.Call("SET", "mon:key", "a \"quoted\"\nvalue"));
        other.Call("CONFIG", "GET", "hz"); // admin commands are not shown
        other.Call("SELECT", "3");
        other.Call("GET", "mon:key");
        string addr = ((IPEndPoint)other.Socket.LocalEndPoint!).ToString();
        var line1 = Assert.IsType<string>(monitor.Read());
        var m = Regex.Match(line1, @"^(\d+)\.(\d{6}) \[0 ([^\]]+)\] ""SET"" ""mon:key"" ""a \\""quoted\\""\\nvalue""$");
        Assert.True(m.Success, line1);
        Assert.Equal(addr, m.Groups[3].Value);
        Assert.InRange(long.Parse(m.Groups[1].Value), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 600, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 600);
        Assert.Matches($@"^\d+\.\d{{6}} \[0 {Regex.Escape(addr)}\] ""SELECT"" ""3""$", Assert.IsType<string>(monitor.Read()));
        Assert.Matches($@"^\d+\.\d{{6}} \[3 {Regex.Escape(addr)}\] ""GET"" ""mon:key""$", Assert.IsType<string>(monitor.Read()));
    }

    [Fact]
    public void DebugObjectHelpAndErrors()
    {
        using var c = _s.Client();
        c.Call("SET", "dbg:int", "12345");
        c.Call("SET", "dbg:str", "hello");
        Assert.Matches(@"^Value at:0x[0-9a-f]+ refcount:1 encoding:int serializedlength:3 lru:\d+ lru_seconds_idle:\d+$", (string)c.Call("DEBUG", "OBJECT", "dbg:int")!);
        Assert.Matches(@"^Value at:0x[0-9a-f]+ refcount:1 encoding:embstr serializedlength:6 lru:\d+ lru_seconds_idle:\d+$", (string)c.Call("DEBUG", "OBJECT", "dbg:str")!);
        Assert.Equal("ERR no such key", Err(c.Call("DEBUG", "OBJECT", "dbg:none")));
        Assert.Equal("ERR unknown subcommand or wrong number of arguments for 'OBJECT'. Try DEBUG HELP.", Err(c.Call("DEBUG", "OBJECT")));
        Assert.Equal("ERR wrong number of arguments for 'debug' command", Err(c.Call("DEBUG")));
        Assert.Equal("OK", c.Call("DEBUG", "SLEEP", "0"));
        Assert.Equal("OK", c.Call("DEBUG", "SLEEP", "abc"));
        var help = Assert.IsType<object?[]>(c.Call("DEBUG", "HELP")).Cast<string>().ToList();
        Assert.Equal("DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", help[0]);
        Assert.Equal(["JMAP", "RELOAD [option ...]", "POPULATE <count> [<prefix>] [<size>]", "OBJECT <key>", "SLEEP <seconds>", "HELP"], help.Where(l => !l.StartsWith(' ')).Skip(1));
    }

    [Fact]
    public void DebugJmapReportsTheRegion()
    {
        using var s = new TestServer();
        using var c = s.Client();
        c.Call("SET", "jmap:big", new string('x', 20_000));
        for (int i = 0; i < 100; i++) c.Call("SET", "jmap:" + i, "v" + i);
        string report = (string)c.Call("DEBUG", "JMAP")!;
        var f = report.Split("\r\n").Where(l => l.Contains(':')).ToDictionary(l => l[..l.IndexOf(':')], l => l[(l.IndexOf(':') + 1)..]);
        string info = (string)c.Call("INFO", "memory")!;
        Assert.Contains($"used_memory:{f["used_bytes"]}\r\n", info);
        Assert.Contains($"region_top_bytes:{f["top_bytes"]}\r\n", info);
        Assert.Contains($"region_reserved_bytes:{f["reserved_bytes"]}\r\n", info);
        Assert.Equal("1", f["runs"]);
        Assert.Equal("5", f["run_pages"]);
        var classes = f.Where(p => p.Key.StartsWith("class_")).ToList();
        Assert.NotEmpty(classes);
        long chunkBytes = classes.Sum(p => long.Parse(Regex.Match(p.Value, @"used_bytes=(\d+)").Groups[1].Value));
        Assert.Equal(long.Parse(f["used_bytes"]), chunkBytes + 5 * 4096);
        Assert.StartsWith("# Region\r\n", report);
    }

    [Fact]
    public async Task DebugSleepHoldsTheServer()
    {
        // Another client runs TIME back to back from before the sleep is sent until after it
        // has ended, and records the server's clock at each. If the sleep holds the server, no
        // TIME runs inside it, so two consecutive ones lie at least the sleep apart. Only a lower
        // bound on the server's own clock, which a slow machine can only lengthen.
        const double sleepSeconds = 1.5;
        using var sleeper = _s.Client();
        using var other = _s.Client();
        var stamps = new List<long>(); // server time in microseconds
        long Stamp()
        {
            var t = Assert.IsType<object?[]>(other.Call("TIME"));
            return long.Parse((string)t[0]!) * 1_000_000 + long.Parse((string)t[1]!);
        }
        stamps.Add(Stamp());
        var sleep = Task.Run(() => sleeper.Call("DEBUG", "SLEEP", sleepSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var probing = Task.Run(() =>
        {
            while (!sleep.IsCompleted) stamps.Add(Stamp());
            stamps.Add(Stamp()); // one after the sleep's reply: the server is free again
        });
        Assert.Equal("OK", await sleep.WaitAsync(Eventually.DefaultTimeout));
        await probing.WaitAsync(Eventually.DefaultTimeout);
        long widestGap = stamps.Zip(stamps.Skip(1), (a, b) => b - a).Max();
        // 10 ms of slack: TIME reads the wall clock, which NTP may slew against the sleep's clock.
        Assert.True(widestGap >= (long)(sleepSeconds * 1_000_000) - 10_000,
            $"consecutive TIME replies at most {widestGap} us apart during a {sleepSeconds} s DEBUG SLEEP: another client was served inside it");
    }

    [SkippableFact]
    public void DebugRefusalMatchesRedis()
    {
        using var no = new TestServer("--enable-debug-command", "no");
        using var local = new TestServer("--enable-debug-command", "local");
        using var cn = no.Client();
        using var cl = local.Client();
        string refused = Err(cn.Call("DEBUG", "SLEEP", "0"));
        Assert.Equal("ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.", refused);
        Assert.Equal("OK", cl.Call("DEBUG", "SLEEP", "0"));
        ReferenceRedis.SkipIfAbsent();
        using var redis = new ReferenceRedis();
        using var rc = redis.Client();
        Assert.Equal(Err(rc.Call("DEBUG", "SLEEP", "0")), refused);
    }

    [SkippableFact]
    public void DebugPopulateMatchesRedis()
    {
        using var lite = new TestServer("--enable-debug-command", "yes");
        using var redis = ReferenceRedis.TryStart("--enable-debug-command", "yes");
        var script = new object[][]
        {
            ["DEBUG", "POPULATE", "5", "k", "12"], ["DEBUG", "POPULATE", "3"], ["SET", "key:7", "mine"],
            ["DEBUG", "POPULATE", "8"], ["GET", "k:3"], ["GET", "k:4"], ["GET", "key:2"], ["GET", "key:7"],
            ["DEBUG", "POPULATE", "2", "short", "3"], ["GET", "short:1"], ["OBJECT", "ENCODING", "key:1"],
            ["DEBUG", "POPULATE", "-1"], ["DEBUG", "POPULATE", "x"], ["DEBUG", "POPULATE", "1", "p", "-5"],
            ["DEBUG", "POPULATE", "0"], ["DBSIZE"],
        };
        using var lc = lite.Client();
        var mine = script.Select(cmd => ReplyText.Show(lc.CallRaw(cmd))).ToList();
        Assert.Equal("\"value:3\0\0\0\0\0\"", mine[4]);
        Assert.Equal("\"mine\"", mine[7]);
        Assert.Equal("15", mine[^1]);
        if (redis == null) return;
        using var rc = redis.Client();
        Assert.Equal(script.Select(cmd => ReplyText.Show(rc.CallRaw(cmd))).ToList(), mine);
    }
}

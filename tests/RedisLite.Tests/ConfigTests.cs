using RedisLite.Config;

namespace RedisLite.Tests;

/// <summary>
/// CONFIG GET/SET/RESETSTAT and the startup configuration (file plus --name value overrides),
/// checked against Redis 7.0's replies and fatal-error texts; where redis-server is installed the
/// same requests go to it and the answers must be identical.
/// </summary>
public class ConfigTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _s = fixture.S;

    private static Dictionary<string, string> AsMap(object? reply)
    {
        var arr = Assert.IsType<object?[]>(reply);
        var map = new Dictionary<string, string>();
        for (int i = 0; i < arr.Length; i += 2) map.Add((string)arr[i]!, (string)arr[i + 1]!);
        return map;
    }

    [Fact]
    public void GetTakesSeveralGlobPatternsAndListsEachParameterOnce()
    {
        using var c = _s.Client();
        var map = AsMap(c.Call("CONFIG", "GET", "port", "hz*", "maxmemory-p*", "p?rt", "PORT"));
        Assert.Equal(new[] { "hz", "maxmemory-policy", "port" }, map.Keys.Order());
        Assert.Equal(_s.Port.ToString(), map["port"]);
        Assert.Equal("noeviction", map["maxmemory-policy"]);
        Assert.Empty(AsMap(c.Call("CONFIG", "GET", "no-such-*")));
        var lazy = AsMap(c.Call("CONFIG", "GET", "lazyfree-lazy-*"));
        Assert.Equal(5, lazy.Count);
        Assert.All(lazy.Values, v => Assert.Equal("no", v));
        Assert.Equal("ERR wrong number of arguments for 'config|get' command", Err(c.Call("CONFIG", "GET")));
    }

    private static string Err(object? reply) => Assert.IsType<RespClient.RespError>(reply).Message;

    private static string Get(RespClient c, string name) => AsMap(c.Call("CONFIG", "GET", name))[name];

    private static void SetThenGet(RespClient c, string name, string value, string shown)
    {
        Assert.Equal("OK", c.Call("CONFIG", "SET", name, value));
        Assert.Equal(shown, Get(c, name));
    }

    [Fact]
    public void SetCoversEveryParameterClass()
    {
        using var c = _s.Client();
        // bool
        SetThenGet(c, "activerehashing", "NO", "no");
        SetThenGet(c, "activerehashing", "yes", "yes");
        // integer, with Redis's clamp of hz to 1..500
        SetThenGet(c, "hz", "600", "500");
        SetThenGet(c, "hz", "0", "1");
        SetThenGet(c, "hz", "10", "10");
        // memory, with units
        SetThenGet(c, "maxmemory", "1gb", "1073741824");
        SetThenGet(c, "maxmemory", "10k", "10000");
        SetThenGet(c, "maxmemory", "0", "0");
        // enum, case-insensitive, stored lower-case
        SetThenGet(c, "maxmemory-policy", "ALLKEYS-LRU", "allkeys-lru");
        SetThenGet(c, "maxmemory-policy", "noeviction", "noeviction");
        // string
        SetThenGet(c, "requirepass", "s3cret", "s3cret");
        SetThenGet(c, "requirepass", "", "");
        // save: pairs, "" disables
        SetThenGet(c, "save", "100 10 200 20", "100 10 200 20");
        SetThenGet(c, "save", "", "");
        // notify-keyspace-events: canonical form
        SetThenGet(c, "notify-keyspace-events", "KEA", "AKE");
        SetThenGet(c, "notify-keyspace-events", "Ex$", "$xE");
        SetThenGet(c, "notify-keyspace-events", "", "");
        // list (bind): the same value is accepted, a new one cannot take effect without a restart
        Assert.Equal("OK", c.Call("CONFIG", "SET", "bind", "127.0.0.1"));
        Assert.Equal("ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to specified addresses.",
            Err(c.Call("CONFIG", "SET", "bind", "127.0.0.2")));
        Assert.Equal("127.0.0.1", Get(c, "bind"));
        Assert.Equal("ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.",
            Err(c.Call("CONFIG", "SET", "port", (_s.Port + 1).ToString())));
        Assert.Equal(_s.Port.ToString(), Get(c, "port"));
    }

    [Fact]
    public void SetIsAllOrNothing()
    {
        using var c = _s.Client();
        Assert.Equal("ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value",
            Err(c.Call("CONFIG", "SET", "slowlog-max-len", "77", "maxmemory", "lots")));
        Assert.Equal("128", Get(c, "slowlog-max-len"));
        Assert.Equal("OK", c.Call("CONFIG", "SET", "slowlog-max-len", "77", "latency-monitor-threshold", "5"));
        Assert.Equal("77", Get(c, "slowlog-max-len"));
        Assert.Equal("5", Get(c, "latency-monitor-threshold"));
        Assert.Equal("OK", c.Call("CONFIG", "SET", "slowlog-max-len", "128", "latency-monitor-threshold", "0"));
    }

    /// <summary>Requests whose replies must be word for word Redis 7.0.15's (checked live when redis-server is installed).</summary>
    public static readonly string[][] RedisReplies =
    [
        ["CONFIG", "SET", "databases", "3"],
        ["CONFIG", "SET", "tcp-backlog", "5"],
        ["CONFIG", "SET", "daemonize", "yes"],
        ["CONFIG", "SET", "logfile", "x"],
        ["CONFIG", "SET", "enable-debug-command", "yes"],
        ["CONFIG", "SET", "rdbchecksum", "no"],
        ["CONFIG", "SET", "appendfilename", "x"],
        ["CONFIG", "SET", "dir", "/tmp"],
        ["CONFIG", "SET", "dbfilename", "x.rdb"],
        ["CONFIG", "SET", "nosuch", "1"],
        ["CONFIG", "SET", "hz", "abc"],
        ["CONFIG", "SET", "hz", "05"],
        ["CONFIG", "SET", "hz", "+5"],
        ["CONFIG", "SET", "hz", "5", "hz", "6"],
        ["CONFIG", "SET", "hz", "5", "maxmemory"],
        ["CONFIG", "SET", "hz"],
        ["CONFIG", "SET", "maxmemory", "10x"],
        ["CONFIG", "SET", "maxmemory", "-1"],
        ["CONFIG", "SET", "maxmemory", "1.5gb"],
        ["CONFIG", "SET", "loglevel", "foo"],
        ["CONFIG", "SET", "appendfsync", "foo"],
        ["CONFIG", "SET", "maxmemory-policy", "foo"],
        ["CONFIG", "SET", "activerehashing", "maybe"],
        ["CONFIG", "SET", "save", "1 2 3"],
        ["CONFIG", "SET", "save", "0 1"],
        ["CONFIG", "SET", "port", "70000"],
        ["CONFIG", "SET", "timeout", "-1"],
        ["CONFIG", "SET", "tcp-keepalive", "-5"],
        ["CONFIG", "SET", "maxclients", "0"],
        ["CONFIG", "SET", "proto-max-bulk-len", "1000"],
        ["CONFIG", "SET", "client-query-buffer-limit", "100"],
        ["CONFIG", "SET", "maxmemory-samples", "0"],
        ["CONFIG", "SET", "slowlog-log-slower-than", "-5"],
        ["CONFIG", "SET", "slowlog-max-len", "-1"],
        ["CONFIG", "SET", "active-expire-effort", "11"],
        ["CONFIG", "SET", "latency-monitor-threshold", "-1"],
        ["CONFIG", "SET", "notify-keyspace-events", "foo"],
        ["CONFIG", "SET", "rdb-key-save-delay", "-5"],
        ["CONFIG", "GET", "rdb-key-save-delay"],
        ["CONFIG", "SET", "rdb-key-save-delay", "0"],
        ["CONFIG", "GET", "save"],
        ["CONFIG", "GET", "maxmemory", "maxmemory-policy"],
        ["CONFIG", "SET", "HZ", "abc"],
        ["CONFIG", "SET", "hz", "5", "HZ", "6"],
        ["CONFIG", "SET", "NOSUCH", "1"],
        ["CONFIG", "SET", "Databases", "1"],
        ["CONFIG", "SET", "hz", "5", "nosuch", "1"],
        ["CONFIG", "SET", "nosuch", "1", "databases", "1"],
        ["CONFIG", "SET", "databases", "1", "nosuch", "1"],
        ["CONFIG", "SET", "hz", "50", "maxmemory", "bad"],
        ["CONFIG", "GET", "hz"],
        ["CONFIG", "FOO"],
    ];

    [Fact]
    public void ErrorTextsAreRedisTexts()
    {
        using var c = _s.Client();
        Assert.Equal("ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config",
            Err(c.Call("CONFIG", "SET", "databases", "3")));
        Assert.Equal("ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config",
            Err(c.Call("CONFIG", "SET", "dir", "/tmp")));
        Assert.Equal("ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'", Err(c.Call("CONFIG", "SET", "nosuch", "1")));
        Assert.Equal("ERR CONFIG SET failed (possibly related to argument 'HZ') - duplicate parameter", Err(c.Call("CONFIG", "SET", "hz", "5", "HZ", "6")));
        Assert.Equal("ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer",
            Err(c.Call("CONFIG", "SET", "HZ", "x")));
        Assert.Equal("ERR syntax error", Err(c.Call("CONFIG", "SET", "hz", "5", "maxmemory")));
        Assert.Equal("ERR CONFIG SET failed (possibly related to argument 'appendfsync') - argument(s) must be one of the following: everysec, always, no",
            Err(c.Call("CONFIG", "SET", "appendfsync", "foo")));
        Assert.Equal("ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'.",
            Err(c.Call("CONFIG", "SET", "notify-keyspace-events", "foo")));
    }

    [SkippableFact]
    public void RepliesMatchRedisServer()
    {
        ReferenceRedis.SkipIfAbsent();
        using var redis = new ReferenceRedis();
        using var rc = redis.Client();
        // Both start from the same settings (ReferenceRedis runs with save "").
        using var lite = new TestServer("--save", "");
        using var c = lite.Client();
        foreach (var cmd in RedisReplies)
        {
            var expected = RespClient.Simplify(rc.CallRaw(cmd.Cast<object>().ToArray()));
            var actual = RespClient.Simplify(c.CallRaw(cmd.Cast<object>().ToArray()));
            if (cmd[1] == "GET" && expected is object?[] && actual is object?[])
            {
                // A map: Redis lists it in hash-table order.
                expected = AsMap(expected).OrderBy(p => p.Key).SelectMany(p => new object?[] { p.Key, p.Value }).ToArray();
                actual = AsMap(actual).OrderBy(p => p.Key).SelectMany(p => new object?[] { p.Key, p.Value }).ToArray();
            }
            Assert.True(ReplyText.Show(expected) == ReplyText.Show(actual),
                $"{string.Join(' ', cmd)}: redis said {ReplyText.Show(expected)}, RedisLite said {ReplyText.Show(actual)}");
        }
    }

    [Fact]
    public void ProtectedConfigsFollowEnableProtectedConfigsLocal()
    {
        using var s = new TestServer("--enable-protected-configs", "local");
        using var c = s.Client();
        Assert.Equal("OK", c.Call("CONFIG", "SET", "dbfilename", "other.rdb"));
        Assert.Equal("other.rdb", Get(c, "dbfilename"));
        Assert.Equal("ERR CONFIG SET failed (possibly related to argument 'dbfilename') - dbfilename can't be a path, just a filename",
            Err(c.Call("CONFIG", "SET", "dbfilename", "a/b.rdb")));
        Assert.Equal("ERR CONFIG SET failed (possibly related to argument 'enable-protected-configs') - can't set immutable config",
            Err(c.Call("CONFIG", "SET", "enable-protected-configs", "yes")));
    }

    private static string InfoField(RespClient c, string section, string field)
    {
        string info = (string)c.Call("INFO", section)!;
        foreach (var line in info.Split("\r\n"))
            if (line.StartsWith(field + ":", StringComparison.Ordinal)) return line[(field.Length + 1)..];
        throw new KeyNotFoundException(field);
    }

    [Fact]
    public void ResetStatClearsCountersAndCommandStats()
    {
        using var s = new TestServer();
        using var c = s.Client();
        c.Call("SET", "k", "v");
        c.Call("GET", "k");
        c.Call("GET", "missing");
        c.Call("NOSUCHCOMMAND");
        Assert.Equal("1", InfoField(c, "stats", "keyspace_hits"));
        Assert.Equal("1", InfoField(c, "stats", "keyspace_misses"));
        Assert.Contains("cmdstat_get:calls=2,", (string)c.Call("INFO", "commandstats")!);
        Assert.Contains("errorstat_ERR:count=1", (string)c.Call("INFO", "errorstats")!);

        Assert.Equal("OK", c.Call("CONFIG", "RESETSTAT"));
        Assert.Equal("0", InfoField(c, "stats", "keyspace_hits"));
        Assert.Equal("0", InfoField(c, "stats", "keyspace_misses"));
        Assert.Equal("0", InfoField(c, "stats", "total_error_replies"));
        // Only the INFO calls above and this one have run since the reset.
        Assert.Equal("# Commandstats\r\ncmdstat_info:calls=3,", ((string)c.Call("INFO", "commandstats")!)[.."# Commandstats\r\ncmdstat_info:calls=3,".Length]);
        Assert.Equal("# Errorstats\r\n", c.Call("INFO", "errorstats"));
    }

    [Fact]
    public void StartupFileThenCommandLineOverrides()
    {
        string dir = Directory.CreateTempSubdirectory("redislite-conf-").FullName;
        string conf = Path.Combine(dir, "redis.conf");
        File.WriteAllText(Path.Combine(dir, "included.conf"), "slowlog-max-len 64\nmaxmemory-samples 7\n");
        File.WriteAllText(conf, $$"""
            # a redis.conf-style file
            include {{Path.Combine(dir, "included.conf")}}
            hz 20
            maxmemory-policy allkeys-lru
            save 3600 1
            save 300 100
              MAXMEMORY   "2mb"
            notify-keyspace-events "KEA"
            """);
        using var s = TestServer.WithConfigFile(conf, "--hz", "30", "--save", "60", "10");
        using var c = s.Client();
        Assert.Equal("30", Get(c, "hz"));
        Assert.Equal("allkeys-lru", Get(c, "maxmemory-policy"));
        Assert.Equal("3600 1 300 100 60 10", Get(c, "save"));
        Assert.Equal("2097152", Get(c, "maxmemory"));
        Assert.Equal("AKE", Get(c, "notify-keyspace-events"));
        Assert.Equal("64", Get(c, "slowlog-max-len"));
        Assert.Equal("7", Get(c, "maxmemory-samples"));
        Assert.Equal(conf, InfoField(c, "server", "config_file"));
    }

    [Fact]
    public void SaveWithoutValueOnCommandLineDisablesSnapshots()
    {
        using var s = new TestServer("--save");
        using var c = s.Client();
        Assert.Equal("", Get(c, "save"));
    }

    /// <summary>Bad startup configurations and the exact text Redis 7.0.15 prints for each.</summary>
    public static readonly (string File, string[] Args, string Stderr)[] BadStarts =
    [
        ("port 7390\n# comment\nfoo bar\n", [],
            "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 3\n>>> 'foo bar'\nBad directive or wrong number of arguments\n"),
        ("port 7390\nhz abc\n", [],
            "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'hz abc'\nargument couldn't be parsed into an integer\n"),
        ("port 7390\nmaxmemory\n", [],
            "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'maxmemory'\nwrong number of arguments\n"),
        ("port 7390\nsave \"1 2\n", [],
            "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'save \"1 2'\nUnbalanced quotes in configuration line\n"),
        ("\tloglevel   loud  \n", [],
            "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 1\n>>> 'loglevel   loud'\nargument(s) must be one of the following: debug, verbose, notice, warning\n"),
        ("port 7390\n", ["--hz", "5", "--nosuch", "a b"],
            "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 4\n>>> 'nosuch \"a b\"'\nBad directive or wrong number of arguments\n"),
        ("", ["--hz", "5", "abc"],
            "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'hz \"5\" \"abc\"'\nwrong number of arguments\n"),
        ("port 7390\n", ["--maxmemory", "-1"],
            "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 3\n>>> 'maxmemory \"-1\"'\nargument must be a memory value\n"),
    ];

    [Fact]
    public void BadStartupConfigurationStopsWithRedisFatalError()
    {
        string dir = Directory.CreateTempSubdirectory("redislite-badconf-").FullName;
        for (int i = 0; i < BadStarts.Length; i++)
        {
            var (file, args, expected) = BadStarts[i];
            string conf = Path.Combine(dir, $"bad{i}.conf");
            File.WriteAllText(conf, file);
            var (code, stderr, _) = ReferenceRedis.RunToExit("dotnet", [TestServer.ServerDll, conf, .. args]);
            Assert.Equal(1, code);
            Assert.Equal(expected, stderr);
        }
    }

    [SkippableFact]
    public void BadStartupMessagesMatchRedisServer()
    {
        ReferenceRedis.SkipIfAbsent();
        string dir = Directory.CreateTempSubdirectory("redislite-badconf-").FullName;
        for (int i = 0; i < BadStarts.Length; i++)
        {
            var (file, args, expected) = BadStarts[i];
            string conf = Path.Combine(dir, $"bad{i}.conf");
            File.WriteAllText(conf, file);
            var (code, stderr, _) = ReferenceRedis.RunToExit(ReferenceRedis.ServerPath, [conf, .. args]);
            Assert.Equal(1, code);
            Assert.Equal(expected, stderr);
        }
    }

    [Fact]
    public void MissingConfigFileIsFatal()
    {
        var (code, _, stdout) = ReferenceRedis.RunToExit("dotnet", [TestServer.ServerDll, "/nonexistent/redislite.conf"]);
        Assert.Equal(1, code);
        Assert.Contains("Fatal error, can't open config file '/nonexistent/redislite.conf': No such file or directory", stdout);
    }

    [Fact]
    public void CommandLineBecomesConfigLines()
    {
        string text = ConfigFile.FromCommandLine(["--port", "7000", "--save", "--bind", "127.0.0.1 ::1", "--hz 5"], out var file);
        Assert.Null(file);
        Assert.Equal("\nport \"7000\" \nsave \"\"\nbind \"127.0.0.1 ::1\" \nhz 5 ", text);
        var config = new ServerConfig();
        ConfigFile.Apply(config, text);
        Assert.Equal(7000, config.Port.Value);
        Assert.Empty(config.Save.Points);
        Assert.Equal(["127.0.0.1", "::1"], config.Bind.Values);
        Assert.Equal(5, config.Hz.Value);

        // "-" reads more configuration from stdin, after the file and before the options.
        text = ConfigFile.FromCommandLine(["-", "--hz", "9"], out _, new StringReader("hz 7\nmaxmemory-samples 3\n"));
        Assert.Equal("hz 7\nmaxmemory-samples 3\n\nhz \"9\" ", text);
    }
}

namespace RedisLite.Tests;

/// <summary>COMMAND INFO/DOCS/LIST/HELP replies in Redis 7.0's shapes (and, for rows RedisLite describes fully, Redis's exact words).</summary>
public class CommandCommandTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _s = fixture.S;

    private static object?[] Arr(object? o) => Assert.IsType<object?[]>(o);

    [Fact]
    public void InfoDescribesACommand()
    {
        using var c = _s.Client();
        var reply = Arr(c.Call("COMMAND", "INFO", "GET", "nosuch", "config|get"));
        Assert.Equal(3, reply.Length);
        var get = Arr(reply[0]);
        Assert.Equal(10, get.Length);
        Assert.Equal("get", get[0]);
        Assert.Equal(2L, get[1]);
        Assert.Equal(new object[] { "readonly", "fast" }, Arr(get[2]));
        Assert.Equal(new object[] { 1L, 1L, 1L }, get[3..6]);
        Assert.Equal(new object[] { "@read", "@string", "@fast" }, Arr(get[6]));
        Assert.Empty(Arr(get[7]));
        var spec = Arr(Arr(get[8]).Single());
        Assert.Equal(new object?[] { "flags", new object[] { "RO", "access" } }, spec[0..2]);
        Assert.Equal("begin_search", spec[2]);
        Assert.Equal(new object?[] { "type", "index", "spec", new object?[] { "index", 1L } }, Arr(spec[3]));
        Assert.Equal(new object?[] { "type", "range", "spec", new object?[] { "lastkey", 0L, "keystep", 1L, "limit", 0L } }, Arr(spec[5]));
        Assert.Empty(Arr(get[9]));
        Assert.Null(reply[1]);
        Assert.Equal("config|get", Arr(reply[2])[0]);

        var config = Arr(Arr(c.Call("COMMAND", "INFO", "config"))[0]);
        Assert.Equal(-2L, config[1]);
        Assert.Equal(new[] { "config|get", "config|set", "config|resetstat", "config|help" },
            Arr(config[9]).Select(s => (string)Arr(s)[0]!));
    }

    [Fact]
    public void DocsMapsNamesToDocumentation()
    {
        using var c = _s.Client();
        var docs = Arr(c.Call("COMMAND", "DOCS", "get", "nosuch", "config"));
        Assert.Equal(4, docs.Length);
        Assert.Equal("get", docs[0]);
        Assert.Equal(new object[] { "summary", "Get the value of a key", "since", "1.0.0", "group", "string", "complexity", "O(1)", "arguments" },
            Arr(docs[1])[..9]);
        Assert.Equal(new object[] { "name", "key", "type", "key", "key_spec_index", 0L }, Arr(Arr(Arr(docs[1])[9]).Single()));
        Assert.Equal("config", docs[2]);
        var config = Arr(docs[3]);
        Assert.Equal("subcommands", config[8]);
        var subs = Arr(config[9]);
        Assert.Equal("config|get", subs[0]);
        Assert.Equal("Get the values of configuration parameters", Arr(subs[1])[1]);
        var monitor = Arr(Arr(c.Call("COMMAND", "DOCS", "monitor"))[1]);
        Assert.DoesNotContain("complexity", monitor);
        Assert.Equal(2 * Commands.CommandTable.All.Length, Arr(c.Call("COMMAND", "DOCS")).Length);
    }

    [Fact]
    public void ListFilters()
    {
        using var c = _s.Client();
        Assert.Equal(new object[] { "config", "config|get", "config|set", "config|resetstat", "config|help" },
            Arr(c.Call("COMMAND", "LIST", "FILTERBY", "PATTERN", "CONF*")));
        var keyspace = Arr(c.Call("COMMAND", "LIST", "FILTERBY", "ACLCAT", "keyspace"));
        Assert.Contains("del", keyspace);
        Assert.Contains("object|encoding", keyspace);
        Assert.DoesNotContain("get", keyspace);
        Assert.Empty(Arr(c.Call("COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch")));
        Assert.Empty(Arr(c.Call("COMMAND", "LIST", "FILTERBY", "MODULE", "x")));
        Assert.Equal("ERR syntax error", c.Call("COMMAND", "LIST", "FILTERBY", "FOO", "x")!.ToString());
        Assert.Equal("ERR syntax error", c.Call("COMMAND", "LIST", "x")!.ToString());
        Assert.Equal("ERR unknown subcommand 'FOO'. Try COMMAND HELP.", c.Call("COMMAND", "FOO")!.ToString());
        var help = Arr(c.Call("COMMAND", "HELP"));
        Assert.Equal("COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", help[0]);
        Assert.Equal("    Prints this help.", help[^1]);
    }

    /// <summary>Rows whose COMMAND INFO RedisLite gives completely (no tips, no hand-tuned key specs) match Redis byte for byte.</summary>
    [SkippableFact]
    public void InfoEqualsRedisServerForFullyDescribedCommands() => AssertSameAsRedis("INFO",
        ["get", "config|get", "config|resetstat", "client|id", "client|getname", "select", "echo", "hello", "auth", "getrange", "lcs"]);

    /// <summary>DOCS of rows whose syntax line carries everything Redis documents (no history, no per-option "since") equal Redis's.</summary>
    [SkippableFact]
    public void DocsEqualRedisServerForPlainCommands() => AssertSameAsRedis("DOCS",
        ["get", "mget", "mset", "msetnx", "setnx", "psetex", "getdel", "strlen", "decrby", "move", "touch",
         "select", "dbsize", "swapdb", "ping", "echo", "time", "monitor", "client|setname", "config|resetstat", "object|freq"]);

    private void AssertSameAsRedis(string subcommand, string[] names)
    {
        ReferenceRedis.SkipIfAbsent();
        using var redis = new ReferenceRedis();
        using var rc = redis.Client();
        using var c = _s.Client();
        foreach (var name in names)
            Assert.Equal(ReplyText.Show(rc.CallRaw("COMMAND", subcommand, name)), ReplyText.Show(c.CallRaw("COMMAND", subcommand, name)));
    }
}

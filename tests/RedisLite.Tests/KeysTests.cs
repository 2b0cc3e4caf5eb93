using StackExchange.Redis;

namespace RedisLite.Tests;

/// <summary>Keyspace commands against the real server binary, through StackExchange.Redis and raw RESP.</summary>
public class KeysTests(ServerFixture f) : IClassFixture<ServerFixture>
{
    private readonly ServerFixture _f = f;

    private IDatabase Db(int n) => _f.Mux.GetDatabase(n);

    [Fact]
    public void DeleteExistsTypeThroughStackExchangeRedis()
    {
        var db = Db(2);
        db.StringSet("ka:1", "x");
        db.StringSet("ka:2", "y");
        Assert.True(db.KeyExists("ka:1"));
        Assert.Equal(RedisType.String, db.KeyType("ka:1"));
        Assert.Equal(RedisType.None, db.KeyType("ka:missing"));
        Assert.Equal(2, db.KeyDelete(["ka:1", "ka:2", "ka:missing"]));
        Assert.False(db.KeyExists("ka:1"));
        Assert.False(db.KeyDelete("ka:1"));
    }

    [Fact]
    public void RenameAndMoveThroughStackExchangeRedis()
    {
        var db = Db(3);
        db.StringSet("kr:a", "1", TimeSpan.FromMinutes(5));
        db.StringSet("kr:b", "2");
        Assert.False(db.KeyRename("kr:a", "kr:b", When.NotExists));
        Assert.True(db.KeyRename("kr:a", "kr:c"));
        Assert.Equal("1", (string?)db.StringGet("kr:c"));
        Assert.InRange(db.KeyTimeToLive("kr:c")!.Value.TotalSeconds, 200, 300);
        Assert.Throws<RedisServerException>(() => db.KeyRename("kr:missing", "kr:x"));

        Assert.True(db.KeyMove("kr:c", 4));
        Assert.False(db.KeyExists("kr:c"));
        Assert.Equal("1", (string?)Db(4).StringGet("kr:c"));
        Assert.NotNull(Db(4).KeyTimeToLive("kr:c"));
        db.StringSet("kr:c", "other");
        Assert.False(Db(4).KeyMove("kr:c", 3));
    }

    [Fact]
    public async Task ServerKeysIteratesEveryKeyWithScan()
    {
        var db = Db(5);
        var expected = new HashSet<string>();
        var batch = db.CreateBatch();
        var tasks = new List<Task>();
        for (int i = 0; i < 1500; i++)
        {
            string k = $"scan:{i}";
            expected.Add(k);
            tasks.Add(batch.StringSetAsync(k, i));
        }
        tasks.Add(batch.StringSetAsync("other", 1));
        batch.Execute();
        await Task.WhenAll(tasks);
        // Declaring the version makes SE.Redis page with SCAN (it would fall back to KEYS for an old server).
        using var mux = ConnectionMultiplexer.Connect($"127.0.0.1:{_f.S.Port},allowAdmin=true,version=7.0.15,syncTimeout=60000");
        var server = mux.GetServer(mux.GetEndPoints()[0]);
        var seen = server.Keys(5, "scan:*", pageSize: 17).Select(k => (string)k!).ToHashSet();
        Assert.True(expected.SetEquals(seen), $"SCAN through SE.Redis returned {seen.Count} of {expected.Count} keys");
        Assert.Equal(1501, server.DatabaseSize(5));
        expected.Add("other");
        Assert.Contains((string)(await db.KeyRandomAsync())!, expected);
    }

    [Fact]
    public void CopyKeysTouchAndObjectOverRawResp()
    {
        using var c = _f.S.Client();
        Assert.Equal("OK", c.Call("SELECT", "6"));
        Assert.Equal("OK", c.Call("SET", "cp:src", "12345", "EX", "1000"));
        Assert.Equal(1L, c.Call("COPY", "cp:src", "cp:dst"));
        Assert.Equal(0L, c.Call("COPY", "cp:src", "cp:dst"));
        Assert.Equal(1L, c.Call("COPY", "cp:src", "cp:dst", "DB", "7", "REPLACE"));
        Assert.InRange((long)c.Call("TTL", "cp:dst")!, 970, 1000); // 30 s of slack for a slow machine
        Assert.Equal("int", c.Call("OBJECT", "ENCODING", "cp:dst"));
        Assert.Equal(1L, c.Call("OBJECT", "REFCOUNT", "cp:dst"));
        Assert.Equal("OK", c.Call("SET", "cp:small", "42"));
        Assert.Equal(2147483647L, c.Call("OBJECT", "REFCOUNT", "cp:small"));
        Assert.Equal("ERR source and destination objects are the same", (c.Call("COPY", "cp:src", "cp:src") as RespClient.RespError)?.Message);
        Assert.Equal(2L, c.Call("TOUCH", "cp:src", "cp:dst", "cp:none"));
        Assert.Equal(new object?[] { "cp:dst" }, c.Call("KEYS", "cp:d*"));
        Assert.Equal(2L, c.Call("UNLINK", "cp:src", "cp:dst", "cp:none"));
        Assert.Equal(0L, c.Call("EXISTS", "cp:src"));
        Assert.Equal("OK", c.Call("SELECT", "7"));
        Assert.Equal("12345", c.Call("GET", "cp:dst"));
        Assert.Equal(0L, c.Call("OBJECT", "IDLETIME", "cp:dst"));
        var help = (object?[])c.Call("OBJECT", "HELP")!;
        Assert.Equal("OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", help[0]);
        Assert.Equal("    Prints this help.", help[^1]);
    }

    [Fact]
    public void RandomKeyAndScanOnAnEmptyDatabase()
    {
        using var c = _f.S.Client();
        Assert.Equal("OK", c.Call("SELECT", "9"));
        Assert.Null(c.Call("RANDOMKEY"));
        Assert.Equal(new object?[] { "0", Array.Empty<object?>() }, c.Call("SCAN", "0"));
        Assert.Equal("ERR invalid cursor", (c.Call("SCAN", "x") as RespClient.RespError)?.Message);
        Assert.Equal(new object?[0], c.Call("KEYS", "*"));
    }
}

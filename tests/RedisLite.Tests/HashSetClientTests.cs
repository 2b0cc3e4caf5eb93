using StackExchange.Redis;

namespace RedisLite.Tests;

/// <summary>
/// Hashes, sets and SORT through StackExchange.Redis against the real server binary: the
/// client's typed API must round-trip through our replies (HGETALL as pairs, SSCAN/HSCAN cursors
/// driven by the client, SORT with BY/GET, WRONGTYPE surfacing as RedisServerException).
/// Each test uses its own database so tests sharing the server do not collide.
/// </summary>
public class HashSetClientTests(ServerFixture f) : IClassFixture<ServerFixture>
{
    private IDatabase Db(int n) => f.Mux.GetDatabase(n);

    [Fact]
    public void HashRoundTripsThroughTheClient()
    {
        var db = Db(1);
        db.KeyDelete("user:1");
        db.HashSet("user:1", [new HashEntry("name", "ada"), new HashEntry("visits", 1), new HashEntry("score", 1.5)]);
        Assert.Equal("ada", (string?)db.HashGet("user:1", "name"));
        Assert.Equal(11, db.HashIncrement("user:1", "visits", 10));
        Assert.Equal(4.0, db.HashIncrement("user:1", "score", 2.5), 10);
        Assert.True(db.HashExists("user:1", "name"));
        Assert.False(db.HashExists("user:1", "nope"));
        Assert.Equal(3, db.HashLength("user:1"));
        var all = db.HashGetAll("user:1").ToDictionary(e => (string)e.Name!, e => (string)e.Value!);
        Assert.Equal(new Dictionary<string, string> { ["name"] = "ada", ["visits"] = "11", ["score"] = "4" }, all);
        Assert.Equal(["name", "visits", "score"], db.HashKeys("user:1").Select(v => (string)v!));
        Assert.Equal(["ada", "11", "4"], db.HashValues("user:1").Select(v => (string)v!));
        var got = db.HashGet("user:1", ["name", "missing", "visits"]);
        Assert.Equal("ada", (string?)got[0]);
        Assert.True(got[1].IsNull);
        Assert.True(db.HashDelete("user:1", "name"));
        Assert.False(db.HashDelete("user:1", "name"));
        Assert.False(db.HashSet("user:1", "visits", "0", When.NotExists));
        Assert.True(db.HashSet("user:1", "new", "x", When.NotExists));
        Assert.Equal("hash", db.KeyType("user:1").ToString().ToLowerInvariant());
    }

    [Fact]
    public void HashScanVisitsEveryFieldOfALargeHash()
    {
        var db = Db(2);
        db.KeyDelete("big");
        var entries = Enumerable.Range(0, 2000).Select(i => new HashEntry($"f{i}", $"v{i}")).ToArray();
        db.HashSet("big", entries);
        Assert.Equal("hashtable", (string?)db.Execute("OBJECT", "ENCODING", "big"));
        var seen = db.HashScan("big", "f1*", pageSize: 50).ToDictionary(e => (string)e.Name!, e => (string)e.Value!);
        var want = entries.Where(e => ((string)e.Name!).StartsWith("f1")).ToDictionary(e => (string)e.Name!, e => (string)e.Value!);
        Assert.Equal(want, seen);
    }

    [Fact]
    public void SetsRoundTripThroughTheClient()
    {
        var db = Db(3);
        db.KeyDelete(["a", "b", "dst", "moved"]);
        Assert.Equal(4, db.SetAdd("a", ["1", "2", "3", "x"]));
        Assert.Equal(3, db.SetAdd("b", ["2", "3", "4"]));
        Assert.True(db.SetContains("a", "x"));
        Assert.Equal(4, db.SetLength("a"));
        Assert.Equal(["2", "3"], db.SetCombine(SetOperation.Intersect, "a", "b").Select(v => (string)v!).Order());
        Assert.Equal(["1", "2", "3", "4", "x"], db.SetCombine(SetOperation.Union, "a", "b").Select(v => (string)v!).Order());
        Assert.Equal(["1", "x"], db.SetCombine(SetOperation.Difference, "a", "b").Select(v => (string)v!).Order());
        Assert.Equal(2, db.SetCombineAndStore(SetOperation.Intersect, "dst", "a", "b"));
        Assert.Equal("intset", (string?)db.Execute("OBJECT", "ENCODING", "dst"));
        Assert.True(db.SetMove("a", "moved", "x"));
        Assert.Equal(["1", "2", "3"], db.SetMembers("a").Select(v => (string)v!).Order());
        var popped = (string?)db.SetPop("moved");
        Assert.Equal("x", popped);
        Assert.False(db.KeyExists("moved"));
        var random = db.SetRandomMembers("a", 10).Select(v => (string)v!).Order().ToArray();
        Assert.Equal(["1", "2", "3"], random);
        Assert.Equal(5, db.SetRandomMembers("a", -5).Length);
        Assert.True(db.SetRemove("a", "1"));
        var scanned = db.SetScan("b", pageSize: 2).Select(v => (string)v!).Order();
        Assert.Equal(["2", "3", "4"], scanned);
    }

    [Fact]
    public void SortWithByAndGetPatterns()
    {
        var db = Db(4);
        db.KeyDelete(["ids", "w_1", "w_2", "w_3", "o_1", "o_2", "o_3"]);
        db.SetAdd("ids", ["1", "2", "3"]);
        db.StringSet([new("w_1", "30"), new("w_2", "10"), new("w_3", "20")]);
        db.HashSet("o_1", "name", "one");
        db.HashSet("o_2", "name", "two");
        db.HashSet("o_3", "name", "three");
        Assert.Equal(["1", "2", "3"], db.Sort("ids").Select(v => (string)v!));
        Assert.Equal(["3", "2", "1"], db.Sort("ids", order: Order.Descending).Select(v => (string)v!));
        Assert.Equal(["two", "three", "one"], db.Sort("ids", by: "w_*", get: ["o_*->name"]).Select(v => (string)v!));
        Assert.Equal(["2", "3"], db.Sort("ids", skip: 1, take: 2).Select(v => (string)v!));
        Assert.Equal(["1", "2", "3"], db.Sort("ids", sortType: SortType.Alphabetic).Select(v => (string)v!));
    }

    [Fact]
    public void WrongTypeSurfacesAsAServerError()
    {
        var db = Db(5);
        db.StringSet("plain", "v");
        var e = Assert.Throws<RedisServerException>(() => db.HashGet("plain", "f"));
        Assert.StartsWith("WRONGTYPE", e.Message);
        e = Assert.Throws<RedisServerException>(() => db.SetAdd("plain", "m"));
        Assert.StartsWith("WRONGTYPE", e.Message);
        db.SetAdd("aset", "m");
        e = Assert.Throws<RedisServerException>(() => db.HashSet("aset", "f", "v"));
        Assert.StartsWith("WRONGTYPE", e.Message);
    }
}

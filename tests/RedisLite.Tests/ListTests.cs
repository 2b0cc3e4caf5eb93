using System.Diagnostics;
using System.Text;
using RedisLite.Persistence;
using StackExchange.Redis;

namespace RedisLite.Tests;

/// <summary>
/// Lists against the real server binary: StackExchange.Redis round trips, quicklist node layout
/// and memory, and blocking commands with several raw RESP clients (FIFO serving, timeouts,
/// wake-up by another client's push, BLMOVE, pipelined commands waiting behind a blocked one,
/// a waited key written as another type, disconnects, CLIENT UNBLOCK, INFO counters).
/// </summary>
public class ListTests(ServerFixture f) : IClassFixture<ServerFixture>
{
    private readonly ServerFixture _f = f;

    private IDatabase Db(int n) => _f.Mux.GetDatabase(n);
    private RespClient Client() => new(_f.S.Port);

    // Timeout (seconds) of blocking commands that another client's write is meant to serve: only a
    // hang reaches it, where a short one would turn a slow machine into a nil reply.
    private const string UntilServed = "600";

    [Fact]
    public void PushPopRangeThroughStackExchangeRedis()
    {
        var db = Db(6);
        db.KeyDelete("se:l");
        Assert.Equal(3, db.ListRightPush("se:l", ["a", "b", "c"]));
        Assert.Equal(4, db.ListLeftPush("se:l", "z"));
        Assert.Equal(["z", "a", "b", "c"], db.ListRange("se:l").Select(v => (string)v!).ToArray());
        Assert.Equal("b", (string?)db.ListGetByIndex("se:l", -2));
        db.ListSetByIndex("se:l", 0, "first");
        Assert.Equal(5, db.ListInsertAfter("se:l", "a", "a2"));
        Assert.Equal(-1, db.ListInsertBefore("se:l", "nothere", "x"));
        Assert.Equal(1, db.ListRemove("se:l", "a2"));
        Assert.Equal("first", (string?)db.ListLeftPop("se:l"));
        Assert.Equal("c", (string?)db.ListRightPop("se:l"));
        Assert.Equal("b", (string?)db.ListRightPopLeftPush("se:l", "se:l2"));
        Assert.Equal(1, db.ListLength("se:l"));
        db.ListTrim("se:l", 1, -1);
        Assert.False(db.KeyExists("se:l"));
        Assert.Equal(RedisType.List, db.KeyType("se:l2"));
        Assert.Equal(0, db.ListLeftPush("se:missing", "x", When.Exists));
        db.StringSet("se:s", "v");
        var e = Assert.Throws<RedisServerException>(() => db.ListLeftPush("se:s", "x"));
        Assert.StartsWith("WRONGTYPE", e.Message);
    }

    [Fact]
    public void LargeListsSpanNodesAndGiveTheirMemoryBack()
    {
        using var c = Client();
        c.Call("SELECT", "7");
        // The database's key index is allocated with its first key: count from after that.
        c.Call("SET", "warm", "x");
        long before = UsedMemory(c);
        var big = new string('x', 10_000);
        for (int i = 0; i < 3000; i++) c.Call("RPUSH", "big", $"element-{i}");
        c.Call("RPUSH", "big", big);
        c.Call("LPUSH", "big", big);
        Assert.Equal(3002L, c.Call("LLEN", "big"));
        Assert.Equal("quicklist", c.Call("OBJECT", "ENCODING", "big"));
        Assert.Equal(big, c.Call("LINDEX", "big", "0"));
        Assert.Equal("element-1500", c.Call("LINDEX", "big", "1501"));
        Assert.Equal(big, c.Call("RPOP", "big"));
        long grown = UsedMemory(c);
        Assert.True(grown > before + 30_000, $"used_memory {before} -> {grown}");
        // Pops and trims give nodes back as they empty.
        c.Call("LTRIM", "big", "0", "9");
        long trimmed = UsedMemory(c);
        Assert.True(trimmed < grown - 30_000, $"after LTRIM used_memory {grown} -> {trimmed}");
        Assert.Equal(1L, c.Call("DEL", "big"));
        Assert.Equal(before, UsedMemory(c));
        c.Call("DEL", "warm");
    }

    private static long UsedMemory(RespClient c)
    {
        var info = (string)c.Call("INFO", "memory")!;
        return long.Parse(info.Split("\r\n").First(l => l.StartsWith("used_memory:", StringComparison.Ordinal))["used_memory:".Length..]);
    }

    [Fact]
    public void NodesFollowListMaxListpackSize()
    {
        using var s = new InProcessServer();
        s.Call("CONFIG", "SET", "list-max-ziplist-size", "4");
        Assert.Equal(new object?[] { "list-max-listpack-size"u8.ToArray(), "4"u8.ToArray() }, s.Call("CONFIG", "GET", "list-max-listpack-size"));
        for (int i = 0; i < 10; i++) s.Call("RPUSH", "l", i.ToString());
        Assert.Equal(3UL, Nodes(s, "l")); // 4 + 4 + 2
        s.Call("CONFIG", "SET", "list-max-listpack-size", "-2");
        // A value bigger than a node's 8 KB gets a node of its own; small ones share one.
        s.Call("DEL", "l");
        s.Call("RPUSH", "l", "a", "b", new string('x', 9000), "c", "d");
        Assert.Equal(3UL, Nodes(s, "l"));
        for (int i = 0; i < 2000; i++) s.Call("LPUSH", "m", "abcdefghij");
        ulong nodes = Nodes(s, "m");
        Assert.InRange(nodes, 2UL, 10UL); // ~12 bytes an entry: about 680 to an 8 KB node
        RegionAudit.Check(s.Server.Keyspace);
    }

    private static ulong Nodes(InProcessServer s, string key)
    {
        var ks = s.Server.Keyspace;
        ulong rec = ks.Find(0, Encoding.UTF8.GetBytes(key));
        return ks.Region.At<RlQuicklist>(ks.Rec(rec).Value).Len;
    }

    [Fact]
    public void DenyBlockingMakesBlockingCommandsNonBlocking()
    {
        using var s = new InProcessServer();
        s.Client.DenyBlocking = true;
        Assert.Null(s.Call("BLPOP", "none", "0"));
        Assert.Null(s.Call("BRPOP", "none", "other", "0"));
        Assert.Null(s.Call("BLMPOP", "0", "1", "none", "LEFT"));
        Assert.Null(s.Call("BLMOVE", "none", "dst", "LEFT", "RIGHT", "0"));
        Assert.Null(s.Call("BRPOPLPUSH", "none", "dst", "0"));
        Assert.Null(s.Client.Blocked);
        Assert.Equal(0, s.Server.Blocking.BlockedCount);
        s.Call("RPUSH", "l", "a", "b");
        Assert.Equal("a", RespClient.Simplify(s.Call("BLMOVE", "l", "dst", "LEFT", "RIGHT", "0")));
        Assert.Equal(new object?[] { "l", "b" }, RespClient.Simplify(s.Call("BLPOP", "none", "l", "0")));
        // Errors come before the non-blocking fallback, as in Redis.
        Assert.Equal(new RespClient.RespError("ERR timeout is negative"), s.Call("BLPOP", "none", "-1"));
    }

    [Fact]
    public void BlockedClientInProcessIsServedByAPushAndTimesOutByTheCron()
    {
        using var s = new InProcessServer();
        var waiter = s.NewClient();
        waiter.Args.Load([.. new[] { "BLPOP", "q", "1.5" }.Select(Encoding.UTF8.GetBytes)]);
        s.Server.Executor.Execute(waiter);
        Assert.NotNull(waiter.Blocked);
        Assert.Equal(1, s.Server.Blocking.InTimeoutTable);
        var first = waiter.Blocked!;
        s.Call("RPUSH", "q", "v1", "v2");
        Assert.Null(waiter.Blocked);
        Assert.Equal("*2\r\n$1\r\nq\r\n$2\r\nv1\r\n", Encoding.ASCII.GetString(first.Output.WrittenSpan));
        Assert.Equal(new object?[] { "v2" }, RespClient.Simplify(s.Call("LRANGE", "q", "0", "-1")));
        // A second wait times out once the server clock passes its deadline.
        waiter.Args.Load([.. new[] { "BRPOPLPUSH", "none", "dst", "0.1" }.Select(Encoding.UTF8.GetBytes)]);
        s.Server.Executor.Execute(waiter);
        var bc = waiter.Blocked!;
        s.Server.Blocking.ServeTimeouts(s.NowMs + 50);
        Assert.NotNull(waiter.Blocked);
        s.Server.Blocking.ServeTimeouts(s.NowMs + 100);
        Assert.Null(waiter.Blocked);
        Assert.Equal("$-1\r\n", Encoding.ASCII.GetString(bc.Output.WrittenSpan));
    }

    [Fact]
    public void BlockedClientsAreServedFirstBlockedFirstServed()
    {
        using var a = Client();
        using var b = Client();
        using var c = Client();
        using var pusher = Client();
        pusher.Call("DEL", "fifo");
        a.Send(RespClient.Encode("BLPOP", "fifo", UntilServed));
        WaitBlocked(pusher, 1);
        b.Send(RespClient.Encode("BLPOP", "other", "fifo", UntilServed));
        WaitBlocked(pusher, 2);
        c.Send(RespClient.Encode("BRPOP", "fifo", UntilServed));
        WaitBlocked(pusher, 3);
        Assert.Equal(2L, pusher.Call("RPUSH", "fifo", "one", "two"));
        Assert.Equal(new object?[] { "fifo", "one" }, R(a));
        Assert.Equal(new object?[] { "fifo", "two" }, R(b));
        WaitBlocked(pusher, 1);
        Assert.Equal(1L, pusher.Call("LPUSH", "fifo", "three"));
        Assert.Equal(new object?[] { "fifo", "three" }, R(c));
        Assert.Equal(0L, pusher.Call("EXISTS", "fifo"));
        WaitBlocked(pusher, 0);
    }

    [Fact]
    public void TimeoutRepliesNilAndLaterPipelinedCommandsWait()
    {
        using var a = Client();
        using var other = Client();
        var sw = Stopwatch.StartNew();
        a.Send(RespClient.Encode("BLPOP", "never", "0.3") .Concat(RespClient.Encode("PING")).Concat(RespClient.Encode("BLMOVE", "never", "d", "LEFT", "LEFT", "0.2")).ToArray());
        Assert.Null(R(a));
        // Lower bounds only: no reply may come before the timeouts (a slow machine only adds to them).
        Assert.True(sw.ElapsedMilliseconds >= 280, $"BLPOP with a 0.3 s timeout answered after {sw.ElapsedMilliseconds} ms");
        // The PING waited behind the BLPOP, and the BLMOVE behind the PING.
        Assert.Equal("PONG", R(a));
        Assert.Null(R(a));
        Assert.True(sw.ElapsedMilliseconds >= 480, $"0.3 s and 0.2 s timeouts in a row answered after {sw.ElapsedMilliseconds} ms");
        Assert.Null(a.Call("BLMPOP", "0.1", "1", "never", "LEFT"));
        // Timed out means unblocked: nothing of the three waits is left on the server.
        Assert.Equal(0L, BlockedClients.Count(other));
    }

    [Fact]
    public void BlmoveIsWokenByAnotherClientsPushAndChainsToTheNextWaiter()
    {
        using var mover = Client();
        using var popper = Client();
        using var pusher = Client();
        pusher.Call("DEL", "bm:src", "bm:dst");
        popper.Send(RespClient.Encode("BLPOP", "bm:dst", UntilServed));
        WaitBlocked(pusher, 1);
        mover.Send(RespClient.Encode("BLMOVE", "bm:src", "bm:dst", "RIGHT", "LEFT", UntilServed));
        WaitBlocked(pusher, 2);
        pusher.Call("RPUSH", "bm:src", "x");
        Assert.Equal("x", R(mover));
        // The element BLMOVE pushed made bm:dst ready for the client waiting on it.
        Assert.Equal(new object?[] { "bm:dst", "x" }, R(popper));
        Assert.Equal(0L, pusher.Call("EXISTS", "bm:src", "bm:dst"));
    }

    [Fact]
    public void WaitedKeyWrittenAsAnotherTypeKeepsTheClientBlocked()
    {
        using var a = Client();
        using var other = Client();
        other.Call("DEL", "wt");
        a.Send(RespClient.Encode("BLPOP", "wt", UntilServed));
        WaitBlocked(other, 1);
        // The executor serves clients blocked on keys a command made ready before that command's
        // reply goes out, so once SET has answered a wrongly served client would already show.
        other.Call("SET", "wt", "string");
        Assert.Equal(1L, BlockedClients.Count(other));
        other.Call("DEL", "wt");
        other.Call("RPUSH", "wt", "v");
        Assert.Equal(new object?[] { "wt", "v" }, R(a));
        // BLMOVE onto a destination of another type: WRONGTYPE, source left alone.
        other.Call("SET", "wt:dst", "string");
        a.Send(RespClient.Encode("BLMOVE", "wt:src", "wt:dst", "LEFT", "LEFT", UntilServed));
        WaitBlocked(other, 1);
        other.Call("RPUSH", "wt:src", "v");
        Assert.Equal(new RespClient.RespError("WRONGTYPE Operation against a key holding the wrong kind of value"), R(a));
        Assert.Equal(1L, other.Call("LLEN", "wt:src"));
        other.Call("DEL", "wt:src", "wt:dst");
    }

    [Fact]
    public void MoveRenameAndSwapdbWakeClientsWaitingInTheTargetDatabase()
    {
        using var a = Client();
        using var other = Client();
        a.Call("SELECT", "9");
        other.Call("SELECT", "8");
        other.Call("FLUSHDB");
        a.Call("FLUSHDB");
        a.Send(RespClient.Encode("BLPOP", "mv", UntilServed));
        WaitBlocked(other, 1);
        other.Call("RPUSH", "mv", "moved");
        Assert.Equal(1L, other.Call("MOVE", "mv", "9"));
        Assert.Equal(new object?[] { "mv", "moved" }, R(a));
        a.Send(RespClient.Encode("BRPOP", "renamed", UntilServed));
        WaitBlocked(other, 1);
        other.Call("SELECT", "9");
        other.Call("RPUSH", "tmp", "r");
        Assert.Equal("OK", other.Call("RENAME", "tmp", "renamed"));
        Assert.Equal(new object?[] { "renamed", "r" }, R(a));
        a.Send(RespClient.Encode("BLPOP", "sw", UntilServed));
        WaitBlocked(other, 1);
        other.Call("SELECT", "8");
        other.Call("RPUSH", "sw", "swapped");
        Assert.Equal("OK", other.Call("SWAPDB", "8", "9"));
        Assert.Equal(new object?[] { "sw", "swapped" }, R(a));
        other.Call("SWAPDB", "8", "9");
    }

    [Fact]
    public void ClientUnblockAndDisconnectLeaveNoBlockedClients()
    {
        using var ctl = Client();
        using var a = Client();
        long id = (long)a.Call("CLIENT", "ID")!;
        a.Send(RespClient.Encode("BLPOP", "ub", "0"));
        WaitBlocked(ctl, 1);
        Assert.Contains("flags=b", (string)ctl.Call("CLIENT", "LIST", "ID", id.ToString())!);
        Assert.Equal(0L, ctl.Call("CLIENT", "UNBLOCK", ((long)ctl.Call("CLIENT", "ID")!).ToString()));
        Assert.Equal(1L, ctl.Call("CLIENT", "UNBLOCK", id.ToString()));
        Assert.Null(R(a));
        a.Send(RespClient.Encode("BRPOP", "ub", "0"));
        WaitBlocked(ctl, 1);
        Assert.Equal(1L, ctl.Call("CLIENT", "UNBLOCK", id.ToString(), "ERROR"));
        Assert.Equal(new RespClient.RespError("UNBLOCKED client unblocked via CLIENT UNBLOCK"), R(a));
        var gone = Client();
        gone.Send(RespClient.Encode("BLPOP", "ub", "0"));
        WaitBlocked(ctl, 1);
        gone.Dispose();
        WaitBlocked(ctl, 0);
        // Nobody is left to take a pushed element.
        ctl.Call("RPUSH", "ub", "kept");
        Assert.Equal(1L, ctl.Call("LLEN", "ub"));
        ctl.Call("DEL", "ub");
    }

    private static object? R(RespClient c) => RespClient.Simplify(c.Read());

    private static void WaitBlocked(RespClient c, long n) => BlockedClients.WaitFor(c, n);
}

using System.Text;
using RedisLite.Server;

namespace RedisLite.Tests;

/// <summary>
/// The propagation stream (what the AOF and replicas will consume) against the one reference
/// there is: the AOF redis-server 7.0.15 writes for the same commands. Absolute times differ
/// between the two runs and are masked; everything else, rewrites (SET ... PXAT, PEXPIREAT,
/// SREM for SPOP, LPOP for BLPOP...), lazily expired keys as DEL and the MULTI/EXEC around a
/// command that also expired a key, must be the same.
/// </summary>
public class PropagationTests
{
    /// <summary>Renders units as an AOF would: SELECT when the database changes, then each command in RESP.</summary>
    private sealed class AofLikeSink : IPropagationSink
    {
        public readonly List<string> Lines = [];
        private int _db = -1;

        public void Append(IReadOnlyList<PropagatedCommand> unit)
        {
            foreach (var c in unit)
            {
                if (c.Db != _db)
                {
                    Lines.Add($"SELECT {c.Db}");
                    _db = c.Db;
                }
                Lines.Add(string.Join(' ', c.Argv.Select(Encoding.UTF8.GetString)));
            }
        }
    }

    private static readonly string[][] Script =
    [
        ["SET", "a", "1", "PX", "50"],
        ["SET", "b", "1", "PX", "50"],
        ["RPUSH", "l", "x"],
        ["WAIT-EXPIRY"],
        ["GET", "a"],
        ["SET", "b", "2"],
        ["SET", "a", "1", "XX"],
        ["DEL", "nosuch"],
        ["SETEX", "c", "100", "v"],
        ["EXPIRE", "l", "100"],
        ["SELECT", "3"],
        ["INCRBYFLOAT", "f", "1.5"],
        ["HINCRBYFLOAT", "h", "f", "2.5"],
        ["SADD", "s", "m1"],
        ["SPOP", "s"],
        ["LPUSH", "q", "1", "2", "3"],
        ["BLPOP", "q", "0"],
        ["GETEX", "q", "PERSIST"],
        ["ZADD", "z", "1", "m", "2", "n"],
        ["BZPOPMIN", "z", "0"],
        ["ZPOPMAX", "z"],
        ["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "6", "f", "7", "g"],
        ["ZPOPMIN", "z", "2"],
        ["ZMPOP", "1", "z", "MIN"],
        ["ZMPOP", "1", "z", "MAX", "COUNT", "2"],
        ["BZMPOP", "0", "1", "z", "MIN"],
        ["RPUSH", "m", "a", "b", "c", "d", "e", "f"],
        ["LMPOP", "1", "m", "LEFT"],
        ["LMPOP", "1", "m", "LEFT", "COUNT", "2"],
        ["BLMPOP", "0", "1", "m", "RIGHT", "COUNT", "1"],
        ["LPOP", "m", "5"],
        ["SADD", "t", "a", "b", "c"],
        ["SPOP", "t", "2"],
        ["SPOP", "t", "5"],
        ["SET", "e", "v", "EX", "100"],
        ["GETEX", "e", "PERSIST"],
        ["GETDEL", "e"],
        ["EXPIRE", "f", "-1"],
        ["LMOVE", "q", "q2", "LEFT", "RIGHT"],
        ["BLMOVE", "q2", "q3", "RIGHT", "LEFT", "0"],
        // BLOCK: sent by another client that blocks; the next command serves it.
        ["BLOCK", "BLPOP", "w", "0"],
        ["LPUSH", "w", "a", "b"],
        ["BLOCK", "BLMOVE", "w2", "w3", "left", "right", "0"],
        ["RPUSH", "w2", "x"],
        ["BLOCK", "BZMPOP", "0", "1", "z2", "MAX", "COUNT", "3"],
        ["ZADD", "z2", "1", "a", "2", "b"],
        ["BLOCK", "BZPOPMIN", "z3", "0"],
        ["ZADD", "z3", "1", "a"],
    ];

    // Absolute times differ between the runs, and which members SPOP picks is random.
    private static string Mask(string line) =>
        System.Text.RegularExpressions.Regex.Replace(
            System.Text.RegularExpressions.Regex.Replace(line, @"\b\d{13}\b", "<ms>"), @"^SREM t \w$", "SREM t <m>");

    [SkippableFact]
    public void StreamMatchesRedisAof()
    {
        ReferenceRedis.SkipIfAbsent();
        List<string> expected;
        using (var redis = new ReferenceRedis("--appendonly", "yes", "--enable-debug-command", "yes"))
        using (var c = new RespClient(redis.Port))
        {
            Assert.Equal("OK", c.Call("DEBUG", "SET-ACTIVE-EXPIRE", "0"));
            long RedisNowMs()
            {
                var t = (object?[])c.Call("TIME")!;
                return long.Parse((string)t[0]!) * 1000 + long.Parse((string)t[1]!) / 1000;
            }
            long startMs = RedisNowMs();
            var blocked = new List<RespClient>();
            foreach (var cmd in Script)
            {
                if (cmd[0] == "BLOCK")
                {
                    var b = new RespClient(redis.Port);
                    blocked.Add(b);
                    Assert.Equal("OK", b.Call("SELECT", "3")); // where the script is by then
                    b.Send(RespClient.Encode(cmd[1..]));
                    Eventually.True(() => ((string)c.Call("INFO", "clients")!).Contains("blocked_clients:1"), "the client blocks");
                    continue;
                }
                if (cmd[0] == "WAIT-EXPIRY")
                {
                    // The keys set with PX 50 are past their time once Redis's own clock says so.
                    Eventually.True(() => RedisNowMs() > startMs + 200, "redis clock passes the TTL");
                    continue;
                }
                c.Call(cmd);
            }
            foreach (var b in blocked)
            {
                b.Read(); // served
                b.Dispose();
            }
            string dir = (string)((object?[])c.Call("CONFIG", "GET", "dir")!)[1]!;
            // With appendfsync everysec Redis may hold back writes while a background fsync runs;
            // its shutdown writes and syncs everything.
            c.Send(RespClient.Encode("SHUTDOWN", "NOSAVE"));
            Assert.True(redis.Process.WaitForExit(60_000), "redis-server did not shut down");
            string incr = Directory.GetFiles(Path.Combine(dir, "appendonlydir"), "*.incr.aof").Single();
            expected = ParseAof(File.ReadAllBytes(incr));
        }

        using var s = new InProcessServer();
        var sink = new AofLikeSink();
        s.Server.Propagation.Subscribe(sink);
        foreach (var cmd in Script)
        {
            if (cmd[0] == "WAIT-EXPIRY") s.NowMs += 2000;
            else if (cmd[0] == "BLOCK")
            {
                var b = s.NewClient();
                b.Db = 3;
                b.Args.Load(cmd[1..].Select(Encoding.UTF8.GetBytes).ToArray());
                lock (s.Server.StoreLock) s.Server.Executor.Execute(b);
                Assert.NotNull(b.Blocked);
            }
            else s.Call(cmd);
        }
        Assert.Equal(expected.Select(Mask), sink.Lines.Select(Mask));
    }

    [Fact]
    public void NothingIsBuiltWithoutASinkAndActiveExpiryGoesOutAlone()
    {
        using var s = new InProcessServer();
        s.Call("SET", "k", "v", "PX", "10");
        var sink = new AofLikeSink();
        s.Server.Propagation.Subscribe(sink);
        s.NowMs += 1000;
        s.Server.Keyspace.NowMs = s.NowMs;
        // The cron's active expiry: a DEL per key, outside any command, each its own unit.
        lock (s.Server.StoreLock)
        {
            ulong rec = s.Server.Keyspace.FindRaw(0, "k"u8);
            s.Server.Keyspace.ExpireNow(0, rec);
        }
        Assert.Equal(["SELECT 0", "DEL k"], sink.Lines);
    }

    /// <summary>Commands from an AOF file's RESP, SELECTs included, as "NAME arg arg".</summary>
    private static List<string> ParseAof(byte[] data)
    {
        var lines = new List<string>();
        int pos = 0;
        while (pos < data.Length)
        {
            var reply = (object?[])InProcessServer.Parse(data, ref pos)!;
            lines.Add(string.Join(' ', reply.Select(a => Encoding.UTF8.GetString((byte[])a!))));
        }
        return lines;
    }
}

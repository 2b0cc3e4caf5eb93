using System.Text;

namespace RedisLite.Tests;

/// <summary>
/// Which keys each command reports as modified (Redis's signalModifiedKey, what WATCH, keyspace
/// events and client-side caching will consume): the keys a command changed, none when it changed
/// nothing, not the sources of a store command, expired keys at once, served blocked clients' keys.
/// </summary>
public class KeyChangesTests
{
    private sealed class Recorder : IDisposable
    {
        private readonly InProcessServer _s;
        public readonly List<string> Keys = [];
        public readonly List<string> Databases = [];

        public Recorder(InProcessServer s)
        {
            _s = s;
            s.Server.Keyspace.Changes.KeyModified += OnKey;
            s.Server.Keyspace.Changes.DbFlushed += OnFlush;
            s.Server.Keyspace.Changes.DbsSwapped += OnSwap;
        }

        private void OnKey(int db, ReadOnlySpan<byte> key) => Keys.Add($"{db}:{Encoding.UTF8.GetString(key)}");
        private void OnFlush(int db) => Databases.Add($"flushed {db}");
        private void OnSwap(int a, int b) => Databases.Add($"swapped {a} {b}");

        public List<string> Take()
        {
            var k = Keys.ToList();
            Keys.Clear();
            return k;
        }

        public void Dispose()
        {
            _s.Server.Keyspace.Changes.KeyModified -= OnKey;
            _s.Server.Keyspace.Changes.DbFlushed -= OnFlush;
            _s.Server.Keyspace.Changes.DbsSwapped -= OnSwap;
        }
    }

    [Fact]
    public void EachCommandRaisesTheKeysItChanged()
    {
        using var s = new InProcessServer();
        using var r = new Recorder(s);
        void Expect(string[] keys, params object[] cmd)
        {
            s.Call(cmd);
            Assert.Equal(keys, r.Take());
        }
        Expect(["0:a"], "SET", "a", "1");
        Expect([], "SET", "a", "2", "NX");
        Expect([], "GET", "a");
        Expect(["0:b", "0:c"], "MSET", "b", "1", "c", "2");
        Expect(["0:a"], "APPEND", "a", "x");
        Expect([], "DEL", "nosuch");
        Expect(["0:a"], "DEL", "a", "nosuch");
        Expect(["0:s1"], "SADD", "s1", "x", "y");
        Expect(["0:s2"], "SADD", "s2", "x");
        Expect([], "SADD", "s2", "x");
        Expect(["0:d"], "SINTERSTORE", "d", "s1", "s2");
        Expect(["0:s1", "0:s2"], "SMOVE", "s1", "s2", "y");
        Expect([], "SMOVE", "s1", "s2", "nosuch");
        Expect(["0:b", "0:e"], "RENAME", "b", "e");
        Expect(["0:c"], "EXPIRE", "c", "100");
        Expect(["0:l"], "RPUSH", "l", "x");
        Expect(["0:l"], "BLPOP", "l2", "l", "0");
        Expect(["0:c", "3:c"], "MOVE", "c", "3");
    }

    [Fact]
    public void ExpiredKeysAreRaisedEvenWhenTheCommandChangesNothing()
    {
        using var s = new InProcessServer();
        s.Call("SET", "k", "v", "PX", "10");
        using var r = new Recorder(s);
        s.NowMs += 1000;
        Assert.Null(s.Call("GET", "k"));
        Assert.Equal(["0:k"], r.Take());
    }

    [Fact]
    public void AServedBlockedClientsKeyIsRaised()
    {
        using var s = new InProcessServer();
        using var r = new Recorder(s);
        var blocked = s.NewClient();
        blocked.Args.Load([.. new[] { "BLMOVE", "src", "dst", "LEFT", "RIGHT", "0" }.Select(Encoding.UTF8.GetBytes)]);
        lock (s.Server.StoreLock) s.Server.Executor.Execute(blocked);
        Assert.NotNull(blocked.Blocked);
        Assert.Empty(r.Take());
        s.Call("RPUSH", "src", "x");
        Assert.Null(blocked.Blocked);
        Assert.Equal(["0:src", "0:dst"], r.Take().Distinct().ToList());
    }

    [Fact]
    public void FlushAndSwapAnnounceWholeDatabases()
    {
        using var s = new InProcessServer();
        using var r = new Recorder(s);
        s.Call("SET", "a", "1");
        s.Call("SELECT", "2");
        s.Call("SET", "b", "1");
        s.Call("SWAPDB", "0", "2");
        s.Call("FLUSHDB");
        s.Call("FLUSHALL");
        Assert.Equal(["swapped 0 2", "flushed 2", "flushed -1"], r.Databases);
    }
}

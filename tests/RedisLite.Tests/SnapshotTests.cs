using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace RedisLite.Tests;

/// <summary>
/// SAVE/BGSAVE through the native fork helper, and loading: files accepted by redis-check-rdb and
/// redis-server 7.0.15 in both directions, and every failure path leaving the previous dump intact.
/// </summary>
public class SnapshotTests
{
    private static bool HaveRedis => File.Exists("/usr/bin/redis-server") && File.Exists("/usr/bin/redis-check-rdb");

    /// <summary>Strings of every storage form, TTLs and several databases.</summary>
    private static Dictionary<(int Db, string Key), string> Populate(RespClient c, int seed = 1)
    {
        var rng = new Random(seed);
        var data = new Dictionary<(int, string), string>();
        foreach (int db in new[] { 0, 3, 15 })
        {
            c.Call("SELECT", db);
            var values = new List<string>
            {
                "0", "-1", "127", "-128", "32767", "-32768", "2147483647", "-2147483648", "9223372036854775807",
                "-9223372036854775808", "12345678901", "007", "", "hello", new string('a', 5000),
                Convert.ToBase64String(RandomNumberGenerator.GetBytes(3000)), "3.14",
            };
            for (int i = 0; i < 200; i++) values.Add(new string((char)('a' + rng.Next(26)), rng.Next(1, 100)));
            for (int i = 0; i < values.Count; i++)
            {
                string key = $"k:{db}:{i}";
                Assert.Equal("OK", c.Call("SET", key, values[i]));
                data[(db, key)] = values[i];
                if (i % 3 == 0) Assert.Equal(1L, c.Call("PEXPIRE", key, 1_000_000 + i));
            }
            c.Call("APPEND", $"k:{db}:1", "x");
            data[(db, $"k:{db}:1")] += "x";
        }
        c.Call("SELECT", 0);
        return data;
    }

    internal static string Info(RespClient c, string field)
    {
        var text = (string)c.Call("INFO", "all")!;
        foreach (var line in text.Split("\r\n"))
            if (line.StartsWith(field + ":", StringComparison.Ordinal)) return line[(field.Length + 1)..];
        throw new Xunit.Sdk.XunitException($"INFO has no field {field}");
    }

    internal static void WaitForBgsave(RespClient c, TimeSpan? timeout = null) =>
        Eventually.True(() => Info(c, "rdb_bgsave_in_progress") == "0", "BGSAVE to finish", timeout);

    [SkippableFact]
    public void BgsaveFileIsAcceptedByRedisCheckRdbAndRedisServer()
    {
        Skip.IfNot(HaveRedis, "redis-server/redis-check-rdb not installed");
        using var s = new TestServer("--save", "");
        using var c = s.Client();
        var data = Populate(c);
        Assert.Equal("Background saving started", c.Call("BGSAVE"));
        WaitForBgsave(c);
        Assert.Equal("ok", Info(c, "rdb_last_bgsave_status"));
        string dump = Path.Combine(s.Dir, "dump.rdb");
        var check = Run("redis-check-rdb", dump);
        Assert.Contains("RDB looks OK", check);

        using var redis = ReferenceRedis.InDir(s.Dir);
        using var rc = new RespClient(redis.Port);
        foreach (var ((db, key), value) in data)
        {
            rc.Call("SELECT", db);
            c.Call("SELECT", db);
            Assert.Equal(value, rc.Call("GET", key));
            long pttl = (long)rc.Call("PTTL", key)!;
            long ours = (long)c.Call("PTTL", key)!;
            if (ours == -1) Assert.Equal(-1L, pttl);
            else Assert.InRange(pttl, ours - 60_000, ours + 1_000); // same deadline, clocks read a moment apart
        }
    }

    [SkippableFact]
    public void LoadsADumpWrittenByRedisServer()
    {
        Skip.IfNot(HaveRedis, "redis-server not installed");
        var dir = Directory.CreateTempSubdirectory("redislite-from-redis-").FullName;
        Dictionary<(int, string), string> data;
        using (var redis = ReferenceRedis.InDir(dir))
        using (var rc = new RespClient(redis.Port))
        {
            data = Populate(rc, seed: 7);
            Assert.Equal("OK", rc.Call("SAVE"));
        }
        using var s = TestServer.InDir(dir);
        using var c = s.Client();
        foreach (var ((db, key), value) in data)
        {
            c.Call("SELECT", db);
            Assert.Equal(value, c.Call("GET", key));
        }
        c.Call("SELECT", 0);
        Assert.Equal((long)data.Keys.Count(k => k.Item1 == 0), c.Call("DBSIZE"));
    }

    [Fact]
    public void SnapshotTakenMidRehashHoldsEveryKeyOnce()
    {
        // The writer fetches records ahead and interleaves bucket chains; with the key index
        // half-way through a rehash (both tables in use) every key must still be written once.
        string dir = Directory.CreateTempSubdirectory("redislite-rehash-").FullName;
        try
        {
            int n;
            using (var server = new InProcessServer(c =>
            {
                c.Dir.Value = dir;
                c.ActiveRehashing.Value = false;
            }))
            {
                var keys = server.Server.Keyspace.Keys(0);
                n = 0;
                do
                {
                    server.Call("SET", $"key:{n}", n % 3 == 0 ? $"{n}" : $"value of {n} " + new string('x', n % 200));
                    if (n % 7 == 0) server.Call("PEXPIREAT", $"key:{n}", 4_102_444_800_000); // year 2100: the in-process clock is in 2023
                    n++;
                } while (n < 5000 || !keys.IsRehashing);
                Assert.Equal("OK", server.Call("SAVE"));
                Assert.True(keys.IsRehashing, "SAVE finished the rehash: the test no longer covers two tables");
            }
            using var loaded = TestServer.InDir(dir, "--save", "");
            using var c = loaded.Client();
            Assert.Equal((long)n, c.Call("DBSIZE"));
            for (int i = 0; i < n; i += 1 + i % 5)
                Assert.Equal(i % 3 == 0 ? $"{i}" : $"value of {i} " + new string('x', i % 200), c.Call("GET", $"key:{i}")?.ToString());
            Assert.Equal((long)((n + 6) / 7), long.Parse(Info(c, "db0").Split(',')[1].Split('=')[1]));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void SaveThenRestartRestoresEveryKeyAndTtl()
    {
        string dir;
        Dictionary<(int, string), string> data;
        using (var s = new TestServer("--save", ""))
        {
            dir = s.Dir;
            using var c = s.Client();
            data = Populate(c, seed: 3);
            Assert.Equal("OK", c.Call("SAVE"));
        }
        using var s2 = TestServer.InDir(dir);
        using var c2 = s2.Client();
        foreach (var ((db, key), value) in data)
        {
            c2.Call("SELECT", db);
            Assert.Equal(value, c2.Call("GET", key));
        }
        c2.Call("SELECT", 0);
        Assert.InRange((long)c2.Call("PTTL", "k:0:0")!, 900_000, 1_000_000);
        Assert.Equal(-1L, c2.Call("PTTL", "k:0:1"));
    }

    [Fact]
    public void ShutdownSavesAndDebugReloadRoundTrips()
    {
        string dir;
        using (var s = new TestServer("--save", "3600 1"))
        {
            dir = s.Dir;
            using var c = s.Client();
            c.Call("SET", "a", "1");
            c.Call("SET", "b", new string('b', 1000));
            Assert.Equal("OK", c.Call("DEBUG", "RELOAD"));
            Assert.Equal("1", c.Call("GET", "a"));
            Assert.Equal(2L, c.Call("DBSIZE"));
            c.Call("SET", "c", "3");
            c.Send(RespClient.Encode("SHUTDOWN"));
            Assert.True(c.IsClosedByServer(), "SHUTDOWN did not close the connection");
            Assert.True(s.Process.WaitForExit(10_000), "server did not exit");
        }
        using var s2 = TestServer.InDir(dir);
        using var c2 = s2.Client();
        Assert.Equal("3", c2.Call("GET", "c"));
        Assert.Equal(3L, c2.Call("DBSIZE"));
    }

    [Fact]
    public void CorruptOrTruncatedDumpStopsStartupNamingTheOffsetAndIsNotTouched()
    {
        string dir;
        using (var s = new TestServer("--save", ""))
        {
            dir = s.Dir;
            using var c = s.Client();
            Populate(c);
            Assert.Equal("OK", c.Call("SAVE"));
        }
        string dump = Path.Combine(dir, "dump.rdb");
        var good = File.ReadAllBytes(dump);

        var flipped = (byte[])good.Clone();
        flipped[good.Length / 2] ^= 0x20;
        File.WriteAllBytes(dump, flipped);
        var (code, output) = StartAndWaitForExit(dir);
        Assert.Equal(1, code);
        Assert.Matches(@"offset \d+", output);
        Assert.Contains(dump, output);
        Assert.Equal(flipped, File.ReadAllBytes(dump));

        var cut = good[..(good.Length * 2 / 3)];
        File.WriteAllBytes(dump, cut);
        (code, output) = StartAndWaitForExit(dir);
        Assert.Equal(1, code);
        Assert.Contains($"offset {cut.Length}", output);
        Assert.Equal(cut, File.ReadAllBytes(dump));
    }

    [SkippableFact]
    public void StreamInARedisDumpIsRefusedWithTypeAndOffset()
    {
        Skip.IfNot(HaveRedis, "redis-server not installed");
        var dir = Directory.CreateTempSubdirectory("redislite-stream-").FullName;
        using (var redis = ReferenceRedis.InDir(dir))
        using (var rc = new RespClient(redis.Port))
        {
            rc.Call("SET", "a", "1");
            rc.Call("XADD", "s", "*", "f", "v");
            Assert.Equal("OK", rc.Call("SAVE"));
        }
        var before = File.ReadAllBytes(Path.Combine(dir, "dump.rdb"));
        var (code, output) = StartAndWaitForExit(dir);
        Assert.Equal(1, code);
        Assert.Matches(@"Stream value \(RDB type \d+\) is not supported.*offset \d+", output);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(dir, "dump.rdb")));
    }

    [Fact]
    public void KilledChildLeavesPreviousDumpAndTurnsOnMisconfUntilTheNextGoodSave()
    {
        using var s = new TestServer("--save", "3600 1");
        using var c = s.Client();
        c.Call("SET", "first", "1");
        Assert.Equal("OK", c.Call("SAVE"));
        string dump = Path.Combine(s.Dir, "dump.rdb");
        var previous = File.ReadAllBytes(dump);

        for (int i = 0; i < 50; i++) c.Call("SET", $"k{i}", i);
        // 60 s per key: the child is killed long before it gets anywhere, however slow the machine.
        Assert.Equal("OK", c.Call("CONFIG", "SET", "rdb-key-save-delay", "60000000"));
        Assert.Equal("Background saving started", c.Call("BGSAVE"));
        Assert.Equal("ERR Background save already in progress", c.Call("BGSAVE")?.ToString());
        int child = SnapshotChild.WaitFor(s.Process.Id);
        Process.GetProcessById(child).Kill();
        WaitForBgsave(c);

        Assert.Equal("err", Info(c, "rdb_last_bgsave_status"));
        Assert.Equal(previous, File.ReadAllBytes(dump));
        Assert.False(File.Exists(Path.Combine(s.Dir, $"temp-{child}.rdb")), "temp file left behind");
        Assert.StartsWith("MISCONF", c.Call("SET", "x", "1")!.ToString());
        Assert.Equal("1", c.Call("GET", "first"));

        Assert.Equal("OK", c.Call("CONFIG", "SET", "rdb-key-save-delay", "0"));
        Assert.Equal("Background saving started", c.Call("BGSAVE"));
        WaitForBgsave(c);
        Assert.Equal("ok", Info(c, "rdb_last_bgsave_status"));
        Assert.Equal("OK", c.Call("SET", "x", "1"));
    }

    [Fact]
    public void UnwritableDirFailsTheSaveAndKeepsServing()
    {
        using var s = new TestServer("--save", "3600 1");
        using var c = s.Client();
        c.Call("SET", "a", "1");
        Directory.Delete(s.Dir, recursive: true);
        Assert.Equal("Background saving started", c.Call("BGSAVE"));
        WaitForBgsave(c);
        Assert.Equal("err", Info(c, "rdb_last_bgsave_status"));
        Assert.Equal("ERR", c.Call("SAVE")!.ToString());
        Assert.StartsWith("MISCONF", c.Call("SET", "b", "1")!.ToString());
        Assert.Equal("1", c.Call("GET", "a"));
        Directory.CreateDirectory(s.Dir);
        Assert.Equal("OK", c.Call("SAVE"));
        Assert.Equal("OK", c.Call("SET", "b", "1"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void FlushAllStopsARunningBgsaveAndSavesTheEmptyDatasetWithSavePoints(bool savePoints)
    {
        // As Redis's flushAllDataAndResetRDB: the child is stopped with SIGUSR1, which is not a
        // failed save, and with save points the empty dataset is saved.
        using var s = new TestServer("--save", savePoints ? "3600 1" : "");
        using var c = s.Client();
        c.Call("SET", "a", "1");
        c.Call("SET", "b", "2");
        Assert.Equal("OK", c.Call("SAVE"));
        // 60 s per key: the child is still running when FLUSHALL comes however slow the machine,
        // and FLUSHALL ends it, so the test never waits for that delay.
        Assert.Equal("OK", c.Call("CONFIG", "SET", "rdb-key-save-delay", "60000000"));
        Assert.Equal("Background saving started", c.Call("BGSAVE"));
        Assert.Equal("1", Info(c, "rdb_bgsave_in_progress"));
        Assert.Equal("OK", c.Call("FLUSHALL"));
        Assert.Equal("0", Info(c, "rdb_bgsave_in_progress"));
        Assert.Equal("ok", Info(c, "rdb_last_bgsave_status"));
        Assert.Equal("OK", c.Call("SET", "c", "3")); // no MISCONF
        Assert.Empty(Directory.GetFiles(s.Dir, "temp-*.rdb"));
        Assert.Contains("Background saving terminated by signal 10", Eventually.LogContains(s, "terminated by signal 10"));
        c.Call("DEL", "c");
        using var loaded = TestServer.InDir(s.Dir, "--save", "");
        using var lc = loaded.Client();
        Assert.Equal(savePoints ? 0L : 2L, lc.Call("DBSIZE"));
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void FullDiskFailsTheSaveAndRemovesTheTempFile(bool oneHugeValue)
    {
        // oneHugeValue: a 20 MB string goes to the writer in one call that spans many buffers, so
        // the disk fills in the middle of it (the serialiser once spun there forever).
        var mnt = Directory.CreateTempSubdirectory("redislite-tmpfs-").FullName;
        var mount = Process.Start(new ProcessStartInfo("mount", $"-t tmpfs -o size=2m tmpfs {mnt}") { RedirectStandardError = true })!;
        mount.WaitForExit();
        Skip.If(mount.ExitCode != 0, "cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN)");
        try
        {
            using var s = TestServer.InDir(mnt, "--save", "3600 1", "--rdbcompression", "no");
            using var c = s.Client();
            c.Call("SET", "small", "1");
            Assert.Equal("OK", c.Call("SAVE"));
            var previous = File.ReadAllBytes(Path.Combine(mnt, "dump.rdb"));
            if (oneHugeValue) c.Call("SET", "huge", new string('z', 20_000_000));
            else for (int i = 0; i < 100; i++) c.Call("SET", $"big{i}", new string('z', 50_000));
            Assert.Equal("Background saving started", c.Call("BGSAVE"));
            WaitForBgsave(c);
            Assert.Equal("err", Info(c, "rdb_last_bgsave_status"));
            Assert.Equal(previous, File.ReadAllBytes(Path.Combine(mnt, "dump.rdb")));
            Assert.Empty(Directory.GetFiles(mnt, "temp-*.rdb"));
            Assert.StartsWith("MISCONF", c.Call("SET", "x", "1")!.ToString());
        }
        finally
        {
            Process.Start("umount", mnt)!.WaitForExit();
        }
    }

    /// <summary>Runs the server on <paramref name="dir"/> until it exits (on a bad dump it must).</summary>
    private static (int Code, string Output) StartAndWaitForExit(string dir)
    {
        // The server binds its port before it loads: a port taken meanwhile is tried again.
        for (int attempt = 1; ; attempt++)
        {
            var (code, stderr, stdout) = ReferenceRedis.RunToExit("dotnet", [TestServer.ServerDll, "--port", TestServer.FreePort().ToString(), "--dir", dir], 60_000);
            if (!stdout.Contains(ServerStartup.BindFailed) || attempt == 5) return (code, stdout + stderr);
        }
    }

    internal static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string o = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return o;
    }
}

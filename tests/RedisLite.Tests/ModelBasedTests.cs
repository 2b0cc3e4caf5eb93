using System.Text;
using RedisLite.Commands;
using RedisLite.Persistence;
using RedisLite.Server;
using Xunit.Abstractions;
using static RedisLite.Tests.Replies;

namespace RedisLite.Tests;

/// <summary>
/// Randomized model-based test: a seeded stream of string and keyspace commands (valid and
/// invalid, with TTLs in the past, in the near future and expiring while the run goes on under a
/// test-controlled clock, across several databases with SELECT, SWAPDB, MOVE, COPY and FLUSHDB)
/// runs against an in-process server and against <see cref="KeyspaceModel"/>. Every reply must
/// match; every few hundred steps the whole keyspace (all databases: values, deadlines,
/// encodings, LRU clocks) is compared and the region is audited (<see cref="RegionAudit"/>).
/// Set REDISLITE_TEST_SEED / REDISLITE_TEST_STEPS to replay or lengthen a run (<see cref="TestSeed"/>).
/// </summary>
public class ModelBasedTests(ITestOutputHelper output)
{
    private static readonly Encoding L1 = Encoding.Latin1;

    [Fact]
    public void RandomOperationsMatchTheModel() => TestSeed.Run(output, seed =>
    {
        var stats = Run(seed, TestSeed.Steps(100_000));
        output.WriteLine(string.Join("\n", stats.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}: {kv.Value}")));
    });

    /// <summary>Runs the comparison; returns how often each command ran and replied an error, and other counts.</summary>
    private static SortedDictionary<string, int> Run(int seed, int steps)
    {
        var stats = new SortedDictionary<string, int>();
        void Count(string what) => stats[what] = stats.GetValueOrDefault(what) + 1;
        var rng = new Random(seed);
        using var server = new InProcessServer();
        var model = new KeyspaceModel { Now = server.NowMs };
        var gen = new CommandGenerator(rng, model);
        var activeExpire = new ActiveExpire(server.Server);
        var history = new Queue<string>();
        for (int step = 1; step <= steps; step++)
        {
            string[] args = gen.Next();
            history.Enqueue(string.Join(' ', args.Select(Show)));
            if (history.Count > 30) history.Dequeue();
            var expected = model.Apply(args);
            var actual = server.Call(args.Select(a => (object)L1.GetBytes(a)).ToArray());
            string? problem = expected is KeyspaceModel.Check check ? check.Verify(actual) : Same(expected, actual) ? null : "replies differ";
            Count(args[0].ToUpperInvariant() + (actual is RespClient.RespError ? " (error)" : ""));
            if (problem != null)
                throw new InvalidOperationException($"step {step}: {string.Join(' ', args.Select(Show))}\n  {problem}\n  model:  {Show(expected)}\n  server: {Show(actual)}\n" +
                                                    $"  now {model.Now}, db {model.Db}\nlast commands:\n  " + string.Join("\n  ", history));

            // Time passes: mostly milliseconds, sometimes seconds, so deadlines fall due mid-run.
            long dt = rng.Next(100) < 2 ? rng.Next(500, 4000) : rng.Next(0, 25);
            server.NowMs += dt;
            model.Now = server.NowMs;
            if (step % 97 == 0)
            {
                server.Server.Keyspace.NowMs = server.NowMs;
                activeExpire.Cycle(10);
            }
            if (SharingSimulation.Step(server.Server.Keyspace, step)) Count("allocator sharing toggles");
            if (step % 500 == 0 || step == steps)
            {
                server.Server.Keyspace.NowMs = server.NowMs;
                CompareKeyspace(server, model, step);
                RegionAudit.Check(server.Server.Keyspace);
                Count("full keyspace comparisons and audits");
            }
        }
        stats["keys expired (lazily or actively)"] = (int)server.Server.Stats.ExpiredKeys;
        stats["region bytes in use at the end"] = (int)server.Server.Keyspace.Alloc.UsedBytes;
        return stats;
    }

    /// <summary>Every live key of every database, server against model.</summary>
    private static void CompareKeyspace(InProcessServer server, KeyspaceModel model, int step)
    {
        var ks = server.Server.Keyspace;
        if (server.Client.Db != model.Db) throw new InvalidOperationException($"step {step}: server selected db {server.Client.Db}, model {model.Db}");
        Span<byte> scratch = stackalloc byte[32];
        for (int db = 0; db < KeyspaceModel.DbCount; db++)
        {
            var live = ks.Keys(db).Entries().Where(r => !ks.IsExpired(r)).ToList();
            int modelLive = model.Dbs[db].Values.Count(model.IsLive);
            if (live.Count != modelLive) throw new InvalidOperationException($"step {step}: db {db} has {live.Count} live keys, model {modelLive}");
            foreach (ulong rec in live)
            {
                string key = L1.GetString(ks.KeyOf(rec));
                var e = model.Live(db, key) ?? throw new InvalidOperationException($"step {step}: db {db} key {Show(key)} is not in the model");
                ref var r = ref ks.Rec(rec);
                string value = L1.GetString(Store.StringValues.Read(ks, rec, scratch));
                string enc = Keys.EncodingName(ks, rec);
                uint lru = (uint)(e.LastAccessMs / 1000) & Store.LruClock.Max;
                bool unshared = (r.Flags & RegionLayout.FlagUnsharedInt) != 0;
                if (value != e.Value || r.ExpireMs != e.ExpireAt || enc != e.Encoding || r.Lru != lru || (enc == "int" && unshared != e.Unshared))
                    throw new InvalidOperationException($"step {step}: db {db} key {Show(key)}: server {Show(value)} ttl@{r.ExpireMs} {enc} lru {r.Lru} unshared {unshared}, " +
                                                        $"model {Show(e.Value)} ttl@{e.ExpireAt} {e.Encoding} lru {lru} unshared {e.Unshared}");
            }
        }
    }

    [Fact]
    public void AllocatorSurvivesRandomAllocAndFree() => TestSeed.Run(output, seed =>
    {
        var rng = new Random(seed);
        using var ks = new Store.Keyspace(1UL << 32, 1);
        var alloc = ks.Alloc;
        var live = new Dictionary<ulong, (int Size, byte Fill)>();
        var order = new List<ulong>();
        ulong baseline = alloc.UsedBytes;
        for (int batch = 0; batch < 60; batch++)
        {
            for (int i = 0; i < 200; i++)
            {
                if (order.Count > 0 && rng.Next(100) < 45)
                {
                    int pick = rng.Next(order.Count);
                    ulong victim = order[pick];
                    order[pick] = order[^1];
                    order.RemoveAt(order.Count - 1);
                    alloc.Free(victim);
                    live.Remove(victim);
                    continue;
                }
                // Mostly small blocks, a share of page runs up to 100 KB.
                int size = rng.Next(100) < 85 ? rng.Next(1, 4097) : rng.Next(4097, 100 * 1024 + 1);
                ulong off = alloc.Alloc((ulong)size);
                Assert.True(alloc.SizeOf(off) >= (ulong)size, $"block of {alloc.SizeOf(off)} for {size} bytes");
                byte fill = (byte)rng.Next(256);
                ks.Region.Bytes(off, size).Fill(fill);
                live[off] = (size, fill);
                order.Add(off);
            }
            var audit = alloc.Audit();
            Assert.Equal(audit.UsedBytes, alloc.UsedBytes);
            var spans = live.Select(kv => (Off: kv.Key, Size: alloc.SizeOf(kv.Key))).Concat(audit.FreeChunks.Select(f => (Off: f, Size: alloc.SizeOf(f)))).OrderBy(x => x.Off).ToList();
            for (int i = 1; i < spans.Count; i++)
                Assert.True(spans[i - 1].Off + spans[i - 1].Size <= spans[i].Off, $"block at {spans[i - 1].Off} overlaps {spans[i].Off}");
            ulong sum = live.Keys.Aggregate(baseline, (s, off) => s + alloc.SizeOf(off));
            Assert.True(sum == alloc.UsedBytes, $"live blocks hold {sum} bytes, allocator says {alloc.UsedBytes}");
            // Nobody else wrote into a live block (its first and last bytes, where a neighbour would spill).
            foreach (var (off, (size, fill)) in live)
            {
                int edge = Math.Min(size, 64);
                Assert.True(ks.Region.Bytes(off, edge).IndexOfAnyExcept(fill) < 0 && ks.Region.Bytes(off + (ulong)(size - edge), edge).IndexOfAnyExcept(fill) < 0,
                    $"block at {off} was overwritten");
            }
        }
        foreach (ulong off in live.Keys.ToList()) alloc.Free(off);
        Assert.Equal(baseline, alloc.UsedBytes);
        alloc.Audit();
    });
}

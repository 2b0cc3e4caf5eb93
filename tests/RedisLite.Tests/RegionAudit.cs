using RedisLite.Persistence;
using RedisLite.Store;

namespace RedisLite.Tests;

/// <summary>
/// Checks the whole region against the allocator's books: every block the keyspace references
/// (the db array, each dict's bucket tables, every key record and every value block) and every
/// free chunk is laid out end to end without overlap, the allocator's own audit passes, and the
/// bytes in use are exactly the referenced blocks (so nothing leaked and nothing is used twice).
/// Also checks that each expires index holds exactly the records that have a TTL.
/// </summary>
public static unsafe class RegionAudit
{
    public static void Check(Keyspace ks)
    {
        var audit = ks.Alloc.Audit();
        var alloc = ks.Alloc;
        var blocks = new List<(ulong Off, ulong Size, string What)>();
        void Add(ulong off, string what) => blocks.Add((off, alloc.SizeOf(off), what));

        Add(ks.Region.Header.Dbs, "db array");
        for (int db = 0; db < ks.DbCount; db++)
        {
            ref var h = ref ks.DbHeader(db);
            foreach (var (t, name) in new[] { (h.Keys.T0, "keys.t0"), (h.Keys.T1, "keys.t1"), (h.Expires.T0, "expires.t0"), (h.Expires.T1, "expires.t1") })
                if (t.Buckets != 0) Add(t.Buckets, $"db{db} {name}");
            var withTtl = new HashSet<ulong>();
            foreach (ulong rec in ks.Keys(db).Entries())
            {
                ref var r = ref ks.Rec(rec);
                Add(rec, $"db{db} record");
                if (alloc.SizeOf(rec) < (ulong)(sizeof(RlKey) + r.KeyLen)) throw new InvalidOperationException($"record {rec} larger than its block");
                if (r.ExpireMs >= 0) withTtl.Add(rec);
                var type = ks.Types[r.Type] ?? throw new InvalidOperationException($"audit does not know value type {r.Type}");
                foreach (var (off, what) in type.Blocks(ks, rec)) Add(off, $"db{db} {what}");
            }
            var expires = ks.Expires(db).Entries().ToHashSet();
            if (!expires.SetEquals(withTtl))
                throw new InvalidOperationException($"db{db}: expires index has {expires.Count} records, {withTtl.Count} records have a TTL");
        }
        ulong used = blocks.Aggregate(0UL, (s, b) => s + b.Size);
        foreach (ulong f in audit.FreeChunks) blocks.Add((f, alloc.SizeOf(f), "free chunk"));
        foreach (ulong h in alloc.HeldBlocks) blocks.Add((h, alloc.SizeOf(h), "held block"));
        blocks.Sort((x, y) => x.Off.CompareTo(y.Off));
        for (int i = 1; i < blocks.Count; i++)
            if (blocks[i - 1].Off + blocks[i - 1].Size > blocks[i].Off)
                throw new InvalidOperationException($"{blocks[i - 1].What} at {blocks[i - 1].Off}+{blocks[i - 1].Size} overlaps {blocks[i].What} at {blocks[i].Off}");
        if (used != alloc.UsedBytes || used != audit.UsedBytes)
            throw new InvalidOperationException($"referenced blocks hold {used} bytes, allocator says {alloc.UsedBytes} (audit {audit.UsedBytes})");
    }
}

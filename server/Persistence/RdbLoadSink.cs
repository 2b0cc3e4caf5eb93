using RedisLite.Persistence.Rdb;
using RedisLite.Server;
using RedisLite.Store;

namespace RedisLite.Persistence;

/// <summary>
/// Builds region values from what <see cref="RdbReader"/> decodes. Runs while the server is
/// marked loading; takes the store lock per key so the cron and connections stay responsive
/// (they answer -LOADING meanwhile).
/// </summary>
public sealed class RdbLoadSink(RedisServer server) : IRdbSink
{
    private Keyspace Ks => server.Keyspace;

    public void OnAux(string key, byte[] value) { }

    private ulong NewRecord(int db, byte[] key, byte type, long expireMs)
    {
        if (db >= Ks.DbCount)
            throw new NotSupportedException($"DB index {db} is out of range (databases is {Ks.DbCount})");
        ulong old = Ks.FindRaw(db, key);
        if (old != 0) Ks.Delete(db, old); // a later duplicate wins, as in Redis's loader with replace
        ulong rec = Ks.Create(db, key, type, RedisLite.Persistence.RegionLayout.EncRaw);
        if (expireMs >= 0) Ks.SetExpire(db, rec, expireMs);
        return rec;
    }

    public void OnString(int db, byte[] key, byte[] value, long expireMs)
    {
        lock (server.StoreLock)
        {
            ulong rec = NewRecord(db, key, RegionLayout.TypeString, expireMs);
            StringValues.Set(Ks, rec, value);
        }
    }

    /// <summary>A list becomes a quicklist (Redis 7.0's only list encoding) filled to list-max-listpack-size; an empty one is skipped, as Redis skips empty keys.</summary>
    public void OnList(int db, byte[] key, List<byte[]> items, long expireMs)
    {
        if (items.Count == 0) return;
        lock (server.StoreLock)
        {
            ulong rec = NewRecord(db, key, RegionLayout.TypeList, expireMs);
            ref var r = ref Ks.Rec(rec);
            r.Encoding = RegionLayout.EncQuicklist;
            var ql = new Quicklist(Ks, server.Config.ListMaxListpackSize.Value);
            ulong q = ql.Create();
            r.Value = q;
            foreach (var item in items) ql.Push(q, item, head: false);
        }
    }

    /// <summary>
    /// A set gets the encoding Redis's loader gives it: an intset when it has at most
    /// set-max-intset-entries members and all are integers, else a hashtable.
    /// </summary>
    public void OnSet(int db, byte[] key, List<byte[]> members, long expireMs)
    {
        if (members.Count == 0) return; // Redis skips empty aggregates too
        lock (server.StoreLock)
        {
            long max = server.Config.SetMaxIntsetEntries.Value;
            ulong rec = NewRecord(db, key, RegionLayout.TypeSet, expireMs);
            if (members.Count <= max && members.TrueForAll(m => SetValues.IsIntMember(m, out _))) SetValues.InitIntset(Ks, rec);
            else SetValues.Init(Ks, rec, "x"u8);
            foreach (var m in members) SetValues.Add(Ks, rec, m, max);
        }
    }

    /// <summary>
    /// A hash gets the encoding Redis's loader gives it: a listpack when it has at most
    /// hash-max-listpack-entries fields and no field or value is longer than
    /// hash-max-listpack-value, else a hashtable.
    /// </summary>
    public void OnHash(int db, byte[] key, List<(byte[] Field, byte[] Value)> pairs, long expireMs)
    {
        if (pairs.Count == 0) return;
        lock (server.StoreLock)
        {
            var limits = new HashValues.Limits(server.Config.HashMaxListpackEntries.Value, server.Config.HashMaxListpackValue.Value);
            ulong rec = NewRecord(db, key, RegionLayout.TypeHash, expireMs);
            HashValues.Init(Ks, rec);
            if (pairs.Count > limits.MaxEntries) HashValues.ConvertToHashtable(Ks, rec);
            foreach (var (f, v) in pairs) HashValues.Set(Ks, rec, f, v, limits);
        }
    }

    /// <summary>
    /// A sorted set in the encoding Redis's loader would leave it in for its size (listpack when
    /// it fits zset-max-listpack-entries/value, else skiplist), whatever the file used. Elements
    /// come in any order (ZSET_2 is written tail first); a repeated member keeps its last score.
    /// </summary>
    public void OnZSet(int db, byte[] key, List<(byte[] Member, double Score)> items, long expireMs)
    {
        var byMember = new Dictionary<string, (byte[] Member, double Score)>(items.Count, StringComparer.Ordinal);
        foreach (var (m, sc) in items)
        {
            if (double.IsNaN(sc)) throw new NotSupportedException("Sorted set score is NaN");
            byMember[System.Text.Encoding.Latin1.GetString(m)] = (m, sc);
        }
        if (byMember.Count == 0) return; // Redis skips empty aggregates too
        var sorted = byMember.Values.ToList();
        sorted.Sort((x, y) => x.Score != y.Score ? x.Score.CompareTo(y.Score) : x.Member.AsSpan().SequenceCompareTo(y.Member));
        lock (server.StoreLock)
        {
            ulong rec = NewRecord(db, key, RegionLayout.TypeZSet, expireMs);
            ZSetValues.Build(Ks, rec, sorted, new ZSetLimits(server.Config.ZsetMaxListpackEntries.Value, server.Config.ZsetMaxListpackValue.Value));
        }
    }
}

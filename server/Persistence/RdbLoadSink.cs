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

    public void OnList(int db, byte[] key, List<byte[]> items, long expireMs) =>
        throw new NotSupportedException("List values cannot be loaded yet (collections are not in this build)");

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

    public void OnZSet(int db, byte[] key, List<(byte[] Member, double Score)> items, long expireMs) =>
        throw new NotSupportedException("Sorted set values cannot be loaded yet (collections are not in this build)");
}

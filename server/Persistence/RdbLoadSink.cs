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

    public void OnSet(int db, byte[] key, List<byte[]> members, long expireMs) =>
        throw new NotSupportedException("Set values cannot be loaded yet (collections are not in this build)");

    public void OnHash(int db, byte[] key, List<(byte[] Field, byte[] Value)> pairs, long expireMs) =>
        throw new NotSupportedException("Hash values cannot be loaded yet (collections are not in this build)");

    public void OnZSet(int db, byte[] key, List<(byte[] Member, double Score)> items, long expireMs) =>
        throw new NotSupportedException("Sorted set values cannot be loaded yet (collections are not in this build)");
}

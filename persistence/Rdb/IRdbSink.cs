namespace RedisLite.Persistence.Rdb;

/// <summary>
/// Receives what <see cref="RdbReader"/> decodes, one key at a time, whatever encoding the file
/// used (plain, ziplist, listpack, intset, zipmap, quicklist). The server's implementation builds
/// region values from it. <c>expireMs</c> is -1 for keys without a TTL.
/// </summary>
public interface IRdbSink
{
    void OnAux(string key, byte[] value);
    void OnString(int db, byte[] key, byte[] value, long expireMs);
    void OnList(int db, byte[] key, List<byte[]> items, long expireMs);
    void OnSet(int db, byte[] key, List<byte[]> members, long expireMs);
    void OnHash(int db, byte[] key, List<(byte[] Field, byte[] Value)> pairs, long expireMs);
    void OnZSet(int db, byte[] key, List<(byte[] Member, double Score)> items, long expireMs);
}

namespace RedisLite.Persistence.Rdb;

/// <summary>An RDB file that cannot be loaded, with the byte offset where reading failed.</summary>
public sealed class RdbFormatException(string path, long offset, string reason)
    : Exception($"{reason} (file {path}, offset {offset})")
{
    public string Path { get; } = path;
    public long Offset { get; } = offset;
    public string Reason { get; } = reason;
}

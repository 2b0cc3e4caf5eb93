namespace RedisLite.Store;

/// <summary>
/// A value type whose elements can be read as plain strings by position: lists (head to tail),
/// sorted sets (by rank) and sets (in the order they are stored). SORT reads its input through
/// this, so it accepts exactly the types that implement it.
/// </summary>
public interface IElementSequence : IValueType
{
    /// <summary>
    /// False when the order is only the storage's (a set): SORT then never trusts it, sorting
    /// even BY nosort when storing, and reads the whole value whatever LIMIT says.
    /// </summary>
    bool HasOrder { get; }

    /// <summary>
    /// Elements <paramref name="start"/>..<paramref name="stop"/> (0-based, inclusive, both
    /// within <see cref="IValueType.Count"/>); with <paramref name="fromTail"/> position 0 is the
    /// last element and the walk goes backwards.
    /// </summary>
    List<byte[]> Range(Keyspace ks, ulong rec, long start, long stop, bool fromTail);
}

namespace RedisLite.Store;

/// <summary>
/// What the keyspace and the type-agnostic commands (DEL, COPY, TYPE, SCAN TYPE, OBJECT
/// ENCODING, DEBUG OBJECT, the region audit) need to know about one value type, so that none of
/// them switches on type codes. One implementation per type, registered by its code in the
/// keyspace's <see cref="ValueTypes"/>: a new type (stream, HyperLogLog...) is one new file and
/// one registration. Implementations hold no state: everything lives in the record and the region.
/// </summary>
public interface IValueType
{
    /// <summary>The RegionLayout.Type* code records of this type carry in <see cref="RlKey.Type"/>.</summary>
    byte Code { get; }

    /// <summary>The name TYPE and SCAN TYPE use (Redis's getObjectTypeName).</summary>
    string Name { get; }

    /// <summary>OBJECT ENCODING's name for one of this type's encodings (Redis's strEncoding), "unknown" for any other.</summary>
    string EncodingName(byte encoding);

    /// <summary>
    /// How many elements the value holds: list items, set or sorted-set members, hash fields (a
    /// collection never stays at 0: its key is deleted); a string is one element.
    /// </summary>
    long Count(Keyspace ks, ulong rec);

    /// <summary>Frees the value's block(s), leaving the record (DEL, overwrite). Must not allocate.</summary>
    void Free(Keyspace ks, ulong rec);

    /// <summary>
    /// COPY: gives <paramref name="dst"/> (a fresh record of this type whose value is unset) a
    /// deep copy of <paramref name="src"/>'s value, in the same encoding, in blocks of its own.
    /// </summary>
    void Copy(Keyspace ks, ulong src, ulong dst);

    /// <summary>
    /// Every region block the value owns with what it is, checking on the way that each is
    /// consistent (throws if not): for region audits and for COPY's exact size (<see cref="ValueSize"/>).
    /// </summary>
    IEnumerable<(ulong Offset, string What)> Blocks(Keyspace ks, ulong rec);
}

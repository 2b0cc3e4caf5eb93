using System.Collections;

namespace RedisLite.Store;

/// <summary>
/// The value types one keyspace knows, by type code (<see cref="IValueType"/>). Each keyspace
/// has its own registry, so servers sharing a process never share type wiring; lookups are an
/// array index, free on the paths that use them (every DEL frees through here).
/// </summary>
public sealed class ValueTypes : IEnumerable<IValueType>
{
    private readonly IValueType?[] _byCode = new IValueType?[256];

    /// <summary>The five Redis 7.0 types RedisLite stores.</summary>
    public static ValueTypes Standard() =>
    [
        new StringType(),
        new ListType(),
        new HashType(),
        new SetType(),
        new ZSetType(),
    ];

    /// <summary>Registers a type under its code; a code is taken once.</summary>
    public void Add(IValueType type)
    {
        if (_byCode[type.Code] != null) throw new InvalidOperationException($"value type code {type.Code} is already registered");
        _byCode[type.Code] = type;
    }

    /// <summary>The type registered under <paramref name="code"/>, or null.</summary>
    public IValueType? this[byte code] => _byCode[code];

    /// <summary>The type registered under <paramref name="code"/>; a record of an unknown type is a bug.</summary>
    public IValueType Of(byte code) => _byCode[code] ?? throw new InvalidOperationException($"no value type registered for code {code}");

    public IEnumerator<IValueType> GetEnumerator()
    {
        foreach (var t in _byCode)
            if (t != null) yield return t;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

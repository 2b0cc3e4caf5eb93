using System.Text;

namespace RedisLite.Config;

/// <summary>Redis's keyspace notification classes (notify.c), as bits.</summary>
[Flags]
public enum KeyspaceEvents
{
    None = 0,
    Keyspace = 1 << 0,   // K
    Keyevent = 1 << 1,   // E
    Generic = 1 << 2,    // g
    String = 1 << 3,     // $
    List = 1 << 4,       // l
    Set = 1 << 5,        // s
    Hash = 1 << 6,       // h
    ZSet = 1 << 7,       // z
    Expired = 1 << 8,    // x
    Evicted = 1 << 9,    // e
    Stream = 1 << 10,    // t
    KeyMiss = 1 << 11,   // m (not part of A)
    Module = 1 << 12,    // d
    New = 1 << 13,       // n (not part of A)
    /// <summary>'A': every class except key-miss and new.</summary>
    All = Generic | String | List | Set | Hash | ZSet | Expired | Evicted | Stream | Module,
}

/// <summary>
/// <c>notify-keyspace-events</c>: a string of class letters, kept as flags. Like Redis it rejects
/// unknown letters and shows the value in canonical form (<c>KEA</c> reads back as <c>AKE</c>).
/// </summary>
public sealed class NotifyKeyspaceEventsConfig(string name) : ConfigParam(name, ConfigFlags.None)
{
    public KeyspaceEvents Value;

    public override string? TrySet(IReadOnlyList<string> args)
    {
        if (args.Count != 1) return "wrong number of arguments";
        var flags = KeyspaceEvents.None;
        foreach (char ch in args[0])
        {
            flags |= ch switch
            {
                'A' => KeyspaceEvents.All, 'g' => KeyspaceEvents.Generic, '$' => KeyspaceEvents.String,
                'l' => KeyspaceEvents.List, 's' => KeyspaceEvents.Set, 'h' => KeyspaceEvents.Hash,
                'z' => KeyspaceEvents.ZSet, 'x' => KeyspaceEvents.Expired, 'e' => KeyspaceEvents.Evicted,
                'K' => KeyspaceEvents.Keyspace, 'E' => KeyspaceEvents.Keyevent, 't' => KeyspaceEvents.Stream,
                'm' => KeyspaceEvents.KeyMiss, 'd' => KeyspaceEvents.Module, 'n' => KeyspaceEvents.New,
                _ => (KeyspaceEvents)(-1),
            };
            if (flags == (KeyspaceEvents)(-1)) return "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
        }
        Value = flags;
        return null;
    }

    public override string Get()
    {
        var sb = new StringBuilder();
        if ((Value & KeyspaceEvents.All) == KeyspaceEvents.All) sb.Append('A');
        else
        {
            (KeyspaceEvents, char)[] classes =
            [
                (KeyspaceEvents.Generic, 'g'), (KeyspaceEvents.String, '$'), (KeyspaceEvents.List, 'l'),
                (KeyspaceEvents.Set, 's'), (KeyspaceEvents.Hash, 'h'), (KeyspaceEvents.ZSet, 'z'),
                (KeyspaceEvents.Expired, 'x'), (KeyspaceEvents.Evicted, 'e'), (KeyspaceEvents.Stream, 't'),
                (KeyspaceEvents.Module, 'd'),
            ];
            foreach (var (f, c) in classes)
                if ((Value & f) != 0) sb.Append(c);
        }
        if ((Value & KeyspaceEvents.Keyspace) != 0) sb.Append('K');
        if ((Value & KeyspaceEvents.Keyevent) != 0) sb.Append('E');
        if ((Value & KeyspaceEvents.KeyMiss) != 0) sb.Append('m');
        if ((Value & KeyspaceEvents.New) != 0) sb.Append('n');
        return sb.ToString();
    }
}

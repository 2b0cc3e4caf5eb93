namespace RedisLite.Commands;

/// <summary>Redis 7.0 command flags, as COMMAND INFO names them.</summary>
[Flags]
public enum CommandFlags : uint
{
    None = 0,
    Write = 1 << 0,
    ReadOnly = 1 << 1,
    DenyOom = 1 << 2,
    Admin = 1 << 3,
    PubSub = 1 << 4,
    NoScript = 1 << 5,
    Blocking = 1 << 6,
    Loading = 1 << 7,
    Stale = 1 << 8,
    SkipMonitor = 1 << 9,
    SkipSlowlog = 1 << 10,
    Fast = 1 << 11,
    NoAuth = 1 << 12,
    MayReplicate = 1 << 13,
    NoMandatoryKeys = 1 << 14,
    NoAsyncLoading = 1 << 15,
    NoMulti = 1 << 16,
    MovableKeys = 1 << 17,
    AllowBusy = 1 << 18,
}

public delegate void CommandHandler(CommandContext ctx);

/// <summary>
/// One row of the command table: everything RedisLite knows about a command. Dispatch, arity and
/// flag checks, COMMAND INFO/DOCS/COUNT/LIST and the README's command list all read these rows.
/// </summary>
public sealed class CommandDef
{
    /// <summary>Lower-case name; a subcommand is "container|sub" as Redis 7 names it.</summary>
    public required string Name { get; init; }
    /// <summary>Redis arity: exact argument count including the name, or -N for "at least N".</summary>
    public required int Arity { get; init; }
    public required CommandFlags Flags { get; init; }
    /// <summary>Legacy key positions (1-based argument index; last -1 means the last argument).</summary>
    public int FirstKey { get; init; }
    public int LastKey { get; init; }
    public int KeyStep { get; init; }
    /// <summary>COMMAND DOCS group: string, generic, server, connection, list, hash, set, sorted-set...</summary>
    public required string Group { get; init; }
    public required string Summary { get; init; }
    public required string Since { get; init; }
    public required string Complexity { get; init; }
    /// <summary>Argument syntax as the docs print it, e.g. "key value [NX | XX]".</summary>
    public string Syntax { get; init; } = "";
    public CommandHandler? Handler { get; init; }
    public IReadOnlyList<CommandDef> Subcommands { get; init; } = [];

    /// <summary>Container name for a subcommand ("config" for "config|get"), else null.</summary>
    public string? Parent => Name.Contains('|') ? Name[..Name.IndexOf('|')] : null;

    /// <summary>The word a client types (the part after '|' for a subcommand).</summary>
    public string Word => Name.Contains('|') ? Name[(Name.IndexOf('|') + 1)..] : Name;

    public bool IsWrite => (Flags & CommandFlags.Write) != 0;

    /// <summary>
    /// This row's place in the command table (subcommands included), set once when the table is
    /// built: servers index their own per-command counters with it (<see cref="Server.CommandStatsTable"/>).
    /// </summary>
    public int Id { get; internal set; } = -1;

    /// <summary>Whether <paramref name="argc"/> arguments satisfy the arity.</summary>
    public bool ArityAccepts(int argc) => Arity > 0 ? argc == Arity : argc >= -Arity;

    /// <summary>COMMAND INFO flag names, in Redis's order (may_replicate is internal and not shown, as in Redis).</summary>
    public IEnumerable<string> FlagNames()
    {
        foreach (CommandFlags f in Enum.GetValues<CommandFlags>())
            if (f is not (CommandFlags.None or CommandFlags.MayReplicate) && (Flags & f) != 0)
                yield return f switch
                {
                    CommandFlags.ReadOnly => "readonly",
                    CommandFlags.DenyOom => "denyoom",
                    CommandFlags.PubSub => "pubsub",
                    CommandFlags.NoScript => "noscript",
                    CommandFlags.SkipMonitor => "skip_monitor",
                    CommandFlags.SkipSlowlog => "skip_slowlog",
                    CommandFlags.NoAuth => "no_auth",
                    CommandFlags.MayReplicate => "may_replicate",
                    CommandFlags.NoMandatoryKeys => "no_mandatory_keys",
                    CommandFlags.NoMulti => "no_multi",
                    CommandFlags.MovableKeys => "movablekeys",
                    CommandFlags.AllowBusy => "allow_busy",
                    CommandFlags.NoAsyncLoading => "no_async_loading",
                    _ => f.ToString().ToLowerInvariant(),
                };
    }

    /// <summary>
    /// ACL categories in Redis's bit order. Redis's implicit ones come from the flags (write, read,
    /// admin+dangerous, pubsub, fast or slow, blocking); the data-type/keyspace/connection one comes
    /// from the group, as commands.def declares it for every command of a group. Containers have
    /// only the flag-derived ones, like Redis's. Explicit extras Redis gives a few commands (such
    /// as @dangerous on KEYS or FLUSHALL) are not in the table and so not shown.
    /// </summary>
    public IEnumerable<string> AclCategories()
    {
        bool container = Subcommands.Count > 0;
        string? typeCategory = container ? null : Group switch
        {
            "generic" => "keyspace",
            "server" when (Flags & (CommandFlags.Write | CommandFlags.ReadOnly)) != 0 => "keyspace",
            "sorted-set" => "sortedset",
            "string" or "list" or "hash" or "set" or "bitmap" or "hyperloglog" or "geo" or "stream" => Group,
            "connection" => "connection",
            "transactions" => "transaction",
            "scripting" => "scripting",
            _ => Parent == "command" ? "connection" : null,
        };
        bool Has(CommandFlags f) => (Flags & f) != 0;
        var categories = new (string Name, bool On)[]
        {
            ("keyspace", typeCategory == "keyspace"),
            ("read", Has(CommandFlags.ReadOnly) && typeCategory != "scripting"),
            ("write", Has(CommandFlags.Write)),
            ("set", typeCategory == "set"),
            ("sortedset", typeCategory == "sortedset"),
            ("list", typeCategory == "list"),
            ("hash", typeCategory == "hash"),
            ("string", typeCategory == "string"),
            ("bitmap", typeCategory == "bitmap"),
            ("hyperloglog", typeCategory == "hyperloglog"),
            ("geo", typeCategory == "geo"),
            ("stream", typeCategory == "stream"),
            ("pubsub", Has(CommandFlags.PubSub)),
            ("admin", Has(CommandFlags.Admin)),
            ("fast", Has(CommandFlags.Fast)),
            ("slow", !Has(CommandFlags.Fast)),
            ("blocking", Has(CommandFlags.Blocking)),
            ("dangerous", Has(CommandFlags.Admin)),
            ("connection", typeCategory == "connection"),
            ("transaction", typeCategory == "transaction"),
            ("scripting", typeCategory == "scripting"),
        };
        foreach (var (name, on) in categories)
            if (on) yield return "@" + name;
    }
}

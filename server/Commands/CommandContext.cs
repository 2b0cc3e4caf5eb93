using System.Buffers.Text;
using System.Globalization;
using System.Text;
using RedisLite.Network;
using RedisLite.Server;
using RedisLite.Store;

namespace RedisLite.Commands;

/// <summary>
/// What a command handler works with: the calling client, its parsed arguments, the reply
/// writer, the keyspace and the server. One per client, reused for every command. Also collects
/// the command's effects that outlive it: the dirty count (changes since the last save) and the
/// propagation record (how the command must be replayed by the AOF and replicas).
/// </summary>
public sealed class CommandContext(RedisServer server, Client client)
{
    public RedisServer Server { get; } = server;
    public Client Client { get; } = client;
    public RespArgs Args => Client.Args;
    public RespWriter Reply => Client.Writer;
    public Keyspace Keyspace => Server.Keyspace;
    public int Db => Client.Db;
    public long NowMs => Server.Keyspace.NowMs;

    /// <summary>The row being executed (a subcommand's row for container commands).</summary>
    public CommandDef Command { get; internal set; } = null!;

    /// <summary>Changes this command made (adds to rdb_changes_since_last_save).</summary>
    public long Dirty;

    /// <summary>True once the handler replied with an error (INFO failed_calls).</summary>
    public bool Failed;

    /// <summary>Rewritten forms to propagate instead of the command as received; null means as received.</summary>
    public List<byte[][]>? Propagation;
    /// <summary>Set by handlers whose effects must not be propagated at all.</summary>
    public bool PropagationPrevented;

    internal void Begin(CommandDef cmd)
    {
        Command = cmd;
        Dirty = 0;
        Failed = false;
        Propagation = null;
        PropagationPrevented = false;
    }

    /// <summary>
    /// lookupKeyRead: the live record or 0, counting keyspace hits/misses and refreshing the
    /// key's LRU clock (skipped while a snapshot child is alive, as Redis does, so a read does not
    /// dirty a page and cost a COW copy).
    /// </summary>
    public ulong LookupRead(ReadOnlySpan<byte> key)
    {
        ulong rec = Keyspace.Find(Db, key);
        if (rec == 0) Server.Stats.KeyspaceMisses++;
        else
        {
            Server.Stats.KeyspaceHits++;
            Touch(rec);
        }
        return rec;
    }

    /// <summary>lookupKeyRead with LOOKUP_NOTOUCH (EXISTS, TYPE, TTL, OBJECT): counts hits/misses, leaves the LRU clock alone.</summary>
    public ulong LookupReadNoTouch(ReadOnlySpan<byte> key)
    {
        ulong rec = Keyspace.Find(Db, key);
        if (rec == 0) Server.Stats.KeyspaceMisses++;
        else Server.Stats.KeyspaceHits++;
        return rec;
    }

    /// <summary>lookupKeyWrite: the live record or 0 (no hit/miss accounting); the key counts as modified if the command changes anything.</summary>
    public ulong LookupWrite(ReadOnlySpan<byte> key)
    {
        ulong rec = Keyspace.Find(Db, key);
        if (rec != 0)
        {
            Touch(rec);
            Keyspace.Changes.Note(Db, key); // raised if the command changes anything (KeyChanges)
        }
        return rec;
    }

    /// <summary>
    /// A store command's source key (SINTERSTORE, ZUNIONSTORE, SORT ... STORE): Redis looks it up
    /// as lookupKeyWrite (no hit/miss accounting), but the command does not modify it.
    /// </summary>
    public ulong LookupStoreSource(ReadOnlySpan<byte> key)
    {
        ulong rec = Keyspace.Find(Db, key);
        if (rec != 0) Touch(rec);
        return rec;
    }

    /// <summary><see cref="LookupStoreSource(ReadOnlySpan{byte})"/> with the typed lookups' WRONGTYPE check.</summary>
    public ulong LookupStoreSource(ReadOnlySpan<byte> key, byte type) => OfType(LookupStoreSource(key), type);

    /// <summary>What the typed lookups return after they replied WRONGTYPE.</summary>
    public const ulong WrongTypeReplied = ulong.MaxValue;

    /// <summary>
    /// <see cref="LookupRead(ReadOnlySpan{byte})"/> for a command of one type: the record, 0 if
    /// missing, or <see cref="WrongTypeReplied"/> after replying WRONGTYPE when it holds another type.
    /// </summary>
    public ulong LookupRead(ReadOnlySpan<byte> key, byte type) => OfType(LookupRead(key), type);

    /// <summary><see cref="LookupWrite(ReadOnlySpan{byte})"/> with the same type check as the read form.</summary>
    public ulong LookupWrite(ReadOnlySpan<byte> key, byte type) => OfType(LookupWrite(key), type);

    /// <summary>The type check of the typed lookups, for a record looked up earlier (0 passes).</summary>
    public ulong OfType(ulong rec, byte type)
    {
        if (rec == 0 || Keyspace.Rec(rec).Type == type) return rec;
        WrongType();
        return WrongTypeReplied;
    }

    private void Touch(ulong rec)
    {
        if (!Keyspace.ChildActive) Keyspace.TouchAccess(rec);
    }

    /// <summary>Replaces the propagated form of this command with <paramref name="argv"/> (may be called more than once).</summary>
    public void Propagate(params byte[][] argv) => (Propagation ??= []).Add(argv);

    public void Error(string message)
    {
        Failed = true;
        Server.Stats.CountError(message);
        Reply.Error(message);
    }

    public void WrongType() => Error(Errors.WrongType);
    public void SyntaxError() => Error(Errors.Syntax);

    /// <summary>Parses argument i as a Redis integer (string2ll), replying the standard error if it is not one.</summary>
    public bool TryLong(int i, out long value)
    {
        if (StringValues.TryParseCanonicalInt(Args[i], out value)) return true;
        Error(Errors.NotInteger);
        return false;
    }

    /// <summary>Parses argument i as a Redis double (strtold rules: inf, -inf, no NaN), replying the error if not.</summary>
    public bool TryDouble(int i, out double value)
    {
        if (TryParseDouble(Args[i], out value)) return true;
        Error(Errors.NotFloat);
        return false;
    }

    public static bool TryParseDouble(ReadOnlySpan<byte> s, out double value)
    {
        value = 0;
        if (s.Length == 0 || s.Length > 5000 || char.IsWhiteSpace((char)s[0]) || char.IsWhiteSpace((char)s[^1])) return false;
        string str = Encoding.ASCII.GetString(s).ToLowerInvariant();
        switch (str)
        {
            case "inf" or "+inf" or "infinity" or "+infinity": value = double.PositiveInfinity; return true;
            case "-inf" or "-infinity": value = double.NegativeInfinity; return true;
        }
        if (str.Contains("nan")) return false;
        if (!double.TryParse(str, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return false;
        return !double.IsNaN(value);
    }

    /// <summary>
    /// Before a command's first write: true if <paramref name="need"/> bytes fit in the data
    /// region (RegionRoom); else replies the region-full error and returns false, so the command
    /// is refused whole.
    /// </summary>
    public bool EnsureRoom(ulong need)
    {
        string? error = RegionRoom.Check(Keyspace.Alloc, need);
        if (error == null) return true;
        Error(error);
        return false;
    }

    /// <summary>Formats an integer argument for a propagated command.</summary>
    public static byte[] IntBytes(long v)
    {
        Span<byte> tmp = stackalloc byte[20];
        Utf8Formatter.TryFormat(v, tmp, out int w);
        return tmp[..w].ToArray();
    }
}

/// <summary>Redis's shared error replies, word for word.</summary>
public static class Errors
{
    public const string WrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";
    public const string Syntax = "ERR syntax error";
    public const string NotInteger = "ERR value is not an integer or out of range";
    public const string NotFloat = "ERR value is not a valid float";
    public const string NoSuchKey = "ERR no such key";
    public const string DbIndexOutOfRange = "ERR DB index is out of range";
    public const string Overflow = "ERR increment or decrement would overflow";
    public const string NoAuth = "NOAUTH Authentication required.";
    public const string Loading = "LOADING Redis is loading the dataset in memory";
    public const string Oom = "OOM command not allowed when used memory > 'maxmemory'.";

    public static string WrongArgs(string name) => $"ERR wrong number of arguments for '{name}' command";
    public static string UnknownSubcommand(string sub, string container) =>
        $"ERR unknown subcommand '{Truncate(sub, 128)}'. Try {container.ToUpperInvariant()} HELP.";
    public static string Truncate(string s, int n) => s.Length <= n ? s : s[..n];
}

using System.Text;
using System.Text.RegularExpressions;

namespace RedisLite.Tests;

/// <summary>
/// A deliberately plain model of Redis 7.0's string and keyspace semantics: per database a
/// dictionary of key → value, deadline, encoding and last access, written from Redis's
/// documented behaviour and source (t_string.c, db.c, expire.c, object.c), not from RedisLite's
/// code. <see cref="Apply"/> returns the reply Redis would give, in <see cref="InProcessServer"/>'s
/// decoded form, or a <see cref="Check"/> for replies only a property can judge (SCAN, RANDOMKEY,
/// KEYS order, DBSIZE while expired keys may linger).
///
/// Expired entries stay in the dictionaries as "ghosts" until overwritten or removed: the
/// server may or may not have reclaimed them yet, and nothing a client sees depends on it.
/// Keys and values are Latin-1 strings so that every byte maps to one char.
/// </summary>
public sealed class KeyspaceModel
{
    public sealed class Entry
    {
        public required string Value;
        public long ExpireAt = -1;
        public required string Encoding;
        /// <summary>An int that is a private object (COPY), not Redis's shared integer.</summary>
        public bool Unshared;
        public long LastAccessMs;
    }

    /// <summary>A reply judged by a property instead of equality.</summary>
    public sealed record Check(string What, Func<object?, string?> Verify);

    public const int DbCount = 16;
    public Dictionary<string, Entry>[] Dbs { get; } = Enumerable.Range(0, DbCount).Select(_ => new Dictionary<string, Entry>()).ToArray();
    public long Now;
    public int Db;

    private static readonly Encoding L1 = System.Text.Encoding.Latin1;
    private const string OutOfIntRange = "ERR value is out of range, value must between -2147483648 and 2147483647";
    private const string NotInt = "ERR value is not an integer or out of range";
    private const string Syntax = "ERR syntax error";
    private const long SharedRefcount = 2147483647;

    private static RespClient.RespError Err(string m) => new(m);
    private static byte[] B(string s) => L1.GetBytes(s);

    private Dictionary<string, Entry> Cur => Dbs[Db];

    public bool IsLive(Entry e) => e.ExpireAt < 0 || e.ExpireAt >= Now;

    public Entry? Live(int db, string key) => Dbs[db].TryGetValue(key, out var e) && IsLive(e) ? e : null;
    private Entry? Live(string key) => Live(Db, key);

    /// <summary>lookupKeyRead/lookupKeyWrite: the live entry, its LRU clock refreshed.</summary>
    private Entry? Touch(string key)
    {
        var e = Live(key);
        if (e != null) e.LastAccessMs = Now;
        return e;
    }

    /// <summary>Redis's string2ll: what may be stored int-encoded and what INCR accepts.</summary>
    public static bool IsCanonicalInt(string s, out long v)
    {
        v = 0;
        if (s.Length == 0 || s.Length > 20 || !Regex.IsMatch(s, "^(0|-?[1-9][0-9]*)$")) return false;
        return long.TryParse(s, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out v);
    }

    /// <summary>tryObjectEncoding for a freshly stored value.</summary>
    public static string EncodingFor(string v) => IsCanonicalInt(v, out _) ? "int" : v.Length <= 44 ? "embstr" : "raw";

    private void Store(string key, string value, bool keepTtl, string? encoding = null)
    {
        long expire = keepTtl && Live(key) is { } old ? old.ExpireAt : -1;
        Cur[key] = new Entry { Value = value, ExpireAt = expire, Encoding = encoding ?? EncodingFor(value), LastAccessMs = Now };
    }

    public object? Apply(string[] a)
    {
        string cmd = a[0].ToLowerInvariant();
        return cmd switch
        {
            "get" => Touch(a[1]) is { } e ? B(e.Value) : null,
            "set" => Set(a),
            "setnx" => SetNx(a),
            "setex" or "psetex" => SetEx(a, cmd == "setex" ? 1000 : 1, cmd),
            "mget" => a[1..].Select(k => Touch(k) is { } e ? (object?)B(e.Value) : null).ToArray(),
            "mset" => MSet(a),
            "msetnx" => MSetNx(a),
            "getset" => GetSet(a),
            "getdel" => GetDel(a),
            "getex" => GetEx(a),
            "append" => Append(a),
            "strlen" => (long)(Touch(a[1])?.Value.Length ?? 0),
            "incr" => IncrBy(a[1], 1),
            "decr" => IncrBy(a[1], -1),
            "incrby" => IsCanonicalInt(a[2], out long by) ? IncrBy(a[1], by) : Err(NotInt),
            "decrby" => !IsCanonicalInt(a[2], out long dby) ? Err(NotInt) : dby == long.MinValue ? Err("ERR decrement would overflow") : IncrBy(a[1], -dby),
            "incrbyfloat" => IncrByFloat(a),
            "getrange" or "substr" => GetRange(a),
            "setrange" => SetRange(a),
            "lcs" => Lcs(a),
            "del" or "unlink" => Del(a),
            "exists" => (long)a[1..].Count(k => Live(k) != null),
            "touch" => (long)a[1..].Count(k => Touch(k) != null),
            "type" => Live(a[1]) != null ? "string" : "none",
            "rename" or "renamenx" => Rename(a, cmd == "renamenx"),
            "keys" => Keys(a[1]),
            "scan" => Scan(a),
            "randomkey" => RandomKey(),
            "move" => Move(a),
            "copy" => Copy(a),
            "object" => ObjectCommand(a),
            "expire" or "pexpire" or "expireat" or "pexpireat" => Expire(a, cmd),
            "ttl" => Ttl(a[1], ms: false, abs: false),
            "pttl" => Ttl(a[1], ms: true, abs: false),
            "expiretime" => Ttl(a[1], ms: false, abs: true),
            "pexpiretime" => Ttl(a[1], ms: true, abs: true),
            "persist" => Persist(a[1]),
            "select" => Select(a[1]),
            "swapdb" => SwapDb(a),
            "flushdb" => FlushDb(),
            "flushall" => FlushAll(),
            "dbsize" => DbSize(),
            _ => throw new ArgumentException($"model has no {cmd}"),
        };
    }

    // ---- strings

    [Flags]
    private enum Opt { None = 0, Nx = 1, Xx = 2, Get = 4, KeepTtl = 8, Ex = 16, Px = 32, ExAt = 64, PxAt = 128, Persist = 256 }

    private const Opt Expiries = Opt.Ex | Opt.Px | Opt.ExAt | Opt.PxAt;

    /// <summary>parseExtendedStringArgumentsOrReply; returns an error or null, and the expiry argument.</summary>
    private static object? ParseSetOptions(string[] a, int from, bool getex, out Opt opts, out string? expiry)
    {
        opts = Opt.None;
        expiry = null;
        for (int i = from; i < a.Length; i++)
        {
            string o = a[i].ToUpperInvariant();
            bool next = i + 1 < a.Length;
            Opt kind = o switch { "EX" => Opt.Ex, "PX" => Opt.Px, "EXAT" => Opt.ExAt, "PXAT" => Opt.PxAt, _ => Opt.None };
            if (!getex && o == "NX" && (opts & Opt.Xx) == 0) opts |= Opt.Nx;
            else if (!getex && o == "XX" && (opts & Opt.Nx) == 0) opts |= Opt.Xx;
            else if (!getex && o == "GET") opts |= Opt.Get;
            else if (!getex && o == "KEEPTTL" && (opts & Expiries) == 0) opts |= Opt.KeepTtl;
            else if (getex && o == "PERSIST" && (opts & Expiries) == 0) opts |= Opt.Persist;
            else if (kind != Opt.None && next && (opts & (Opt.KeepTtl | Opt.Persist | (Expiries & ~kind))) == 0)
            {
                opts |= kind;
                expiry = a[++i];
            }
            else return Err(Syntax);
        }
        return null;
    }

    /// <summary>getExpireMillisecondsOrReply: the absolute deadline in ms, or an error.</summary>
    private object? ExpiryMs(Opt opts, string text, string name, out long at)
    {
        at = -1;
        if (!IsCanonicalInt(text, out long v)) return Err(NotInt);
        bool seconds = (opts & (Opt.Ex | Opt.ExAt)) != 0;
        if (v <= 0 || (seconds && v > long.MaxValue / 1000)) return Err($"ERR invalid expire time in '{name}' command");
        if (seconds) v *= 1000;
        if ((opts & (Opt.Ex | Opt.Px)) != 0)
        {
            if (v > long.MaxValue - Now) return Err($"ERR invalid expire time in '{name}' command");
            v += Now;
        }
        at = v;
        return null;
    }

    private object? Set(string[] a)
    {
        if (ParseSetOptions(a, 3, false, out var opts, out var expiry) is { } err) return err;
        long at = -1;
        if (expiry != null && ExpiryMs(opts, expiry, "set", out at) is { } err2) return err2;
        var old = Touch(a[1]);
        object? reply = "OK";
        if ((opts & Opt.Get) != 0) reply = old == null ? null : B(old.Value);
        if (((opts & Opt.Nx) != 0 && old != null) || ((opts & Opt.Xx) != 0 && old == null))
            return (opts & Opt.Get) != 0 ? reply : null;
        Store(a[1], a[2], (opts & Opt.KeepTtl) != 0);
        if (at >= 0) Cur[a[1]].ExpireAt = at;
        return reply;
    }

    private object? SetNx(string[] a)
    {
        if (Touch(a[1]) != null) return 0L;
        Store(a[1], a[2], false);
        return 1L;
    }

    private object? SetEx(string[] a, long unit, string name)
    {
        if (!IsCanonicalInt(a[2], out long ttl)) return Err(NotInt);
        if (ttl <= 0 || (unit == 1000 && ttl > long.MaxValue / 1000) || ttl * unit > long.MaxValue - Now)
            return Err($"ERR invalid expire time in '{name}' command");
        Touch(a[1]);
        Store(a[1], a[3], false);
        Cur[a[1]].ExpireAt = Now + ttl * unit;
        return "OK";
    }

    private object? MSet(string[] a)
    {
        if (a.Length % 2 == 0) return Err("ERR wrong number of arguments for 'mset' command");
        for (int i = 1; i < a.Length; i += 2) Store(a[i], a[i + 1], false);
        return "OK";
    }

    private object? MSetNx(string[] a)
    {
        if (a.Length % 2 == 0) return Err("ERR wrong number of arguments for 'msetnx' command");
        for (int i = 1; i < a.Length; i += 2)
            if (Touch(a[i]) != null) return 0L;
        for (int i = 1; i < a.Length; i += 2) Store(a[i], a[i + 1], false);
        return 1L;
    }

    private object? GetSet(string[] a)
    {
        var old = Touch(a[1]);
        Store(a[1], a[2], false);
        return old == null ? null : B(old.Value);
    }

    private object? GetDel(string[] a)
    {
        var old = Touch(a[1]);
        if (old == null) return null;
        Cur.Remove(a[1]);
        return B(old.Value);
    }

    private object? GetEx(string[] a)
    {
        if (ParseSetOptions(a, 2, true, out var opts, out var expiry) is { } err) return err;
        var e = Touch(a[1]);
        if (e == null) return null;
        long at = -1;
        if (expiry != null && ExpiryMs(opts, expiry, "getex", out at) is { } err2) return err2;
        if ((opts & (Opt.ExAt | Opt.PxAt)) != 0 && at <= Now) Cur.Remove(a[1]);
        else if (at >= 0) e.ExpireAt = at;
        else if ((opts & Opt.Persist) != 0) e.ExpireAt = -1;
        return B(e.Value);
    }

    private object? Append(string[] a)
    {
        var e = Touch(a[1]);
        if (e == null)
        {
            Store(a[1], a[2], false);
            return (long)a[2].Length;
        }
        e.Value += a[2];
        e.Encoding = "raw";
        e.Unshared = false;
        return (long)e.Value.Length;
    }

    private object? IncrBy(string key, long by)
    {
        var e = Touch(key);
        long v = 0;
        if (e != null && !IsCanonicalInt(e.Value, out v)) return Err(NotInt);
        long r;
        try { r = checked(v + by); }
        catch (OverflowException) { return Err("ERR increment or decrement would overflow"); }
        string text = r.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (e == null) Store(key, text, false, "int");
        else
        {
            e.Value = text;
            e.Encoding = "int";
            e.Unshared = false;
            e.LastAccessMs = Now;
        }
        return r;
    }

    /// <summary>Only for operands the generator keeps exact in binary (multiples of 1/4), where long double prints the plain decimal.</summary>
    private object? IncrByFloat(string[] a)
    {
        var e = Touch(a[1]);
        decimal cur = 0;
        if (e != null && !TryPlainDecimal(e.Value, out cur)) return Err("ERR value is not a valid float");
        if (!TryPlainDecimal(a[2], out decimal by)) throw new ArgumentException("generator gave a float the model cannot add");
        string text = (cur + by).ToString("0.##########", System.Globalization.CultureInfo.InvariantCulture);
        if (text == "-0") text = "0";
        string enc = text.Length <= 44 ? "embstr" : "raw";
        if (e == null) Store(a[1], text, false, enc);
        else
        {
            e.Value = text;
            e.Encoding = enc;
            e.Unshared = false;
            e.LastAccessMs = Now;
        }
        return B(text);
    }

    public static bool TryPlainDecimal(string s, out decimal d)
    {
        d = 0;
        return Regex.IsMatch(s, @"^-?[0-9]{1,12}(\.[0-9]{1,4})?$") &&
               decimal.TryParse(s, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out d);
    }

    private object? GetRange(string[] a)
    {
        if (!IsCanonicalInt(a[2], out long start) || !IsCanonicalInt(a[3], out long end)) return Err(NotInt);
        var e = Touch(a[1]);
        string s = e?.Value ?? "";
        long len = s.Length;
        if (start < 0 && end < 0 && start > end) return Array.Empty<byte>();
        if (start < 0) start = Math.Max(0, len + start);
        if (end < 0) end = Math.Max(0, len + end);
        if (end >= len) end = len - 1;
        if (start > end || len == 0) return Array.Empty<byte>();
        return B(s.Substring((int)start, (int)(end - start + 1)));
    }

    private object? SetRange(string[] a)
    {
        if (!IsCanonicalInt(a[2], out long offset)) return Err(NotInt);
        if (offset < 0) return Err("ERR offset is out of range");
        var e = Touch(a[1]);
        string value = a[3];
        if (value.Length == 0) return (long)(e?.Value.Length ?? 0);
        if (offset + value.Length > 512L * 1024 * 1024) return Err("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
        string old = e?.Value ?? "";
        var chars = old.PadRight((int)Math.Max(old.Length, offset + value.Length), '\0').ToCharArray();
        value.CopyTo(0, chars, (int)offset, value.Length);
        string now = new(chars);
        if (e == null) Store(a[1], now, false, "raw");
        else
        {
            e.Value = now;
            e.Encoding = "raw";
            e.Unshared = false;
        }
        return (long)now.Length;
    }

    private object? Lcs(string[] a)
    {
        string x = Touch(a[1])?.Value ?? "", y = Touch(a[2])?.Value ?? "";
        bool len = a.Length > 3;
        if ((long)(x.Length + 1) * (y.Length + 1) * 4 > 512L * 1024 * 1024)
            return Err("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
        // The classic table, walked back from the end preferring to drop from x when the
        // cell above is strictly larger: the same tie-break Redis uses.
        var t = new int[x.Length + 1, y.Length + 1];
        for (int i = 1; i <= x.Length; i++)
            for (int j = 1; j <= y.Length; j++)
                t[i, j] = x[i - 1] == y[j - 1] ? t[i - 1, j - 1] + 1 : Math.Max(t[i - 1, j], t[i, j - 1]);
        if (len) return (long)t[x.Length, y.Length];
        var sb = new StringBuilder();
        for (int i = x.Length, j = y.Length; i > 0 && j > 0;)
        {
            if (x[i - 1] == y[j - 1]) { sb.Insert(0, x[i - 1]); i--; j--; }
            else if (t[i - 1, j] > t[i, j - 1]) i--;
            else j--;
        }
        return B(sb.ToString());
    }

    // ---- keyspace

    private object? Del(string[] a)
    {
        long n = 0;
        foreach (var k in a[1..])
        {
            if (Live(k) != null) n++;
            Cur.Remove(k);
        }
        return n;
    }

    private object? Rename(string[] a, bool nx)
    {
        var src = Touch(a[1]);
        if (src == null) return Err("ERR no such key");
        if (a[1] == a[2]) return nx ? 0L : "OK";
        if (Touch(a[2]) != null && nx) return 0L;
        Cur.Remove(a[1]);
        Cur[a[2]] = src;
        return nx ? 1L : "OK";
    }

    private object? Keys(string pattern)
    {
        var re = GlobRegex(pattern);
        var expected = Cur.Where(kv => IsLive(kv.Value) && re.IsMatch(kv.Key)).Select(kv => kv.Key).Order().ToList();
        return new Check($"KEYS {pattern} = [{string.Join(",", expected)}]", reply =>
            reply is object?[] arr && arr.Select(k => L1.GetString((byte[])k!)).Order().SequenceEqual(expected) ? null : "different keys");
    }

    /// <summary>The subset of glob the generator uses (* ? [set] and literals) as a regex.</summary>
    public static Regex GlobRegex(string pattern)
    {
        var sb = new StringBuilder("^");
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            if (c == '*') sb.Append("[\\s\\S]*");
            else if (c == '?') sb.Append("[\\s\\S]");
            else if (c == '[')
            {
                int end = pattern.IndexOf(']', i);
                sb.Append('[').Append(pattern[(i + 1)..end].Replace("\\", "\\\\")).Append(']');
                i = end;
            }
            else sb.Append(Regex.Escape(c.ToString()));
        }
        return new Regex(sb.Append('$').ToString(), RegexOptions.Singleline);
    }

    private object? Scan(string[] a)
    {
        string? pattern = null, type = null;
        for (int i = 2; i + 1 < a.Length; i += 2)
        {
            if (a[i].Equals("MATCH", StringComparison.OrdinalIgnoreCase)) pattern = a[i + 1];
            else if (a[i].Equals("TYPE", StringComparison.OrdinalIgnoreCase)) type = a[i + 1];
        }
        var re = pattern == null ? null : GlobRegex(pattern);
        var live = Cur.Where(kv => IsLive(kv.Value)).Select(kv => kv.Key).ToHashSet();
        return new Check("SCAN batch of live matching keys", reply =>
        {
            if (reply is not object?[] { Length: 2 } parts || parts[0] is not byte[] cursor || !ulong.TryParse(L1.GetString(cursor), out _))
                return "not [cursor, keys]";
            foreach (byte[]? k in (object?[])parts[1]!)
            {
                string key = L1.GetString(k!);
                if (!live.Contains(key)) return $"returned {key}, which is not a live key";
                if (re != null && !re.IsMatch(key)) return $"returned {key}, which does not match";
                if (type != null && !type.Equals("string", StringComparison.OrdinalIgnoreCase)) return $"returned {key} for TYPE {type}";
            }
            return null;
        });
    }

    private object? RandomKey()
    {
        var live = Cur.Where(kv => IsLive(kv.Value)).Select(kv => kv.Key).ToHashSet();
        return new Check("RANDOMKEY", reply => reply switch
        {
            null => live.Count == 0 ? null : "nil from a non-empty db",
            byte[] k => live.Contains(L1.GetString(k)) ? null : $"{L1.GetString(k)} is not a live key",
            _ => "not a bulk reply",
        });
    }

    /// <summary>getIntFromObjectOrReply then the db range check (SELECT, MOVE, COPY DB).</summary>
    private static object? ParseDb(string s, string? msg, out int db)
    {
        db = 0;
        if (!IsCanonicalInt(s, out long v)) return Err(msg ?? NotInt);
        if (v < int.MinValue || v > int.MaxValue) return Err(msg ?? OutOfIntRange);
        if (v < 0 || v >= DbCount) return Err("ERR DB index is out of range");
        db = (int)v;
        return null;
    }

    private object? Move(string[] a)
    {
        if (ParseDb(a[2], null, out int dst) is { } err) return err;
        if (dst == Db) return Err("ERR source and destination objects are the same");
        var e = Touch(a[1]);
        if (e == null || Live(dst, a[1]) != null) return 0L;
        Cur.Remove(a[1]);
        Dbs[dst][a[1]] = e;
        return 1L;
    }

    private object? Copy(string[] a)
    {
        int dst = Db;
        bool replace = false;
        for (int i = 3; i < a.Length; i++)
        {
            if (a[i].Equals("REPLACE", StringComparison.OrdinalIgnoreCase)) replace = true;
            else if (a[i].Equals("DB", StringComparison.OrdinalIgnoreCase) && i + 1 < a.Length)
            {
                if (ParseDb(a[++i], null, out dst) is { } err) return err;
            }
            else return Err(Syntax);
        }
        if (dst == Db && a[1] == a[2]) return Err("ERR source and destination objects are the same");
        var e = Touch(a[1]);
        if (e == null) return 0L;
        if (Live(dst, a[2]) != null && !replace) return 0L;
        Dbs[dst][a[2]] = new Entry
        {
            Value = e.Value, ExpireAt = e.ExpireAt, Encoding = e.Encoding, Unshared = e.Encoding == "int", LastAccessMs = Now,
        };
        return 1L;
    }

    public static long Refcount(Entry e) =>
        e.Encoding == "int" && !e.Unshared && long.Parse(e.Value) is >= 0 and < 10000 ? SharedRefcount : 1;

    private object? ObjectCommand(string[] a)
    {
        string sub = a[1].ToLowerInvariant();
        if (sub == "help") return new Check("OBJECT HELP", r => r is object?[] { Length: 15 } ? null : "not the help text");
        var e = Live(a[2]);
        if (e == null) return null;
        return sub switch
        {
            "encoding" => B(e.Encoding),
            "refcount" => Refcount(e),
            "idletime" => Now / 1000 - e.LastAccessMs / 1000,
            "freq" => Err("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."),
            _ => throw new ArgumentException(sub),
        };
    }

    private object? Expire(string[] a, string cmd)
    {
        bool nx = false, xx = false, gt = false, lt = false;
        foreach (var o in a[3..])
        {
            switch (o.ToUpperInvariant())
            {
                case "NX": nx = true; break;
                case "XX": xx = true; break;
                case "GT": gt = true; break;
                case "LT": lt = true; break;
                default: return Err($"ERR Unsupported option {o}");
            }
        }
        if (nx && (xx || gt || lt)) return Err("ERR NX and XX, GT or LT options at the same time are not compatible");
        if (gt && lt) return Err("ERR GT and LT options at the same time are not compatible");
        if (!IsCanonicalInt(a[2], out long when)) return Err(NotInt);
        string invalid = $"ERR invalid expire time in '{cmd}' command";
        if (cmd is "expire" or "expireat")
        {
            if (when > long.MaxValue / 1000 || when < long.MinValue / 1000) return Err(invalid);
            when *= 1000;
        }
        long basetime = cmd is "expire" or "pexpire" ? Now : 0;
        if (when > long.MaxValue - basetime) return Err(invalid);
        when += basetime;
        var e = Touch(a[1]);
        if (e == null) return 0L;
        long cur = e.ExpireAt;
        if ((nx && cur != -1) || (xx && cur == -1) || (gt && (cur == -1 || when <= cur)) || (lt && cur != -1 && when >= cur)) return 0L;
        if (when <= Now) Cur.Remove(a[1]);
        else e.ExpireAt = when;
        return 1L;
    }

    private object? Ttl(string key, bool ms, bool abs)
    {
        var e = Live(key);
        if (e == null) return -2L;
        if (e.ExpireAt < 0) return -1L;
        long t = Math.Max(0, abs ? e.ExpireAt : e.ExpireAt - Now);
        return ms ? t : (t + 500) / 1000;
    }

    private object? Persist(string key)
    {
        var e = Touch(key);
        if (e == null || e.ExpireAt < 0) return 0L;
        e.ExpireAt = -1;
        return 1L;
    }

    private object? Select(string s)
    {
        if (ParseDb(s, null, out int db) is { } err) return err;
        Db = db;
        return "OK";
    }

    private object? SwapDb(string[] a)
    {
        if (ParseDb(a[1], "ERR invalid first DB index", out int x) is { } e1) return e1;
        if (ParseDb(a[2], "ERR invalid second DB index", out int y) is { } e2) return e2;
        (Dbs[x], Dbs[y]) = (Dbs[y], Dbs[x]);
        return "OK";
    }

    private object? FlushDb()
    {
        Cur.Clear();
        return "OK";
    }

    private object? FlushAll()
    {
        foreach (var d in Dbs) d.Clear();
        return "OK";
    }

    private object? DbSize()
    {
        int live = Cur.Values.Count(IsLive), all = Cur.Count;
        return new Check($"DBSIZE in [{live}, {all}]", r => r is long n && n >= live && n <= all ? null : "out of range");
    }
}

using System.Globalization;
using System.Text;
using RedisLite.Persistence;
using RedisLite.Server;
using RedisLite.Store;

namespace RedisLite.Commands;

/// <summary>String commands (Redis's t_string.c): replies, errors and propagation as in Redis 7.0.</summary>
public static class Strings
{
    private const string StringTooLong = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

    /// <summary>The record if it holds a string; 0 if missing; -1 (all bits) after replying WRONGTYPE.</summary>
    private static ulong ReadString(CommandContext ctx, ReadOnlySpan<byte> key) => ctx.LookupRead(key, RegionLayout.TypeString);

    private static void ReplyValue(CommandContext ctx, ulong rec)
    {
        Span<byte> scratch = stackalloc byte[StringValues.MaxIntChars];
        ctx.Reply.Bulk(StringValues.Read(ctx.Keyspace, rec, scratch));
    }

    public static void Get(CommandContext ctx)
    {
        ulong rec = ReadString(ctx, ctx.Args[1]);
        if (rec == CommandContext.WrongTypeReplied) return;
        if (rec == 0) ctx.Reply.Null();
        else ReplyValue(ctx, rec);
    }

    /// <summary>Writes a string under key (creating the key or replacing any value of any type).</summary>
    internal static ulong Store(CommandContext ctx, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool keepTtl)
    {
        var ks = ctx.Keyspace;
        ulong rec = ks.Find(ctx.Db, key);
        if (rec == 0) rec = ks.Create(ctx.Db, key, RegionLayout.TypeString, RegionLayout.EncRaw);
        else
        {
            if (!keepTtl) ks.SetExpire(ctx.Db, rec, -1);
            // Redis stores a new object, whose LRU clock starts now (an LFU counter carries over).
            if (!ks.LfuMode) ks.Rec(rec).Lru = ks.LruNow;
        }
        StringValues.Set(ks, rec, value);
        ctx.Dirty++;
        return rec;
    }

    [Flags]
    private enum SetFlags { None = 0, Nx = 1, Xx = 2, Get = 4, KeepTtl = 8, Ex = 16, Px = 32, ExAt = 64, PxAt = 128 }

    private const SetFlags AnyExpire = SetFlags.Ex | SetFlags.Px | SetFlags.ExAt | SetFlags.PxAt;

    /// <summary>
    /// Parses SET/GETEX options from argument <paramref name="from"/> on (Redis's
    /// parseExtendedStringArgumentsOrReply), giving the index of the expiry argument (-1 for none).
    /// The expiry value itself is checked by <see cref="TryExpireAt"/>, which GETEX calls only
    /// once it knows the key exists, as Redis 7.0 does.
    /// </summary>
    private static bool ParseOptions(CommandContext ctx, int from, bool isGetEx, out SetFlags flags, out int exprArg)
    {
        flags = SetFlags.None;
        exprArg = -1;
        var a = ctx.Args;
        for (int i = from; i < a.Count; i++)
        {
            bool hasNext = i + 1 < a.Count;
            if (!isGetEx && a.Is(i, "NX") && (flags & (SetFlags.Xx)) == 0) flags |= SetFlags.Nx;
            else if (!isGetEx && a.Is(i, "XX") && (flags & SetFlags.Nx) == 0) flags |= SetFlags.Xx;
            else if (!isGetEx && a.Is(i, "GET")) flags |= SetFlags.Get;
            else if (!isGetEx && a.Is(i, "KEEPTTL") && (flags & AnyExpire) == 0) flags |= SetFlags.KeepTtl;
            else if (isGetEx && a.Is(i, "PERSIST") && (flags & AnyExpire) == 0) flags |= SetFlags.KeepTtl;
            else if (a.Is(i, "EX") && (flags & (AnyExpire | SetFlags.KeepTtl) & ~SetFlags.Ex) == 0 && hasNext) { flags |= SetFlags.Ex; exprArg = ++i; }
            else if (a.Is(i, "PX") && (flags & (AnyExpire | SetFlags.KeepTtl) & ~SetFlags.Px) == 0 && hasNext) { flags |= SetFlags.Px; exprArg = ++i; }
            else if (a.Is(i, "EXAT") && (flags & (AnyExpire | SetFlags.KeepTtl) & ~SetFlags.ExAt) == 0 && hasNext) { flags |= SetFlags.ExAt; exprArg = ++i; }
            else if (a.Is(i, "PXAT") && (flags & (AnyExpire | SetFlags.KeepTtl) & ~SetFlags.PxAt) == 0 && hasNext) { flags |= SetFlags.PxAt; exprArg = ++i; }
            else
            {
                ctx.SyntaxError();
                return false;
            }
        }
        return true;
    }

    /// <summary>The absolute expiry in ms named by the option at <paramref name="exprArg"/> (-1 for none), or an error reply (getExpireMillisecondsOrReply).</summary>
    private static bool TryExpireAt(CommandContext ctx, SetFlags flags, int exprArg, string name, out long expireAtMs)
    {
        expireAtMs = -1;
        if (exprArg < 0) return true;
        if (!ctx.TryLong(exprArg, out long v)) return false;
        bool seconds = (flags & (SetFlags.Ex | SetFlags.ExAt)) != 0;
        bool relative = (flags & (SetFlags.Ex | SetFlags.Px)) != 0;
        if (v <= 0 || (seconds && v > long.MaxValue / 1000))
        {
            ctx.Error($"ERR invalid expire time in '{name}' command");
            return false;
        }
        if (seconds) v *= 1000;
        if (relative)
        {
            if (v > long.MaxValue - ctx.NowMs)
            {
                ctx.Error($"ERR invalid expire time in '{name}' command");
                return false;
            }
            v += ctx.NowMs;
        }
        expireAtMs = v;
        return true;
    }

    public static void Set(CommandContext ctx)
    {
        if (!ParseOptions(ctx, 3, isGetEx: false, out var flags, out int exprArg)) return;
        if (!TryExpireAt(ctx, flags, exprArg, "set", out long expireAt)) return;
        SetGeneric(ctx, flags, expireAt);
    }

    private static void SetGeneric(CommandContext ctx, SetFlags flags, long expireAt)
    {
        var key = ctx.Args[1];
        var ks = ctx.Keyspace;
        ulong existing = (flags & SetFlags.Get) != 0 ? ctx.LookupRead(key) : ctx.LookupWrite(key);
        if ((flags & SetFlags.Get) != 0)
        {
            if (existing != 0 && ks.Rec(existing).Type != RegionLayout.TypeString)
            {
                ctx.WrongType();
                return;
            }
            if (existing == 0) ctx.Reply.Null();
            else ReplyValue(ctx, existing);
        }
        if (((flags & SetFlags.Nx) != 0 && existing != 0) || ((flags & SetFlags.Xx) != 0 && existing == 0))
        {
            if ((flags & SetFlags.Get) == 0) ctx.Reply.Null();
            return;
        }
        ulong rec = Store(ctx, key, ctx.Args[2], (flags & SetFlags.KeepTtl) != 0);
        if (expireAt >= 0)
        {
            ks.SetExpire(ctx.Db, rec, expireAt);
            // Relative expiries replay as absolute ones, so a replica or AOF reload keeps the deadline.
            ctx.Propagate("SET"u8.ToArray(), ctx.Args.Bytes(1), ctx.Args.Bytes(2), "PXAT"u8.ToArray(), CommandContext.IntBytes(expireAt));
        }
        if ((flags & SetFlags.Get) == 0) ctx.Reply.Ok();
    }

    public static void SetNx(CommandContext ctx)
    {
        if (ctx.LookupWrite(ctx.Args[1]) != 0)
        {
            ctx.Reply.Integer(0);
            return;
        }
        Store(ctx, ctx.Args[1], ctx.Args[2], keepTtl: false);
        ctx.Reply.Integer(1);
    }

    public static void SetEx(CommandContext ctx) => SetWithTtl(ctx, 1000, "setex");
    public static void PSetEx(CommandContext ctx) => SetWithTtl(ctx, 1, "psetex");

    private static void SetWithTtl(CommandContext ctx, long unitMs, string name)
    {
        if (!ctx.TryLong(2, out long ttl)) return;
        if (ttl <= 0 || ttl > long.MaxValue / unitMs || ttl * unitMs > long.MaxValue - ctx.NowMs)
        {
            ctx.Error($"ERR invalid expire time in '{name}' command");
            return;
        }
        long at = ctx.NowMs + ttl * unitMs;
        ulong rec = Store(ctx, ctx.Args[1], ctx.Args[3], keepTtl: false);
        ctx.Keyspace.SetExpire(ctx.Db, rec, at);
        ctx.Propagate("SET"u8.ToArray(), ctx.Args.Bytes(1), ctx.Args.Bytes(3), "PXAT"u8.ToArray(), CommandContext.IntBytes(at));
        ctx.Reply.Ok();
    }

    public static void MGet(CommandContext ctx)
    {
        ctx.Reply.ArrayHeader(ctx.Args.Count - 1);
        for (int i = 1; i < ctx.Args.Count; i++)
        {
            ulong rec = ctx.LookupRead(ctx.Args[i]);
            if (rec == 0 || ctx.Keyspace.Rec(rec).Type != RegionLayout.TypeString) ctx.Reply.Null();
            else ReplyValue(ctx, rec);
        }
    }

    public static void MSet(CommandContext ctx)
    {
        if (ctx.Args.Count % 2 == 0)
        {
            ctx.Error(Errors.WrongArgs("mset"));
            return;
        }
        for (int i = 1; i < ctx.Args.Count; i += 2) Store(ctx, ctx.Args[i], ctx.Args[i + 1], keepTtl: false);
        ctx.Reply.Ok();
    }

    public static void MSetNx(CommandContext ctx)
    {
        if (ctx.Args.Count % 2 == 0)
        {
            ctx.Error(Errors.WrongArgs("msetnx"));
            return;
        }
        for (int i = 1; i < ctx.Args.Count; i += 2)
        {
            if (ctx.LookupWrite(ctx.Args[i]) != 0)
            {
                ctx.Reply.Integer(0);
                return;
            }
        }
        for (int i = 1; i < ctx.Args.Count; i += 2) Store(ctx, ctx.Args[i], ctx.Args[i + 1], keepTtl: false);
        ctx.Reply.Integer(1);
    }

    public static void GetSet(CommandContext ctx)
    {
        ulong rec = ReadString(ctx, ctx.Args[1]);
        if (rec == CommandContext.WrongTypeReplied) return;
        if (rec == 0) ctx.Reply.Null();
        else ReplyValue(ctx, rec);
        Store(ctx, ctx.Args[1], ctx.Args[2], keepTtl: false);
        ctx.Propagate("SET"u8.ToArray(), ctx.Args.Bytes(1), ctx.Args.Bytes(2));
    }

    public static void GetDel(CommandContext ctx)
    {
        ulong rec = ReadString(ctx, ctx.Args[1]);
        if (rec == CommandContext.WrongTypeReplied) return;
        if (rec == 0)
        {
            ctx.Reply.Null();
            return;
        }
        ReplyValue(ctx, rec);
        ctx.Keyspace.Delete(ctx.Db, rec);
        ctx.Dirty++;
        ctx.Propagate("DEL"u8.ToArray(), ctx.Args.Bytes(1));
    }

    public static void GetEx(CommandContext ctx)
    {
        if (!ParseOptions(ctx, 2, isGetEx: true, out var flags, out int exprArg)) return;
        ulong rec = ReadString(ctx, ctx.Args[1]);
        if (rec == CommandContext.WrongTypeReplied) return;
        if (rec == 0)
        {
            ctx.Reply.Null();
            return;
        }
        if (!TryExpireAt(ctx, flags, exprArg, "getex", out long expireAt)) return;
        ReplyValue(ctx, rec);
        var ks = ctx.Keyspace;
        if (expireAt >= 0 && expireAt <= ctx.NowMs)
        {
            ks.Delete(ctx.Db, rec);
            ctx.Dirty++;
            ctx.Propagate("DEL"u8.ToArray(), ctx.Args.Bytes(1));
        }
        else if (expireAt >= 0)
        {
            ks.SetExpire(ctx.Db, rec, expireAt);
            ctx.Dirty++;
            ctx.Propagate("PEXPIREAT"u8.ToArray(), ctx.Args.Bytes(1), CommandContext.IntBytes(expireAt));
        }
        else if ((flags & SetFlags.KeepTtl) != 0)
        {
            if (ks.Rec(rec).ExpireMs >= 0)
            {
                ks.SetExpire(ctx.Db, rec, -1);
                ctx.Dirty++;
                ctx.Propagate("PERSIST"u8.ToArray(), ctx.Args.Bytes(1));
            }
        }
        else ctx.PropagationPrevented = true;
    }

    public static void Append(CommandContext ctx)
    {
        var ks = ctx.Keyspace;
        ulong rec = ctx.LookupWrite(ctx.Args[1]);
        var tail = ctx.Args[2];
        if (rec == 0)
        {
            Store(ctx, ctx.Args[1], tail, keepTtl: false);
            ctx.Reply.Integer(tail.Length);
            return;
        }
        if (ks.Rec(rec).Type != RegionLayout.TypeString)
        {
            ctx.WrongType();
            return;
        }
        if (StringValues.Length(ks, rec) + tail.Length > ctx.Server.Config.ProtoMaxBulkLen.Value)
        {
            ctx.Error(StringTooLong);
            return;
        }
        // The grown value is one new block of the whole length.
        if (!ctx.EnsureRoom(RegionRoom.ForValue((ulong)(StringValues.Length(ks, rec) + tail.Length)))) return;
        long len = StringValues.Append(ks, rec, tail);
        ctx.Dirty++;
        ctx.Reply.Integer(len);
    }

    public static void StrLen(CommandContext ctx)
    {
        ulong rec = ReadString(ctx, ctx.Args[1]);
        if (rec == CommandContext.WrongTypeReplied) return;
        ctx.Reply.Integer(rec == 0 ? 0 : StringValues.Length(ctx.Keyspace, rec));
    }

    public static void Incr(CommandContext ctx) => IncrDecr(ctx, 1);
    public static void Decr(CommandContext ctx) => IncrDecr(ctx, -1);

    public static void IncrBy(CommandContext ctx)
    {
        if (ctx.TryLong(2, out long by)) IncrDecr(ctx, by);
    }

    public static void DecrBy(CommandContext ctx)
    {
        if (!ctx.TryLong(2, out long by)) return;
        if (by == long.MinValue)
        {
            ctx.Error("ERR decrement would overflow");
            return;
        }
        IncrDecr(ctx, -by);
    }

    private static void IncrDecr(CommandContext ctx, long by)
    {
        var ks = ctx.Keyspace;
        ulong rec = ctx.LookupWrite(ctx.Args[1]);
        long value = 0;
        if (rec != 0)
        {
            if (ks.Rec(rec).Type != RegionLayout.TypeString)
            {
                ctx.WrongType();
                return;
            }
            if (!StringValues.TryGetInt(ks, rec, out value))
            {
                ctx.Error(Errors.NotInteger);
                return;
            }
        }
        if ((by < 0 && value < 0 && by < long.MinValue - value) || (by > 0 && value > 0 && by > long.MaxValue - value))
        {
            ctx.Error(Errors.Overflow);
            return;
        }
        value += by;
        if (rec == 0) rec = ks.Create(ctx.Db, ctx.Args[1], RegionLayout.TypeString, RegionLayout.EncInt);
        StringValues.SetInt(ks, rec, value);
        ctx.Dirty++;
        ctx.Reply.Integer(value);
    }

    public static void IncrByFloat(CommandContext ctx)
    {
        var ks = ctx.Keyspace;
        ulong rec = ctx.LookupWrite(ctx.Args[1]);
        Span<byte> scratch = stackalloc byte[StringValues.MaxIntChars];
        scoped ReadOnlySpan<byte> current = "0"u8;
        if (rec != 0)
        {
            if (ks.Rec(rec).Type != RegionLayout.TypeString)
            {
                ctx.WrongType();
                return;
            }
            current = StringValues.Read(ks, rec, scratch);
        }
        if (!LongDouble.TryParse(current, out var value) || !LongDouble.TryParse(ctx.Args[2], out var incr))
        {
            ctx.Error(Errors.NotFloat);
            return;
        }
        var sum = LongDouble.Add(value, incr);
        if (sum is not { IsInfinity: false } finite)
        {
            ctx.Error("ERR increment would produce NaN or Infinity");
            return;
        }
        string result = finite.ToHumanString();
        var bytes = Encoding.ASCII.GetBytes(result);
        rec = Store(ctx, ctx.Args[1], bytes, keepTtl: true);
        // Redis stores the sum as a string object (embstr/raw), never int-encoded, even when it reads "5".
        if (ks.Rec(rec).Encoding == RegionLayout.EncInt)
        {
            bytes.CopyTo(StringValues.SetUninitialized(ks, rec, bytes.Length));
            ks.Rec(rec).Encoding = RegionLayout.EncEmbstr;
        }
        ctx.Reply.Bulk(bytes);
        // Replay as SET with the exact text so float rounding cannot diverge on reload.
        ctx.Propagate("SET"u8.ToArray(), ctx.Args.Bytes(1), bytes, "KEEPTTL"u8.ToArray());
    }

    public static void GetRange(CommandContext ctx)
    {
        if (!ctx.TryLong(2, out long start) || !ctx.TryLong(3, out long end)) return;
        ulong rec = ReadString(ctx, ctx.Args[1]);
        if (rec == CommandContext.WrongTypeReplied) return;
        Span<byte> scratch = stackalloc byte[StringValues.MaxIntChars];
        scoped ReadOnlySpan<byte> s = default;
        if (rec != 0) s = StringValues.Read(ctx.Keyspace, rec, scratch);
        long len = s.Length;
        if (start < 0 && end < 0 && start > end)
        {
            ctx.Reply.Bulk(ReadOnlySpan<byte>.Empty);
            return;
        }
        if (start < 0) start = len + start;
        if (end < 0) end = len + end;
        if (start < 0) start = 0;
        if (end < 0) end = 0;
        if (end >= len) end = len - 1;
        if (start > end || len == 0) ctx.Reply.Bulk(ReadOnlySpan<byte>.Empty);
        else ctx.Reply.Bulk(s.Slice((int)start, (int)(end - start + 1)));
    }

    public static void SetRange(CommandContext ctx)
    {
        if (!ctx.TryLong(2, out long offset)) return;
        if (offset < 0)
        {
            ctx.Error("ERR offset is out of range");
            return;
        }
        var ks = ctx.Keyspace;
        var value = ctx.Args[3];
        ulong rec = ctx.LookupWrite(ctx.Args[1]);
        if (rec != 0 && ks.Rec(rec).Type != RegionLayout.TypeString)
        {
            ctx.WrongType();
            return;
        }
        if (value.Length == 0)
        {
            ctx.Reply.Integer(rec == 0 ? 0 : StringValues.Length(ks, rec));
            return;
        }
        if (offset + value.Length > ctx.Server.Config.ProtoMaxBulkLen.Value)
        {
            ctx.Error(StringTooLong);
            return;
        }
        // The offset, not the arguments, sizes the value: make sure it fits before the key is made.
        if (!ctx.EnsureRoom(RegionRoom.ForValue((ulong)(offset + value.Length)))) return;
        Span<byte> span;
        if (rec == 0)
        {
            // A new key has no value block yet for Writable to grow: start from zeros.
            rec = ks.Create(ctx.Db, ctx.Args[1], RegionLayout.TypeString, RegionLayout.EncRaw);
            span = StringValues.SetUninitialized(ks, rec, offset + value.Length);
            span.Clear();
        }
        else span = StringValues.Writable(ks, rec, offset + value.Length);
        value.CopyTo(span.Slice((int)offset));
        ctx.Dirty++;
        ctx.Reply.Integer(span.Length);
    }

    public static void Lcs(CommandContext ctx)
    {
        var a = ctx.Args;
        bool getLen = false, getIdx = false, withMatchLen = false;
        long minMatchLen = 0;
        for (int i = 3; i < a.Count; i++)
        {
            if (a.Is(i, "IDX")) getIdx = true;
            else if (a.Is(i, "LEN")) getLen = true;
            else if (a.Is(i, "WITHMATCHLEN")) withMatchLen = true;
            else if (a.Is(i, "MINMATCHLEN") && i + 1 < a.Count)
            {
                if (!ctx.TryLong(++i, out minMatchLen)) return;
                if (minMatchLen < 0) minMatchLen = 0;
            }
            else
            {
                ctx.SyntaxError();
                return;
            }
        }
        var ks = ctx.Keyspace;
        ulong ra = ctx.LookupRead(a[1]), rb = ctx.LookupRead(a[2]);
        if ((ra != 0 && ks.Rec(ra).Type != RegionLayout.TypeString) || (rb != 0 && ks.Rec(rb).Type != RegionLayout.TypeString))
        {
            ctx.Error("ERR The specified keys must contain string values");
            return;
        }
        if (getIdx && getLen)
        {
            ctx.Error("ERR If you want both the length and indexes, please just use IDX.");
            return;
        }
        Span<byte> s1 = stackalloc byte[StringValues.MaxIntChars], s2 = stackalloc byte[StringValues.MaxIntChars];
        byte[] x = ra == 0 ? [] : StringValues.Read(ks, ra, s1).ToArray();
        byte[] y = rb == 0 ? [] : StringValues.Read(ks, rb, s2).ToArray();
        long cells = (long)(x.Length + 1) * (y.Length + 1);
        if (cells * sizeof(uint) > ctx.Server.Config.ProtoMaxBulkLen.Value || cells > int.MaxValue)
        {
            ctx.Error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
            return;
        }
        LcsResult.Compute(x, y, minMatchLen, out var lcs, out var matches);
        if (getLen)
        {
            ctx.Reply.Integer(lcs.Length);
            return;
        }
        if (!getIdx)
        {
            ctx.Reply.Bulk(lcs);
            return;
        }
        ctx.Reply.MapHeader(2);
        ctx.Reply.Bulk("matches"u8);
        ctx.Reply.ArrayHeader(matches.Count);
        foreach (var m in matches)
        {
            ctx.Reply.ArrayHeader(withMatchLen ? 3 : 2);
            ctx.Reply.ArrayHeader(2);
            ctx.Reply.Integer(m.AStart);
            ctx.Reply.Integer(m.AEnd);
            ctx.Reply.ArrayHeader(2);
            ctx.Reply.Integer(m.BStart);
            ctx.Reply.Integer(m.BEnd);
            if (withMatchLen) ctx.Reply.Integer(m.AEnd - m.AStart + 1);
        }
        ctx.Reply.Bulk("len"u8);
        ctx.Reply.Integer(lcs.Length);
    }
}

/// <summary>The longest common subsequence and its matching ranges, walked back from the end as Redis does.</summary>
internal static class LcsResult
{
    public readonly record struct Match(long AStart, long AEnd, long BStart, long BEnd);

    public static void Compute(byte[] a, byte[] b, long minMatchLen, out byte[] lcs, out List<Match> matches)
    {
        int alen = a.Length, blen = b.Length, w = blen + 1;
        var t = new uint[(alen + 1) * w];
        for (int i = 1; i <= alen; i++)
            for (int j = 1; j <= blen; j++)
                t[i * w + j] = a[i - 1] == b[j - 1] ? t[(i - 1) * w + j - 1] + 1 : Math.Max(t[(i - 1) * w + j], t[i * w + j - 1]);
        int idx = (int)t[alen * w + blen];
        lcs = new byte[idx];
        matches = [];
        int ai = alen, bj = blen;
        long aStart = alen, aEnd = 0, bStart = 0, bEnd = 0;
        while (ai > 0 && bj > 0)
        {
            bool emit = false;
            if (a[ai - 1] == b[bj - 1])
            {
                lcs[idx - 1] = a[ai - 1];
                if (aStart == alen)
                {
                    aStart = aEnd = ai - 1;
                    bStart = bEnd = bj - 1;
                }
                else if (aStart == ai && bStart == bj)
                {
                    aStart--;
                    bStart--;
                }
                else emit = true;
                if (aStart == 0 || bStart == 0) emit = true;
                idx--; ai--; bj--;
            }
            else
            {
                if (t[(ai - 1) * w + bj] > t[ai * w + bj - 1]) ai--;
                else bj--;
                if (aStart != alen) emit = true;
            }
            if (emit)
            {
                long len = aEnd - aStart + 1;
                if (minMatchLen == 0 || len >= minMatchLen) matches.Add(new Match(aStart, aEnd, bStart, bEnd));
                aStart = alen;
            }
        }
    }
}

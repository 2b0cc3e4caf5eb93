using System.Text;
using RedisLite.Persistence;
using RedisLite.Store;

namespace RedisLite.Commands;

/// <summary>
/// Hash commands (Redis 7.0's t_hash.c): replies, errors, encodings and propagation as Redis's.
/// Storage is <see cref="HashValues"/>; this file is argument checking, replies and the order in
/// which Redis checks things (argument errors before the key lookup, WRONGTYPE before writes).
/// </summary>
public static class Hashes
{
    private const ulong WrongTypeReplied = CommandContext.WrongTypeReplied;

    private static HashValues.Limits Limits(CommandContext ctx) =>
        new(ctx.Server.Config.HashMaxListpackEntries.Value, ctx.Server.Config.HashMaxListpackValue.Value);

    /// <summary>The record if it holds a hash; 0 if missing; <see cref="WrongTypeReplied"/> after replying WRONGTYPE.</summary>
    private static ulong Read(CommandContext ctx, ReadOnlySpan<byte> key) => ctx.LookupRead(key, RegionLayout.TypeHash);
    private static ulong Write(CommandContext ctx, ReadOnlySpan<byte> key) => ctx.LookupWrite(key, RegionLayout.TypeHash);

    /// <summary>hashTypeLookupWriteOrCreate: the hash record, created empty (listpack) if missing.</summary>
    private static ulong WriteOrCreate(CommandContext ctx, ReadOnlySpan<byte> key)
    {
        ulong rec = Write(ctx, key);
        if (rec != 0) return rec;
        rec = ctx.Keyspace.Create(ctx.Db, key, RegionLayout.TypeHash, RegionLayout.EncListpack);
        HashValues.Init(ctx.Keyspace, rec);
        return rec;
    }

    private static void DeleteIfEmpty(CommandContext ctx, ulong rec)
    {
        if (HashValues.Count(ctx.Keyspace, rec) == 0) ctx.Keyspace.Delete(ctx.Db, rec);
    }

    public static void HSet(CommandContext ctx) => SetGeneric(ctx, "hset");
    public static void HMSet(CommandContext ctx) => SetGeneric(ctx, "hmset");

    private static void SetGeneric(CommandContext ctx, string name)
    {
        var a = ctx.Args;
        if (a.Count % 2 == 1)
        {
            ctx.Error(Errors.WrongArgs(name));
            return;
        }
        ulong rec = WriteOrCreate(ctx, a[1]);
        if (rec == WrongTypeReplied) return;
        var ks = ctx.Keyspace;
        var limits = Limits(ctx);
        for (int i = 2; i < a.Count; i++) HashValues.ConvertIfTooLong(ks, rec, a[i], limits);
        long created = 0;
        for (int i = 2; i < a.Count; i += 2)
            if (HashValues.Set(ks, rec, a[i], a[i + 1], limits)) created++;
        ctx.Dirty += (a.Count - 2) / 2;
        if (name == "hset") ctx.Reply.Integer(created);
        else ctx.Reply.Ok();
    }

    public static void HSetNx(CommandContext ctx)
    {
        var a = ctx.Args;
        ulong rec = WriteOrCreate(ctx, a[1]);
        if (rec == WrongTypeReplied) return;
        var ks = ctx.Keyspace;
        var limits = Limits(ctx);
        HashValues.ConvertIfTooLong(ks, rec, a[2], limits);
        HashValues.ConvertIfTooLong(ks, rec, a[3], limits);
        if (HashValues.Exists(ks, rec, a[2]))
        {
            ctx.Reply.Integer(0);
            return;
        }
        HashValues.Set(ks, rec, a[2], a[3], limits);
        ctx.Dirty++;
        ctx.Reply.Integer(1);
    }

    public static void HGet(CommandContext ctx)
    {
        ulong rec = Read(ctx, ctx.Args[1]);
        if (rec == WrongTypeReplied) return;
        Span<byte> scratch = stackalloc byte[20];
        if (rec != 0 && HashValues.TryGet(ctx.Keyspace, rec, ctx.Args[2], scratch, out var v)) ctx.Reply.Bulk(v);
        else ctx.Reply.Null();
    }

    public static void HMGet(CommandContext ctx)
    {
        ulong rec = Read(ctx, ctx.Args[1]);
        if (rec == WrongTypeReplied) return;
        Span<byte> scratch = stackalloc byte[20];
        ctx.Reply.ArrayHeader(ctx.Args.Count - 2);
        for (int i = 2; i < ctx.Args.Count; i++)
        {
            if (rec != 0 && HashValues.TryGet(ctx.Keyspace, rec, ctx.Args[i], scratch, out var v)) ctx.Reply.Bulk(v);
            else ctx.Reply.Null();
        }
    }

    public static void HGetAll(CommandContext ctx) => GetAllGeneric(ctx, fields: true, values: true);
    public static void HKeys(CommandContext ctx) => GetAllGeneric(ctx, fields: true, values: false);
    public static void HVals(CommandContext ctx) => GetAllGeneric(ctx, fields: false, values: true);

    private static void GetAllGeneric(CommandContext ctx, bool fields, bool values)
    {
        ulong rec = Read(ctx, ctx.Args[1]);
        if (rec == WrongTypeReplied) return;
        var pairs = rec == 0 ? [] : HashValues.Pairs(ctx.Keyspace, rec);
        if (fields && values) ctx.Reply.MapHeader(pairs.Count);
        else ctx.Reply.ArrayHeader(pairs.Count);
        foreach (var (f, v) in pairs)
        {
            if (fields) ctx.Reply.Bulk(f);
            if (values) ctx.Reply.Bulk(v);
        }
    }

    public static void HDel(CommandContext ctx)
    {
        ulong rec = Write(ctx, ctx.Args[1]);
        if (rec == WrongTypeReplied) return;
        long deleted = 0;
        if (rec != 0)
        {
            for (int i = 2; i < ctx.Args.Count; i++)
            {
                if (!HashValues.Delete(ctx.Keyspace, rec, ctx.Args[i])) continue;
                deleted++;
                if (HashValues.Count(ctx.Keyspace, rec) == 0)
                {
                    ctx.Keyspace.Delete(ctx.Db, rec);
                    break;
                }
            }
        }
        ctx.Dirty += deleted;
        ctx.Reply.Integer(deleted);
    }

    public static void HLen(CommandContext ctx)
    {
        ulong rec = Read(ctx, ctx.Args[1]);
        if (rec == WrongTypeReplied) return;
        ctx.Reply.Integer(rec == 0 ? 0 : HashValues.Count(ctx.Keyspace, rec));
    }

    public static void HExists(CommandContext ctx)
    {
        ulong rec = Read(ctx, ctx.Args[1]);
        if (rec == WrongTypeReplied) return;
        ctx.Reply.Integer(rec != 0 && HashValues.Exists(ctx.Keyspace, rec, ctx.Args[2]) ? 1 : 0);
    }

    public static void HStrLen(CommandContext ctx)
    {
        ulong rec = Read(ctx, ctx.Args[1]);
        if (rec == WrongTypeReplied) return;
        Span<byte> scratch = stackalloc byte[20];
        ctx.Reply.Integer(rec != 0 && HashValues.TryGet(ctx.Keyspace, rec, ctx.Args[2], scratch, out var v) ? v.Length : 0);
    }

    public static void HIncrBy(CommandContext ctx)
    {
        if (!ctx.TryLong(3, out long incr)) return;
        ulong rec = WriteOrCreate(ctx, ctx.Args[1]);
        if (rec == WrongTypeReplied) return;
        var ks = ctx.Keyspace;
        long value = 0;
        Span<byte> scratch = stackalloc byte[20];
        if (HashValues.TryGet(ks, rec, ctx.Args[2], scratch, out var cur) && !StringValues.TryParseCanonicalInt(cur, out value))
        {
            ctx.Error("ERR hash value is not an integer");
            return;
        }
        if ((incr < 0 && value < 0 && incr < long.MinValue - value) || (incr > 0 && value > 0 && incr > long.MaxValue - value))
        {
            ctx.Error(Errors.Overflow);
            return;
        }
        value += incr;
        HashValues.Set(ks, rec, ctx.Args[2], CommandContext.IntBytes(value), Limits(ctx));
        ctx.Dirty++;
        ctx.Reply.Integer(value);
    }

    /// <summary>
    /// HINCRBYFLOAT in Redis's long double (<see cref="LongDouble"/>, shared with INCRBYFLOAT),
    /// stored and replied as ld2string's human form, and propagated as HSET with that text so a
    /// replica or AOF reload cannot round differently.
    /// </summary>
    public static void HIncrByFloat(CommandContext ctx)
    {
        if (!LongDouble.TryParse(ctx.Args[3], out var incr))
        {
            ctx.Error(Errors.NotFloat);
            return;
        }
        if (incr.IsInfinity)
        {
            ctx.Error("ERR value is NaN or Infinity");
            return;
        }
        ulong rec = WriteOrCreate(ctx, ctx.Args[1]);
        if (rec == WrongTypeReplied) return;
        var ks = ctx.Keyspace;
        Span<byte> scratch = stackalloc byte[20];
        LongDouble.TryParse("0"u8, out var value);
        if (HashValues.TryGet(ks, rec, ctx.Args[2], scratch, out var cur) && !LongDouble.TryParse(cur, out value))
        {
            ctx.Error("ERR hash value is not a float");
            return;
        }
        var sum = LongDouble.Add(value, incr);
        if (sum is not { IsInfinity: false } finite)
        {
            ctx.Error("ERR increment would produce NaN or Infinity");
            return;
        }
        byte[] text = Encoding.ASCII.GetBytes(finite.ToHumanString());
        HashValues.Set(ks, rec, ctx.Args[2], text, Limits(ctx));
        ctx.Dirty++;
        ctx.Reply.Bulk(text);
        ctx.Propagate("HSET"u8.ToArray(), ctx.Args.Bytes(1), ctx.Args.Bytes(2), text);
    }

    /// <summary>HRANDFIELD key [count [WITHVALUES]], with Redis's cases (see <see cref="RandomWithCount"/>).</summary>
    public static void HRandField(CommandContext ctx)
    {
        var a = ctx.Args;
        if (a.Count >= 3)
        {
            if (!RandomCountArgs.TryParse(ctx, "WITHVALUES", out long l, out bool withValues)) return;
            RandomWithCount(ctx, l, withValues);
            return;
        }
        ulong rec = Read(ctx, a[1]);
        if (rec == WrongTypeReplied) return;
        if (rec == 0)
        {
            ctx.Reply.Null();
            return;
        }
        ctx.Reply.Bulk(HashValues.RandomPair(ctx.Keyspace, rec, Random.Shared).Field);
    }

    /// <summary>
    /// Redis's hrandfieldWithCountCommand: a negative count returns that many independent picks
    /// (repeats allowed); a count at least the size returns the whole hash; otherwise distinct
    /// fields, by removing random ones from a copy when the count is close to the size, or by
    /// drawing until enough distinct ones are found when it is small.
    /// </summary>
    private static void RandomWithCount(CommandContext ctx, long l, bool withValues)
    {
        ulong rec = Read(ctx, ctx.Args[1]);
        if (rec == WrongTypeReplied) return;
        bool unique = l >= 0;
        long count = Math.Abs(l);
        var ks = ctx.Keyspace;
        long size = rec == 0 ? 0 : HashValues.Count(ks, rec);
        if (count == 0 || size == 0)
        {
            ctx.Reply.ArrayHeader(0);
            return;
        }
        bool resp3 = ctx.Reply.Protocol == 3;
        void Header(long n) => ctx.Reply.ArrayHeader(withValues && !resp3 ? n * 2 : n);
        void Emit((byte[] Field, byte[] Value) p)
        {
            if (withValues && resp3) ctx.Reply.ArrayHeader(2);
            ctx.Reply.Bulk(p.Field);
            if (withValues) ctx.Reply.Bulk(p.Value);
        }
        var rng = Random.Shared;
        if (!unique || count == 1)
        {
            Header(count);
            while (count-- > 0) Emit(HashValues.RandomPair(ks, rec, rng));
            return;
        }
        if (count >= size)
        {
            var all = HashValues.Pairs(ks, rec);
            Header(all.Count);
            foreach (var p in all) Emit(p);
            return;
        }
        Header(count);
        var sample = count * 3 > size
            ? DistinctSample(HashValues.Pairs(ks, rec), (int)count, rng)
            : DrawDistinct(() => HashValues.RandomPair(ks, rec, rng), (int)count, p => p.Field);
        foreach (var p in sample) Emit(p);
    }

    /// <summary>
    /// count distinct elements by drawing at random until enough are found (Redis's case 4, for
    /// counts well below the size: expected draws stay close to count).
    /// </summary>
    internal static List<T> DrawDistinct<T>(Func<T> draw, int count, Func<T, byte[]> key)
    {
        var seen = new HashSet<byte[]>(ByteArrayComparer.Instance);
        var result = new List<T>(count);
        while (result.Count < count)
        {
            var x = draw();
            if (seen.Add(key(x))) result.Add(x);
        }
        return result;
    }

    /// <summary>count distinct elements of <paramref name="all"/> in random order (partial Fisher-Yates).</summary>
    internal static List<T> DistinctSample<T>(List<T> all, int count, Random rng)
    {
        for (int i = 0; i < count; i++)
        {
            int j = rng.Next(i, all.Count);
            (all[i], all[j]) = (all[j], all[i]);
        }
        return all.GetRange(0, count);
    }

    public static void HScan(CommandContext ctx)
    {
        if (!GenericScan.TryBegin(ctx, RegionLayout.TypeHash, out ulong rec, out ulong cursor, out var options)) return;
        var ks = ctx.Keyspace;
        var items = new List<byte[]>();
        if (ks.Rec(rec).Encoding == RegionLayout.EncListpack)
        {
            foreach (var (f, v) in HashValues.Pairs(ks, rec)) { items.Add(f); items.Add(v); }
            cursor = 0;
        }
        else
        {
            var found = new List<ulong>();
            // COUNT counts reply items: a field and its value are two.
            cursor = GenericScan.Walk(HashValues.HashtableOf(ks, rec), cursor, found, () => found.Count * 2, options);
            foreach (ulong e in found)
            {
                var (f, v) = HashValues.Element(ks, e);
                items.Add(f);
                items.Add(v);
            }
        }
        GenericScan.Reply(ctx, cursor, items, 2, options);
    }
}

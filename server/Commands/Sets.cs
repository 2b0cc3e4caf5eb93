using RedisLite.Persistence;
using RedisLite.Server;
using RedisLite.Store;

namespace RedisLite.Commands;

/// <summary>
/// Set commands (Redis 7.0's t_set.c): replies, errors, encodings and propagation as Redis's.
/// Storage is <see cref="SetValues"/>. SPOP propagates as SREM of the popped members (or DEL when
/// it empties the set), so replicas and the AOF replay the same members, not a new random draw.
/// </summary>
public static class Sets
{
    private const ulong WrongTypeReplied = CommandContext.WrongTypeReplied;

    private static long MaxIntset(CommandContext ctx) => ctx.Server.Config.SetMaxIntsetEntries.Value;

    private static ulong Read(CommandContext ctx, ReadOnlySpan<byte> key) => ctx.LookupRead(key, RegionLayout.TypeSet);
    private static ulong Write(CommandContext ctx, ReadOnlySpan<byte> key) => ctx.LookupWrite(key, RegionLayout.TypeSet);

    private static ulong Create(CommandContext ctx, ReadOnlySpan<byte> key, ReadOnlySpan<byte> firstMember)
    {
        ulong rec = ctx.Keyspace.Create(ctx.Db, key, RegionLayout.TypeSet, RegionLayout.EncIntset);
        SetValues.Init(ctx.Keyspace, rec, firstMember);
        return rec;
    }

    public static void SAdd(CommandContext ctx)
    {
        var a = ctx.Args;
        ulong rec = Write(ctx, a[1]);
        if (rec == WrongTypeReplied) return;
        if (rec == 0) rec = Create(ctx, a[1], a[2]);
        long added = 0;
        long max = MaxIntset(ctx);
        for (int i = 2; i < a.Count; i++)
            if (SetValues.Add(ctx.Keyspace, rec, a[i], max)) added++;
        ctx.Dirty += added;
        ctx.Reply.Integer(added);
    }

    public static void SRem(CommandContext ctx)
    {
        var a = ctx.Args;
        ulong rec = Write(ctx, a[1]);
        if (rec == WrongTypeReplied) return;
        long removed = 0;
        if (rec != 0)
        {
            for (int i = 2; i < a.Count; i++)
            {
                if (!SetValues.Remove(ctx.Keyspace, rec, a[i])) continue;
                removed++;
                if (SetValues.Count(ctx.Keyspace, rec) == 0)
                {
                    ctx.Keyspace.Delete(ctx.Db, rec);
                    break;
                }
            }
        }
        ctx.Dirty += removed;
        ctx.Reply.Integer(removed);
    }

    public static void SMembers(CommandContext ctx)
    {
        ulong rec = Read(ctx, ctx.Args[1]);
        if (rec == WrongTypeReplied) return;
        ReplySet(ctx, rec == 0 ? [] : SetValues.Members(ctx.Keyspace, rec));
    }

    private static void ReplySet(CommandContext ctx, IReadOnlyCollection<byte[]> members)
    {
        ctx.Reply.SetHeader(members.Count);
        foreach (var m in members) ctx.Reply.Bulk(m);
    }

    public static void SIsMember(CommandContext ctx)
    {
        ulong rec = Read(ctx, ctx.Args[1]);
        if (rec == WrongTypeReplied) return;
        ctx.Reply.Integer(rec != 0 && SetValues.Contains(ctx.Keyspace, rec, ctx.Args[2]) ? 1 : 0);
    }

    public static void SMIsMember(CommandContext ctx)
    {
        ulong rec = Read(ctx, ctx.Args[1]);
        if (rec == WrongTypeReplied) return;
        ctx.Reply.ArrayHeader(ctx.Args.Count - 2);
        for (int i = 2; i < ctx.Args.Count; i++)
            ctx.Reply.Integer(rec != 0 && SetValues.Contains(ctx.Keyspace, rec, ctx.Args[i]) ? 1 : 0);
    }

    public static void SCard(CommandContext ctx)
    {
        ulong rec = Read(ctx, ctx.Args[1]);
        if (rec == WrongTypeReplied) return;
        ctx.Reply.Integer(rec == 0 ? 0 : SetValues.Count(ctx.Keyspace, rec));
    }

    public static void SMove(CommandContext ctx)
    {
        var a = ctx.Args;
        var ks = ctx.Keyspace;
        ulong src = ctx.LookupWrite(a[1]);
        ulong dst = ctx.LookupWrite(a[2]);
        if (src == 0)
        {
            ctx.Reply.Integer(0);
            return;
        }
        if (ctx.OfType(src, RegionLayout.TypeSet) == WrongTypeReplied || ctx.OfType(dst, RegionLayout.TypeSet) == WrongTypeReplied) return;
        if (src == dst)
        {
            ctx.Reply.Integer(SetValues.Contains(ks, src, a[3]) ? 1 : 0);
            return;
        }
        // The member leaves the source only if it surely fits in the destination.
        if (!ctx.EnsureRoom(RegionRoom.ForArguments(a, 3))) return;
        if (!SetValues.Remove(ks, src, a[3]))
        {
            ctx.Reply.Integer(0);
            return;
        }
        if (SetValues.Count(ks, src) == 0) ks.Delete(ctx.Db, src);
        if (dst == 0) dst = Create(ctx, a[2], a[3]);
        SetValues.Add(ks, dst, a[3], MaxIntset(ctx));
        ctx.Dirty++;
        ctx.Reply.Integer(1);
    }

    /// <summary>SPOP key [count].</summary>
    public static void SPop(CommandContext ctx)
    {
        var a = ctx.Args;
        if (a.Count == 3)
        {
            PopWithCount(ctx);
            return;
        }
        if (a.Count > 3)
        {
            ctx.SyntaxError();
            return;
        }
        ulong rec = Write(ctx, a[1]);
        if (rec == WrongTypeReplied) return;
        if (rec == 0)
        {
            ctx.Reply.Null();
            return;
        }
        var ks = ctx.Keyspace;
        byte[] m = SetValues.RandomMember(ks, rec, Random.Shared);
        SetValues.Remove(ks, rec, m);
        if (SetValues.Count(ks, rec) == 0) ks.Delete(ctx.Db, rec);
        ctx.Dirty++;
        ctx.Propagate("SREM"u8.ToArray(), a.Bytes(1), m);
        ctx.Reply.Bulk(m);
    }

    private static void PopWithCount(CommandContext ctx)
    {
        var a = ctx.Args;
        // getPositiveLongFromObjectOrReply: one message for "not a number" and "negative".
        if (!StringValues.TryParseCanonicalInt(a[2], out long l) || l < 0)
        {
            ctx.Error("ERR value is out of range, must be positive");
            return;
        }
        ulong rec = Write(ctx, a[1]);
        if (rec == WrongTypeReplied) return;
        if (rec == 0 || l == 0)
        {
            ctx.Reply.SetHeader(0);
            return;
        }
        var ks = ctx.Keyspace;
        long size = SetValues.Count(ks, rec);
        if (l >= size)
        {
            var all = SetValues.Members(ks, rec);
            ks.Delete(ctx.Db, rec);
            ctx.Dirty += size;
            ctx.Propagate("DEL"u8.ToArray(), a.Bytes(1));
            ReplySet(ctx, all);
            return;
        }
        var popped = Sample(ks, rec, size, (int)l);
        foreach (var m in popped) SetValues.Remove(ks, rec, m);
        ctx.Dirty += l;
        // One SREM per member, as Redis 7.0 propagates them (the unit's MULTI/EXEC keeps them together).
        byte[] srem = "SREM"u8.ToArray(), key = a.Bytes(1);
        foreach (var m in popped) ctx.Propagate(srem, key, m);
        ReplySet(ctx, popped);
    }

    /// <summary>SRANDMEMBER key [count]: Redis's cases as in HRANDFIELD (negative count: repeats allowed).</summary>
    public static void SRandMember(CommandContext ctx)
    {
        var a = ctx.Args;
        if (a.Count > 3)
        {
            ctx.SyntaxError();
            return;
        }
        var ks = ctx.Keyspace;
        if (a.Count == 3)
        {
            if (!StringValues.TryParseCanonicalInt(a[2], out long l))
            {
                ctx.Error(Errors.NotInteger);
                return;
            }
            if (l == long.MinValue)
            {
                ctx.Error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
                return;
            }
            ulong r = Read(ctx, a[1]);
            if (r == WrongTypeReplied) return;
            long count = Math.Abs(l);
            if (r == 0 || count == 0)
            {
                ctx.Reply.ArrayHeader(0);
                return;
            }
            long size = SetValues.Count(ks, r);
            if (l < 0 || count == 1)
            {
                ctx.Reply.ArrayHeader(count);
                while (count-- > 0) ctx.Reply.Bulk(SetValues.RandomMember(ks, r, Random.Shared));
                return;
            }
            if (count >= size)
            {
                ReplySet(ctx, SetValues.Members(ks, r));
                return;
            }
            ReplySet(ctx, Sample(ks, r, size, (int)count));
            return;
        }
        ulong rec = Read(ctx, a[1]);
        if (rec == WrongTypeReplied) return;
        if (rec == 0) ctx.Reply.Null();
        else ctx.Reply.Bulk(SetValues.RandomMember(ks, rec, Random.Shared));
    }

    /// <summary>count (&lt; size) distinct random members: from a copy when count is close to size, by repeated draws when small.</summary>
    private static List<byte[]> Sample(Keyspace ks, ulong rec, long size, int count) =>
        count * 3L > size
            ? Hashes.DistinctSample(SetValues.Members(ks, rec), count, Random.Shared)
            : Hashes.DrawDistinct(() => SetValues.RandomMember(ks, rec, Random.Shared), count, m => m);

    /// <summary>Looks up the set keys of a multi-key command; null after replying WRONGTYPE. Missing keys are 0.</summary>
    private static ulong[]? LookupSets(CommandContext ctx, int first, int count, bool forStore)
    {
        var recs = new ulong[count];
        for (int i = 0; i < count; i++)
        {
            ulong rec = forStore ? ctx.LookupStoreSource(ctx.Args[first + i], RegionLayout.TypeSet) : Read(ctx, ctx.Args[first + i]);
            if (rec == WrongTypeReplied) return null;
            recs[i] = rec;
        }
        return recs;
    }

    /// <summary>The intersection, iterating the smallest set and probing the others (sinterGenericCommand).</summary>
    private static List<byte[]> Intersect(Keyspace ks, ulong[] recs, long limit = 0)
    {
        if (recs.Any(r => r == 0)) return [];
        var order = recs.OrderBy(r => SetValues.Count(ks, r)).ToArray();
        var result = new List<byte[]>();
        foreach (var m in SetValues.Members(ks, order[0]))
        {
            bool all = true;
            for (int i = 1; i < order.Length && all; i++)
                if (order[i] != order[0]) all = SetValues.Contains(ks, order[i], m);
            if (!all) continue;
            result.Add(m);
            if (limit > 0 && result.Count >= limit) break;
        }
        return result;
    }

    private static List<byte[]> Union(Keyspace ks, ulong[] recs)
    {
        var seen = new HashSet<byte[]>(ByteArrayComparer.Instance);
        var result = new List<byte[]>();
        foreach (ulong r in recs)
        {
            if (r == 0) continue;
            foreach (var m in SetValues.Members(ks, r))
                if (seen.Add(m)) result.Add(m);
        }
        return result;
    }

    private static List<byte[]> Difference(Keyspace ks, ulong[] recs)
    {
        if (recs[0] == 0) return [];
        var result = new List<byte[]>();
        foreach (var m in SetValues.Members(ks, recs[0]))
        {
            bool keep = true;
            for (int i = 1; i < recs.Length && keep; i++)
            {
                if (recs[i] == 0) continue;
                if (recs[i] == recs[0]) { keep = false; break; }
                keep = !SetValues.Contains(ks, recs[i], m);
            }
            if (keep) result.Add(m);
        }
        return result;
    }

    private enum SetOp { Inter, Union, Diff }

    private static List<byte[]> Compute(Keyspace ks, SetOp op, ulong[] recs) => op switch
    {
        SetOp.Inter => Intersect(ks, recs),
        SetOp.Union => Union(ks, recs),
        _ => Difference(ks, recs),
    };

    public static void SInter(CommandContext ctx) => ReadOp(ctx, SetOp.Inter);
    public static void SUnion(CommandContext ctx) => ReadOp(ctx, SetOp.Union);
    public static void SDiff(CommandContext ctx) => ReadOp(ctx, SetOp.Diff);
    public static void SInterStore(CommandContext ctx) => StoreOp(ctx, SetOp.Inter);
    public static void SUnionStore(CommandContext ctx) => StoreOp(ctx, SetOp.Union);
    public static void SDiffStore(CommandContext ctx) => StoreOp(ctx, SetOp.Diff);

    private static void ReadOp(CommandContext ctx, SetOp op)
    {
        var recs = LookupSets(ctx, 1, ctx.Args.Count - 1, forStore: false);
        if (recs == null) return;
        ReplySet(ctx, Compute(ctx.Keyspace, op, recs));
    }

    /// <summary>
    /// SINTERSTORE/SUNIONSTORE/SDIFFSTORE: the result replaces the destination (whatever its
    /// type); an empty result deletes it. The new set starts as an intset and converts as
    /// members require, as Redis's does.
    /// </summary>
    private static void StoreOp(CommandContext ctx, SetOp op)
    {
        var recs = LookupSets(ctx, 2, ctx.Args.Count - 2, forStore: true);
        if (recs == null) return;
        var result = Compute(ctx.Keyspace, op, recs);
        long max = MaxIntset(ctx);
        ResultStore.Replace(ctx, ctx.Args[1], result.Count, result.Aggregate(0UL, (n, m) => n + (ulong)m.Length),
            RegionLayout.TypeSet, RegionLayout.EncIntset, (ks, rec) =>
            {
                SetValues.InitIntset(ks, rec);
                foreach (var m in result) SetValues.Add(ks, rec, m, max);
            });
    }

    /// <summary>SINTERCARD numkeys key [key ...] [LIMIT limit].</summary>
    public static void SInterCard(CommandContext ctx)
    {
        var a = ctx.Args;
        if (!StringValues.TryParseCanonicalInt(a[1], out long numKeys) || numKeys < 1)
        {
            ctx.Error("ERR numkeys should be greater than 0");
            return;
        }
        if (numKeys > a.Count - 2)
        {
            ctx.Error("ERR Number of keys can't be greater than number of args");
            return;
        }
        long limit = 0;
        for (int i = 2 + (int)numKeys; i < a.Count; i++)
        {
            if (a.Is(i, "LIMIT") && i + 1 < a.Count)
            {
                // Redis gives its custom message for a non-integer too (getPositiveLongFromObjectOrReply with a message).
                if (!StringValues.TryParseCanonicalInt(a[i + 1], out limit) || limit < 0)
                {
                    ctx.Error("ERR LIMIT can't be negative");
                    return;
                }
                i++;
            }
            else
            {
                ctx.SyntaxError();
                return;
            }
        }
        var recs = LookupSets(ctx, 2, (int)numKeys, forStore: false);
        if (recs == null) return;
        ctx.Reply.Integer(Intersect(ctx.Keyspace, recs, limit).Count);
    }

    public static void SScan(CommandContext ctx)
    {
        if (!GenericScan.TryBegin(ctx, RegionLayout.TypeSet, out ulong rec, out ulong cursor, out var options)) return;
        var ks = ctx.Keyspace;
        List<byte[]> items;
        if (ks.Rec(rec).Encoding == RegionLayout.EncIntset)
        {
            items = SetValues.Members(ks, rec);
            cursor = 0;
        }
        else
        {
            var found = new List<ulong>();
            var dict = SetValues.HashtableOf(ks, rec);
            cursor = GenericScan.Walk(dict, cursor, found, () => found.Count, options);
            items = found.Select(e => dict.KeyOf(e).ToArray()).ToList();
        }
        GenericScan.Reply(ctx, cursor, items, 1, options);
    }
}

/// <summary>Byte-array equality for managed sets of members.</summary>
public sealed class ByteArrayComparer : IEqualityComparer<byte[]>, IComparer<byte[]>
{
    public static readonly ByteArrayComparer Instance = new();
    public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);
    public int GetHashCode(byte[] obj)
    {
        var h = new HashCode();
        h.AddBytes(obj);
        return h.ToHashCode();
    }
    /// <summary>Redis's compareStringObjects: memcmp, then the shorter first.</summary>
    public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
}

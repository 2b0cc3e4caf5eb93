using System.Buffers.Text;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using RedisLite.Network;
using RedisLite.Persistence;

namespace RedisLite.Store;

/// <summary>Redis's zset-max-listpack-entries / zset-max-listpack-value, read from the config per command.</summary>
public readonly record struct ZSetLimits(long MaxEntries, long MaxValue)
{
    public static readonly ZSetLimits Default = new(128, 64);

    /// <summary>zsetConvertToListpackIfNeeded's test for a finished set of this size and longest member.</summary>
    public bool FitsListpack(long count, long maxMemberLen) => count <= MaxEntries && maxMemberLen <= MaxValue;
}

/// <summary>ZADD's flags (Redis's ZADD_IN_*).</summary>
[Flags]
public enum ZAddFlags { None = 0, Incr = 1, Nx = 2, Xx = 4, Gt = 8, Lt = 16 }

/// <summary>What <see cref="ZSetValues.Add"/> did (Redis's ZADD_OUT_*).</summary>
public enum ZAddResult { Nop, Added, Updated, NaN, /// <summary>Processed, but the score was already that (counts for ZADD INCR's reply).</summary>
    Same }

/// <summary>
/// Sorted-set values of records (Redis's t_zset.c storage side), in the two encodings Redis 7.0
/// uses, chosen and converted at Redis's thresholds:
/// <list type="bullet">
/// <item><c>listpack</c>: <see cref="RlKey.Value"/> is a <see cref="Listpack"/> of member,score
/// pairs sorted by score then member; the score is stored as Redis's d2string text (integers as
/// listpack ints), so the RDB writer dumps the block as RDB_TYPE_ZSET_LISTPACK unchanged.</item>
/// <item><c>skiplist</c>: <see cref="RlKey.Value"/> is an <see cref="RlZset"/> block: a
/// <see cref="ZSkiplist"/> for order and rank plus a <see cref="Dict"/> of <see cref="RlHent"/>
/// (member bytes, then an <see cref="RlZsetHval"/>: score and node offset) for O(1) lookups.</item>
/// </list>
/// A set starts as a listpack (unless entries is 0 or the first member is too long, as Redis's
/// ZADD decides) and becomes a skiplist when an insert would pass either limit; it never goes back
/// on removal, as in Redis. Stores (ZUNIONSTORE, ZRANGESTORE...) and RDB loads build the encoding
/// the finished size calls for (<see cref="Build"/>).
/// Element handles: a listpack handle is the byte position of the member entry (always ≥ 6), a
/// skiplist handle is the node offset; 0 means none.
/// </summary>
public static unsafe class ZSetValues
{
    private static readonly int HvalSize = sizeof(RlZsetHval);

    public static bool IsListpack(Keyspace ks, ulong rec) => ks.Rec(rec).Encoding == RegionLayout.EncListpack;

    private static Dict MemberIndex(Keyspace ks, ulong zs, bool format = false) =>
        new(ks, zs, format ? Dict.EntryLayout.Elements : null);

    // ---------------------------------------------------------------- creation and life

    /// <summary>Gives a fresh zset record (value unset) an empty value in the chosen encoding.</summary>
    public static void InitValue(Keyspace ks, ulong rec, bool listpack)
    {
        ref var r = ref ks.Rec(rec);
        r.Type = RegionLayout.TypeZSet;
        if (listpack)
        {
            r.Encoding = RegionLayout.EncListpack;
            r.Value = new Listpack(ks).Create();
            return;
        }
        r.Encoding = RegionLayout.EncSkiplist;
        r.Value = NewSkiplistValue(ks);
    }

    // An empty skiplist-encoded value: the rl_zset block with its member index and skiplist header.
    private static ulong NewSkiplistValue(Keyspace ks)
    {
        ulong zs = ks.Alloc.AllocZeroed((ulong)sizeof(RlZset));
        MemberIndex(ks, zs, format: true);
        ZSkiplist.Init(ks, zs);
        return zs;
    }

    /// <summary>Creates the key as an empty zset in the encoding ZADD would start it with.</summary>
    public static ulong CreateForAdd(Keyspace ks, int db, ReadOnlySpan<byte> key, ZSetLimits limits, int firstMemberLen)
    {
        ulong rec = ks.Create(db, key, RegionLayout.TypeZSet, RegionLayout.EncListpack);
        InitValue(ks, rec, limits.MaxEntries != 0 && firstMemberLen <= limits.MaxValue);
        return rec;
    }

    /// <summary>
    /// Fills a fresh record (value unset) with <paramref name="sorted"/> (ascending score then
    /// member, no duplicates), in the encoding the finished size calls for.
    /// </summary>
    public static void Build(Keyspace ks, ulong rec, IReadOnlyList<(byte[] Member, double Score)> sorted, ZSetLimits limits)
    {
        int maxLen = 0;
        foreach (var (m, _) in sorted) maxLen = Math.Max(maxLen, m.Length);
        bool lp = limits.FitsListpack(sorted.Count, maxLen);
        InitValue(ks, rec, lp);
        if (lp)
        {
            var l = new Listpack(ks);
            ulong p = ks.Rec(rec).Value;
            Span<byte> buf = stackalloc byte[64];
            foreach (var (m, s) in sorted)
            {
                l.Append(ref p, m);
                l.Append(ref p, ListpackScore(s, buf));
            }
            ks.Rec(rec).Value = p;
            return;
        }
        ulong zs = ks.Rec(rec).Value;
        var sl = new ZSkiplist(ks, zs);
        var dict = MemberIndex(ks, zs);
        foreach (var (m, s) in sorted) IndexAdd(ks, dict, m, s, sl.Insert(s, m));
    }

    /// <summary>Frees a skiplist-encoded value: index entries, bucket arrays, nodes and the rl_zset block (<see cref="ZSetType"/>).</summary>
    internal static void FreeSkiplist(Keyspace ks, ulong zs)
    {
        MemberIndex(ks, zs).Clear(e => ks.Alloc.Free(e));
        new ZSkiplist(ks, zs).FreeNodes();
        ks.Alloc.Free(zs);
    }

    /// <summary>A skiplist-encoded value with the same members and scores as <paramref name="zs"/> (COPY, <see cref="ZSetType"/>).</summary>
    internal static ulong CopySkiplist(Keyspace ks, ulong zs)
    {
        var from = new ZSkiplist(ks, zs);
        var items = new List<(byte[] Member, double Score)>((int)Math.Min(from.Length, 1 << 20));
        for (ulong n = from.First; n != 0; n = from.Next(n)) items.Add((from.Member(n).ToArray(), from.Score(n)));
        ulong copy = NewSkiplistValue(ks);
        var sl = new ZSkiplist(ks, copy);
        var dict = MemberIndex(ks, copy);
        foreach (var (m, sc) in items) IndexAdd(ks, dict, m, sc, sl.Insert(sc, m));
        return copy;
    }

    /// <summary>Every element in order (for stores, copies, conversions and tests).</summary>
    public static List<(byte[] Member, double Score)> Items(Keyspace ks, ulong rec)
    {
        var list = new List<(byte[], double)>((int)Math.Min(Length(ks, rec), 1 << 20));
        Span<byte> scratch = stackalloc byte[24];
        for (ulong h = First(ks, rec); h != 0; h = Next(ks, rec, h))
            list.Add((Member(ks, rec, h, scratch).ToArray(), Score(ks, rec, h)));
        return list;
    }

    // ---------------------------------------------------------------- reading

    public static long Length(Keyspace ks, ulong rec)
    {
        ref var r = ref ks.Rec(rec);
        return r.Encoding == RegionLayout.EncListpack ? new Listpack(ks).Count(r.Value) / 2 : (long)new ZSkiplist(ks, r.Value).Length;
    }

    public static ulong First(Keyspace ks, ulong rec)
    {
        ref var r = ref ks.Rec(rec);
        if (r.Encoding == RegionLayout.EncListpack) return ToHandle(new Listpack(ks).First(r.Value));
        return new ZSkiplist(ks, r.Value).First;
    }

    public static ulong Last(Keyspace ks, ulong rec)
    {
        ref var r = ref ks.Rec(rec);
        if (r.Encoding == RegionLayout.EncListpack)
        {
            var l = new Listpack(ks);
            int last = l.Last(r.Value);
            return last < 0 ? 0 : ToHandle(l.Prev(r.Value, last));
        }
        return new ZSkiplist(ks, r.Value).Tail;
    }

    public static ulong Next(Keyspace ks, ulong rec, ulong h)
    {
        ref var r = ref ks.Rec(rec);
        if (r.Encoding == RegionLayout.EncListpack)
        {
            var l = new Listpack(ks);
            int score = l.Next(r.Value, (int)h);
            return score < 0 ? 0 : ToHandle(l.Next(r.Value, score));
        }
        return new ZSkiplist(ks, r.Value).Next(h);
    }

    public static ulong Prev(Keyspace ks, ulong rec, ulong h)
    {
        ref var r = ref ks.Rec(rec);
        if (r.Encoding == RegionLayout.EncListpack)
        {
            var l = new Listpack(ks);
            int score = l.Prev(r.Value, (int)h);
            return score < 0 ? 0 : ToHandle(l.Prev(r.Value, score));
        }
        return new ZSkiplist(ks, r.Value).Prev(h);
    }

    private static ulong ToHandle(int pos) => pos < 0 ? 0 : (ulong)pos;

    /// <summary>The member of an element; listpack ints are formatted into <paramref name="scratch"/> (≥ 20 bytes).</summary>
    public static ReadOnlySpan<byte> Member(Keyspace ks, ulong rec, ulong h, Span<byte> scratch)
    {
        ref var r = ref ks.Rec(rec);
        if (r.Encoding == RegionLayout.EncListpack) return new Listpack(ks).GetBytes(r.Value, (int)h, scratch);
        return new ZSkiplist(ks, r.Value).Member(h);
    }

    public static double Score(Keyspace ks, ulong rec, ulong h)
    {
        ref var r = ref ks.Rec(rec);
        if (r.Encoding == RegionLayout.EncListpack)
        {
            var l = new Listpack(ks);
            return ListpackScoreAt(l, r.Value, l.Next(r.Value, (int)h));
        }
        return new ZSkiplist(ks, r.Value).Score(h);
    }

    /// <summary>The stored text of a listpack element's score (ZSCAN replies it as stored).</summary>
    public static ReadOnlySpan<byte> ListpackScoreBytes(Keyspace ks, ulong rec, ulong h, Span<byte> scratch)
    {
        var l = new Listpack(ks);
        ulong lp = ks.Rec(rec).Value;
        return l.GetBytes(lp, l.Next(lp, (int)h), scratch);
    }

    private static double ListpackScoreAt(Listpack l, ulong lp, int pos)
    {
        if (l.Get(lp, pos, out long v, out var s)) return v;
        return ParseStoredScore(s);
    }

    /// <summary>zzlStrtod: a score stored as text (ours are d2string output; Redis's files may hold any strtod text).</summary>
    public static double ParseStoredScore(ReadOnlySpan<byte> s)
    {
        return TryParseStrtod(s, allowLeadingSpace: true, out double d, out _) ? d : 0;
    }

    /// <summary>The element handle at 0-based <paramref name="rank"/> (0 ≤ rank &lt; length).</summary>
    public static ulong AtRank(Keyspace ks, ulong rec, long rank)
    {
        ref var r = ref ks.Rec(rec);
        if (r.Encoding == RegionLayout.EncListpack) return ToHandle(new Listpack(ks).Seek(r.Value, rank * 2));
        return new ZSkiplist(ks, r.Value).ByRank((ulong)rank + 1);
    }

    /// <summary>The listpack position of member's entry, or -1.</summary>
    private static int ListpackFind(Keyspace ks, ulong lp, ReadOnlySpan<byte> member)
    {
        var l = new Listpack(ks);
        int first = l.First(lp);
        return first < 0 ? -1 : l.Find(lp, first, member, 1);
    }

    private static ulong IndexFind(Keyspace ks, ulong zs, ReadOnlySpan<byte> member) =>
        MemberIndex(ks, zs).Find(member, ks.Hash(member));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static RlZsetHval* Hval(Keyspace ks, ulong hent) =>
        (RlZsetHval*)(ks.Region.Ptr(hent) + sizeof(RlHent) + ((RlHent*)ks.Region.Ptr(hent))->KeyLen);

    private static void IndexAdd(Keyspace ks, Dict dict, ReadOnlySpan<byte> member, double score, ulong node)
    {
        ulong e = ks.Alloc.Alloc((ulong)(sizeof(RlHent) + member.Length + HvalSize));
        var h = (RlHent*)ks.Region.Ptr(e);
        h->Next = 0;
        h->Hash = ks.Hash(member);
        h->KeyLen = (uint)member.Length;
        h->ValLen = (uint)HvalSize;
        member.CopyTo(new Span<byte>((byte*)h + sizeof(RlHent), member.Length));
        var v = Hval(ks, e);
        Unsafe.WriteUnaligned(&v->Score, score);
        Unsafe.WriteUnaligned(&v->Node, node);
        dict.Add(e);
    }

    public static bool TryGetScore(Keyspace ks, ulong rec, ReadOnlySpan<byte> member, out double score)
    {
        ref var r = ref ks.Rec(rec);
        score = 0;
        if (r.Encoding == RegionLayout.EncListpack)
        {
            int pos = ListpackFind(ks, r.Value, member);
            if (pos < 0) return false;
            var l = new Listpack(ks);
            score = ListpackScoreAt(l, r.Value, l.Next(r.Value, pos));
            return true;
        }
        ulong e = IndexFind(ks, r.Value, member);
        if (e == 0) return false;
        score = Unsafe.ReadUnaligned<double>(&Hval(ks, e)->Score);
        return true;
    }

    /// <summary>0-based rank of member in ascending order, or -1.</summary>
    public static long Rank(Keyspace ks, ulong rec, ReadOnlySpan<byte> member)
    {
        ref var r = ref ks.Rec(rec);
        if (r.Encoding == RegionLayout.EncListpack)
        {
            var l = new Listpack(ks);
            long rank = 0;
            for (int pos = l.First(r.Value); pos >= 0; pos = l.Next(r.Value, l.Next(r.Value, pos)), rank++)
                if (l.EntryEquals(r.Value, pos, member)) return rank;
            return -1;
        }
        ulong e = IndexFind(ks, r.Value, member);
        if (e == 0) return -1;
        double score = Unsafe.ReadUnaligned<double>(&Hval(ks, e)->Score);
        return (long)new ZSkiplist(ks, r.Value).Rank(score, member) - 1;
    }

    /// <summary>0-based rank of an element handle (used to count ranges).</summary>
    public static long RankOf(Keyspace ks, ulong rec, ulong h)
    {
        ref var r = ref ks.Rec(rec);
        if (r.Encoding == RegionLayout.EncListpack)
        {
            var l = new Listpack(ks);
            long rank = 0;
            for (int pos = l.First(r.Value); pos >= 0 && pos != (int)h; pos = l.Next(r.Value, l.Next(r.Value, pos))) rank++;
            return rank;
        }
        var sl = new ZSkiplist(ks, r.Value);
        return (long)sl.Rank(sl.Score(h), sl.Member(h)) - 1;
    }

    public static ulong FirstInRange(Keyspace ks, ulong rec, in ZScoreRange range)
    {
        ref var r = ref ks.Rec(rec);
        if (r.Encoding != RegionLayout.EncListpack) return new ZSkiplist(ks, r.Value).FirstInRange(range);
        if (!range.Valid) return 0;
        for (ulong h = First(ks, rec); h != 0; h = Next(ks, rec, h))
        {
            double s = Score(ks, rec, h);
            if (range.GteMin(s)) return range.LteMax(s) ? h : 0;
        }
        return 0;
    }

    public static ulong LastInRange(Keyspace ks, ulong rec, in ZScoreRange range)
    {
        ref var r = ref ks.Rec(rec);
        if (r.Encoding != RegionLayout.EncListpack) return new ZSkiplist(ks, r.Value).LastInRange(range);
        if (!range.Valid) return 0;
        for (ulong h = Last(ks, rec); h != 0; h = Prev(ks, rec, h))
        {
            double s = Score(ks, rec, h);
            if (range.LteMax(s)) return range.GteMin(s) ? h : 0;
        }
        return 0;
    }

    public static ulong FirstInLexRange(Keyspace ks, ulong rec, ZLexRange range)
    {
        ref var r = ref ks.Rec(rec);
        if (r.Encoding != RegionLayout.EncListpack) return new ZSkiplist(ks, r.Value).FirstInLexRange(range);
        if (!range.Valid) return 0;
        Span<byte> scratch = stackalloc byte[24];
        for (ulong h = First(ks, rec); h != 0; h = Next(ks, rec, h))
        {
            var m = Member(ks, rec, h, scratch);
            if (range.GteMin(m)) return range.LteMax(m) ? h : 0;
        }
        return 0;
    }

    public static ulong LastInLexRange(Keyspace ks, ulong rec, ZLexRange range)
    {
        ref var r = ref ks.Rec(rec);
        if (r.Encoding != RegionLayout.EncListpack) return new ZSkiplist(ks, r.Value).LastInLexRange(range);
        if (!range.Valid) return 0;
        Span<byte> scratch = stackalloc byte[24];
        for (ulong h = Last(ks, rec); h != 0; h = Prev(ks, rec, h))
        {
            var m = Member(ks, rec, h, scratch);
            if (range.LteMax(m)) return range.GteMin(m) ? h : 0;
        }
        return 0;
    }

    /// <summary>A uniformly chosen element of the member index (skiplist encoding only).</summary>
    public static ulong RandomHent(Keyspace ks, ulong rec, Random rng) => MemberIndex(ks, ks.Rec(rec).Value).RandomEntry(rng);

    /// <summary>Member bytes and score of a member-index entry.</summary>
    public static ReadOnlySpan<byte> HentItem(Keyspace ks, ulong hent, out double score)
    {
        var h = (RlHent*)ks.Region.Ptr(hent);
        score = Unsafe.ReadUnaligned<double>(&Hval(ks, hent)->Score);
        return new ReadOnlySpan<byte>((byte*)h + sizeof(RlHent), (int)h->KeyLen);
    }

    /// <summary>The member index of a skiplist-encoded set (ZSCAN walks it).</summary>
    public static Dict MemberIndexOf(Keyspace ks, ulong rec) => MemberIndex(ks, ks.Rec(rec).Value);

    // ---------------------------------------------------------------- writing

    /// <summary>
    /// zsetAdd: adds or updates one member under ZADD's flags, converting the encoding first when
    /// the insert would pass the listpack limits. NaN (an INCR of inf by -inf) changes nothing.
    /// </summary>
    public static ZAddResult Add(Keyspace ks, ulong rec, double score, ReadOnlySpan<byte> member, ZAddFlags flags, ZSetLimits limits, out double newScore)
    {
        newScore = score;
        bool incr = (flags & ZAddFlags.Incr) != 0, nx = (flags & ZAddFlags.Nx) != 0, xx = (flags & ZAddFlags.Xx) != 0;
        bool gt = (flags & ZAddFlags.Gt) != 0, lt = (flags & ZAddFlags.Lt) != 0;
        if (double.IsNaN(score)) return ZAddResult.NaN;
        ref var r = ref ks.Rec(rec);
        if (r.Encoding == RegionLayout.EncListpack)
        {
            var l = new Listpack(ks);
            int pos = ListpackFind(ks, r.Value, member);
            if (pos >= 0)
            {
                if (nx) return ZAddResult.Nop;
                double cur = ListpackScoreAt(l, r.Value, l.Next(r.Value, pos));
                if (incr)
                {
                    score += cur;
                    if (double.IsNaN(score)) return ZAddResult.NaN;
                }
                if ((lt && score >= cur) || (gt && score <= cur)) return ZAddResult.Nop;
                newScore = score;
                if (score != cur)
                {
                    ulong lp = r.Value;
                    l.Delete(ref lp, pos, 2);
                    ListpackInsert(ks, ref lp, member, score);
                    r.Value = lp;
                    return ZAddResult.Updated;
                }
                return ZAddResult.Same;
            }
            if (xx) return ZAddResult.Nop;
            if (l.Count(r.Value) / 2 + 1 > limits.MaxEntries || member.Length > limits.MaxValue)
                ConvertToSkiplist(ks, rec);
            else
            {
                ulong lp = r.Value;
                ListpackInsert(ks, ref lp, member, score);
                r.Value = lp;
                newScore = score;
                return ZAddResult.Added;
            }
        }

        ulong zs = ks.Rec(rec).Value;
        var dict = MemberIndex(ks, zs);
        var sl = new ZSkiplist(ks, zs);
        ulong e = dict.Find(member, ks.Hash(member));
        if (e != 0)
        {
            if (nx) return ZAddResult.Nop;
            var hv = Hval(ks, e);
            double cur = Unsafe.ReadUnaligned<double>(&hv->Score);
            if (incr)
            {
                score += cur;
                if (double.IsNaN(score)) return ZAddResult.NaN;
            }
            if ((lt && score >= cur) || (gt && score <= cur)) return ZAddResult.Nop;
            newScore = score;
            if (score != cur)
            {
                ulong node = sl.UpdateScore(Unsafe.ReadUnaligned<ulong>(&hv->Node), score);
                Unsafe.WriteUnaligned(&hv->Score, score);
                Unsafe.WriteUnaligned(&hv->Node, node);
                return ZAddResult.Updated;
            }
            return ZAddResult.Same;
        }
        if (xx) return ZAddResult.Nop;
        IndexAdd(ks, dict, member, score, sl.Insert(score, member));
        newScore = score;
        return ZAddResult.Added;
    }

    /// <summary>Removes a member; false if absent. The caller deletes the key when it becomes empty.</summary>
    public static bool Remove(Keyspace ks, ulong rec, ReadOnlySpan<byte> member)
    {
        ref var r = ref ks.Rec(rec);
        if (r.Encoding == RegionLayout.EncListpack)
        {
            int pos = ListpackFind(ks, r.Value, member);
            if (pos < 0) return false;
            ulong lp = r.Value;
            new Listpack(ks).Delete(ref lp, pos, 2);
            r.Value = lp;
            return true;
        }
        ulong zs = r.Value;
        var dict = MemberIndex(ks, zs);
        ulong e = dict.Find(member, ks.Hash(member));
        if (e == 0) return false;
        double score = Unsafe.ReadUnaligned<double>(&Hval(ks, e)->Score);
        dict.Remove(e);
        new ZSkiplist(ks, zs).Delete(score, member);
        ks.Alloc.Free(e);
        if (!ks.ChildActive) dict.ShrinkIfNeeded();
        return true;
    }

    // Inserts (member, score) at its ordered place in a listpack.
    private static void ListpackInsert(Keyspace ks, ref ulong lp, ReadOnlySpan<byte> member, double score)
    {
        var l = new Listpack(ks);
        Span<byte> scratch = stackalloc byte[24];
        int pos = l.First(lp);
        while (pos >= 0)
        {
            int sp = l.Next(lp, pos);
            double s = ListpackScoreAt(l, lp, sp);
            if (s > score || (s == score && l.GetBytes(lp, pos, scratch).SequenceCompareTo(member) > 0)) break;
            pos = l.Next(lp, sp);
        }
        Span<byte> buf = stackalloc byte[64];
        int at = pos < 0 ? (int)l.Bytes(lp) - 1 : pos;
        l.InsertAt(ref lp, at, ListpackScore(score, buf));
        l.InsertAt(ref lp, at, member);
    }

    /// <summary>zsetConvert to skiplist: the same elements moved into a skiplist and member index.</summary>
    public static void ConvertToSkiplist(Keyspace ks, ulong rec)
    {
        var items = Items(ks, rec);
        ks.Alloc.Free(ks.Rec(rec).Value);
        InitValue(ks, rec, listpack: false);
        ulong zs = ks.Rec(rec).Value;
        var sl = new ZSkiplist(ks, zs);
        var dict = MemberIndex(ks, zs);
        foreach (var (m, s) in items) IndexAdd(ks, dict, m, s, sl.Insert(s, m));
    }

    // ---------------------------------------------------------------- score text

    /// <summary>
    /// Redis 7.0's d2string, the text a listpack keeps for a score: integral values within
    /// ±(LLONG_MAX/2) as integers (so -0 becomes "0"), inf/-inf, otherwise %.17g.
    /// </summary>
    public static ReadOnlySpan<byte> ListpackScore(double d, Span<byte> buf)
    {
        if (double.IsPositiveInfinity(d)) return "inf"u8;
        if (double.IsNegativeInfinity(d)) return "-inf"u8;
        const double Bound = long.MaxValue / 2; // rounds to 2^62 as a double, as in Redis
        if (d >= -Bound && d <= Bound && d == Math.Truncate(d))
        {
            Utf8Formatter.TryFormat((long)d, buf, out int w);
            return buf[..w];
        }
        string s = RespWriter.FormatG17(d);
        int n = Encoding.ASCII.GetBytes(s, buf);
        return buf[..n];
    }

    /// <summary>
    /// C's strtod over the whole text: decimal or hex, inf/infinity, optional leading whitespace
    /// (when allowed). <paramref name="erange"/> reports an overflow to ±inf or an underflow to 0,
    /// which Redis's getDoubleFromObject rejects. NaN is returned as parsed (callers reject it).
    /// </summary>
    public static bool TryParseStrtod(ReadOnlySpan<byte> s, bool allowLeadingSpace, out double value, out bool erange)
    {
        value = 0;
        erange = false;
        if (s.Length == 0 || s.Length > 5000) return false;
        int i = 0;
        while (i < s.Length && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')))
        {
            if (!allowLeadingSpace) return false;
            i++;
        }
        if (i == s.Length) return false;
        // Fast path for plain decimal text (the common case): no strings allocated. Anything it
        // does not take whole, or that overflows, underflows or is not finite, takes the full path.
        if (Utf8Parser.TryParse(s[i..], out double fast, out int consumed) && consumed == s.Length - i &&
            double.IsFinite(fast) && fast != 0 && (s[i] is (byte)'-' or (byte)'+' or (byte)'.' || (s[i] >= '0' && s[i] <= '9')))
        {
            value = fast;
            return true;
        }
        string t = Encoding.Latin1.GetString(s[i..]);
        bool neg = false;
        int j = 0;
        if (t[0] is '+' or '-') { neg = t[0] == '-'; j = 1; }
        string rest = t[j..].ToLowerInvariant();
        if (rest is "inf" or "infinity")
        {
            value = neg ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }
        if (rest == "nan" || (rest.StartsWith("nan(", StringComparison.Ordinal) && rest.EndsWith(')')))
        {
            value = double.NaN;
            return true;
        }
        if (rest.StartsWith("0x", StringComparison.Ordinal)) return TryParseHex(rest[2..], neg, out value, out erange);
        // Decimal: digits with an optional point and exponent; no other characters.
        int k = 0, digits = 0;
        bool nonZero = false;
        while (k < rest.Length && char.IsAsciiDigit(rest[k])) { nonZero |= rest[k] != '0'; k++; digits++; }
        if (k < rest.Length && rest[k] == '.')
        {
            k++;
            while (k < rest.Length && char.IsAsciiDigit(rest[k])) { nonZero |= rest[k] != '0'; k++; digits++; }
        }
        if (digits == 0) return false;
        if (k < rest.Length && rest[k] == 'e')
        {
            int e = k + 1;
            if (e < rest.Length && rest[e] is '+' or '-') e++;
            int expDigits = 0;
            while (e < rest.Length && char.IsAsciiDigit(rest[e])) { e++; expDigits++; }
            if (expDigits > 0) k = e; // "1e" parses as 1 with "e" left over, which fails below
        }
        if (k != rest.Length) return false;
        if (!double.TryParse(rest, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out double v))
            return false;
        if (double.IsInfinity(v) || (v == 0 && nonZero)) erange = true;
        value = neg ? -v : v;
        return true;
    }

    private static bool TryParseHex(string rest, bool neg, out double value, out bool erange)
    {
        value = 0;
        erange = false;
        double mant = 0;
        int exp = 0, k = 0, digits = 0;
        while (k < rest.Length && Uri.IsHexDigit(rest[k])) { mant = mant * 16 + Convert.ToInt32(rest[k].ToString(), 16); k++; digits++; }
        if (k < rest.Length && rest[k] == '.')
        {
            k++;
            while (k < rest.Length && Uri.IsHexDigit(rest[k])) { mant = mant * 16 + Convert.ToInt32(rest[k].ToString(), 16); exp -= 4; k++; digits++; }
        }
        if (digits == 0) return false; // strtod would parse the "0" and stop at 'x': not the whole text
        if (k < rest.Length && rest[k] == 'p')
        {
            int e = k + 1;
            bool eneg = false;
            if (e < rest.Length && rest[e] is '+' or '-') eneg = rest[e++] == '-';
            int start = e;
            long pe = 0;
            while (e < rest.Length && char.IsAsciiDigit(rest[e])) { pe = Math.Min(pe * 10 + (rest[e] - '0'), 100000); e++; }
            if (e > start) { exp += (int)(eneg ? -pe : pe); k = e; }
        }
        if (k != rest.Length) return false;
        double v = mant * Math.Pow(2, exp);
        if (double.IsInfinity(v) || (v == 0 && mant != 0)) erange = true;
        value = neg ? -v : v;
        return true;
    }

    // ---------------------------------------------------------------- audit

    /// <summary>
    /// The region blocks a zset value owns (for the region audit), after checking the value's own
    /// invariants: order, spans, back links, length, index agreement and encoding limits.
    /// </summary>
    public static List<(ulong Off, string What)> AuditBlocks(Keyspace ks, ulong rec)
    {
        ref var r = ref ks.Rec(rec);
        var blocks = new List<(ulong, string)>();
        if (r.Encoding == RegionLayout.EncListpack)
        {
            blocks.Add((r.Value, "zset listpack"));
            var l = new Listpack(ks);
            if (l.Count(r.Value) % 2 != 0) throw new InvalidOperationException("zset listpack has an odd entry count");
            if (l.Count(r.Value) == 0) throw new InvalidOperationException("empty zset left in the keyspace");
            CheckOrder(ks, rec);
            return blocks;
        }
        if (r.Encoding != RegionLayout.EncSkiplist) throw new InvalidOperationException($"zset with encoding {r.Encoding}");
        ulong zs = r.Value;
        blocks.Add((zs, "zset block"));
        var z = (RlZset*)ks.Region.Ptr(zs);
        if (z->Dict.T0.Buckets != 0) blocks.Add((z->Dict.T0.Buckets, "zset index t0"));
        if (z->Dict.T1.Buckets != 0) blocks.Add((z->Dict.T1.Buckets, "zset index t1"));
        var sl = new ZSkiplist(ks, zs);
        sl.Verify();
        if (sl.Length == 0) throw new InvalidOperationException("empty zset left in the keyspace");
        foreach (ulong n in sl.Blocks()) blocks.Add((n, "zset node"));
        var dict = MemberIndex(ks, zs);
        if (dict.Count != sl.Length) throw new InvalidOperationException($"zset index holds {dict.Count}, skiplist {sl.Length}");
        foreach (ulong e in dict.Entries())
        {
            blocks.Add((e, "zset index entry"));
            var m = HentItem(ks, e, out double s);
            ulong node = Unsafe.ReadUnaligned<ulong>(&Hval(ks, e)->Node);
            if (!sl.Member(node).SequenceEqual(m) || sl.Score(node).CompareTo(s) != 0)
                throw new InvalidOperationException("zset index entry disagrees with its skiplist node");
        }
        return blocks;
    }

    private static void CheckOrder(Keyspace ks, ulong rec)
    {
        Span<byte> a = stackalloc byte[24];
        byte[]? prev = null;
        double prevScore = 0;
        for (ulong h = First(ks, rec); h != 0; h = Next(ks, rec, h))
        {
            var m = Member(ks, rec, h, a);
            double s = Score(ks, rec, h);
            if (prev != null && (prevScore > s || (prevScore == s && prev.AsSpan().SequenceCompareTo(m) >= 0)))
                throw new InvalidOperationException("zset listpack out of order");
            prev = m.ToArray();
            prevScore = s;
        }
    }
}

using System.Runtime.CompilerServices;
using RedisLite.Persistence;

namespace RedisLite.Store;

/// <summary>
/// The ordered half of a skiplist-encoded sorted set (Redis's zskiplist, t_zset.c), living in the
/// region: an <see cref="RlZset"/> block holds the header node's offset, the tail, the length and
/// the highest level in use; every <see cref="RlZslNode"/> carries its score, a backward link, its
/// levels (forward offset + span) and the member bytes. Nodes are ordered by score, then by member
/// bytes (memcmp order). The spans make rank lookups O(log N): the rank of a node is the sum of the
/// spans crossed on the way to it. Levels are drawn with p = 1/4 up to 32, as in Redis.
/// The member index (O(1) ZSCORE) is the rl_dict at the start of the same block; see
/// <see cref="ZSetValues"/>, which keeps both halves in step.
/// </summary>
public readonly unsafe struct ZSkiplist
{
    private const int MaxLevel = RegionLayout.ZslMaxlevel;
    private readonly Keyspace _ks;
    private readonly byte* _b;
    private readonly ulong _zs;

    public ZSkiplist(Keyspace ks, ulong zset)
    {
        _ks = ks;
        _b = ks.Region.Base;
        _zs = zset;
    }

    private RlZset* Z => (RlZset*)(_b + _zs);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private RlZslNode* N(ulong off) => (RlZslNode*)(_b + off);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static RlZslLevel* Lv(RlZslNode* n) => (RlZslLevel*)((byte*)n + sizeof(RlZslNode));

    /// <summary>Initialises the skiplist fields of a fresh rl_zset block (header node included).</summary>
    public static void Init(Keyspace ks, ulong zset)
    {
        var z = (RlZset*)ks.Region.Ptr(zset);
        ulong header = ks.Alloc.AllocZeroed((ulong)(sizeof(RlZslNode) + MaxLevel * sizeof(RlZslLevel)));
        ((RlZslNode*)ks.Region.Ptr(header))->LevelCount = MaxLevel;
        z->Header = header;
        z->Tail = 0;
        z->Length = 0;
        z->Level = 1;
    }

    public ulong Length => Z->Length;
    public ulong Header => Z->Header;
    public ulong Tail => Z->Tail;

    /// <summary>The first node, or 0.</summary>
    public ulong First => Lv(N(Z->Header))[0].Forward;

    public double Score(ulong node) => N(node)->Score;
    public ulong Next(ulong node) => Lv(N(node))[0].Forward;
    public ulong Prev(ulong node) => N(node)->Backward;

    public ReadOnlySpan<byte> Member(ulong node)
    {
        var n = N(node);
        return new ReadOnlySpan<byte>((byte*)n + sizeof(RlZslNode) + n->LevelCount * (uint)sizeof(RlZslLevel), (int)n->MemberLen);
    }

    // (score, member) of node x sorts before (score, member).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Before(ulong x, double score, ReadOnlySpan<byte> member)
    {
        double s = N(x)->Score;
        return s < score || (s == score && Member(x).SequenceCompareTo(member) < 0);
    }

    private static int RandomLevel()
    {
        int level = 1;
        while (level < MaxLevel && (Random.Shared.Next() & 0xFFFF) < 0xFFFF / 4) level++;
        return level;
    }

    /// <summary>Inserts a node for a member that is not present; returns its offset.</summary>
    public ulong Insert(double score, ReadOnlySpan<byte> member)
    {
        int level = RandomLevel();
        ulong node = _ks.Alloc.Alloc((ulong)(sizeof(RlZslNode) + level * sizeof(RlZslLevel) + member.Length));
        var n = N(node);
        n->Score = score;
        n->MemberLen = (uint)member.Length;
        n->LevelCount = (uint)level;
        member.CopyTo(new Span<byte>((byte*)n + sizeof(RlZslNode) + level * sizeof(RlZslLevel), member.Length));
        Link(node);
        return node;
    }

    // Links an unlinked node (score, member and level count set) at its ordered place.
    private void Link(ulong node)
    {
        ulong* update = stackalloc ulong[MaxLevel];
        ulong* rank = stackalloc ulong[MaxLevel];
        var z = Z;
        var n = N(node);
        double score = n->Score;
        var member = Member(node);
        ulong x = z->Header;
        for (int i = (int)z->Level - 1; i >= 0; i--)
        {
            rank[i] = i == (int)z->Level - 1 ? 0 : rank[i + 1];
            ulong f;
            while ((f = Lv(N(x))[i].Forward) != 0 && Before(f, score, member))
            {
                rank[i] += Lv(N(x))[i].Span;
                x = f;
            }
            update[i] = x;
        }
        int level = (int)n->LevelCount;
        if (level > (int)z->Level)
        {
            for (int i = (int)z->Level; i < level; i++)
            {
                rank[i] = 0;
                update[i] = z->Header;
                Lv(N(z->Header))[i].Span = z->Length;
            }
            z->Level = (uint)level;
        }
        for (int i = 0; i < level; i++)
        {
            var ul = Lv(N(update[i])) + i;
            Lv(n)[i].Forward = ul->Forward;
            ul->Forward = node;
            Lv(n)[i].Span = ul->Span - (rank[0] - rank[i]);
            ul->Span = rank[0] - rank[i] + 1;
        }
        for (int i = level; i < (int)z->Level; i++) Lv(N(update[i]))[i].Span++;
        n->Backward = update[0] == z->Header ? 0 : update[0];
        ulong next = Lv(n)[0].Forward;
        if (next != 0) N(next)->Backward = node;
        else z->Tail = node;
        z->Length++;
    }

    /// <summary>Unlinks and frees the node holding (score, member); false if there is none.</summary>
    public bool Delete(double score, ReadOnlySpan<byte> member)
    {
        ulong* update = stackalloc ulong[MaxLevel];
        var z = Z;
        ulong x = z->Header;
        for (int i = (int)z->Level - 1; i >= 0; i--)
        {
            ulong f;
            while ((f = Lv(N(x))[i].Forward) != 0 && Before(f, score, member)) x = f;
            update[i] = x;
        }
        x = Lv(N(x))[0].Forward;
        if (x == 0 || N(x)->Score != score || !Member(x).SequenceEqual(member)) return false;
        Unlink(x, update);
        _ks.Alloc.Free(x);
        return true;
    }

    private void Unlink(ulong x, ulong* update)
    {
        var z = Z;
        var xn = N(x);
        for (int i = 0; i < (int)z->Level; i++)
        {
            var ul = Lv(N(update[i])) + i;
            if (ul->Forward == x)
            {
                ul->Span += Lv(xn)[i].Span - 1;
                ul->Forward = Lv(xn)[i].Forward;
            }
            else ul->Span--;
        }
        ulong next = Lv(xn)[0].Forward;
        if (next != 0) N(next)->Backward = xn->Backward;
        else z->Tail = xn->Backward;
        while (z->Level > 1 && Lv(N(z->Header))[z->Level - 1].Forward == 0) z->Level--;
        z->Length--;
    }

    /// <summary>
    /// Gives a node a new score. The node stays (and keeps its offset) when its place in the order
    /// does not change; otherwise it is removed and a new node inserted. Returns the node's offset.
    /// </summary>
    public ulong UpdateScore(ulong node, double newScore)
    {
        var n = N(node);
        var member = Member(node);
        ulong prev = n->Backward, next = Lv(n)[0].Forward;
        bool afterPrev = prev == 0 || Before(prev, newScore, member);
        bool beforeNext = next == 0 || N(next)->Score > newScore || (N(next)->Score == newScore && Member(next).SequenceCompareTo(member) > 0);
        if (afterPrev && beforeNext)
        {
            n->Score = newScore;
            return node;
        }
        // Move the node itself (as Redis's zslUpdateScore does): unlink, rescore, relink.
        ulong* update = stackalloc ulong[MaxLevel];
        var z = Z;
        ulong x = z->Header;
        double oldScore = n->Score;
        for (int i = (int)z->Level - 1; i >= 0; i--)
        {
            ulong f;
            while ((f = Lv(N(x))[i].Forward) != 0 && Before(f, oldScore, member)) x = f;
            update[i] = x;
        }
        Unlink(node, update);
        n->Score = newScore;
        Link(node);
        return node;
    }

    /// <summary>1-based rank of (score, member), or 0 when absent.</summary>
    public ulong Rank(double score, ReadOnlySpan<byte> member)
    {
        var z = Z;
        ulong x = z->Header, rank = 0;
        for (int i = (int)z->Level - 1; i >= 0; i--)
        {
            ulong f;
            while ((f = Lv(N(x))[i].Forward) != 0 &&
                   (N(f)->Score < score || (N(f)->Score == score && Member(f).SequenceCompareTo(member) <= 0)))
            {
                rank += Lv(N(x))[i].Span;
                x = f;
            }
            if (x != z->Header && N(x)->Score == score && Member(x).SequenceEqual(member)) return rank;
        }
        return 0;
    }

    /// <summary>The node at 1-based <paramref name="rank"/>, or 0.</summary>
    public ulong ByRank(ulong rank)
    {
        var z = Z;
        if (rank == 0 || rank > z->Length) return 0;
        ulong x = z->Header, traversed = 0;
        for (int i = (int)z->Level - 1; i >= 0; i--)
        {
            ulong f;
            while ((f = Lv(N(x))[i].Forward) != 0 && traversed + Lv(N(x))[i].Span <= rank)
            {
                traversed += Lv(N(x))[i].Span;
                x = f;
            }
            if (traversed == rank) return x;
        }
        return 0;
    }

    /// <summary>The first node whose score is inside the range, or 0.</summary>
    public ulong FirstInRange(in ZScoreRange r)
    {
        var z = Z;
        if (z->Length == 0 || !r.Valid || !r.GteMin(N(z->Tail)->Score) || !r.LteMax(N(First)->Score)) return 0;
        ulong x = z->Header;
        for (int i = (int)z->Level - 1; i >= 0; i--)
        {
            ulong f;
            while ((f = Lv(N(x))[i].Forward) != 0 && !r.GteMin(N(f)->Score)) x = f;
        }
        x = Lv(N(x))[0].Forward;
        return x != 0 && r.LteMax(N(x)->Score) ? x : 0;
    }

    /// <summary>The last node whose score is inside the range, or 0.</summary>
    public ulong LastInRange(in ZScoreRange r)
    {
        var z = Z;
        if (z->Length == 0 || !r.Valid || !r.GteMin(N(z->Tail)->Score) || !r.LteMax(N(First)->Score)) return 0;
        ulong x = z->Header;
        for (int i = (int)z->Level - 1; i >= 0; i--)
        {
            ulong f;
            while ((f = Lv(N(x))[i].Forward) != 0 && r.LteMax(N(f)->Score)) x = f;
        }
        return x != z->Header && r.GteMin(N(x)->Score) ? x : 0;
    }

    /// <summary>The first node whose member is inside the lex range, or 0.</summary>
    public ulong FirstInLexRange(in ZLexRange r)
    {
        var z = Z;
        if (z->Length == 0 || !r.Valid || !r.GteMin(Member(z->Tail)) || !r.LteMax(Member(First))) return 0;
        ulong x = z->Header;
        for (int i = (int)z->Level - 1; i >= 0; i--)
        {
            ulong f;
            while ((f = Lv(N(x))[i].Forward) != 0 && !r.GteMin(Member(f))) x = f;
        }
        x = Lv(N(x))[0].Forward;
        return x != 0 && r.LteMax(Member(x)) ? x : 0;
    }

    /// <summary>The last node whose member is inside the lex range, or 0.</summary>
    public ulong LastInLexRange(in ZLexRange r)
    {
        var z = Z;
        if (z->Length == 0 || !r.Valid || !r.GteMin(Member(z->Tail)) || !r.LteMax(Member(First))) return 0;
        ulong x = z->Header;
        for (int i = (int)z->Level - 1; i >= 0; i--)
        {
            ulong f;
            while ((f = Lv(N(x))[i].Forward) != 0 && r.LteMax(Member(f))) x = f;
        }
        return x != z->Header && r.GteMin(Member(x)) ? x : 0;
    }

    /// <summary>Frees every node, the header included.</summary>
    public void FreeNodes()
    {
        ulong x = Z->Header;
        while (x != 0)
        {
            ulong next = Lv(N(x))[0].Forward;
            _ks.Alloc.Free(x);
            x = next;
        }
    }

    /// <summary>Checks spans, back links, order, tail and length (tests and audits).</summary>
    public void Verify()
    {
        var z = Z;
        ulong count = 0, prev = 0;
        for (ulong x = First; x != 0; x = Next(x))
        {
            count++;
            if (N(x)->Backward != prev) throw new InvalidOperationException($"skiplist node {x}: backward {N(x)->Backward}, expected {prev}");
            if (prev != 0 && !Before(prev, N(x)->Score, Member(x))) throw new InvalidOperationException($"skiplist out of order at node {x}");
            prev = x;
        }
        if (count != z->Length) throw new InvalidOperationException($"skiplist holds {count} nodes, length says {z->Length}");
        if (z->Tail != prev) throw new InvalidOperationException("skiplist tail is not the last node");
        // Every level's spans must add up to the true distance between the nodes they link.
        var rankOf = new Dictionary<ulong, ulong> { [z->Header] = 0 };
        ulong r = 0;
        for (ulong x = First; x != 0; x = Next(x)) rankOf[x] = ++r;
        for (int i = 0; i < (int)z->Level; i++)
            for (ulong x = z->Header; x != 0; x = Lv(N(x))[i].Forward)
            {
                ulong f = Lv(N(x))[i].Forward;
                if (f != 0 && rankOf[f] - rankOf[x] != Lv(N(x))[i].Span)
                    throw new InvalidOperationException($"skiplist level {i} span from rank {rankOf[x]} is {Lv(N(x))[i].Span}, distance {rankOf[f] - rankOf[x]}");
            }
    }

    /// <summary>Every node offset, header first (for audits).</summary>
    public IEnumerable<ulong> Blocks()
    {
        var list = new List<ulong>();
        for (ulong x = Z->Header; x != 0; x = Next(x)) list.Add(x);
        return list;
    }
}

/// <summary>A score interval (zrangespec): min and max, each inclusive or exclusive.</summary>
public readonly record struct ZScoreRange(double Min, double Max, bool MinEx, bool MaxEx)
{
    public bool GteMin(double v) => MinEx ? v > Min : v >= Min;
    public bool LteMax(double v) => MaxEx ? v < Max : v <= Max;
    /// <summary>False when no score can be inside (min above max, or a point with an open end).</summary>
    public bool Valid => !(Min > Max || (Min == Max && (MinEx || MaxEx)));
}

/// <summary>
/// A member interval (zlexrangespec). <c>-</c> and <c>+</c> are the least and greatest possible
/// strings; otherwise each end is a byte string, inclusive or exclusive.
/// </summary>
public sealed class ZLexRange
{
    public byte[] Min = [], Max = [];
    public bool MinEx, MaxEx, MinIsMinusInf, MinIsPlusInf, MaxIsMinusInf, MaxIsPlusInf;

    // Redis's sdscmplex with the two sentinel strings.
    private static int Cmp(ReadOnlySpan<byte> a, bool aMinus, bool aPlus, ReadOnlySpan<byte> b, bool bMinus, bool bPlus)
    {
        if ((aMinus && bMinus) || (aPlus && bPlus)) return 0;
        if (aMinus || bPlus) return -1;
        if (aPlus || bMinus) return 1;
        return a.SequenceCompareTo(b);
    }

    public bool GteMin(ReadOnlySpan<byte> v)
    {
        int c = Cmp(v, false, false, Min, MinIsMinusInf, MinIsPlusInf);
        return MinEx ? c > 0 : c >= 0;
    }

    public bool LteMax(ReadOnlySpan<byte> v)
    {
        int c = Cmp(v, false, false, Max, MaxIsMinusInf, MaxIsPlusInf);
        return MaxEx ? c < 0 : c <= 0;
    }

    public bool Valid
    {
        get
        {
            int c = Cmp(Min, MinIsMinusInf, MinIsPlusInf, Max, MaxIsMinusInf, MaxIsPlusInf);
            return !(c > 0 || (c == 0 && (MinEx || MaxEx)));
        }
    }

    /// <summary>Parses one end (zslParseLexRangeItem): "-", "+", "(bytes" or "[bytes".</summary>
    public static bool TryParseItem(ReadOnlySpan<byte> s, out byte[] value, out bool ex, out bool minusInf, out bool plusInf)
    {
        value = [];
        ex = minusInf = plusInf = false;
        if (s.Length == 0) return false;
        switch (s[0])
        {
            case (byte)'+':
                if (s.Length != 1) return false;
                ex = plusInf = true;
                return true;
            case (byte)'-':
                if (s.Length != 1) return false;
                ex = minusInf = true;
                return true;
            case (byte)'(':
                ex = true;
                value = s[1..].ToArray();
                return true;
            case (byte)'[':
                value = s[1..].ToArray();
                return true;
            default:
                return false;
        }
    }

    public static ZLexRange? TryParse(ReadOnlySpan<byte> min, ReadOnlySpan<byte> max)
    {
        var r = new ZLexRange();
        if (!TryParseItem(min, out r.Min, out r.MinEx, out r.MinIsMinusInf, out r.MinIsPlusInf)) return null;
        if (!TryParseItem(max, out r.Max, out r.MaxEx, out r.MaxIsMinusInf, out r.MaxIsPlusInf)) return null;
        return r;
    }
}

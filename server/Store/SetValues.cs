using System.Buffers.Text;
using RedisLite.Persistence;

namespace RedisLite.Store;

/// <summary>
/// Set values of records (the storage side of Redis 7.0's t_set.c). Two encodings, as Redis 7.0
/// has (listpack sets came only in 7.2):
/// <list type="bullet">
/// <item><c>intset</c>: an <see cref="Intset"/> block while every member is a canonical integer
/// (Redis's string2ll) and there are at most <c>set-max-intset-entries</c> members;</item>
/// <item><c>hashtable</c>: a <see cref="Dict"/> of <see cref="RlHent"/> members (no value bytes).</item>
/// </list>
/// A set never converts back (as in Redis). A record's set is never empty: callers delete the key
/// when the last member goes.
///
/// Read helpers for other types (the sorted-set commands take set inputs in ZUNIONSTORE,
/// ZINTERSTORE, ZDIFF..., with weight 1 per member): given a record of type set,
/// <see cref="Count"/> is the number of members, <see cref="Members"/> lists them (intset in
/// ascending order, hashtable in table order) and <see cref="Contains"/> tests one member.
/// </summary>
public static unsafe class SetValues
{
    private static Dict OpenDict(Keyspace ks, ulong dict) => ElementTables.Open(ks, dict);
    private static readonly int HentSize = sizeof(RlHent);

    /// <summary>Makes the record an empty set whose encoding suits its first member (setTypeCreate).</summary>
    public static void Init(Keyspace ks, ulong rec, ReadOnlySpan<byte> firstMember)
    {
        ref var r = ref ks.Rec(rec);
        r.Type = RegionLayout.TypeSet;
        if (IsIntMember(firstMember, out _))
        {
            r.Encoding = RegionLayout.EncIntset;
            r.Value = Intset.Create(ks);
        }
        else
        {
            r.Encoding = RegionLayout.EncHt;
            r.Value = NewDict(ks);
        }
    }

    /// <summary>Makes the record an empty intset set (SINTERSTORE and friends start there, as Redis's do).</summary>
    public static void InitIntset(Keyspace ks, ulong rec)
    {
        ref var r = ref ks.Rec(rec);
        r.Type = RegionLayout.TypeSet;
        r.Encoding = RegionLayout.EncIntset;
        r.Value = Intset.Create(ks);
    }

    private static ulong NewDict(Keyspace ks) => ElementTables.New(ks);

    /// <summary>Members that an intset can hold: Redis's string2ll (no leading zeros, no '+', no spaces).</summary>
    public static bool IsIntMember(ReadOnlySpan<byte> m, out long v) => StringValues.TryParseCanonicalInt(m, out v);

    public static long Count(Keyspace ks, ulong rec)
    {
        ref var r = ref ks.Rec(rec);
        return r.Encoding == RegionLayout.EncIntset ? Intset.Count(ks, r.Value) : (long)OpenDict(ks, r.Value).Count;
    }

    public static bool Contains(Keyspace ks, ulong rec, ReadOnlySpan<byte> member)
    {
        ref var r = ref ks.Rec(rec);
        if (r.Encoding == RegionLayout.EncIntset)
            return IsIntMember(member, out long v) && Intset.Contains(ks, r.Value, v);
        return OpenDict(ks, r.Value).Find(member, ks.Hash(member)) != 0;
    }

    /// <summary>Adds a member (setTypeAdd), converting to a hashtable when the intset cannot hold it or grows past the limit. True if new.</summary>
    public static bool Add(Keyspace ks, ulong rec, ReadOnlySpan<byte> member, long maxIntsetEntries)
    {
        ref var r = ref ks.Rec(rec);
        if (r.Encoding == RegionLayout.EncIntset)
        {
            if (IsIntMember(member, out long v))
            {
                ulong set = r.Value;
                bool added = Intset.Add(ks, ref set, v);
                r.Value = set;
                if (added && Intset.Count(ks, set) > maxIntsetEntries) ConvertToHashtable(ks, rec);
                return added;
            }
            ConvertToHashtable(ks, rec);
        }
        var dict = OpenDict(ks, r.Value);
        ulong hash = ks.Hash(member);
        if (dict.Find(member, hash) != 0) return false;
        dict.Add(NewMember(ks, member, hash));
        return true;
    }

    private static ulong NewMember(Keyspace ks, ReadOnlySpan<byte> member, ulong hash)
    {
        ulong e = ks.Alloc.Alloc((ulong)(sizeof(RlHent) + member.Length));
        var h = (RlHent*)ks.Region.Ptr(e);
        h->Next = 0;
        h->Hash = hash;
        h->KeyLen = (uint)member.Length;
        h->ValLen = 0;
        member.CopyTo(new Span<byte>(ks.Region.Ptr(e + (ulong)sizeof(RlHent)), member.Length));
        return e;
    }

    /// <summary>Removes a member; true if it was there. The caller deletes the key if the set is now empty.</summary>
    public static bool Remove(Keyspace ks, ulong rec, ReadOnlySpan<byte> member)
    {
        ref var r = ref ks.Rec(rec);
        if (r.Encoding == RegionLayout.EncIntset)
        {
            if (!IsIntMember(member, out long v)) return false;
            ulong set = r.Value;
            bool removed = Intset.Remove(ks, ref set, v);
            r.Value = set;
            return removed;
        }
        return ElementTables.Remove(ks, r.Value, member);
    }

    /// <summary>Converts an intset set to a hashtable (setTypeConvert), keeping every member.</summary>
    public static void ConvertToHashtable(Keyspace ks, ulong rec)
    {
        ref var r = ref ks.Rec(rec);
        if (r.Encoding != RegionLayout.EncIntset) return;
        ulong set = r.Value;
        ulong d = NewDict(ks);
        var dict = OpenDict(ks, d);
        Span<byte> buf = stackalloc byte[20];
        int n = Intset.Count(ks, set);
        for (int i = 0; i < n; i++)
        {
            Utf8Formatter.TryFormat(Intset.Get(ks, set, i), buf, out int w);
            dict.Add(NewMember(ks, buf[..w], ks.Hash(buf[..w])));
        }
        ks.Alloc.Free(set);
        r.Value = d;
        r.Encoding = RegionLayout.EncHt;
    }

    /// <summary>Every member (intset ascending, hashtable in table order).</summary>
    public static List<byte[]> Members(Keyspace ks, ulong rec)
    {
        ref var r = ref ks.Rec(rec);
        var list = new List<byte[]>();
        if (r.Encoding == RegionLayout.EncIntset)
        {
            int n = Intset.Count(ks, r.Value);
            list.Capacity = n;
            for (int i = 0; i < n; i++) list.Add(IntBytes(Intset.Get(ks, r.Value, i)));
            return list;
        }
        var dict = OpenDict(ks, r.Value);
        foreach (ulong e in dict.Entries()) list.Add(dict.KeyOf(e).ToArray());
        return list;
    }

    /// <summary>A uniformly random member (setTypeRandomElement).</summary>
    public static byte[] RandomMember(Keyspace ks, ulong rec, Random rng)
    {
        ref var r = ref ks.Rec(rec);
        if (r.Encoding == RegionLayout.EncIntset)
            return IntBytes(Intset.Get(ks, r.Value, rng.Next(Intset.Count(ks, r.Value))));
        var dict = OpenDict(ks, r.Value);
        return dict.KeyOf(dict.RandomEntry(rng)).ToArray();
    }

    /// <summary>The hashtable of a hashtable-encoded set (SSCAN walks it with <see cref="Dict.Scan{TVisitor}"/>).</summary>
    public static Dict HashtableOf(Keyspace ks, ulong rec) => OpenDict(ks, ks.Rec(rec).Value);

    public static byte[] IntBytes(long v)
    {
        Span<byte> buf = stackalloc byte[20];
        Utf8Formatter.TryFormat(v, buf, out int w);
        return buf[..w].ToArray();
    }

    /// <summary>The region blocks a set value owns (for audits): (offset, what).</summary>
    public static IEnumerable<(ulong Offset, string What)> Blocks(Keyspace ks, ulong rec)
    {
        var r = ks.Rec(rec);
        if (r.Encoding == RegionLayout.EncIntset)
        {
            yield return (r.Value, "set intset");
            if ((ulong)Intset.Bytes(ks, r.Value) > ks.Alloc.SizeOf(r.Value)) throw new InvalidOperationException("intset larger than its block");
            yield break;
        }
        foreach (var b in DictBlocks(ks, r.Value, "set")) yield return b;
    }

    internal static IEnumerable<(ulong Offset, string What)> DictBlocks(Keyspace ks, ulong dictOff, string what)
    {
        yield return (dictOff, what + " dict header");
        var hd = ks.Region.At<RlDict>(dictOff);
        if (hd.T0.Buckets != 0) yield return (hd.T0.Buckets, what + " buckets t0");
        if (hd.T1.Buckets != 0) yield return (hd.T1.Buckets, what + " buckets t1");
        var dict = new Dict(ks, dictOff, null);
        foreach (ulong e in dict.Entries())
        {
            var h = ks.Region.At<RlHent>(e);
            if ((ulong)HentSize + h.KeyLen + h.ValLen > ks.Alloc.SizeOf(e)) throw new InvalidOperationException($"{what} element larger than its block");
            yield return (e, what + " element");
        }
    }
}

using System.Runtime.CompilerServices;
using RedisLite.Persistence;

namespace RedisLite.Store;

/// <summary>
/// A hash index in the region (Redis's dict.c design): two power-of-two bucket tables, growing
/// by incremental rehash (one bucket moved per operation plus a time-boxed cron step) so no
/// single command pays for a full resize. Entries are chained intrusively; their layout (chain
/// field, cached hash, key length and key bytes) is given by an <see cref="EntryLayout"/> stored
/// in the dict header, so the same code indexes <see cref="RlKey"/> records (a record sits in
/// its database's key index and expires index through two chain fields) and
/// <see cref="RlHent"/> collection elements.
///
/// While a snapshot child shares the region (<see cref="Keyspace.ChildActive"/>, per keyspace: a
/// process may run several servers), resizing is not allowed: tables only grow past a 5:1 load (Redis's dict_force_resize_ratio), and a rehash in progress pauses (no step per
/// lookup or insert, as Redis 7.2's DICT_RESIZE_AVOID): rehashing writes every bucket page, and
/// every first write to a page then costs a COW copy.
/// </summary>
public sealed unsafe class Dict
{
    public const ulong InitialSize = 4;
    private const ulong ForceResizeRatio = 5;
    private const int MinFillPercent = 10;

    private readonly byte* _base;
    private readonly RlDict* _d;
    private readonly RegionAllocator _alloc;
    private readonly Keyspace _ks;

    /// <summary>False while a fork child shares this keyspace's region (see class summary).</summary>
    private bool ResizeAllowed => !_ks.ChildActive;

    /// <summary>Where an entry keeps its chain pointer, hash, key length and key bytes.</summary>
    public readonly record struct EntryLayout(ushort Link, ushort Hash, ushort KeyLen, ushort Key)
    {
        /// <summary>rl_key chained through next (the keys index).</summary>
        public static readonly EntryLayout KeyRecords = new(0, 32, 40, (ushort)sizeof(RlKey));
        /// <summary>rl_key chained through enext (the expires index).</summary>
        public static readonly EntryLayout ExpireRecords = new(8, 32, 40, (ushort)sizeof(RlKey));
        /// <summary>rl_hent collection elements.</summary>
        public static readonly EntryLayout Elements = new(0, 8, 16, (ushort)sizeof(RlHent));
    }

    /// <summary>Opens the dict header at <paramref name="dictOffset"/>; <paramref name="format"/> initialises it empty with the given layout.</summary>
    public Dict(Keyspace ks, ulong dictOffset, EntryLayout? format)
    {
        _ks = ks;
        _base = ks.Region.Base;
        _alloc = ks.Alloc;
        _d = (RlDict*)(_base + dictOffset);
        if (format is { } layout)
        {
            *_d = default;
            _d->RehashIdx = -1;
            _d->LinkOffset = layout.Link;
            _d->HashOffset = layout.Hash;
            _d->LenOffset = layout.KeyLen;
            _d->KeyOffset = layout.Key;
        }
    }

    public ulong Count => _d->T0.Used + _d->T1.Used;
    public bool IsRehashing => _d->RehashIdx != -1;

    /// <summary>
    /// A rehash in progress advances unless a child shares the region; even then it goes on once
    /// the new table holds more than 5 entries per bucket (the forced ratio), because a paused
    /// rehash also stops the table from growing and chains would lengthen without bound.
    /// </summary>
    private bool MayRehash => ResizeAllowed || Count / Math.Max(_d->T1.Size, 1) > ForceResizeRatio;
    /// <summary>Buckets in the table(s), for INFO and tests.</summary>
    public ulong BucketCount => _d->T0.Size + _d->T1.Size;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref ulong Link(ulong entry) => ref *(ulong*)(_base + entry + _d->LinkOffset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong HashOf(ulong entry) => *(ulong*)(_base + entry + _d->HashOffset);

    /// <summary>The key bytes of an entry.</summary>
    public ReadOnlySpan<byte> KeyOf(ulong entry) =>
        new(_base + entry + _d->KeyOffset, (int)*(uint*)(_base + entry + _d->LenOffset));

    private ulong* Buckets(int t) => (ulong*)(_base + (t == 0 ? _d->T0.Buckets : _d->T1.Buckets));
    private ref RlDictTable Table(int t) => ref (t == 0 ? ref _d->T0 : ref _d->T1);

    /// <summary>The record whose key bytes equal <paramref name="key"/>, or 0.</summary>
    public ulong Find(ReadOnlySpan<byte> key, ulong hash)
    {
        if (Count == 0) return 0;
        if (IsRehashing && MayRehash) RehashStep(1);
        for (int t = 0; t < 2; t++)
        {
            ref var table = ref Table(t);
            if (table.Size == 0) break;
            ulong e = Buckets(t)[hash & (table.Size - 1)];
            while (e != 0)
            {
                byte* p = _base + e;
                if (*(ulong*)(p + _d->HashOffset) == hash && *(uint*)(p + _d->LenOffset) == key.Length &&
                    new ReadOnlySpan<byte>(p + _d->KeyOffset, key.Length).SequenceEqual(key))
                    return e;
                e = Link(e);
            }
            if (!IsRehashing) break;
        }
        return 0;
    }

    /// <summary>Links a record (not already present) into the index.</summary>
    public void Add(ulong entry)
    {
        if (IsRehashing && MayRehash) RehashStep(1);
        ExpandIfNeeded();
        int t = IsRehashing ? 1 : 0;
        ref var table = ref Table(t);
        ulong* b = Buckets(t) + (HashOf(entry) & (table.Size - 1));
        Link(entry) = *b;
        *b = entry;
        table.Used++;
    }

    /// <summary>Unlinks this exact record; false if it is not in the index.</summary>
    public bool Remove(ulong entry)
    {
        if (Count == 0) return false;
        if (IsRehashing && MayRehash) RehashStep(1);
        ulong hash = HashOf(entry);
        for (int t = 0; t < 2; t++)
        {
            ref var table = ref Table(t);
            if (table.Size == 0) break;
            ulong* slot = Buckets(t) + (hash & (table.Size - 1));
            while (*slot != 0)
            {
                if (*slot == entry)
                {
                    *slot = Link(entry);
                    Link(entry) = 0;
                    table.Used--;
                    return true;
                }
                slot = (ulong*)(_base + *slot + _d->LinkOffset);
            }
            if (!IsRehashing) break;
        }
        return false;
    }

    /// <summary>Puts <paramref name="replacement"/> in <paramref name="entry"/>'s place in its chain (same hash).</summary>
    public void Replace(ulong entry, ulong replacement)
    {
        ulong hash = HashOf(entry);
        for (int t = 0; t < 2; t++)
        {
            ref var table = ref Table(t);
            if (table.Size == 0) break;
            ulong* slot = Buckets(t) + (hash & (table.Size - 1));
            while (*slot != 0)
            {
                if (*slot == entry)
                {
                    Link(replacement) = Link(entry);
                    *slot = replacement;
                    return;
                }
                slot = (ulong*)(_base + *slot + _d->LinkOffset);
            }
        }
        throw new InvalidOperationException("Replace: entry not in dict");
    }

    private void ExpandIfNeeded()
    {
        if (IsRehashing) return;
        if (_d->T0.Size == 0) { Resize(InitialSize); return; }
        if (_d->T0.Used >= _d->T0.Size && (ResizeAllowed || _d->T0.Used / _d->T0.Size > ForceResizeRatio))
            Resize(_d->T0.Used + 1);
    }

    /// <summary>Shrinks a sparse table (under 10% full), as Redis's cron does. False if nothing to do.</summary>
    public bool ShrinkIfNeeded()
    {
        if (!ResizeAllowed || IsRehashing) return false;
        ulong size = _d->T0.Size, used = _d->T0.Used;
        if (size > InitialSize && used * 100 / size < MinFillPercent)
            return Resize(Math.Max(used, InitialSize));
        return false;
    }

    private bool Resize(ulong minSize)
    {
        ulong size = InitialSize;
        while (size < minSize) size <<= 1;
        if (size == _d->T0.Size) return false;
        // A table that cannot grow (or shrink) for want of room keeps working with longer chains
        // (as Redis's dictTryExpand allows); only a dict with no table at all needs one.
        ulong buckets = _alloc.TryAlloc(size * sizeof(ulong));
        if (buckets == 0)
        {
            if (_d->T0.Size == 0) throw new RegionFullException();
            return false;
        }
        new Span<byte>(_base + buckets, checked((int)(size * sizeof(ulong)))).Clear();
        if (_d->T0.Size == 0)
        {
            _d->T0 = new RlDictTable { Buckets = buckets, Size = size, Used = 0 };
            return true;
        }
        _d->T1 = new RlDictTable { Buckets = buckets, Size = size, Used = 0 };
        _d->RehashIdx = 0;
        return true;
    }

    /// <summary>Moves up to <paramref name="n"/> buckets from the old table to the new. False when done.</summary>
    public bool RehashStep(int n)
    {
        if (!IsRehashing) return false;
        ulong emptyVisits = (ulong)n * 10;
        ulong* from = Buckets(0), to = Buckets(1);
        ulong toMask = _d->T1.Size - 1;
        while (n-- > 0 && _d->T0.Used != 0)
        {
            while (from[_d->RehashIdx] == 0)
            {
                _d->RehashIdx++;
                if (--emptyVisits == 0) return true;
            }
            ulong e = from[_d->RehashIdx];
            while (e != 0)
            {
                ulong next = Link(e);
                ulong* b = to + (HashOf(e) & toMask);
                Link(e) = *b;
                *b = e;
                _d->T0.Used--;
                _d->T1.Used++;
                e = next;
            }
            from[_d->RehashIdx] = 0;
            _d->RehashIdx++;
        }
        if (_d->T0.Used == 0)
        {
            _alloc.Free(_d->T0.Buckets);
            _d->T0 = _d->T1;
            _d->T1 = default;
            _d->RehashIdx = -1;
            return false;
        }
        return true;
    }

    /// <summary>Rehashes in steps of 100 buckets until <paramref name="deadline"/> (Stopwatch ticks).</summary>
    public void RehashUntil(long deadlineTicks)
    {
        while (RehashStep(100))
            if (System.Diagnostics.Stopwatch.GetTimestamp() >= deadlineTicks) return;
    }

    /// <summary>
    /// One SCAN step (Redis's dictScan): visits every entry of the bucket(s) at
    /// <paramref name="cursor"/> and returns the next cursor, 0 when done. The cursor advances
    /// by incrementing its reversed bits, so every entry present for the whole scan is returned
    /// at least once even if the table grows or shrinks between calls.
    /// </summary>
    public ulong Scan<TVisitor>(ulong cursor, ref TVisitor visitor) where TVisitor : struct, IDictVisitor
    {
        if (Count == 0) return 0;
        if (!IsRehashing)
        {
            ulong m0 = _d->T0.Size - 1;
            VisitChain(Buckets(0)[cursor & m0], ref visitor);
            cursor |= ~m0;
            cursor = ReverseBits(cursor);
            cursor++;
            cursor = ReverseBits(cursor);
            return cursor;
        }
        int small = 0, large = 1;
        if (_d->T0.Size > _d->T1.Size) { small = 1; large = 0; }
        ulong ms = Table(small).Size - 1, ml = Table(large).Size - 1;
        VisitChain(Buckets(small)[cursor & ms], ref visitor);
        do
        {
            VisitChain(Buckets(large)[cursor & ml], ref visitor);
            cursor |= ~ml;
            cursor = ReverseBits(cursor);
            cursor++;
            cursor = ReverseBits(cursor);
        } while ((cursor & (ms ^ ml)) != 0);
        return cursor;
    }

    private void VisitChain<TVisitor>(ulong e, ref TVisitor visitor) where TVisitor : struct, IDictVisitor
    {
        while (e != 0)
        {
            ulong next = Link(e); // the visitor may unlink e
            visitor.Visit(e);
            e = next;
        }
    }

    private static ulong ReverseBits(ulong v)
    {
        ulong r = 0;
        for (int i = 0; i < 64; i++) { r = (r << 1) | (v & 1); v >>= 1; }
        return r;
    }

    /// <summary>
    /// Every entry equally likely. A random bucket and then a random entry of its chain (Redis's
    /// dictGetRandomKey) favours entries in short chains: SRANDMEMBER on a 50-member set gave some
    /// members a third of the picks of others. Instead each draw picks a bucket slot uniformly and
    /// a chain position uniformly below a bound, and keeps the draw only if that chain has an entry
    /// at that position, so each entry is hit with the same probability, 1 / (slots x bound). A
    /// chain longer than the bound raises the bound and discards the draw. Chains stay short (the
    /// table grows at one entry per bucket, five while a child forbids resizing), so a few draws
    /// usually suffice; slots are weighted across both tables while rehashing.
    /// </summary>
    public ulong RandomEntry(Random rng)
    {
        if (Count == 0) return 0;
        if (IsRehashing && MayRehash) RehashStep(1);
        int bound = InitialChainBound;
        while (true)
        {
            ulong e;
            if (IsRehashing)
            {
                ulong s0 = _d->T0.Size, total = s0 + _d->T1.Size;
                ulong i = (ulong)_d->RehashIdx + (ulong)rng.NextInt64((long)(total - (ulong)_d->RehashIdx));
                e = i >= s0 ? Buckets(1)[i - s0] : Buckets(0)[i];
            }
            else e = Buckets(0)[(ulong)rng.NextInt64() & (_d->T0.Size - 1)];
            if (e == 0) continue;
            int len = 0;
            for (ulong c = e; c != 0; c = Link(c)) len++;
            if (len > bound)
            {
                bound = len;
                continue;
            }
            int k = rng.Next(bound);
            if (k >= len) continue;
            for (; k > 0; k--) e = Link(e);
            return e;
        }
    }

    // Longer than any chain a table at its normal load has in practice (Poisson(1) gives 1e-6
    // for 9 or more); RandomEntry raises it when it meets a longer one.
    private const int InitialChainBound = 8;

    /// <summary>Unlinks every entry, calling <paramref name="onEntry"/> for each, and frees the tables.</summary>
    public void Clear(Action<ulong>? onEntry)
    {
        for (int t = 0; t < 2; t++)
        {
            ref var table = ref Table(t);
            if (table.Size == 0) continue;
            ulong* b = Buckets(t);
            for (ulong i = 0; i < table.Size; i++)
            {
                ulong e = b[i];
                while (e != 0) { ulong next = Link(e); onEntry?.Invoke(e); e = next; }
            }
            _alloc.Free(table.Buckets);
        }
        Abandon();
    }

    /// <summary>
    /// Empties the index without visiting or freeing anything: for when the caller releases every
    /// block of the region at once (<see cref="Keyspace.FlushAll"/>).
    /// </summary>
    public void Abandon()
    {
        var keep = *_d;
        *_d = default;
        _d->RehashIdx = -1;
        _d->LinkOffset = keep.LinkOffset;
        _d->HashOffset = keep.HashOffset;
        _d->LenOffset = keep.LenOffset;
        _d->KeyOffset = keep.KeyOffset;
    }

    /// <summary>Every entry (for audits and tests; not for the command path).</summary>
    public List<ulong> Entries()
    {
        var list = new List<ulong>((int)Count);
        for (int t = 0; t < 2; t++)
        {
            ref var table = ref Table(t);
            for (ulong i = 0; i < table.Size; i++)
                for (ulong e = Buckets(t)[i]; e != 0; e = Link(e)) list.Add(e);
        }
        return list;
    }

    /// <summary>Swaps the whole contents of two dicts of the same kind (SWAPDB).</summary>
    public static void SwapContents(Dict a, Dict b) => (*a._d, *b._d) = (*b._d, *a._d);
}

/// <summary>Callback for <see cref="Dict.Scan{TVisitor}"/>; a struct so the call inlines.</summary>
public interface IDictVisitor
{
    void Visit(ulong entry);
}

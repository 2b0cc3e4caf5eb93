using RedisLite.Persistence;

namespace RedisLite.Store;

/// <summary>
/// List values (Redis 7.0's quicklist, the storage side of t_list.c): an <see cref="RlQuicklist"/>
/// header at <see cref="RlKey.Value"/> and a doubly linked list of <see cref="RlQlNode"/>s, each
/// owning one byte-exact <see cref="Listpack"/> block. Redis 7.0 encodes every list this way
/// (OBJECT ENCODING says "quicklist" even for one element), so a small list is one node.
///
/// Node size follows list-max-listpack-size (<c>fill</c>) with Redis's rules: a negative fill
/// caps a node's listpack at 4 KB &lt;&lt; (-fill-1) bytes (-2: 8 KB), a positive one caps its
/// entry count (and then bytes at 8 KB); an element that fits nowhere gets a node of its own.
/// Pushing at either end touches only the end node (O(1)); a node that empties is unlinked and
/// freed at once, and listpacks shrink as they lose entries, so memory goes back to the
/// allocator on pop, trim and DEL.
///
/// Positions: an element is addressed by (node, byte position inside the node's listpack). A
/// listpack block may move when it grows or shrinks (the node's <c>Lp</c> is updated), but
/// positions are relative to the listpack start, so they stay valid across such moves.
/// </summary>
public readonly unsafe struct Quicklist
{
    /// <summary>Redis's SIZE_SAFETY_LIMIT: no multi-element node grows past this with a count-based fill.</summary>
    private const int SizeSafetyLimit = 8192;
    /// <summary>Redis's SIZE_ESTIMATE_OVERHEAD: what an element costs beyond its bytes, estimated.</summary>
    private const int SizeEstimateOverhead = 8;

    private readonly Keyspace _ks;
    private readonly Listpack _lp;
    private readonly int _fill;

    public Quicklist(Keyspace ks, long fill)
    {
        _ks = ks;
        _lp = new Listpack(ks);
        _fill = (int)Math.Clamp(fill, int.MinValue, int.MaxValue);
    }

    public Listpack Lp => _lp;

    private RlQuicklist* Q(ulong ql) => (RlQuicklist*)_ks.Region.Ptr(ql);
    private RlQlNode* N(ulong node) => (RlQlNode*)_ks.Region.Ptr(node);

    public ulong Create() => _ks.Alloc.AllocZeroed((ulong)sizeof(RlQuicklist));

    public long Count(ulong ql) => (long)Q(ql)->Count;
    public ulong Head(ulong ql) => Q(ql)->Head;
    public ulong Tail(ulong ql) => Q(ql)->Tail;
    public ulong NextNode(ulong node) => N(node)->Next;
    public ulong PrevNode(ulong node) => N(node)->Prev;
    public ulong NodeLp(ulong node) => N(node)->Lp;
    public int NodeCount(ulong node) => (int)N(node)->Count;

    // Redis's optimization_level: the byte limits of fill -1..-5.
    private static int SizeLimitFor(int fill) => fill >= 0 ? -1 : -fill <= 5 ? 4096 << (-fill - 1) : -1;

    private bool WithinSizeTarget(long bytes) => SizeLimitFor(_fill) is var limit and >= 0 && bytes <= limit;

    /// <summary>Redis's _quicklistNodeAllowInsert: may this node take one more element of <paramref name="size"/> bytes?</summary>
    private bool AllowInsert(ulong node, int size)
    {
        if (node == 0) return false;
        long newSize = (long)_lp.Bytes(N(node)->Lp) + size + SizeEstimateOverhead;
        if (WithinSizeTarget(newSize)) return true;
        if (newSize > SizeSafetyLimit) return false;
        return N(node)->Count < (uint)Math.Max(_fill, 0) && _fill > 0;
    }

    /// <summary>Redis's _quicklistNodeAllowMerge: would a and b fit in one node?</summary>
    private bool AllowMerge(ulong a, ulong b)
    {
        if (a == 0 || b == 0) return false;
        // Both listpack headers and one end byte are shared when merged.
        long merged = (long)_lp.Bytes(N(a)->Lp) + _lp.Bytes(N(b)->Lp) - Listpack.HeaderSize - 1;
        if (WithinSizeTarget(merged)) return true;
        if (merged > SizeSafetyLimit) return false;
        return _fill > 0 && N(a)->Count + N(b)->Count <= (uint)_fill;
    }

    private ulong NewNode(ulong lp, uint count)
    {
        ulong node = _ks.Alloc.AllocZeroed((ulong)sizeof(RlQlNode));
        N(node)->Lp = lp;
        N(node)->Count = count;
        return node;
    }

    /// <summary>Links <paramref name="node"/> after <paramref name="after"/> (0: at the head).</summary>
    private void LinkAfter(ulong ql, ulong after, ulong node)
    {
        var q = Q(ql);
        var n = N(node);
        n->Prev = after;
        n->Next = after == 0 ? q->Head : N(after)->Next;
        if (n->Next != 0) N(n->Next)->Prev = node;
        else q->Tail = node;
        if (after != 0) N(after)->Next = node;
        else q->Head = node;
        q->Len++;
    }

    /// <summary>Unlinks and frees a node and its listpack (its elements must already be uncounted).</summary>
    private void RemoveNode(ulong ql, ulong node)
    {
        var q = Q(ql);
        var n = N(node);
        if (n->Prev != 0) N(n->Prev)->Next = n->Next;
        else q->Head = n->Next;
        if (n->Next != 0) N(n->Next)->Prev = n->Prev;
        else q->Tail = n->Prev;
        q->Len--;
        _lp.Free(n->Lp);
        _ks.Alloc.Free(node);
    }

    /// <summary>LPUSH/RPUSH one element.</summary>
    public void Push(ulong ql, ReadOnlySpan<byte> value, bool head)
    {
        var q = Q(ql);
        ulong end = head ? q->Head : q->Tail;
        if (AllowInsert(end, value.Length))
        {
            ulong lp = N(end)->Lp;
            if (head) _lp.Prepend(ref lp, value);
            else _lp.Append(ref lp, value);
            N(end)->Lp = lp;
            N(end)->Count++;
        }
        else
        {
            ulong lp = _lp.Create();
            _lp.Append(ref lp, value);
            LinkAfter(ql, head ? 0 : q->Tail, NewNode(lp, 1));
        }
        q->Count++;
    }

    /// <summary>The element at (node, pos); integers are formatted into scratch (≥ 20 bytes).</summary>
    public ReadOnlySpan<byte> Get(ulong node, int pos, Span<byte> scratch) => _lp.GetBytes(N(node)->Lp, pos, scratch);

    public bool EntryEquals(ulong node, int pos, ReadOnlySpan<byte> value) => _lp.EntryEquals(N(node)->Lp, pos, value);

    /// <summary>Position of the first (head) or last (tail) element.</summary>
    public (ulong Node, int Pos) End(ulong ql, bool head)
    {
        ulong node = head ? Q(ql)->Head : Q(ql)->Tail;
        return (node, head ? _lp.First(N(node)->Lp) : _lp.Last(N(node)->Lp));
    }

    /// <summary>Locates element <paramref name="index"/> (0-based, already in range), walking from the nearer end.</summary>
    public (ulong Node, int Pos) Locate(ulong ql, long index)
    {
        var q = Q(ql);
        long count = (long)q->Count;
        if (index < 0 || index >= count) return (0, -1);
        if (index < count / 2 + 1)
        {
            ulong node = q->Head;
            long skipped = 0;
            while (skipped + N(node)->Count <= index)
            {
                skipped += N(node)->Count;
                node = N(node)->Next;
            }
            return (node, _lp.Seek(N(node)->Lp, index - skipped));
        }
        else
        {
            ulong node = q->Tail;
            long after = 0; // elements after this node
            long fromEnd = count - 1 - index;
            while (after + N(node)->Count <= fromEnd)
            {
                after += N(node)->Count;
                node = N(node)->Prev;
            }
            return (node, _lp.Seek(N(node)->Lp, -(fromEnd - after) - 1));
        }
    }

    /// <summary>Steps to the next (or previous) element; node 0 when past the end.</summary>
    public void Step(ref ulong node, ref int pos, bool forward)
    {
        ulong lp = N(node)->Lp;
        int p = forward ? _lp.Next(lp, pos) : _lp.Prev(lp, pos);
        while (p < 0)
        {
            node = forward ? N(node)->Next : N(node)->Prev;
            if (node == 0)
            {
                pos = -1;
                return;
            }
            lp = N(node)->Lp;
            p = forward ? _lp.First(lp) : _lp.Last(lp);
        }
        pos = p;
    }

    /// <summary>
    /// Deletes the element at (node, pos) and moves to the element that followed it in the
    /// direction of travel (node 0 when none). The list must not become empty through here
    /// unless the caller frees it (Count 0 leaves an empty header).
    /// </summary>
    public void DeleteAt(ulong ql, ref ulong node, ref int pos, bool forward)
    {
        var n = N(node);
        ulong lp = n->Lp;
        int prevPos = forward ? -1 : _lp.Prev(lp, pos);
        _lp.Delete(ref lp, pos, 1);
        n->Lp = lp;
        n->Count--;
        Q(ql)->Count--;
        if (n->Count == 0)
        {
            ulong neighbour = forward ? n->Next : n->Prev;
            RemoveNode(ql, node);
            node = neighbour;
            pos = node == 0 ? -1 : forward ? _lp.First(N(node)->Lp) : _lp.Last(N(node)->Lp);
            return;
        }
        if (forward)
        {
            // The next entry slid into pos, unless pos was the last one.
            if (pos >= (int)_lp.Bytes(lp) - 1)
            {
                node = n->Next;
                pos = node == 0 ? -1 : _lp.First(N(node)->Lp);
            }
        }
        else if (prevPos >= 0) pos = prevPos;
        else
        {
            node = n->Prev;
            pos = node == 0 ? -1 : _lp.Last(N(node)->Lp);
        }
    }

    /// <summary>Removes and returns-by-callback the head or tail element (LPOP/RPOP): the value is valid only inside <paramref name="use"/>.</summary>
    public void Pop(ulong ql, bool head, ReadOnlySpanAction use)
    {
        var (node, pos) = End(ql, head);
        Span<byte> scratch = stackalloc byte[24];
        use(Get(node, pos, scratch));
        DeleteAt(ql, ref node, ref pos, head);
    }

    public delegate void ReadOnlySpanAction(ReadOnlySpan<byte> value);

    /// <summary>Removes and returns the head or tail element as a new array.</summary>
    public byte[] PopToArray(ulong ql, bool head)
    {
        var (node, pos) = End(ql, head);
        Span<byte> scratch = stackalloc byte[24];
        byte[] v = Get(node, pos, scratch).ToArray();
        DeleteAt(ql, ref node, ref pos, head);
        return v;
    }

    /// <summary>LSET: replaces the element at (node, pos).</summary>
    public void Replace(ulong ql, ulong node, int pos, ReadOnlySpan<byte> value)
    {
        var n = N(node);
        ulong lp = n->Lp;
        // In place when the node stays within its limits (or holds only this element).
        long newBytes = (long)_lp.Bytes(lp) + Listpack.EntrySizeFor(value);
        if (n->Count == 1 || WithinSizeTarget(newBytes) || (newBytes <= SizeSafetyLimit && _fill > 0))
        {
            _lp.Replace(ref lp, pos, value);
            n->Lp = lp;
            return;
        }
        // Otherwise insert the new value as a neighbour and drop the old one.
        Insert(ql, node, pos, value, after: true);
        // The insert may have split the node; the old element is still at (node, pos).
        DeleteAt(ql, ref node, ref pos, forward: true);
    }

    /// <summary>LINSERT: inserts before or after the element at (node, pos).</summary>
    public void Insert(ulong ql, ulong node, int pos, ReadOnlySpan<byte> value, bool after)
    {
        var q = Q(ql);
        var n = N(node);
        ulong lp = n->Lp;
        if (AllowInsert(node, value.Length))
        {
            int at = after ? NextOrEnd(lp, pos) : pos;
            _lp.InsertAt(ref lp, at, value);
            n->Lp = lp;
            n->Count++;
            q->Count++;
            return;
        }
        bool atTail = after && _lp.Next(lp, pos) < 0;
        bool atHead = !after && pos == _lp.First(lp);
        if (atTail && AllowInsert(n->Next, value.Length))
        {
            ulong nlp = N(n->Next)->Lp;
            _lp.Prepend(ref nlp, value);
            N(n->Next)->Lp = nlp;
            N(n->Next)->Count++;
        }
        else if (atHead && AllowInsert(n->Prev, value.Length))
        {
            ulong plp = N(n->Prev)->Lp;
            _lp.Append(ref plp, value);
            N(n->Prev)->Lp = plp;
            N(n->Prev)->Count++;
        }
        else if (atTail || atHead)
        {
            ulong fresh = _lp.Create();
            _lp.Append(ref fresh, value);
            LinkAfter(ql, atTail ? node : n->Prev, NewNode(fresh, 1));
        }
        else
        {
            // Full node, middle position: split it at the insertion point, put the value at the
            // end of the first half, then merge the halves with their neighbours if they fit.
            int splitAt = after ? _lp.Next(lp, pos) : pos;
            ulong second = SplitAt(ql, node, splitAt);
            ulong first = node;
            if (AllowInsert(first, value.Length))
            {
                ulong flp = N(first)->Lp;
                _lp.Append(ref flp, value);
                N(first)->Lp = flp;
                N(first)->Count++;
            }
            else
            {
                ulong fresh = _lp.Create();
                _lp.Append(ref fresh, value);
                LinkAfter(ql, first, NewNode(fresh, 1));
            }
            TryMerge(ql, second);
        }
        q->Count++;
    }

    private int NextOrEnd(ulong lp, int pos)
    {
        int next = _lp.Next(lp, pos);
        return next >= 0 ? next : (int)_lp.Bytes(lp) - 1;
    }

    /// <summary>Moves the entries of node from byte position <paramref name="pos"/> on into a new node after it; returns the new node.</summary>
    private ulong SplitAt(ulong ql, ulong node, int pos)
    {
        var n = N(node);
        ulong lp = n->Lp;
        ulong second = _lp.Create();
        int moved = 0;
        for (int p = pos; p >= 0; p = _lp.Next(lp, p)) moved++;
        Span<byte> scratch = stackalloc byte[24];
        for (int p = pos; p >= 0; p = _lp.Next(lp, p))
            _lp.Append(ref second, _lp.GetBytes(lp, p, scratch));
        _lp.Delete(ref lp, pos, moved);
        n->Lp = lp;
        n->Count -= (uint)moved;
        ulong secondNode = NewNode(second, (uint)moved);
        LinkAfter(ql, node, secondNode);
        return secondNode;
    }

    /// <summary>Merges node into its next neighbour when both fit in one node (Redis's _quicklistMergeNodes, simplified).</summary>
    private void TryMerge(ulong ql, ulong node)
    {
        ulong next = N(node)->Next;
        if (!AllowMerge(node, next)) return;
        ulong lp = N(node)->Lp;
        ulong nlp = N(next)->Lp;
        Span<byte> scratch = stackalloc byte[24];
        for (int p = _lp.First(nlp); p >= 0; p = _lp.Next(nlp, p)) _lp.Append(ref lp, _lp.GetBytes(nlp, p, scratch));
        N(node)->Lp = lp;
        N(node)->Count += N(next)->Count;
        RemoveNode(ql, next);
    }

    /// <summary>Deletes <paramref name="n"/> elements from index <paramref name="start"/> (both in range): LTRIM.</summary>
    public void DeleteRange(ulong ql, long start, long n)
    {
        if (n <= 0) return;
        var (node, pos) = Locate(ql, start);
        var q = Q(ql);
        while (n > 0 && node != 0)
        {
            var nd = N(node);
            ulong next = nd->Next;
            // Index of pos inside the node: whole-node deletes skip the walk.
            if (pos == _lp.First(nd->Lp) && nd->Count <= n)
            {
                n -= nd->Count;
                q->Count -= nd->Count;
                RemoveNode(ql, node);
            }
            else
            {
                int inNode = 0;
                for (int p = pos; p >= 0 && inNode < n; p = _lp.Next(nd->Lp, p)) inNode++;
                ulong lp = nd->Lp;
                _lp.Delete(ref lp, pos, inNode);
                nd->Lp = lp;
                nd->Count -= (uint)inNode;
                q->Count -= (uint)inNode;
                n -= inNode;
                if (nd->Count == 0) RemoveNode(ql, node);
            }
            node = next;
            pos = node == 0 ? -1 : _lp.First(N(node)->Lp);
        }
    }

    /// <summary>Frees the whole list: header, nodes, listpacks.</summary>
    public void Free(ulong ql)
    {
        ulong node = Q(ql)->Head;
        while (node != 0)
        {
            ulong next = N(node)->Next;
            _lp.Free(N(node)->Lp);
            _ks.Alloc.Free(node);
            node = next;
        }
        _ks.Alloc.Free(ql);
    }

    /// <summary>A deep copy with the same node layout (COPY).</summary>
    public ulong Duplicate(ulong ql)
    {
        ulong copy = Create();
        for (ulong node = Q(ql)->Head; node != 0; node = N(node)->Next)
        {
            ulong lp = _lp.Duplicate(N(node)->Lp);
            LinkAfter(copy, Q(copy)->Tail, NewNode(lp, N(node)->Count));
        }
        Q(copy)->Count = Q(ql)->Count;
        return copy;
    }

    /// <summary>Every block a list owns (header, nodes, listpacks), for region audits.</summary>
    public IEnumerable<(ulong Off, string What)> Blocks(ulong ql)
    {
        var list = new List<(ulong, string)> { (ql, "quicklist header") };
        ulong count = 0, len = 0, prev = 0;
        for (ulong node = Q(ql)->Head; node != 0; node = N(node)->Next)
        {
            list.Add((node, "quicklist node"));
            list.Add((N(node)->Lp, "quicklist listpack"));
            if (N(node)->Prev != prev) throw new InvalidOperationException($"quicklist {ql}: node {node} prev link broken");
            int lpCount = _lp.Count(N(node)->Lp);
            if (lpCount != N(node)->Count || lpCount == 0) throw new InvalidOperationException($"quicklist {ql}: node {node} counts {N(node)->Count}, listpack has {lpCount}");
            if (_lp.Bytes(N(node)->Lp) > _ks.Alloc.SizeOf(N(node)->Lp)) throw new InvalidOperationException($"quicklist {ql}: listpack larger than its block");
            count += N(node)->Count;
            len++;
            prev = node;
        }
        if (prev != Q(ql)->Tail || count != Q(ql)->Count || len != Q(ql)->Len || count == 0)
            throw new InvalidOperationException($"quicklist {ql}: header says {Q(ql)->Count} elements in {Q(ql)->Len} nodes, found {count} in {len}");
        return list;
    }
}

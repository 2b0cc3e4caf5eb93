using System.Runtime.CompilerServices;
using RedisLite.Persistence;

namespace RedisLite.Store;

/// <summary>
/// The keyspace: a formatted region holding <c>databases</c> logical databases, each a key index
/// and an expires index over the same <see cref="RlKey"/> records. Everything here runs under the
/// store lock (ARCHITECTURE.md section 2). Records are addressed by region offset; a record's
/// offset never changes while the key lives, so callers may hold it across calls within a command.
/// Value storage per type lives elsewhere (<see cref="StringValues"/> for strings...), described
/// to the keyspace by <see cref="Types"/>; this class owns record life: create, find (with lazy
/// expiry), delete, TTL.
/// </summary>
public sealed unsafe class Keyspace : IDisposable
{
    public Region Region { get; }
    public RegionAllocator Alloc { get; }

    /// <summary>The value types records of this keyspace may hold: how each is freed, copied, counted and named.</summary>
    public ValueTypes Types { get; } = ValueTypes.Standard();
    public int DbCount { get; }
    private readonly Dict[] _keys;
    private readonly Dict[] _expires;
    private readonly byte* _base;
    private readonly ulong _seed;

    /// <summary>Raised when a key is removed because its TTL passed (lazily or actively).</summary>
    public event Action<int, ulong>? KeyExpired;

    /// <summary>
    /// Raised when a record is created in or moved into a database (Redis's dbAdd): (db, record).
    /// Blocking commands learn here that a key they wait on may be ready.
    /// </summary>
    public event Action<int, ulong>? KeyAdded;

    /// <summary>
    /// Raised when a record leaves a database for good (deleted, expired, popped empty, renamed
    /// away, flushed one by one): (db, record), before the record is freed.
    /// </summary>
    public event Action<int, ulong>? KeyDeleted;

    /// <summary>The keys commands change, for WATCH, keyspace events and client-side caching.</summary>
    public KeyChanges Changes { get; } = new();

    /// <summary>True while a fork child shares the region: avoid writes that are not needed (LRU, rehash and resizes of every <see cref="Dict"/> of this keyspace).</summary>
    public bool ChildActive { get; private set; }

    /// <summary>
    /// A fork child now shares the region; every first write to a page present at the fork is a
    /// 4 KiB copy, so the COW switches take effect until <see cref="EndChildSharing"/>:
    /// cow-avoid-writes (no LRU clock writes, rehash steps or resizes), cow-fresh-pages (the
    /// allocator keeps new blocks off shared pages and holds frees, see RegionAllocator) and, with
    /// region-hugepages, no new huge pages: khugepaged would collapse (copy) ranges the child still
    /// shares, and a fresh huge page costs 2 MiB of zeroing at the fault. Huge pages already there
    /// stay; a write to one splits it and copies 4 KiB.
    /// </summary>
    public void BeginChildSharing(bool avoidWrites, bool freshPages, bool hugepages)
    {
        if (avoidWrites) ChildActive = true;
        if (freshPages) Alloc.BeginSharing();
        if (hugepages) Region.AdviseHugePages(false);
    }

    /// <summary>The child is gone: undoes <see cref="BeginChildSharing"/>; returns the bytes the allocator held and the fresh bytes it carved meanwhile.</summary>
    public (ulong HeldBytes, ulong FreshBytes) EndChildSharing(bool hugepages)
    {
        ChildActive = false;
        var result = Alloc.Sharing ? (Alloc.HeldThisSharing, Alloc.Top - Alloc.SharedTop) : (0UL, 0UL);
        Alloc.EndSharing();
        if (hugepages) Region.AdviseHugePages(true);
        return result;
    }

    /// <summary>True while an LFU maxmemory policy is selected: <see cref="RlKey.Lru"/> then holds an <see cref="LfuCounter"/>.</summary>
    public bool LfuMode;

    /// <summary>Current time in unix ms as commands see it (cached per command, as Redis does).</summary>
    public long NowMs;

    public Keyspace(ulong reservedBytes, int databases)
    {
        Region = new Region(reservedBytes);
        _base = Region.Base;
        _seed = (ulong)Random.Shared.NextInt64() | 1;
        Alloc = new RegionAllocator(Region, _seed);
        DbCount = databases;
        ulong dbs = Alloc.AllocZeroed((ulong)(sizeof(RlDb) * databases));
        Region.Header.Dbs = dbs;
        Region.Header.DbCount = (uint)databases;
        _keys = new Dict[databases];
        _expires = new Dict[databases];
        for (int i = 0; i < databases; i++)
        {
            ulong db = dbs + (ulong)(i * sizeof(RlDb));
            _keys[i] = new Dict(this, db + (ulong)RlDbOffsets.Keys, Dict.EntryLayout.KeyRecords);
            _expires[i] = new Dict(this, db + (ulong)RlDbOffsets.Expires, Dict.EntryLayout.ExpireRecords);
        }
        NowMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    }

    /// <summary>Records an access to a key (Redis's LRU clock or LFU counter update).</summary>
    public void TouchAccess(ulong rec)
    {
        var r = (RlKey*)(_base + rec);
        r->Lru = LfuMode ? LfuCounter.Touch(r->Lru, NowMs) : LruNow;
    }

    /// <summary>True if records of this type can be duplicated by <see cref="Copy"/> (its type is registered).</summary>
    public bool CanCopy(byte type) => Types[type] != null;

    /// <summary>The LRU clock as commands see it: <see cref="NowMs"/> in seconds, wrapped to 24 bits.</summary>
    public uint LruNow => (uint)(NowMs / 1000) & LruClock.Max;

    public Dict Keys(int db) => _keys[db];
    public Dict Expires(int db) => _expires[db];
    public ulong KeyCount(int db) => _keys[db].Count;
    public ulong ExpiresCount(int db) => _expires[db].Count;
    public ref RlDb DbHeader(int db) => ref *(RlDb*)(_base + Region.Header.Dbs + (ulong)(db * sizeof(RlDb)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref RlKey Rec(ulong rec) => ref *(RlKey*)(_base + rec);

    public ReadOnlySpan<byte> KeyOf(ulong rec) => new(_base + rec + (ulong)sizeof(RlKey), (int)((RlKey*)(_base + rec))->KeyLen);

    public ulong Hash(ReadOnlySpan<byte> key) => KeyHash.Hash(key, _seed);

    /// <summary>The live record for <paramref name="key"/>, deleting it first if its TTL has passed.</summary>
    public ulong Find(int db, ReadOnlySpan<byte> key)
    {
        ulong rec = _keys[db].Find(key, Hash(key));
        if (rec != 0 && IsExpired(rec))
        {
            ExpireNow(db, rec);
            return 0;
        }
        return rec;
    }

    /// <summary>The record for <paramref name="key"/> even if logically expired (no side effects beyond rehash).</summary>
    public ulong FindRaw(int db, ReadOnlySpan<byte> key) => _keys[db].Find(key, Hash(key));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsExpired(ulong rec)
    {
        // Redis's keyIsExpired: a key is still alive during the very millisecond it expires at.
        long at = ((RlKey*)(_base + rec))->ExpireMs;
        return at >= 0 && at < NowMs;
    }

    public void ExpireNow(int db, ulong rec)
    {
        KeyExpired?.Invoke(db, rec);
        Changes.Signal(db, KeyOf(rec));
        Delete(db, rec);
    }

    /// <summary>Creates a record for a key that is not present; type and encoding set, value 0, no TTL.</summary>
    public ulong Create(int db, ReadOnlySpan<byte> key, byte type, byte encoding)
    {
        ulong rec = Alloc.Alloc((ulong)(sizeof(RlKey) + key.Length));
        var r = (RlKey*)(_base + rec);
        *r = default;
        r->ExpireMs = -1;
        r->Hash = Hash(key);
        r->KeyLen = (uint)key.Length;
        r->Type = type;
        r->Encoding = encoding;
        r->Lru = LfuMode ? LfuCounter.Initial(NowMs) : LruNow;
        key.CopyTo(new Span<byte>(_base + rec + (ulong)sizeof(RlKey), key.Length));
        try
        {
            _keys[db].Add(rec);
        }
        catch (RegionFullException)
        {
            Alloc.Free(rec); // an empty database's first table did not fit: leave nothing behind
            throw;
        }
        KeyAdded?.Invoke(db, rec);
        Changes.Note(db, key);
        return rec;
    }

    /// <summary>Unlinks the record from both indexes and frees it and its value.</summary>
    public void Delete(int db, ulong rec)
    {
        KeyDeleted?.Invoke(db, rec);
        Changes.Note(db, KeyOf(rec));
        _keys[db].Remove(rec);
        if (((RlKey*)(_base + rec))->ExpireMs >= 0) _expires[db].Remove(rec);
        FreeValue(rec);
        Alloc.Free(rec);
    }

    /// <summary>Frees the value block(s) of a record, leaving the record itself (and forgetting flags that described that value).</summary>
    public void FreeValue(ulong rec)
    {
        var r = (RlKey*)(_base + rec);
        Types[r->Type]?.Free(this, rec);
        r->Value = 0;
        r->Flags &= unchecked((ushort)~RegionLayout.FlagUnsharedInt);
    }

    /// <summary>
    /// COPY: a new record for <paramref name="newKey"/> in <paramref name="toDb"/> (which must not
    /// hold that key) with a deep copy of <paramref name="src"/>'s value and the same TTL. The
    /// type must be registered (<see cref="CanCopy"/>).
    /// </summary>
    public ulong Copy(ulong src, int toDb, ReadOnlySpan<byte> newKey)
    {
        var s = (RlKey*)(_base + src);
        var type = Types.Of(s->Type);
        ulong dst = Create(toDb, newKey, s->Type, s->Encoding);
        type.Copy(this, src, dst);
        if (s->ExpireMs >= 0) SetExpire(toDb, dst, s->ExpireMs);
        return dst;
    }

    /// <summary>Sets or clears (-1) the absolute expiry of a record, keeping the expires index in step.</summary>
    public void SetExpire(int db, ulong rec, long atMs)
    {
        var r = (RlKey*)(_base + rec);
        bool had = r->ExpireMs >= 0;
        r->ExpireMs = atMs;
        if (atMs >= 0 && !had) _expires[db].Add(rec);
        else if (atMs < 0 && had) _expires[db].Remove(rec);
    }

    /// <summary>Moves a record to another database (MOVE, RENAME across nothing: same db is a no-op).</summary>
    public void Relink(int fromDb, int toDb, ulong rec)
    {
        bool volatileKey = ((RlKey*)(_base + rec))->ExpireMs >= 0;
        _keys[fromDb].Remove(rec);
        if (volatileKey) _expires[fromDb].Remove(rec);
        _keys[toDb].Add(rec);
        if (volatileKey) _expires[toDb].Add(rec);
        KeyDeleted?.Invoke(fromDb, rec);
        KeyAdded?.Invoke(toDb, rec);
        Changes.Note(fromDb, KeyOf(rec));
        Changes.Note(toDb, KeyOf(rec));
    }

    /// <summary>
    /// Gives a record a new key (RENAME): the record is rebuilt with the new key bytes, keeping
    /// value, type, encoding and TTL. Returns the new record offset.
    /// </summary>
    public ulong Rekey(int db, ulong rec, ReadOnlySpan<byte> newKey, int toDb)
    {
        var old = (RlKey*)(_base + rec);
        ulong fresh = Create(toDb, newKey, old->Type, old->Encoding);
        var n = (RlKey*)(_base + fresh);
        n->Value = old->Value;
        n->Lru = old->Lru;
        n->Flags = old->Flags;
        long exp = old->ExpireMs;
        KeyDeleted?.Invoke(db, rec);
        Changes.Note(db, KeyOf(rec));
        _keys[db].Remove(rec);
        if (exp >= 0) _expires[db].Remove(rec);
        Alloc.Free(rec);
        if (exp >= 0) SetExpire(toDb, fresh, exp);
        return fresh;
    }

    /// <summary>Deletes every key of one database (all at once, as <see cref="FlushAll"/>, when no other database holds a key).</summary>
    public void Flush(int db)
    {
        bool othersEmpty = true;
        for (int i = 0; i < DbCount && othersEmpty; i++) othersEmpty = i == db || _keys[i].Count == 0;
        if (othersEmpty) ResetAll();
        else
        {
            _expires[db].Clear(null);
            _keys[db].Clear(rec => { FreeValue(rec); Alloc.Free(rec); });
        }
        Changes.Flushed(db);
    }

    /// <summary>
    /// Deletes every key of every database at once: the indexes are emptied without visiting a
    /// key, and the allocator forgets every block and returns every data page to the kernel
    /// (<see cref="RegionAllocator.Reset"/>), so FLUSHALL costs one madvise instead of a free per
    /// block and leaves nothing resident. The database array, the region's first block, is
    /// allocated again at the same offset and keeps its contents.
    /// </summary>
    public void FlushAll()
    {
        ResetAll();
        Changes.Flushed(-1);
    }

    private void ResetAll()
    {
        for (int db = 0; db < DbCount; db++)
        {
            _keys[db].Abandon();
            _expires[db].Abandon();
        }
        ulong dbs = Region.Header.Dbs;
        int bytes = sizeof(RlDb) * DbCount;
        byte[] headers = Region.Bytes(dbs, bytes).ToArray();
        Alloc.Reset();
        if (Alloc.AllocZeroed((ulong)bytes) != dbs)
            throw new InvalidOperationException("the database array did not come back at its offset after the allocator reset");
        headers.CopyTo(Region.Bytes(dbs, bytes));
    }

    /// <summary>Exchanges the contents of two databases (SWAPDB).</summary>
    public void Swap(int a, int b)
    {
        if (a == b) return;
        Dict.SwapContents(_keys[a], _keys[b]);
        Dict.SwapContents(_expires[a], _expires[b]);
        ref var da = ref DbHeader(a);
        ref var dbh = ref DbHeader(b);
        (da.AvgTtlMs, dbh.AvgTtlMs) = (dbh.AvgTtlMs, da.AvgTtlMs);
        (da.ExpiresCursor, dbh.ExpiresCursor) = (dbh.ExpiresCursor, da.ExpiresCursor);
        Changes.Swapped(a, b);
    }

    public void Dispose() => Region.Dispose();
}

internal static unsafe class RlDbOffsets
{
    public static readonly int Keys = (int)System.Runtime.InteropServices.Marshal.OffsetOf<RlDb>(nameof(RlDb.Keys));
    public static readonly int Expires = (int)System.Runtime.InteropServices.Marshal.OffsetOf<RlDb>(nameof(RlDb.Expires));
}

/// <summary>Redis's LRU clock: seconds, wrapped to 24 bits.</summary>
public static class LruClock
{
    public const uint Max = (1u << 24) - 1;
    public static uint Now => (uint)DateTimeOffset.UtcNow.ToUnixTimeSeconds() & Max;
}

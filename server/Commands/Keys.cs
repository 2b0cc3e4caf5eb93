using RedisLite.Persistence;
using RedisLite.Server;
using RedisLite.Store;

namespace RedisLite.Commands;

/// <summary>
/// Type-agnostic keyspace commands (Redis's db.c and object.c): DEL UNLINK EXISTS TYPE RENAME
/// RENAMENX KEYS SCAN RANDOMKEY MOVE COPY TOUCH OBJECT. Lookups follow Redis's flavours (read with
/// or without an LRU touch, write), so lazy expiry, keyspace hits/misses and idle times come out
/// as in Redis 7.0. Every command here replays as received except where a handler says otherwise;
/// keys that expire lazily on the way are announced by <see cref="Keyspace.KeyExpired"/>.
/// </summary>
public static class Keys
{
    private const string SameObject = "ERR source and destination objects are the same";

    /// <summary>DEL and UNLINK: freeing a value in the region is cheap, so UNLINK frees at once too.</summary>
    public static void Del(CommandContext ctx)
    {
        var ks = ctx.Keyspace;
        long deleted = 0;
        for (int i = 1; i < ctx.Args.Count; i++)
        {
            ulong rec = ks.Find(ctx.Db, ctx.Args[i]);
            if (rec == 0) continue;
            ks.Delete(ctx.Db, rec);
            deleted++;
        }
        ctx.Dirty += deleted;
        ctx.Reply.Integer(deleted);
    }

    public static void Exists(CommandContext ctx)
    {
        long count = 0;
        for (int i = 1; i < ctx.Args.Count; i++)
            if (ctx.LookupReadNoTouch(ctx.Args[i]) != 0) count++;
        ctx.Reply.Integer(count);
    }

    public static void Touch(CommandContext ctx)
    {
        long count = 0;
        for (int i = 1; i < ctx.Args.Count; i++)
            if (ctx.LookupRead(ctx.Args[i]) != 0) count++;
        ctx.Reply.Integer(count);
    }

    public static void Type(CommandContext ctx)
    {
        ulong rec = ctx.LookupReadNoTouch(ctx.Args[1]);
        ctx.Reply.Simple(rec == 0 ? "none" : ctx.Keyspace.Types.Of(ctx.Keyspace.Rec(rec).Type).Name);
    }

    public static void Rename(CommandContext ctx) => RenameGeneric(ctx, nx: false);
    public static void RenameNx(CommandContext ctx) => RenameGeneric(ctx, nx: true);

    private static void RenameGeneric(CommandContext ctx, bool nx)
    {
        var ks = ctx.Keyspace;
        var from = ctx.Args[1];
        var to = ctx.Args[2];
        ulong rec = ctx.LookupWrite(from);
        if (rec == 0)
        {
            ctx.Error(Errors.NoSuchKey);
            return;
        }
        // Renaming a key to itself is a no-op that still reports success (Redis 7.0), as long as it exists.
        if (from.SequenceEqual(to))
        {
            if (nx) ctx.Reply.Integer(0);
            else ctx.Reply.Ok();
            return;
        }
        ulong existing = ctx.LookupWrite(to);
        if (existing != 0)
        {
            if (nx)
            {
                ctx.Reply.Integer(0);
                return;
            }
            ks.Delete(ctx.Db, existing);
        }
        ks.Rekey(ctx.Db, rec, to, ctx.Db);
        ctx.Dirty++;
        if (nx) ctx.Reply.Integer(1);
        else ctx.Reply.Ok();
    }

    /// <summary>KEYS: every key matching the pattern, skipping (not deleting) logically expired ones, as Redis does.</summary>
    public static void KeysCommand(CommandContext ctx)
    {
        var ks = ctx.Keyspace;
        var pattern = ctx.Args[1];
        bool all = Glob.MatchesEverything(pattern);
        var found = CollectAll(ks.Keys(ctx.Db));
        int n = 0;
        for (int i = 0; i < found.Count; i++)
            if ((all || Glob.Match(pattern, ks.KeyOf(found[i]))) && !ks.IsExpired(found[i])) found[n++] = found[i];
        ctx.Reply.ArrayHeader(n);
        for (int i = 0; i < n; i++) ctx.Reply.Bulk(ks.KeyOf(found[i]));
    }

    // A full pass of SCAN steps. Nothing changes the dict between steps, so each entry comes once.
    private static List<ulong> CollectAll(Dict dict)
    {
        var visitor = new EntryCollector(new List<ulong>((int)dict.Count));
        ulong cursor = 0;
        do cursor = dict.Scan(cursor, ref visitor);
        while (cursor != 0);
        return visitor.Found;
    }

    /// <summary>
    /// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type], as Redis's scanGenericCommand: dict
    /// steps until COUNT keys are gathered or COUNT*10 steps are spent, then MATCH, TYPE and
    /// expiry filter the batch (an expired key is deleted on the way).
    /// </summary>
    public static void Scan(CommandContext ctx)
    {
        var a = ctx.Args;
        if (!GenericScan.TryCursor(ctx, 1, out ulong cursor)) return;
        if (!GenericScan.TryOptions(ctx, 2, typeOption: true, out var options)) return;
        int patternArg = options.PatternArg, typeArg = options.TypeArg;
        bool usePattern = patternArg > 0;

        var ks = ctx.Keyspace;
        var found = new List<ulong>();
        cursor = GenericScan.Walk(ks.Keys(ctx.Db), cursor, found, () => found.Count, options);

        // Filtering may delete expired keys, so names are taken before anything is freed.
        var keys = new List<byte[]>(found.Count);
        foreach (ulong rec in found)
        {
            var name = ks.KeyOf(rec);
            if (usePattern && !Glob.Match(a[patternArg], name)) continue;
            byte[] copy = name.ToArray();
            bool expired = ks.IsExpired(rec);
            if (typeArg > 0)
            {
                // Redis looks the key up to learn its type: an expired key goes away there and
                // reads as "none" (and then survives the expiry filter below, being already gone).
                string type;
                if (expired)
                {
                    ks.ExpireNow(ctx.Db, rec);
                    ctx.Server.Stats.KeyspaceMisses++;
                    type = "none";
                }
                else
                {
                    ctx.Server.Stats.KeyspaceHits++;
                    type = ks.Types.Of(ks.Rec(rec).Type).Name;
                }
                if (!a.Str(typeArg).Equals(type, StringComparison.OrdinalIgnoreCase)) continue;
                if (expired)
                {
                    keys.Add(copy);
                    continue;
                }
            }
            if (expired)
            {
                ks.ExpireNow(ctx.Db, rec);
                continue;
            }
            keys.Add(copy);
        }

        GenericScan.ReplyBatch(ctx, cursor, keys);
    }

    /// <summary>RANDOMKEY: a fair random key; expired ones met on the way are deleted and another is drawn.</summary>
    public static void RandomKey(CommandContext ctx)
    {
        var ks = ctx.Keyspace;
        var dict = ks.Keys(ctx.Db);
        while (true)
        {
            ulong rec = dict.RandomEntry(Random.Shared);
            if (rec == 0)
            {
                ctx.Reply.Null();
                return;
            }
            if (ks.IsExpired(rec))
            {
                ks.ExpireNow(ctx.Db, rec);
                continue;
            }
            ctx.Reply.Bulk(ks.KeyOf(rec));
            return;
        }
    }

    public static void Move(CommandContext ctx)
    {
        if (!Databases.TryDb(ctx, 2, null, out int target)) return;
        if (target == ctx.Db)
        {
            ctx.Error(SameObject);
            return;
        }
        var ks = ctx.Keyspace;
        var key = ctx.Args[1];
        ulong rec = ctx.LookupWrite(key);
        if (rec == 0 || ks.Find(target, key) != 0)
        {
            ctx.Reply.Integer(0);
            return;
        }
        ks.Relink(ctx.Db, target, rec);
        ctx.Dirty++;
        ctx.Reply.Integer(1);
    }

    /// <summary>COPY source destination [DB db] [REPLACE]: a deep copy of the value, with the source's TTL.</summary>
    public static void Copy(CommandContext ctx)
    {
        var a = ctx.Args;
        int target = ctx.Db;
        bool replace = false;
        for (int i = 3; i < a.Count; i++)
        {
            if (a.Is(i, "REPLACE")) replace = true;
            else if (a.Is(i, "DB") && i + 1 < a.Count)
            {
                if (!Databases.TryDb(ctx, ++i, null, out target)) return;
            }
            else
            {
                ctx.SyntaxError();
                return;
            }
        }
        var src = a[1];
        var dst = a[2];
        if (target == ctx.Db && src.SequenceEqual(dst))
        {
            ctx.Error(SameObject);
            return;
        }
        var ks = ctx.Keyspace;
        ulong rec = ctx.LookupRead(src);
        if (rec == 0)
        {
            ctx.Reply.Integer(0);
            return;
        }
        ulong existing = ks.Find(target, dst);
        if (existing != 0 && !replace)
        {
            ctx.Reply.Integer(0);
            return;
        }
        if (!ks.CanCopy(ks.Rec(rec).Type))
        {
            ctx.Error("ERR unknown type object");
            return;
        }
        // The copy needs what the source holds (walked only when the region is nearly full).
        if (!ctx.EnsureRoom(RegionRoom.ForCopy(ks, rec, (ulong)dst.Length))) return;
        if (existing != 0) ks.Delete(target, existing);
        ks.Copy(rec, target, dst);
        ctx.Dirty++;
        ctx.Reply.Integer(1);
    }

    // ---- OBJECT (object.c)

    /// <summary>Redis's OBJ_SHARED_REFCOUNT: the refcount of its shared objects (the integers 0..9999).</summary>
    public const long SharedRefcount = int.MaxValue;
    private const long SharedIntegers = 10000;

    private const string LfuSelected = "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";
    private const string LfuNotSelected = "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";

    /// <summary>objectCommandLookup: no LRU touch; a missing key replies nil.</summary>
    private static ulong ObjectLookup(CommandContext ctx)
    {
        ulong rec = ctx.LookupReadNoTouch(ctx.Args[2]);
        if (rec == 0) ctx.Reply.Null();
        return rec;
    }

    /// <summary>OBJECT ENCODING's name for a record's encoding, as its type names it.</summary>
    public static string EncodingName(Keyspace ks, ulong rec)
    {
        ref var r = ref ks.Rec(rec);
        return ks.Types.Of(r.Type).EncodingName(r.Encoding);
    }

    public static void ObjectEncoding(CommandContext ctx)
    {
        ulong rec = ObjectLookup(ctx);
        if (rec != 0) ctx.Reply.Bulk(EncodingName(ctx.Keyspace, rec));
    }

    /// <summary>
    /// Redis shares one object for each integer 0..9999 unless maxmemory is set with an LRU/LFU
    /// policy (which needs a clock per key); those report OBJ_SHARED_REFCOUNT, everything else 1.
    /// </summary>
    public static void ObjectRefcount(CommandContext ctx)
    {
        ulong rec = ObjectLookup(ctx);
        if (rec == 0) return;
        ref var r = ref ctx.Keyspace.Rec(rec);
        long v = (long)r.Value;
        var config = ctx.Server.Config;
        bool sharingAllowed = config.MaxMemory.Value == 0 || !PolicyTracksAccess(config.MaxMemoryPolicy.Value);
        bool shared = r.Type == RegionLayout.TypeString && r.Encoding == RegionLayout.EncInt &&
                      (r.Flags & RegionLayout.FlagUnsharedInt) == 0 && v >= 0 && v < SharedIntegers && sharingAllowed;
        ctx.Reply.Integer(shared ? SharedRefcount : 1);
    }

    private static bool PolicyTracksAccess(string policy) => policy.Contains("lru") || policy.Contains("lfu");
    private static bool IsLfu(CommandContext ctx) => ctx.Keyspace.LfuMode;

    /// <summary>estimateObjectIdleTime: seconds since the key's LRU clock, allowing for the 24-bit wrap.</summary>
    public static void ObjectIdletime(CommandContext ctx)
    {
        ulong rec = ObjectLookup(ctx);
        if (rec == 0) return;
        if (IsLfu(ctx))
        {
            ctx.Error(LfuSelected);
            return;
        }
        uint now = ctx.Keyspace.LruNow, lru = ctx.Keyspace.Rec(rec).Lru;
        long idle = now >= lru ? now - lru : now + (LruClock.Max - lru);
        ctx.Reply.Integer(idle);
    }

    public static void ObjectFreq(CommandContext ctx)
    {
        ulong rec = ObjectLookup(ctx);
        if (rec == 0) return;
        if (!IsLfu(ctx))
        {
            ctx.Error(LfuNotSelected);
            return;
        }
        ctx.Reply.Integer(LfuCounter.DecrAndReturn(ctx.Keyspace.Rec(rec).Lru, ctx.NowMs));
    }

    public static void ObjectHelp(CommandContext ctx) => Help.Reply(ctx, "OBJECT",
    [
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
    ]);
}

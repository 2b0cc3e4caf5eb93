using RedisLite.Persistence;
using RedisLite.Server;
using RedisLite.Store;

namespace RedisLite.Commands;

/// <summary>
/// List commands (Redis 7.0's t_list.c): pushes, pops (with COUNT), LRANGE/LINDEX/LSET/LINSERT/
/// LREM/LTRIM/LPOS, LMOVE/RPOPLPUSH/LMPOP and the blocking forms BLPOP/BRPOP/BLMOVE/BRPOPLPUSH/
/// BLMPOP. Values live in the region as a <see cref="Quicklist"/>; a list is never empty (the key
/// goes when its last element does). Argument checks come in Redis's order (some before the key
/// lookup, some after), because that order decides which error a bad call gets. Blocking goes
/// through <see cref="BlockingKeys"/>: each blocking command first tries its non-blocking form,
/// and only blocks when every key is missing (a key of another type is WRONGTYPE at once).
/// </summary>
public static class Lists
{
    private const string IndexOutOfRange = "ERR index out of range";
    private const string MustBePositive = "ERR value is out of range, must be positive";

    private static Quicklist Ql(CommandContext ctx) => new(ctx.Keyspace, ctx.Server.Config.ListMaxListpackSize.Value);
    private static Quicklist Ql(RedisServer server) => new(server.Keyspace, server.Config.ListMaxListpackSize.Value);

    /// <summary>The list record for key, 0 if missing; false (WRONGTYPE replied) if the key holds another type.</summary>
    private static bool Lookup(CommandContext ctx, ReadOnlySpan<byte> key, bool write, out ulong rec)
    {
        rec = write ? ctx.LookupWrite(key, RegionLayout.TypeList) : ctx.LookupRead(key, RegionLayout.TypeList);
        if (rec != CommandContext.WrongTypeReplied) return true;
        rec = 0;
        return false;
    }

    private static ulong Value(Keyspace ks, ulong rec) => ks.Rec(rec).Value;

    /// <summary>Deletes the key if its list became empty.</summary>
    private static void DeleteIfEmpty(Keyspace ks, int db, ulong rec, Quicklist ql)
    {
        if (ql.Count(Value(ks, rec)) == 0) ks.Delete(db, rec);
    }

    // ---- pushes

    public static void LPush(CommandContext ctx) => Push(ctx, head: true, onlyIfExists: false);
    public static void RPush(CommandContext ctx) => Push(ctx, head: false, onlyIfExists: false);
    public static void LPushX(CommandContext ctx) => Push(ctx, head: true, onlyIfExists: true);
    public static void RPushX(CommandContext ctx) => Push(ctx, head: false, onlyIfExists: true);

    private static void Push(CommandContext ctx, bool head, bool onlyIfExists)
    {
        if (!Lookup(ctx, ctx.Args[1], write: true, out ulong rec)) return;
        if (rec == 0)
        {
            if (onlyIfExists)
            {
                ctx.Reply.Integer(0);
                return;
            }
            rec = ListValues.CreateKey(ctx.Keyspace, ctx.Db, ctx.Args[1]);
        }
        var ql = Ql(ctx);
        ulong q = Value(ctx.Keyspace, rec);
        for (int i = 2; i < ctx.Args.Count; i++) ql.Push(q, ctx.Args[i], head);
        ctx.Dirty += ctx.Args.Count - 2;
        ctx.Reply.Integer(ql.Count(q));
    }

    // ---- pops

    public static void LPop(CommandContext ctx) => Pop(ctx, head: true);
    public static void RPop(CommandContext ctx) => Pop(ctx, head: false);

    private static void Pop(CommandContext ctx, bool head)
    {
        if (ctx.Args.Count > 3)
        {
            ctx.Error(Errors.WrongArgs(ctx.Command.Name));
            return;
        }
        long count = 0;
        bool hasCount = ctx.Args.Count == 3;
        if (hasCount && !TryPositive(ctx, 2, MustBePositive, out count)) return;
        if (!Lookup(ctx, ctx.Args[1], write: true, out ulong rec)) return;
        if (rec == 0)
        {
            if (hasCount) ctx.Reply.NullArray();
            else ctx.Reply.Null();
            return;
        }
        if (hasCount && count == 0)
        {
            ctx.Reply.ArrayHeader(0);
            return;
        }
        var ql = Ql(ctx);
        ulong q = Value(ctx.Keyspace, rec);
        var reply = ctx.Reply;
        if (!hasCount) ql.Pop(q, head, v => reply.Bulk(v));
        else
        {
            long n = Math.Min(count, ql.Count(q));
            reply.ArrayHeader(n);
            for (long i = 0; i < n; i++) ql.Pop(q, head, v => reply.Bulk(v));
        }
        DeleteIfEmpty(ctx.Keyspace, ctx.Db, rec, ql);
        ctx.Dirty++;
    }

    /// <summary>getPositiveLongFromObjectOrReply: a non-negative integer, else the given error (also for non-integers).</summary>
    private static bool TryPositive(CommandContext ctx, int arg, string error, out long value)
    {
        if (StringValues.TryParseCanonicalInt(ctx.Args[arg], out value) && value >= 0) return true;
        ctx.Error(error);
        return false;
    }

    /// <summary>getRangeLongFromObjectOrReply(1, LONG_MAX): a positive integer, else the given error.</summary>
    private static bool TryAtLeastOne(CommandContext ctx, int arg, string error, out long value)
    {
        if (StringValues.TryParseCanonicalInt(ctx.Args[arg], out value) && value >= 1) return true;
        ctx.Error(error);
        return false;
    }

    // ---- reads

    public static void LLen(CommandContext ctx)
    {
        if (!Lookup(ctx, ctx.Args[1], write: false, out ulong rec)) return;
        ctx.Reply.Integer(rec == 0 ? 0 : Ql(ctx).Count(Value(ctx.Keyspace, rec)));
    }

    public static void LRange(CommandContext ctx)
    {
        if (!ctx.TryLong(2, out long start) || !ctx.TryLong(3, out long end)) return;
        if (!Lookup(ctx, ctx.Args[1], write: false, out ulong rec)) return;
        if (rec == 0)
        {
            ctx.Reply.ArrayHeader(0);
            return;
        }
        var ql = Ql(ctx);
        ulong q = Value(ctx.Keyspace, rec);
        long len = ql.Count(q);
        if (start < 0) start += len;
        if (end < 0) end += len;
        if (start < 0) start = 0;
        if (start > end || start >= len)
        {
            ctx.Reply.ArrayHeader(0);
            return;
        }
        if (end >= len) end = len - 1;
        long n = end - start + 1;
        ctx.Reply.ArrayHeader(n);
        var (node, pos) = ql.Locate(q, start);
        Span<byte> scratch = stackalloc byte[24];
        for (long i = 0; i < n; i++)
        {
            ctx.Reply.Bulk(ql.Get(node, pos, scratch));
            if (i + 1 < n) ql.Step(ref node, ref pos, forward: true);
        }
    }

    public static void LIndex(CommandContext ctx)
    {
        if (!Lookup(ctx, ctx.Args[1], write: false, out ulong rec)) return;
        if (rec == 0)
        {
            ctx.Reply.Null();
            return;
        }
        if (!ctx.TryLong(2, out long index)) return;
        var ql = Ql(ctx);
        ulong q = Value(ctx.Keyspace, rec);
        if (index < 0) index += ql.Count(q);
        var (node, pos) = ql.Locate(q, index);
        if (node == 0) ctx.Reply.Null();
        else
        {
            Span<byte> scratch = stackalloc byte[24];
            ctx.Reply.Bulk(ql.Get(node, pos, scratch));
        }
    }

    public static void LSet(CommandContext ctx)
    {
        if (!Lookup(ctx, ctx.Args[1], write: true, out ulong rec)) return;
        if (rec == 0)
        {
            ctx.Error(Errors.NoSuchKey);
            return;
        }
        if (!ctx.TryLong(2, out long index)) return;
        var ql = Ql(ctx);
        ulong q = Value(ctx.Keyspace, rec);
        if (index < 0) index += ql.Count(q);
        var (node, pos) = ql.Locate(q, index);
        if (node == 0)
        {
            ctx.Error(IndexOutOfRange);
            return;
        }
        ql.Replace(q, node, pos, ctx.Args[3]);
        ctx.Dirty++;
        ctx.Reply.Ok();
    }

    public static void LInsert(CommandContext ctx)
    {
        bool after;
        if (ctx.Args.Is(2, "AFTER")) after = true;
        else if (ctx.Args.Is(2, "BEFORE")) after = false;
        else
        {
            ctx.SyntaxError();
            return;
        }
        if (!Lookup(ctx, ctx.Args[1], write: true, out ulong rec)) return;
        if (rec == 0)
        {
            ctx.Reply.Integer(0);
            return;
        }
        var ql = Ql(ctx);
        ulong q = Value(ctx.Keyspace, rec);
        var (node, pos) = ql.End(q, head: true);
        while (node != 0 && !ql.EntryEquals(node, pos, ctx.Args[3])) ql.Step(ref node, ref pos, forward: true);
        if (node == 0)
        {
            ctx.Reply.Integer(-1);
            return;
        }
        ql.Insert(q, node, pos, ctx.Args[4], after);
        ctx.Dirty++;
        ctx.Reply.Integer(ql.Count(q));
    }

    public static void LRem(CommandContext ctx)
    {
        if (!ctx.TryLong(2, out long toRemove)) return;
        if (!Lookup(ctx, ctx.Args[1], write: true, out ulong rec)) return;
        if (rec == 0)
        {
            ctx.Reply.Integer(0);
            return;
        }
        var ql = Ql(ctx);
        ulong q = Value(ctx.Keyspace, rec);
        bool forward = toRemove >= 0;
        long limit = toRemove == 0 ? long.MaxValue : toRemove == long.MinValue ? long.MaxValue : Math.Abs(toRemove);
        var (node, pos) = ql.End(q, head: forward);
        long removed = 0;
        var value = ctx.Args[3];
        while (node != 0 && removed < limit)
        {
            if (ql.EntryEquals(node, pos, value))
            {
                ql.DeleteAt(q, ref node, ref pos, forward);
                removed++;
            }
            else ql.Step(ref node, ref pos, forward);
        }
        if (removed > 0)
        {
            DeleteIfEmpty(ctx.Keyspace, ctx.Db, rec, ql);
            ctx.Dirty += removed;
        }
        ctx.Reply.Integer(removed);
    }

    public static void LTrim(CommandContext ctx)
    {
        if (!ctx.TryLong(2, out long start) || !ctx.TryLong(3, out long end)) return;
        if (!Lookup(ctx, ctx.Args[1], write: true, out ulong rec)) return;
        if (rec == 0)
        {
            ctx.Reply.Ok();
            return;
        }
        var ql = Ql(ctx);
        ulong q = Value(ctx.Keyspace, rec);
        long len = ql.Count(q);
        if (start < 0) start += len;
        if (end < 0) end += len;
        if (start < 0) start = 0;
        long ltrim, rtrim;
        if (start > end || start >= len)
        {
            ltrim = len;
            rtrim = 0;
        }
        else
        {
            if (end >= len) end = len - 1;
            ltrim = start;
            rtrim = len - end - 1;
        }
        ql.DeleteRange(q, 0, ltrim);
        if (rtrim > 0) ql.DeleteRange(q, ql.Count(q) - rtrim, rtrim);
        DeleteIfEmpty(ctx.Keyspace, ctx.Db, rec, ql);
        ctx.Dirty += ltrim + rtrim;
        ctx.Reply.Ok();
    }

    public static void LPos(CommandContext ctx)
    {
        long rank = 1, count = -1, maxlen = 0;
        var a = ctx.Args;
        for (int j = 3; j < a.Count; j++)
        {
            bool more = j + 1 < a.Count;
            if (a.Is(j, "RANK") && more)
            {
                if (!ctx.TryLong(++j, out rank)) return;
                if (rank == 0)
                {
                    ctx.Error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list");
                    return;
                }
            }
            else if (a.Is(j, "COUNT") && more)
            {
                if (!TryPositive(ctx, ++j, "ERR COUNT can't be negative", out count)) return;
            }
            else if (a.Is(j, "MAXLEN") && more)
            {
                if (!TryPositive(ctx, ++j, "ERR MAXLEN can't be negative", out maxlen)) return;
            }
            else
            {
                ctx.SyntaxError();
                return;
            }
        }
        bool fromTail = rank < 0;
        if (fromTail) rank = unchecked(-rank); // -LONG_MIN stays LONG_MIN, as in Redis (first match then qualifies)
        if (!Lookup(ctx, a[1], write: false, out ulong rec)) return;
        if (rec == 0)
        {
            if (count != -1) ctx.Reply.ArrayHeader(0);
            else ctx.Reply.Null();
            return;
        }
        var ql = Ql(ctx);
        ulong q = Value(ctx.Keyspace, rec);
        long len = ql.Count(q);
        var (node, pos) = ql.End(q, head: !fromTail);
        long index = 0, matches = 0, matchIndex = -1;
        List<long>? found = count != -1 ? [] : null;
        while (node != 0 && (maxlen == 0 || index < maxlen))
        {
            if (ql.EntryEquals(node, pos, a[2]))
            {
                matches++;
                matchIndex = fromTail ? len - index - 1 : index;
                if (matches >= rank)
                {
                    if (found == null) break;
                    found.Add(matchIndex);
                    if (count != 0 && unchecked(matches - rank + 1) >= count) break;
                }
            }
            index++;
            matchIndex = -1;
            ql.Step(ref node, ref pos, forward: !fromTail);
        }
        if (found != null)
        {
            ctx.Reply.ArrayHeader(found.Count);
            foreach (long i in found) ctx.Reply.Integer(i);
        }
        else if (matchIndex != -1) ctx.Reply.Integer(matchIndex);
        else ctx.Reply.Null();
    }

    // ---- moves

    private static bool TryWhere(CommandContext ctx, int arg, out bool left)
    {
        left = ctx.Args.Is(arg, "LEFT");
        if (left || ctx.Args.Is(arg, "RIGHT")) return true;
        ctx.SyntaxError();
        return false;
    }

    public static void LMove(CommandContext ctx)
    {
        if (!TryWhere(ctx, 3, out bool fromLeft) || !TryWhere(ctx, 4, out bool toLeft)) return;
        MoveGeneric(ctx, fromLeft, toLeft);
    }

    public static void RPopLPush(CommandContext ctx) => MoveGeneric(ctx, fromLeft: false, toLeft: true);

    private static void MoveGeneric(CommandContext ctx, bool fromLeft, bool toLeft)
    {
        if (!Lookup(ctx, ctx.Args[1], write: true, out ulong src)) return;
        if (src == 0)
        {
            ctx.Reply.Null();
            return;
        }
        if (!Lookup(ctx, ctx.Args[2], write: true, out ulong dst)) return;
        if (RoomForMove(ctx.Server, src, fromLeft) is { } full)
        {
            ctx.Error(full);
            return;
        }
        byte[] value = Move(ctx.Server, ctx.Db, ctx.Args[1].ToArray(), src, ctx.Args[2].ToArray(), dst, fromLeft, toLeft);
        ctx.Dirty++;
        ctx.Reply.Bulk(value);
    }

    /// <summary>
    /// Null if the element a move would take from src's end fits in the data region; else the
    /// error to refuse the move with (checked before the pop, so the element is never lost).
    /// </summary>
    private static string? RoomForMove(RedisServer server, ulong src, bool fromLeft)
    {
        var ks = server.Keyspace;
        var ql = Ql(server);
        var (node, pos) = ql.End(Value(ks, src), fromLeft);
        Span<byte> scratch = stackalloc byte[24];
        return RegionRoom.Check(ks.Alloc, RegionRoom.ForValue((ulong)ql.Get(node, pos, scratch).Length));
    }

    /// <summary>Pops from src (a live list) and pushes onto dst (a list record, or 0 to create it). Returns the element.</summary>
    private static byte[] Move(RedisServer server, int db, byte[] srcKey, ulong src, byte[] dstKey, ulong dst, bool fromLeft, bool toLeft)
    {
        var ks = server.Keyspace;
        var ql = Ql(server);
        byte[] value = ql.PopToArray(Value(ks, src), fromLeft);
        if (src == dst)
        {
            // Rotation: the list is pushed back into before it could be seen empty.
            ql.Push(Value(ks, src), value, toLeft);
            return value;
        }
        DeleteIfEmpty(ks, db, src, ql);
        if (dst == 0)
        {
            dst = ks.Find(db, dstKey);
            if (dst == 0) dst = ListValues.CreateKey(ks, db, dstKey);
        }
        ql.Push(Value(ks, dst), value, toLeft);
        _ = srcKey;
        return value;
    }

    public static void LMPop(CommandContext ctx) => MPopGeneric(ctx, numkeysArg: 1, blocking: false);
    public static void BLMPop(CommandContext ctx) => MPopGeneric(ctx, numkeysArg: 2, blocking: true);

    private static void MPopGeneric(CommandContext ctx, int numkeysArg, bool blocking)
    {
        var a = ctx.Args;
        if (!TryAtLeastOne(ctx, numkeysArg, "ERR numkeys should be greater than 0", out long numkeys)) return;
        long whereIdx = numkeysArg + numkeys + 1;
        if (whereIdx >= a.Count)
        {
            ctx.SyntaxError();
            return;
        }
        if (!TryWhere(ctx, (int)whereIdx, out bool left)) return;
        long count = -1;
        for (int j = (int)whereIdx + 1; j < a.Count; j++)
        {
            if (count == -1 && a.Is(j, "COUNT") && j + 1 < a.Count)
            {
                if (!TryAtLeastOne(ctx, ++j, "ERR count should be greater than 0", out count)) return;
            }
            else
            {
                ctx.SyntaxError();
                return;
            }
        }
        if (count == -1) count = 1;
        var keys = new byte[numkeys][];
        for (int i = 0; i < numkeys; i++) keys[i] = a[numkeysArg + 1 + i].ToArray();
        if (blocking) BlockingPopGeneric(ctx, keys, 1, left, count);
        // mpopGenericCommand: the first non-empty list, else a null array.
        else if (!BlockingPop.ServeFirst(ctx, keys, RegionLayout.TypeList, Popper(left, count))) ctx.Reply.NullArray();
    }

    /// <summary>Replies [key, [elements...]] popping up to count elements (LMPOP/BLMPOP); returns how many it popped.</summary>
    private static long PopRangeWithKey(RedisServer server, int db, Network.RespWriter reply, byte[] key, ulong rec, bool left, long count)
    {
        var ks = server.Keyspace;
        var ql = Ql(server);
        ulong q = Value(ks, rec);
        long n = Math.Min(count, ql.Count(q));
        reply.ArrayHeader(2);
        reply.Bulk(key);
        reply.ArrayHeader(n);
        for (long i = 0; i < n; i++) ql.Pop(q, left, v => reply.Bulk(v));
        DeleteIfEmpty(ks, db, rec, ql);
        return n;
    }

    private static byte[] PopName(bool left) => left ? "LPOP"u8.ToArray() : "RPOP"u8.ToArray();

    // ---- blocking

    public static void BLPop(CommandContext ctx) => BPop(ctx, left: true);
    public static void BRPop(CommandContext ctx) => BPop(ctx, left: false);

    private static void BPop(CommandContext ctx, bool left)
    {
        var keys = new byte[ctx.Args.Count - 2][];
        for (int i = 0; i < keys.Length; i++) keys[i] = ctx.Args[i + 1].ToArray();
        BlockingPopGeneric(ctx, keys, ctx.Args.Count - 1, left, count: -1);
    }

    /// <summary>blockingPopGenericCommand: count -1 is BLPOP/BRPOP ([key, value]), else BLMPOP ([key, [values]]).</summary>
    private static void BlockingPopGeneric(CommandContext ctx, byte[][] keys, int timeoutArg, bool left, long count)
    {
        if (!BlockingKeys.TryParseTimeout(ctx, timeoutArg, out long deadline)) return;
        BlockingPop.Run(ctx, keys, deadline, RegionLayout.TypeList, Popper(left, count), reply => reply.NullArray());
    }

    // One pop per served command (dirty 1), replayed as the pop it was: Redis rewrites
    // BLPOP/BLMPOP, served at once or later, to LPOP/RPOP.
    private static BlockingPop.Handler Popper(bool left, long count) => (server, db, reply, key, rec) =>
        new BlockingPop.Served(1, ServePop(server, db, reply, key, rec, left, count));

    /// <summary>
    /// Pops for BLPOP/BRPOP (count -1) or BLMPOP and replies; returns the pop to replay, as Redis
    /// 7.0 writes it: LPOP key, or LPOP key n with the number actually popped.
    /// </summary>
    private static byte[][] ServePop(RedisServer server, int db, Network.RespWriter reply, byte[] key, ulong rec, bool left, long count)
    {
        if (count != -1)
            return [PopName(left), key, CommandContext.IntBytes(PopRangeWithKey(server, db, reply, key, rec, left, count))];
        var ks = server.Keyspace;
        var ql = Ql(server);
        reply.ArrayHeader(2);
        reply.Bulk(key);
        ql.Pop(Value(ks, rec), left, v => reply.Bulk(v));
        DeleteIfEmpty(ks, db, rec, ql);
        return [PopName(left), key];
    }

    public static void BLMove(CommandContext ctx)
    {
        if (!TryWhere(ctx, 3, out bool fromLeft) || !TryWhere(ctx, 4, out bool toLeft)) return;
        BlockingMove(ctx, fromLeft, toLeft, timeoutArg: 5);
    }

    public static void BRPopLPush(CommandContext ctx) => BlockingMove(ctx, fromLeft: false, toLeft: true, timeoutArg: 3);

    private static void BlockingMove(CommandContext ctx, bool fromLeft, bool toLeft, int timeoutArg)
    {
        if (!BlockingKeys.TryParseTimeout(ctx, timeoutArg, out long deadline)) return;
        if (!Lookup(ctx, ctx.Args[1], write: true, out ulong src)) return;
        if (src != 0)
        {
            MoveGeneric(ctx, fromLeft, toLeft);
            // Replayed as the non-blocking form (BLMOVE -> LMOVE, BRPOPLPUSH -> RPOPLPUSH).
            if (!ctx.Failed)
            {
                if (timeoutArg == 5) ctx.Propagate("LMOVE"u8.ToArray(), ctx.Args.Bytes(1), ctx.Args.Bytes(2), ctx.Args.Bytes(3), ctx.Args.Bytes(4));
                else ctx.Propagate("RPOPLPUSH"u8.ToArray(), ctx.Args.Bytes(1), ctx.Args.Bytes(2));
            }
            return;
        }
        byte[] dstKey = ctx.Args[2].ToArray();
        // BLMOVE replays as LMOVE with its LEFT/RIGHT words as the client wrote them, as Redis does.
        byte[][] served = timeoutArg == 5
            ? ["LMOVE"u8.ToArray(), ctx.Args.Bytes(1), dstKey, ctx.Args.Bytes(3), ctx.Args.Bytes(4)]
            : ["RPOPLPUSH"u8.ToArray(), ctx.Args.Bytes(1), dstKey];
        BlockingPop.Wait(ctx, [ctx.Args[1].ToArray()], deadline, RegionLayout.TypeList,
            (server, db, reply, key, rec) =>
            {
                var ks = server.Keyspace;
                ulong dst = ks.Find(db, dstKey);
                if (dst != 0 && ks.Rec(dst).Type != RegionLayout.TypeList)
                {
                    // As Redis: the client gets WRONGTYPE and is unblocked; the source is untouched.
                    server.Stats.CountError(Errors.WrongType);
                    reply.Error(Errors.WrongType);
                    return new BlockingPop.Served(0, null);
                }
                if (RoomForMove(server, rec, fromLeft) is { } full)
                {
                    server.Stats.CountError(full);
                    reply.Error(full);
                    return new BlockingPop.Served(0, null);
                }
                reply.Bulk(Move(server, db, key, rec, dstKey, dst, fromLeft, toLeft));
                return new BlockingPop.Served(1, served);
            },
            timeoutReply: reply => reply.Null());
    }
}

using RedisLite.Network;
using RedisLite.Server;

namespace RedisLite.Commands;

/// <summary>
/// What every pop from the first non-empty of several keys has in common, for lists and sorted
/// sets alike: LMPOP and ZMPOP, and the blocking BLPOP / BRPOP / BLMPOP / BZPOPMIN / BZPOPMAX /
/// BZMPOP (BLMOVE and BRPOPLPUSH share the waiting half). The keys are tried in order and the
/// first holding a value is served at once; a blocking form otherwise waits in
/// <see cref="BlockingKeys"/> and is served later by the same <see cref="Handler"/>, so the reply,
/// the dirty count and the propagated record are written once per command, whether the pop
/// happens now or for a blocked client. Served now, the record replaces the command's own
/// (<see cref="CommandContext.Propagate"/>); served later, it goes to
/// <see cref="RedisServer.Propagation"/> as its own unit after the command that made the key ready.
/// </summary>
public static class BlockingPop
{
    /// <summary>What serving did: the changes it made (dirty) and the record it replays as (null: none, as for an error reply).</summary>
    public readonly record struct Served(long Dirty, byte[][]? Replay);

    /// <summary>
    /// Serves from <paramref name="rec"/>, a live record of the awaited type under
    /// <paramref name="key"/>: replies into <paramref name="reply"/> and says what it did, or
    /// returns null having done nothing (nothing to pop: a blocked client keeps waiting).
    /// </summary>
    public delegate Served? Handler(RedisServer server, int db, RespWriter reply, byte[] key, ulong rec);

    /// <summary>
    /// Serves from the first of <paramref name="keys"/> that holds a value; true once something
    /// was replied (served, or WRONGTYPE for a key of another type met first), false if every key
    /// is missing and nothing was replied.
    /// </summary>
    public static bool ServeFirst(CommandContext ctx, byte[][] keys, byte type, Handler serve)
    {
        foreach (var key in keys)
        {
            ulong rec = ctx.LookupWrite(key, type);
            if (rec == CommandContext.WrongTypeReplied) return true;
            if (rec == 0 || serve(ctx.Server, ctx.Db, ctx.Reply, key, rec) is not { } served) continue;
            ctx.Dirty += served.Dirty;
            if (served.Replay != null) ctx.Propagate(served.Replay);
            return true;
        }
        return false;
    }

    /// <summary>
    /// Blocks the client on <paramref name="keys"/> until one can be served or the deadline (0:
    /// none) passes; where blocking is denied (MULTI, scripts) replies the timeout reply at once.
    /// </summary>
    public static void Wait(CommandContext ctx, byte[][] keys, long deadlineMs, byte type, Handler serve, Action<RespWriter> timeoutReply)
    {
        if (ctx.Client.DenyBlocking)
        {
            timeoutReply(ctx.Reply);
            return;
        }
        int db = ctx.Db;
        var server = ctx.Server;
        server.Blocking.Block(ctx.Client, db, keys, deadlineMs, type,
            serve: (bc, key, rec) =>
            {
                if (serve(server, db, bc.Reply, key, rec) is not { } served) return false;
                server.Dirty += served.Dirty;
                if (served.Replay != null) server.Propagation.Add(db, served.Replay);
                return true;
            },
            timeout: timeoutReply);
    }

    /// <summary>A blocking pop: served at once from the first key holding a value, else waits for one.</summary>
    public static void Run(CommandContext ctx, byte[][] keys, long deadlineMs, byte type, Handler serve, Action<RespWriter> timeoutReply)
    {
        if (!ServeFirst(ctx, keys, type, serve)) Wait(ctx, keys, deadlineMs, type, serve, timeoutReply);
    }
}

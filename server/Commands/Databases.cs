namespace RedisLite.Commands;

/// <summary>Database-level commands: SELECT DBSIZE FLUSHDB FLUSHALL SWAPDB.</summary>
public static class Databases
{
    /// <summary>
    /// Parses a database index argument (getIntFromObjectOrReply, then the range check), replying
    /// Redis's errors when it is not one. <paramref name="notIntError"/> replaces both integer
    /// errors when given, as Redis's msg argument does.
    /// </summary>
    internal static bool TryDb(CommandContext ctx, int arg, string? notIntError, out int db)
    {
        db = 0;
        if (!Store.StringValues.TryParseCanonicalInt(ctx.Args[arg], out long v))
        {
            ctx.Error(notIntError ?? Errors.NotInteger);
            return false;
        }
        if (v < int.MinValue || v > int.MaxValue)
        {
            ctx.Error(notIntError ?? "ERR value is out of range, value must between -2147483648 and 2147483647");
            return false;
        }
        if (v < 0 || v >= ctx.Keyspace.DbCount)
        {
            ctx.Error(Errors.DbIndexOutOfRange);
            return false;
        }
        db = (int)v;
        return true;
    }

    public static void Select(CommandContext ctx)
    {
        if (!TryDb(ctx, 1, null, out int db)) return;
        ctx.Client.Db = db;
        ctx.Reply.Ok();
    }

    public static void DbSize(CommandContext ctx) => ctx.Reply.Integer((long)ctx.Keyspace.KeyCount(ctx.Db));

    private static bool ParseFlushMode(CommandContext ctx)
    {
        if (ctx.Args.Count == 1) return true;
        if (ctx.Args.Count == 2 && (ctx.Args.Is(1, "SYNC") || ctx.Args.Is(1, "ASYNC"))) return true;
        ctx.SyntaxError();
        return false;
    }

    public static void FlushDb(CommandContext ctx)
    {
        if (!ParseFlushMode(ctx)) return;
        ctx.Dirty += (long)ctx.Keyspace.KeyCount(ctx.Db);
        ctx.Keyspace.Flush(ctx.Db);
        ctx.Reply.Ok();
    }

    /// <summary>
    /// FLUSHALL [SYNC|ASYNC]: ASYNC is accepted and done synchronously (region frees are cheap).
    /// As Redis's flushAllDataAndResetRDB, a snapshot child in progress is stopped (its dump would
    /// hold data that no longer exists) and, with save points configured, the empty dataset is
    /// saved at once; the flush still counts as changes.
    /// </summary>
    public static void FlushAll(CommandContext ctx)
    {
        if (!ParseFlushMode(ctx)) return;
        var snapshots = ctx.Server.Snapshots;
        // Redis stops the child after emptying; before is the same to any client (the store lock
        // is held) and the frees then go straight to the free lists, not held for the child.
        snapshots.KillChild();
        for (int db = 0; db < ctx.Keyspace.DbCount; db++) ctx.Dirty += (long)ctx.Keyspace.KeyCount(db);
        ctx.Keyspace.FlushAll();
        if (ctx.Server.Config.Save.Points.Count > 0)
        {
            long dirty = ctx.Server.Dirty;
            snapshots.SaveForeground();
            ctx.Server.Dirty = dirty;
        }
        // Redis counts FLUSHALL as at least one change so a save point can trigger on it.
        ctx.Dirty++;
        ctx.Reply.Ok();
    }

    public static void SwapDb(CommandContext ctx)
    {
        if (!TryDb(ctx, 1, "ERR invalid first DB index", out int a)) return;
        if (!TryDb(ctx, 2, "ERR invalid second DB index", out int b)) return;
        ctx.Keyspace.Swap(a, b);
        ctx.Server.Blocking.OnDatabasesSwapped(a, b);
        ctx.Dirty++;
        ctx.Reply.Ok();
    }
}

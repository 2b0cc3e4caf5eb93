namespace RedisLite.Commands;

/// <summary>
/// Expiry commands (Redis's expire.c): EXPIRE PEXPIRE EXPIREAT PEXPIREAT with NX XX GT LT, TTL
/// PTTL EXPIRETIME PEXPIRETIME, PERSIST. A deadline is always stored as absolute unix ms, and is
/// replayed that way (PEXPIREAT), so an AOF reload or a replica keeps the same instant; a deadline
/// already past deletes the key and replays as DEL (UNLINK with lazyfree-lazy-expire).
/// </summary>
public static class Expire
{
    [Flags]
    private enum Condition { None = 0, Nx = 1, Xx = 2, Gt = 4, Lt = 8 }

    public static void ExpireCommand(CommandContext ctx) => ExpireGeneric(ctx, ctx.NowMs, seconds: true);
    public static void PExpire(CommandContext ctx) => ExpireGeneric(ctx, ctx.NowMs, seconds: false);
    public static void ExpireAt(CommandContext ctx) => ExpireGeneric(ctx, 0, seconds: true);
    public static void PExpireAt(CommandContext ctx) => ExpireGeneric(ctx, 0, seconds: false);

    private static void ExpireGeneric(CommandContext ctx, long baseMs, bool seconds)
    {
        if (!TryParseCondition(ctx, out var cond)) return;
        if (!ctx.TryLong(2, out long when)) return;
        string invalid = $"ERR invalid expire time in '{ctx.Command.Name}' command";
        if (seconds)
        {
            if (when > long.MaxValue / 1000 || when < long.MinValue / 1000)
            {
                ctx.Error(invalid);
                return;
            }
            when *= 1000;
        }
        if (when > long.MaxValue - baseMs)
        {
            ctx.Error(invalid);
            return;
        }
        when += baseMs;

        var ks = ctx.Keyspace;
        ulong rec = ctx.LookupWrite(ctx.Args[1]);
        if (rec == 0)
        {
            ctx.Reply.Integer(0);
            return;
        }
        long current = ks.Rec(rec).ExpireMs;
        // No TTL counts as an infinite one: never less than a new deadline, never greater.
        bool refused = ((cond & Condition.Nx) != 0 && current != -1)
                       || ((cond & Condition.Xx) != 0 && current == -1)
                       || ((cond & Condition.Gt) != 0 && (current == -1 || when <= current))
                       || ((cond & Condition.Lt) != 0 && current != -1 && when >= current);
        if (refused)
        {
            ctx.Reply.Integer(0);
            return;
        }
        ctx.Dirty++;
        // While loading (an AOF replay) a past deadline is kept: the DEL that followed it replays too.
        if (when <= ctx.NowMs && !ctx.Server.Loading)
        {
            ks.Delete(ctx.Db, rec);
            ctx.Propagate(ctx.Server.Config.LazyfreeLazyExpire.Value ? "UNLINK"u8.ToArray() : "DEL"u8.ToArray(), ctx.Args.Bytes(1));
            ctx.Reply.Integer(1);
            return;
        }
        ks.SetExpire(ctx.Db, rec, Math.Max(when, 0));
        if (baseMs != 0 || seconds)
        {
            // Redis rewrites only the name and the time, keeping any NX/XX/GT/LT after them.
            var argv = ctx.Args.ToArrays();
            argv[0] = "PEXPIREAT"u8.ToArray();
            argv[2] = CommandContext.IntBytes(when);
            ctx.Propagate(argv);
        }
        ctx.Reply.Integer(1);
    }

    private static bool TryParseCondition(CommandContext ctx, out Condition cond)
    {
        cond = Condition.None;
        var a = ctx.Args;
        for (int i = 3; i < a.Count; i++)
        {
            if (a.Is(i, "NX")) cond |= Condition.Nx;
            else if (a.Is(i, "XX")) cond |= Condition.Xx;
            else if (a.Is(i, "GT")) cond |= Condition.Gt;
            else if (a.Is(i, "LT")) cond |= Condition.Lt;
            else
            {
                ctx.Error($"ERR Unsupported option {a.Str(i)}");
                return false;
            }
        }
        if ((cond & Condition.Nx) != 0 && (cond & (Condition.Xx | Condition.Gt | Condition.Lt)) != 0)
        {
            ctx.Error("ERR NX and XX, GT or LT options at the same time are not compatible");
            return false;
        }
        if ((cond & (Condition.Gt | Condition.Lt)) == (Condition.Gt | Condition.Lt))
        {
            ctx.Error("ERR GT and LT options at the same time are not compatible");
            return false;
        }
        return true;
    }

    public static void Ttl(CommandContext ctx) => TtlGeneric(ctx, ms: false, absolute: false);
    public static void PTtl(CommandContext ctx) => TtlGeneric(ctx, ms: true, absolute: false);
    public static void ExpireTime(CommandContext ctx) => TtlGeneric(ctx, ms: false, absolute: true);
    public static void PExpireTime(CommandContext ctx) => TtlGeneric(ctx, ms: true, absolute: true);

    /// <summary>-2 for a missing key, -1 for no TTL; seconds are rounded to nearest, as Redis does.</summary>
    private static void TtlGeneric(CommandContext ctx, bool ms, bool absolute)
    {
        ulong rec = ctx.LookupReadNoTouch(ctx.Args[1]);
        if (rec == 0)
        {
            ctx.Reply.Integer(-2);
            return;
        }
        long at = ctx.Keyspace.Rec(rec).ExpireMs;
        if (at < 0)
        {
            ctx.Reply.Integer(-1);
            return;
        }
        long t = Math.Max(0, absolute ? at : at - ctx.NowMs);
        ctx.Reply.Integer(ms ? t : (t + 500) / 1000);
    }

    public static void Persist(CommandContext ctx)
    {
        ulong rec = ctx.LookupWrite(ctx.Args[1]);
        if (rec == 0 || ctx.Keyspace.Rec(rec).ExpireMs < 0)
        {
            ctx.Reply.Integer(0);
            return;
        }
        ctx.Keyspace.SetExpire(ctx.Db, rec, -1);
        ctx.Dirty++;
        ctx.Reply.Integer(1);
    }
}

namespace RedisLite.Commands;

/// <summary>SAVE and BGSAVE (the work is in Persistence/SnapshotService.cs).</summary>
public static class Snapshots
{
    public static void Save(CommandContext ctx)
    {
        var snaps = ctx.Server.Snapshots;
        if (snaps.ChildRunning)
        {
            ctx.Error("ERR Background save already in progress");
            return;
        }
        if (snaps.SaveForeground() != null) ctx.Error("ERR");
        else ctx.Reply.Ok();
    }

    public static void BgSave(CommandContext ctx)
    {
        bool schedule = false;
        if (ctx.Args.Count == 2)
        {
            if (!ctx.Args.Is(1, "SCHEDULE"))
            {
                ctx.SyntaxError();
                return;
            }
            schedule = true;
        }
        else if (ctx.Args.Count > 2)
        {
            ctx.SyntaxError();
            return;
        }
        var snaps = ctx.Server.Snapshots;
        if (snaps.ChildRunning)
        {
            // Redis schedules only behind an AOF rewrite; behind another BGSAVE it refuses, SCHEDULE or not.
            ctx.Error("ERR Background save already in progress");
            return;
        }
        _ = schedule;
        if (snaps.StartBackground() is { } err) ctx.Error(err);
        else ctx.Reply.Simple("Background saving started"u8);
    }
}

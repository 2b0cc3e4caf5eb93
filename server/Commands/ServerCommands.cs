using RedisLite.Server;

namespace RedisLite.Commands;

/// <summary>Server commands: TIME, LASTSAVE, SHUTDOWN and MONITOR (DEBUG lives in DebugCommand.cs).</summary>
public static class ServerCommands
{
    /// <summary>TIME: [unix seconds, microseconds] as two bulk strings.</summary>
    public static void Time(CommandContext ctx)
    {
        long us = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10;
        ctx.Reply.ArrayHeader(2);
        ctx.Reply.BulkInteger(us / 1_000_000);
        ctx.Reply.BulkInteger(us % 1_000_000);
    }

    public static void LastSave(CommandContext ctx) => ctx.Reply.Integer(ctx.Server.LastSaveUnix);

    /// <summary>
    /// SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE] [ABORT]: saves when SAVE is given or save points are
    /// configured (and NOSAVE is not), then stops the server without replying, as Redis does. A
    /// failed save (or no persistence to save with) stops the shutdown unless FORCE is given.
    /// NOW only skips waiting for replicas, which RedisLite does not have; no shutdown ever waits,
    /// so ABORT always finds none in progress.
    /// </summary>
    public static void Shutdown(CommandContext ctx)
    {
        var a = ctx.Args;
        bool nosave = false, save = false, force = false, abort = false, now = false;
        for (int i = 1; i < a.Count; i++)
        {
            if (a.Is(i, "NOSAVE")) nosave = true;
            else if (a.Is(i, "SAVE")) save = true;
            else if (a.Is(i, "NOW")) now = true;
            else if (a.Is(i, "FORCE")) force = true;
            else if (a.Is(i, "ABORT")) abort = true;
            else
            {
                ctx.SyntaxError();
                return;
            }
        }
        if ((abort && (nosave || save || now || force)) || (nosave && save))
        {
            ctx.SyntaxError();
            return;
        }
        if (abort)
        {
            ctx.Error("ERR No shutdown in progress.");
            return;
        }
        var server = ctx.Server;
        bool doSave = save || (!nosave && server.Config.Save.Points.Count > 0);
        if (!ShutdownSequence.Prepare(server, doSave, force))
        {
            ctx.Error("ERR Errors trying to SHUTDOWN. Check logs.");
            return;
        }
        // No reply: the connection closes as the server goes away.
        ctx.Client.CloseAfterReply = true;
    }

    /// <summary>MONITOR: this connection now receives every command the server executes; a second MONITOR is ignored, as in Redis.</summary>
    public static void Monitor(CommandContext ctx)
    {
        if (ctx.Client.IsMonitor) return;
        ctx.Client.IsMonitor = true;
        ctx.Reply.Ok();
    }
}

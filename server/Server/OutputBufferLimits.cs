namespace RedisLite.Server;

/// <summary>
/// client-output-buffer-limit enforced, as Redis's checkClientOutputBufferLimits and
/// closeClientOnOutputBufferLimitReached: a client whose pending output reaches its class's hard
/// limit, or stays at or over the soft limit for longer than the soft seconds, is closed at once
/// (its pending replies dropped) with Redis's log line. Checked after every command a client runs
/// (where Redis checks as replies are added) and by the cron: RedisLite stops running a client's
/// commands while its replies wait, so a client that stops reading adds nothing more and only the
/// cron would see its soft limit expire.
/// </summary>
public static class OutputBufferLimits
{
    /// <summary>Closes <paramref name="c"/> if it is over its limits; true if it did.</summary>
    public static bool Enforce(RedisServer server, Client c)
    {
        var limit = server.Config.ClientOutputBufferLimit[c.Class];
        if (!limit.Active || c.Killed) return false;
        ulong pending = (ulong)Math.Max(0, c.PendingOutput);
        if (pending == 0)
        {
            c.SoftLimitReachedMs = 0;
            return false;
        }
        bool hard = limit.Hard > 0 && pending >= limit.Hard;
        bool soft = limit.Soft > 0 && pending >= limit.Soft;
        if (soft)
        {
            long now = Environment.TickCount64;
            if (c.SoftLimitReachedMs == 0)
            {
                // The first time it is seen over the soft limit.
                c.SoftLimitReachedMs = now;
                soft = false;
            }
            else if (now - c.SoftLimitReachedMs <= limit.SoftSeconds * 1000L) soft = false;
        }
        else c.SoftLimitReachedMs = 0;
        if (!hard && !soft) return false;
        Log.Warning($"Client {Commands.Connection.Describe(server, c)} scheduled to be closed ASAP for overcoming of output buffer limits.");
        c.Kill();
        return true;
    }
}

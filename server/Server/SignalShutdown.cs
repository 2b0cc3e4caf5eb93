namespace RedisLite.Server;

/// <summary>
/// SIGTERM and SIGINT, as Redis 7.0 handles them by default: a shutdown that saves when save
/// points are configured, and that is abandoned, with the server still serving, when that final
/// save fails ("Error trying to save the DB, can't exit."): exiting anyway would lose every write
/// since the last good save. Another signal tries again; a second SIGINT while a shutdown is
/// still in progress exits at once ("You insist... exiting now."), Redis's escape hatch.
/// </summary>
public sealed class SignalShutdown(RedisServer server)
{
    // 1 while a shutdown triggered by a signal is running.
    private int _inProgress;

    /// <summary>Called from the runtime's signal handler: starts the shutdown on its own thread.</summary>
    public void Received(string signal)
    {
        if (Interlocked.Exchange(ref _inProgress, 1) == 1)
        {
            if (signal == "SIGINT")
            {
                Log.Warning("You insist... exiting now.");
                Environment.Exit(1);
            }
            return;
        }
        Log.Warning($"Received {signal} scheduling shutdown...");
        // The save may take a while; the signal thread is not the place for it.
        new Thread(Run) { IsBackground = true, Name = "signal shutdown" }.Start();
    }

    private void Run()
    {
        bool done;
        lock (server.StoreLock)
        {
            // While the dump loads, nothing is saved (ShutdownSequence) and, as Redis does, the
            // process goes at once rather than after the load.
            if (server.Loading) Log.Warning("Received shutdown signal during loading, scheduling shutdown.");
            done = ShutdownSequence.Prepare(server, save: server.Config.Save.Points.Count > 0, force: false);
            if (done && server.Loading)
            {
                Log.Warning("RedisLite is now ready to exit, bye bye...");
                Environment.Exit(0);
            }
        }
        if (!done) Volatile.Write(ref _inProgress, 0); // keep serving; the next signal tries again
    }
}

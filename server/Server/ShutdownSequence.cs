namespace RedisLite.Server;

/// <summary>
/// Redis's prepareForShutdown/finishShutdown: log, save when asked (through the server's
/// <see cref="RedisServer.Shutdown"/> hook), and only then let the host stop. A failed save stops
/// the shutdown unless FORCE was given, with Redis's log lines; SHUTDOWN then replies an error and
/// the server keeps serving. Runs under the store lock, so no command slips in between the save
/// and the exit.
/// </summary>
public static class ShutdownSequence
{
    /// <summary>Returns false, having logged why, when the save failed and <paramref name="force"/> is off.</summary>
    public static bool Prepare(RedisServer server, bool save, bool force)
    {
        // While loading (or after a load failed) the dataset is partial: never save it over the file.
        if (server.Loading) save = false;
        Log.Warning("User requested shutdown...");
        if (save) Log.Notice("Saving the final RDB snapshot before exiting.");
        bool saved = server.Shutdown?.Invoke(save) ?? !save;
        if (save && !saved)
        {
            if (server.Shutdown == null) Log.Warning("No persistence is configured in this build: the dataset cannot be saved.");
            if (!force)
            {
                Log.Warning("Error trying to save the DB, can't exit.");
                Log.Warning("Errors trying to shut down the server. Check the logs for more information.");
                return false;
            }
            Log.Warning("Error trying to save the DB. Exit anyway.");
        }
        server.ShutdownPrepared = true;
        server.ShutdownRequested.Cancel();
        return true;
    }
}

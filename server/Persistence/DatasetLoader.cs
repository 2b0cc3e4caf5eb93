using System.Diagnostics;
using RedisLite.Persistence.Rdb;
using RedisLite.Server;

namespace RedisLite.Persistence;

/// <summary>
/// Loads dbfilename from dir at startup (and for DEBUG RELOAD), as Redis's loadDataFromDisk:
/// a missing file is an empty dataset; a bad file is an error naming the file and offset, and the
/// caller exits rather than serve, or ever save over the file, the part that loaded.
/// </summary>
public static class DatasetLoader
{
    public sealed record Result(long Loaded, long Expired, double Seconds);

    /// <summary>Loads the dump if present. Returns null when there is no file.</summary>
    public static Result? LoadDump(RedisServer server)
    {
        string path = server.Snapshots.DumpPath;
        if (!File.Exists(path)) return null;
        var sw = Stopwatch.StartNew();
        // Loading stays set if the load fails: the caller exits without ever serving (or saving)
        // the part that did load.
        server.Loading = true;
        RdbReader.LoadFile(path, new RdbLoadSink(server), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            server.Config.RdbChecksum.Value, out long loaded, out long expired);
        var r = new Result(loaded, expired, sw.Elapsed.TotalSeconds);
        server.Snapshots.RecordLoad(loaded, expired);
        Log.Notice($"Done loading RDB, keys loaded: {loaded}, keys expired: {expired}.");
        Log.Notice($"DB loaded from disk: {r.Seconds:0.000} seconds");
        server.Loading = false;
        return r;
    }
}

using System.Diagnostics;
using RedisLite.Persistence.Rdb;
using RedisLite.Server;

namespace RedisLite.Persistence;

/// <summary>
/// Loads dbfilename from dir at startup (and for DEBUG RELOAD), as Redis's loadDataFromDisk:
/// a missing file is an empty dataset; a bad file is an error naming the file and offset, and the
/// caller refuses to start rather than ever overwrite it.
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
        server.Loading = true;
        try
        {
            RdbReader.LoadFile(path, new RdbLoadSink(server), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), out long loaded, out long expired);
            var r = new Result(loaded, expired, sw.Elapsed.TotalSeconds);
            server.Snapshots.RecordLoad(loaded, expired);
            Log.Notice($"Done loading RDB, keys loaded: {loaded}, keys expired: {expired}.");
            Log.Notice($"DB loaded from disk: {r.Seconds:0.000} seconds");
            return r;
        }
        finally
        {
            server.Loading = false;
        }
    }
}

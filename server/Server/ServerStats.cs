namespace RedisLite.Server;

/// <summary>Counters behind INFO stats (Redis 7.0 field names in comments).</summary>
public sealed class ServerStats
{
    public long ConnectionsReceived;    // total_connections_received
    public long CommandsProcessed;      // total_commands_processed
    public long RejectedConnections;    // rejected_connections
    public long NetInputBytes;          // total_net_input_bytes
    public long NetOutputBytes;         // total_net_output_bytes
    public long ExpiredKeys;            // expired_keys
    public long ExpiredStalePercTimes;  // (internal) active expire stale estimates
    public long KeyspaceHits;           // keyspace_hits
    public long KeyspaceMisses;         // keyspace_misses
    public long EvictedKeys;            // evicted_keys
    public long TotalErrorReplies;      // total_error_replies
    public long UnexpectedErrorReplies; // unexpected_error_replies
    public long ExpireCycleTimeUsedUs;  // expire_cycle_cpu_milliseconds (us here)
    public long ActiveExpireCycles;

    /// <summary>instantaneous_ops_per_sec: ops/s over the last samples, refreshed by the cron.</summary>
    public long InstantaneousOps;
    private long _lastOpsSample, _lastOpsSampleMs = Environment.TickCount64;

    public void SampleOps()
    {
        long now = Environment.TickCount64;
        long dt = now - _lastOpsSampleMs;
        if (dt < 100) return;
        long ops = Interlocked.Read(ref CommandsProcessed);
        InstantaneousOps = (ops - _lastOpsSample) * 1000 / dt;
        _lastOpsSample = ops;
        _lastOpsSampleMs = now;
    }

    /// <summary>CONFIG RESETSTAT.</summary>
    public void Reset()
    {
        ConnectionsReceived = CommandsProcessed = RejectedConnections = NetInputBytes = NetOutputBytes = 0;
        ExpiredKeys = KeyspaceHits = KeyspaceMisses = EvictedKeys = TotalErrorReplies = UnexpectedErrorReplies = 0;
        ExpireCycleTimeUsedUs = ActiveExpireCycles = ExpiredStalePercTimes = 0;
    }
}

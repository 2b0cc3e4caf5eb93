namespace RedisLite.Server;

/// <summary>Counters behind INFO stats (Redis 7.0 field names in comments).</summary>
public sealed class ServerStats
{
    public long ConnectionsReceived;    // total_connections_received
    public long CommandsProcessed;      // total_commands_processed
    public long RejectedConnections;    // rejected_connections
    public long NetInputBytes;          // total_net_input_bytes
    public long NetOutputBytes;         // total_net_output_bytes
    public long ReadsProcessed;         // total_reads_processed
    public long WritesProcessed;        // total_writes_processed
    public long ExpiredKeys;            // expired_keys
    public double ExpiredStalePerc;     // expired_stale_perc (running estimate, 0..1)
    public long ExpiredTimeCapReached;  // expired_time_cap_reached_count
    public long KeyspaceHits;           // keyspace_hits
    public long KeyspaceMisses;         // keyspace_misses
    public long EvictedKeys;            // evicted_keys
    public long TotalErrorReplies;      // total_error_replies
    public long UnexpectedErrorReplies; // unexpected_error_replies
    public long ExpireCycleTimeUsedUs;  // expire_cycle_cpu_milliseconds (us here)
    public long ActiveExpireCycles;
    public ulong PeakMemory;            // used_memory_peak

    /// <summary>errorstat_*: replies per error code (the first word), at most <see cref="MaxErrorCodes"/> codes, as Redis caps them.</summary>
    public Dictionary<string, long> ErrorCodes { get; } = new(StringComparer.Ordinal);
    public const int MaxErrorCodes = 128;

    /// <summary>instantaneous_ops_per_sec and the *_kbps figures, refreshed by the cron.</summary>
    public long InstantaneousOps;
    public double InstantaneousInputKbps, InstantaneousOutputKbps;
    private long _lastOpsSample, _lastInSample, _lastOutSample, _lastOpsSampleMs = Environment.TickCount64;

    public void SampleOps()
    {
        long now = Environment.TickCount64;
        long dt = now - _lastOpsSampleMs;
        if (dt < 100) return;
        long ops = Interlocked.Read(ref CommandsProcessed);
        long input = Interlocked.Read(ref NetInputBytes);
        long output = Interlocked.Read(ref NetOutputBytes);
        InstantaneousOps = (ops - _lastOpsSample) * 1000 / dt;
        InstantaneousInputKbps = (input - _lastInSample) * 1000.0 / dt / 1024;
        InstantaneousOutputKbps = (output - _lastOutSample) * 1000.0 / dt / 1024;
        _lastOpsSample = ops;
        _lastInSample = input;
        _lastOutSample = output;
        _lastOpsSampleMs = now;
    }

    /// <summary>
    /// Counts an error reply (Redis's afterErrorReply): total_error_replies, and errorstat_ under
    /// the error's code, the first word if a space comes within 32 characters, else ERR.
    /// </summary>
    public void CountError(string message)
    {
        TotalErrorReplies++;
        int space = message.AsSpan(0, Math.Min(message.Length, 31)).IndexOf(' ');
        string code = space > 0 ? message[..space] : "ERR";
        if (ErrorCodes.TryGetValue(code, out long n)) ErrorCodes[code] = n + 1;
        else if (ErrorCodes.Count < MaxErrorCodes) ErrorCodes[code] = 1;
    }

    /// <summary>CONFIG RESETSTAT (which, as in Redis 7.0, keeps the memory peak).</summary>
    public void Reset()
    {
        ConnectionsReceived = CommandsProcessed = RejectedConnections = NetInputBytes = NetOutputBytes = 0;
        ReadsProcessed = WritesProcessed = 0;
        ExpiredKeys = KeyspaceHits = KeyspaceMisses = EvictedKeys = TotalErrorReplies = UnexpectedErrorReplies = 0;
        ExpireCycleTimeUsedUs = ActiveExpireCycles = ExpiredTimeCapReached = 0;
        ExpiredStalePerc = 0;
        ErrorCodes.Clear();
    }
}

using System.Diagnostics;

namespace RedisLite.Server;

/// <summary>
/// Redis's serverCron: runs <c>hz</c> times a second under the store lock and does the periodic
/// work: active expiry, incremental rehash and table shrinking, returning freed region pages to
/// the kernel, client timeouts, and stats.
/// </summary>
public sealed class ServerCron : IDisposable
{
    private readonly RedisServer _server;
    private readonly Thread _thread;
    private volatile bool _stop;
    private readonly ActiveExpire _expire;

    public ServerCron(RedisServer server)
    {
        _server = server;
        _expire = new ActiveExpire(server);
        _thread = new Thread(Loop) { IsBackground = true, Name = "redislite-cron" };
        _thread.Start();
    }

    private void Loop()
    {
        while (!_stop)
        {
            int hz = (int)_server.Config.Hz.Value;
            Thread.Sleep(Math.Max(1, 1000 / hz));
            try
            {
                Tick(hz);
            }
            catch (Exception e)
            {
                Log.Warning($"serverCron failed: {e}");
            }
        }
    }

    /// <summary>One cron cycle; public so tests can drive it deterministically.</summary>
    public void Tick(int hz)
    {
        var ks = _server.Keyspace;
        lock (_server.StoreLock)
        {
            ks.NowMs = _server.ClockMs();
            _expire.Cycle(hz);
            _server.Snapshots.Poll();
            // Blocks held for a snapshot child that has ended go back to the free lists, about
            // 5 ms' worth per tick (RegionAllocator says why not all at once).
            if (ks.Alloc.HeldBlocks.Count > 0) ks.Alloc.ReleaseHeld(Stopwatch.GetTimestamp() + Stopwatch.Frequency / 200);
            // Free pages whose decay has passed go back to the kernel, a bounded amount per tick.
            if (ks.Alloc.ReleasePending) ks.Alloc.ReleaseFreePages(Stopwatch.GetTimestamp() + Stopwatch.Frequency / 500);
            _server.Snapshots.CheckSavePoints();
            _server.Blocking.ServeTimeouts(ks.NowMs);
            for (int db = 0; db < ks.DbCount; db++)
            {
                ks.Keys(db).ShrinkIfNeeded();
                ks.Expires(db).ShrinkIfNeeded();
                if (_server.Config.ActiveRehashing.Value && !ks.ChildActive)
                {
                    // Like Redis's incrementallyRehash: about 1 ms per database that is rehashing.
                    long deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 1000;
                    if (ks.Keys(db).IsRehashing) { ks.Keys(db).RehashUntil(deadline); break; }
                    if (ks.Expires(db).IsRehashing) { ks.Expires(db).RehashUntil(deadline); break; }
                }
            }
        }
        _server.Stats.SampleOps();
        CloseTimedOutClients();
        CheckClientBuffers();
    }

    /// <summary>
    /// For clients whose replies wait for the socket: brings their share of used_memory up to date
    /// (the output drains while their connection waits) and closes those over their output buffer
    /// limits (they run no commands meanwhile, so only here is a soft limit seen to expire). Other
    /// clients' connections keep their own figures current after each turn.
    /// </summary>
    private void CheckClientBuffers()
    {
        foreach (var c in _server.Clients.All)
        {
            if (!c.AwaitingFlush) continue;
            _server.Clients.UpdateMemory(c);
            OutputBufferLimits.Enforce(_server, c);
        }
    }

    private void CloseTimedOutClients()
    {
        long timeout = _server.Config.Timeout.Value;
        if (timeout <= 0) return;
        long now = Environment.TickCount64;
        foreach (var c in _server.Clients.All)
        {
            if (c.IsMonitor || c.Blocked != null) continue; // as Redis: blocked clients are not idle
            if (now - c.LastInteractionMs > timeout * 1000)
            {
                Log.Verbose($"Closing idle client id={c.Id}");
                c.Kill();
            }
        }
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join(2000);
    }
}

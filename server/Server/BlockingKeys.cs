using System.Buffers;
using RedisLite.Commands;
using RedisLite.Network;
using RedisLite.Store;

namespace RedisLite.Server;

/// <summary>
/// Clients blocked on keys (Redis's blocked.c for BLPOP/BRPOP/BLMOVE/BRPOPLPUSH/BLMPOP and
/// BZPOPMIN/BZPOPMAX/BZMPOP). Everything here runs under the store lock.
///
/// Design:
/// - A blocked client waits on one or more keys of one database, for values of one type. It is
///   queued per (db, key) in arrival order, so the first client blocked on a key is the first
///   served ("first blocked, first served", as Redis).
/// - Write paths say "this key may now be ready": <see cref="Keyspace.KeyAdded"/> fires whenever
///   a record is created or moved into a database (Redis's dbAdd: pushes that create the key,
///   RENAME, MOVE, COPY...), and <see cref="SignalKeyAsReady"/> may be called directly by commands
///   that add to an existing value. Because Redis never keeps an empty list or sorted set, a key
///   a client waits on can only become servable by being created, so the hook is enough for lists
///   and sorted sets. Signalling is a no-op (no allocation) while nobody is blocked.
/// - After every command the executor calls <see cref="HandleReadyKeys"/>: for each ready key, in
///   signal order, the clients queued on it are offered the key in FIFO order until one declines
///   (the key is gone, empty, or of another type: the client then stays blocked, as in Redis).
///   Serving may make other keys ready (BLMOVE pushes to its destination); they are handled in
///   the same pass.
/// - Serving writes the reply into the blocked client's own buffer (<see cref="BlockedClient.Reply"/>),
///   not into its connection: that connection may be flushing outside the lock. The connection
///   awaits <see cref="BlockedClient.Unblocked"/>, then copies the buffer into its output, flushes,
///   and only then goes on with the client's later pipelined commands.
/// - Timeouts are served by the server cron (<see cref="ServeTimeouts"/>, every 1000/hz ms) and,
///   for precision, by a timer armed at the deadline (Redis serves them before each event-loop
///   sleep, to the millisecond); CLIENT UNBLOCK and disconnection go through <see cref="Unblock"/> / <see cref="RemoveClient"/>.
///
/// API for a blocking command: pops go through <see cref="Commands.BlockingPop"/>, which tries
/// the keys at once and otherwise blocks with a handler that serves the same way now or later
/// (lists in Commands/Lists.cs, sorted sets in Commands/ZSetPops.cs). Underneath it:
/// <code>
///   if (!BlockingKeys.TryParseTimeout(ctx, argIndex, out long deadlineMs)) return; // error replied
///   ... try the non-blocking form first; if it served, return ...
///   if (ctx.Client.DenyBlocking) { ctx.Reply.NullArray(); return; }            // MULTI, scripts
///   ctx.Server.Blocking.Block(ctx.Client, ctx.Db, keys, deadlineMs, RegionLayout.TypeZSet,
///       serve: (bc, key, rec) => { ...pop from rec, write bc.Reply, ctx-free...; return true; },
///       timeout: reply => reply.NullArray());
/// </code>
/// <c>serve</c> is called under the lock with a live record of the awaited type; it returns true
/// once it replied (the client is then unblocked), false to stay blocked. It must use
/// <see cref="BlockedClient.Reply"/> (never the client's own writer), add to
/// <see cref="RedisServer.Dirty"/> itself, and add its non-blocking form (LPOP, LMOVE, ZPOPMIN...)
/// to <see cref="RedisServer.Propagation"/>: served after the command that made the key ready,
/// it goes out as its own unit after that command's.
/// </summary>
public sealed class BlockingKeys
{
    /// <summary>Serves a blocked client from a ready key: reply into bc.Reply and return true, or false to keep waiting.</summary>
    public delegate bool ServeHandler(BlockedClient bc, byte[] key, ulong rec);

    private readonly RedisServer _server;
    private readonly Dictionary<WaitKey, LinkedList<BlockedClient>> _waiting = new();
    private readonly List<BlockedClient> _blocked = [];
    private readonly List<WaitKey> _ready = [];
    private readonly HashSet<WaitKey> _readySet = [];

    public BlockingKeys(RedisServer server)
    {
        _server = server;
        server.Keyspace.KeyAdded += (db, rec) =>
        {
            if (_waiting.Count != 0) SignalKeyAsReady(db, server.Keyspace.KeyOf(rec));
        };
    }

    /// <summary>INFO blocked_clients.</summary>
    public int BlockedCount => _blocked.Count;

    /// <summary>INFO clients_in_timeout_table: blocked clients with a timeout.</summary>
    public int InTimeoutTable
    {
        get
        {
            int n = 0;
            foreach (var b in _blocked) if (b.DeadlineMs > 0) n++;
            return n;
        }
    }

    /// <summary>True when some key was signalled since the last <see cref="HandleReadyKeys"/>.</summary>
    public bool HasReadyKeys => _ready.Count != 0;

    /// <summary>
    /// Parses a blocking timeout in seconds (float) as Redis's getTimeoutFromObjectOrReply does:
    /// 0 is "forever" (deadline 0), otherwise the absolute deadline in server-clock ms. Replies
    /// the error and returns false when it is not acceptable.
    /// </summary>
    public static bool TryParseTimeout(CommandContext ctx, int arg, out long deadlineMs)
    {
        deadlineMs = 0;
        if (!CommandContext.TryParseDouble(ctx.Args[arg], out double seconds))
        {
            ctx.Error("ERR timeout is not a float or out of range");
            return false;
        }
        // Redis converts ceil(seconds * 1000) to a long long; out of range (inf, 1e30) that gives
        // LLONG_MIN on x86-64, so such timeouts are reported as negative, as redis-server does.
        double rounded = Math.Ceiling(seconds * 1000.0);
        long t = rounded >= 9.2233720368547758e18 || rounded < -9.2233720368547758e18 ? long.MinValue : (long)rounded;
        if (t < 0)
        {
            ctx.Error("ERR timeout is negative");
            return false;
        }
        if (t > 0)
        {
            long now = ctx.Server.ClockMs();
            if (t > long.MaxValue - now)
            {
                ctx.Error("ERR timeout is out of range");
                return false;
            }
            deadlineMs = t + now;
        }
        return true;
    }

    /// <summary>Blocks <paramref name="client"/> on <paramref name="keys"/> of database <paramref name="db"/> (deadline 0: no timeout).</summary>
    public BlockedClient Block(Client client, int db, IReadOnlyList<byte[]> keys, long deadlineMs, byte type,
        ServeHandler serve, Action<RespWriter> timeout)
    {
        if (client.Blocked != null) throw new InvalidOperationException("client is already blocked");
        var bc = new BlockedClient(client, db, keys.ToArray(), deadlineMs, type, serve, timeout);
        bc.Reply.Protocol = client.Writer.Protocol;
        var seen = new HashSet<WaitKey>();
        var nodes = new List<(WaitKey, LinkedListNode<BlockedClient>)>();
        foreach (var k in bc.Keys)
        {
            var wk = new WaitKey(db, k);
            if (!seen.Add(wk)) continue; // BLPOP k k: queued once
            if (!_waiting.TryGetValue(wk, out var queue)) _waiting[wk] = queue = new LinkedList<BlockedClient>();
            nodes.Add((wk, queue.AddLast(bc)));
        }
        bc.Nodes = nodes;
        _blocked.Add(bc);
        client.Blocked = bc;
        if (deadlineMs > 0) ArmTimer(bc, deadlineMs - _server.ClockMs());
        return bc;
    }

    // Fires just after the deadline and times out whoever is due then (the cron is the fallback).
    private void ArmTimer(BlockedClient bc, long delayMs)
    {
        bc.TimerCancel = new CancellationTokenSource();
        var token = bc.TimerCancel.Token;
        _ = Task.Delay(TimeSpan.FromMilliseconds(Math.Clamp(delayMs + 1, 1, int.MaxValue)), token).ContinueWith(t =>
        {
            if (t.IsCanceled) return;
            lock (_server.StoreLock)
            {
                if (bc.Client.Blocked != bc) return;
                _server.Keyspace.NowMs = _server.ClockMs();
                ServeTimeouts(_server.Keyspace.NowMs);
            }
        }, TaskScheduler.Default);
    }

    /// <summary>Redis's signalKeyAsReady: queue (db, key) for <see cref="HandleReadyKeys"/> if a client waits on it.</summary>
    public void SignalKeyAsReady(int db, ReadOnlySpan<byte> key)
    {
        if (_waiting.Count == 0) return;
        var wk = new WaitKey(db, key.ToArray());
        if (!_waiting.ContainsKey(wk) || !_readySet.Add(wk)) return;
        _ready.Add(wk);
    }

    /// <summary>SWAPDB: every awaited key that now exists in either database may be servable (Redis's scanDatabaseForReadyKeys).</summary>
    public void OnDatabasesSwapped(int a, int b)
    {
        if (_waiting.Count == 0) return;
        foreach (var wk in _waiting.Keys.ToList())
            if ((wk.Db == a || wk.Db == b) && _server.Keyspace.Find(wk.Db, wk.Key) != 0)
                SignalKeyAsReady(wk.Db, wk.Key);
    }

    /// <summary>Serves the clients waiting on the keys signalled so far (after each command, under the lock).</summary>
    public void HandleReadyKeys()
    {
        // Serving can signal more keys (BLMOVE's destination): keep going until none is left.
        while (_ready.Count != 0)
        {
            var batch = _ready.ToArray();
            _ready.Clear();
            _readySet.Clear();
            foreach (var wk in batch)
            {
                if (!_waiting.TryGetValue(wk, out var queue)) continue;
                var node = queue.First;
                while (node != null)
                {
                    var next = node.Next;
                    var bc = node.Value;
                    var ks = _server.Keyspace;
                    ulong rec = ks.Find(wk.Db, wk.Key);
                    if (rec == 0 || ks.Rec(rec).Type != bc.Type) break; // stays blocked
                    if (!bc.Serve(bc, wk.Key, rec)) { node = next; continue; }
                    ks.Changes.Note(wk.Db, wk.Key);
                    Finish(bc);
                    // Serving may have changed this queue (a BLMOVE onto its own key): go on from
                    // the node that followed, if it is still queued, else from the head.
                    if (!_waiting.TryGetValue(wk, out queue)) break;
                    node = next != null && next.List == queue ? next : queue.First;
                }
            }
        }
    }

    /// <summary>Times out every blocked client whose deadline passed (server cron, under the lock).</summary>
    public void ServeTimeouts(long nowMs)
    {
        if (_blocked.Count == 0) return;
        foreach (var bc in _blocked.ToArray())
            if (bc.DeadlineMs > 0 && bc.DeadlineMs <= nowMs)
            {
                bc.TimeoutReply(bc.Reply);
                Finish(bc);
            }
    }

    /// <summary>CLIENT UNBLOCK: false if the client is not blocked. With <paramref name="error"/> it gets -UNBLOCKED, else its timeout reply.</summary>
    public bool Unblock(Client client, bool error)
    {
        var bc = client.Blocked;
        if (bc == null) return false;
        if (error) bc.Reply.Error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
        else bc.TimeoutReply(bc.Reply);
        Finish(bc);
        return true;
    }

    /// <summary>Forgets a client that went away while blocked (no reply).</summary>
    public void RemoveClient(Client client)
    {
        var bc = client.Blocked;
        if (bc == null) return;
        Detach(bc);
        bc.Unblocked.TrySetResult();
    }

    private void Finish(BlockedClient bc)
    {
        Detach(bc);
        bc.Reply.Commit();
        bc.Unblocked.TrySetResult();
    }

    private void Detach(BlockedClient bc)
    {
        foreach (var (wk, node) in bc.Nodes)
        {
            var queue = node.List!;
            queue.Remove(node);
            if (queue.Count == 0) _waiting.Remove(wk);
        }
        bc.Nodes = [];
        _blocked.Remove(bc);
        bc.Client.Blocked = null;
        bc.TimerCancel?.Cancel();
        bc.TimerCancel?.Dispose();
        bc.TimerCancel = null;
    }

    /// <summary>(db, key) as a dictionary key, compared by content.</summary>
    internal readonly struct WaitKey(int db, byte[] key) : IEquatable<WaitKey>
    {
        public int Db { get; } = db;
        public byte[] Key { get; } = key;
        public bool Equals(WaitKey o) => Db == o.Db && Key.AsSpan().SequenceEqual(o.Key);
        public override bool Equals(object? obj) => obj is WaitKey o && Equals(o);
        public override int GetHashCode()
        {
            var h = new HashCode();
            h.Add(Db);
            h.AddBytes(Key);
            return h.ToHashCode();
        }
    }
}

/// <summary>
/// One client's blocked state: what it waits for, how to serve it, and the reply gathered for it
/// while its connection waits (see <see cref="BlockingKeys"/>).
/// </summary>
public sealed class BlockedClient
{
    public Client Client { get; }
    public int Db { get; }
    /// <summary>The keys as the command named them (duplicates kept; queued once each).</summary>
    public byte[][] Keys { get; }
    /// <summary>Absolute server-clock ms, 0 for no timeout.</summary>
    public long DeadlineMs { get; }
    /// <summary>The value type that can serve this client (RegionLayout.Type*).</summary>
    public byte Type { get; }
    public BlockingKeys.ServeHandler Serve { get; }
    public Action<RespWriter> TimeoutReply { get; }
    /// <summary>Where serving, timing out or CLIENT UNBLOCK write the client's reply.</summary>
    public RespWriter Reply { get; }
    public ArrayBufferWriter<byte> Output { get; } = new(64);
    /// <summary>Completed (on the thread pool) once the client is unblocked for any reason.</summary>
    public TaskCompletionSource Unblocked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    internal List<(BlockingKeys.WaitKey, LinkedListNode<BlockedClient>)> Nodes = [];
    internal CancellationTokenSource? TimerCancel;

    internal BlockedClient(Client client, int db, byte[][] keys, long deadlineMs, byte type,
        BlockingKeys.ServeHandler serve, Action<RespWriter> timeout)
    {
        Client = client;
        Db = db;
        Keys = keys;
        DeadlineMs = deadlineMs;
        Type = type;
        Serve = serve;
        TimeoutReply = timeout;
        Reply = new RespWriter(Output);
    }
}

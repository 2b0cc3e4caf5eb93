using System.Collections.Concurrent;

namespace RedisLite.Server;

/// <summary>The connected clients, by id: CLIENT LIST/KILL, maxclients, timeouts, INFO clients.</summary>
public sealed class ClientRegistry
{
    private readonly ConcurrentDictionary<long, Client> _clients = new();
    private long _nextId;
    // Connections admitted by the listener and not yet finished: counted from accept on, before
    // the connection's handler registers its client, so a burst of connects cannot overshoot.
    private long _admitted;

    /// <summary>
    /// Counts a just-accepted connection in, unless <paramref name="maxClients"/> are already
    /// there (Redis's check in acceptCommonHandler); every true must be paired with <see cref="Departed"/>.
    /// </summary>
    public bool TryAdmit(long maxClients)
    {
        if (Interlocked.Increment(ref _admitted) <= maxClients) return true;
        Interlocked.Decrement(ref _admitted);
        return false;
    }

    /// <summary>An admitted connection has ended.</summary>
    public void Departed() => Interlocked.Decrement(ref _admitted);

    // Sum of every client's MemoryUsage as last reported (INFO mem_clients_normal, part of used_memory).
    private long _memory;

    public long NextId() => Interlocked.Increment(ref _nextId);
    public int Count => _clients.Count;
    public void Add(Client c) => _clients[c.Id] = c;

    public void Remove(Client c)
    {
        _clients.TryRemove(c.Id, out _);
        lock (c.MemoryGate)
        {
            c.MemoryRetired = true;
            Interlocked.Add(ref _memory, -c.ReportedMemory);
            c.ReportedMemory = 0;
        }
    }

    /// <summary>
    /// Memory held for clients' buffers (query buffers, input held by the transport, pending
    /// output), as last reported: O(1), so used_memory can include it after every command.
    /// </summary>
    // A plain read (64-bit loads are atomic here): Interlocked.Read is a locked compare-exchange,
    // and used_memory is read after every command, from every connection's thread.
    public long MemoryBytes => Volatile.Read(ref _memory);

    /// <summary>
    /// Brings <paramref name="c"/>'s share of <see cref="MemoryBytes"/> up to date. Its connection
    /// does it after each turn (read, run, flush), and the cron for clients waiting for their
    /// output to drain; the steady state (nothing held) costs a comparison.
    /// </summary>
    public void UpdateMemory(Client c)
    {
        if (c.MemoryUsage == Volatile.Read(ref c.ReportedMemory)) return;
        lock (c.MemoryGate)
        {
            if (c.MemoryRetired) return;
            // Measured under the gate, so a late caller never writes back an older figure.
            long now = c.MemoryUsage;
            Interlocked.Add(ref _memory, now - c.ReportedMemory);
            c.ReportedMemory = now;
        }
    }
    public Client? Find(long id) => _clients.TryGetValue(id, out var c) ? c : null;

    /// <summary>Clients ordered by id (CLIENT LIST order).</summary>
    public IEnumerable<Client> All => _clients.Values.OrderBy(c => c.Id);
}

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

    public long NextId() => Interlocked.Increment(ref _nextId);
    public int Count => _clients.Count;
    public void Add(Client c) => _clients[c.Id] = c;
    public void Remove(Client c) => _clients.TryRemove(c.Id, out _);
    public Client? Find(long id) => _clients.TryGetValue(id, out var c) ? c : null;

    /// <summary>Clients ordered by id (CLIENT LIST order).</summary>
    public IEnumerable<Client> All => _clients.Values.OrderBy(c => c.Id);
}

using System.Collections.Concurrent;

namespace RedisLite.Server;

/// <summary>The connected clients, by id: CLIENT LIST/KILL, maxclients, timeouts, INFO clients.</summary>
public sealed class ClientRegistry
{
    private readonly ConcurrentDictionary<long, Client> _clients = new();
    private long _nextId;

    public long NextId() => Interlocked.Increment(ref _nextId);
    public int Count => _clients.Count;
    public void Add(Client c) => _clients[c.Id] = c;
    public void Remove(Client c) => _clients.TryRemove(c.Id, out _);
    public Client? Find(long id) => _clients.TryGetValue(id, out var c) ? c : null;

    /// <summary>Clients ordered by id (CLIENT LIST order).</summary>
    public IEnumerable<Client> All => _clients.Values.OrderBy(c => c.Id);
}

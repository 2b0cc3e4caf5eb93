namespace RedisLite.Store;

/// <summary>
/// Which keys the dataset's changes touch, for what will watch them: WATCH (a modified key fails
/// EXEC), keyspace notifications and client-side caching (an invalidation per modified key).
/// Redis calls signalModifiedKey from each command; here the keyspace notes the keys a command
/// creates, deletes, moves or looks up for writing while it runs (<see cref="BeginCommand"/>),
/// and when the command ends having changed something (<see cref="EndCommand"/>) each noted key
/// is raised once as <see cref="KeyModified"/>. A lookup for writing that changes nothing is not
/// raised because the command then leaves nothing dirty; a store command's source keys are
/// looked up for reading and are not raised, as in Redis. Keys that expire are raised at once,
/// whatever the command does, as Redis's deleteExpiredKeyAndPropagate does. Whole databases are
/// announced by <see cref="DbFlushed"/> and <see cref="DbsSwapped"/> rather than key by key.
///
/// With nobody subscribed to <see cref="KeyModified"/>, noting is one branch and copies nothing.
/// </summary>
public sealed class KeyChanges
{
    private readonly List<(int Db, byte[] Key)> _noted = [];
    private bool _inCommand;

    /// <summary>A key's value, TTL or existence changed: (db, key). Raised under the store lock.</summary>
    public event Action<int, ReadOnlySpan<byte>>? KeyModified;

    /// <summary>Every key of a database is gone (FLUSHDB, or -1 for FLUSHALL).</summary>
    public event Action<int>? DbFlushed;

    /// <summary>Two databases traded contents (SWAPDB): every key of both may have changed.</summary>
    public event Action<int, int>? DbsSwapped;

    /// <summary>True when someone listens for modified keys; only then are keys noted.</summary>
    public bool Tracking => KeyModified != null;

    public void BeginCommand()
    {
        _inCommand = true;
        _noted.Clear();
    }

    /// <summary>Notes a key the running command may have changed (outside a command: raised at once).</summary>
    public void Note(int db, ReadOnlySpan<byte> key)
    {
        if (!Tracking) return;
        if (_inCommand) _noted.Add((db, key.ToArray()));
        else KeyModified?.Invoke(db, key);
    }

    /// <summary>Raises a change now (an expired key).</summary>
    public void Signal(int db, ReadOnlySpan<byte> key) => KeyModified?.Invoke(db, key);

    /// <summary>Ends the command: raises each noted key once if it <paramref name="changed"/> the dataset.</summary>
    public void EndCommand(bool changed)
    {
        _inCommand = false;
        if (!changed || _noted.Count == 0)
        {
            _noted.Clear();
            return;
        }
        var raised = new HashSet<(int, string)>();
        foreach (var (db, key) in _noted)
            if (raised.Add((db, Convert.ToBase64String(key)))) KeyModified?.Invoke(db, key);
        _noted.Clear();
    }

    public void Flushed(int db) => DbFlushed?.Invoke(db);

    public void Swapped(int a, int b) => DbsSwapped?.Invoke(a, b);
}

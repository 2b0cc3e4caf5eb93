namespace RedisLite.Server;

/// <summary>One command as it must be replayed, in the database it applies to.</summary>
public readonly record struct PropagatedCommand(int Db, byte[][] Argv);

/// <summary>A consumer of the propagation stream: the AOF writer, the replication backlog.</summary>
public interface IPropagationSink
{
    /// <summary>
    /// One atomic unit, in order: a single command, or MULTI ... EXEC around several. Called under
    /// the store lock, before any reply of the unit's commands can leave; a sink that must not
    /// slow commands down only queues the unit here. Selecting the database (SELECT before a command whose
    /// Db differs from the last one it wrote) is the sink's job, as each tracks its own.
    /// </summary>
    void Append(IReadOnlyList<PropagatedCommand> unit);
}

/// <summary>
/// The one path by which the dataset's changes leave the executor (Redis's propagate / alsoPropagate
/// / propagatePendingCommands). Every write becomes records: the command's own
/// <see cref="Commands.CommandContext.Propagate"/> forms (relative expiries as absolute times,
/// SPOP as SREM, a served BLPOP as LPOP...) or, if it has none and changed something, its argv as
/// received; keys that expire on the way are added as DEL (UNLINK with lazyfree-lazy-expire)
/// before the command that met them; evicted keys will come the same way. Records collect for one
/// execution unit (a command, and later a whole MULTI/EXEC or script: <see cref="BeginUnit"/> /
/// <see cref="EndUnit"/> nest) and go to every sink when it ends, wrapped in MULTI ... EXEC when
/// there is more than one, so a replica or an AOF replay never sees half a unit. Records made
/// outside a unit (the cron's active expiry) go out at once.
///
/// With no sink (the default until the AOF or a replica subscribes) nothing is built: the
/// command path pays one branch.
/// </summary>
public sealed class PropagationStream
{
    private static readonly byte[][] Multi = [[.. "MULTI"u8]];
    private static readonly byte[][] Exec = [[.. "EXEC"u8]];

    private readonly List<IPropagationSink> _sinks = [];
    private readonly List<PropagatedCommand> _pending = [];
    private int _depth;

    /// <summary>True when some sink listens; callers skip building records otherwise.</summary>
    public bool HasSinks => _sinks.Count > 0;

    public void Subscribe(IPropagationSink sink) => _sinks.Add(sink);

    public void Unsubscribe(IPropagationSink sink) => _sinks.Remove(sink);

    /// <summary>Adds a record to the current unit (Redis's alsoPropagate); outside a unit it goes out at once.</summary>
    public void Add(int db, byte[][] argv)
    {
        if (!HasSinks) return;
        _pending.Add(new PropagatedCommand(db, argv));
        if (_depth == 0) Flush();
    }

    /// <summary>Starts an execution unit; units nest (EXEC and scripts run commands inside their own).</summary>
    public void BeginUnit() => _depth++;

    /// <summary>Ends a unit; the outermost one hands its records to the sinks.</summary>
    public void EndUnit()
    {
        if (--_depth == 0 && _pending.Count > 0) Flush();
    }

    private void Flush()
    {
        if (_pending.Count > 1)
        {
            // MULTI in the first command's database, so a sink's SELECT comes before it, as Redis does.
            _pending.Insert(0, new PropagatedCommand(_pending[0].Db, Multi));
            _pending.Add(new PropagatedCommand(_pending[^1].Db, Exec));
        }
        var unit = _pending.ToArray();
        _pending.Clear();
        foreach (var sink in _sinks) sink.Append(unit);
    }
}

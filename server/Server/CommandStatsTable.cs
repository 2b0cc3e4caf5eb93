using RedisLite.Commands;

namespace RedisLite.Server;

/// <summary>
/// One server's INFO commandstats counters, a row per command-table row (by
/// <see cref="CommandDef.Id"/>). The command table is shared by every server in the process, so
/// the counters cannot live on its rows.
/// </summary>
public sealed class CommandStatsTable
{
    private readonly CommandStats[] _rows = new CommandStats[CommandTable.RowCount];

    public CommandStatsTable()
    {
        for (int i = 0; i < _rows.Length; i++) _rows[i] = new CommandStats();
    }

    public CommandStats this[CommandDef cmd] => _rows[cmd.Id];

    /// <summary>CONFIG RESETSTAT.</summary>
    public void Reset()
    {
        foreach (var row in _rows) row.Reset();
    }
}

/// <summary>Counters behind one cmdstat_* line: calls, time, rejected and failed calls.</summary>
public sealed class CommandStats
{
    public long Calls;
    public long Microseconds;
    public long RejectedCalls;
    public long FailedCalls;

    public void Reset() => Calls = Microseconds = RejectedCalls = FailedCalls = 0;
}

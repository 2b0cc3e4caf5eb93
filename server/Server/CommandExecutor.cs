using System.Buffers;
using System.Diagnostics;
using RedisLite.Commands;
using RedisLite.Store;

namespace RedisLite.Server;

/// <summary>
/// Runs one parsed command for a client, in Redis's processCommand order: look it up (unknown
/// command / subcommand), check arity, authentication, loading and memory, then call the handler
/// and account for it (stats, dirty count, monitors). Called under the store lock.
/// </summary>
public sealed class CommandExecutor(RedisServer server)
{
    private static readonly long TicksPerMicro = Stopwatch.Frequency / 1_000_000;

    public void Execute(Client client)
    {
        var args = client.Args;
        var ctx = client.Context;
        var cmd = CommandTable.Lookup(args[0]);
        if (cmd == null)
        {
            client.LastCommand = "NULL";
            RejectUnknown(client);
            return;
        }
        if (cmd.Subcommands.Count > 0 && args.Count >= 2)
        {
            var sub = CommandTable.LookupSub(cmd, args[1]);
            if (sub == null)
            {
                client.LastCommand = "NULL";
                Reject(client, cmd, Errors.UnknownSubcommand(args.Str(1), cmd.Name));
                return;
            }
            cmd = sub;
        }
        // As Redis's processCommand sets c->lastcmd: before the checks, so a command refused for
        // its arity still shows, and CLIENT LIST shows itself as the caller's command.
        client.LastCommand = cmd.Name;
        if (!cmd.ArityAccepts(args.Count))
        {
            Reject(client, cmd, Errors.WrongArgs(cmd.Name));
            return;
        }
        if (!client.Authenticated && (cmd.Flags & CommandFlags.NoAuth) == 0)
        {
            Reject(client, cmd, Errors.NoAuth);
            return;
        }
        if (server.Loading && (cmd.Flags & CommandFlags.Loading) == 0)
        {
            Reject(client, cmd, Errors.Loading);
            return;
        }
        if ((cmd.IsWrite || cmd.Name == "ping") && server.Snapshots.DenyWrites)
        {
            Reject(client, cmd, Persistence.SnapshotService.MisconfError);
            return;
        }
        if ((cmd.Flags & CommandFlags.DenyOom) != 0 && server.Config.MaxMemory.Value > 0 &&
            server.UsedMemory > (ulong)server.Config.MaxMemory.Value)
        {
            Reject(client, cmd, Errors.Oom);
            return;
        }
        // The region's reservation, unlike maxmemory, cannot be overrun: refuse a command that may
        // not fit before it writes anything (RegionRoom), rather than fail it halfway.
        if ((cmd.Flags & CommandFlags.DenyOom) != 0 && RegionRoom.Check(server.Keyspace.Alloc, RegionRoom.ForArguments(args, 1)) is { } full)
        {
            Reject(client, cmd, full);
            return;
        }
        Call(client, ctx, cmd);
    }

    /// <summary>Invokes a checked command and does its accounting.</summary>
    public void Call(Client client, CommandContext ctx, CommandDef cmd)
    {
        if (server.Monitors.Active && (cmd.Flags & (CommandFlags.SkipMonitor | CommandFlags.Admin)) == 0)
            server.Monitors.Feed(client, client.Args);
        server.Keyspace.NowMs = server.ClockMs();
        ctx.Begin(cmd);
        long dirtyBefore = server.Dirty;
        var changes = server.Keyspace.Changes;
        changes.BeginCommand();
        int db = client.Db; // the database the command's records replay in (SELECT itself writes nothing)
        var propagation = server.Propagation;
        propagation.BeginUnit();
        long start = Stopwatch.GetTimestamp();
        client.Executing = true;
        try
        {
            cmd.Handler!(ctx);
        }
        catch (RegionFullException)
        {
            // Past the estimate and the headroom (RegionRoom says when): what was written stays.
            Log.Warning($"{cmd.Name} ran out of the data region partway (region-reserve {server.Keyspace.Alloc.ReservedBytes} bytes)");
            ctx.Error(RegionRoom.Exhausted(server.Keyspace.Alloc));
        }
        finally
        {
            client.Executing = false;
        }
        var stats = server.CommandStats[cmd];
        stats.Microseconds += (Stopwatch.GetTimestamp() - start) / TicksPerMicro;
        if (propagation.HasSinks) AddRecords(ctx, db);
        propagation.EndUnit();
        // Clients blocked on keys this command made ready are served now, before any other
        // command runs (Redis's handleClientsBlockedOnKeys after call()).
        if (server.Blocking.HasReadyKeys) server.Blocking.HandleReadyKeys();
        stats.Calls++;
        if (ctx.Failed) stats.FailedCalls++;
        server.Dirty += ctx.Dirty;
        // The keys it (and the blocked clients it served) changed, if it changed anything.
        changes.EndCommand(server.Dirty != dirtyBefore);
        // Peak after every command, as Redis's call() records it.
        ulong used = server.UsedMemory;
        if (used > server.Stats.PeakMemory) server.Stats.PeakMemory = used;
        server.Stats.CommandsProcessed++;
        client.LastInteractionMs = Environment.TickCount64;
    }

    /// <summary>
    /// The command's propagation records (Redis's call() with PROPAGATE_AOF|PROPAGATE_REPL): its
    /// own rewritten forms if it recorded any, else its argv as received if it changed something.
    /// </summary>
    private void AddRecords(CommandContext ctx, int db)
    {
        if (ctx.PropagationPrevented) return;
        if (ctx.Propagation is { } records)
            foreach (var argv in records) server.Propagation.Add(db, argv);
        else if (ctx.Dirty > 0) server.Propagation.Add(db, ctx.Args.ToArrays());
    }

    private void Reject(Client client, CommandDef? cmd, string error)
    {
        if (cmd != null) server.CommandStats[cmd].RejectedCalls++;
        server.Stats.CountError(error);
        server.Stats.CommandsProcessed++;
        client.Writer.Error(error);
        client.LastInteractionMs = Environment.TickCount64;
    }

    private void RejectUnknown(Client client)
    {
        server.Stats.CountError("ERR unknown command"); // counted under errorstat_ERR, as Redis's rejectCommand does
        server.Stats.CommandsProcessed++;
        client.Writer.Error(UnknownCommand(client.Args));
        client.LastInteractionMs = Environment.TickCount64;
    }

    /// <summary>
    /// Redis's "unknown command" text, byte for byte: the name and quoted arguments cut at 128
    /// bytes each way (printf's %.128s, so also at a NUL), the client's bytes echoed raw.
    /// </summary>
    public static byte[] UnknownCommand(Network.RespArgs args)
    {
        var w = new ArrayBufferWriter<byte>(256);
        w.Write("ERR unknown command '"u8);
        w.Write(CString(args[0], 128));
        w.Write("', with args beginning with: "u8);
        int listed = 0;
        for (int i = 1; i < args.Count && listed < 128; i++)
        {
            var a = CString(args[i], 128 - listed);
            w.Write("'"u8);
            w.Write(a);
            w.Write("' "u8);
            listed += a.Length + 3;
        }
        return w.WrittenSpan.ToArray();
    }

    private static ReadOnlySpan<byte> CString(ReadOnlySpan<byte> s, int max)
    {
        int nul = s.IndexOf((byte)0);
        if (nul >= 0) s = s[..nul];
        return s.Length > max ? s[..max] : s;
    }
}

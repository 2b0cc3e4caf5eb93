using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using RedisLite.Server;

namespace RedisLite.Network;

/// <summary>
/// One TCP connection, from Kestrel's socket transport to the executor and back
/// (ARCHITECTURE.md section 1). Reads whatever bytes arrived, parses every complete command in
/// them, executes the batch under one acquisition of the store lock, writes the replies into the
/// PipeWriter and flushes once. A batch whose replies pass <see cref="FlushThreshold"/> is cut so
/// the flush (which waits while the client is not reading) happens outside the lock; while it
/// waits nothing more is parsed, and the transport holds at most <see cref="TransportReadAhead"/>
/// of unread input, so a client that never reads has bounded memory. A frame still arriving moves
/// into the client's <see cref="QueryBuffer"/>, is not parsed again until the bytes it declared
/// are there (<see cref="RespParser.NeededBytes"/>), and is resumed rather than re-parsed when it
/// is (see <see cref="RespParser"/>). The live client-query-buffer-limit bounds what a client holds.
/// A protocol error gets Redis's error text and closes the connection; nothing else is touched.
/// </summary>
public sealed class RespConnectionHandler(RedisServer server) : ConnectionHandler
{
    private const int FlushThreshold = 64 * 1024;

    /// <summary>
    /// How much input the transport reads ahead of this handler (its read pipe's pause threshold).
    /// Bytes waiting there are bounded by it, whatever the size of a request: a larger frame moves
    /// into the client's <see cref="QueryBuffer"/> as it arrives. A client whose commands wait (its
    /// replies are not being read) thus holds at most this much unread input; the rest waits in the
    /// kernel's socket buffers.
    /// </summary>
    public const int TransportReadAhead = 256 * 1024;

    // Larger unexecuted input is moved into the query buffer rather than parsed in the pipe.
    private const int InPlaceMax = 64 * 1024;

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        // The listener admitted this connection under maxclients (RespListener).
        var output = connection.Transport.Output;
        var writer = new RespWriter(output);
        var client = new Client(server.Clients.NextId(), server, connection, writer)
        {
            Authenticated = server.Config.RequirePass.Value.Length == 0,
        };
        if (ProtectedMode.Denies(server, client))
        {
            Interlocked.Increment(ref server.Stats.RejectedConnections);
            writer.Error(ProtectedMode.DeniedError);
            writer.Commit();
            await output.FlushAsync();
            return;
        }
        server.Clients.Add(client);
        try
        {
            await ServeAsync(client, connection.Transport.Input, output);
        }
        catch (Exception e) when (e is ConnectionResetException or ConnectionAbortedException or OperationCanceledException or IOException or InvalidOperationException)
        {
            // The peer went away or the client was killed: nothing to report to anyone.
        }
        catch (Exception e)
        {
            // A bug, not the client's doing: drop only this connection, and say so in the log
            // (Kestrel's own logging is off).
            Log.Warning($"Closing client after an internal error: id={client.Id} addr={client.RemoteAddress} last_cmd={client.LastCommand}: {e}");
        }
        finally
        {
            server.Clients.Remove(client);
            server.Clients.Departed();
            client.Query.Dispose();
            server.Monitors.Remove(client);
            if (client.Blocked != null)
                lock (server.StoreLock) server.Blocking.RemoveClient(client);
        }
    }

    private async Task ServeAsync(Client client, PipeReader input, PipeWriter output)
    {
        var query = client.Query;
        long needed = 0;  // bytes the frame at the start of the unexecuted input needs in all (0: unknown)
        long counted = 0; // bytes of the pipe's unconsumed buffer already added to total_net_input_bytes
        try
        {
            while (!client.Killed)
            {
                var result = await input.ReadAsync();
                Interlocked.Increment(ref server.Stats.ReadsProcessed);
                var buffer = result.Buffer;
                // Counted on arrival, before the commands run, as Redis's readQueryFromClient does:
                // a reply never goes out before the request's bytes are in the counter.
                Interlocked.Add(ref server.Stats.NetInputBytes, buffer.Length - counted);
                counted = buffer.Length;
                // Like Redis, any bytes count as interaction: a slow upload of a big value is not idle.
                client.LastInteractionMs = Environment.TickCount64;
                long held = query.Length + buffer.Length;
                client.QueryBufferBytes = held;
                if (held > QueryBufferLimit)
                {
                    LogQueryBufferLimit(client, query.IsEmpty ? buffer.Slice(0, Math.Min(buffer.Length, 64)).ToArray() : query.Unexecuted);
                    return;
                }

                // Small commands are parsed where the transport put them; a frame that spans reads
                // moves into the client's query buffer as it arrives, so the pipe never holds much.
                bool inPlace = query.IsEmpty && buffer.IsSingleSegment && buffer.Length <= InPlaceMax && needed <= InPlaceMax;
                ReadOnlyMemory<byte> mem;
                if (inPlace)
                {
                    if (buffer.Length < needed && !result.IsCompleted)
                    {
                        input.AdvanceTo(buffer.Start, buffer.End);
                        continue;
                    }
                    mem = buffer.First;
                    client.TransportInputBytes = buffer.Length;
                }
                else
                {
                    query.Append(buffer, needed);
                    input.AdvanceTo(buffer.End);
                    counted = 0;
                    client.TransportInputBytes = 0;
                    // The rest of a frame whose size is known: nothing to parse until it is all here.
                    if (query.Length < needed && !result.IsCompleted)
                    {
                        server.Clients.UpdateMemory(client);
                        continue;
                    }
                    mem = query.Unexecuted;
                }

                int pos = 0;
                bool close = false;
                while (true)
                {
                    // A monitor's output has a second writer, the monitor pump (see PumpMonitorAsync).
                    bool gated = client.IsMonitor;
                    if (gated) await client.OutputGate.WaitAsync();
                    bool incomplete;
                    FlushResult flush;
                    try
                    {
                        incomplete = RunBatch(client, mem, ref pos, ref close, out needed);
                        // What is left is all it holds now (while it flushes, or waits blocked).
                        client.QueryBufferBytes = mem.Length - pos;
                        if (client.Writer.BytesWritten > 0) Interlocked.Increment(ref server.Stats.WritesProcessed);
                        // MONITOR ran in this batch: register before its +OK goes out, so every command
                        // the client can send after seeing it is fed (a RESET completes the old queue).
                        // The pump may write as soon as it starts, so take the gate first.
                        if (client.IsMonitor && (client.MonitorQueue == null || client.MonitorQueue.Completion.IsCompleted))
                        {
                            if (!gated)
                            {
                                await client.OutputGate.WaitAsync();
                                gated = true;
                            }
                            client.MonitorQueue = server.Monitors.Add(client);
                            _ = PumpMonitorAsync(client, output);
                        }
                        // Closed for its output buffer limits (or killed meanwhile): its replies are dropped.
                        if (client.Killed) return;
                        var flushing = output.FlushAsync();
                        if (flushing.IsCompleted) flush = flushing.GetAwaiter().GetResult();
                        else
                        {
                            // The client is not taking its replies: the cron watches its output meanwhile.
                            client.AwaitingFlush = true;
                            try
                            {
                                flush = await flushing;
                            }
                            finally
                            {
                                client.AwaitingFlush = false;
                            }
                        }
                    }
                    finally
                    {
                        if (gated) client.OutputGate.Release();
                    }
                    if (close || flush.IsCompleted || client.Killed) return;
                    // As in Redis, a client taking its replies is not idle either.
                    client.LastInteractionMs = Environment.TickCount64;
                    if (client.Blocked is { } blocked)
                    {
                        // A blocking command is waiting: its later pipelined commands wait with it.
                        if (!await WaitUnblockedAsync(client, blocked)) return;
                        continue;
                    }
                    if (incomplete || pos >= mem.Length) break;
                }
                // A frame declared bigger than the limit can never complete: no need to wait for it.
                if (needed > QueryBufferLimit)
                {
                    LogQueryBufferLimit(client, mem.Slice(pos, Math.Min(mem.Length - pos, 64)));
                    return;
                }
                if (inPlace)
                {
                    input.AdvanceTo(buffer.GetPosition(pos), buffer.End);
                    counted -= pos;
                    client.TransportInputBytes = buffer.Length - pos;
                }
                else query.Consumed(pos);
                client.QueryBufferBytes = query.Length + client.TransportInputBytes;
                server.Clients.UpdateMemory(client);
                if (result.IsCompleted) return;
            }
        }
        finally
        {
            client.TransportInputBytes = 0;
            client.QueryBufferBytes = 0;
            await input.CompleteAsync();
        }
    }

    /// <summary>
    /// Waits until the client is served, times out or is unblocked, then writes the reply it was
    /// given into its output (the caller's loop flushes it). False if the connection closed first.
    /// </summary>
    private async Task<bool> WaitUnblockedAsync(Client client, BlockedClient blocked)
    {
        var closed = client.ConnectionClosed;
        if (closed.CanBeCanceled)
        {
            var gone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await using (closed.Register(() => gone.TrySetResult()))
                await Task.WhenAny(blocked.Unblocked.Task, gone.Task);
        }
        else await blocked.Unblocked.Task;
        lock (server.StoreLock)
        {
            if (!blocked.Unblocked.Task.IsCompleted)
            {
                server.Blocking.RemoveClient(client);
                return false;
            }
            client.Writer.ResetCounter();
            client.Writer.Raw(blocked.Output.WrittenSpan);
            client.Writer.Commit();
            server.Stats.NetOutputBytes += client.Writer.BytesWritten;
            client.LastInteractionMs = Environment.TickCount64;
            OutputBufferLimits.Enforce(server, client);
        }
        return !client.Killed;
    }

    private static long _lastSecurityWarningMs = long.MinValue / 2;

    private static bool IsCrossProtocolAttack(RespArgs args) => args.Is(0, "POST") || args.Is(0, "HOST:");

    private static void SecurityWarning()
    {
        long now = Environment.TickCount64;
        // Redis logs this at most once a minute.
        if (now - Interlocked.Read(ref _lastSecurityWarningMs) < 60_000) return;
        Interlocked.Exchange(ref _lastSecurityWarningMs, now);
        Log.Warning("Possible SECURITY ATTACK detected. It looks like somebody is sending POST or Host: commands to Redis. This is likely due to an attacker attempting to use Cross Protocol Scripting to compromise your Redis instance. Connection aborted.");
    }

    /// <summary>The live client-query-buffer-limit; a frame is also parsed from one buffer, which cannot pass Array.MaxLength.</summary>
    private long QueryBufferLimit => Math.Min(server.Config.ClientQueryBufferLimit.Value, Array.MaxLength);

    private void LogQueryBufferLimit(Client client, ReadOnlyMemory<byte> initialBytes) =>
        Log.Warning($"Closing client that reached max query buffer length: {Commands.Connection.Describe(server, client)} (qbuf initial bytes: {MonitorFeed.Repr(initialBytes.Span[..Math.Min(initialBytes.Length, 64)])})");

    /// <summary>Parses and executes commands from <paramref name="pos"/> under the store lock. Returns true if the rest is an incomplete frame.</summary>
    private bool RunBatch(Client client, ReadOnlyMemory<byte> mem, ref int pos, ref bool close, out long needed)
    {
        needed = 0;
        long maxBulk = server.Config.ProtoMaxBulkLen.Value;
        lock (server.StoreLock)
        {
            // Reset under the lock: a monitor's pump also writes (and counts) under it.
            client.Writer.ResetCounter();
            bool limited = server.Config.ClientOutputBufferLimit[client.Class].Active;
            try
            {
                return RunLocked(client, mem, ref pos, ref close, ref needed, maxBulk, limited);
            }
            finally
            {
                client.Writer.Commit();
                server.Stats.NetOutputBytes += client.Writer.BytesWritten;
            }
        }
    }

    private bool RunLocked(Client client, ReadOnlyMemory<byte> mem, ref int pos, ref bool close, ref long needed, long maxBulk, bool limited)
    {
        while (pos < mem.Length)
        {
            var status = client.Parser.Parse(mem, ref pos, client.Args, maxBulk, client.Authenticated);
            if (status == ParseStatus.Incomplete)
            {
                needed = client.Parser.NeededBytes;
                return true;
            }
            if (status == ParseStatus.Error)
            {
                Log.Verbose($"Protocol error ({client.Parser.Error}) from client: id={client.Id} addr={client.RemoteAddress}");
                client.Writer.Error(client.Parser.ErrorReply());
                close = true;
                return false;
            }
            if (status == ParseStatus.Empty) continue;
            if (IsCrossProtocolAttack(client.Args))
            {
                // Redis's securityWarningCommand: an HTTP request sent to Redis (a browser tricked
                // into it) gets the connection closed, replies to its earlier lines dropped.
                SecurityWarning();
                client.Writer.Discard();
                close = true;
                return false;
            }
            server.Executor.Execute(client);
            // Redis checks the limits as replies are added; closed, the client runs nothing more.
            if (limited && OutputBufferLimits.Enforce(server, client))
            {
                close = true;
                return false;
            }
            if (client.Blocked != null) return false; // the rest waits until it is unblocked
            if (client.CloseAfterReply)
            {
                close = true;
                return false;
            }
            // Cut the batch so the flush, which waits while the client is not reading, happens outside the lock.
            if (client.Writer.Pending >= FlushThreshold) return false;
        }
        return false;
    }

    private async Task PumpMonitorAsync(Client client, PipeWriter output)
    {
        try
        {
            await foreach (var line in client.MonitorQueue!.ReadAllAsync())
            {
                // A PipeWriter takes one writer at a time, and writing (GetMemory/Advance) races
                // with a flush as much as two flushes do: the connection loop and this pump each
                // hold the client's output gate from their first write to the end of their flush.
                await client.OutputGate.WaitAsync();
                try
                {
                    lock (server.StoreLock)
                    {
                        client.Writer.Raw(line);
                        client.Writer.Commit();
                        server.Stats.NetOutputBytes += line.Length;
                        if (OutputBufferLimits.Enforce(server, client)) return;
                    }
                    await output.FlushAsync();
                }
                finally
                {
                    client.OutputGate.Release();
                }
            }
        }
        catch (Exception)
        {
            // Connection closed while pumping.
        }
    }
}

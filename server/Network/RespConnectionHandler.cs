using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using RedisLite.Server;

namespace RedisLite.Network;

/// <summary>
/// One TCP connection, from Kestrel's socket transport to the executor and back
/// (ARCHITECTURE.md section 1). Reads whatever bytes arrived, parses every complete command in
/// them, executes the batch under one acquisition of the store lock, writes the replies into the
/// PipeWriter and flushes once. A batch whose replies pass <see cref="FlushThreshold"/> is cut so
/// the flush (which waits while the client is not reading) happens outside the lock; waiting on
/// that flush also stops reading, so a client that never reads cannot grow memory.
/// A protocol error gets Redis's error text and closes the connection; nothing else is touched.
/// </summary>
public sealed class RespConnectionHandler(RedisServer server) : ConnectionHandler
{
    private const int FlushThreshold = 64 * 1024;

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var output = connection.Transport.Output;
        var writer = new RespWriter(output);
        Interlocked.Increment(ref server.Stats.ConnectionsReceived);
        if (server.Clients.Count >= server.Config.MaxClients.Value)
        {
            Interlocked.Increment(ref server.Stats.RejectedConnections);
            writer.Error("ERR max number of clients reached");
            writer.Commit();
            await output.FlushAsync();
            return;
        }
        var client = new Client(server.Clients.NextId(), server, connection, writer)
        {
            Authenticated = server.Config.RequirePass.Value.Length == 0,
        };
        server.Clients.Add(client);
        try
        {
            await ServeAsync(client, connection.Transport.Input, output);
        }
        catch (Exception e) when (e is ConnectionResetException or ConnectionAbortedException or OperationCanceledException or IOException or InvalidOperationException)
        {
            // The peer went away or the client was killed: nothing to report to anyone.
        }
        finally
        {
            server.Clients.Remove(client);
            server.Monitors.Remove(client);
        }
    }

    private async Task ServeAsync(Client client, PipeReader input, PipeWriter output)
    {
        byte[]? scratch = null;
        long needed = 0;
        try
        {
            while (!client.Killed)
            {
                var result = await input.ReadAsync();
                Interlocked.Increment(ref server.Stats.ReadsProcessed);
                var buffer = result.Buffer;
                client.QueryBufferBytes = buffer.Length;
                if (buffer.Length >= server.Config.ClientQueryBufferLimit.Value)
                {
                    Log.Warning($"Closing client that reached max query buffer length: id={client.Id} addr={client.RemoteAddress} (qbuf={buffer.Length})");
                    return;
                }
                if (buffer.Length < needed && !result.IsCompleted)
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                    continue;
                }
                ReadOnlyMemory<byte> mem;
                if (buffer.IsSingleSegment) mem = buffer.First;
                else
                {
                    if (scratch == null || scratch.Length < buffer.Length)
                    {
                        if (scratch != null) ArrayPool<byte>.Shared.Return(scratch);
                        scratch = ArrayPool<byte>.Shared.Rent((int)buffer.Length);
                    }
                    buffer.CopyTo(scratch);
                    mem = scratch.AsMemory(0, (int)buffer.Length);
                }

                int pos = 0;
                bool close = false;
                bool incomplete = false;
                while (true)
                {
                    incomplete = RunBatch(client, mem, ref pos, ref close, out needed);
                    if (client.Writer.BytesWritten > 0) Interlocked.Increment(ref server.Stats.WritesProcessed);
                    // MONITOR ran in this batch: register before its +OK goes out, so every command
                    // the client can send after seeing it is fed (a RESET completes the old queue).
                    if (client.IsMonitor && (client.MonitorQueue == null || client.MonitorQueue.Completion.IsCompleted))
                    {
                        client.MonitorQueue = server.Monitors.Add(client);
                        _ = PumpMonitorAsync(client, output);
                    }
                    var flush = await FlushAsync(client, output);
                    if (close || flush.IsCompleted || client.Killed) return;
                    if (incomplete || pos >= mem.Length) break;
                }
                Interlocked.Add(ref server.Stats.NetInputBytes, pos);
                input.AdvanceTo(buffer.GetPosition(pos), buffer.End);
                if (result.IsCompleted) return;
            }
        }
        finally
        {
            if (scratch != null) ArrayPool<byte>.Shared.Return(scratch);
            await input.CompleteAsync();
        }
    }

    /// <summary>Parses and executes commands from <paramref name="pos"/> under the store lock. Returns true if the rest is an incomplete frame.</summary>
    private bool RunBatch(Client client, ReadOnlyMemory<byte> mem, ref int pos, ref bool close, out long needed)
    {
        needed = 0;
        long maxBulk = server.Config.ProtoMaxBulkLen.Value;
        lock (server.StoreLock)
        {
            // Reset under the lock: a monitor's pump also writes (and counts) under it.
            client.Writer.ResetCounter();
            try
            {
                return RunLocked(client, mem, ref pos, ref close, ref needed, maxBulk);
            }
            finally
            {
                client.Writer.Commit();
                server.Stats.NetOutputBytes += client.Writer.BytesWritten;
            }
        }
    }

    private bool RunLocked(Client client, ReadOnlyMemory<byte> mem, ref int pos, ref bool close, ref long needed, long maxBulk)
    {
        {
            while (pos < mem.Length)
            {
                int start = pos;
                var status = client.Parser.Parse(mem, ref pos, client.Args, maxBulk, client.Authenticated);
                if (status == ParseStatus.Incomplete)
                {
                    needed = client.Parser.NeededBytes;
                    return true;
                }
                if (status == ParseStatus.Error)
                {
                    Log.Verbose($"Protocol error ({client.Parser.Error}) from client: id={client.Id} addr={client.RemoteAddress}");
                    client.Writer.Error("ERR " + client.Parser.Error);
                    close = true;
                    return false;
                }
                if (status == ParseStatus.Empty) continue;
                server.Executor.Execute(client);
                if (client.CloseAfterReply)
                {
                    close = true;
                    return false;
                }
                if (client.Writer.Pending >= FlushThreshold) return false;
            }
        }
        return false;
    }

    // A monitor's output has two writers, its own connection loop and the monitor pump: both
    // write under the store lock and flush under the client's output gate (PipeWriter allows one
    // flusher at a time). Ordinary clients skip the gate.
    private static async ValueTask<FlushResult> FlushAsync(Client client, PipeWriter output)
    {
        if (!client.IsMonitor) return await output.FlushAsync();
        await client.OutputGate.WaitAsync();
        try { return await output.FlushAsync(); }
        finally { client.OutputGate.Release(); }
    }

    private async Task PumpMonitorAsync(Client client, PipeWriter output)
    {
        try
        {
            await foreach (var line in client.MonitorQueue!.ReadAllAsync())
            {
                lock (server.StoreLock)
                {
                    client.Writer.Raw(line);
                    client.Writer.Commit();
                    server.Stats.NetOutputBytes += line.Length;
                }
                await FlushAsync(client, output);
            }
        }
        catch (Exception)
        {
            // Connection closed while pumping.
        }
    }
}

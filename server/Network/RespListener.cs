using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using RedisLite.Server;

namespace RedisLite.Network;

/// <summary>
/// A listening socket that hands accepted connections to Kestrel, in place of Kestrel's own
/// listener, which retries a failed accept at once: out of descriptors (EMFILE), accept fails
/// immediately every time, and that loop spun, allocating an exception per attempt, while the
/// runtime, unable to start threads without descriptors, ended the process. Here a failed accept
/// costs no allocation (<see cref="AcceptOperation"/>), is logged at most every
/// <see cref="LogEvery"/> ms, and waits before the next attempt, longer each time up to
/// <see cref="MaxBackoff"/>; on EMFILE the <see cref="SpareDescriptors"/> go to the runtime and
/// accepting resumes once descriptors are free again. Pending connections wait in the kernel's
/// backlog meanwhile. The limit is normally never reached: maxclients is fitted to it
/// (<see cref="Server.OpenFilesLimit"/>), and connections beyond maxclients are refused.
/// </summary>
public sealed class RespListener(Socket socket, SocketConnectionContextFactory contexts, RedisServer server) : IConnectionListener
{
    private static readonly byte[] MaxClientsReached = "-ERR max number of clients reached\r\n"u8.ToArray();

    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMilliseconds(200);
    private const long LogEvery = 10_000;

    private readonly AcceptOperation _accept = new();
    // Created (and so the runtime's timer thread started) now, while descriptors are available:
    // out of descriptors, starting that thread fails (OutOfMemoryException from Thread.Start).
    private readonly PeriodicTimer _backoffTimer = StoppedTimer();
    private TimeSpan _backoff = FirstBackoff;
    private long _lastLogMs = long.MinValue / 2;
    private volatile bool _disposed;

    public EndPoint EndPoint { get; } = socket.LocalEndPoint!;

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        while (!_disposed)
        {
            var error = await _accept.AcceptAsync(socket);
            if (error == SocketError.Success)
            {
                if (_backoff != FirstBackoff)
                {
                    // The episode is over: stop the timer until the next one.
                    _backoff = FirstBackoff;
                    _backoffTimer.Period = Timeout.InfiniteTimeSpan;
                }
                var accepted = _accept.TakeSocket();
                Interlocked.Increment(ref server.Stats.ConnectionsReceived);
                if (!server.Clients.TryAdmit(server.Config.MaxClients.Value))
                {
                    Refuse(accepted);
                    continue;
                }
                try
                {
                    if (accepted.LocalEndPoint is IPEndPoint) accepted.NoDelay = true;
                    return contexts.Create(accepted);
                }
                catch (SocketException)
                {
                    // The peer closed while the connection waited in the backlog (setsockopt then
                    // fails). An exception escaping here would end Kestrel's accept loop for good.
                    server.Clients.Departed();
                    accepted.Dispose();
                    continue;
                }
            }
            if (_disposed || error is SocketError.OperationAborted or SocketError.Interrupted) return null;
            // The peer gave up while waiting in the backlog: nothing is wrong with the listener.
            if (error is SocketError.ConnectionReset or SocketError.ConnectionAborted) continue;
            Report(error);
            if (error == SocketError.TooManyOpenSockets)
            {
                // Out of descriptors: give the spares to the runtime, and accept nothing until
                // enough are free again to take them back (accepting would only use them up).
                SpareDescriptors.Release();
                do
                {
                    if (!await BackOffAsync(cancellationToken)) return null;
                } while (!SpareDescriptors.TryRestore());
            }
            else if (!await BackOffAsync(cancellationToken)) return null;
        }
        return null;
    }

    /// <summary>
    /// Redis's answer to a connection beyond maxclients: a best-effort error, then close, here and
    /// now. Done in the accept loop rather than in a connection handler so refused connections
    /// never pile up holding descriptors while they wait for a thread.
    /// </summary>
    private void Refuse(Socket accepted)
    {
        Interlocked.Increment(ref server.Stats.RejectedConnections);
        try
        {
            // A fresh connection's send buffer is empty: this never blocks.
            accepted.Send(MaxClientsReached);
        }
        catch (SocketException)
        {
            // Best effort, as in Redis.
        }
        accepted.Dispose();
    }

    private void Report(SocketError error)
    {
        long now = Environment.TickCount64;
        if (now - _lastLogMs < LogEvery) return;
        _lastLogMs = now;
        // Redis's message (its anetTcpAccept error is "accept: " and strerror).
        Log.Warning($"Accepting client connection: accept: {Describe(error)}");
    }

    private static string Describe(SocketError error) => error switch
    {
        SocketError.TooManyOpenSockets => "Too many open files",
        SocketError.NoBufferSpaceAvailable => "No buffer space available",
        _ => error.ToString(),
    };

    /// <summary>Waits before the next accept; false if the listener closed meanwhile.</summary>
    private async ValueTask<bool> BackOffAsync(CancellationToken cancellationToken)
    {
        // One timer for the listener's life, re-armed per wait: waiting allocates nothing either.
        _backoffTimer.Period = _backoff;
        _backoff = TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, MaxBackoff.Ticks));
        try
        {
            return await _backoffTimer.WaitForNextTickAsync(cancellationToken) && !_disposed;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static PeriodicTimer StoppedTimer()
    {
        var timer = new PeriodicTimer(FirstBackoff);
        timer.Period = Timeout.InfiniteTimeSpan;
        return timer;
    }

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        _disposed = true;
        socket.Dispose();
        _backoffTimer.Dispose();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _disposed = true;
        socket.Dispose();
        _backoffTimer.Dispose();
        _accept.Dispose();
        return ValueTask.CompletedTask;
    }
}

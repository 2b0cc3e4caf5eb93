using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using RedisLite.Server;

namespace RedisLite.Network;

/// <summary>
/// Kestrel's transport for RedisLite: binds the listening sockets itself (so accept failures are
/// handled by <see cref="RespListener"/>) and builds each connection with Kestrel's public
/// <see cref="SocketConnectionContextFactory"/>, so connections are Kestrel's socket connections
/// with System.IO.Pipelines exactly as before (ARCHITECTURE.md section 1). Connections beyond
/// maxclients are refused by the listener itself.
/// </summary>
public sealed class RespListenerFactory(SocketConnectionFactoryOptions options, int backlog, RedisServer server) : IConnectionListenerFactory, IDisposable
{
    private readonly SocketConnectionContextFactory _contexts = new(options, NullLogger.Instance);

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (endpoint is not IPEndPoint ip) throw new NotSupportedException($"cannot listen on {endpoint}");
        var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        // As Kestrel's own listener: "::" also takes IPv4 connections.
        if (ip.Address.Equals(IPAddress.IPv6Any)) socket.DualMode = true;
        try
        {
            socket.Bind(ip);
            socket.Listen(backlog);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            socket.Dispose();
            throw new AddressInUseException(e.Message, e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        SpareDescriptors.Hold();
        return new ValueTask<IConnectionListener>(new RespListener(socket, _contexts, server));
    }

    public void Dispose() => _contexts.Dispose();
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace RedisLite.Tests;

/// <summary>
/// The kernel's queues of a loopback TCP connection (/proc/net/tcp): bytes a socket has not yet
/// had acknowledged (send) and bytes its process has not read (receive). They show whether a
/// server stopped reading a client without timing anything: its queues fill up.
/// </summary>
public static class TcpQueues
{
    /// <summary>The queues of the IPv4 socket bound to <paramref name="localPort"/> and connected to <paramref name="remotePort"/>.</summary>
    public static (long Send, long Receive) Of(int localPort, int remotePort)
    {
        foreach (var line in File.ReadLines("/proc/net/tcp").Skip(1))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            int local = int.Parse(f[1].Split(':')[1], NumberStyles.HexNumber);
            int remote = int.Parse(f[2].Split(':')[1], NumberStyles.HexNumber);
            if (local != localPort || remote != remotePort) continue;
            var q = f[4].Split(':');
            return (long.Parse(q[0], NumberStyles.HexNumber), long.Parse(q[1], NumberStyles.HexNumber));
        }
        return (0, 0);
    }

    /// <summary>
    /// True once the server behind <paramref name="client"/> has stopped reading it: the server's
    /// side holds unread bytes and the client's side has at least <paramref name="clientUnsent"/> unsent.
    /// </summary>
    public static bool ServerStoppedReading(Socket client, int serverPort, long clientUnsent = 1 << 20)
    {
        int port = ((IPEndPoint)client.LocalEndPoint!).Port;
        return Of(serverPort, port).Receive >= 64 << 10 && Of(port, serverPort).Send >= clientUnsent;
    }
}

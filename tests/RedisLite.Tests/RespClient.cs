using System.Net.Sockets;
using System.Text;

namespace RedisLite.Tests;

/// <summary>
/// A minimal blocking RESP2 client over a raw socket, for tests that must see exact replies or
/// send malformed bytes. Replies decode to: string (simple), RespError, long, byte[] (bulk, null
/// for nil), object?[] (array, null for nil array).
/// </summary>
public sealed class RespClient : IDisposable
{
    public Socket Socket { get; }
    private readonly NetworkStream _stream;
    private readonly BufferedStream _in;

    /// <summary>
    /// Connects to 127.0.0.1:<paramref name="port"/>. The socket timeout only fails a hang (a
    /// reply that never comes): it is far beyond any reply's time on a loaded machine.
    /// </summary>
    public RespClient(int port, int timeoutMs = 60_000)
    {
        Socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Socket.Connect("127.0.0.1", port);
        Socket.ReceiveTimeout = timeoutMs;
        Socket.SendTimeout = timeoutMs;
        _stream = new NetworkStream(Socket);
        _in = new BufferedStream(_stream, 65536);
    }

    public sealed record RespError(string Message)
    {
        public override string ToString() => Message;
    }

    /// <summary>Sends a command as a multibulk and reads one reply; bulk replies come back as strings.</summary>
    public object? Call(params object[] args)
    {
        Send(Encode(args));
        return Simplify(Read());
    }

    /// <summary>Like <see cref="Call"/> but keeps bulk replies as byte[].</summary>
    public object? CallRaw(params object[] args)
    {
        Send(Encode(args));
        return Read();
    }

    public static byte[] Encode(params object[] args)
    {
        var ms = new MemoryStream();
        void W(string s) => ms.Write(Encoding.UTF8.GetBytes(s));
        W($"*{args.Length}\r\n");
        foreach (var a in args)
        {
            byte[] b = a as byte[] ?? Encoding.UTF8.GetBytes(Convert.ToString(a, System.Globalization.CultureInfo.InvariantCulture)!);
            W($"${b.Length}\r\n");
            ms.Write(b);
            W("\r\n");
        }
        return ms.ToArray();
    }

    public void Send(byte[] bytes) => _stream.Write(bytes);
    public void Send(string raw) => Send(Encoding.UTF8.GetBytes(raw));

    /// <summary>Reads one reply.</summary>
    public object? Read()
    {
        string line = ReadLine();
        char t = line[0];
        string rest = line[1..];
        switch (t)
        {
            case '+': return rest;
            case '-': return new RespError(rest);
            case ':': return long.Parse(rest);
            case '$':
            {
                int n = int.Parse(rest);
                if (n < 0) return null;
                var buf = new byte[n + 2];
                int got = 0;
                while (got < buf.Length)
                {
                    int r = _in.Read(buf, got, buf.Length - got);
                    if (r == 0) throw new IOException("connection closed");
                    got += r;
                }
                return buf[..n];
            }
            case '*':
            {
                int n = int.Parse(rest);
                if (n < 0) return null;
                var arr = new object?[n];
                for (int i = 0; i < n; i++) arr[i] = Read();
                return arr;
            }
            default: throw new IOException($"bad reply line: {line}");
        }
    }

    private string ReadLine()
    {
        var sb = new StringBuilder();
        while (true)
        {
            int b = _in.ReadByte();
            if (b < 0) throw new IOException("connection closed");
            if (b == '\r')
            {
                _in.ReadByte();
                return sb.ToString();
            }
            sb.Append((char)b);
        }
    }

    /// <summary>Bulk strings become strings, recursively.</summary>
    public static object? Simplify(object? o) => o switch
    {
        byte[] b => Encoding.UTF8.GetString(b),
        object?[] a => a.Select(Simplify).ToArray(),
        _ => o,
    };

    /// <summary>
    /// Reads (and discards) until the server closes the connection: true on EOF or reset, false
    /// if it is still open when the timeout expires (a deadline that only fails a hang).
    /// </summary>
    public bool IsClosedByServer(int timeoutMs = 60_000)
    {
        Socket.ReceiveTimeout = timeoutMs;
        try
        {
            var buf = new byte[4096];
            while (true)
            {
                int n = _in.Read(buf, 0, buf.Length);
                if (n == 0) return true;
            }
        }
        // A timeout is an open connection, not a closed one (it once counted as closed, so a
        // server that never closed passed).
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.TimedOut }) { return false; }
        catch (IOException) { return true; }
    }

    public void Dispose()
    {
        _stream.Dispose();
        Socket.Dispose();
    }
}

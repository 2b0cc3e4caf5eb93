using System.Net.Sockets;
using System.Text;

namespace RedisLite.Benchmarks.Cow;

/// <summary>
/// A minimal RESP2 client for the load generator: commands are encoded into one send buffer so a
/// whole pipeline goes out in one write, and replies are parsed from a receive buffer without
/// allocating (values are skipped unless the caller asks for the text, as INFO does).
/// </summary>
public sealed class RespConnection : IDisposable
{
    private readonly Socket _socket;
    private byte[] _out = new byte[1 << 16];
    private int _outLen;
    private readonly byte[] _in = new byte[1 << 20];
    private int _inStart, _inEnd;

    public RespConnection(int port)
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _socket.Connect("127.0.0.1", port);
    }

    public void Append(params byte[][] args)
    {
        Put($"*{args.Length}\r\n");
        foreach (var a in args)
        {
            Put($"${a.Length}\r\n");
            PutBytes(a);
            Put("\r\n");
        }
    }

    public void Append(params string[] args) => Append(args.Select(Encoding.UTF8.GetBytes).ToArray());

    private void Put(string s)
    {
        Ensure(s.Length);
        _outLen += Encoding.ASCII.GetBytes(s, 0, s.Length, _out, _outLen);
    }

    private void PutBytes(byte[] b)
    {
        Ensure(b.Length);
        Buffer.BlockCopy(b, 0, _out, _outLen, b.Length);
        _outLen += b.Length;
    }

    private void Ensure(int n)
    {
        if (_outLen + n > _out.Length) Array.Resize(ref _out, Math.Max(_out.Length * 2, _outLen + n));
    }

    public void Flush()
    {
        int sent = 0;
        while (sent < _outLen) sent += _socket.Send(_out, sent, _outLen - sent, SocketFlags.None);
        _outLen = 0;
    }

    /// <summary>Reads one reply; returns its text for simple/bulk/error replies when <paramref name="keep"/>, else null.</summary>
    public string? Read(bool keep = false)
    {
        byte kind = ReadByte();
        string line = ReadLine();
        switch (kind)
        {
            case (byte)'+':
            case (byte)':':
                return keep ? line : null;
            case (byte)'-':
                return keep ? "-" + line : throw new InvalidOperationException("server error: " + line);
            case (byte)'$':
            {
                int len = int.Parse(line);
                if (len < 0) return null;
                string? text = keep ? ReadText(len) : Skip(len);
                ReadLine();
                return text;
            }
            case (byte)'*':
            {
                int n = int.Parse(line);
                for (int i = 0; i < n; i++) Read();
                return null;
            }
            default:
                throw new InvalidOperationException($"bad reply byte {(char)kind}");
        }
    }

    public string? Call(params string[] args)
    {
        Append(args);
        Flush();
        return Read(keep: true);
    }

    private void Fill()
    {
        if (_inStart == _inEnd) _inStart = _inEnd = 0;
        else if (_inEnd == _in.Length)
        {
            Buffer.BlockCopy(_in, _inStart, _in, 0, _inEnd - _inStart);
            _inEnd -= _inStart;
            _inStart = 0;
        }
        int n = _socket.Receive(_in, _inEnd, _in.Length - _inEnd, SocketFlags.None);
        if (n <= 0) throw new IOException("connection closed");
        _inEnd += n;
    }

    private byte ReadByte()
    {
        if (_inStart == _inEnd) Fill();
        return _in[_inStart++];
    }

    private string ReadLine()
    {
        var sb = new StringBuilder();
        for (;;)
        {
            if (_inStart == _inEnd) Fill();
            int idx = Array.IndexOf(_in, (byte)'\n', _inStart, _inEnd - _inStart);
            if (idx < 0)
            {
                sb.Append(Encoding.ASCII.GetString(_in, _inStart, _inEnd - _inStart));
                _inStart = _inEnd;
                continue;
            }
            sb.Append(Encoding.ASCII.GetString(_in, _inStart, idx - _inStart));
            _inStart = idx + 1;
            if (sb.Length > 0 && sb[^1] == '\r') sb.Length--;
            return sb.ToString();
        }
    }

    private string? Skip(int len)
    {
        while (len > 0)
        {
            if (_inStart == _inEnd) Fill();
            int k = Math.Min(len, _inEnd - _inStart);
            _inStart += k;
            len -= k;
        }
        return null;
    }

    private string ReadText(int len)
    {
        var buf = new byte[len];
        int got = 0;
        while (got < len)
        {
            if (_inStart == _inEnd) Fill();
            int k = Math.Min(len - got, _inEnd - _inStart);
            Buffer.BlockCopy(_in, _inStart, buf, got, k);
            _inStart += k;
            got += k;
        }
        return Encoding.UTF8.GetString(buf);
    }

    public void Dispose() => _socket.Dispose();
}

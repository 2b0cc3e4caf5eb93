using System.Buffers;
using System.Text;
using RedisLite.Config;
using RedisLite.Network;
using RedisLite.Server;

namespace RedisLite.Tests;

/// <summary>
/// A <see cref="RedisServer"/> driven directly through its <see cref="CommandExecutor"/>, with no
/// sockets: each call loads the arguments into a client whose replies go to a buffer, runs the
/// command exactly as a connection would, and decodes the reply. Time is whatever
/// <see cref="NowMs"/> says (the server's clock seam), so tests can expire keys at will.
/// Replies decode like <see cref="RespClient"/>'s: string (status), RespClient.RespError, long,
/// byte[] (bulk, null for nil), object?[] (array).
/// </summary>
public sealed class InProcessServer : IDisposable
{
    public RedisServer Server { get; }
    public Client Client { get; }
    private readonly ArrayBufferWriter<byte> _out = new();
    private long _nextClientId = 1;

    /// <summary>The clock commands see (unix ms).</summary>
    public long NowMs { get; set; } = 1_700_000_000_000;

    public InProcessServer(Action<ServerConfig>? configure = null)
    {
        var config = new ServerConfig();
        configure?.Invoke(config);
        Server = new RedisServer(config) { ClockOverride = () => NowMs };
        Server.Keyspace.NowMs = NowMs;
        Client = NewClient();
    }

    /// <summary>Another client of the same server (its own db selection and reply buffer).</summary>
    public Client NewClient() =>
        new(_nextClientId++, Server, null, new RespWriter(_out)) { Authenticated = true };

    public object? Call(params object[] args) => CallAs(Client, args);

    public object? CallAs(Client client, params object[] args)
    {
        var argv = args.Select(a => a as byte[] ?? Encoding.UTF8.GetBytes(Convert.ToString(a, System.Globalization.CultureInfo.InvariantCulture)!)).ToArray();
        client.Args.Load(argv);
        _out.ResetWrittenCount();
        Server.Executor.Execute(client);
        client.Writer.Commit();
        int pos = 0;
        var reply = Parse(_out.WrittenSpan, ref pos);
        if (pos != _out.WrittenCount)
            throw new InvalidOperationException($"command {Encoding.UTF8.GetString(argv[0])} wrote {_out.WrittenCount} bytes but the first reply ends at {pos}");
        return reply;
    }

    /// <summary>Like <see cref="Call"/> with bulk replies as strings.</summary>
    public object? CallStr(params object[] args) => RespClient.Simplify(Call(args));

    /// <summary>Decodes one RESP2 reply starting at <paramref name="pos"/>.</summary>
    public static object? Parse(ReadOnlySpan<byte> buf, ref int pos)
    {
        int eol = buf[pos..].IndexOf("\r\n"u8) + pos;
        char type = (char)buf[pos];
        string line = Encoding.UTF8.GetString(buf[(pos + 1)..eol]);
        pos = eol + 2;
        switch (type)
        {
            case '+': return line;
            case '-': return new RespClient.RespError(line);
            case ':': return long.Parse(line);
            case '$':
            {
                int n = int.Parse(line);
                if (n < 0) return null;
                var bytes = buf.Slice(pos, n).ToArray();
                pos += n + 2;
                return bytes;
            }
            case '*':
            {
                int n = int.Parse(line);
                if (n < 0) return null;
                var arr = new object?[n];
                for (int i = 0; i < n; i++) arr[i] = Parse(buf, ref pos);
                return arr;
            }
            default: throw new InvalidOperationException($"bad reply type '{type}'");
        }
    }

    public void Dispose() => Server.Dispose();
}

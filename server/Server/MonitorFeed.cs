using System.Globalization;
using System.Text;
using System.Threading.Channels;
using RedisLite.Network;

namespace RedisLite.Server;

/// <summary>
/// MONITOR: every executed command, formatted as Redis does
/// (<c>+1339518083.107412 [0 127.0.0.1:60866] "set" "k" "v"</c>), is queued to each monitoring
/// client. A monitor's own connection task drains its queue, so no thread ever writes to another
/// connection's output.
/// </summary>
public sealed class MonitorFeed
{
    private readonly Lock _gate = new();
    private Dictionary<Client, Channel<byte[]>> _monitors = new();

    public bool Active => _monitors.Count > 0;

    /// <summary>Registers a monitor and returns the queue its connection must drain.</summary>
    public ChannelReader<byte[]> Add(Client c)
    {
        var ch = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(100_000) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (_gate) _monitors = new Dictionary<Client, Channel<byte[]>>(_monitors) { [c] = ch };
        return ch.Reader;
    }

    public void Remove(Client c)
    {
        lock (_gate)
        {
            if (!_monitors.ContainsKey(c)) return;
            var copy = new Dictionary<Client, Channel<byte[]>>(_monitors);
            copy.Remove(c, out var ch);
            ch?.Writer.TryComplete();
            _monitors = copy;
        }
    }

    public void Feed(Client source, RespArgs args)
    {
        var now = DateTimeOffset.UtcNow;
        long us = now.ToUnixTimeMilliseconds() * 1000 + now.Ticks / 10 % 1000;
        var sb = new StringBuilder();
        sb.Append('+').Append((us / 1_000_000).ToString(CultureInfo.InvariantCulture)).Append('.')
          .Append((us % 1_000_000).ToString("000000", CultureInfo.InvariantCulture))
          .Append(" [").Append(source.Db).Append(' ').Append(source.RemoteAddress).Append(']');
        for (int i = 0; i < args.Count; i++) sb.Append(' ').Append(Repr(args[i]));
        sb.Append("\r\n");
        var line = Encoding.UTF8.GetBytes(sb.ToString());
        foreach (var (client, ch) in _monitors)
            if (client != source) ch.Writer.TryWrite(line);
    }

    /// <summary>Redis's sdscatrepr: a quoted string with C escapes and \xHH for other bytes.</summary>
    public static string Repr(ReadOnlySpan<byte> s)
    {
        var sb = new StringBuilder("\"");
        foreach (byte b in s)
        {
            switch (b)
            {
                case (byte)'\\': sb.Append("\\\\"); break;
                case (byte)'"': sb.Append("\\\""); break;
                case (byte)'\n': sb.Append("\\n"); break;
                case (byte)'\r': sb.Append("\\r"); break;
                case (byte)'\t': sb.Append("\\t"); break;
                case 7: sb.Append("\\a"); break;
                case 8: sb.Append("\\b"); break;
                default:
                    if (b >= 32 && b < 127) sb.Append((char)b);
                    else sb.Append("\\x").Append(b.ToString("x2", CultureInfo.InvariantCulture));
                    break;
            }
        }
        return sb.Append('"').ToString();
    }
}

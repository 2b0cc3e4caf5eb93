using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace RedisLite.Network;

/// <summary>
/// Writes replies straight into a connection's output (an <see cref="IBufferWriter{T}"/>: the
/// socket's PipeWriter, or a buffer for MULTI/scripts/tests). It speaks RESP2 or RESP3 per
/// connection: callers say what a reply is (a map, a null, a double) and the writer picks the
/// wire form, so command code never branches on the protocol. Small replies are gathered in one
/// span obtained from the output and committed by <see cref="Commit"/>.
/// </summary>
public sealed class RespWriter
{
    private IBufferWriter<byte> _out;
    private Memory<byte> _mem;
    private int _pos;

    /// <summary>2 or 3 (HELLO).</summary>
    public int Protocol { get; set; } = 2;

    /// <summary>Bytes committed to the output since the last <see cref="ResetCounter"/>.</summary>
    public long BytesWritten { get; private set; }

    public RespWriter(IBufferWriter<byte> output) => _out = output;

    /// <summary>Redirects the writer (e.g. to capture replies); commits pending bytes first.</summary>
    public IBufferWriter<byte> Redirect(IBufferWriter<byte> output)
    {
        Commit();
        var old = _out;
        _out = output;
        return old;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<byte> Take(int n)
    {
        if (_mem.Length - _pos < n) Grow(n);
        return _mem.Span.Slice(_pos);
    }

    private void Grow(int n)
    {
        Commit();
        _mem = _out.GetMemory(Math.Max(n, 4096));
    }

    /// <summary>Hands gathered bytes to the output; call before flushing it.</summary>
    public void Commit()
    {
        if (_pos > 0)
        {
            _out.Advance(_pos);
            BytesWritten += _pos;
        }
        _pos = 0;
        _mem = default;
    }

    /// <summary>Drops the replies gathered since the last commit (batches commit once, at their end).</summary>
    public void Discard() => _pos = 0;

    public void ResetCounter() => BytesWritten = 0;

    /// <summary>Bytes gathered or committed since the counter was reset.</summary>
    public long Pending => BytesWritten + _pos;

    /// <summary>Bytes gathered and not yet committed to the output.</summary>
    public int Gathered => _pos;

    public void Raw(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > 64 * 1024)
        {
            // A big value goes in the output's own blocks, not one buffer of its size per reply.
            Commit();
            while (bytes.Length > 0)
            {
                var dst = _out.GetSpan();
                int n = Math.Min(dst.Length, bytes.Length);
                bytes[..n].CopyTo(dst);
                _out.Advance(n);
                BytesWritten += n;
                bytes = bytes[n..];
            }
            return;
        }
        bytes.CopyTo(Take(bytes.Length));
        _pos += bytes.Length;
    }

    private void Ascii(string s)
    {
        var span = Take(Encoding.UTF8.GetMaxByteCount(s.Length));
        _pos += Encoding.UTF8.GetBytes(s, span);
    }

    private void Line(byte prefix, long n)
    {
        var span = Take(24);
        span[0] = prefix;
        Utf8Formatter.TryFormat(n, span.Slice(1), out int w);
        span[w + 1] = (byte)'\r';
        span[w + 2] = (byte)'\n';
        _pos += w + 3;
    }

    public void Ok() => Raw("+OK\r\n"u8);

    /// <summary>A status reply: +text (text must not contain CR/LF).</summary>
    public void Simple(string s)
    {
        Raw("+"u8);
        Ascii(s);
        Raw("\r\n"u8);
    }

    public void Simple(ReadOnlySpan<byte> s)
    {
        Raw("+"u8);
        Raw(s);
        Raw("\r\n"u8);
    }

    /// <summary>An error reply. <paramref name="s"/> starts with its code (ERR, WRONGTYPE...); CR/LF become spaces.</summary>
    public void Error(string s)
    {
        Raw("-"u8);
        Ascii(s.Replace('\r', ' ').Replace('\n', ' '));
        Raw("\r\n"u8);
    }

    /// <summary>An error reply from raw bytes (client bytes echoed as Redis echoes them); CR/LF become spaces.</summary>
    public void Error(ReadOnlySpan<byte> s)
    {
        Raw("-"u8);
        var dst = Take(s.Length);
        for (int i = 0; i < s.Length; i++) dst[i] = s[i] is (byte)'\r' or (byte)'\n' ? (byte)' ' : s[i];
        _pos += s.Length;
        Raw("\r\n"u8);
    }

    public void Integer(long n) => Line((byte)':', n);

    public void Bulk(ReadOnlySpan<byte> s)
    {
        Line((byte)'$', s.Length);
        Raw(s);
        Raw("\r\n"u8);
    }

    public void Bulk(string s) => Bulk(Encoding.UTF8.GetBytes(s));

    public void BulkInteger(long n)
    {
        Span<byte> tmp = stackalloc byte[20];
        Utf8Formatter.TryFormat(n, tmp, out int w);
        Bulk(tmp[..w]);
    }

    /// <summary>A null (RESP2 <c>$-1</c>, RESP3 <c>_</c>).</summary>
    public void Null() => Raw(Protocol == 3 ? "_\r\n"u8 : "$-1\r\n"u8);

    /// <summary>A null where RESP2 uses a null array (<c>*-1</c>).</summary>
    public void NullArray() => Raw(Protocol == 3 ? "_\r\n"u8 : "*-1\r\n"u8);

    public void ArrayHeader(long n) => Line((byte)'*', n);

    /// <summary>A map of n pairs (RESP3 <c>%</c>, RESP2 a flat array of 2n).</summary>
    public void MapHeader(long n)
    {
        if (Protocol == 3) Line((byte)'%', n);
        else Line((byte)'*', n * 2);
    }

    /// <summary>A set of n members (RESP3 <c>~</c>, RESP2 an array).</summary>
    public void SetHeader(long n) => Line(Protocol == 3 ? (byte)'~' : (byte)'*', n);

    /// <summary>A push message (RESP3 <c>&gt;</c>, RESP2 an array).</summary>
    public void PushHeader(long n) => Line(Protocol == 3 ? (byte)'>' : (byte)'*', n);

    /// <summary>A double: RESP3 <c>,</c>; RESP2 a bulk string in Redis's %.17g form.</summary>
    public void Double(double d)
    {
        string s = FormatDouble(d);
        if (Protocol == 3)
        {
            Raw(","u8);
            Ascii(s);
            Raw("\r\n"u8);
        }
        else Bulk(s);
    }

    public void Boolean(bool b)
    {
        if (Protocol == 3) Raw(b ? "#t\r\n"u8 : "#f\r\n"u8);
        else Integer(b ? 1 : 0);
    }

    /// <summary>A verbatim string (RESP3 <c>=</c> with a 3-letter format; RESP2 a bulk string).</summary>
    public void Verbatim(string s, string format = "txt")
    {
        if (Protocol != 3) { Bulk(s); return; }
        var bytes = Encoding.UTF8.GetBytes(s);
        Line((byte)'=', bytes.Length + 4);
        Ascii(format);
        Raw(":"u8);
        Raw(bytes);
        Raw("\r\n"u8);
    }

    /// <summary>Redis's reply form of a double: inf/-inf/nan, else %.17g.</summary>
    public static string FormatDouble(double d)
    {
        if (double.IsPositiveInfinity(d)) return "inf";
        if (double.IsNegativeInfinity(d)) return "-inf";
        if (double.IsNaN(d)) return "nan";
        return FormatG17(d);
    }

    /// <summary>C's printf("%.17g").</summary>
    public static string FormatG17(double d)
    {
        if (d == 0) return double.IsNegative(d) ? "-0" : "0";
        // Integers below 1e17 print as their digits under %.17g: format them directly (fast path).
        if (d > -1e17 && d < 1e17 && d == Math.Floor(d)) return ((long)d).ToString(CultureInfo.InvariantCulture);
        string e = d.ToString("E16", CultureInfo.InvariantCulture); // d.dddddddddddddddde+XXX
        int exp = int.Parse(e.AsSpan(e.IndexOf('E') + 1), CultureInfo.InvariantCulture);
        if (exp < -4 || exp >= 17)
        {
            string mant = e[..e.IndexOf('E')];
            if (mant.Contains('.')) mant = mant.TrimEnd('0').TrimEnd('.');
            return mant + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
        }
        string f = d.ToString("F" + Math.Max(0, 16 - exp), CultureInfo.InvariantCulture);
        if (f.Contains('.')) f = f.TrimEnd('0').TrimEnd('.');
        return f;
    }
}

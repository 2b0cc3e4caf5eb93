using System.Buffers.Text;

namespace RedisLite.Network;

/// <summary>Outcome of parsing at one position of the read buffer.</summary>
public enum ParseStatus
{
    /// <summary>A full command is in the args.</summary>
    Command,
    /// <summary>An empty frame (blank inline line, <c>*0</c>, <c>*-1</c>) was skipped.</summary>
    Empty,
    /// <summary>More bytes are needed; <see cref="RespParser.NeededBytes"/> may say how many.</summary>
    Incomplete,
    /// <summary>The bytes are not RESP; the error text is set and the connection must close.</summary>
    Error,
}

/// <summary>
/// Parses RESP2 requests (multibulk and inline) from a contiguous span, the way Redis's
/// processMultibulkBuffer/processInlineBuffer do, with the same limits and the same error texts.
/// Multibulk arguments are recorded as ranges (no copies); inline arguments need unquoting, so
/// they are written into a per-connection scratch buffer first.
/// </summary>
public sealed class RespParser
{
    /// <summary>Redis's PROTO_INLINE_MAX_SIZE: longest inline line or count line without a newline.</summary>
    public const int InlineMaxSize = 64 * 1024;
    /// <summary>Redis's limits for unauthenticated clients.</summary>
    public const int UnauthMaxArgs = 10, UnauthMaxBulk = 16384;

    private byte[] _inline = new byte[256];

    /// <summary>Total bytes from the frame start the parser needs before it can progress (0 if unknown).</summary>
    public long NeededBytes { get; private set; }

    public string? Error { get; private set; }

    /// <summary>
    /// Parses one frame starting at <paramref name="pos"/> of <paramref name="src"/>. On
    /// <see cref="ParseStatus.Command"/> or <see cref="ParseStatus.Empty"/>, <paramref name="pos"/>
    /// moves past the frame.
    /// </summary>
    public ParseStatus Parse(ReadOnlyMemory<byte> src, ref int pos, RespArgs args, long maxBulkLen, bool authenticated)
    {
        NeededBytes = 0;
        var span = src.Span;
        if (pos >= span.Length) return ParseStatus.Incomplete;
        return span[pos] == '*'
            ? ParseMultibulk(src, ref pos, args, maxBulkLen, authenticated)
            : ParseInline(span, ref pos, args);
    }

    private ParseStatus ParseMultibulk(ReadOnlyMemory<byte> src, ref int pos, RespArgs args, long maxBulkLen, bool authenticated)
    {
        var span = src.Span;
        int p = pos;
        int nl = span.Slice(p).IndexOf((byte)'\r');
        if (nl < 0)
        {
            if (span.Length - p > InlineMaxSize) return Fail("Protocol error: too big mbulk count string");
            return ParseStatus.Incomplete;
        }
        if (p + nl + 1 >= span.Length) return ParseStatus.Incomplete;
        if (!TryParseLong(span.Slice(p + 1, nl - 1), out long count) || count > int.MaxValue)
            return Fail("Protocol error: invalid multibulk length");
        if (count > UnauthMaxArgs && !authenticated)
            return Fail("Protocol error: unauthenticated multibulk length");
        p += nl + 2;
        if (count <= 0)
        {
            pos = p;
            return ParseStatus.Empty;
        }
        args.Reset(src);
        for (long i = 0; i < count; i++)
        {
            if (p >= span.Length) return ParseStatus.Incomplete;
            if (span[p] != '$')
                return Fail($"Protocol error: expected '$', got '{(char)span[p]}'");
            int cr = span.Slice(p).IndexOf((byte)'\r');
            if (cr < 0)
            {
                if (span.Length - p > InlineMaxSize) return Fail("Protocol error: too big bulk count string");
                return ParseStatus.Incomplete;
            }
            if (p + cr + 1 >= span.Length) return ParseStatus.Incomplete;
            if (!TryParseLong(span.Slice(p + 1, cr - 1), out long len) || len < 0 || len > maxBulkLen)
                return Fail("Protocol error: invalid bulk length");
            if (len > UnauthMaxBulk && !authenticated)
                return Fail("Protocol error: unauthenticated bulk length");
            p += cr + 2;
            if ((long)span.Length - p < len + 2)
            {
                // Tell the reader how much this frame needs at least, so it does not re-parse
                // a large bulk on every arriving segment.
                NeededBytes = (long)(p - pos) + len + 2;
                return ParseStatus.Incomplete;
            }
            args.Add(p, (int)len);
            p += (int)len + 2;
        }
        pos = p;
        return ParseStatus.Command;
    }

    private ParseStatus ParseInline(ReadOnlySpan<byte> span, ref int pos, RespArgs args)
    {
        int nl = span.Slice(pos).IndexOf((byte)'\n');
        if (nl < 0)
        {
            if (span.Length - pos > InlineMaxSize) return Fail("Protocol error: too big inline request");
            return ParseStatus.Incomplete;
        }
        var line = span.Slice(pos, nl);
        if (line.Length > 0 && line[^1] == '\r') line = line[..^1];
        if (_inline.Length < line.Length) _inline = new byte[Math.Max(line.Length, _inline.Length * 2)];
        int written = 0;
        var ranges = new List<(int, int)>();
        if (!SplitArgs(line, _inline, ref written, ranges))
            return Fail("Protocol error: unbalanced quotes in request");
        pos += nl + 1;
        if (ranges.Count == 0) return ParseStatus.Empty;
        args.Reset(_inline.AsMemory(0, written));
        foreach (var (s, l) in ranges) args.Add(s, l);
        return ParseStatus.Command;
    }

    /// <summary>
    /// Redis's sdssplitargs: space-separated words, "double quoted" with \n \r \t \b \a \\ \" and
    /// \xHH escapes, 'single quoted' with only \' as escape. A closing quote must be followed by
    /// a space or the end. Unquoted words are written into <paramref name="dst"/>.
    /// </summary>
    public static bool SplitArgs(ReadOnlySpan<byte> line, byte[] dst, ref int written, List<(int, int)> ranges)
    {
        int i = 0;
        while (true)
        {
            while (i < line.Length && IsSpace(line[i])) i++;
            if (i >= line.Length) return true;
            int start = written;
            bool inDq = false, inSq = false, done = false;
            while (!done)
            {
                if (inDq)
                {
                    if (i >= line.Length) return false;
                    byte c = line[i];
                    if (c == '\\' && i + 3 < line.Length && line[i + 1] == 'x' && IsHex(line[i + 2]) && IsHex(line[i + 3]))
                    {
                        dst[written++] = (byte)(HexVal(line[i + 2]) * 16 + HexVal(line[i + 3]));
                        i += 3;
                    }
                    else if (c == '\\' && i + 1 < line.Length)
                    {
                        i++;
                        dst[written++] = line[i] switch
                        {
                            (byte)'n' => (byte)'\n', (byte)'r' => (byte)'\r', (byte)'t' => (byte)'\t',
                            (byte)'b' => (byte)'\b', (byte)'a' => (byte)'\a', _ => line[i],
                        };
                    }
                    else if (c == '"')
                    {
                        if (i + 1 < line.Length && !IsSpace(line[i + 1])) return false;
                        done = true;
                    }
                    else dst[written++] = c;
                }
                else if (inSq)
                {
                    if (i >= line.Length) return false;
                    byte c = line[i];
                    if (c == '\\' && i + 1 < line.Length && line[i + 1] == '\'')
                    {
                        i++;
                        dst[written++] = (byte)'\'';
                    }
                    else if (c == '\'')
                    {
                        if (i + 1 < line.Length && !IsSpace(line[i + 1])) return false;
                        done = true;
                    }
                    else dst[written++] = c;
                }
                else
                {
                    if (i >= line.Length) { done = true; break; }
                    byte c = line[i];
                    if (IsSpace(c)) done = true;
                    else if (c == '"') inDq = true;
                    else if (c == '\'') inSq = true;
                    else dst[written++] = c;
                }
                if (i < line.Length) i++;
            }
            ranges.Add((start, written - start));
        }
    }

    private static bool IsSpace(byte c) => c is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t' or (byte)'\v' or (byte)'\f' or 0;
    private static bool IsHex(byte c) => (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
    private static int HexVal(byte c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    private static bool TryParseLong(ReadOnlySpan<byte> s, out long v) =>
        Utf8Parser.TryParse(s, out v, out int used) && used == s.Length && s.Length > 0;

    private ParseStatus Fail(string error)
    {
        Error = error;
        return ParseStatus.Error;
    }
}

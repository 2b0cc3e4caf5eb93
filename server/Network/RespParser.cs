using System.Text;
using RedisLite.Store;

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
/// processMultibulkBuffer/processInlineBuffer do, with the same limits, the same checks in the
/// same order, and the same error texts. Multibulk arguments are recorded as ranges relative to
/// the frame start (no copies); inline arguments need unquoting, so they are written into a
/// per-connection scratch buffer first.
/// <para>
/// A multibulk frame that arrives over many reads is parsed once in total, as Redis keeps
/// multibulklen/bulklen between reads: on <see cref="ParseStatus.Incomplete"/> the arguments
/// parsed so far stay in the <see cref="RespArgs"/> and the parser remembers where it stopped.
/// The caller's contract: after Incomplete, the next call passes the same args and the same frame
/// (now with more bytes behind it) at <c>pos</c>; anything else makes the parser start the frame
/// over, which is slower but still correct.
/// </para>
/// </summary>
public sealed class RespParser
{
    /// <summary>Redis's PROTO_INLINE_MAX_SIZE: longest inline line or count line without a newline.</summary>
    public const int InlineMaxSize = 64 * 1024;
    /// <summary>Redis's limits for unauthenticated clients.</summary>
    public const int UnauthMaxArgs = 10, UnauthMaxBulk = 16384;

    private byte[] _inline = new byte[256];
    private readonly List<(int, int)> _inlineRanges = new();

    // The multibulk frame that is incomplete so far: arguments it declared (0 = none pending),
    // where its next bulk header starts (from the frame start), and how many args were parsed.
    private long _pendingTotal;
    private int _pendingOffset;
    private int _pendingParsed;
    // Where the bytes not yet turned into arguments start (past the pending bulk's header, once read).
    private int _pendingUnparsed;

    /// <summary>Total bytes from the frame start the parser needs before it can progress (0 if unknown).</summary>
    public long NeededBytes { get; private set; }

    /// <summary>
    /// Bytes at the start of a pending multibulk frame that Redis would already have turned into
    /// arguments (headers and complete bulks): CLIENT LIST shows those as argv-mem, not qbuf.
    /// 0 when no frame is pending or for an inline line.
    /// </summary>
    public int PendingParsedBytes => _pendingTotal > 0 ? _pendingUnparsed : 0;

    /// <summary>The protocol error, without the "ERR " prefix; one char per byte (Latin-1), as Redis prints raw bytes.</summary>
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
        if (span[pos] != '*') return ParseInline(span, ref pos, args);
        if (_pendingTotal > 0 && args.Count == _pendingParsed)
        {
            args.Rebase(src.Slice(pos));
            return ParseBulks(src, ref pos, pos + _pendingOffset, _pendingTotal, args, maxBulkLen, authenticated);
        }
        _pendingTotal = 0;
        return ParseMultibulk(src, ref pos, args, maxBulkLen, authenticated);
    }

    private ParseStatus ParseMultibulk(ReadOnlyMemory<byte> src, ref int pos, RespArgs args, long maxBulkLen, bool authenticated)
    {
        var span = src.Span;
        int cr = LineEnd(span.Slice(pos), (byte)'\r');
        if (cr < 0)
        {
            if (span.Length - pos > InlineMaxSize) return Fail("Protocol error: too big mbulk count string");
            return ParseStatus.Incomplete;
        }
        // The line counts only once its \n has arrived too (whatever that byte is, as in Redis).
        if (pos + cr + 1 >= span.Length) return ParseStatus.Incomplete;
        if (!StringValues.TryParseCanonicalInt(span.Slice(pos + 1, cr - 1), out long count) || count > int.MaxValue)
            return Fail("Protocol error: invalid multibulk length");
        if (count > UnauthMaxArgs && !authenticated)
            return Fail("Protocol error: unauthenticated multibulk length");
        if (count <= 0)
        {
            pos += cr + 2;
            return ParseStatus.Empty;
        }
        args.Reset(src.Slice(pos));
        return ParseBulks(src, ref pos, pos + cr + 2, count, args, maxBulkLen, authenticated);
    }

    /// <summary>Parses the bulks of the frame at <paramref name="pos"/> from <paramref name="p"/> until <paramref name="count"/> args are in.</summary>
    private ParseStatus ParseBulks(ReadOnlyMemory<byte> src, ref int pos, int p, long count, RespArgs args, long maxBulkLen, bool authenticated)
    {
        var span = src.Span;
        int frame = pos;
        while (args.Count < count)
        {
            int cr = p < span.Length ? LineEnd(span.Slice(p), (byte)'\r') : -1;
            if (cr < 0)
            {
                if (span.Length - p > InlineMaxSize) return Fail("Protocol error: too big bulk count string");
                return Pending(frame, p, p, count, args);
            }
            if (p + cr + 1 >= span.Length) return Pending(frame, p, p, count, args);
            if (span[p] != '$')
                return Fail($"Protocol error: expected '$', got '{(char)span[p]}'");
            if (!StringValues.TryParseCanonicalInt(span.Slice(p + 1, cr - 1), out long len) || len < 0 || len > maxBulkLen)
                return Fail("Protocol error: invalid bulk length");
            if (len > UnauthMaxBulk && !authenticated)
                return Fail("Protocol error: unauthenticated bulk length");
            int data = p + cr + 2;
            if ((long)span.Length - data < len + 2)
            {
                // Tell the reader how much this frame needs at least, so it does not look at a
                // large bulk again on every arriving segment.
                NeededBytes = (long)(data - frame) + len + 2;
                return Pending(frame, p, data, count, args);
            }
            // Like Redis, the two bytes after the data are skipped unchecked.
            args.Add(data - frame, (int)len);
            p = data + (int)len + 2;
        }
        _pendingTotal = 0;
        pos = p;
        return ParseStatus.Command;
    }

    private ParseStatus Pending(int frame, int p, int unparsed, long count, RespArgs args)
    {
        _pendingTotal = count;
        _pendingOffset = p - frame;
        _pendingUnparsed = unparsed - frame;
        _pendingParsed = args.Count;
        return ParseStatus.Incomplete;
    }

    private ParseStatus ParseInline(ReadOnlySpan<byte> span, ref int pos, RespArgs args)
    {
        int nl = LineEnd(span.Slice(pos), (byte)'\n');
        if (nl < 0)
        {
            if (span.Length - pos > InlineMaxSize) return Fail("Protocol error: too big inline request");
            return ParseStatus.Incomplete;
        }
        var line = span.Slice(pos, nl);
        if (line.Length > 0 && line[^1] == '\r') line = line[..^1];
        if (_inline.Length < line.Length) _inline = new byte[Math.Max(line.Length, _inline.Length * 2)];
        int written = 0;
        _inlineRanges.Clear();
        if (!SplitArgs(line, _inline, ref written, _inlineRanges))
            return Fail("Protocol error: unbalanced quotes in request");
        pos += nl + 1;
        if (_inlineRanges.Count == 0) return ParseStatus.Empty;
        args.Reset(_inline.AsMemory(0, written));
        foreach (var (s, l) in _inlineRanges) args.Add(s, l);
        return ParseStatus.Command;
    }

    /// <summary>
    /// Redis's sdssplitargs, byte for byte: words separated by blanks (C isspace), "double quoted"
    /// with \n \r \t \b \a \\ \" and \xHH escapes, 'single quoted' with only \' as escape. A
    /// closing quote must be followed by a blank or the end. The line is a C string there, so it
    /// ends at the first NUL; an unquoted word ends only at space, \n, \r or \t (not \v or \f).
    /// Unquoted words are written into <paramref name="dst"/> (at most the line's length).
    /// </summary>
    public static bool SplitArgs(ReadOnlySpan<byte> line, byte[] dst, ref int written, List<(int, int)> ranges)
    {
        int nul = line.IndexOf((byte)0);
        if (nul >= 0) line = line[..nul];
        int n = line.Length, i = 0;
        while (true)
        {
            while (i < n && IsBlank(line[i])) i++;
            if (i >= n) return true;
            int start = written;
            bool inDq = false, inSq = false, done = false;
            while (!done)
            {
                // Past the end reads as the C string's terminating NUL.
                byte c = At(line, i), next = At(line, i + 1);
                if (inDq)
                {
                    if (c == '\\' && next == 'x' && IsHex(At(line, i + 2)) && IsHex(At(line, i + 3)))
                    {
                        dst[written++] = (byte)(HexVal(line[i + 2]) * 16 + HexVal(line[i + 3]));
                        i += 3;
                    }
                    else if (c == '\\' && next != 0)
                    {
                        i++;
                        dst[written++] = next switch
                        {
                            (byte)'n' => (byte)'\n', (byte)'r' => (byte)'\r', (byte)'t' => (byte)'\t',
                            (byte)'b' => (byte)'\b', (byte)'a' => (byte)'\a', _ => next,
                        };
                    }
                    else if (c == '"')
                    {
                        if (next != 0 && !IsBlank(next)) return false;
                        done = true;
                    }
                    else if (c == 0) return false;
                    else dst[written++] = c;
                }
                else if (inSq)
                {
                    if (c == '\\' && next == '\'')
                    {
                        i++;
                        dst[written++] = (byte)'\'';
                    }
                    else if (c == '\'')
                    {
                        if (next != 0 && !IsBlank(next)) return false;
                        done = true;
                    }
                    else if (c == 0) return false;
                    else dst[written++] = c;
                }
                else if (c is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t' or 0) done = true;
                else if (c == '"') inDq = true;
                else if (c == '\'') inSq = true;
                else dst[written++] = c;
                if (i < n) i++;
            }
            ranges.Add((start, written - start));
        }
    }

    /// <summary>
    /// Where the line ends (the index of <paramref name="end"/>), or -1 while it has not arrived.
    /// Redis finds it with strchr on its query buffer, which stops at a NUL: a NUL before the line
    /// end means "not there yet", so such a request stays pending until the line limits apply.
    /// </summary>
    private static int LineEnd(ReadOnlySpan<byte> s, byte end)
    {
        int i = s.IndexOfAny(end, (byte)0);
        return i >= 0 && s[i] == end ? i : -1;
    }

    private static byte At(ReadOnlySpan<byte> s, int i) => i < s.Length ? s[i] : (byte)0;
    private static bool IsBlank(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r';
    private static bool IsHex(byte c) => (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
    private static int HexVal(byte c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    private ParseStatus Fail(string error)
    {
        _pendingTotal = 0;
        Error = error;
        return ParseStatus.Error;
    }

    /// <summary>The error reply's bytes: "ERR " and the error, one byte per char, as Redis prints the byte it got.</summary>
    public byte[] ErrorReply() => Encoding.Latin1.GetBytes("ERR " + Error);
}

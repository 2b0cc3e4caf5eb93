using System.Buffers.Text;
using RedisLite.Store;

namespace RedisLite.Commands;

/// <summary>
/// The parts of Redis's scanGenericCommand that SCAN, HSCAN, SSCAN and ZSCAN share: the cursor
/// is checked before the key is looked up, options after (so a missing key answers an empty scan
/// even with bad options, as Redis does); MATCH and COUNT everywhere, TYPE only for SCAN; COUNT
/// bounds the items gathered and COUNT*10 the table steps. Small encodings (listpack, intset) are
/// returned whole with cursor 0; hashtables are walked with the reverse-binary cursor.
/// </summary>
public static class GenericScan
{
    /// <summary>COUNT, and the argument index of MATCH's pattern and of SCAN's TYPE (-1 when absent; a MATCH of "*" counts as absent).</summary>
    public readonly record struct Options(long Count, int PatternArg, int TypeArg);

    /// <summary>Parses the cursor argument, replying "invalid cursor" on failure.</summary>
    public static bool TryCursor(CommandContext ctx, int arg, out ulong cursor)
    {
        if (TryParseCursor(ctx.Args[arg], out cursor)) return true;
        ctx.Error("ERR invalid cursor");
        return false;
    }

    /// <summary>
    /// C's strtoul as Redis uses it for cursors: optional sign (a '-' negates modulo 2^64), decimal
    /// digits, nothing after them, no leading space; an empty string is cursor 0; overflow is invalid.
    /// </summary>
    public static bool TryParseCursor(ReadOnlySpan<byte> s, out ulong cursor)
    {
        cursor = 0;
        if (s.Length > 0 && (s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r'))) return false;
        int i = 0;
        bool neg = false;
        if (i < s.Length && (s[i] == '+' || s[i] == '-'))
        {
            neg = s[i] == '-';
            i++;
        }
        int digitsStart = i;
        ulong v = 0;
        for (; i < s.Length && s[i] >= '0' && s[i] <= '9'; i++)
        {
            ulong d = (ulong)(s[i] - '0');
            if (v > (ulong.MaxValue - d) / 10) return false;
            v = v * 10 + d;
        }
        // strtoul parses nothing from a lone sign and leaves the end pointer at the start.
        if (i == digitsStart) return s.Length == 0;
        if (i != s.Length) return false;
        cursor = neg ? 0 - v : v;
        return true;
    }

    /// <summary>Parses MATCH / COUNT (and TYPE where <paramref name="typeOption"/>) from argument <paramref name="first"/> on, replying the error if any.</summary>
    public static bool TryOptions(CommandContext ctx, int first, bool typeOption, out Options options)
    {
        var a = ctx.Args;
        long count = 10;
        int patternArg = -1, typeArg = -1;
        options = default;
        for (int i = first; i < a.Count; i += 2)
        {
            bool hasValue = i + 1 < a.Count;
            if (a.Is(i, "COUNT") && hasValue)
            {
                if (!ctx.TryLong(i + 1, out count)) return false;
                if (count < 1)
                {
                    ctx.SyntaxError();
                    return false;
                }
            }
            else if (a.Is(i, "MATCH") && hasValue) patternArg = i + 1;
            else if (typeOption && a.Is(i, "TYPE") && hasValue) typeArg = i + 1;
            else
            {
                ctx.SyntaxError();
                return false;
            }
        }
        if (patternArg > 0 && Glob.MatchesEverything(a[patternArg])) patternArg = -1;
        options = new Options(count, patternArg, typeArg);
        return true;
    }

    /// <summary>
    /// The opening of HSCAN, SSCAN and ZSCAN (key cursor [MATCH pattern] [COUNT count]): cursor,
    /// then the key of <paramref name="type"/>, then the options. False once it has replied (an
    /// error, WRONGTYPE, or the empty scan of a missing key).
    /// </summary>
    public static bool TryBegin(CommandContext ctx, byte type, out ulong rec, out ulong cursor, out Options options)
    {
        rec = 0;
        options = default;
        if (!TryCursor(ctx, 2, out cursor)) return false;
        rec = ctx.LookupRead(ctx.Args[1], type);
        if (rec == CommandContext.WrongTypeReplied) return false;
        if (rec == 0)
        {
            ctx.Reply.ArrayHeader(2);
            ctx.Reply.Bulk("0"u8);
            ctx.Reply.ArrayHeader(0);
            return false;
        }
        return TryOptions(ctx, 3, typeOption: false, out options);
    }

    /// <summary>
    /// Replies [cursor, items] keeping the items whose element (the first of each group of
    /// <paramref name="groupSize"/>: a hash field, a set member) matches the pattern.
    /// </summary>
    public static void Reply(CommandContext ctx, ulong cursor, List<byte[]> items, int groupSize, Options options)
    {
        if (options.PatternArg > 0)
        {
            var kept = new List<byte[]>(items.Count);
            for (int i = 0; i < items.Count; i += groupSize)
                if (Glob.Match(ctx.Args[options.PatternArg], items[i]))
                    for (int k = 0; k < groupSize; k++) kept.Add(items[i + k]);
            items = kept;
        }
        ReplyBatch(ctx, cursor, items);
    }

    /// <summary>Replies [cursor, items] as they are.</summary>
    public static void ReplyBatch(CommandContext ctx, ulong cursor, List<byte[]> items)
    {
        ctx.Reply.ArrayHeader(2);
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(cursor, digits, out int w);
        ctx.Reply.Bulk(digits[..w]);
        ctx.Reply.ArrayHeader(items.Count);
        foreach (var it in items) ctx.Reply.Bulk(it);
    }

    /// <summary>
    /// Walks a hashtable from cursor until <paramref name="collected"/> reaches COUNT or COUNT*10
    /// steps are spent (Redis's loop), gathering the entries visited; returns the next cursor.
    /// </summary>
    public static ulong Walk(Dict dict, ulong cursor, List<ulong> found, Func<int> collected, Options options)
    {
        var visitor = new EntryCollector(found);
        long maxIterations = options.Count > long.MaxValue / 10 ? long.MaxValue : options.Count * 10;
        do cursor = dict.Scan(cursor, ref visitor);
        while (cursor != 0 && maxIterations-- > 0 && collected() < options.Count);
        return cursor;
    }
}

/// <summary>Collects the entries a <see cref="Dict.Scan{TVisitor}"/> step visits.</summary>
public readonly struct EntryCollector(List<ulong> found) : IDictVisitor
{
    public List<ulong> Found { get; } = found;
    public void Visit(ulong entry) => Found.Add(entry);
}

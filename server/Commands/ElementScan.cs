using System.Buffers.Text;

namespace RedisLite.Commands;

/// <summary>
/// The part of Redis's scanGenericCommand shared by HSCAN, SSCAN (and ZSCAN): the cursor is
/// checked before the key is looked up, options after (so a missing key answers an empty scan
/// even with bad options, as Redis does), TYPE is not an option here, and COUNT counts reply
/// items (a hash field and its value are two). Small encodings (listpack, intset) are returned
/// whole with cursor 0; hashtables are walked with the reverse-binary cursor.
/// </summary>
public static class ElementScan
{
    public readonly record struct Options(long Count, int PatternArg);

    /// <summary>Parses the cursor argument (index 2), replying "invalid cursor" on failure.</summary>
    public static bool TryCursor(CommandContext ctx, out ulong cursor)
    {
        if (Keys.TryParseCursor(ctx.Args[2], out cursor)) return true;
        ctx.Error("ERR invalid cursor");
        return false;
    }

    /// <summary>Parses MATCH/COUNT from argument 3 on, replying the error if any.</summary>
    public static bool TryOptions(CommandContext ctx, out Options options)
    {
        var a = ctx.Args;
        long count = 10;
        int patternArg = -1;
        options = default;
        for (int i = 3; i < a.Count; i += 2)
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
            else
            {
                ctx.SyntaxError();
                return false;
            }
        }
        if (patternArg > 0 && a[patternArg].Length == 1 && a[patternArg][0] == '*') patternArg = -1;
        options = new Options(count, patternArg);
        return true;
    }

    /// <summary>The reply for a key that does not exist: cursor 0, no elements.</summary>
    public static void ReplyEmpty(CommandContext ctx)
    {
        ctx.Reply.ArrayHeader(2);
        ctx.Reply.Bulk("0"u8);
        ctx.Reply.ArrayHeader(0);
    }

    /// <summary>
    /// Replies [cursor, items] keeping the items whose element (the first of each group of
    /// <paramref name="groupSize"/>: a hash field, a set member) matches the pattern.
    /// </summary>
    public static void Reply(CommandContext ctx, ulong cursor, List<byte[]> items, int groupSize, Options options)
    {
        if (options.PatternArg > 0 && !Glob.MatchesEverything(ctx.Args[options.PatternArg]))
        {
            var kept = new List<byte[]>(items.Count);
            for (int i = 0; i < items.Count; i += groupSize)
                if (Glob.Match(ctx.Args[options.PatternArg], items[i]))
                    for (int k = 0; k < groupSize; k++) kept.Add(items[i + k]);
            items = kept;
        }
        ctx.Reply.ArrayHeader(2);
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(cursor, digits, out int w);
        ctx.Reply.Bulk(digits[..w]);
        ctx.Reply.ArrayHeader(items.Count);
        foreach (var it in items) ctx.Reply.Bulk(it);
    }

    /// <summary>Walks a hashtable from cursor until COUNT items or COUNT*10 buckets (Redis's loop), returning the next cursor.</summary>
    public static ulong Walk<TVisitor>(Store.Dict dict, ulong cursor, ref TVisitor visitor, Func<int> collected, Options options)
        where TVisitor : struct, Store.IDictVisitor
    {
        long maxIterations = options.Count > long.MaxValue / 10 ? long.MaxValue : options.Count * 10;
        do cursor = dict.Scan(cursor, ref visitor);
        while (cursor != 0 && maxIterations-- > 0 && collected() < options.Count);
        return cursor;
    }
}

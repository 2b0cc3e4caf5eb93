using RedisLite.Store;

namespace RedisLite.Commands;

/// <summary>
/// How sorted-set commands read scores and score ranges: Redis's getDoubleFromObject for a
/// score, zslParseRange for a range end (strtod, "(" for an open end). Lexical ranges are
/// <see cref="ZLexRange"/>'s (zslParseLexRange: "[", "(", "-", "+").
/// </summary>
public static class ZSetScores
{
    /// <summary>getDoubleFromObject: strtod over the whole text, no leading space, no NaN, no overflow/underflow.</summary>
    public static bool TryParseScore(ReadOnlySpan<byte> s, out double value) =>
        ZSetValues.TryParseStrtod(s, allowLeadingSpace: false, out value, out bool erange) && !erange && !double.IsNaN(value);

    internal static bool ScoreArg(CommandContext ctx, int i, out double value, string error = Errors.NotFloat)
    {
        if (TryParseScore(ctx.Args[i], out value)) return true;
        ctx.Error(error);
        return false;
    }

    // zslParseRange's parse of one end: strtod (leading space allowed, empty reads 0), no NaN.
    private static bool TryParseRangeItem(ReadOnlySpan<byte> s, out double value, out bool ex)
    {
        ex = false;
        if (s.Length > 0 && s[0] == '(')
        {
            ex = true;
            s = s[1..];
        }
        if (s.Length == 0)
        {
            value = 0;
            return true;
        }
        return ZSetValues.TryParseStrtod(s, allowLeadingSpace: true, out value, out _) && !double.IsNaN(value);
    }

    public static bool TryParseScoreRange(ReadOnlySpan<byte> min, ReadOnlySpan<byte> max, out ZScoreRange range)
    {
        range = default;
        if (!TryParseRangeItem(min, out double a, out bool aex) || !TryParseRangeItem(max, out double b, out bool bex)) return false;
        range = new ZScoreRange(a, b, aex, bex);
        return true;
    }
}

using RedisLite.Store;

namespace RedisLite.Commands;

/// <summary>
/// The "count [WITHVALUES|WITHSCORES]" tail of HRANDFIELD and ZRANDMEMBER, checked in Redis 7.0's
/// order and words: an integer in -LONG_MAX..LONG_MAX, then the option, and with the option a
/// count within ±LONG_MAX/2 (the reply holds two items per pick, so a larger negative count
/// would ask for more than can be counted).
/// </summary>
public static class RandomCountArgs
{
    /// <summary>Parses args 2.. of the command; false after replying the error.</summary>
    public static bool TryParse(CommandContext ctx, string option, out long count, out bool withOption)
    {
        var a = ctx.Args;
        withOption = false;
        if (!StringValues.TryParseCanonicalInt(a[2], out count))
        {
            ctx.Error(Errors.NotInteger);
            return false;
        }
        if (count == long.MinValue)
        {
            ctx.Error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
            return false;
        }
        if (a.Count > 4 || (a.Count == 4 && !a.Is(3, option)))
        {
            ctx.SyntaxError();
            return false;
        }
        if (a.Count < 4) return true;
        withOption = true;
        if (count >= -long.MaxValue / 2 && count <= long.MaxValue / 2) return true;
        ctx.Error("ERR value is out of range");
        return false;
    }
}

namespace RedisLite.Commands;

/// <summary>
/// Redis's stringmatchlen: glob matching with * ? [abc] [^a-z] and \ escapes, on bytes. Serves
/// KEYS, SCAN/HSCAN/SSCAN/ZSCAN MATCH, CONFIG GET and COMMAND LIST FILTERBY PATTERN, all of which
/// any client can send while every other client waits for the store lock, so the time it takes
/// must stay bounded whatever the pattern.
///
/// A star tries each suffix of the string against the rest of the pattern. Naively, that is
/// exponential in the number of stars ("a*a*a*...b" against a string of a's). As Redis 7.0 does
/// (CVE-2022-36021), a star whose every suffix failed because the string ran out before the rest
/// of the pattern matched tells all enclosing stars to stop: starting their next attempt later in
/// the string can only run out sooner. That bounds the work to about pattern x string length.
/// </summary>
public static class Glob
{
    /// <summary>A lone "*": KEYS and the SCAN family skip matching for it, so it also keeps empty names.</summary>
    public static bool MatchesEverything(ReadOnlySpan<byte> pattern) => pattern.Length == 1 && pattern[0] == '*';

    public static bool Match(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> s, bool ignoreCase = false)
    {
        bool skipLongerMatches = false;
        return MatchImpl(pattern, s, ignoreCase, ref skipLongerMatches, 0);
    }

    private static bool MatchImpl(ReadOnlySpan<byte> p, ReadOnlySpan<byte> s, bool nocase, ref bool skipLongerMatches, int depth)
    {
        // Bounded recursion like Redis 7's nesting limit, so a pattern of many stars cannot blow the stack.
        if (depth > 1000) return false;
        // As in Redis, an empty string matches no pattern but the empty one (callers treat a lone
        // "*" as "everything" before matching).
        while (p.Length > 0 && s.Length > 0)
        {
            switch (p[0])
            {
                case (byte)'*':
                    while (p.Length > 1 && p[1] == '*') p = p[1..];
                    if (p.Length == 1) return true;
                    for (int i = 0; i < s.Length; i++)
                    {
                        if (MatchImpl(p[1..], s[i..], nocase, ref skipLongerMatches, depth + 1)) return true;
                        if (skipLongerMatches) return false;
                    }
                    skipLongerMatches = true;
                    return false;
                case (byte)'?':
                    s = s[1..];
                    break;
                case (byte)'[':
                {
                    p = p[1..];
                    bool not = p.Length > 0 && p[0] == '^';
                    if (not) p = p[1..];
                    bool match = false;
                    while (true)
                    {
                        if (p.Length == 0) break;
                        if (p[0] == '\\' && p.Length >= 2)
                        {
                            p = p[1..];
                            if (p[0] == s[0]) match = true;
                        }
                        else if (p[0] == ']') break;
                        else if (p.Length >= 3 && p[1] == '-')
                        {
                            int start = p[0], end = p[2], c = s[0];
                            if (start > end) (start, end) = (end, start);
                            if (nocase) { start = Lower(start); end = Lower(end); c = Lower(c); }
                            p = p[2..];
                            if (c >= start && c <= end) match = true;
                        }
                        else if (nocase ? Lower(p[0]) == Lower(s[0]) : p[0] == s[0]) match = true;
                        p = p[1..];
                    }
                    // An unterminated class ends with the pattern, as in Redis ("[ab" matches "a").
                    if (not) match = !match;
                    if (!match) return false;
                    s = s[1..];
                    break;
                }
                case (byte)'\\':
                    if (p.Length >= 2) p = p[1..];
                    goto default;
                default:
                    if (nocase ? Lower(p[0]) != Lower(s[0]) : p[0] != s[0]) return false;
                    s = s[1..];
                    break;
            }
            if (p.Length > 0) p = p[1..]; // empty only after an unterminated class
            if (s.Length == 0)
            {
                while (p.Length > 0 && p[0] == '*') p = p[1..];
                break;
            }
        }
        return p.Length == 0 && s.Length == 0;
    }

    private static int Lower(int c) => c >= 'A' && c <= 'Z' ? c + 32 : c;
}

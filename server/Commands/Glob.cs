namespace RedisLite.Commands;

/// <summary>Redis's stringmatchlen: glob matching with * ? [abc] [^a-z] and \ escapes, on bytes.</summary>
public static class Glob
{
    public static bool Match(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> s, bool ignoreCase = false) =>
        MatchImpl(pattern, s, ignoreCase, 0);

    private static bool MatchImpl(ReadOnlySpan<byte> p, ReadOnlySpan<byte> s, bool nocase, int depth)
    {
        // Bounded recursion like Redis 7's nesting limit, so a pattern of many stars cannot blow the stack.
        if (depth > 1000) return false;
        while (p.Length > 0 && s.Length > 0 || (p.Length > 0 && p[0] == '*'))
        {
            switch (p[0])
            {
                case (byte)'*':
                    while (p.Length > 1 && p[1] == '*') p = p[1..];
                    if (p.Length == 1) return true;
                    for (int i = 0; i <= s.Length; i++)
                        if (MatchImpl(p[1..], s[i..], nocase, depth + 1)) return true;
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
                    if (p.Length == 0) return false;
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
            p = p[1..];
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

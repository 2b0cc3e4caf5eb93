using System.Globalization;
using System.Text;
using RedisLite.Persistence;
using RedisLite.Server;
using RedisLite.Store;

namespace RedisLite.Commands;

/// <summary>
/// SORT and SORT_RO (Redis 7.0's sort.c). Elements come from a set, a list or a sorted set: the
/// types whose registry entry reads them in order (<see cref="IElementSequence"/>). Weights are the element itself, or the
/// string key / hash field named by the BY pattern with '*' replaced by the element; GET
/// patterns fetch the same way ('#' is the element). BY without '*' means "don't sort" (but a
/// set is still sorted ALPHA when storing, so replicas get the same list). Scores that are not
/// doubles fail the whole command with Redis's error, after sorting as Redis does.
/// </summary>
public static class Sort
{
    private sealed class Item(byte[] element)
    {
        public readonly byte[] Element = element;
        public double Score;
        public byte[]? CmpObj;
    }

    public static void SortCommand(CommandContext ctx) => Generic(ctx, readOnly: false);
    public static void SortRo(CommandContext ctx) => Generic(ctx, readOnly: true);

    private static void Generic(CommandContext ctx, bool readOnly)
    {
        var a = ctx.Args;
        bool desc = false, alpha = false, dontSort = false;
        long limitStart = 0, limitCount = -1;
        int byArg = -1, storeArg = -1;
        var gets = new List<int>();
        for (int j = 2; j < a.Count; j++)
        {
            int left = a.Count - j - 1;
            if (a.Is(j, "ASC")) desc = false;
            else if (a.Is(j, "DESC")) desc = true;
            else if (a.Is(j, "ALPHA")) alpha = true;
            else if (a.Is(j, "LIMIT") && left >= 2)
            {
                if (!ctx.TryLong(j + 1, out limitStart) || !ctx.TryLong(j + 2, out limitCount)) return;
                j += 2;
            }
            else if (a.Is(j, "STORE") && left >= 1 && !readOnly) storeArg = ++j;
            else if (a.Is(j, "BY") && left >= 1)
            {
                byArg = ++j;
                // A BY pattern without '*' names no per-element key: nothing to sort by.
                if (a[j].IndexOf((byte)'*') < 0) dontSort = true;
            }
            else if (a.Is(j, "GET") && left >= 1) gets.Add(++j);
            else
            {
                ctx.SyntaxError();
                return;
            }
        }

        var ks = ctx.Keyspace;
        ulong rec = storeArg > 0 ? ctx.LookupStoreSource(a[1]) : ctx.LookupRead(a[1]);
        // A missing key sorts as an empty list.
        if ((rec == 0 ? ks.Types.Of(RegionLayout.TypeList) : ks.Types.Of(ks.Rec(rec).Type)) is not IElementSequence source)
        {
            ctx.WrongType();
            return;
        }

        // A set has no order of its own: when storing, sort it so the stored list is reproducible.
        if (dontSort && !source.HasOrder && storeArg > 0)
        {
            dontSort = false;
            alpha = true;
            byArg = -1;
        }

        long length = rec == 0 ? 0 : source.Count(ks, rec);
        long start = limitStart < 0 ? 0 : limitStart;
        long end = limitCount < 0 ? length - 1 : start + limitCount - 1;
        if (start >= length)
        {
            start = length - 1;
            end = length - 2;
        }
        if (end >= length) end = length - 1;

        List<byte[]> elements;
        if (rec == 0) elements = [];
        else if (dontSort && source.HasOrder)
        {
            // Lists and sorted sets keep their own order: load only the LIMIT range, in the direction asked.
            if (end >= start)
            {
                elements = source.Range(ks, rec, start, end, fromTail: desc);
                end -= start;
                start = 0;
            }
            else elements = [];
        }
        else elements = source.Range(ks, rec, 0, length - 1, fromTail: false);

        var items = elements.Select(e => new Item(e)).ToArray();
        bool conversionError = false;
        if (!dontSort)
        {
            foreach (var it in items)
            {
                byte[]? by = byArg > 0 ? LookupByPattern(ctx, a[byArg], it.Element) : it.Element;
                if (by == null) continue;
                if (alpha)
                {
                    if (byArg > 0) it.CmpObj = by;
                }
                else if (!TryStrtod(by, out it.Score)) conversionError = true;
            }
            bool byPattern = byArg > 0;
            Comparison<Item> cmp = (x, y) =>
            {
                int c;
                if (!alpha)
                {
                    c = x.Score > y.Score ? 1 : x.Score < y.Score ? -1 : ByteArrayComparer.Instance.Compare(x.Element, y.Element);
                }
                else if (byPattern)
                {
                    if (x.CmpObj == null || y.CmpObj == null) c = x.CmpObj == y.CmpObj ? 0 : x.CmpObj == null ? -1 : 1;
                    else c = Collate(x.CmpObj, y.CmpObj, storeArg > 0);
                }
                else c = Collate(x.Element, y.Element, storeArg > 0);
                return desc ? -c : c;
            };
            Array.Sort(items, cmp);
        }

        long outputLen = gets.Count > 0 ? gets.Count * (end - start + 1) : end - start + 1;
        if (conversionError)
        {
            ctx.Error("ERR One or more scores can't be converted into double");
            return;
        }
        if (storeArg < 0)
        {
            ctx.Reply.ArrayHeader(outputLen);
            for (long j = start; j <= end; j++)
            {
                if (gets.Count == 0) ctx.Reply.Bulk(items[j].Element);
                foreach (int g in gets)
                {
                    var v = LookupByPattern(ctx, a[g], items[j].Element);
                    if (v == null) ctx.Reply.Null();
                    else ctx.Reply.Bulk(v);
                }
            }
            return;
        }
        var result = new List<byte[]>();
        for (long j = start; j <= end; j++)
        {
            if (gets.Count == 0) result.Add(items[j].Element);
            foreach (int g in gets) result.Add(LookupByPattern(ctx, a[g], items[j].Element) ?? []);
        }
        byte[] dst = a.Bytes(storeArg);
        if (result.Count > 0)
        {
            if (!ctx.EnsureRoom(RegionRoom.ForElements((ulong)result.Count, result.Aggregate(0UL, (n, e) => n + (ulong)e.Length)))) return;
            ListValues.Store(ks, ctx.Db, dst, result, ctx.Server.Config.ListMaxListpackSize.Value);
            ctx.Dirty += result.Count;
        }
        else
        {
            ulong old = ks.Find(ctx.Db, dst);
            if (old != 0)
            {
                ks.Delete(ctx.Db, old);
                ctx.Dirty++;
            }
        }
        ctx.Reply.Integer(outputLen);
    }

    /// <summary>
    /// Redis's ALPHA comparison: strcoll when replying (RedisLite runs in the C locale, where it
    /// is a byte comparison up to the first NUL) and a binary comparison when storing.
    /// </summary>
    private static int Collate(byte[] x, byte[] y, bool binary)
    {
        if (binary) return ByteArrayComparer.Instance.Compare(x, y);
        int nx = Array.IndexOf(x, (byte)0), ny = Array.IndexOf(y, (byte)0);
        return x.AsSpan(0, nx < 0 ? x.Length : nx).SequenceCompareTo(y.AsSpan(0, ny < 0 ? y.Length : ny));
    }

    /// <summary>
    /// lookupKeyByPattern: "#" is the element itself; otherwise the first '*' is replaced by the
    /// element and the key read as a string, or, with "->field" after the '*', as a hash field.
    /// Null when there is no '*', no such key or field, or the key has another type.
    /// </summary>
    private static byte[]? LookupByPattern(CommandContext ctx, ReadOnlySpan<byte> pattern, byte[] element)
    {
        if (pattern.Length == 1 && pattern[0] == '#') return element;
        int star = pattern.IndexOf((byte)'*');
        if (star < 0) return null;
        int arrow = pattern[(star + 1)..].IndexOf("->"u8);
        int fieldStart = -1;
        if (arrow >= 0 && star + 1 + arrow + 2 < pattern.Length) fieldStart = star + 1 + arrow + 2;
        int postfixEnd = fieldStart < 0 ? pattern.Length : fieldStart - 2;
        var key = new byte[star + element.Length + (postfixEnd - star - 1)];
        pattern[..star].CopyTo(key);
        element.CopyTo(key, star);
        pattern[(star + 1)..postfixEnd].CopyTo(key.AsSpan(star + element.Length));
        var ks = ctx.Keyspace;
        ulong rec = ctx.LookupRead(key);
        if (rec == 0) return null;
        Span<byte> scratch = stackalloc byte[20];
        if (fieldStart >= 0)
        {
            if (ks.Rec(rec).Type != RegionLayout.TypeHash) return null;
            return HashValues.TryGet(ks, rec, pattern[fieldStart..], scratch, out var v) ? v.ToArray() : null;
        }
        if (ks.Rec(rec).Type != RegionLayout.TypeString) return null;
        return StringValues.Read(ks, rec, scratch).ToArray();
    }

    /// <summary>
    /// C's strtod as SORT uses it: leading white space allowed, the whole rest must be a number
    /// (decimal, hex, inf/infinity; "" reads as 0); NaN and out-of-range values (ERANGE) fail.
    /// </summary>
    internal static bool TryStrtod(ReadOnlySpan<byte> s, out double value)
    {
        value = 0;
        if (s.Length == 0) return true;
        int i = 0;
        while (i < s.Length && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))) i++;
        if (i == s.Length || s.IndexOf((byte)0) >= 0) return false;
        string t = Encoding.Latin1.GetString(s[i..]).ToLowerInvariant();
        string body = t.TrimStart('+', '-');
        if (t.Length - body.Length > 1) return false;
        bool neg = t.StartsWith('-');
        if (body is "inf" or "infinity")
        {
            value = neg ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }
        if (body.StartsWith("0x", StringComparison.Ordinal))
        {
            if (!LongDouble.TryParse(s[i..], out _)) return false;
            try { value = HexToDouble(body[2..], neg); }
            catch (FormatException) { return false; }
            return !double.IsInfinity(value);
        }
        foreach (char ch in body)
            if (!(char.IsAsciiDigit(ch) || ch is '.' or 'e' or '+' or '-')) return false;
        if (body.Length == 0 || body[0] is 'e' or '+' or '-') return false;
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return false;
        if (double.IsInfinity(value) || double.IsNaN(value)) return false;
        // strtod reports ERANGE for results that underflow to zero from a non-zero mantissa.
        if (value == 0 && body.Any(ch => ch is >= '1' and <= '9') && !MantissaIsZero(body)) return false;
        return true;
    }

    private static bool MantissaIsZero(string body)
    {
        int e = body.IndexOf('e');
        string mant = e < 0 ? body : body[..e];
        return mant.All(ch => ch is '0' or '.');
    }

    private static double HexToDouble(string hex, bool neg)
    {
        int p = hex.IndexOf('p');
        string mant = p < 0 ? hex : hex[..p];
        int exp = p < 0 ? 0 : int.Parse(hex[(p + 1)..], CultureInfo.InvariantCulture);
        double v = 0;
        int dot = mant.IndexOf('.');
        string digits = mant.Replace(".", "");
        foreach (char ch in digits) v = v * 16 + Convert.ToInt32(ch.ToString(), 16);
        if (dot >= 0) exp -= 4 * (mant.Length - dot - 1);
        v = Math.ScaleB(v, exp);
        return neg ? -v : v;
    }
}

using System.Numerics;
using System.Text;

namespace RedisLite.Commands;

/// <summary>
/// The x87 80-bit <c>long double</c> that Redis's INCRBYFLOAT (and HINCRBYFLOAT) compute in,
/// emulated exactly: a 64-bit mantissa with binary exponents down to the subnormal 2^-16445,
/// correctly rounded (half to even) parsing as glibc's strtold does, addition rounded once, and
/// printing as <c>"%.17Lf"</c> with trailing zeros removed (Redis's ld2string LD_STR_HUMAN). C#
/// has no such type, and both double and decimal give different digits (3005.6 where Redis
/// prints 3005.60000000000000009), so values are kept as sign, mantissa and exponent and all
/// arithmetic is exact big-integer arithmetic followed by one rounding.
/// </summary>
public readonly struct LongDouble
{
    private const int MantissaBits = 64;
    private const int MinExp = -16445;            // exponent of the smallest subnormal's unit
    private const int MaxExp = 16383 - 63;        // largest finite: (2^64-1) * 2^MaxExp
    private const int MaxChars = 5 * 1024;        // Redis's MAX_LONG_DOUBLE_CHARS

    private readonly bool _neg;
    private readonly BigInteger _mant;            // 0 <= mant < 2^64
    private readonly int _exp;
    public bool IsInfinity { get; }

    private LongDouble(bool neg, BigInteger mant, int exp, bool inf = false)
    {
        _neg = neg;
        _mant = mant;
        _exp = exp;
        IsInfinity = inf;
    }

    /// <summary>
    /// Redis's string2ld: the whole text must be a strtold number (decimal or hex, inf/infinity)
    /// with no leading space, not NaN, and not overflowing or underflowing to zero.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> s, out LongDouble value)
    {
        value = default;
        if (s.Length == 0 || s.Length >= MaxChars) return false;
        string t = Encoding.Latin1.GetString(s);
        if (char.IsWhiteSpace(t[0])) return false;
        int i = 0;
        bool neg = false;
        if (t[i] is '+' or '-') neg = t[i++] == '-';
        string rest = t[i..].ToLowerInvariant();
        if (rest is "inf" or "infinity")
        {
            value = new LongDouble(neg, 0, 0, inf: true);
            return true;
        }
        bool hex = rest.StartsWith("0x", StringComparison.Ordinal);
        if (hex) rest = rest[2..];
        BigInteger digits = 0;
        int fracDigits = 0, count = 0, pos = 0;
        bool dot = false;
        int radix = hex ? 16 : 10;
        for (; pos < rest.Length; pos++)
        {
            char c = rest[pos];
            if (c == '.' && !dot) { dot = true; continue; }
            int d = HexDigit(c);
            if (d < 0 || d >= radix) break;
            digits = digits * radix + d;
            count++;
            if (dot) fracDigits++;
        }
        if (count == 0) return false;
        long exp10or2 = 0;
        if (pos < rest.Length && rest[pos] == (hex ? 'p' : 'e'))
        {
            int e = pos + 1;
            bool eneg = false;
            if (e < rest.Length && rest[e] is '+' or '-') eneg = rest[e++] == '-';
            int start = e;
            for (; e < rest.Length && rest[e] is >= '0' and <= '9'; e++)
                exp10or2 = Math.Min(exp10or2 * 10 + (rest[e] - '0'), 1_000_000);
            if (e == start) return false;
            if (eneg) exp10or2 = -exp10or2;
            pos = e;
        }
        if (pos != rest.Length) return false;
        if (digits.IsZero)
        {
            value = new LongDouble(neg, 0, MinExp);
            return true;
        }
        BigInteger num = digits, den = 1;
        if (hex)
        {
            long e2 = exp10or2 - 4L * fracDigits;
            if (e2 > 20000) return false;
            if (e2 < -20000) return false;
            if (e2 >= 0) num <<= (int)e2;
            else den <<= (int)-e2;
        }
        else
        {
            long e10 = exp10or2 - fracDigits;
            // Beyond these no long double can hold the value: overflow or underflow to zero, both refused.
            if (e10 + count > 4940) return false;
            if (e10 + count < -4960) return false;
            if (e10 >= 0) num *= BigInteger.Pow(10, (int)e10);
            else den = BigInteger.Pow(10, (int)-e10);
        }
        value = Round(neg, num, den);
        return !value.IsInfinity && !value._mant.IsZero;
    }

    private static int HexDigit(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => -1,
    };

    /// <summary>The long double nearest num/den (half to even), infinite on overflow.</summary>
    private static LongDouble Round(bool neg, BigInteger num, BigInteger den)
    {
        if (num.IsZero) return new LongDouble(neg, 0, MinExp);
        // Choose e so that num / (den * 2^e) lies in [2^63, 2^64).
        int e = (int)(num.GetBitLength() - den.GetBitLength()) - MantissaBits;
        while (Scaled(num, den, e) >= BigInteger.One << MantissaBits) e++;
        while (Scaled(num, den, e) < BigInteger.One << (MantissaBits - 1)) e--;
        if (e < MinExp) e = MinExp;
        BigInteger n = num, d = den;
        if (e >= 0) d <<= e;
        else n <<= -e;
        var q = BigInteger.DivRem(n, d, out var r);
        int cmp = (r * 2).CompareTo(d);
        if (cmp > 0 || (cmp == 0 && !q.IsEven)) q++;
        if (q == BigInteger.One << MantissaBits)
        {
            q >>= 1;
            e++;
        }
        if (e > MaxExp) return new LongDouble(neg, 0, 0, inf: true);
        return new LongDouble(neg, q, e);
    }

    private static BigInteger Scaled(BigInteger num, BigInteger den, int e) =>
        e >= 0 ? num / (den << e) : (num << -e) / den;

    /// <summary>The sum rounded once, as the FPU does. NaN (inf + -inf) comes back as null.</summary>
    public static LongDouble? Add(LongDouble a, LongDouble b)
    {
        if (a.IsInfinity || b.IsInfinity)
        {
            if (a.IsInfinity && b.IsInfinity && a._neg != b._neg) return null;
            return a.IsInfinity ? a : b;
        }
        int e = Math.Min(a._exp, b._exp);
        BigInteger x = (a._mant << (a._exp - e)) * (a._neg ? -1 : 1);
        BigInteger y = (b._mant << (b._exp - e)) * (b._neg ? -1 : 1);
        BigInteger sum = x + y;
        // An exact zero sum is +0 in round-to-nearest unless both addends were -0.
        bool neg = sum.Sign < 0 || (sum.IsZero && a._neg && b._neg);
        var abs = BigInteger.Abs(sum);
        return e >= 0 ? Round(neg, abs << e, 1) : Round(neg, abs, BigInteger.One << -e);
    }

    /// <summary>printf("%.17Lf") with trailing zeros (and a bare '.') removed, and "-0" as "0".</summary>
    public string ToHumanString()
    {
        if (IsInfinity) return _neg ? "-inf" : "inf";
        BigInteger scaled;
        if (_exp >= 0) scaled = (_mant << _exp) * BigInteger.Pow(10, 17);
        else
        {
            var den = BigInteger.One << -_exp;
            scaled = BigInteger.DivRem(_mant * BigInteger.Pow(10, 17), den, out var r);
            int cmp = (r * 2).CompareTo(den);
            if (cmp > 0 || (cmp == 0 && !scaled.IsEven)) scaled++;
        }
        string digits = scaled.ToString().PadLeft(18, '0');
        string text = digits[..^17] + "." + digits[^17..];
        text = text.TrimEnd('0').TrimEnd('.');
        if (_neg) text = "-" + text;
        return text == "-0" ? "0" : text;
    }
}

using System.Globalization;
using System.Text;

namespace RedisLite.Server;

/// <summary>
/// The text of an INFO reply as Redis lays it out: "# Section" headers, one "name:value" per
/// line, CRLF line ends, and an empty line between sections. Booleans print as 0/1 and doubles
/// with two decimals, as Redis's "%d" and "%.2f" fields do.
/// </summary>
public sealed class InfoText
{
    private readonly StringBuilder _sb = new();
    private int _sections;

    public void Section(string title)
    {
        if (_sections++ > 0) _sb.Append("\r\n");
        _sb.Append("# ").Append(title).Append("\r\n");
    }

    public void Field(string name, string value) => _sb.Append(name).Append(':').Append(value).Append("\r\n");
    public void Field(string name, long value) => Field(name, value.ToString(CultureInfo.InvariantCulture));
    public void Field(string name, ulong value) => Field(name, value.ToString(CultureInfo.InvariantCulture));
    public void Field(string name, bool value) => Field(name, value ? "1" : "0");
    public void Field(string name, double value) => Field(name, Fixed2(value));

    public static string Fixed2(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

    /// <summary>Redis's bytesToHuman: 1023B, 1.00K, 2.50M ... (binary units, two decimals).</summary>
    public static string Human(ulong n)
    {
        string[] units = ["K", "M", "G", "T", "P"];
        if (n < 1024) return n.ToString(CultureInfo.InvariantCulture) + "B";
        double d = n;
        for (int i = 0; i < units.Length; i++)
        {
            d /= 1024;
            if (d < 1024 || i == units.Length - 1)
                return i == units.Length - 1 && d >= 1024 ? n.ToString(CultureInfo.InvariantCulture) + "B" : Fixed2(d) + units[i];
        }
        return n.ToString(CultureInfo.InvariantCulture) + "B";
    }

    public override string ToString() => _sb.ToString();
}

using System.Text;
using RedisLite.Network;

namespace RedisLite.Config;

/// <summary>A configuration error found at startup, worded and placed as Redis reports it.</summary>
public sealed class ConfigFileException(int line, string text, string reason) : Exception(
    $"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line {line}\n>>> '{text}'\n{reason}")
{
    public int Line { get; } = line;
}

/// <summary>
/// Loads redis.conf-style text (Redis's loadServerConfigFromString): one directive per line, words
/// split with quoting as Redis does, '#' comments, and <c>--name value</c> command-line overrides
/// appended after the file's lines.
/// </summary>
public static class ConfigFile
{
    /// <summary>Builds the config text from the command line: an optional file, then --name value overrides.</summary>
    public static string FromCommandLine(string[] argv, out string? configFile)
    {
        configFile = null;
        var sb = new StringBuilder();
        int i = 0;
        if (argv.Length > 0 && !argv[0].StartsWith("--", StringComparison.Ordinal))
        {
            configFile = Path.GetFullPath(argv[0]);
            sb.Append(File.ReadAllText(configFile)).Append('\n');
            i = 1;
        }
        bool first = true;
        for (; i < argv.Length; i++)
        {
            if (argv[i].StartsWith("--", StringComparison.Ordinal) && argv[i].Length > 2)
            {
                if (!first) sb.Append('\n');
                sb.Append(argv[i].AsSpan(2)).Append(' ');
                first = false;
            }
            else sb.Append(Quote(argv[i])).Append(' ');
        }
        sb.Append('\n');
        return sb.ToString();
    }

    private static string Quote(string s) =>
        s.Length > 0 && !s.Any(c => c is ' ' or '"' or '\'' or '\\' or '\t') ? s : "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    /// <summary>Applies every directive of <paramref name="text"/> to <paramref name="config"/>.</summary>
    public static void Apply(ServerConfig config, string text)
    {
        var lines = text.Split('\n');
        for (int n = 0; n < lines.Length; n++)
        {
            string line = lines[n].Trim(' ', '\t', '\r');
            if (line.Length == 0 || line[0] == '#') continue;
            var words = Split(line);
            if (words == null) throw new ConfigFileException(n + 1, line, "Unbalanced quotes in configuration line");
            if (words.Count == 0) continue;
            var p = config.Find(words[0]);
            if (p == null || (words.Count != 2 && !p.MultiArg) || words.Count < 2)
                throw new ConfigFileException(n + 1, line, "Bad directive or wrong number of arguments");
            if (p.TrySet(words.GetRange(1, words.Count - 1)) is { } err)
                throw new ConfigFileException(n + 1, line, err);
            p.Changed?.Invoke();
        }
    }

    /// <summary>Splits a line into words with Redis's quoting rules; null on unbalanced quotes.</summary>
    public static List<string>? Split(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        var dst = new byte[bytes.Length];
        int written = 0;
        var ranges = new List<(int, int)>();
        if (!RespParser.SplitArgs(bytes, dst, ref written, ranges)) return null;
        return ranges.Select(r => Encoding.UTF8.GetString(dst, r.Item1, r.Item2)).ToList();
    }
}

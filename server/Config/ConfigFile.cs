using System.Text;
using RedisLite.Network;
using RedisLite.Server;

namespace RedisLite.Config;

/// <summary>A configuration error found at startup, worded and placed as Redis reports it.</summary>
public sealed class ConfigFileException(int line, string text, string reason) : Exception(
    $"\n*** FATAL CONFIG FILE ERROR (Redis {ServerInfo.RedisVersion}) ***\nReading the configuration file, at line {line}\n>>> '{text}'\n{reason}")
{
    public int Line { get; } = line;
}

/// <summary>A config file that cannot be read, with Redis's wording.</summary>
public sealed class ConfigFileOpenException(string path, string reason)
    : Exception($"Fatal error, can't open config file '{path}': {reason}");

/// <summary>
/// Loads redis.conf-style text the way Redis's main() and loadServerConfigFromString() do: the
/// command line becomes "[file contents] \n [--name value lines]", so an error's line number
/// counts the file's lines, then one empty line, then one line per --option; option arguments are
/// quoted as sdscatrepr quotes them, so the echoed line matches redis-server's. Lines are split
/// into words with Redis's quoting, '#' starts a comment, and a directive must name a known
/// parameter with the right number of arguments.
/// </summary>
public static class ConfigFile
{
    /// <summary>Builds the config text from the command line: an optional file (or "-" for stdin), then --name value overrides.</summary>
    public static string FromCommandLine(string[] argv, out string? configFile, TextReader? stdin = null)
    {
        configFile = null;
        var config = new StringBuilder();
        int j = 0;
        if (argv.Length > 0 && !argv[0].StartsWith('-'))
        {
            configFile = Path.GetFullPath(argv[0]);
            config.Append(ReadFile(configFile));
            j = 1;
        }
        var options = new StringBuilder();
        bool fromStdin = false;
        bool lastHasArg = true;
        for (; j < argv.Length; j++)
        {
            string a = argv[j];
            if (a == "-" && (j == 0 || j == argv.Length - 1))
            {
                fromStdin = true;
            }
            else if (lastHasArg && a.StartsWith("--", StringComparison.Ordinal))
            {
                if (options.Length > 0) options.Append('\n');
                options.Append(a.AsSpan(2)).Append(' ');
                // "--port 6380" as one argument carries its value; "--port" alone takes the next.
                lastHasArg = ConfigWords(a).Count > 1;
                // --save with no value ("--save --port 1" or last) means save "".
                if (!lastHasArg && a.Equals("--save", StringComparison.OrdinalIgnoreCase) &&
                    (j == argv.Length - 1 || argv[j + 1].StartsWith("--", StringComparison.Ordinal)))
                {
                    options.Append("\"\"");
                    lastHasArg = true;
                }
            }
            else
            {
                options.Append(MonitorFeed.Repr(Encoding.UTF8.GetBytes(a))).Append(' ');
                lastHasArg = true;
            }
        }
        if (fromStdin) config.Append((stdin ?? Console.In).ReadToEnd());
        config.Append('\n').Append(options);
        return config.ToString();
    }

    private static string ReadFile(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigFileOpenException(path, e switch
            {
                FileNotFoundException or DirectoryNotFoundException => "No such file or directory",
                UnauthorizedAccessException => "Permission denied",
                _ => e.Message,
            });
        }
    }

    /// <summary>Applies every directive of <paramref name="text"/> to <paramref name="config"/>.</summary>
    public static void Apply(ServerConfig config, string text)
    {
        var lines = text.Split('\n');
        for (int n = 0; n < lines.Length; n++)
        {
            string line = lines[n].Trim(' ', '\t', '\r', '\n');
            if (line.Length == 0 || line[0] == '#') continue;
            var words = Split(line);
            if (words == null) throw new ConfigFileException(n + 1, line, "Unbalanced quotes in configuration line");
            if (words.Count == 0) continue;
            var p = config.Find(words[0]);
            if (p == null)
            {
                if (words[0].Equals("include", StringComparison.OrdinalIgnoreCase) && words.Count == 2)
                {
                    Apply(config, ReadFile(Path.GetFullPath(words[1])));
                    continue;
                }
                throw new ConfigFileException(n + 1, line, "Bad directive or wrong number of arguments");
            }
            if (!p.MultiArg && words.Count != 2) throw new ConfigFileException(n + 1, line, "wrong number of arguments");
            var args = words.GetRange(1, words.Count - 1);
            // A multi-argument directive given as one quoted argument ("--save '60 1'") is split again.
            if (p.MultiArg && args.Count == 1 && args[0].Length > 0)
                args = Split(args[0]) ?? throw new ConfigFileException(n + 1, line, "Unbalanced quotes in configuration line");
            if (p.TrySetFromFile(args) is { } err)
                throw new ConfigFileException(n + 1, line, err);
            p.Changed?.Invoke();
        }
    }

    private static List<string> ConfigWords(string arg) => Split(arg) ?? [arg];

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

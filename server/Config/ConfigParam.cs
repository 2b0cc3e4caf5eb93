using System.Globalization;

namespace RedisLite.Config;

[Flags]
public enum ConfigFlags
{
    None = 0,
    /// <summary>CONFIG SET refuses it: "can't set immutable config".</summary>
    Immutable = 1,
    /// <summary>Redirects file writes; CONFIG SET refuses it as Redis does with enable-protected-configs no.</summary>
    Protected = 2,
    /// <summary>Value is a secret (never logged).</summary>
    Sensitive = 4,
}

/// <summary>
/// One configuration parameter with Redis's name, default, parsing rules and error texts. The
/// value is typed in subclasses so the command path reads a field, never a string.
/// </summary>
public abstract class ConfigParam(string name, ConfigFlags flags)
{
    public string Name { get; } = name;
    public ConfigFlags Flags { get; } = flags;
    /// <summary>Called after a successful change (CONFIG SET or file), to apply it.</summary>
    public Action? Changed { get; set; }

    /// <summary>Sets the value from its arguments; on failure returns Redis's reason and leaves the value unchanged.</summary>
    public abstract string? TrySet(IReadOnlyList<string> args);

    /// <summary>The value as CONFIG GET shows it.</summary>
    public abstract string Get();

    /// <summary>True when the config line may have more than one argument (save, bind).</summary>
    public virtual bool MultiArg => false;
}

public sealed class BoolConfig(string name, bool def, ConfigFlags flags = ConfigFlags.None) : ConfigParam(name, flags)
{
    public bool Value = def;

    public override string? TrySet(IReadOnlyList<string> args)
    {
        if (args.Count != 1) return "wrong number of arguments";
        switch (args[0].ToLowerInvariant())
        {
            case "yes": Value = true; return null;
            case "no": Value = false; return null;
            default: return "argument must be 'yes' or 'no'";
        }
    }

    public override string Get() => Value ? "yes" : "no";
}

public sealed class NumberConfig(string name, long def, long min, long max, bool memory = false, ConfigFlags flags = ConfigFlags.None)
    : ConfigParam(name, flags)
{
    public long Value = def;
    public long Min { get; } = min;
    public long Max { get; } = max;

    public override string? TrySet(IReadOnlyList<string> args)
    {
        if (args.Count != 1) return "wrong number of arguments";
        long v;
        if (memory)
        {
            if (!TryParseMemory(args[0], out v)) return "argument must be a memory value";
        }
        else if (!long.TryParse(args[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out v))
            return "argument couldn't be parsed into an integer";
        if (v < Min || v > Max) return $"argument must be between {Min} and {Max} inclusive";
        Value = v;
        return null;
    }

    public override string Get() => Value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Redis's memtoull: a number with an optional k/kb/m/mb/g/gb unit (k = 1000, kb = 1024).</summary>
    public static bool TryParseMemory(string s, out long bytes)
    {
        bytes = 0;
        s = s.ToLowerInvariant();
        int i = 0;
        while (i < s.Length && (char.IsDigit(s[i]) || (i == 0 && s[i] == '-'))) i++;
        if (i == 0 || !long.TryParse(s.AsSpan(0, i), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n)) return false;
        long mul = s[i..] switch
        {
            "" or "b" => 1, "k" => 1000, "kb" => 1024, "m" => 1000_000, "mb" => 1024 * 1024,
            "g" => 1000_000_000L, "gb" => 1024L * 1024 * 1024, _ => 0,
        };
        if (mul == 0) return false;
        bytes = n * mul;
        return true;
    }
}

public sealed class StringConfig(string name, string def, ConfigFlags flags = ConfigFlags.None, Func<string, string?>? validate = null)
    : ConfigParam(name, flags)
{
    public string Value = def;

    public override string? TrySet(IReadOnlyList<string> args)
    {
        if (args.Count != 1) return "wrong number of arguments";
        if (validate?.Invoke(args[0]) is { } err) return err;
        Value = args[0];
        return null;
    }

    public override string Get() => Value;
}

public sealed class EnumConfig(string name, string def, string[] choices, ConfigFlags flags = ConfigFlags.None) : ConfigParam(name, flags)
{
    public string Value = def;

    public override string? TrySet(IReadOnlyList<string> args)
    {
        if (args.Count != 1) return "wrong number of arguments";
        string v = args[0].ToLowerInvariant();
        if (Array.IndexOf(choices, v) < 0) return "argument(s) must be one of the following: " + string.Join(", ", choices);
        Value = v;
        return null;
    }

    public override string Get() => Value;
}

/// <summary><c>save</c>: pairs of (seconds, changes); "" disables snapshots on change count.</summary>
public sealed class SaveConfig(string name, string def) : ConfigParam(name, ConfigFlags.None)
{
    public IReadOnlyList<(long Seconds, long Changes)> Points { get; private set; } = Parse(def.Split(' '))!;

    public override bool MultiArg => true;

    public override string? TrySet(IReadOnlyList<string> args)
    {
        var words = args.SelectMany(a => a.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
        var points = Parse(words);
        if (points == null) return "Invalid save parameters";
        Points = points;
        return null;
    }

    private static List<(long, long)>? Parse(string[] words)
    {
        var list = new List<(long, long)>();
        if (words.Length == 1 && words[0] == "") return list;
        if (words.Length % 2 != 0) return null;
        for (int i = 0; i < words.Length; i += 2)
        {
            if (!long.TryParse(words[i], out long s) || !long.TryParse(words[i + 1], out long c) || s < 1 || c < 0) return null;
            list.Add((s, c));
        }
        return list;
    }

    public override string Get() => string.Join(' ', Points.Select(p => $"{p.Seconds} {p.Changes}"));
}

/// <summary>A space-separated list of words (<c>bind</c>).</summary>
public sealed class ListConfig(string name, string def, ConfigFlags flags = ConfigFlags.None) : ConfigParam(name, flags)
{
    public IReadOnlyList<string> Values { get; private set; } = def.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public override bool MultiArg => true;

    public override string? TrySet(IReadOnlyList<string> args)
    {
        var words = args.SelectMany(a => a.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
        if (words.Length == 0 || words.Length > 16) return "Too many bind addresses specified.";
        Values = words;
        return null;
    }

    public override string Get() => string.Join(' ', Values);
}

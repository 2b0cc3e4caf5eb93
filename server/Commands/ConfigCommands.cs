using RedisLite.Config;

namespace RedisLite.Commands;

/// <summary>CONFIG GET/SET/RESETSTAT/HELP over <see cref="ServerConfig.All"/>, with Redis 7.0's errors.</summary>
public static class ConfigCommands
{
    /// <summary>CONFIG GET pattern [pattern ...]: every parameter matching any glob, each once.</summary>
    public static void Get(CommandContext ctx)
    {
        // Aliases are listed under their own names, as Redis 7.0 does.
        var matched = new List<(string Name, ConfigParam Param)>();
        var seen = new HashSet<string>();
        var config = ctx.Server.Config;
        var names = config.All.Select(kv => (Name: kv.Value.Name, Param: kv.Value))
            .Concat(config.Aliases.Select(kv => (Name: kv.Key, Param: kv.Value))).ToList();
        for (int i = 2; i < ctx.Args.Count; i++)
        {
            var pattern = ctx.Args[i];
            foreach (var (name, p) in names)
            {
                if (seen.Contains(name)) continue;
                if (Glob.Match(pattern, System.Text.Encoding.UTF8.GetBytes(name), ignoreCase: true) && seen.Add(name)) matched.Add((name, p));
            }
        }
        ctx.Reply.MapHeader(matched.Count);
        foreach (var (name, p) in matched)
        {
            ctx.Reply.Bulk(name);
            ctx.Reply.Bulk(p.Get());
        }
    }

    /// <summary>
    /// CONFIG SET name value [name value ...]: all-or-nothing, as in Redis 7: every name is checked
    /// first, then values are applied, and on a failure the ones already applied are restored.
    /// </summary>
    public static void Set(CommandContext ctx)
    {
        var a = ctx.Args;
        if ((a.Count - 2) % 2 != 0)
        {
            ctx.SyntaxError();
            return;
        }
        var config = ctx.Server.Config;
        var changes = new List<(ConfigParam Param, string Value, string Arg)>();
        for (int i = 2; i < a.Count; i += 2)
        {
            string name = a.Str(i);
            var p = config.Find(name);
            if (p == null)
            {
                ctx.Error($"ERR Unknown option or number of arguments for CONFIG SET - '{name}'");
                return;
            }
            if ((p.Flags & ConfigFlags.Immutable) != 0)
            {
                ctx.Error($"ERR CONFIG SET failed (possibly related to argument '{name}') - can't set immutable config");
                return;
            }
            if ((p.Flags & ConfigFlags.Protected) != 0 && !Allowed(config.EnableProtectedConfigs.Value, ctx.Client))
            {
                ctx.Error($"ERR CONFIG SET failed (possibly related to argument '{name}') - can't set protected config");
                return;
            }
            if (changes.Any(c => c.Param == p))
            {
                ctx.Error($"ERR CONFIG SET failed (possibly related to argument '{name}') - duplicate parameter");
                return;
            }
            changes.Add((p, a.Str(i + 1), name));
        }
        // From here on errors name the parameter as Redis spells it, not as typed.
        var applied = new List<(ConfigParam Param, string Old)>();
        foreach (var (p, value, _) in changes)
        {
            string old = p.Get();
            if (p.TrySet([value]) is { } err)
            {
                Restore(applied);
                ctx.Error($"ERR CONFIG SET failed (possibly related to argument '{p.Name}') - {err}");
                return;
            }
            applied.Add((p, old));
        }
        foreach (var (p, old) in applied)
        {
            if (p.Apply?.Invoke(old) is { } err)
            {
                Server.Log.Warning($"Failed applying new configuration. Possibly related to new {p.Name} setting. Restoring previous settings.");
                Restore(applied);
                ctx.Error($"ERR CONFIG SET failed (possibly related to argument '{p.Name}') - {err}");
                return;
            }
        }
        foreach (var (p, _) in applied) p.Changed?.Invoke();
        ctx.Reply.Ok();
    }

    private static void Restore(List<(ConfigParam Param, string Old)> applied)
    {
        foreach (var (p, old) in applied) p.TrySet([old]);
    }

    /// <summary>The yes/no/local rule of enable-protected-configs and enable-debug-command.</summary>
    public static bool Allowed(string setting, Server.Client client) =>
        setting == "yes" || (setting == "local" && client.IsLocal);

    public static void ResetStat(CommandContext ctx)
    {
        ctx.Server.Stats.Reset();
        ctx.Server.CommandStats.Reset();
        ctx.Reply.Ok();
    }

    public static void Help(CommandContext ctx) => Commands.Help.Reply(ctx, "CONFIG",
    [
        "GET <pattern>", "    Return parameters matching the glob-like <pattern> and their values.",
        "SET <directive> <value>", "    Set the configuration <directive> to <value>.",
        "RESETSTAT", "    Reset statistics reported by the INFO command.",
    ]);
}

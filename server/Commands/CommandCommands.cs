using System.Text;
using RedisLite.Network;

namespace RedisLite.Commands;

/// <summary>
/// COMMAND, COMMAND COUNT/INFO/DOCS/LIST/HELP in Redis 7.0's reply formats, all read from
/// <see cref="CommandTable.All"/>. Key specs are derived from the table's legacy key positions
/// (one index/range spec; RO+access for read-only commands, RW+update for writes), so they locate
/// keys correctly but are coarser than Redis's hand-written ones; the table has no command tips,
/// so tips are empty. DOCS "arguments" come from each row's syntax line (<see cref="CommandSyntax"/>),
/// which is what redis-cli 7.0 builds its input hints from.
/// </summary>
public static class CommandCommands
{
    /// <summary>COMMAND with no subcommand: every command's details.</summary>
    public static void All(CommandContext ctx)
    {
        ctx.Reply.ArrayHeader(CommandTable.All.Length);
        foreach (var c in CommandTable.All) WriteInfo(ctx.Reply, c);
    }

    public static void Count(CommandContext ctx) => ctx.Reply.Integer(CommandTable.All.Length);

    /// <summary>COMMAND INFO [name ...]: details per name (nil for unknown ones), all commands without names.</summary>
    public static void Info(CommandContext ctx)
    {
        if (ctx.Args.Count == 2)
        {
            All(ctx);
            return;
        }
        ctx.Reply.ArrayHeader(ctx.Args.Count - 2);
        for (int i = 2; i < ctx.Args.Count; i++)
        {
            var c = FindByFullName(ctx.Args.Str(i));
            if (c == null) ctx.Reply.Null();
            else WriteInfo(ctx.Reply, c);
        }
    }

    /// <summary>COMMAND DOCS [name ...]: a map from name to documentation; unknown names are left out.</summary>
    public static void Docs(CommandContext ctx)
    {
        var found = new List<CommandDef>();
        if (ctx.Args.Count == 2) found.AddRange(CommandTable.All);
        for (int i = 2; i < ctx.Args.Count; i++)
            if (FindByFullName(ctx.Args.Str(i)) is { } c) found.Add(c);
        ctx.Reply.MapHeader(found.Count);
        foreach (var c in found)
        {
            ctx.Reply.Bulk(c.Name);
            WriteDocs(ctx.Reply, c);
        }
    }

    /// <summary>COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]: names, subcommands after their container.</summary>
    public static void List(CommandContext ctx)
    {
        var a = ctx.Args;
        Func<CommandDef, bool> keep = _ => true;
        if (a.Count == 5 && a.Is(2, "FILTERBY"))
        {
            string arg = a.Str(4);
            if (a.Is(3, "MODULE")) keep = _ => false; // RedisLite loads no modules
            else if (a.Is(3, "ACLCAT")) keep = c => c.AclCategories().Contains("@" + arg.ToLowerInvariant());
            else if (a.Is(3, "PATTERN"))
            {
                var pattern = Encoding.UTF8.GetBytes(arg);
                keep = c => Glob.Match(pattern, Encoding.UTF8.GetBytes(c.Name), ignoreCase: true);
            }
            else
            {
                ctx.SyntaxError();
                return;
            }
        }
        else if (a.Count != 2)
        {
            ctx.SyntaxError();
            return;
        }
        var names = new List<string>();
        foreach (var c in CommandTable.All)
        {
            if (keep(c)) names.Add(c.Name);
            foreach (var s in c.Subcommands)
                if (keep(s)) names.Add(s.Name);
        }
        ctx.Reply.ArrayHeader(names.Count);
        foreach (var n in names) ctx.Reply.Bulk(n);
    }

    public static void Help(CommandContext ctx) => Commands.Help.Reply(ctx, "COMMAND",
    [
        "(no subcommand)",
        "    Return details about all Redis commands.",
        "COUNT",
        "    Return the total number of commands in this Redis server.",
        "LIST",
        "    Return a list of all commands in this Redis server.",
        "INFO [<command-name> ...]",
        "    Return details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "DOCS [<command-name> ...]",
        "    Return documentation details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
    ]);

    /// <summary>A command or subcommand by its Redis 7 full name ("get", "config|get"), any case.</summary>
    public static CommandDef? FindByFullName(string name)
    {
        int bar = name.IndexOf('|');
        var top = CommandTable.Lookup(bar < 0 ? name : name[..bar]);
        if (top == null || bar < 0) return top;
        return CommandTable.LookupSub(top, Encoding.UTF8.GetBytes(name[(bar + 1)..]));
    }

    private static void WriteInfo(RespWriter r, CommandDef c)
    {
        r.ArrayHeader(10);
        r.Bulk(c.Name);
        r.Integer(c.Arity);
        WriteStatusSet(r, c.FlagNames().ToList());
        r.Integer(c.FirstKey);
        r.Integer(c.LastKey);
        r.Integer(c.KeyStep);
        WriteStatusSet(r, c.AclCategories().ToList());
        r.SetHeader(0); // tips
        WriteKeySpecs(r, c);
        r.SetHeader(c.Subcommands.Count);
        foreach (var s in c.Subcommands) WriteInfo(r, s);
    }

    private static void Pair(RespWriter r, string name, string value)
    {
        r.Bulk(name);
        r.Bulk(value);
    }

    private static void Pair(RespWriter r, string name, long value)
    {
        r.Bulk(name);
        r.Integer(value);
    }

    private static void WriteStatusSet(RespWriter r, List<string> items)
    {
        r.SetHeader(items.Count);
        foreach (var s in items) r.Simple(s);
    }

    // One spec covering the legacy (first, last, step) range; "lastkey" is relative to the first key, as in Redis.
    private static void WriteKeySpecs(RespWriter r, CommandDef c)
    {
        if (c.FirstKey <= 0)
        {
            r.SetHeader(0);
            return;
        }
        r.SetHeader(1);
        r.MapHeader(3);
        r.Bulk("flags");
        WriteStatusSet(r, c.IsWrite ? ["RW", "update"] : ["RO", "access"]);
        r.Bulk("begin_search");
        r.MapHeader(2);
        Pair(r, "type", "index");
        r.Bulk("spec");
        r.MapHeader(1);
        Pair(r, "index", c.FirstKey);
        r.Bulk("find_keys");
        r.MapHeader(2);
        Pair(r, "type", "range");
        r.Bulk("spec");
        r.MapHeader(3);
        Pair(r, "lastkey", c.LastKey < 0 ? c.LastKey : c.LastKey - c.FirstKey);
        Pair(r, "keystep", c.KeyStep);
        Pair(r, "limit", 0);
    }

    // Each argument as a map in Redis's field order: name, type, key_spec_index, token, flags, arguments.
    private static void WriteArguments(RespWriter r, IReadOnlyList<DocArgument> args)
    {
        r.ArrayHeader(args.Count);
        foreach (var a in args)
        {
            var flags = new List<string>();
            if (a.Optional) flags.Add("optional");
            if (a.Multiple) flags.Add("multiple");
            bool key = a.Type == "key";
            r.MapHeader(2 + (key ? 1 : 0) + (a.Token != null ? 1 : 0) + (flags.Count > 0 ? 1 : 0) + (a.Arguments.Count > 0 ? 1 : 0));
            Pair(r, "name", a.Name);
            Pair(r, "type", a.Type);
            if (key) Pair(r, "key_spec_index", 0);
            if (a.Token != null) Pair(r, "token", a.Token);
            if (flags.Count > 0)
            {
                r.Bulk("flags");
                WriteStatusSet(r, flags);
            }
            if (a.Arguments.Count > 0)
            {
                r.Bulk("arguments");
                WriteArguments(r, a.Arguments);
            }
        }
    }

    private static void WriteDocs(RespWriter r, CommandDef c)
    {
        bool complexity = c.Complexity.Length > 0;
        var arguments = CommandSyntax.Parse(c.Syntax);
        r.MapHeader(3 + (complexity ? 1 : 0) + (arguments.Count > 0 ? 1 : 0) + (c.Subcommands.Count > 0 ? 1 : 0));
        Pair(r, "summary", c.Summary);
        Pair(r, "since", c.Since);
        Pair(r, "group", c.Group);
        if (complexity) Pair(r, "complexity", c.Complexity);
        if (arguments.Count > 0)
        {
            r.Bulk("arguments");
            WriteArguments(r, arguments);
        }
        if (c.Subcommands.Count == 0) return;
        r.Bulk("subcommands");
        r.MapHeader(c.Subcommands.Count);
        foreach (var s in c.Subcommands)
        {
            r.Bulk(s.Name);
            WriteDocs(r, s);
        }
    }
}

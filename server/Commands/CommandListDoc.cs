using System.Text;

namespace RedisLite.Commands;

/// <summary>
/// The README's command list, generated from <see cref="CommandTable.All"/>: grouped by Redis's
/// command group (in the order groups first appear in the table), one line per command a client
/// can type (a container's subcommands as "CONFIG GET"), alphabetical within a group. A test
/// compares README.md with this text, so the README cannot drift from the table.
/// </summary>
public static class CommandListDoc
{
    public const string BeginMarker = "<!-- commands:begin -->";
    public const string EndMarker = "<!-- commands:end -->";

    /// <summary>The text that belongs between the markers (without them), with LF line ends.</summary>
    public static string Markdown()
    {
        var lines = new List<(string Group, string Name, string Summary)>();
        foreach (var c in CommandTable.All)
        {
            if (c.Handler != null) lines.Add((c.Group, c.Name.ToUpperInvariant(), c.Summary));
            foreach (var s in c.Subcommands)
                lines.Add((s.Group, $"{c.Name} {s.Word}".ToUpperInvariant(), s.Summary));
        }
        var sb = new StringBuilder();
        foreach (var group in lines.Select(l => l.Group).Distinct())
        {
            sb.Append("\n### ").Append(group).Append("\n\n");
            foreach (var l in lines.Where(l => l.Group == group).OrderBy(l => l.Name, StringComparer.Ordinal))
                sb.Append("- `").Append(l.Name).Append("` — ").Append(l.Summary).Append('\n');
        }
        return sb.Append('\n').ToString();
    }
}

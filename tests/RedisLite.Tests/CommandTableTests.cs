using RedisLite.Commands;

namespace RedisLite.Tests;

/// <summary>
/// The command table is the one source of truth: every row dispatches somewhere, its metadata
/// matches Redis 7.0.15's COMMAND INFO, COMMAND COUNT agrees with it, and the README's command
/// list is exactly what the table generates. To refresh the README after changing the table, run
/// this class with REDISLITE_WRITE_README=1.
/// </summary>
public class CommandTableTests
{
    private static IEnumerable<CommandDef> Rows() => CommandTable.All.SelectMany(c => c.Subcommands.Prepend(c));

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "RedisLite.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("RedisLite.sln not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void ReadmeCommandListMatchesTable()
    {
        string path = Path.Combine(RepoRoot(), "README.md");
        string readme = File.ReadAllText(path).Replace("\r\n", "\n");
        int begin = readme.IndexOf(CommandListDoc.BeginMarker, StringComparison.Ordinal);
        int end = readme.IndexOf(CommandListDoc.EndMarker, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, $"README.md needs the markers {CommandListDoc.BeginMarker} and {CommandListDoc.EndMarker}");
        int start = begin + CommandListDoc.BeginMarker.Length;
        string actual = readme[start..end];
        string expected = CommandListDoc.Markdown();
        if (actual != expected && Environment.GetEnvironmentVariable("REDISLITE_WRITE_README") == "1")
        {
            File.WriteAllText(path, readme[..start] + expected + readme[end..]);
            return;
        }
        Assert.True(actual == expected,
            $"README.md's command list disagrees with CommandTable. Put this between the markers (or rerun with REDISLITE_WRITE_README=1):\n{expected}");
    }

    [Fact]
    public void EveryRowHasAHandlerAndAWellFormedName()
    {
        foreach (var c in CommandTable.All)
        {
            Assert.Equal(c.Name.ToLowerInvariant(), c.Name);
            Assert.DoesNotContain('|', c.Name);
            if (c.Subcommands.Count == 0) Assert.True(c.Handler != null, $"{c.Name} has no handler");
            foreach (var s in c.Subcommands)
            {
                Assert.StartsWith(c.Name + "|", s.Name);
                Assert.True(s.Handler != null, $"{s.Name} has no handler");
                Assert.Empty(s.Subcommands);
            }
            Assert.False(string.IsNullOrWhiteSpace(c.Summary), c.Name);
            Assert.False(string.IsNullOrWhiteSpace(c.Since), c.Name);
        }
        var names = Rows().Select(r => r.Name).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    /// <summary>Name, arity, flags and legacy key positions of every row equal redis-server 7.0.15's COMMAND INFO.</summary>
    [SkippableFact]
    public void ArityFlagsAndKeysMatchRedisServer()
    {
        ReferenceRedis.SkipIfAbsent();
        using var redis = new ReferenceRedis();
        using var c = redis.Client();
        int compared = 0;
        var mismatches = new List<string>();
        foreach (var row in Rows())
        {
            var reply = Assert.IsType<object?[]>(c.Call("COMMAND", "INFO", row.Name));
            if (reply[0] is not object?[] info)
            {
                mismatches.Add($"{row.Name}: not a Redis 7.0 command");
                continue;
            }
            compared++;
            var flags = ((object?[])info[2]!).Cast<string>().ToArray();
            string ours = $"arity={row.Arity} flags=[{string.Join(' ', row.FlagNames())}] keys={row.FirstKey},{row.LastKey},{row.KeyStep}";
            string theirs = $"arity={info[1]} flags=[{string.Join(' ', flags)}] keys={info[3]},{info[4]},{info[5]}";
            if (ours != theirs) mismatches.Add($"{row.Name}: ours {ours}, redis {theirs}");
        }
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
        Assert.Equal(Rows().Count(), compared);
    }

    [Fact]
    public void CommandCountAndListFollowTheTable()
    {
        using var s = new TestServer();
        using var c = s.Client();
        Assert.Equal((long)CommandTable.All.Length, c.Call("COMMAND", "COUNT"));
        var list = Assert.IsType<object?[]>(c.Call("COMMAND", "LIST")).Cast<string>().ToList();
        Assert.Equal(Rows().Select(r => r.Name).Order(), list.Order());
        var all = Assert.IsType<object?[]>(c.Call("COMMAND"));
        Assert.Equal(CommandTable.All.Length, all.Length);
        Assert.Equal(CommandTable.All.Select(r => r.Name), all.Select(e => (string)((object?[])e!)[0]!));
    }
}

using RedisLite.Commands;

namespace RedisLite.Tests;

/// <summary>Syntax lines become the COMMAND DOCS argument trees redis-cli 7.0 builds its hints from.</summary>
public class CommandSyntaxTests
{
    // The hint redis-cli derives from an argument tree: tokens, names, [optional], a|b, x [x ...].
    private static string Hint(IEnumerable<DocArgument> args, string sep = " ") => string.Join(sep, args.Select(Hint));

    private static string Hint(DocArgument a)
    {
        string body = a.Type switch
        {
            "pure-token" => a.Token!,
            "oneof" => Hint(a.Arguments, "|"),
            "block" => Hint(a.Arguments),
            _ => a.Name,
        };
        if (a.Token != null && a.Type != "pure-token") body = a.Token + " " + body;
        if (a.Multiple) body += " [" + (a.Type == "block" ? Hint(a.Arguments) : a.Name) + " ...]";
        return a.Optional ? "[" + body + "]" : body;
    }

    [Theory]
    [InlineData("key value [NX | XX] [GET] [EX seconds | PX milliseconds | KEEPTTL]", "key value [NX|XX] [GET] [EX seconds|PX milliseconds|KEEPTTL]")]
    [InlineData("key [key ...]", "key [key ...]")]
    [InlineData("key value [key value ...]", "key value [key value ...]")]
    [InlineData("[section [section ...]]", "[section [section ...]]")]
    [InlineData("[TYPE NORMAL | MASTER | REPLICA | PUBSUB] [ID client-id [client-id ...]]", "[TYPE NORMAL|MASTER|REPLICA|PUBSUB] [ID client-id [client-id ...]]")]
    [InlineData("[protover [AUTH username password] [SETNAME clientname]]", "[protover [AUTH username password] [SETNAME clientname]]")]
    [InlineData("[FILTERBY MODULE module-name | ACLCAT category | PATTERN pattern]", "[FILTERBY MODULE module-name|ACLCAT category|PATTERN pattern]")]
    [InlineData("subcommand [argument ...]", "subcommand [argument [argument ...]]")]
    [InlineData("", "")]
    public void RoundTripsToRedisCliHints(string syntax, string hint) => Assert.Equal(hint, Hint(CommandSyntax.Parse(syntax)));

    [Fact]
    public void SetArgumentsHaveRedisTypesAndFlags()
    {
        var args = CommandSyntax.Parse("key value [NX | XX] [GET] [EX seconds | EXAT unix-time-seconds | KEEPTTL]");
        Assert.Equal(["key", "string", "oneof", "pure-token", "oneof"], args.Select(a => a.Type));
        Assert.Equal([false, false, true, true, true], args.Select(a => a.Optional));
        var expiry = args[4].Arguments;
        Assert.Equal([("EX", "integer"), ("EXAT", "unix-time"), ("KEEPTTL", "pure-token")], expiry.Select(a => (a.Token!, a.Type)));
        var hello = CommandSyntax.Parse("[protover [AUTH username password]]")[0];
        var auth = hello.Arguments[1];
        Assert.Equal(("block", "AUTH"), (auth.Type, auth.Token!));
        Assert.All(auth.Arguments, a => Assert.Null(a.Token));
    }

    private static readonly string[] ValidTypes = ["key", "string", "integer", "pattern", "unix-time", "pure-token", "oneof", "block"];

    private static IEnumerable<DocArgument> Flatten(IEnumerable<DocArgument> args) => args.SelectMany(a => Flatten(a.Arguments).Prepend(a));

    /// <summary>Every row's syntax parses into valid argument types.</summary>
    [Fact]
    public void EveryTableSyntaxParses()
    {
        foreach (var c in CommandTable.All.SelectMany(c => c.Subcommands.Prepend(c)))
        {
            var all = Flatten(CommandSyntax.Parse(c.Syntax)).ToList();
            Assert.All(all, a => Assert.True(a.Name.Length > 0 && a.Name != "..." && ValidTypes.Contains(a.Type), $"{c.Name}: {a.Name} ({a.Type})"));
            // Each [ ] is an optional argument or a repetition ("[x ...]" alone is both).
            Assert.InRange(all.Count(a => a.Optional) + all.Count(a => a.Multiple), c.Syntax.Count(ch => ch == '['), 2 * c.Syntax.Count(ch => ch == '['));
        }
    }
}

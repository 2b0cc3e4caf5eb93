using System.Text.RegularExpressions;

namespace RedisLite.Commands;

/// <summary>One argument of a command as COMMAND DOCS describes it (Redis 7.0's argument tree).</summary>
public sealed class DocArgument(string name, string type, string? token = null, IReadOnlyList<DocArgument>? arguments = null)
{
    public string Name { get; } = name;
    /// <summary>key, string, integer, pattern, unix-time, pure-token, oneof or block.</summary>
    public string Type { get; } = type;
    public string? Token { get; } = token;
    public bool Optional { get; set; }
    public bool Multiple { get; set; }
    public IReadOnlyList<DocArgument> Arguments { get; } = arguments ?? [];
}

/// <summary>
/// Turns the syntax line of a table row ("key value [NX | XX] [EX seconds | KEEPTTL]") into the
/// argument tree COMMAND DOCS reports, which redis-cli 7.0 uses for its input hints. Grammar:
/// [ ] optional, | alternatives (a oneof), "x [x ...]" repetition (multiple), UPPER-CASE words
/// are tokens: alone a pure-token, before a lower-case word that argument's token, and before a
/// list of alternatives ("TYPE NORMAL | MASTER") the token of that oneof. Several items in one
/// group form a block. Argument types are guessed from names (key, pattern, unix-time, a few
/// integers, else string); they only label the docs.
/// </summary>
public static class CommandSyntax
{
    public static IReadOnlyList<DocArgument> Parse(string syntax)
    {
        var tokens = Regex.Matches(syntax, @"\[|\]|\||\.\.\.|[^\s\[\]|]+").Select(m => m.Value).ToList();
        int pos = 0;
        return Alternatives(tokens, ref pos);
    }

    // alternatives := sequence ('|' sequence)*; one alternative is returned as its items, several as one oneof.
    private static List<DocArgument> Alternatives(List<string> t, ref int pos)
    {
        var alts = new List<List<DocArgument>> { Sequence(t, ref pos) };
        while (pos < t.Count && t[pos] == "|")
        {
            pos++;
            alts.Add(Sequence(t, ref pos));
        }
        if (alts.Count == 1) return alts[0];
        // "TYPE NORMAL | MASTER": the first alternative's leading pure token applies to the whole choice.
        string? token = null;
        if (alts[0].Count >= 2 && alts[0][0] is { Type: "pure-token", Optional: false, Multiple: false } lead &&
            alts.Skip(1).All(a => a.Count == alts[0].Count - 1))
        {
            token = lead.Token;
            alts[0] = alts[0].Skip(1).ToList();
        }
        var choices = alts.Select(Single).ToList();
        return [new DocArgument(JoinNames(choices), "oneof", token, choices)];
    }

    // Several items make a block; a token on its first item ("AUTH username password") belongs to the block, as Redis writes it.
    private static DocArgument Single(List<DocArgument> items)
    {
        if (items.Count == 1) return items[0];
        string? token = null;
        if (items[0] is { Token: not null, Type: not "pure-token", Optional: false, Multiple: false } first)
        {
            token = first.Token;
            items[0] = new DocArgument(first.Name, first.Type, null, first.Arguments);
        }
        return new DocArgument(JoinNames(items), "block", token, items);
    }

    private static string JoinNames(IEnumerable<DocArgument> items) => string.Join('_', items.Select(i => i.Name));

    private static List<DocArgument> Sequence(List<string> t, ref int pos)
    {
        var items = new List<DocArgument>();
        while (pos < t.Count && t[pos] is not ("|" or "]"))
        {
            string w = t[pos++];
            if (w == "[")
            {
                var inner = Alternatives(t, ref pos);
                if (pos < t.Count && t[pos] == "]") pos++;
                bool repeat = inner.Count > 0 && inner[^1].Name == "...";
                if (repeat)
                {
                    inner.RemoveAt(inner.Count - 1);
                    // "x y [x y ...]": the items just before repeat.
                    if (inner.Count > 0 && items.Count >= inner.Count &&
                        items.Skip(items.Count - inner.Count).Select(i => i.Name).SequenceEqual(inner.Select(i => i.Name)))
                    {
                        var repeated = items.Skip(items.Count - inner.Count).ToList();
                        items.RemoveRange(items.Count - repeated.Count, repeated.Count);
                        var r = Single(repeated);
                        r.Multiple = true;
                        items.Add(r);
                        continue;
                    }
                    // "[argument ...]": any number, including none.
                    var any = Single(inner);
                    any.Multiple = true;
                    any.Optional = true;
                    items.Add(any);
                    continue;
                }
                var group = Single(inner);
                group.Optional = true;
                items.Add(group);
            }
            else if (w == "...")
            {
                items.Add(new DocArgument("...", "string"));
            }
            else if (IsToken(w))
            {
                // A token followed by a lower-case word names that argument's token.
                if (pos < t.Count && !IsToken(t[pos]) && t[pos] is not ("[" or "]" or "|" or "..."))
                {
                    string name = t[pos++];
                    items.Add(new DocArgument(name, TypeOf(name), w));
                }
                else items.Add(new DocArgument(w.ToLowerInvariant(), "pure-token", w));
            }
            else items.Add(new DocArgument(w, TypeOf(w)));
        }
        return items;
    }

    private static bool IsToken(string w) => w.Any(char.IsLetter) && w == w.ToUpperInvariant();

    private static readonly HashSet<string> KeyNames = ["key", "key1", "key2", "newkey", "source", "destination"];
    private static readonly HashSet<string> IntegerNames =
        ["seconds", "milliseconds", "count", "db", "index", "index1", "index2", "offset", "start", "end", "decrement",
         "cursor", "numkeys", "min-match-len", "destination-db", "client-id", "protover", "timeout"];

    private static string TypeOf(string name) =>
        KeyNames.Contains(name) ? "key"
        : name == "pattern" ? "pattern"
        : name.Contains("unix-time") ? "unix-time"
        : IntegerNames.Contains(name) ? "integer"
        : "string";
}

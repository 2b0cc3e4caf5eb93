using System.Text;

namespace RedisLite.Tests;

/// <summary>Equality and display of decoded replies (the <see cref="RespClient"/> / <see cref="InProcessServer"/> form).</summary>
public static class Replies
{
    private static readonly Encoding L1 = Encoding.Latin1;

    /// <summary>Structural equality: bulk strings by bytes, arrays element by element.</summary>
    public static bool Same(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (byte[] x, byte[] y) => x.AsSpan().SequenceEqual(y),
        (object?[] x, object?[] y) => x.Length == y.Length && x.Zip(y).All(p => Same(p.First, p.Second)),
        _ => Equals(a, b),
    };

    /// <summary>A short readable form: strings quoted with control bytes escaped, long ones cut.</summary>
    public static string Show(object? o) => o switch
    {
        null => "(nil)",
        string s => s.Length > 60 ? $"\"{Escape(s[..40])}...\"({s.Length})" : $"\"{Escape(s)}\"",
        byte[] b => Show(L1.GetString(b)),
        object?[] a => "[" + string.Join(", ", a.Select(Show)) + "]",
        RespClient.RespError e => "-" + e.Message,
        KeyspaceModel.Check c => $"<{c.What}>",
        _ => o.ToString()!,
    };

    private static string Escape(string s) => string.Concat(s.Select(c => c < 32 || c > 126 ? $"\\x{(int)c:x2}" : c.ToString()));
}

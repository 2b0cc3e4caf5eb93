using System.Text;

namespace RedisLite.Tests;

/// <summary>A reply from <see cref="RespClient"/> as one line of text, for comparing whole replies and printing them in failures.</summary>
public static class ReplyText
{
    public static string Show(object? reply) => reply switch
    {
        null => "(nil)",
        byte[] b => "\"" + Encoding.UTF8.GetString(b) + "\"",
        string s => "\"" + s + "\"",
        RespClient.RespError e => "-" + e.Message,
        object?[] a => "[" + string.Join(", ", a.Select(Show)) + "]",
        _ => reply.ToString()!,
    };
}

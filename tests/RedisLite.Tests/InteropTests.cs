using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace RedisLite.Tests;

/// <summary>
/// Real Redis tools against RedisLite: redis-cli, redis-benchmark and the redis-py client, each
/// skipped when not installed. Commands whose implementation has not landed yet reply
/// "ERR not implemented yet"; their tests state the real expected behaviour and skip until then.
/// </summary>
public class InteropTests : IClassFixture<InteropTests.Server>
{
    public sealed class Server : IDisposable
    {
        public TestServer S { get; } = new();
        public void Dispose() => S.Dispose();
    }

    private const string NotImplemented = "ERR not implemented yet";
    private const string RedisCli = "/usr/bin/redis-cli";
    private const string RedisBenchmark = "/usr/bin/redis-benchmark";
    private const string Python = "/usr/bin/python3";

    private readonly TestServer _s;
    public InteropTests(Server f) => _s = f.S;

    [SkippableFact]
    public void CliSetGetIncr()
    {
        Assert.Equal("OK", Cli("SET", "interop:cli", "hello world"));
        Assert.Equal("hello world", Cli("GET", "interop:cli"));
        Assert.Equal("", Cli("GET", "interop:missing"));
        Cli("SET", "interop:counter", "41");
        Assert.Equal("42", Cli("INCR", "interop:counter"));
        Assert.Equal("ERR value is not an integer or out of range", Cli("INCR", "interop:cli"));
    }

    [SkippableFact]
    public void CliExpireTtl()
    {
        Cli("SET", "interop:ttl", "v");
        string reply = Cli("EXPIRE", "interop:ttl", "100");
        Skip.If(reply == NotImplemented, "EXPIRE not implemented yet");
        Assert.Equal("1", reply);
        Assert.InRange(int.Parse(Cli("TTL", "interop:ttl")), 1, 100);
        Assert.Equal("-2", Cli("TTL", "interop:nothing"));
        Cli("SET", "interop:ttl", "v2");
        Assert.Equal("-1", Cli("TTL", "interop:ttl"));
    }

    [SkippableFact]
    public void CliScan()
    {
        for (int i = 0; i < 30; i++) Cli("SET", $"interop:scan:{i}", "x");
        var lines = CliLines("SCAN", "0", "MATCH", "interop:scan:*", "COUNT", "100000");
        Skip.If(lines is [NotImplemented], "SCAN not implemented yet");
        // The whole keyspace fits in one call at this COUNT: cursor 0, then the keys.
        Assert.Equal("0", lines[0]);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"interop:scan:{i}").Order(), lines.Skip(1).Order());
        // redis-cli's own --scan iterates cursors to the end.
        var scanned = CliLines("--scan", "--pattern", "interop:scan:*");
        Assert.Equal(30, scanned.Distinct().Count());
    }

    [SkippableFact]
    public void CliKeys()
    {
        Cli("SET", "interop:keys:a", "1");
        Cli("SET", "interop:keys:b", "2");
        var lines = CliLines("KEYS", "interop:keys:*");
        Skip.If(lines is [NotImplemented], "KEYS not implemented yet");
        Assert.Equal(new[] { "interop:keys:a", "interop:keys:b" }, lines.Order());
    }

    [SkippableFact]
    public void CliInfo()
    {
        var lines = CliLines("INFO");
        Skip.If(lines is [NotImplemented], "INFO not implemented yet");
        // INFO is one bulk string of CRLF-terminated lines.
        lines = lines.Select(l => l.TrimEnd('\r')).ToList();
        Assert.Contains("# Server", lines);
        Assert.Contains(lines, l => l.StartsWith("redis_version:"));
        Assert.Contains($"tcp_port:{_s.Port}", lines);
        Assert.Contains("# Keyspace", lines);
    }

    [SkippableFact]
    public void CliConfigGetAll()
    {
        var lines = CliLines("CONFIG", "GET", "*");
        Assert.True(lines.Count > 20 && lines.Count % 2 == 0, $"CONFIG GET * gave {lines.Count} lines");
        var pairs = Enumerable.Range(0, lines.Count / 2).ToDictionary(i => lines[2 * i], i => lines[2 * i + 1]);
        Assert.Equal(_s.Port.ToString(), pairs["port"]);
        Assert.Equal("0", pairs["maxmemory"]);
        Assert.Equal("536870912", pairs["proto-max-bulk-len"]);
    }

    [SkippableFact]
    public void RedisBenchmarkRunsWithoutErrors()
    {
        Skip.IfNot(File.Exists(RedisBenchmark), "redis-benchmark not installed");
        Cli("SET", "counter:__rand_int__", "0");
        var (output, exit) = Run(RedisBenchmark, "-h", "127.0.0.1", "-p", _s.Port.ToString(),
            "-t", "set,get,incr,mset", "-n", "200000", "-P", "16", "-q");
        Assert.Equal(0, exit);
        Assert.DoesNotContain("rror", output);
        // -q prints progress lines ending in \r, and one final line per test.
        var results = output.Split('\r', '\n').Select(l => l.Trim())
            .Select(l => Regex.Match(l, @"^(SET|GET|INCR|MSET \(10 keys\)): ([\d.]+) requests per second"))
            .Where(m => m.Success)
            .ToDictionary(m => m.Groups[1].Value, m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        Assert.Equal(new[] { "GET", "INCR", "MSET (10 keys)", "SET" }, results.Keys.Order());
        Assert.All(results.Values, rps => Assert.True(rps > 0));
        // The benchmark's commands really ran: without -r every INCR hits the same key.
        Assert.Equal("200000", Cli("GET", "counter:__rand_int__"));
        Assert.Equal(3, Cli("GET", "key:__rand_int__").Length);
    }

    [SkippableFact]
    public void PythonRedisClient()
    {
        Skip.IfNot(File.Exists(Python) && Run(Python, "-c", "import redis").Exit == 0, "python3 redis module not installed");
        string script = $$"""
            import redis
            r = redis.Redis(host='127.0.0.1', port={{_s.Port}})
            assert r.ping() is True
            assert r.set('py:k', 'v') is True
            assert r.get('py:k') == b'v'
            assert r.get('py:missing') is None
            binary = b'a\r\nb\x00\xff'
            r.set('py:bin', binary)
            assert r.get('py:bin') == binary
            r.set('py:n', 10)
            assert r.incr('py:n') == 11
            assert r.incrby('py:n', 5) == 16
            assert r.mset({'py:a': '1', 'py:b': '2'}) is True
            assert r.mget('py:a', 'py:b', 'py:none') == [b'1', b'2', None]
            p = r.pipeline(transaction=False)
            for i in range(500):
                p.set('py:p:%d' % i, i)
                p.get('py:p:%d' % i)
            results = p.execute()
            assert results == [x for i in range(500) for x in (True, str(i).encode())]
            try:
                r.incr('py:k')
                raise SystemExit('INCR on a string must fail')
            except redis.ResponseError as e:
                assert str(e) == 'value is not an integer or out of range', str(e)
            assert r.config_get('maxmemory') == {'maxmemory': '0'}
            print('ok')
            """;
        var (output, exit) = Run(Python, "-c", script);
        Assert.True(exit == 0, output);
        Assert.Equal("ok", output.Trim());
    }

    /// <summary>redis-cli's reply to one command, as one string (errors come back as their text).</summary>
    private string Cli(params string[] args) => string.Join("\n", CliLines(args));

    private List<string> CliLines(params string[] args)
    {
        Skip.IfNot(File.Exists(RedisCli), "redis-cli not installed");
        var (output, exit) = Run(RedisCli, new[] { "-h", "127.0.0.1", "-p", _s.Port.ToString() }.Concat(args).ToArray());
        Assert.True(exit == 0, output);
        // An error is its text and a blank line; otherwise one line per reply element, each
        // ending in \n (an empty value is an empty line).
        if (Regex.IsMatch(output, "^[A-Z]+ ") && output.EndsWith("\n\n")) return [output[..^2]];
        return (output.EndsWith('\n') ? output[..^1] : output).Split('\n').ToList();
    }

    private static (string Output, int Exit) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(180_000))
        {
            p.Kill();
            throw new TimeoutException($"{file} did not finish");
        }
        return (stdout + stderr.Result, p.ExitCode);
    }
}

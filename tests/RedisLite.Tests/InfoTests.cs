using System.Text;
using System.Text.RegularExpressions;

namespace RedisLite.Tests;

/// <summary>
/// INFO: Redis 7.0's section set, order, layout and field names (compared with a live
/// redis-server 7.0.15 when installed), and values that follow what the server did.
/// </summary>
public class InfoTests : IClassFixture<InfoTests.Server>
{
    public sealed class Server : IDisposable
    {
        public TestServer S { get; } = new("--save", "");
        public void Dispose() => S.Dispose();
    }

    private readonly TestServer _s;
    public InfoTests(Server f) => _s = f.S;

    private static string Info(RespClient c, params string[] sections) => (string)c.Call(["INFO", .. sections])!;

    private static List<string> Headers(string info) => info.Split("\r\n").Where(l => l.StartsWith('#')).ToList();

    private static Dictionary<string, string> Fields(string info) =>
        info.Split("\r\n").Where(l => l.Contains(':') && !l.StartsWith('#'))
            .ToDictionary(l => l[..l.IndexOf(':')], l => l[(l.IndexOf(':') + 1)..]);

    private static readonly string[] DefaultHeaders =
        ["# Server", "# Clients", "# Memory", "# Persistence", "# Stats", "# Replication", "# CPU", "# Modules", "# Errorstats", "# Cluster", "# Keyspace"];

    [Fact]
    public void SectionsAndLayoutAreRedis()
    {
        using var c = _s.Client();
        c.Call("SET", "layout", "1");
        string all = Info(c);
        Assert.Equal(DefaultHeaders, Headers(all));
        Assert.StartsWith("# Server\r\nredis_version:7.0.15\r\n", all);
        Assert.EndsWith("\r\n", all);
        Assert.Contains("\r\n\r\n# Clients\r\n", all);
        Assert.DoesNotContain("\r\n\r\n\r\n", all);
        Assert.Equal(DefaultHeaders, Headers(Info(c, "default")));
        Assert.Equal(["# CPU", "# Keyspace"], Headers(Info(c, "keyspace", "CPU")));
        Assert.Equal("", Info(c, "nosuchsection"));
        var everything = Headers(Info(c, "everything"));
        Assert.Equal(everything, Headers(Info(c, "all")));
        Assert.Equal(["# Server", "# Clients", "# Memory", "# Persistence", "# Stats", "# Replication", "# CPU", "# Modules",
            "# Commandstats", "# Errorstats", "# Cluster", "# Keyspace"], everything);
        Assert.Equal(["# Server", "# Commandstats"], Headers(Info(c, "commandstats", "server")));
        Assert.Equal("# Cluster\r\ncluster_enabled:0\r\n", Info(c, "cluster"));
    }

    /// <summary>Every field redis-server 7.0.15 prints appears, in Redis's order, in RedisLite's INFO (which may add its own).</summary>
    [SkippableFact]
    public void FieldNamesAndOrderMatchRedisServer()
    {
        ReferenceRedis.SkipIfAbsent();
        using var redis = new ReferenceRedis();
        using var rc = redis.Client();
        using var c = _s.Client();
        foreach (var cmd in new[] { "SET", "GET", "INCR" })
        {
            rc.Call(cmd, "fields");
            c.Call(cmd, "fields");
        }
        rc.Call("EXPIRE", "fields", "100");
        c.Call("EXPIRE", "fields", "100");
        foreach (var section in new[] { "everything", "default", "keyspace cpu", "commandstats errorstats", "foo" })
        {
            string theirs = Info(rc, section.Split(' ')), ours = Info(c, section.Split(' '));
            // Redis also has a latency-percentiles section, which RedisLite does not keep.
            var theirHeaders = Headers(theirs).Where(h => h != "# Latencystats").ToList();
            Assert.Equal(theirHeaders, Headers(ours));
            // Per-command, per-error and per-database lines come in hash-table order in Redis: compare those as sets.
            static bool Listed(string n) => n.StartsWith("cmdstat_", StringComparison.Ordinal) ||
                                           n.StartsWith("errorstat_", StringComparison.Ordinal) || Regex.IsMatch(n, @"^db\d+$");
            var ourNames = Names(ours);
            int at = 0;
            foreach (var name in Names(theirs).Where(n => !n.StartsWith("latency_percentiles_usec_", StringComparison.Ordinal)))
            {
                if (Listed(name))
                {
                    Assert.Contains(name, ourNames);
                    continue;
                }
                int found = ourNames.IndexOf(name, at);
                Assert.True(found >= 0, $"INFO {section}: field {name} missing or out of Redis's order");
                at = found + 1;
            }
            Assert.Equal(Names(theirs).Where(Listed).Order(), ourNames.Where(Listed).Order());
        }
    }

    private static List<string> Names(string info) =>
        info.Split("\r\n").Where(l => l.Contains(':')).Select(l => l[..l.IndexOf(':')]).ToList();

    [Fact]
    public void ValuesFollowTheServer()
    {
        using var s = new TestServer("--save", "");
        using var c = s.Client();
        var before = Fields(Info(c, "everything"));
        Assert.Equal("0", before["rdb_changes_since_last_save"]);
        Assert.Equal(c.Call("LASTSAVE")!.ToString(), before["rdb_last_save_time"]);
        Assert.Equal(s.Port.ToString(), before["tcp_port"]);
        Assert.Equal(s.Process.Id.ToString(), before["process_id"]);
        Assert.Equal("ok", before["rdb_last_bgsave_status"]);
        Assert.Equal("-1", before["rdb_last_bgsave_time_sec"]);
        Assert.Equal("0", before["rdb_bgsave_in_progress"]);
        Assert.Equal("master", before["role"]);
        Assert.Equal("region", before["mem_allocator"]);
        Assert.Matches("^[0-9a-f]{40}$", before["run_id"]);
        Assert.Matches("^[0-9a-f]{40}$", before["master_replid"]);
        Assert.Matches(@"^\d+\.\d{6}$", before["used_cpu_user"]);
        Assert.DoesNotContain("db0", Info(c, "keyspace"));

        var big = new string('x', 100_000);
        for (int i = 0; i < 50; i++) c.Call("SET", "big:" + i, big);
        c.Call("SET", "ttl", "v", "EX", "1000");
        c.Call("GET", "ttl");
        c.Call("GET", "missing");
        c.Call("NOSUCH");
        c.Call("INCR", "ttl");

        var after = Fields(Info(c, "everything"));
        Assert.Equal("51", after["rdb_changes_since_last_save"]);
        Assert.Matches(@"^keys=51,expires=1,avg_ttl=\d+$", after["db0"]);
        Assert.Equal("1", after["keyspace_hits"]);
        Assert.Equal("1", after["keyspace_misses"]);
        Assert.Equal("2", after["total_error_replies"]);
        Assert.Contains("errorstat_ERR:count=2", Info(c, "errorstats"));
        Assert.Matches(@"^calls=51,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0$", after["cmdstat_set"]);
        Assert.Matches(@"^calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=1$", after["cmdstat_incr"]);
        long used = long.Parse(after["used_memory"]);
        Assert.True(used >= 50 * 100_000, $"used_memory {used}");
        Assert.True(long.Parse(after["used_memory_peak"]) >= used);
        Assert.True(long.Parse(after["region_rss_bytes"]) >= 50 * 100_000, after["region_rss_bytes"]);
        Assert.True(long.Parse(after["region_rss_bytes"]) > long.Parse(before["region_rss_bytes"]));
        Assert.True(long.Parse(after["used_memory_rss"]) > long.Parse(after["region_rss_bytes"]));
        Assert.True(long.Parse(after["region_top_bytes"]) > long.Parse(before["region_top_bytes"]));
        Assert.True(long.Parse(after["managed_heap_bytes"]) > 0);
        Assert.Equal(after["used_memory_human"], Human(used));

        for (int i = 0; i < 50; i++) c.Call("GETDEL", "big:" + i);
        var freed = Fields(Info(c, "memory"));
        Assert.True(long.Parse(freed["used_memory"]) < used);
        Assert.Equal(after["used_memory_peak"], freed["used_memory_peak"]);
    }

    private static string Human(long n) => n < 1024 ? n + "B"
        : n < 1024 * 1024 ? (n / 1024.0).ToString("F2", System.Globalization.CultureInfo.InvariantCulture) + "K"
        : (n / 1024.0 / 1024).ToString("F2", System.Globalization.CultureInfo.InvariantCulture) + "M";

    [Fact]
    public void NetworkByteCountersCountWhatWasSent()
    {
        // A server of its own: on the shared one, bytes of an earlier test's connection can still
        // be counted between the two snapshots.
        using var s = new TestServer();
        using var c = s.Client();
        var r1 = (byte[])c.CallRaw("INFO", "stats")!;
        c.Call("PING");
        var r2 = (byte[])c.CallRaw("INFO", "stats")!;
        long out1 = long.Parse(Fields(Encoding.UTF8.GetString(r1))["total_net_output_bytes"]);
        long out2 = long.Parse(Fields(Encoding.UTF8.GetString(r2))["total_net_output_bytes"]);
        long in1 = long.Parse(Fields(Encoding.UTF8.GetString(r1))["total_net_input_bytes"]);
        long in2 = long.Parse(Fields(Encoding.UTF8.GetString(r2))["total_net_input_bytes"]);
        // Between the two snapshots: the first INFO's whole reply and "+PONG\r\n" went out; PING and the second INFO came in.
        long firstReply = $"${r1.Length}\r\n".Length + r1.Length + 2;
        Assert.Equal(firstReply + "+PONG\r\n".Length, out2 - out1);
        Assert.Equal(RespClient.Encode("PING").Length + RespClient.Encode("INFO", "stats").Length, in2 - in1);
    }

    [Fact]
    public void ConfigFileAndExecutableAreAbsolutePaths()
    {
        using var c = _s.Client();
        var f = Fields(Info(c, "server"));
        Assert.Equal("", f["config_file"]);
        Assert.True(Path.IsPathRooted(f["executable"]));
        Assert.True(File.Exists(f["executable"]), f["executable"]);
        Assert.Matches(new Regex(@"^Linux \S+ \S+$"), f["os"]);
    }
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace RedisLite.Tests;

/// <summary>
/// The keyspace lives in the region (ARCHITECTURE.md section 3), not on the managed heap: loading
/// 20,000 values of 1 KiB into the real server process must make the region's mapping resident by
/// at least their size, as /proc/&lt;pid&gt;/smaps reports it, while anonymous memory outside the
/// region (managed heap included) grows by much less. The region is the largest read-write
/// anonymous mapping of the process (reserved at 256 GiB, far beyond any GC reservation).
/// </summary>
public class RegionMemoryTests
{
    private const int Keys = 20_000, ValueSize = 1024, Batch = 1000;

    [Fact]
    public void LoadedValuesMakeTheRegionMappingResident()
    {
        using var s = new TestServer();
        using var c = s.Client();
        var before = Smaps.Read(s.Process.Id);

        var value = new byte[ValueSize];
        Array.Fill(value, (byte)'v');
        for (int start = 0; start < Keys; start += Batch)
        {
            var frame = new MemoryStream();
            for (int i = start; i < start + Batch; i++)
                frame.Write(RespClient.Encode("SET", $"mem:{i:D6}", value));
            c.Send(frame.ToArray());
            for (int i = 0; i < Batch; i++) Assert.Equal("OK", c.Read());
        }
        Assert.Equal((long)Keys, c.Call("DBSIZE"));

        var after = Smaps.Read(s.Process.Id);
        long regionGrowth = after.RegionRss - before.RegionRss;
        long otherGrowth = after.OtherAnonymous - before.OtherAnonymous;
        string growth = $"region Rss grew by {regionGrowth:N0} bytes, other anonymous memory by {otherGrowth:N0}, for {Keys * ValueSize:N0} bytes of values";
        Assert.True(regionGrowth >= 20_000_000, growth);
        // Values kept on the managed heap would add their full size outside the region; what is
        // allowed here is transient buffers and garbage, well under half of it.
        Assert.True(otherGrowth < Keys * ValueSize / 2, growth);
    }

    /// <summary>The region's mapping and everything else anonymous, from /proc/&lt;pid&gt;/smaps.</summary>
    private sealed record Smaps(long RegionSize, long RegionRss, long OtherAnonymous)
    {
        private static readonly Regex Header = new(@"^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ (\d+)\s*(.*)$");

        public static Smaps Read(int pid)
        {
            var vmas = new List<(long Size, bool RwAnon, long Rss, long Anon)>();
            foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
            {
                var m = Header.Match(line);
                if (m.Success)
                {
                    long size = long.Parse(m.Groups[2].Value, NumberStyles.HexNumber) - long.Parse(m.Groups[1].Value, NumberStyles.HexNumber);
                    bool rwAnon = m.Groups[3].Value.StartsWith("rw", StringComparison.Ordinal) && m.Groups[4].Value == "0" && m.Groups[5].Value.Length == 0;
                    vmas.Add((size, rwAnon, 0, 0));
                }
                else if (vmas.Count > 0 && (line.StartsWith("Rss:", StringComparison.Ordinal) || line.StartsWith("Anonymous:", StringComparison.Ordinal)))
                {
                    long bytes = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
                    var v = vmas[^1];
                    vmas[^1] = line[0] == 'R' ? v with { Rss = bytes } : v with { Anon = bytes };
                }
            }
            int region = -1;
            for (int i = 0; i < vmas.Count; i++)
                if (vmas[i].RwAnon && (region < 0 || vmas[i].Size > vmas[region].Size)) region = i;
            Assert.True(region >= 0 && vmas[region].Size >= 1L << 30, "no read-write anonymous mapping of the region's size in smaps");
            long other = 0;
            for (int i = 0; i < vmas.Count; i++)
                if (i != region) other += vmas[i].Anon;
            return new Smaps(vmas[region].Size, vmas[region].Rss, other);
        }
    }
}

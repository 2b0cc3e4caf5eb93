namespace RedisLite.Tests;

/// <summary>
/// Copy-on-write counting during BGSAVE (native/cow.h): the parent's pagemap count must equal
/// the number of distinct region pages it wrote while the child was alive, reads must copy
/// nothing, the child's dismiss must spare the copies of values it has written out, and an
/// unreadable pagemap must be reported as unavailable rather than as zero.
/// Snapshots are held open with rdb-key-save-delay (microseconds per key); where the test's own
/// commands must land while the child lives, the child is also stopped meanwhile (SnapshotChild).
/// </summary>
public class CowTests
{
    private const int Page = 4096;

    private static string Info(RespClient c, string field) => SnapshotTests.Info(c, field);

    /// <summary>A 1 MiB raw string: a page run of its own, value byte i at block + 8 + i.</summary>
    private static void LoadBig(RespClient c, string key = "big") =>
        Assert.Equal("OK", c.Call("SET", key, new string('x', 1 << 20)));

    /// <summary>SETRANGE of one byte at value offset page*4096 writes exactly the run's page number <paramref name="page"/>.</summary>
    private static void TouchPage(RespClient c, int page, string key = "big") =>
        Assert.Equal((long)(1 << 20), c.Call("SETRANGE", key, page * Page, "y"));

    [Fact]
    public void CopiedPagesEqualDistinctRegionPagesWritten()
    {
        using var s = new TestServer("--save", "", "--rdb-key-save-delay", "1500000", "--rdb-child-dismiss", "no");
        using var c = s.Client();
        LoadBig(c);
        c.Call("SET", "a", "1");
        c.Call("SET", "b", "some string");
        Assert.Equal("Background saving started", c.Call("BGSAVE"));
        int[] pages = [0, 1, 2, 7, 64, 100, 255, 1, 7, 0];
        using (SnapshotChild.Hold(s))
        {
            // A second BGSAVE while one runs is refused, as Redis does.
            Assert.Equal("ERR Background save already in progress", c.Call("BGSAVE")?.ToString());
            foreach (int p in pages) TouchPage(c, p);
            // Reads and rewrites of the same pages copy nothing more.
            for (int i = 0; i < 10; i++) c.Call("GET", "big");
            TouchPage(c, 100);
            Assert.Equal("1", Info(c, "rdb_bgsave_in_progress"));
        }
        SnapshotTests.WaitForBgsave(c);
        Assert.Equal("ok", Info(c, "rdb_last_bgsave_status"));
        Assert.Equal("pfn", Info(c, "cow_counting"));
        Assert.Equal(pages.Distinct().Count().ToString(), Info(c, "cow_last_pages_copied"));
        Assert.Equal("1", Info(c, "cow_last_exact"));
        Assert.True(long.Parse(Info(c, "cow_last_faults")) >= pages.Distinct().Count());
        Assert.True(long.Parse(Info(c, "cow_last_region_pages")) >= 257);
        Assert.Equal("0", Info(c, "cow_last_dismissed_bytes"));
        // The child sees those copies too: its region mapping holds the 7 original pages privately.
        Assert.True(long.Parse(Info(c, "cow_last_child_region_dirty")) >= pages.Distinct().Count() * Page);
        Assert.Matches(@"Fork CoW for RDB: current \d+ MB, peak \d+ MB, average \d+ MB", Eventually.LogContains(s, "Fork CoW for RDB"));
        Assert.Contains($"Fork CoW pages copied by the parent: {pages.Distinct().Count()} of ", Eventually.LogContains(s, "Fork CoW pages copied"));
        var cow = (string)c.Call("INFO", "cow")!;
        Assert.Contains("final_sample_at_child_exit:1", cow);
        Assert.Matches(@"parent_0:t_ms=\d+,pages_copied=\d+,faults=\d+,cost_us=\d+", cow);
        Assert.Matches(@"child_0:t_ms=\d+,private_dirty=\d+,region_private_dirty=\d+,dismissed=0", cow);
    }

    [Fact]
    public void SnapshotWithoutWritesCopiesNoPage()
    {
        using var s = new TestServer("--save", "", "--rdb-key-save-delay", "100000");
        using var c = s.Client();
        LoadBig(c);
        for (int i = 0; i < 20; i++) c.Call("SET", $"k{i}", $"value {i}");
        Assert.Equal("Background saving started", c.Call("BGSAVE"));
        // Reads during the snapshot: no LRU clock write, no rehash step, so no page is copied.
        Eventually.True(() =>
        {
            for (int i = 0; i < 20; i++) c.Call("GET", $"k{i}");
            c.Call("EXISTS", "big");
            c.Call("STRLEN", "big");
            return Info(c, "rdb_bgsave_in_progress") == "0";
        }, "BGSAVE to finish while reads go on");
        Assert.Equal("ok", Info(c, "rdb_last_bgsave_status"));
        Assert.Equal("0", Info(c, "cow_last_pages_copied"));
        Assert.Equal("0.00", Info(c, "cow_last_copied_perc"));
        Assert.True(long.Parse(Info(c, "cow_last_samples")) >= 2);
    }

    [Fact]
    public void WithoutAvoidingWritesReadsCopyRecordPages()
    {
        // The other side of SnapshotWithoutWritesCopiesNoPage: with cow-avoid-writes off, each read
        // stores the LRU clock in the key's record, and every record page read is copied.
        using var s = new TestServer("--save", "", "--rdb-key-save-delay", "100000", "--cow-avoid-writes", "no");
        using var c = s.Client();
        for (int i = 0; i < 20; i++) c.Call("SET", $"k{i}", $"value {i}");
        Assert.Equal("Background saving started", c.Call("BGSAVE"));
        using (SnapshotChild.Hold(s))
        {
            for (int i = 0; i < 20; i++) c.Call("GET", $"k{i}");
            Assert.Equal("1", Info(c, "rdb_bgsave_in_progress"));
        }
        SnapshotTests.WaitForBgsave(c);
        Assert.Equal("ok", Info(c, "rdb_last_bgsave_status"));
        Assert.True(long.Parse(Info(c, "cow_last_pages_copied")) >= 1);
    }

    [Fact]
    public void DismissedValueIsNotCopiedWhenTheParentWritesItLater()
    {
        // One key: the child writes it, dismisses its page run, reports (after its first key),
        // then sleeps 5 s; the parent writes the value once that report has arrived. With 4 KiB
        // pages: in a huge page, the rest of the huge page stays mapped by the child and the kernel
        // copies a written 4 KiB page anyway (README: dismiss then helps only whole huge pages).
        using var s = new TestServer("--save", "", "--rdb-key-save-delay", "5000000", "--rdb-child-dismiss", "yes", "--region-hugepages", "no");
        using var c = s.Client();
        LoadBig(c);
        Assert.Equal("Background saving started", c.Call("BGSAVE"));
        Eventually.True(() => ((string)c.Call("INFO", "cow")!).Contains($"child_dismissed_bytes:{((1 << 20) / Page + 1) * Page}"),
            "the child's first report");
        using (SnapshotChild.Hold(s))
        {
            Assert.Equal("1", Info(c, "rdb_bgsave_in_progress"));
            for (int p = 0; p < 256; p += 16) TouchPage(c, p);
        }
        SnapshotTests.WaitForBgsave(c);
        Assert.Equal("ok", Info(c, "rdb_last_bgsave_status"));
        Assert.Equal(((1 << 20) / Page + 1) * Page, long.Parse(Info(c, "cow_last_dismissed_bytes")));
        Assert.Equal("0", Info(c, "cow_last_pages_copied"));
        // The dump still holds the value as it was at the fork.
        using var loaded = TestServer.InDir(s.Dir, "--save", "");
        using var lc = loaded.Client();
        Assert.Equal(new string('x', 1 << 20), lc.Call("GET", "big")?.ToString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void OverwritesDuringASnapshotCopyOnlyRecordPagesWithFreshPages(bool fresh)
    {
        // 600 keys of 1000 B, the snapshot held open about 3 s (5 ms per key); 200 of the values,
        // each on a different page, are replaced by values of the same size meanwhile. With
        // cow-fresh-pages the new values go on never-used pages and the old ones are held, so the
        // only shared pages written are the ~10 pages of key records (plus allocator metadata).
        // Without it each old value's page is written (free-list link, then the new value) and copied.
        const int keys = 600, valueBytes = 1000;
        using var s = new TestServer("--save", "", "--rdb-key-save-delay", "5000", "--cow-fresh-pages", fresh ? "yes" : "no");
        using var c = s.Client();
        for (int i = 0; i < keys; i++) Assert.Equal("OK", c.Call("SET", $"k{i:D4}", new string((char)('a' + i % 26), valueBytes)));
        long usedBefore = long.Parse(Info(c, "used_memory"));
        Assert.Equal("Background saving started", c.Call("BGSAVE"));
        var rewritten = Enumerable.Range(0, keys).Where(i => i % 3 == 0).ToList();
        using (SnapshotChild.Hold(s))
        {
            foreach (int i in rewritten) Assert.Equal("OK", c.Call("SET", $"k{i:D4}", new string('Z', valueBytes)));
            Assert.Equal("1", Info(c, "rdb_bgsave_in_progress"));
        }
        SnapshotTests.WaitForBgsave(c);
        Assert.Equal("ok", Info(c, "rdb_last_bgsave_status"));
        Assert.Equal("1", Info(c, "cow_last_exact"));
        long copied = long.Parse(Info(c, "cow_last_pages_copied"));
        ulong blockBytes = RedisLite.Store.RegionAllocator.SizeClasses.First(sz => sz >= valueBytes + 8);
        if (fresh)
        {
            Assert.True(copied < 40, $"{copied} pages copied for {rewritten.Count} overwrites");
            Assert.Equal(((ulong)rewritten.Count * blockBytes).ToString(), Info(c, "cow_last_held_bytes"));
            Assert.True(long.Parse(Info(c, "cow_last_fresh_bytes")) >= rewritten.Count * (long)blockBytes);
        }
        else
        {
            Assert.True(copied >= rewritten.Count * 3 / 4, $"only {copied} pages copied for {rewritten.Count} overwrites");
            Assert.Equal("0", Info(c, "cow_last_held_bytes"));
        }
        // The same data takes no more bytes (less by a bucket table if a rehash finished meanwhile).
        long usedAfter = long.Parse(Info(c, "used_memory"));
        Assert.True(usedAfter <= usedBefore && usedAfter > usedBefore - 64 * 1024, $"used_memory {usedBefore} before, {usedAfter} after");
        foreach (int i in rewritten.Take(20)) Assert.Equal(new string('Z', valueBytes), c.Call("GET", $"k{i:D4}")?.ToString());
        // The dump holds the values of the fork.
        using var loaded = TestServer.InDir(s.Dir, "--save", "");
        using var lc = loaded.Client();
        foreach (int i in rewritten.Take(20)) Assert.Equal(new string((char)('a' + i % 26), valueBytes), lc.Call("GET", $"k{i:D4}")?.ToString());
    }

    [Fact]
    public void UnreadablePagemapIsReportedAsUnavailable()
    {
        using var s = new TestServer("--save", "", "--cow-pagemap-path", "/nonexistent/pagemap");
        using var c = s.Client();
        c.Call("SET", "a", "1");
        Assert.Equal("-1", Info(c, "cow_last_pages_copied"));
        Assert.Equal("off", Info(c, "cow_counting"));
        Assert.Equal("Background saving started", c.Call("BGSAVE"));
        SnapshotTests.WaitForBgsave(c);
        Assert.Equal("ok", Info(c, "rdb_last_bgsave_status"));
        Assert.Equal("unavailable", Info(c, "cow_counting"));
        Assert.Equal("-1", Info(c, "cow_last_pages_copied"));
        Assert.Equal("0", Info(c, "cow_last_exact"));
        Assert.Equal("-1", Info(c, "cow_last_faults"));
        Assert.Contains("/nonexistent/pagemap not readable", Info(c, "cow_last_error"));
        Assert.Contains("Fork CoW pages copied by the parent: unavailable", Eventually.LogContains(s, "Fork CoW pages copied"));
        // The child's Redis-comparable figure does not depend on pagemap.
        Assert.True(long.Parse(Info(c, "rdb_last_cow_size")) > 0);
    }
}

using RedisLite.Persistence;
using RedisLite.Server;
using RedisLite.Store;

namespace RedisLite.Tests;

/// <summary>
/// The allocator gives freed memory back: emptied slabs become free runs, free runs merge with
/// their free neighbours (or lower the top), their pages return to the kernel (mincore says they
/// are no longer resident), and a reset forgets everything at once. A random churn with sharing
/// switched on and off checks the books (Audit) all along.
/// </summary>
public unsafe class RegionAllocatorReleaseTests
{
    private static long Resident(Region r, RegionAllocator a) => ProcessStats.ResidentBytes(r.Base + a.DataStart, a.Top - a.DataStart);

    private static void Touch(Region r, ulong off, ulong size) => new Span<byte>(r.Base + off, (int)size).Fill(0xAB);

    [Fact]
    public void EmptiedSlabsBecomeOneFreeRunOrLowerTheTop()
    {
        using var region = new Region(256UL << 20);
        var alloc = new RegionAllocator(region, 1);
        ulong anchor = alloc.Alloc(100_000); // keeps the runs below it from lowering the top
        var small = new List<ulong>();
        for (int i = 0; i < 100_000; i++) small.Add(alloc.Alloc(100));
        ulong last = alloc.Alloc(100_000);
        var before = alloc.Stats();
        Assert.True(before.Classes.Sum(c => (long)c.Slabs) > 100);

        foreach (ulong off in small) alloc.Free(off);
        alloc.Audit();
        var after = alloc.Stats();
        // Every emptied slab went back as pages, but the last one, kept as its class's spare;
        // the rest are one free run now.
        Assert.Equal(1UL, after.Classes.Aggregate(0UL, (s, c) => s + c.Slabs));
        Assert.Equal(1UL, after.FreeRuns);
        Assert.Equal(2 * 25 * (ulong)RegionLayout.PageSize, alloc.UsedBytes);

        // Freeing the run at the top lowers the top instead of making a free run.
        alloc.Free(last);
        Assert.Equal(last, alloc.Top);
        Assert.Equal(1UL, alloc.Stats().FreeRuns);
        alloc.Free(anchor);
        Assert.Equal(1UL, alloc.Stats().FreeRuns);
        alloc.Audit();
    }

    [Fact]
    public void FreedPagesLeaveTheResidentSetOnceReleased()
    {
        using var region = new Region(512UL << 20);
        var alloc = new RegionAllocator(region, 1);
        region.AdviseHugePages(false);
        var blocks = new List<ulong>();
        for (int i = 0; i < 64; i++)
        {
            ulong off = alloc.Alloc(1 << 20);
            Touch(region, off, 1 << 20);
            blocks.Add(off);
        }
        var smalls = new List<ulong>();
        for (int i = 0; i < 200_000; i++)
        {
            ulong off = alloc.Alloc(120);
            Touch(region, off, 120);
            smalls.Add(off);
        }
        ulong keep = alloc.Alloc(64);
        long loaded = Resident(region, alloc);
        Assert.True(loaded > 80L << 20, $"only {loaded} bytes resident after writing 88 MB");

        foreach (ulong off in blocks) alloc.Free(off);
        foreach (ulong off in smalls) alloc.Free(off);
        // Nothing is returned before the decay...
        Assert.Equal(0UL, alloc.ReleaseFreePages(long.MaxValue));
        Assert.True(Resident(region, alloc) > loaded / 2);
        // ...and everything but the free runs' first pages once it has passed.
        alloc.ReleaseFreePages(long.MaxValue, all: true);
        long released = Resident(region, alloc);
        Assert.True(released < loaded / 20, $"{released} of {loaded} bytes still resident");
        alloc.Audit();

        // Released pages are handed out again and read as zeros or whatever was written since.
        ulong again = alloc.Alloc(1 << 20);
        Touch(region, again, 1 << 20);
        Assert.Equal(0xAB, region.Base[again + 12345]);
        alloc.Free(again);
        alloc.Free(keep);
        alloc.Audit();
    }

    [Fact]
    public void WithHugePagesOnlyWholeHugePagesAreReturned()
    {
        const ulong MiB = 1 << 20;
        using var region = new Region(512UL << 20);
        var alloc = new RegionAllocator(region, 1) { ReleaseWholeHugePages = true };
        region.AdviseHugePages(false); // 4 KiB pages, so mincore counts exactly what was returned
        var blocks = Enumerable.Range(0, 3).Select(_ => alloc.Alloc(MiB)).ToList();
        ulong big = alloc.Alloc(16 * MiB);
        ulong guard = alloc.Alloc(MiB);
        foreach (ulong b in blocks.Append(big).Append(guard)) Touch(region, b, alloc.SizeOf(b));

        // A 1 MiB free run between blocks in use holds no whole huge page: it stays resident.
        alloc.Free(blocks[1]);
        alloc.Free(big);
        alloc.ReleaseFreePages(long.MaxValue, all: true);
        Assert.Equal((long)MiB, ProcessStats.ResidentBytes(region.Base + blocks[1], MiB));
        // A 16 MiB one returns all but the partly covered huge pages at its ends.
        long left = ProcessStats.ResidentBytes(region.Base + big, 16 * MiB);
        Assert.True(left <= 4 * (long)MiB, $"{left} bytes of a 16 MiB free run still resident");
        alloc.Audit();
    }

    [Fact]
    public void ResetForgetsEveryBlockAndReturnsEveryPage()
    {
        using var region = new Region(256UL << 20);
        var alloc = new RegionAllocator(region, 1);
        region.AdviseHugePages(false);
        for (int i = 0; i < 50_000; i++) Touch(region, alloc.Alloc(200), 200);
        for (int i = 0; i < 20; i++) Touch(region, alloc.Alloc(1 << 20), 1 << 20);
        alloc.BeginSharing();
        var fresh = alloc.Alloc(5000);
        alloc.Free(fresh);
        Assert.True(Resident(region, alloc) > 20L << 20);

        alloc.Reset();
        Assert.Equal(0UL, alloc.UsedBytes);
        Assert.Equal(alloc.DataStart, alloc.Top);
        Assert.Empty(alloc.HeldBlocks);
        Assert.Equal(0L, ProcessStats.ResidentBytes(region.Base + alloc.DataStart, 64UL << 20));
        alloc.Audit();
        // Still sharing: everything is fresh now (the parent's pages were returned, not shared).
        ulong b = alloc.Alloc(100);
        Assert.True(b >= alloc.SharedTop);
        alloc.EndSharing();
        alloc.Audit();
    }

    [Fact]
    public void RandomChurnKeepsTheBooksWithSharingAndRelease()
    {
        using var region = new Region(64UL << 20);
        var alloc = new RegionAllocator(region, 1);
        var rng = new Random(2024);
        var live = new List<ulong>();
        for (int step = 1; step <= 60_000; step++)
        {
            int op = rng.Next(100);
            if (op < 55 || live.Count == 0)
            {
                ulong size = rng.Next(10) switch
                {
                    0 => (ulong)rng.Next(4097, 200_000),
                    1 => (ulong)rng.Next(1000, 4097),
                    _ => (ulong)rng.Next(1, 300),
                };
                ulong off = alloc.TryAlloc(size);
                if (off != 0)
                {
                    Assert.True(alloc.SizeOf(off) >= size);
                    new Span<byte>(region.Base + off, 8).Fill((byte)step);
                    live.Add(off);
                }
            }
            else
            {
                int i = rng.Next(live.Count);
                alloc.Free(live[i]);
                live[i] = live[^1];
                live.RemoveAt(live.Count - 1);
            }
            if (step % 1000 == 0)
            {
                if (alloc.Sharing) alloc.EndSharing();
                else alloc.BeginSharing();
                if (step % 3000 == 0) alloc.ReleaseHeld(long.MaxValue);
                alloc.ReleaseWholeHugePages = step % 4000 == 0;
                alloc.ReleaseFreePages(long.MaxValue, all: step % 2000 == 0);
                var audit = alloc.Audit();
                var held = alloc.HeldBlocks.ToHashSet();
                Assert.Equal(audit.UsedBytes, live.Aggregate(0UL, (s, off) => s + alloc.SizeOf(off)));
                Assert.DoesNotContain(live, audit.FreeChunks.Contains);
                Assert.DoesNotContain(live, held.Contains);
            }
            if (step % 20_000 == 0)
            {
                // Everything at once, as FLUSHALL.
                live.Clear();
                alloc.Reset();
                alloc.Audit();
            }
        }
    }
}

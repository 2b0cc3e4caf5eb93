using RedisLite.Persistence;
using RedisLite.Store;

namespace RedisLite.Tests;

/// <summary>The allocator census behind DEBUG JMAP agrees with the allocator's own books (Audit).</summary>
public class RegionAllocatorStatsTests
{
    [Fact]
    public void CensusAddsUpToUsedBytes()
    {
        using var region = new Region(64UL << 20);
        var alloc = new RegionAllocator(region, 1);
        var rng = new Random(7);
        var blocks = new List<ulong>();
        for (int i = 0; i < 5000; i++) blocks.Add(alloc.Alloc((ulong)rng.Next(1, 3000)));
        ulong big1 = alloc.Alloc(50_000), big2 = alloc.Alloc(9000);
        for (int i = 0; i < blocks.Count; i += 3) alloc.Free(blocks[i]);
        alloc.Free(big1);

        var st = alloc.Stats();
        var audit = alloc.Audit();
        ulong chunkBytes = st.Classes.Aggregate(0UL, (sum, c) => sum + c.UsedChunks * c.ChunkSize);
        Assert.Equal(audit.UsedBytes, st.Used);
        Assert.Equal(st.Used, chunkBytes + st.RunPages * RegionLayout.PageSize);
        Assert.Equal(1UL, st.Runs); // big2
        Assert.Equal(3UL, st.RunPages);
        Assert.Equal(1UL, st.FreeRuns); // big1's 13 pages
        Assert.Equal(13UL, st.FreeRunPages);
        Assert.Equal((ulong)blocks.Count - (ulong)(blocks.Count + 2) / 3, st.Classes.Aggregate(0UL, (sum, c) => sum + c.UsedChunks));
        Assert.All(st.Classes, c => Assert.Equal(c.Slabs * (RegionLayout.SlabSize / c.ChunkSize), c.UsedChunks + c.FreeChunks));
        Assert.Equal(alloc.Top, st.Top);
        Assert.True(st.DataStart < st.Top && st.Top <= st.Reserved);
        Assert.NotEqual(0UL, big2);
    }
}

/// <summary>
/// The allocator while a snapshot child shares the region (cow-fresh-pages): blocks handed out
/// lie on pages carved after the fork or freed since it, blocks from before the fork are held
/// instead of freed, and everything is released and reusable once sharing ends.
/// </summary>
public class RegionAllocatorSharingTests
{
    [Fact]
    public void SharingKeepsNewBlocksOffForkTimePagesAndHoldsOldFrees()
    {
        using var region = new Region(64UL << 20);
        var alloc = new RegionAllocator(region, 1);
        var rng = new Random(11);
        var old = new List<ulong>();
        for (int i = 0; i < 3000; i++) old.Add(alloc.Alloc((ulong)rng.Next(1, 2000)));
        var oldSizes = old.Select(alloc.SizeOf).ToList();
        ulong oldRun = alloc.Alloc(20_000);
        // Free chunks and a free run exist before the fork: a normal allocator would reuse them.
        for (int i = 0; i < old.Count; i += 2) alloc.Free(old[i]);
        alloc.Free(oldRun);
        ulong usedAtFork = alloc.UsedBytes;

        alloc.BeginSharing();
        ulong top = alloc.SharedTop;
        Assert.Equal(alloc.Top, top);
        var fresh = new List<ulong>();
        for (int i = 0; i < 2000; i++) fresh.Add(alloc.Alloc((ulong)rng.Next(1, 2000)));
        fresh.Add(alloc.Alloc(20_000));
        Assert.All(fresh, off => Assert.True(off >= top, $"block {off} below the fork-time top {top}"));

        // Old blocks freed now are held (counted as freed), fresh ones are freed at once and reused.
        ulong heldExpected = 0;
        for (int i = 1; i < old.Count; i += 2)
        {
            heldExpected += alloc.SizeOf(old[i]);
            alloc.Free(old[i]);
        }
        Assert.Equal(heldExpected, alloc.HeldBytes);
        Assert.Equal(old.Count / 2, alloc.HeldBlocks.Count);
        ulong reused = fresh[0];
        ulong size = alloc.SizeOf(reused);
        alloc.Free(reused);
        Assert.Equal(reused, alloc.Alloc(size));
        // A page run freed since the fork is reused too, not replaced by new pages from the top.
        ulong run = fresh[^1];
        ulong topNow = alloc.Top;
        alloc.Free(run);
        Assert.Equal(run, alloc.Alloc(20_000));
        Assert.Equal(topNow, alloc.Top);
        alloc.Audit();
        var stats = alloc.Stats();
        Assert.Equal(alloc.UsedBytes, stats.Classes.Aggregate(0UL, (s, c) => s + c.UsedChunks * c.ChunkSize) + stats.RunPages * RegionLayout.PageSize);

        alloc.EndSharing();
        // Held blocks are released later, in steps, not by EndSharing itself.
        Assert.Equal(heldExpected, alloc.HeldBytes);
        Assert.Equal(heldExpected, alloc.HeldThisSharing);
        alloc.Audit();
        Assert.True(alloc.ReleaseHeld(long.MaxValue));
        Assert.Equal(0UL, alloc.HeldBytes);
        Assert.Empty(alloc.HeldBlocks);
        alloc.Audit();
        // Everything freed before and during sharing is reusable again: allocating what the old
        // blocks held takes no new pages.
        ulong topAfter = alloc.Top;
        foreach (ulong oldSize in oldSizes) alloc.Alloc(oldSize);
        Assert.Equal(topAfter, alloc.Top);
        Assert.True(alloc.UsedBytes > usedAtFork);
    }

    [Fact]
    public void SharingFallsBackToOldFreeSpaceWhenTheTopIsExhausted()
    {
        using var region = new Region(8UL << 20);
        var alloc = new RegionAllocator(region, 1);
        var blocks = new List<ulong>();
        try { while (true) blocks.Add(alloc.Alloc(3000)); }
        catch (RegionFullException) { }
        foreach (ulong b in blocks.Take(100)) alloc.Free(b);
        alloc.BeginSharing();
        // No fresh pages left: allocations must still succeed from the old free chunks.
        for (int i = 0; i < 100; i++) alloc.Alloc(3000);
        // Blocks freed now are held; once nothing else is left they are released and reused
        // (their pages get copied) instead of the write failing.
        alloc.Free(blocks[200]);
        alloc.Free(blocks[201]);
        Assert.Equal(2, alloc.HeldBlocks.Count);
        alloc.Alloc(3000);
        alloc.Alloc(3000);
        Assert.Empty(alloc.HeldBlocks);
        alloc.Audit();
        Assert.Throws<RegionFullException>(() => alloc.Alloc(3000));
        alloc.EndSharing();
        alloc.ReleaseHeld(long.MaxValue);
        alloc.Audit();
    }
}

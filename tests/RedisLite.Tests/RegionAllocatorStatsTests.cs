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

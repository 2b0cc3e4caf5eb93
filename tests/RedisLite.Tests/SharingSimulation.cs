using RedisLite.Store;

namespace RedisLite.Tests;

/// <summary>
/// A snapshot child's lifetime, simulated for the model tests: every <see cref="Every"/> steps the
/// allocator's sharing mode (cow-fresh-pages: new blocks on fresh pages, frees of older blocks
/// held) is switched on or off, and held blocks are sometimes released only after the next
/// sharing has begun, as when a BGSAVE follows another quickly. Nothing a client sees may change,
/// and <see cref="RegionAudit"/> must balance in either state.
/// </summary>
internal static class SharingSimulation
{
    public const int Every = 1500;

    /// <summary>Call once per step; returns true when it toggled.</summary>
    public static bool Step(Keyspace ks, int step)
    {
        if (step % Every != 0) return false;
        var alloc = ks.Alloc;
        if (alloc.Sharing) alloc.EndSharing();
        else alloc.BeginSharing();
        if ((step / Every) % 3 != 0) alloc.ReleaseHeld(long.MaxValue);
        return true;
    }
}

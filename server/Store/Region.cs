using System.Runtime.InteropServices;
using RedisLite.Persistence;

namespace RedisLite.Store;

/// <summary>
/// The data region: one anonymous private mapping that holds the whole keyspace
/// (ARCHITECTURE.md section 3). It is reserved once at a large virtual size with MAP_NORESERVE
/// and committed by the kernel page by page as it is touched. Private, not shared: after fork the
/// child keeps the pre-fork contents while the parent writes, which is the snapshot.
/// Everything inside is addressed by 64-bit offsets from <see cref="Base"/>; offset 0 is the
/// header, so 0 also serves as "none".
/// </summary>
public sealed unsafe class Region : IDisposable
{
    /// <summary>Start of the mapping. Valid until <see cref="Dispose"/>.</summary>
    public byte* Base { get; private set; }

    /// <summary>Virtual size of the mapping in bytes.</summary>
    public ulong ReservedBytes { get; }

    public Region(ulong reservedBytes)
    {
        reservedBytes = (reservedBytes + RegionLayout.PageSize - 1) & ~(ulong)(RegionLayout.PageSize - 1);
        ReservedBytes = reservedBytes;
        var p = Libc.mmap(IntPtr.Zero, (nuint)reservedBytes, Libc.PROT_READ | Libc.PROT_WRITE,
            Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS | Libc.MAP_NORESERVE, -1, 0);
        if (p == Libc.MAP_FAILED)
            throw new InvalidOperationException($"mmap of {reservedBytes} bytes failed: errno {Marshal.GetLastPInvokeError()}");
        Base = (byte*)p;
    }

    public ref RlRegionHeader Header => ref *(RlRegionHeader*)Base;

    public ref T At<T>(ulong offset) where T : unmanaged => ref *(T*)(Base + offset);

    public byte* Ptr(ulong offset) => Base + offset;

    public Span<byte> Bytes(ulong offset, int length) => new(Base + offset, length);

    /// <summary>Asks the kernel to back the region with transparent huge pages, or not.</summary>
    public void AdviseHugePages(bool on) =>
        Libc.madvise((IntPtr)Base, (nuint)ReservedBytes, on ? Libc.MADV_HUGEPAGE : Libc.MADV_NOHUGEPAGE);

    public void Dispose()
    {
        if (Base != null)
        {
            Libc.munmap((IntPtr)Base, (nuint)ReservedBytes);
            Base = null;
        }
    }
}

/// <summary>The few libc calls the region needs.</summary>
internal static partial class Libc
{
    public const int PROT_READ = 1, PROT_WRITE = 2;
    public const int MAP_PRIVATE = 0x02, MAP_ANONYMOUS = 0x20, MAP_NORESERVE = 0x4000;
    public const int MADV_DONTNEED = 4, MADV_HUGEPAGE = 14, MADV_NOHUGEPAGE = 15;
    public static readonly IntPtr MAP_FAILED = new(-1);

    [LibraryImport("libc", SetLastError = true)]
    public static partial IntPtr mmap(IntPtr addr, nuint length, int prot, int flags, int fd, long offset);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int munmap(IntPtr addr, nuint length);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int madvise(IntPtr addr, nuint length, int advice);
}

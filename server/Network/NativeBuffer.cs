using System.Buffers;
using RedisLite.Store;

namespace RedisLite.Network;

/// <summary>
/// A large buffer in its own anonymous mapping (MAP_NORESERVE), for query buffers too big for the
/// array pool: pages are committed only as bytes arrive, and <see cref="IDisposable.Dispose"/>
/// unmaps it, so its memory goes back to the kernel at once. A large managed array would wait for
/// a full garbage collection, and the GC may keep the freed space for reuse: after clients that
/// declared 600 MB bulks went away, hundreds of MB stayed resident.
/// </summary>
internal sealed unsafe class NativeBuffer : MemoryManager<byte>
{
    private byte* _base;
    private readonly int _length;

    private NativeBuffer(byte* p, int length)
    {
        _base = p;
        _length = length;
    }

    /// <summary>A zeroed buffer of <paramref name="length"/> bytes; throws <see cref="OutOfMemoryException"/> when mmap fails.</summary>
    public static NativeBuffer Allocate(int length)
    {
        var p = Libc.mmap(IntPtr.Zero, (nuint)length, Libc.PROT_READ | Libc.PROT_WRITE,
            Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS | Libc.MAP_NORESERVE, -1, 0);
        if (p == Libc.MAP_FAILED) throw new OutOfMemoryException($"mmap of a {length}-byte query buffer failed");
        return new NativeBuffer((byte*)p, length);
    }

    public override Span<byte> GetSpan() => new(_base, _length);

    // The memory never moves: pinning is free.
    public override MemoryHandle Pin(int elementIndex = 0) => new(_base + elementIndex);

    public override void Unpin() { }

    protected override void Dispose(bool disposing)
    {
        if (_base == null) return;
        Libc.munmap((IntPtr)_base, (nuint)_length);
        _base = null;
    }
}

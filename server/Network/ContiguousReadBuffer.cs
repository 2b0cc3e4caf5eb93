using System.Buffers;

namespace RedisLite.Network;

/// <summary>
/// A contiguous view of a connection's read buffer for the parser, which works on one span.
/// A single-segment buffer is used in place; a multi-segment one is copied into an owned array.
/// Between two reads the bytes from the consumed position on do not change, so while nothing has
/// been consumed (a frame still arriving) only the newly arrived bytes are copied: a frame that
/// arrives in N reads costs one copy of its size, not N. Arrays up to <see cref="PoolMax"/> come
/// from the shared pool; a larger one (a big value) is dropped once its frame is consumed, so an
/// idle connection does not keep it.
/// </summary>
public sealed class ContiguousReadBuffer : IDisposable
{
    private const int PoolMax = 1 << 20;
    private byte[]? _array;
    // Bytes at the start of the current read buffer that are already in _array.
    private int _valid;

    public ReadOnlyMemory<byte> View(in ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsSingleSegment)
        {
            _valid = 0;
            return buffer.First;
        }
        int length = checked((int)buffer.Length);
        if (_array == null || _array.Length < length) Grow(length);
        buffer.Slice(_valid).CopyTo(_array.AsSpan(_valid));
        _valid = length;
        return _array.AsMemory(0, length);
    }

    /// <summary>The caller consumed <paramref name="count"/> bytes from the start of the read buffer.</summary>
    public void Consumed(int count)
    {
        if (count == 0) return;
        _valid = 0;
        if (_array != null && _array.Length > PoolMax) _array = null;
    }

    private void Grow(int length)
    {
        // Doubling keeps the re-copying of a frame that grows read by read linear in its size.
        int size = Math.Max(length, (int)Math.Min(2L * (_array?.Length ?? 0), Array.MaxLength));
        var bigger = size <= PoolMax ? ArrayPool<byte>.Shared.Rent(size) : GC.AllocateUninitializedArray<byte>(size);
        if (_array != null)
        {
            _array.AsSpan(0, _valid).CopyTo(bigger);
            Release();
        }
        _array = bigger;
    }

    private void Release()
    {
        if (_array != null && _array.Length <= PoolMax) ArrayPool<byte>.Shared.Return(_array);
        _array = null;
    }

    public void Dispose() => Release();
}

using System.Buffers;

namespace RedisLite.Network;

/// <summary>
/// A client's own query buffer: input bytes taken out of the transport's read pipe that are not
/// executed yet, contiguous for the parser. Small pipelined commands never come here (they are
/// parsed where the transport put them); a frame that spans reads does, as its bytes arrive, so
/// the pipe's read-ahead stays small whatever the size of a request, and the live
/// client-query-buffer-limit is the only bound on a frame.
/// <para>
/// When the frame's size is known (a bulk's declared length) the buffer is sized for it at once,
/// so a big value is copied once; otherwise it doubles. Up to <see cref="PooledMax"/> bytes the
/// memory comes from the array pool; beyond, it is a <see cref="NativeBuffer"/>. Either goes back
/// as soon as the buffer is drained or the client goes, so big buffers return to the kernel and an
/// idle client holds none.
/// </para>
/// </summary>
public sealed class QueryBuffer : IDisposable
{
    public const int PooledMax = 64 * 1024;

    private byte[]? _pooled;
    private NativeBuffer? _native;
    private Memory<byte> _memory;
    // The unexecuted bytes are [_start, _end) of _memory.
    private int _start, _end;

    /// <summary>Unexecuted bytes held.</summary>
    public int Length => _end - _start;

    /// <summary>Bytes allocated (CLIENT LIST qbuf-free is what is not used of it).</summary>
    public int Capacity => _memory.Length;

    public bool IsEmpty => _end == _start;

    /// <summary>The unexecuted bytes; valid until the next <see cref="Append"/>, <see cref="Consumed"/> or <see cref="Dispose"/>.</summary>
    public ReadOnlyMemory<byte> Unexecuted => _memory.Slice(_start, _end - _start);

    /// <summary>
    /// Copies <paramref name="bytes"/> in after what is held. <paramref name="frameBytes"/> is how
    /// many bytes the frame at the start needs in all, when the parser knows (0 otherwise): room
    /// for all of it is made at once. The caller keeps the total within the query buffer limit.
    /// </summary>
    public void Append(in ReadOnlySequence<byte> bytes, long frameBytes)
    {
        int count = checked((int)bytes.Length);
        if (count > _memory.Length - _end) MakeRoom(count, frameBytes);
        bytes.CopyTo(_memory.Span.Slice(_end));
        _end += count;
    }

    /// <summary>The first <paramref name="count"/> unexecuted bytes were executed.</summary>
    public void Consumed(int count)
    {
        _start += count;
        if (_start < _end) return;
        _start = _end = 0;
        // Drained, it goes back (a big one to the kernel): an idle client holds no query buffer.
        Release();
    }

    private void MakeRoom(int extra, long frameBytes)
    {
        long needed = (long)Length + extra;
        if (needed <= _memory.Length)
        {
            // Enough room once the executed bytes before _start are dropped.
            _memory.Span[_start.._end].CopyTo(_memory.Span);
            _end -= _start;
            _start = 0;
            return;
        }
        long size = Math.Max(needed, Math.Max(frameBytes, 2L * _memory.Length));
        size = Math.Max(needed, Math.Min(size, Array.MaxLength));
        var (pooled, native, memory) = Allocate(checked((int)size));
        _memory.Span[_start.._end].CopyTo(memory.Span);
        _end -= _start;
        _start = 0;
        Release();
        (_pooled, _native, _memory) = (pooled, native, memory);
    }

    private static (byte[]?, NativeBuffer?, Memory<byte>) Allocate(int size)
    {
        if (size <= PooledMax)
        {
            var array = ArrayPool<byte>.Shared.Rent(size);
            return (array, null, array);
        }
        var native = NativeBuffer.Allocate(size);
        return (null, native, native.Memory);
    }

    private void Release()
    {
        if (_pooled != null) ArrayPool<byte>.Shared.Return(_pooled);
        ((IDisposable?)_native)?.Dispose();
        _pooled = null;
        _native = null;
        _memory = default;
    }

    public void Dispose()
    {
        _start = _end = 0;
        Release();
    }
}

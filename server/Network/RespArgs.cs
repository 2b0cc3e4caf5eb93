using System.Runtime.CompilerServices;
using System.Text;

namespace RedisLite.Network;

/// <summary>
/// The arguments of one parsed command: (start, length) ranges over the bytes they were parsed
/// from, which stay valid until the connection consumes its read buffer after the batch. Nothing is
/// copied or allocated per argument; the range arrays are reused by the connection.
/// </summary>
public sealed class RespArgs
{
    private int[] _start = new int[16];
    private int[] _len = new int[16];

    /// <summary>The bytes the ranges index into.</summary>
    public ReadOnlyMemory<byte> Source { get; private set; }

    public int Count { get; private set; }

    public ReadOnlySpan<byte> this[int i]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Source.Span.Slice(_start[i], _len[i]);
    }

    public void Reset(ReadOnlyMemory<byte> source)
    {
        Source = source;
        Count = 0;
    }

    /// <summary>Keeps the ranges but reads them from <paramref name="source"/> (the same bytes, moved: a frame resumed in a new read buffer).</summary>
    public void Rebase(ReadOnlyMemory<byte> source) => Source = source;

    /// <summary>Bytes of all arguments (CLIENT LIST argv-mem).</summary>
    public long TotalLength
    {
        get
        {
            long total = 0;
            for (int i = 0; i < Count; i++) total += _len[i];
            return total;
        }
    }

    public void Add(int start, int length)
    {
        if (Count == _start.Length)
        {
            Array.Resize(ref _start, Count * 2);
            Array.Resize(ref _len, Count * 2);
        }
        _start[Count] = start;
        _len[Count] = length;
        Count++;
    }

    /// <summary>Argument i as a string (for admin paths and errors, never the hot path).</summary>
    public string Str(int i) => Encoding.UTF8.GetString(this[i]);

    /// <summary>Argument i as a copied byte array.</summary>
    public byte[] Bytes(int i) => this[i].ToArray();

    /// <summary>True if argument i equals the ASCII word <paramref name="upper"/> ignoring case.</summary>
    public bool Is(int i, string upper)
    {
        var a = this[i];
        if (a.Length != upper.Length) return false;
        for (int k = 0; k < a.Length; k++)
            if ((a[k] & 0xDF) != upper[k] && a[k] != upper[k]) return false;
        return true;
    }

    /// <summary>A copy of all arguments (for MONITOR, propagation and queued MULTI commands).</summary>
    public byte[][] ToArrays()
    {
        var r = new byte[Count][];
        for (int i = 0; i < Count; i++) r[i] = this[i].ToArray();
        return r;
    }

    /// <summary>Fills the arguments from owned arrays (used to replay copied commands).</summary>
    public void Load(byte[][] argv)
    {
        int total = 0;
        foreach (var a in argv) total += a.Length;
        var buf = new byte[total];
        Count = 0;
        int pos = 0;
        foreach (var a in argv)
        {
            a.CopyTo(buf, pos);
            Add(pos, a.Length);
            pos += a.Length;
        }
        Source = buf;
    }
}

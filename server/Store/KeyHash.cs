using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace RedisLite.Store;

/// <summary>
/// Seeded 64-bit hash of key bytes (a multiply-xorshift mix over 8-byte words). The seed is
/// random per region, as Redis seeds SipHash per process, so clients cannot aim collisions.
/// </summary>
public static class KeyHash
{
    private const ulong M1 = 0x9E3779B97F4A7C15UL, M2 = 0xBF58476D1CE4E5B9UL, M3 = 0x94D049BB133111EBUL;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Hash(ReadOnlySpan<byte> key, ulong seed)
    {
        ulong h = seed ^ ((ulong)key.Length * M1);
        int i = 0;
        for (; i + 8 <= key.Length; i += 8)
            h = Mix(h ^ BinaryPrimitives.ReadUInt64LittleEndian(key.Slice(i)));
        ulong tail = 0;
        for (int s = 0; i < key.Length; i++, s += 8) tail |= (ulong)key[i] << s;
        return Mix(h ^ tail ^ M3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong x)
    {
        x = (x ^ (x >> 30)) * M2;
        x = (x ^ (x >> 27)) * M3;
        return BitOperations.RotateLeft(x ^ (x >> 31), 17) * M1;
    }
}

using RedisLite.Persistence.Rdb;
using Xunit;

namespace RedisLite.Tests;

/// <summary>
/// The native CRC-64/Jones (carry-less folding where the CPU has it, tables for short inputs and
/// tails) against a bit-at-a-time reference written from the polynomial alone.
/// </summary>
public class Crc64Tests
{
    private static ulong BitwiseReference(ulong crc, ReadOnlySpan<byte> data)
    {
        const ulong reflectedPoly = 0x95ac9329ac4bc9b5UL;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ reflectedPoly : crc >> 1;
        }
        return crc;
    }

    [Fact]
    public void CheckValueIsRedisCrc64()
    {
        Assert.Equal(0xe9c6d914c4b8d9caUL, Crc64.Update(0, "123456789"u8));
    }

    [Fact]
    public void MatchesTheReferenceForEveryLengthAlignmentAndRunningValue()
    {
        var rng = new Random(1234);
        var data = new byte[70_000];
        rng.NextBytes(data);
        // Every length up to 300 (the folding starts at 64 bytes, tails of 0-15 bytes), then random
        // lengths; odd offsets for unaligned loads; a non-zero running CRC on every other input.
        for (int i = 0; i < 1500; i++)
        {
            int len = i <= 300 ? i : rng.Next(0, 65_000);
            int off = rng.Next(0, 64);
            ulong init = i % 2 == 0 ? 0 : (ulong)rng.NextInt64();
            var slice = data.AsSpan(off, len);
            Assert.True(BitwiseReference(init, slice) == Crc64.Update(init, slice), $"length {len} offset {off} init {init:x}");
        }
    }

    [Fact]
    public void PiecewiseEqualsWhole()
    {
        var data = new byte[1 << 20];
        new Random(7).NextBytes(data);
        ulong whole = Crc64.Update(0, data);
        ulong pieces = 0;
        for (int at = 0, step = 1; at < data.Length; at += step, step = step * 3 % 9973 + 1)
            pieces = Crc64.Update(pieces, data.AsSpan(at, Math.Min(step, data.Length - at)));
        Assert.Equal(whole, pieces);
        Assert.Equal(BitwiseReference(0, data), whole);
    }
}

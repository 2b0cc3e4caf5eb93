using System.Runtime.InteropServices;

namespace RedisLite.Persistence.Rdb;

/// <summary>CRC-64/Jones (Redis's RDB checksum), computed by the native library (crc64.c).</summary>
public static unsafe partial class Crc64
{
    [LibraryImport(NativeLayout.Library, EntryPoint = "rl_crc64_init")]
    private static partial void Init();

    [LibraryImport(NativeLayout.Library, EntryPoint = "rl_crc64")]
    private static partial ulong Native(ulong crc, byte* data, nuint len);

    static Crc64() => Init();

    public static ulong Update(ulong crc, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data) return Native(crc, p, (nuint)data.Length);
    }
}

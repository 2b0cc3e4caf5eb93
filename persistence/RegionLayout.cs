using System.Runtime.InteropServices;

namespace RedisLite.Persistence;

// The C# mirror of native/region.h. Read that header for what each field means; the layout
// test checks every size, offset and constant here against the C compiler's answer.
#pragma warning disable CS0649 // fields are written through pointers into the region

/// <summary>Constants of native/region.h.</summary>
public static class RegionLayout
{
    public const ulong Magic = 0x3130474552534c52UL;
    public const uint Version = 2;
    public const int PageSize = 4096;
    public const int NumClasses = 28;
    public const int MaxClassSize = 4096;
    public const int SlabSize = 64 * 1024;
    public const int RunLists = 64;

    public const uint PageUnused = 0x00000000u;
    public const uint PageMeta = 0x10000000u;
    public const uint PageSlab = 0x20000000u;
    public const uint PageRun = 0x30000000u;
    public const uint PageRunTail = 0x40000000u;
    public const uint PageFreeRun = 0x50000000u;
    public const uint PageFreeEnd = 0x60000000u;
    public const uint PageKindMask = 0xF0000000u;
    public const uint PageDataMask = 0x0FFFFFFFu;

    public const uint SlabClassMask = 0x1Fu;
    public const int SlabIndexShift = 5;
    public const uint SlabIndexMask = 0xFu;
    public const int SlabFieldShift = 9;
    public const uint SlabFieldMask = 0x7FFFFu;
    public const int SlabFUsed = 0, SlabFFree = 1, SlabFCarved = 2, SlabFNextLo = 3, SlabFNextHi = 4, SlabFPrevLo = 5, SlabFPrevHi = 6;

    public const byte TypeString = 0, TypeList = 1, TypeSet = 2, TypeZSet = 3, TypeHash = 4;

    public const byte EncRaw = 0, EncInt = 1, EncHt = 2, EncIntset = 6, EncSkiplist = 7,
        EncEmbstr = 8, EncQuicklist = 9, EncListpack = 11;

    public const ushort FlagUnsharedInt = 0x0001;

    /// <summary>Levels of a sorted set's skiplist header node (RL_ZSL_MAXLEVEL).</summary>
    public const int ZslMaxlevel = 32;
}

[StructLayout(LayoutKind.Sequential)]
public struct RlDictTable
{
    public ulong Buckets;
    public ulong Size;
    public ulong Used;
}

[StructLayout(LayoutKind.Sequential)]
public struct RlDict
{
    public RlDictTable T0;
    public RlDictTable T1;
    public long RehashIdx;
    public ushort LinkOffset;
    public ushort HashOffset;
    public ushort LenOffset;
    public ushort KeyOffset;
}

[StructLayout(LayoutKind.Sequential)]
public struct RlHent
{
    public ulong Next;
    public ulong Hash;
    public uint KeyLen;
    public uint ValLen;
}

[StructLayout(LayoutKind.Sequential)]
public struct RlDb
{
    public RlDict Keys;
    public RlDict Expires;
    public ulong ExpiresCursor;
    public ulong AvgTtlMs;
}

[StructLayout(LayoutKind.Sequential)]
public struct RlKey
{
    public ulong Next;
    public ulong ENext;
    public long ExpireMs;
    public ulong Value;
    public ulong Hash;
    public uint KeyLen;
    public uint Lru;
    public byte Type;
    public byte Encoding;
    public ushort Flags;
    public uint Pad;
}

[StructLayout(LayoutKind.Sequential)]
public struct RlStr
{
    public ulong Len;
}

[StructLayout(LayoutKind.Sequential)]
public struct RlQuicklist
{
    public ulong Head;
    public ulong Tail;
    public ulong Count;
    public ulong Len;
}

[StructLayout(LayoutKind.Sequential)]
public struct RlQlNode
{
    public ulong Prev;
    public ulong Next;
    public ulong Lp;
    public uint Count;
    public uint Pad;
}

[StructLayout(LayoutKind.Sequential)]
public struct RlFreeRun
{
    public ulong Next;
    public ulong Prev;
    public ulong Pages;
    public ulong Released;
}

[StructLayout(LayoutKind.Sequential)]
public unsafe struct RlRegionHeader
{
    public ulong Magic;
    public uint Version;
    public uint PageSize;
    public ulong ReservedBytes;
    public ulong Top;
    public ulong UsedBytes;
    public ulong PageMap;
    public ulong HashSeed;
    public ulong Dbs;
    public uint DbCount;
    public uint Pad;
    public fixed ulong ClassSize[RegionLayout.NumClasses];
    public fixed ulong ClassSlabs[RegionLayout.NumClasses];
    public fixed ulong RunFree[RegionLayout.RunLists];
    public ulong FreeRunPages;
}

// ---- sorted sets

[StructLayout(LayoutKind.Sequential)]
public struct RlZset
{
    public RlDict Dict;
    public ulong Header;
    public ulong Tail;
    public ulong Length;
    public uint Level;
    public uint Pad;
}

[StructLayout(LayoutKind.Sequential)]
public struct RlZslLevel
{
    public ulong Forward;
    public ulong Span;
}

[StructLayout(LayoutKind.Sequential)]
public struct RlZslNode
{
    public double Score;
    public ulong Backward;
    public uint MemberLen;
    public uint LevelCount;
}

[StructLayout(LayoutKind.Sequential)]
public struct RlZsetHval
{
    public double Score;
    public ulong Node;
}

// ---- sets

/// <summary>rl_intset: Redis's intset header (elements follow).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct RlIntset
{
    public uint Encoding;
    public uint Length;
}

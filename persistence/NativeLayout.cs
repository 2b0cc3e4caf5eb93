using System.Runtime.InteropServices;

namespace RedisLite.Persistence;

/// <summary>
/// P/Invoke view of native/layout.c: the real sizes, offsets and constants of native/region.h,
/// used by the layout test to check <see cref="RegionLayout"/> against the C compiler.
/// </summary>
public static unsafe partial class NativeLayout
{
    public const string Library = "redislite";

    [LibraryImport(Library, EntryPoint = "rl_layout_count")]
    public static partial int Count();

    [LibraryImport(Library, EntryPoint = "rl_layout_name")]
    private static partial nint NamePtr(int i);

    [LibraryImport(Library, EntryPoint = "rl_layout_query", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Query(string name, out long value);

    public static string Name(int i) => Marshal.PtrToStringUTF8(NamePtr(i)) ?? throw new ArgumentOutOfRangeException(nameof(i));

    /// <summary>The value of one layout fact ("sizeof(rl_key)", "offsetof(rl_key,hash)", "RL_PAGE_SIZE").</summary>
    public static long? Get(string name) => Query(name, out long v) == 0 ? v : null;
}

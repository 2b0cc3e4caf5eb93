using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;

namespace RedisLite.Server;

/// <summary>
/// What the kernel says about this process, for INFO: resident set size (statm), the resident
/// bytes of an address range (mincore), CPU time (getrusage), total RAM (meminfo) and uname-like facts.
/// Linux only, like the rest of RedisLite; a missing /proc file reads as 0.
/// </summary>
public static partial class ProcessStats
{
    public static readonly long PageSize = Environment.SystemPageSize;

    /// <summary>used_memory_rss: resident pages of the whole process (/proc/self/statm, field 2).</summary>
    public static long Rss()
    {
        string? statm = ReadProc("/proc/self/statm");
        if (statm == null) return 0;
        var fields = statm.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length > 1 && long.TryParse(fields[1], out long pages) ? pages * PageSize : 0;
    }

    /// <summary>
    /// Resident bytes of [start, start+length): mincore(2) over the range, in chunks. This is the
    /// region's own RSS. /proc/self/smaps is not used for it because the kernel merges the
    /// region's mapping with an adjacent anonymous mapping of the runtime (seen here: the region's
    /// area ran 4.3 MB past its end), so that area's Rss is not the region's; and reading smaps of
    /// a .NET process (700+ mappings) took ~15 ms, too long to hold the store lock for INFO.
    /// </summary>
    public static unsafe long ResidentBytes(byte* start, ulong length)
    {
        const int ChunkPages = 1 << 20;
        ulong pages = (length + (ulong)PageSize - 1) / (ulong)PageSize;
        var vec = ArrayPool<byte>.Shared.Rent((int)Math.Min(pages, ChunkPages));
        try
        {
            long resident = 0;
            for (ulong done = 0; done < pages;)
            {
                int n = (int)Math.Min(pages - done, ChunkPages);
                fixed (byte* v = vec)
                    if (mincore(start + done * (ulong)PageSize, (nuint)((ulong)n * (ulong)PageSize), v) != 0) return 0;
                // Only bit 0 (resident) is defined; the kernel leaves the others zero. Count is vectorized.
                resident += n - vec.AsSpan(0, n).Count((byte)0);
                done += (ulong)n;
            }
            return resident * PageSize;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(vec);
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int mincore(byte* addr, nuint length, byte* vec);

    /// <summary>total_system_memory: MemTotal of /proc/meminfo.</summary>
    public static long TotalSystemMemory()
    {
        string? meminfo = ReadProc("/proc/meminfo");
        if (meminfo == null) return 0;
        foreach (var line in meminfo.AsSpan().EnumerateLines())
        {
            if (!line.StartsWith("MemTotal:")) continue;
            var kb = line["MemTotal:".Length..].Trim();
            kb = kb[..kb.IndexOf(' ')];
            return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
        }
        return 0;
    }

    /// <summary>INFO's os field: "Linux 6.1.0-18-amd64 x86_64", as uname's sysname, release and machine.</summary>
    public static string OsDescription()
    {
        string sys = ReadProc("/proc/sys/kernel/ostype")?.Trim() ?? "Linux";
        string release = ReadProc("/proc/sys/kernel/osrelease")?.Trim() ?? "";
        string machine = RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => "x86_64",
            Architecture.Arm64 => "aarch64",
            Architecture.X86 => "i686",
            Architecture.Arm => "armv7l",
            var a => a.ToString().ToLowerInvariant(),
        };
        return $"{sys} {release} {machine}";
    }

    private static string? ReadProc(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>User and system CPU time, "seconds.micros" as Redis prints them.</summary>
    public readonly record struct CpuTime(string User, string Sys);

    public const int RusageSelf = 0, RusageChildren = -1, RusageThread = 1;

    /// <summary>getrusage(who): RUSAGE_SELF, RUSAGE_CHILDREN or RUSAGE_THREAD (the calling thread).</summary>
    public static CpuTime Cpu(int who)
    {
        Span<long> ru = stackalloc long[18]; // struct rusage on 64-bit Linux: two timevals, then 14 longs
        unsafe
        {
            fixed (long* p = ru)
                if (getrusage(who, p) != 0) return new CpuTime("0.000000", "0.000000");
        }
        return new CpuTime(Format(ru[0], ru[1]), Format(ru[2], ru[3]));
    }

    private static string Format(long sec, long usec) =>
        sec.ToString(CultureInfo.InvariantCulture) + "." + usec.ToString("000000", CultureInfo.InvariantCulture);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int getrusage(int who, long* usage);
}

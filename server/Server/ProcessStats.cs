using System.Globalization;
using System.Runtime.InteropServices;

namespace RedisLite.Server;

/// <summary>
/// What the kernel says about this process, for INFO: resident set size (statm), the resident
/// bytes of one mapping (smaps), CPU time (getrusage), total RAM (meminfo) and uname-like facts.
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
    /// Resident bytes of the mapping that contains <paramref name="address"/>: the "Rss:" line of
    /// its block in /proc/self/smaps. The kernel may merge the region with an adjacent anonymous
    /// mapping of identical flags; then this is the merged area's figure.
    /// </summary>
    public static long MappingRss(nint address)
    {
        string? smaps = ReadProc("/proc/self/smaps");
        if (smaps == null) return 0;
        ulong addr = (ulong)address;
        bool inBlock = false;
        foreach (var line in smaps.AsSpan().EnumerateLines())
        {
            if (IsMappingHeader(line, out ulong start, out ulong end))
            {
                if (inBlock) return 0; // block ended without an Rss line
                inBlock = addr >= start && addr < end;
            }
            else if (inBlock && line.StartsWith("Rss:"))
            {
                var kb = line["Rss:".Length..].Trim();
                kb = kb[..kb.IndexOf(' ')];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }
        return 0;
    }

    // "7f0c2c000000-7f0c2c021000 rw-p 00000000 00:00 0": field lines ("Rss:   4 kB") never have a '-' before the first space.
    private static bool IsMappingHeader(ReadOnlySpan<char> line, out ulong start, out ulong end)
    {
        start = end = 0;
        int dash = line.IndexOf('-');
        int space = line.IndexOf(' ');
        if (dash <= 0 || space < dash) return false;
        return ulong.TryParse(line[..dash], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out start) &&
               ulong.TryParse(line[(dash + 1)..space], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out end);
    }

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

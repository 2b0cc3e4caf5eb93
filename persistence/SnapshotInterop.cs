using System.Runtime.InteropServices;
using System.Text;

namespace RedisLite.Persistence;

#pragma warning disable CS0649

/// <summary>Mirror of native/snapshot.h's rl_save_job (checked by the layout test).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct RlSaveJob
{
    public nint Region;
    public nint Dir;
    public nint Filename;
    public long Ctime;
    public long UsedMem;
    public long KeySaveDelayUs;
    public int Compression;
    public int Checksum;
    public int DirectIo;
    public int AofBase;
    public int ReportFd;
    public int Pad;
    public nint PagemapPath;
    public ulong CowPages;
    public int CowCounting;
    public int ChildDismiss;
}

/// <summary>Mirror of native/snapshot.h's rl_child_report: one record from the snapshot child.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct RlChildReport
{
    public uint Magic;
    public uint Kind;
    public int Status;
    public int Pad;
    public long Keys;
    public long Bytes;
    public long CowBytes;
    public long ElapsedUs;
    public long RegionCowBytes;
    public long DismissedBytes;
    public long SmapsCostUs;
    public long Pad2;
    public fixed byte Message[192];

    public const uint ReportMagic = 0x52434c52u;
    public const uint Progress = 1, Done = 2;

    public string MessageText
    {
        get
        {
            fixed (byte* p = Message)
            {
                var span = new ReadOnlySpan<byte>(p, 192);
                int n = span.IndexOf((byte)0);
                return Encoding.UTF8.GetString(n < 0 ? span : span[..n]);
            }
        }
    }
}

/// <summary>Mirror of native/cow.h's rl_cow_sample: one point of the parent's COW timeline.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct RlCowSample
{
    public long TUs;
    public long PagesCopied;
    public long Minflt;
    public long CostUs;
    public long CpuUs;
}

/// <summary>Mirror of native/cow.h's rl_cow_stats: the parent's copy-on-write counters.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct RlCowStats
{
    public int State;
    public int Method;
    public int Error;
    public int FinalExact;
    public long RegionPages;
    public long PresentPages;
    public long PagesCopied;
    public long Minflt;
    public long Samples;
    public long SampleCostTotalUs;
    public long SampleCostMaxUs;
    public long SampleCpuTotalUs;
    public long BaselineUs;
    public long BaselineCostUs;
    public long ElapsedUs;

    public const int Off = 0, Waiting = 1, Counting = 2, Done = 3, Unavailable = 4;
    public const int MethodNone = 0, MethodPfn = 1, MethodExclusive = 2;
}

/// <summary>
/// The native snapshot entry points (native/snapshot.c). <see cref="BgsaveStart"/> must be called
/// with the store lock held: the fork freezes the region at that instant.
/// </summary>
public static unsafe partial class SnapshotInterop
{
    [LibraryImport(NativeLayout.Library, EntryPoint = "rl_bgsave_start")]
    public static partial int BgsaveStart(in RlSaveJob job, out int reportFd, out long forkUsec);

    [LibraryImport(NativeLayout.Library, EntryPoint = "rl_save_foreground")]
    public static partial int SaveForeground(in RlSaveJob job, out RlChildReport report);

    [LibraryImport(NativeLayout.Library, EntryPoint = "rl_child_poll")]
    public static partial int ChildPoll(int pid, out int status);

    [LibraryImport(NativeLayout.Library, EntryPoint = "rl_child_kill")]
    public static partial int ChildKill(int pid, int signal);

    [LibraryImport(NativeLayout.Library, EntryPoint = "rl_cow_get_stats")]
    public static partial void CowGetStats(out RlCowStats stats);

    [LibraryImport(NativeLayout.Library, EntryPoint = "rl_cow_get_timeline")]
    private static partial int CowGetTimeline(RlCowSample* samples, int max);

    /// <summary>Waits for the parent's COW sampler to stop (after the child ended) and frees its buffers.</summary>
    [LibraryImport(NativeLayout.Library, EntryPoint = "rl_cow_finish")]
    public static partial void CowFinish();

    /// <summary>The parent's COW timeline of the running or last snapshot.</summary>
    public static RlCowSample[] CowTimeline()
    {
        int n = CowGetTimeline(null, 0);
        var all = new RlCowSample[n];
        fixed (RlCowSample* p = all) n = Math.Min(n, CowGetTimeline(p, n));
        return n == all.Length ? all : all[..n];
    }

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(int fd, void* buf, nint count);

    [LibraryImport("libc", EntryPoint = "close")]
    public static partial int Close(int fd);

    public const int EAGAIN = 11, EINTR = 4;

    /// <summary>Reads one report record if a whole one is available. False when none (yet); eof set when the child closed its end.</summary>
    public static bool TryReadReport(int fd, out RlChildReport report, out bool eof)
    {
        eof = false;
        report = default;
        fixed (RlChildReport* p = &report)
        {
            nint n = Read(fd, p, sizeof(RlChildReport));
            if (n == sizeof(RlChildReport)) return report.Magic == RlChildReport.ReportMagic;
            if (n == 0) eof = true;
            else if (n < 0 && Marshal.GetLastPInvokeError() is not (EAGAIN or EINTR)) eof = true;
            return false;
        }
    }
}

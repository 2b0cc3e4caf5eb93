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

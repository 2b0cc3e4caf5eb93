using System.Runtime.InteropServices;

namespace RedisLite.Server;

/// <summary>
/// Fits maxclients to the open-files limit, as Redis's adjustOpenFilesLimit does: every client is
/// a descriptor, so the server asks for maxclients plus a reserve, raises RLIMIT_NOFILE if it can,
/// and otherwise lowers maxclients to what fits, with Redis's log lines. Without this a busy
/// server runs out of descriptors and accept fails (EMFILE) instead of refusing clients politely.
/// <para>
/// The reserve is Redis's CONFIG_MIN_RESERVED_FDS (32: listeners, files, the snapshot child's
/// pipe) plus the descriptors the process holds besides clients, which Redis has no equivalent
/// of: the .NET runtime keeps every loaded assembly open (two descriptors each), 132 once the host
/// runs, and the listener holds 16 spares (<see cref="Network.SpareDescriptors"/>). They are
/// counted once the host is started (<see cref="MeasureReserve"/>): under ulimit -n 256, 180 are
/// reserved and maxclients becomes 76 (Redis: 224).
/// </para>
/// </summary>
public static partial class OpenFilesLimit
{
    /// <summary>Redis's CONFIG_MIN_RESERVED_FDS.</summary>
    public const int MinReservedFds = 32;

    /// <summary>
    /// Descriptors the host adds while it starts (Kestrel and its assemblies), measured: 51 open
    /// before it is built, 132 once it runs. Used only to refuse, before building it, a limit too
    /// small to start at all, which would otherwise end in an assembly failing to load.
    /// </summary>
    public const int HostStartupDescriptors = 80;

    /// <summary>Descriptors kept out of maxclients' share of the limit.</summary>
    public static int Reserved { get; private set; } = MinReservedFds;

    /// <summary>Counts the descriptors open now (the runtime's own) into <see cref="Reserved"/>, plus <paramref name="toCome"/> not yet opened.</summary>
    public static void MeasureReserve(int toCome = 0) => Reserved = MinReservedFds + OpenDescriptors() + toCome;

    public static int OpenDescriptors()
    {
        try
        {
            return Directory.GetFiles("/proc/self/fd").Length;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>
    /// Redis's adjustOpenFilesLimit for <paramref name="maxclients"/>: returns the maxclients
    /// that fits (the one asked for when the limit allows or could be raised), or 0 when the limit
    /// cannot even hold the reserve and the server must not start (logged as Redis does).
    /// </summary>
    public static long Adjust(long maxclients)
    {
        ulong maxfiles = (ulong)maxclients + (ulong)Reserved;
        if (getrlimit(RlimitNofile, out var limit) != 0)
        {
            Log.Warning($"Unable to obtain the current NOFILE limit ({Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}), assuming 1024 and setting the max clients configuration accordingly.");
            return Math.Max(1, 1024 - Reserved);
        }
        ulong oldLimit = limit.Current;
        if (oldLimit >= maxfiles) return maxclients;

        // Try maxfiles, then a little less each time, down to the current limit.
        ulong best = maxfiles;
        int setError = 0;
        const ulong step = 16;
        while (best > oldLimit)
        {
            var wanted = new RLimit { Current = best, Max = best };
            if (setrlimit(RlimitNofile, in wanted) == 0) break;
            setError = Marshal.GetLastPInvokeError();
            if (best < step)
            {
                best = oldLimit;
                break;
            }
            best -= step;
        }
        if (best < oldLimit) best = oldLimit;

        if (best >= maxfiles)
        {
            Log.Notice($"Increased maximum number of open files to {maxfiles} (it was originally set to {oldLimit}).");
            return maxclients;
        }
        if (best <= (ulong)Reserved)
        {
            Log.Warning($"Your current 'ulimit -n' of {oldLimit} is not enough for the server to start. Please increase your open file limit to at least {maxfiles}. Exiting.");
            return 0;
        }
        long fits = (long)best - Reserved;
        Log.Notice($"The process holds {Reserved - MinReservedFds} file descriptors besides its clients (the .NET runtime's and spares): {Reserved} are kept out of maxclients' share of the open files limit.");
        Log.Warning($"You requested maxclients of {maxclients} requiring at least {maxfiles} max file descriptors.");
        Log.Warning($"Server can't set maximum open files to {maxfiles} because of OS error: {Marshal.GetPInvokeErrorMessage(setError)}.");
        Log.Warning($"Current maximum open files is {best}. maxclients has been reduced to {fits} to compensate for low ulimit. If you need higher maxclients increase 'ulimit -n'.");
        return fits;
    }

    /// <summary>
    /// Whether the current limit can hold the reserve plus the descriptors the host will open,
    /// checked before building the host (a smaller limit would fail inside it). False is logged.
    /// </summary>
    public static bool CanStart(long maxclients)
    {
        if (getrlimit(RlimitNofile, out var limit) != 0) return true;
        ulong needed = (ulong)Reserved;
        if (limit.Current > needed) return true;
        Log.Warning($"Your current 'ulimit -n' of {limit.Current} is not enough for the server to start. Please increase your open file limit to at least {(ulong)maxclients + needed}. Exiting.");
        return false;
    }

    private const int RlimitNofile = 7;

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Max;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getrlimit(int resource, out RLimit limit);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setrlimit(int resource, in RLimit limit);
}

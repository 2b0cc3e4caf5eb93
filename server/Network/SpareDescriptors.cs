using System.Runtime.InteropServices;

namespace RedisLite.Network;

/// <summary>
/// A few descriptors held open (on /dev/null) for the moment the process runs out: when accept
/// fails with EMFILE they are closed, so the runtime keeps room to work. The .NET runtime needs
/// descriptors to start a thread (a pipe, /proc/stat), and a thread it cannot start (the thread
/// pool adding a worker) ends the process with "Out of memory."; that, not the accept loop alone,
/// is how running out of descriptors killed the server. Holding and restoring them is done with
/// plain syscalls, so neither allocates.
/// </summary>
internal static unsafe partial class SpareDescriptors
{
    /// <summary>How many are held; thread starts need about four at a time.</summary>
    public const int Count = 16;

    private static readonly int[] Held = new int[Count];
    private static int _held;
    private static readonly Lock Gate = new();

    /// <summary>Opens the spares (at startup, while descriptors are plentiful).</summary>
    public static void Hold()
    {
        lock (Gate)
            while (_held < Count && OpenDevNull() is int fd and >= 0) Held[_held++] = fd;
    }

    /// <summary>Closes the spares: the process is out of descriptors and the runtime needs some.</summary>
    public static void Release()
    {
        lock (Gate)
            while (_held > 0) close(Held[--_held]);
    }

    public static bool Released { get { lock (Gate) return _held < Count; } }

    /// <summary>
    /// Takes the spares back if twice their number are free again (so taking them leaves room),
    /// and says whether it did; otherwise leaves everything free.
    /// </summary>
    public static bool TryRestore()
    {
        Span<int> probe = stackalloc int[2 * Count];
        int opened = 0;
        while (opened < probe.Length && OpenDevNull() is int fd and >= 0) probe[opened++] = fd;
        bool enough = opened == probe.Length;
        lock (Gate)
        {
            for (int i = 0; i < opened; i++)
            {
                if (enough && _held < Count) Held[_held++] = probe[i];
                else close(probe[i]);
            }
        }
        return enough;
    }

    private static int OpenDevNull()
    {
        fixed (byte* path = "/dev/null\0"u8) return open(path, O_RDONLY | O_CLOEXEC);
    }

    private const int O_RDONLY = 0, O_CLOEXEC = 0x80000;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int open(byte* path, int flags);

    [LibraryImport("libc")]
    private static partial int close(int fd);
}

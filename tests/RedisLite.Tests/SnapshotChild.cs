using System.Runtime.InteropServices;

namespace RedisLite.Tests;

/// <summary>
/// The server's snapshot child, seen from outside through /proc. A test that must act while a
/// BGSAVE is still running holds the child (SIGSTOP) instead of counting on rdb-key-save-delay to
/// outlast its commands: however slow the machine, the save cannot end behind the test's back.
/// Disposing the hold resumes the child (SIGCONT), which then finishes as if nothing happened.
/// </summary>
public sealed class SnapshotChild : IDisposable
{
    private const int SigCont = 18, SigStop = 19;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    public int Pid { get; }

    private SnapshotChild(int pid) => Pid = pid;

    /// <summary>The snapshot child's pid: the server's child process that appears after BGSAVE.</summary>
    public static int WaitFor(int serverPid) => Eventually.Value(() =>
    {
        foreach (var task in Directory.GetDirectories($"/proc/{serverPid}/task"))
        {
            string children = File.ReadAllText(Path.Combine(task, "children")).Trim();
            if (children.Length > 0) return int.Parse(children.Split(' ')[0]);
        }
        return 0;
    }, pid => pid != 0, "a snapshot child of the server");

    /// <summary>
    /// Stops the snapshot child of <paramref name="server"/> until the hold is disposed. Fails if
    /// the child had already finished (then the delay given to the save was too short to catch it).
    /// </summary>
    public static SnapshotChild Hold(TestServer server)
    {
        int pid = WaitFor(server.Process.Id);
        if (kill(pid, SigStop) != 0)
            throw new InvalidOperationException($"cannot stop the snapshot child {pid}: errno {Marshal.GetLastPInvokeError()}");
        var hold = new SnapshotChild(pid);
        // The state shows 'T' once the stop has taken effect; 'Z' means the child exited first.
        char state = Eventually.Value(() => State(pid), s => s is 'T' or 'Z', $"snapshot child {pid} stopped");
        if (state != 'T')
        {
            hold.Dispose();
            throw new InvalidOperationException($"the snapshot child {pid} finished before it could be held");
        }
        return hold;
    }

    /// <summary>The process state letter from /proc/PID/stat (R, S, T, Z...).</summary>
    private static char State(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2];
        }
        catch (IOException)
        {
            return 'Z'; // reaped already
        }
    }

    public void Dispose() => kill(Pid, SigCont);
}

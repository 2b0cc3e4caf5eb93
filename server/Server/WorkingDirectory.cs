using System.Runtime.InteropServices;

namespace RedisLite.Server;

/// <summary>
/// <c>dir</c> is the process's working directory, as in Redis: startup and CONFIG SET dir change
/// into it (chdir), so a directory that does not exist or cannot be entered is refused with the
/// OS's own reason ("No such file or directory") instead of being accepted and failing at the
/// next save. The value is then stored as the absolute path, as CONFIG GET dir shows it in Redis
/// (getcwd), so the dump path does not depend on where the process was started.
/// </summary>
public static partial class WorkingDirectory
{
    /// <summary>Changes into <paramref name="dir"/>; returns the absolute directory, or null with the OS error text.</summary>
    public static string? TryChange(string dir, out string? error)
    {
        if (chdir(dir) != 0)
        {
            error = Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
            return null;
        }
        error = null;
        return Directory.GetCurrentDirectory();
    }

    /// <summary>Makes CONFIG SET dir change directory (Redis's setConfigDirOption) and store the absolute path.</summary>
    public static void Wire(Config.ServerConfig config) =>
        config.Dir.Apply = _ =>
        {
            var absolute = TryChange(config.Dir.Value, out var error);
            if (absolute == null) return error;
            config.Dir.Value = absolute;
            return null;
        };

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chdir(string path);
}

using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RedisLite.Config;
using RedisLite.Network;
using RedisLite.Server;

namespace RedisLite;

/// <summary>
/// Entry point, started like redis-server: <c>redislite-server [redis.conf] [--name value ...]</c>.
/// </summary>
public static class Program
{
    public static int Main(string[] argv)
    {
        // Socket completions run inline on the epoll thread (no thread-pool hop). The runtimeconfig
        // carries the same switch; setting it here too covers hosts that ignore runtimeconfig.
        Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
        if (argv.Length == 1 && argv[0] is "-v" or "--version")
        {
            Console.WriteLine($"RedisLite server v={ServerInfo.RedisVersion} sha=00000000:0 malloc=region bits=64");
            return 0;
        }
        var config = new ServerConfig();
        string? configFile;
        try
        {
            ConfigFile.Apply(config, ConfigFile.FromCommandLine(argv, out configFile));
        }
        catch (ConfigFileException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
        catch (ConfigFileOpenException e)
        {
            Log.Warning(e.Message);
            return 1;
        }
        return Run(config, configFile);
    }

    public static int Run(ServerConfig config, string? configFile)
    {
        var dir = WorkingDirectory.TryChange(config.Dir.Value, out var chdirError);
        if (dir == null)
        {
            Log.Warning($"Can't chdir to '{config.Dir.Value}': {chdirError}");
            return 1;
        }
        config.Dir.Value = dir;
        WorkingDirectory.Wire(config);
        // Refuse a limit too small to even build the host before building it (it would fail
        // loading an assembly); the real reserve is measured once the host runs.
        OpenFilesLimit.MeasureReserve(toCome: OpenFilesLimit.HostStartupDescriptors);
        if (!OpenFilesLimit.CanStart(config.MaxClients.Value)) return 1;
        using var server = new RedisServer(config, configFile);
        Log.Notice($"RedisLite version={ServerInfo.RedisVersion}, bits=64, pid={Environment.ProcessId}, just started");
        Log.Notice(configFile == null ? "Configuration loaded (embedded defaults and command line)" : $"Configuration loaded from {configFile}");

        // Signals are ours before the first client can connect: a SIGTERM must never find the
        // runtime's default handler (which exits without the final save).
        var signals = new SignalShutdown(server);
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM, ctx =>
            {
                ctx.Cancel = true;
                signals.Received("SIGTERM");
            });
        using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGINT, ctx =>
            {
                ctx.Cancel = true;
                signals.Received("SIGINT");
            });

        // As in Redis, the listener is open while the dump loads, but every command without the
        // loading flag gets -LOADING until the whole dataset is in: nobody ever reads or writes a
        // partly loaded dataset, and if the load fails the process exits still in that state, so
        // no command (FLUSHALL, SAVE, SHUTDOWN's save) can replace the file that failed to load.
        server.Loading = true;
        var app = BuildHost(server, config);
        try
        {
            app.StartAsync().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            Log.Warning($"Could not create server TCP listening socket {string.Join(' ', config.Bind.Values)}:{config.Port.Value}: {e.InnerException?.Message ?? e.Message}");
            return 1;
        }
        server.ActualPort = (int)config.Port.Value;
        if (!FitMaxClientsToOpenFilesLimit(config))
        {
            app.StopAsync().Wait(TimeSpan.FromSeconds(2));
            return 1;
        }
        try
        {
            Persistence.DatasetLoader.LoadDump(server);
        }
        catch (Exception e) when (e is Persistence.Rdb.RdbFormatException or IOException)
        {
            Log.Warning($"Fatal error loading the DB: {e.Message}. Exiting.");
            app.StopAsync().Wait(TimeSpan.FromSeconds(2));
            return 1;
        }
        server.Loading = false;
        using var cron = new ServerCron(server);
        Log.Notice($"Server initialized; region reserved {server.Keyspace.Region.ReservedBytes >> 20} MB of address space");
        Log.Notice($"Ready to accept connections tcp on port {config.Port.Value}");
        server.ShutdownRequested.Token.WaitHandle.WaitOne();
        app.StopAsync().Wait(TimeSpan.FromSeconds(2));
        Log.Warning("RedisLite is now ready to exit, bye bye...");
        return 0;
    }

    /// <summary>
    /// Redis's adjustOpenFilesLimit at startup, and again whenever CONFIG SET raises maxclients
    /// (refused, naming what fits, when the limit cannot follow). False: too few descriptors to run.
    /// </summary>
    private static bool FitMaxClientsToOpenFilesLimit(ServerConfig config)
    {
        OpenFilesLimit.MeasureReserve();
        long fits = OpenFilesLimit.Adjust(config.MaxClients.Value);
        if (fits == 0) return false;
        config.MaxClients.Value = fits;
        config.MaxClients.Apply = _ =>
        {
            long wanted = config.MaxClients.Value;
            long possible = OpenFilesLimit.Adjust(wanted);
            return possible == wanted ? null : $"The operating system is not able to handle the specified number of clients, try with {possible}";
        };
        return true;
    }

    private static WebApplication BuildHost(RedisServer server, ServerConfig config)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(server);
        // Kestrel's socket connections, accepted by RedisLite's own listener (RespListenerFactory says why).
        builder.Services.AddSingleton<IConnectionListenerFactory>(new RespListenerFactory(new SocketConnectionFactoryOptions
        {
            UnsafePreferInlineScheduling = true,
            // What the transport reads ahead of the handler. A frame bigger than this moves into the
            // client's own query buffer as it arrives (RespConnectionHandler), so this bounds only
            // the unread input of a client whose commands wait, not the size of a request.
            MaxReadBufferSize = RespConnectionHandler.TransportReadAhead,
            MaxWriteBufferSize = 64 * 1024,
        }, (int)config.TcpBacklog.Value, server));
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            foreach (var addr in config.Bind.Values)
            {
                string a = addr.TrimStart('-');
                var ip = a == "*" ? IPAddress.Any : a == "::*" ? IPAddress.IPv6Any : IPAddress.Parse(a);
                k.Listen(ip, (int)config.Port.Value, l => l.UseConnectionHandler<RespConnectionHandler>());
            }
        });
        return builder.Build();
    }
}

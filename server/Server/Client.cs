using Microsoft.AspNetCore.Connections;
using RedisLite.Commands;
using RedisLite.Network;

namespace RedisLite.Server;

/// <summary>
/// Everything RedisLite keeps about one connection: identity (id, name, addresses), session state
/// (selected db, authentication, protocol), the reusable parse and reply machinery, and flags.
/// Later per-connection state (MULTI queue, subscriptions, blocked keys) belongs here too, so one
/// object answers "what is this client doing".
/// </summary>
public sealed class Client
{
    /// <summary>CLIENT ID: unique, increasing, never reused.</summary>
    public long Id { get; }
    public string? Name { get; set; }
    public int Db { get; set; }
    public bool Authenticated { get; set; }
    public string User => "default";
    public string RemoteAddress { get; }
    public string LocalAddress { get; }
    /// <summary>Connected from 127.0.0.1 or ::1 (Redis's islocalClient: the "local" setting of enable-*-command).</summary>
    public bool IsLocal { get; }
    public long CreatedMs { get; } = Environment.TickCount64;
    /// <summary>Monotonic ms of the last command (idle time, timeout).</summary>
    public long LastInteractionMs { get; set; } = Environment.TickCount64;
    public string LastCommand { get; set; } = "NULL";
    public bool IsMonitor { get; set; }
    /// <summary>MONITOR lines waiting for this client's connection to send them.</summary>
    public System.Threading.Channels.ChannelReader<byte[]>? MonitorQueue { get; set; }
    /// <summary>Serialises flushes of a monitor's output (see RespConnectionHandler).</summary>
    public SemaphoreSlim OutputGate { get; } = new(1, 1);
    /// <summary>Set by QUIT or a protocol error: close once pending replies are flushed.</summary>
    public bool CloseAfterReply { get; set; }
    /// <summary>The keys this client is blocked on (BLPOP...), or null; see <see cref="BlockingKeys"/>.</summary>
    public BlockedClient? Blocked { get; set; }
    /// <summary>
    /// Blocking commands must not block: they behave as their non-blocking form and reply nil when
    /// nothing is there (Redis's CLIENT_DENY_BLOCKING: MULTI/EXEC and scripts set it).
    /// </summary>
    public bool DenyBlocking { get; set; }
    /// <summary>Fires when the transport sees the connection close (also while the client is blocked and not reading).</summary>
    public CancellationToken ConnectionClosed => _connection?.ConnectionClosed ?? CancellationToken.None;
    /// <summary>Set by CLIENT KILL, timeout or shutdown.</summary>
    public bool Killed { get; private set; }

    public RespArgs Args { get; } = new();
    public RespParser Parser { get; } = new();
    public RespWriter Writer { get; }
    public CommandContext Context { get; }
    /// <summary>Input received and not yet executed, wherever it is held (INFO client_recent_max_input_buffer, CLIENT LIST qbuf).</summary>
    public long QueryBufferBytes { get; set; }
    /// <summary>The input a frame spanning reads is gathered in (see <see cref="QueryBuffer"/>).</summary>
    public QueryBuffer Query { get; } = new();
    /// <summary>Unexecuted input still held by the transport's read pipe (parsed in place).</summary>
    public long TransportInputBytes { get; set; }
    /// <summary>The connection's output, whose unsent bytes are this client's pending output.</summary>
    public System.IO.Pipelines.PipeWriter? Output => _connection?.Transport.Output;
    /// <summary>True while one of its commands runs (CLIENT LIST shows its arguments as argv-mem).</summary>
    public bool Executing { get; set; }
    /// <summary>True while its connection waits for the socket to take its replies (it is not reading them).</summary>
    public volatile bool AwaitingFlush;

    /// <summary>
    /// The class whose client-output-buffer-limit applies (Redis's getClientType). Every client is
    /// normal for now; pub/sub subscribers will be <see cref="Config.ClientClass.PubSub"/> and
    /// replicas <see cref="Config.ClientClass.Replica"/>, decided here and nowhere else.
    /// </summary>
    public Config.ClientClass Class => Config.ClientClass.Normal;

    /// <summary>When its output first passed the soft limit, continuously since (0: it is under); see <see cref="OutputBufferLimits"/>.</summary>
    public long SoftLimitReachedMs { get; set; }

    /// <summary>Reply bytes written and not yet taken by the socket (CLIENT LIST omem plus obl; client-output-buffer-limit).</summary>
    public long PendingOutput => Writer.Gathered + (Output is { } output ? TransportBacklog.Pending(output) : 0);

    /// <summary>Input received and not yet executed that Redis would hold in its query buffer (CLIENT LIST qbuf).</summary>
    public long UnparsedInput => Math.Max(0, QueryBufferBytes - Parser.PendingParsedBytes);

    /// <summary>Bytes of the arguments of the command it is running, is blocked in, or is receiving (CLIENT LIST argv-mem).</summary>
    public long ArgvBytes => Executing || Blocked != null || Parser.PendingParsedBytes > 0 ? Args.TotalLength : 0;

    /// <summary>
    /// Memory held for this client (CLIENT LIST tot-mem, INFO mem_clients_normal): its query
    /// buffer as allocated, input the transport holds for it, and its pending output. Its
    /// arguments live inside the input; the connection's fixed objects are in the managed heap.
    /// </summary>
    public long MemoryUsage => Query.Capacity + TransportInputBytes + PendingOutput;

    // The part of ClientRegistry's memory total this client accounts for (see ClientRegistry.UpdateMemory).
    internal long ReportedMemory;
    internal bool MemoryRetired;
    internal readonly Lock MemoryGate = new();

    private readonly ConnectionContext? _connection;

    public Client(long id, RedisServer server, ConnectionContext? connection, RespWriter writer)
    {
        Id = id;
        _connection = connection;
        Writer = writer;
        RemoteAddress = connection?.RemoteEndPoint?.ToString() ?? "";
        IsLocal = connection?.RemoteEndPoint is System.Net.IPEndPoint ep &&
                  (ep.Address.IsIPv4MappedToIPv6 ? ep.Address.MapToIPv4() : ep.Address) is var ip &&
                  (ip.Equals(System.Net.IPAddress.Loopback) || ip.Equals(System.Net.IPAddress.IPv6Loopback));
        LocalAddress = connection?.LocalEndPoint?.ToString() ?? "";
        Context = new CommandContext(server, this);
    }

    /// <summary>Closes the connection from any thread.</summary>
    public void Kill()
    {
        Killed = true;
        _connection?.Abort(new ConnectionAbortedException("killed"));
    }

    /// <summary>The flags letters CLIENT LIST shows.</summary>
    public string FlagLetters => IsMonitor ? "O" : Blocked != null ? "b" : CloseAfterReply ? "c" : "N";
}

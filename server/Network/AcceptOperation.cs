using System.Net.Sockets;
using System.Threading.Tasks.Sources;

namespace RedisLite.Network;

/// <summary>
/// One reusable accept on a listening socket, awaitable without allocating: the result is the
/// <see cref="SocketError"/> itself, not an exception, so a failing accept (EMFILE while the
/// process is out of descriptors) costs nothing on the heap however often it is retried.
/// </summary>
internal sealed class AcceptOperation : SocketAsyncEventArgs, IValueTaskSource<SocketError>
{
    private ManualResetValueTaskSourceCore<SocketError> _source = new() { RunContinuationsAsynchronously = false };

    public AcceptOperation() : base(unsafeSuppressExecutionContextFlow: true) { }

    /// <summary>Accepts one connection; on success <see cref="TakeSocket"/> returns it.</summary>
    public ValueTask<SocketError> AcceptAsync(Socket listener)
    {
        AcceptSocket = null;
        _source.Reset();
        if (!listener.AcceptAsync(this)) return new ValueTask<SocketError>(SocketError);
        return new ValueTask<SocketError>(this, _source.Version);
    }

    public Socket TakeSocket()
    {
        var s = AcceptSocket!;
        AcceptSocket = null;
        return s;
    }

    protected override void OnCompleted(SocketAsyncEventArgs e) => _source.SetResult(e.SocketError);

    public SocketError GetResult(short token) => _source.GetResult(token);
    public ValueTaskSourceStatus GetStatus(short token) => _source.GetStatus(token);
    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _source.OnCompleted(continuation, state, token, flags);
}

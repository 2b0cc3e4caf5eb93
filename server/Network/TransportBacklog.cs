using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using RedisLite.Server;

namespace RedisLite.Network;

/// <summary>
/// Reply bytes a connection holds that the socket has not taken yet: written to its PipeWriter
/// and not flushed, plus flushed and not yet sent by Kestrel's transport. That is a client's
/// pending output (CLIENT LIST omem, used_memory, client-output-buffer-limit), the counterpart of
/// Redis's reply list. The first part is public API (UnflushedBytes); the second is the
/// unconsumed length of the transport's output pipe, which System.IO.Pipelines keeps internal, so
/// it is read through an UnsafeAccessor. Should a runtime change the pipe's internals, the
/// accessor fails once, it is logged, and only the unflushed part is counted from then on.
/// </summary>
public static class TransportBacklog
{
    private const string DefaultWriter = "System.IO.Pipelines.Pipe+DefaultPipeWriter, System.IO.Pipelines";
    private static readonly Type? DefaultWriterType = Type.GetType(DefaultWriter);
    private static volatile bool _unavailable;

    /// <summary>Bytes written to <paramref name="output"/> and not yet taken by the socket.</summary>
    public static long Pending(PipeWriter output) => Unflushed(output) + Unsent(output);

    /// <summary>Bytes written to <paramref name="output"/> and not flushed yet.</summary>
    public static long Unflushed(PipeWriter output) => output.CanGetUnflushedBytes ? output.UnflushedBytes : 0;

    /// <summary>Bytes flushed to the transport that the socket has not taken yet.</summary>
    public static long Unsent(PipeWriter output)
    {
        if (_unavailable || output.GetType() != DefaultWriterType) return 0;
        try
        {
            return Length(PipeOf(output));
        }
        catch (Exception e) when (e is MissingMemberException or InvalidCastException)
        {
            _unavailable = true;
            Log.Warning($"Cannot read the transport's unsent output ({e.Message}): pending output counts only unflushed replies");
            return 0;
        }
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_pipe")]
    private static extern ref Pipe PipeOf([UnsafeAccessorType(DefaultWriter)] object writer);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_Length")]
    private static extern long Length(Pipe pipe);
}

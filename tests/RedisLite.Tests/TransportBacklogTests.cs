using System.Buffers;
using System.IO.Pipelines;
using RedisLite.Network;

namespace RedisLite.Tests;

/// <summary>
/// Pending output is read partly from System.IO.Pipelines' internals (the unconsumed length of
/// the transport's pipe). If a runtime update moved them, this fails instead of pending output
/// silently counting only unflushed bytes.
/// </summary>
public class TransportBacklogTests
{
    [Fact]
    public async Task CountsUnflushedAndUnsentBytes()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        ((IBufferWriter<byte>)pipe.Writer).Write(new byte[1000]);
        Assert.Equal(1000, TransportBacklog.Unflushed(pipe.Writer));
        Assert.Equal(0, TransportBacklog.Unsent(pipe.Writer));
        await pipe.Writer.FlushAsync();
        Assert.Equal(0, TransportBacklog.Unflushed(pipe.Writer));
        Assert.Equal(1000, TransportBacklog.Unsent(pipe.Writer));
        // The transport (the pipe's reader) takes 300 bytes.
        var read = await pipe.Reader.ReadAsync();
        pipe.Reader.AdvanceTo(read.Buffer.GetPosition(300));
        Assert.Equal(700, TransportBacklog.Pending(pipe.Writer));
    }
}

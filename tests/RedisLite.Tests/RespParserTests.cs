using System.Buffers;
using System.Text;
using RedisLite.Config;
using RedisLite.Network;
using RedisLite.Server;

namespace RedisLite.Tests;

/// <summary>
/// The parser and the command path in process: frames split anywhere parse the same, a frame
/// arriving in many pieces is parsed in linear time, and the GET/SET path allocates nothing
/// per command (the byte-exact behaviour on the wire is in ProtocolTests).
/// </summary>
public class RespParserTests
{
    private static byte[] B(string s) => Encoding.Latin1.GetBytes(s);

    public static TheoryData<string> Frames => new()
    {
        "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$12\r\nhello\r\nworld\r\n",
        "*1\r\n$0\r\n\r\n",
        "SET key \"a b\\x41\" 'c\\'d'\r\n",
        "*3\r\n$4\r\nMSET\r\n$1\r\na\r\n$70000\r\n" + new string('v', 70000) + "\r\n",
    };

    [Theory]
    [MemberData(nameof(Frames))]
    public void FrameArrivingByteByByteParsesLikeTheWholeFrame(string frame)
    {
        byte[] bytes = B(frame);
        var whole = ParseOnce(bytes);
        var parser = new RespParser();
        var args = new RespArgs();
        for (int have = 1; have <= bytes.Length; have++)
        {
            int pos = 0;
            var status = parser.Parse(bytes.AsMemory(0, have), ref pos, args, 512 << 20, authenticated: true);
            if (have < bytes.Length)
            {
                Assert.Equal(ParseStatus.Incomplete, status);
                Assert.Equal(0, pos);
                continue;
            }
            Assert.Equal(ParseStatus.Command, status);
            Assert.Equal(bytes.Length, pos);
            Assert.Equal(whole, Strings(args));
        }
    }

    [Fact]
    public void ResumedFrameInACopiedBufferReadsTheNewCopy()
    {
        // The connection may hand the same frame in a different array on the next read.
        byte[] frame = B("*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n");
        var parser = new RespParser();
        var args = new RespArgs();
        int pos = 0;
        Assert.Equal(ParseStatus.Incomplete, parser.Parse(frame.AsMemory(0, 16), ref pos, args, 1 << 20, true));
        byte[] copy = (byte[])frame.Clone();
        frame.AsSpan().Clear();
        Assert.Equal(ParseStatus.Command, parser.Parse(copy, ref pos, args, 1 << 20, true));
        Assert.Equal(new[] { "ECHO", "hello" }, Strings(args));
    }

    [Fact]
    public void ManyArgumentFrameInSmallPiecesResumesWhereItStopped()
    {
        // 400,000 arguments fed 16 bytes at a time is 300,000 calls: re-parsing the frame from
        // its start on each call would take hours, so the parser must resume where it stopped.
        // It is checked directly, not timed: after each call the headers of the arguments parsed
        // so far are defaced ('$' becomes '#'), which a parser that looked at them again would
        // reject as a protocol error; their data stays, and must come out intact.
        const int n = 400_000, header = 9, each = 10; // "*400000\r\n", then "$4\r\nDDDD\r\n"
        var sb = new StringBuilder("*400000\r\n");
        for (int i = 0; i < n; i++) sb.Append("$4\r\n").Append((i % 10000).ToString("D4")).Append("\r\n");
        byte[] bytes = B(sb.ToString());
        var parser = new RespParser();
        var args = new RespArgs();
        ParseStatus status = ParseStatus.Incomplete;
        int pos = 0, defaced = 0;
        for (int have = 16; status == ParseStatus.Incomplete; have = Math.Min(bytes.Length, have + 16))
        {
            pos = 0;
            status = parser.Parse(bytes.AsMemory(0, have), ref pos, args, 512 << 20, true);
            Assert.NotEqual(ParseStatus.Error, status);
            if (status != ParseStatus.Incomplete) break;
            for (; defaced < args.Count; defaced++) bytes[header + defaced * each] = (byte)'#';
        }
        Assert.Equal(ParseStatus.Command, status);
        Assert.True(defaced > n / 2, $"only {defaced} arguments were parsed before the last piece");
        Assert.Equal(bytes.Length, pos);
        Assert.Equal(n, args.Count);
        Assert.Equal("0000", Encoding.ASCII.GetString(args[0]));
        Assert.Equal("5000", Encoding.ASCII.GetString(args[5000]));
        Assert.Equal("9999", Encoding.ASCII.GetString(args[n - 1]));
    }

    [Fact]
    public void ProtocolErrorAfterAPendingFrameStartsClean()
    {
        var parser = new RespParser();
        var args = new RespArgs();
        int pos = 0;
        Assert.Equal(ParseStatus.Incomplete, parser.Parse(B("*2\r\n$4\r\nECHO\r\n"), ref pos, args, 1 << 20, true));
        Assert.Equal(ParseStatus.Error, parser.Parse(B("*2\r\n$4\r\nECHO\r\nx\r\n"), ref pos, args, 1 << 20, true));
        Assert.Equal("ERR Protocol error: expected '$', got 'x'", Encoding.Latin1.GetString(parser.ErrorReply()));
        // Same args count as when the frame was pending: only cleared state keeps this a new frame.
        Assert.Equal(ParseStatus.Command, parser.Parse(B("*1\r\n$4\r\nPING\r\n"), ref pos, args, 1 << 20, true));
        Assert.Equal(new[] { "PING" }, Strings(args));
    }

    [Fact]
    public void QueryBufferKeepsTheUnexecutedBytesAcrossAppends()
    {
        using var query = new QueryBuffer();
        var all = new List<byte>();
        for (int i = 0; i < 200; i++)
        {
            var seg = Enumerable.Range(0, 1000 + i).Select(k => (byte)(k * 7 + i)).ToArray();
            all.AddRange(seg);
            query.Append(Sequence([seg[..500], seg[500..]]), 0);
            Assert.Equal(all.ToArray(), query.Unexecuted.ToArray());
        }
        // Executing part of it keeps the rest, and later appends go after the rest.
        query.Consumed(1234);
        query.Append(Sequence([new byte[] { 1, 2, 3 }]), 0);
        Assert.Equal(all.Skip(1234).Concat(new byte[] { 1, 2, 3 }).ToArray(), query.Unexecuted.ToArray());
        // Drained, the buffer goes back at once.
        Assert.True(query.Capacity > QueryBuffer.PooledMax);
        query.Consumed(query.Length);
        Assert.Equal(0, query.Capacity);
        Assert.True(query.IsEmpty);
    }

    [Fact]
    public void QueryBufferMakesRoomForAKnownFrameAtOnce()
    {
        // The header of a 100 MB SET, then its value arriving: the buffer is sized for the whole
        // frame when its length is known, and never copied to a bigger one.
        using var query = new QueryBuffer();
        byte[] header = B("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100000000\r\n");
        int frame = header.Length + 100_000_000 + 2;
        query.Append(Sequence([header]), 0);
        query.Append(Sequence([new byte[4096]]), frame);
        Assert.Equal(frame, query.Capacity);
        for (int i = 0; i < 100; i++) query.Append(Sequence([new byte[4096]]), frame);
        Assert.Equal(frame, query.Capacity);
        Assert.Equal(header.Length + 101 * 4096, query.Length);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SetAndGetAllocateNothingPerCommand(bool inline)
    {
        using var server = new RedisServer(new ServerConfig());
        var output = new ArrayBufferWriter<byte>(1 << 20);
        var client = new Client(1, server, null, new RespWriter(output)) { Authenticated = true };
        var batch = new MemoryStream();
        for (int i = 0; i < 1000; i++)
        {
            batch.Write(inline ? B($"SET alloc:{i} value-{i}\r\n") : RespClient.Encode("SET", $"alloc:{i}", $"value-{i}"));
            batch.Write(inline ? B($"GET alloc:{i}\r\n") : RespClient.Encode("GET", $"alloc:{i}"));
        }
        byte[] bytes = batch.ToArray();

        void RunBatch()
        {
            output.ResetWrittenCount();
            int pos = 0;
            while (client.Parser.Parse(bytes, ref pos, client.Args, 512 << 20, true) == ParseStatus.Command)
                server.Executor.Execute(client);
            client.Writer.Commit();
            // Not Assert.Equal: it allocates a comparer per call, which would be counted here.
            if (pos != bytes.Length) Assert.Fail($"the batch stopped at byte {pos} of {bytes.Length}");
        }

        // Warm up until a whole batch allocates nothing: keys created, statics settled, and tiered
        // JIT done (under load, background promotion lags and its call-counting bookkeeping can
        // allocate on this thread, for as long as the machine is busy). A path that allocates per
        // command never settles and fails at the deadline.
        int warm = 0;
        long last = -1;
        Eventually.True(() =>
        {
            long start = GC.GetAllocatedBytesForCurrentThread();
            RunBatch();
            last = GC.GetAllocatedBytesForCurrentThread() - start;
            return ++warm > 2 && last == 0;
        }, () => $"a batch of GET/SET that allocates nothing after warm-up ({warm} batches, the last allocated {last} bytes)");
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int round = 0; round < 10; round++) RunBatch();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // 20,000 commands: even one small object each would be hundreds of kilobytes.
        Assert.True(allocated < 8 * 1024, $"GET/SET allocated {allocated} bytes for 20,000 commands");
        Assert.EndsWith("$9\r\nvalue-999\r\n", Encoding.ASCII.GetString(output.WrittenSpan));
    }

    private static List<string> ParseOnce(byte[] bytes)
    {
        var parser = new RespParser();
        var args = new RespArgs();
        int pos = 0;
        Assert.Equal(ParseStatus.Command, parser.Parse(bytes, ref pos, args, 512 << 20, true));
        return Strings(args);
    }

    private static List<string> Strings(RespArgs args) =>
        Enumerable.Range(0, args.Count).Select(i => Encoding.Latin1.GetString(args[i])).ToList();

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] data, Segment? prev)
        {
            Memory = data;
            if (prev != null)
            {
                RunningIndex = prev.RunningIndex + prev.Memory.Length;
                prev.Next = this;
            }
        }
    }

    private static ReadOnlySequence<byte> Sequence(List<byte[]> parts)
    {
        Segment first = new(parts[0], null), last = first;
        foreach (var p in parts.Skip(1)) last = new Segment(p, last);
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}

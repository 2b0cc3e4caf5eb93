using System.Diagnostics;
using System.Text;

namespace RedisLite.Tests;

/// <summary>
/// The parent keeps serving, and serving correctly, while its child writes a 1.2 GB snapshot:
/// every GET and SET during the BGSAVE gets the right reply, commands are answered while the
/// child is alive, the save completes, and no command waits anywhere near as long as a stalled
/// parent would make it. How long commands do wait (slowest, p99 and p99.9 against the same loop
/// with no child, side by side with redis-server) is a measurement, not a test: see
/// benchmarks/snapshot/latency.sh and benchmarks/results/snapshot-latency.md.
/// </summary>
[CollectionDefinition(nameof(SnapshotLatencyTests), DisableParallelization = true)]
public class SnapshotLatencyCollection;

/// <remarks>
/// Runs alone (its own collection, parallelization off): it is the heaviest test (1.2 GB, then a
/// fork), so it neither crowds the others nor is crowded by them towards its 2 s bound.
/// </remarks>
[Collection(nameof(SnapshotLatencyTests))]
public class SnapshotLatencyTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Keys = 2_000_000;
    private const int ValueBytes = 500; // 2M x 500 B: about 1.2 GB of region in use

    /// <summary>
    /// Far above anything a serving parent shows on a loaded machine (tens of ms at worst), and
    /// reached only by a real stall: the parent stopping for the write, its fsync or its rename.
    /// </summary>
    private static readonly TimeSpan StallBound = TimeSpan.FromSeconds(2);

    [Fact]
    public void ParentAnswersThroughoutAOneGigabyteBgsave()
    {
        using var s = new TestServer("--rdbcompression", "no");
        // Deadlines below only fail a hang, and stay under test.runsettings' 5 minutes per test.
        using var admin = new RespClient(s.Port, 180_000);
        Assert.Equal("OK", admin.Call("DEBUG", "POPULATE", Keys, "key", ValueBytes));
        Assert.True(long.Parse(SnapshotTests.Info(admin, "used_memory")) > 1_000_000_000);

        using var loop = new CheckedLoop(s.Port);
        Eventually.True(() => loop.Answered > 0 || loop.Failed, "the GET/SET loop running");
        Assert.Equal("Background saving started", admin.Call("BGSAVE"));
        // The fork has happened once BGSAVE has replied. Commands the loop counts from here on and
        // before an INFO that still shows the save running were answered while the child lived
        // (all but possibly the one in flight at the fork).
        long atFork = loop.Answered, whileChildLived = 0;
        Eventually.True(() =>
        {
            long answered = loop.Answered;
            bool running = SnapshotTests.Info(admin, "rdb_bgsave_in_progress") == "1";
            if (running) whileChildLived = answered - atFork;
            return !running;
        }, "BGSAVE to finish", TimeSpan.FromMinutes(3));
        loop.Stop(); // rethrows a wrong reply, if the loop met one
        Assert.Equal("ok", SnapshotTests.Info(admin, "rdb_last_bgsave_status"));

        output.WriteLine($"{loop.Answered} commands, {whileChildLived} while the child lived; slowest {loop.Slowest.TotalMilliseconds:F1} ms; " +
                         $"fork {long.Parse(SnapshotTests.Info(admin, "latest_fork_usec")) / 1000.0:F1} ms");
        Assert.True(whileChildLived >= 2, $"only {whileChildLived} commands were answered while the child was writing");
        Assert.True(loop.Slowest < StallBound,
            $"a command waited {loop.Slowest.TotalMilliseconds:F0} ms around a BGSAVE: the parent stopped answering");
    }

    /// <summary>
    /// GET and SET back to back on one connection, on its own thread, each reply checked: a GET
    /// returns the key's DEBUG POPULATE value ("value:N" zero-padded) or what this loop last SET.
    /// </summary>
    private sealed class CheckedLoop : IDisposable
    {
        private readonly RespClient _c;
        private readonly Thread _thread;
        private readonly Dictionary<long, string> _written = [];
        private volatile bool _stop;
        private long _answered;
        private Exception? _failure;

        public TimeSpan Slowest { get; private set; }
        public long Answered => Interlocked.Read(ref _answered);
        public bool Failed => Volatile.Read(ref _failure) != null;

        public CheckedLoop(int port)
        {
            _c = new RespClient(port);
            _thread = new Thread(Run) { IsBackground = true, Name = "checked GET/SET loop" };
            _thread.Start();
        }

        private void Run()
        {
            try
            {
                for (long i = 0; !_stop; i++)
                {
                    long k = i * 7919 % Keys;
                    long t0 = Stopwatch.GetTimestamp();
                    if (i % 2 == 0)
                    {
                        var got = Assert.IsType<byte[]>(_c.CallRaw("GET", $"key:{k}"));
                        Assert.Equal(_written.TryGetValue(k, out var v) ? Encoding.ASCII.GetBytes(v) : Populated(k), got);
                    }
                    else
                    {
                        string v = $"written by command {i}";
                        Assert.Equal("OK", _c.Call("SET", $"key:{k}", v));
                        _written[k] = v;
                    }
                    var waited = Stopwatch.GetElapsedTime(t0);
                    if (waited > Slowest) Slowest = waited;
                    Interlocked.Increment(ref _answered);
                }
            }
            catch (Exception e)
            {
                Volatile.Write(ref _failure, e);
            }
        }

        private static byte[] Populated(long k)
        {
            var v = new byte[ValueBytes];
            Encoding.ASCII.GetBytes($"value:{k}").CopyTo(v, 0);
            return v;
        }

        /// <summary>Stops the loop and rethrows what went wrong in it, if anything did.</summary>
        public void Stop()
        {
            _stop = true;
            Assert.True(_thread.Join(Eventually.DefaultTimeout), "the GET/SET loop did not stop");
            if (_failure != null) throw new Xunit.Sdk.XunitException($"the GET/SET loop failed after {Answered} commands: {_failure}");
        }

        public void Dispose()
        {
            _stop = true;
            _thread.Join(Eventually.DefaultTimeout);
            _c.Dispose();
        }
    }
}

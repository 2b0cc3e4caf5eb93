using System.Diagnostics;
using System.Text;
using RedisLite.Benchmarks.Cow;

namespace RedisLite.Benchmarks.Snapshot;

/// <summary>One command as measured: when it was sent and when its reply had arrived (Stopwatch ticks).</summary>
public readonly record struct CommandTiming(long StartTicks, long EndTicks)
{
    public double Us => (EndTicks - StartTicks) * 1e6 / Stopwatch.Frequency;
}

/// <summary>
/// GET and SET alternating back to back on one connection, on its own thread, until stopped: the
/// loop SnapshotLatencyTests used to time, now measured here. Keys are DEBUG POPULATE's
/// ("key:N", visited with a stride so consecutive commands touch distant pages), SET values have
/// the dataset's value size, so writes during a save copy pages as real writes would.
/// </summary>
public sealed class LatencyLoop : IDisposable
{
    private readonly RespConnection _c;
    private readonly Thread _thread;
    private readonly List<CommandTiming> _timings = new(1 << 20);
    private readonly long _keys;
    private readonly byte[] _value;
    private volatile bool _stop;
    private Exception? _failure;

    public LatencyLoop(int port, long keys, int valueSize, long seed)
    {
        _c = new RespConnection(port);
        _keys = keys;
        _value = Encoding.ASCII.GetBytes(new string('v', valueSize));
        _thread = new Thread(() => Run(seed)) { IsBackground = true, Name = "latency loop" };
    }

    public void Start() => _thread.Start();

    private static readonly byte[] Get = "GET"u8.ToArray(), Set = "SET"u8.ToArray();

    private void Run(long seed)
    {
        try
        {
            for (long i = seed; !_stop; i++)
            {
                var key = Encoding.ASCII.GetBytes($"key:{i * 7919 % _keys}");
                if (i % 2 == 0) _c.Append(Get, key);
                else _c.Append(Set, key, _value);
                long t0 = Stopwatch.GetTimestamp();
                _c.Flush();
                _c.Read();
                _timings.Add(new CommandTiming(t0, Stopwatch.GetTimestamp()));
            }
        }
        catch (Exception e)
        {
            _failure = e;
        }
    }

    /// <summary>Stops the loop and returns every command's timing.</summary>
    public List<CommandTiming> Stop()
    {
        _stop = true;
        _thread.Join();
        if (_failure != null) throw new InvalidOperationException("the latency loop failed", _failure);
        return _timings;
    }

    public void Dispose()
    {
        _stop = true;
        if (_thread.IsAlive) _thread.Join();
        _c.Dispose();
    }
}

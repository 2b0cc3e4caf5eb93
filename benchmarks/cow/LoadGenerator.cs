using System.Diagnostics;
using System.Text;

namespace RedisLite.Benchmarks.Cow;

/// <summary>What the load generator drives: the mix and shape of the traffic.</summary>
public sealed record LoadSpec(double WriteRatio, bool Zipf, int Pipeline, int Connections, long Keys, byte[] Value);

/// <summary>One pipelined batch as measured: when it completed (ms since the run's start), its round trip, how many commands and writes.</summary>
public readonly record struct BatchSample(int EndMs, int LatencyUs, int Commands, int Writes);

/// <summary>
/// A closed-loop load generator: each connection sends a pipeline of GET/SET commands (the write
/// ratio decides each one), waits for all replies, and records the batch's round trip as every
/// command's latency (as redis-benchmark counts pipelined requests). Runs on its own threads
/// until stopped; samples are kept per connection and merged afterwards.
/// </summary>
public sealed class LoadGenerator
{
    private readonly LoadSpec _spec;
    private readonly int _port;
    private volatile bool _stop;
    private readonly List<Thread> _threads = [];
    private readonly List<List<BatchSample>> _samples = [];
    private readonly Stopwatch _clock;

    public LoadGenerator(int port, LoadSpec spec, Stopwatch clock)
    {
        _port = port;
        _spec = spec;
        _clock = clock;
    }

    public void Start()
    {
        for (int i = 0; i < _spec.Connections; i++)
        {
            var samples = new List<BatchSample>(1 << 16);
            _samples.Add(samples);
            int seed = 1000 + i;
            var t = new Thread(() => Run(seed, samples)) { IsBackground = true, Name = $"load-{i}" };
            _threads.Add(t);
            t.Start();
        }
    }

    public List<BatchSample> Stop()
    {
        _stop = true;
        foreach (var t in _threads) t.Join();
        var all = _samples.SelectMany(s => s).OrderBy(s => s.EndMs).ToList();
        return all;
    }

    private static readonly byte[] Get = "GET"u8.ToArray(), Set = "SET"u8.ToArray();

    private void Run(int seed, List<BatchSample> samples)
    {
        using var c = new RespConnection(_port);
        var keys = new KeyChooser(_spec.Keys, _spec.Zipf, seed);
        while (!_stop)
        {
            int writes = 0;
            for (int i = 0; i < _spec.Pipeline; i++)
            {
                var key = Encoding.ASCII.GetBytes(Dataset.KeyName(keys.Next()));
                if (keys.NextDouble() < _spec.WriteRatio)
                {
                    c.Append(Set, key, _spec.Value);
                    writes++;
                }
                else c.Append(Get, key);
            }
            long t0 = Stopwatch.GetTimestamp();
            c.Flush();
            for (int i = 0; i < _spec.Pipeline; i++) c.Read();
            long t1 = Stopwatch.GetTimestamp();
            samples.Add(new BatchSample((int)_clock.ElapsedMilliseconds, (int)((t1 - t0) * 1_000_000 / Stopwatch.Frequency), _spec.Pipeline, writes));
        }
    }
}

/// <summary>The dataset: key names and loading them with pipelined SETs.</summary>
public static class Dataset
{
    public static string KeyName(long i) => $"key:{i:D9}";

    public static void Load(int port, long keys, byte[] value, int connections = 4, int pipeline = 256)
    {
        var threads = new List<Thread>();
        for (int c = 0; c < connections; c++)
        {
            int part = c;
            var t = new Thread(() =>
            {
                using var conn = new RespConnection(port);
                int pending = 0;
                for (long k = part; k < keys; k += connections)
                {
                    conn.Append("SET"u8.ToArray(), Encoding.ASCII.GetBytes(KeyName(k)), value);
                    if (++pending == pipeline)
                    {
                        conn.Flush();
                        for (; pending > 0; pending--) conn.Read();
                    }
                }
                conn.Flush();
                for (; pending > 0; pending--) conn.Read();
            });
            threads.Add(t);
            t.Start();
        }
        foreach (var t in threads) t.Join();
    }
}

namespace RedisLite.Benchmarks.Cow;

/// <summary>
/// Picks key indexes in [0, n): uniformly, or from a scrambled Zipfian distribution (YCSB's
/// generator, theta 0.99: a few keys get most requests; scrambling spreads the hot keys over the
/// keyspace, so they do not all sit on the same memory pages of either server).
/// </summary>
public sealed class KeyChooser
{
    private readonly long _n;
    private readonly bool _zipf;
    private readonly double _theta, _alpha, _zetan, _eta;
    private readonly Random _rng;

    public KeyChooser(long n, bool zipf, int seed, double theta = 0.99)
    {
        _n = n;
        _zipf = zipf;
        _rng = new Random(seed);
        if (!zipf) return;
        _theta = theta;
        _zetan = Zeta(n, theta);
        double zeta2 = Zeta(2, theta);
        _alpha = 1.0 / (1.0 - theta);
        _eta = (1 - Math.Pow(2.0 / n, 1 - theta)) / (1 - zeta2 / _zetan);
    }

    private static readonly Dictionary<(long, double), double> ZetaCache = [];

    private static double Zeta(long n, double theta)
    {
        lock (ZetaCache)
        {
            if (ZetaCache.TryGetValue((n, theta), out double z)) return z;
            double sum = 0;
            for (long i = 1; i <= n; i++) sum += 1.0 / Math.Pow(i, theta);
            return ZetaCache[(n, theta)] = sum;
        }
    }

    public double NextDouble() => _rng.NextDouble();

    public long Next()
    {
        if (!_zipf) return _rng.NextInt64(_n);
        double u = _rng.NextDouble();
        double uz = u * _zetan;
        long rank = uz < 1.0 ? 0 : uz < 1.0 + Math.Pow(0.5, _theta) ? 1 : (long)(_n * Math.Pow(_eta * u - _eta + 1, _alpha));
        if (rank >= _n) rank = _n - 1;
        // FNV-1a of the rank: the hottest keys land anywhere in the keyspace.
        ulong h = 14695981039346656037UL;
        for (int i = 0; i < 8; i++) { h ^= (byte)(rank >> (i * 8)); h *= 1099511628211UL; }
        return (long)(h % (ulong)_n);
    }
}

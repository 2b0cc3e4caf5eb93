namespace RedisLite.Tests;

/// <summary>
/// Random commands for <see cref="ModelBasedTests"/>: every string and keyspace command, with
/// keys from a small pool (so commands collide), values that exercise every encoding (shared
/// and large ints, embstr around the 44-byte limit, raw, page-sized), deadlines in the past,
/// near future and far future, and a share of invalid arguments for the error paths. It reads the
/// model only to steer INCRBYFLOAT to operands whose long double sum has plain decimal digits.
/// </summary>
public sealed class CommandGenerator(Random rng, KeyspaceModel model)
{
    private static readonly string[] KeyPool =
    [
        "k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9", "k10", "k11", "k12", "k13", "k14", "k15",
        "a", "ab", "abc", "key with space", "\u00ff\u0000bin", "x*y", "k[1]", "",
    ];

    private static readonly string[] Patterns = ["*", "k1*", "k?", "k[0-4]*", "*b*", "a*", "nomatch*", "*\u0000*", "k1?", "[ax]*"];
    private static readonly string[] Floats = ["0.5", "1.25", "-2", "3", "-0.75", "10", "0.25", "-100.5"];

    private string Key() => KeyPool[rng.Next(KeyPool.Length)];
    private string[] Keys(int min, int max) => Enumerable.Range(0, rng.Next(min, max + 1)).Select(_ => Key()).ToArray();
    private T Pick<T>(params T[] xs) => xs[rng.Next(xs.Length)];
    private int Db(int dbs = 4) => rng.Next(100) < 95 ? rng.Next(dbs) : 0;
    private string DbArg() => rng.Next(100) < 94 ? rng.Next(4).ToString() : Pick("16", "-1", "abc", "99999999999", "1.5");

    private string Letters(int min, int max)
    {
        var chars = new char[rng.Next(min, max + 1)];
        for (int i = 0; i < chars.Length; i++) chars[i] = "abcdxyz"[rng.Next(7)];
        return new string(chars);
    }

    public string Value() => rng.Next(100) switch
    {
        < 20 => rng.Next(-5, 25).ToString(),
        < 25 => Pick("9999", "10000", "123456", "-123456789", "0"),
        < 30 => Pick("9223372036854775807", "-9223372036854775808", "9223372036854775806", "-9223372036854775807"),
        < 35 => Pick("007", "+5", " 5", "-0", "5 ", "1e3"),
        < 42 => Pick("1.5", "-2.25", "10.75", "0.5", "3.0"),
        < 80 => Letters(0, 20),
        < 93 => Letters(40, 50),
        < 99 => Letters(51, 300),
        _ => Letters(4000, 70000),
    };

    private string Seconds() => rng.Next(100) switch
    {
        < 80 => rng.Next(-2, 6).ToString(),
        < 90 => rng.Next(6, 100).ToString(),
        < 95 => Pick("abc", "9223372036854775807", "-9223372036854775808", "1.5", ""),
        _ => Pick("0", "-1"),
    };

    private string Millis() => rng.Next(100) switch
    {
        < 85 => rng.Next(-300, 6000).ToString(),
        < 92 => rng.Next(6000, 100000).ToString(),
        _ => Pick("abc", "9223372036854775807", "-9223372036854775808", "0"),
    };

    private string AbsSeconds() => rng.Next(100) < 92 ? (model.Now / 1000 + rng.Next(-3, 8)).ToString() : Pick("1", "0", "-5", "9223372036854775807", "x");
    private string AbsMillis() => rng.Next(100) < 92 ? (model.Now + rng.Next(-1000, 6000)).ToString() : Pick("1", "0", "-5", "9223372036854775807", "x");

    /// <summary>SET/GETEX options: mostly valid combinations, sometimes ones Redis rejects.</summary>
    private IEnumerable<string> SetOptions(bool getex)
    {
        var opts = new List<string>();
        if (!getex)
        {
            int c = rng.Next(10);
            if (c < 2) opts.Add("NX");
            else if (c < 4) opts.Add("XX");
            if (rng.Next(5) == 0) opts.Add("GET");
        }
        switch (rng.Next(getex ? 6 : 7))
        {
            case 0: opts.AddRange(["EX", Seconds()]); break;
            case 1: opts.AddRange(["PX", Millis()]); break;
            case 2: opts.AddRange(["EXAT", AbsSeconds()]); break;
            case 3: opts.AddRange(["PXAT", AbsMillis()]); break;
            case 4: opts.Add(getex ? "PERSIST" : "KEEPTTL"); break;
        }
        if (rng.Next(25) == 0) opts.Insert(rng.Next(opts.Count + 1), Pick("NX", "XX", "EX", "KEEPTTL", "PERSIST", "FOO", "GET", "PX", "10"));
        if (rng.Next(3) == 0) opts = opts.Select(o => o.ToLowerInvariant()).ToList();
        return opts;
    }

    private string SetRangeOffset() => rng.Next(100) switch
    {
        < 80 => rng.Next(0, 60).ToString(),
        < 96 => rng.Next(60, 100_000).ToString(),
        < 98 => "-1",
        _ => "536870912",
    };

    private IEnumerable<string> ExpireFlags()
    {
        if (rng.Next(100) < 60) return [];
        if (rng.Next(100) < 8) return [Pick("NX", "XX", "GT", "LT"), Pick("NX", "XX", "GT", "LT", "FOO")];
        return [Pick("NX", "XX", "GT", "LT", "nx", "gt")];
    }

    private static bool FloatSafe(string v) =>
        (KeyspaceModel.TryPlainDecimal(v, out decimal d) && d * 4 == decimal.Truncate(d * 4)) || (v.Length > 0 && v.All(c => "abcdxyz".Contains(c)));

    // The model's table is quadratic: mid-sized pairs are left out (huge ones only hit Redis's size error).
    private string[] Lcs(string a, string b)
    {
        long cells = (long)((model.Live(model.Db, a)?.Value.Length ?? 0) + 1) * ((model.Live(model.Db, b)?.Value.Length ?? 0) + 1);
        if (cells > 1_000_000 && cells * 4 <= 512L * 1024 * 1024) return ["STRLEN", a];
        return ["LCS", a, b, .. rng.Next(3) == 0 ? new[] { "LEN" } : []];
    }

    public string[] Next()
    {
        string k = Key();
        int r = rng.Next(1000);
        return r switch
        {
            // strings
            < 70 => ["GET", k],
            < 150 => ["SET", k, Value(), .. SetOptions(false)],
            < 165 => ["SETNX", k, Value()],
            < 185 => [Pick("SETEX", "PSETEX"), k, rng.Next(10) < 8 ? rng.Next(1, 5000).ToString() : Pick("0", "-1", "abc", "9223372036854775807"), Value()],
            < 200 => ["MGET", .. Keys(1, 4)],
            < 215 => ["MSET", .. Keys(1, 3).SelectMany(x => new[] { x, Value() }), .. rng.Next(30) == 0 ? new[] { "odd" } : []],
            < 225 => ["MSETNX", .. Keys(1, 3).SelectMany(x => new[] { x, Value() })],
            < 235 => ["GETSET", k, Value()],
            < 245 => ["GETDEL", k],
            < 270 => ["GETEX", k, .. SetOptions(true)],
            < 290 => ["APPEND", k, rng.Next(10) == 0 ? Value() : Letters(0, 12)],
            < 300 => ["STRLEN", k],
            < 330 => [Pick("INCR", "DECR"), k],
            < 350 => [Pick("INCRBY", "DECRBY"), k, rng.Next(10) < 8 ? rng.Next(-100, 100).ToString() : Pick("9223372036854775807", "-9223372036854775808", "abc", "1.5")],
            < 365 => model.Live(model.Db, k) is { } e && !FloatSafe(e.Value) ? ["GET", k] : ["INCRBYFLOAT", k, Pick(Floats)],
            < 385 => [Pick("GETRANGE", "SUBSTR"), k, rng.Next(-30, 30).ToString(), rng.Next(10) == 0 ? "x" : rng.Next(-30, 60).ToString()],
            < 405 => ["SETRANGE", k, SetRangeOffset(), rng.Next(8) == 0 ? "" : Letters(1, 10)],
            < 415 => Lcs(k, Key()),
            // keyspace
            < 450 => [Pick("DEL", "UNLINK"), .. Keys(1, 3)],
            < 475 => ["EXISTS", .. Keys(1, 3)],
            < 485 => ["TYPE", k],
            < 505 => [Pick("RENAME", "RENAMENX"), k, rng.Next(10) == 0 ? k : Key()],
            < 515 => ["KEYS", Pick(Patterns)],
            < 530 => ["SCAN", rng.Next(5) == 0 ? "0" : rng.Next(0, 64).ToString(), .. rng.Next(2) == 0 ? new[] { "COUNT", rng.Next(1, 20).ToString() } : [],
                      .. rng.Next(3) == 0 ? new[] { "MATCH", Pick(Patterns) } : [], .. rng.Next(6) == 0 ? new[] { "TYPE", Pick("string", "list", "STRING") } : []],
            < 540 => ["RANDOMKEY"],
            < 560 => ["MOVE", k, DbArg()],
            < 585 => ["COPY", k, rng.Next(10) == 0 ? k : Key(), .. rng.Next(3) == 0 ? new[] { "DB", DbArg() } : [], .. rng.Next(3) == 0 ? new[] { "REPLACE" } : []],
            < 595 => ["TOUCH", .. Keys(1, 3)],
            < 630 => ["OBJECT", Pick("ENCODING", "REFCOUNT", "IDLETIME", "encoding", "refcount", rng.Next(20) == 0 ? "FREQ" : "IDLETIME"), k],
            < 632 => ["OBJECT", "HELP"],
            // expiry
            < 680 => ["EXPIRE", k, Seconds(), .. ExpireFlags()],
            < 720 => ["PEXPIRE", k, Millis(), .. ExpireFlags()],
            < 740 => ["EXPIREAT", k, AbsSeconds(), .. ExpireFlags()],
            < 760 => ["PEXPIREAT", k, AbsMillis(), .. ExpireFlags()],
            < 840 => [Pick("TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"), k],
            < 860 => ["PERSIST", k],
            // databases
            < 890 => ["SELECT", rng.Next(50) == 0 ? Pick("16", "abc", "-1", "99999999999") : Db().ToString()],
            < 900 => ["SWAPDB", rng.Next(30) == 0 ? Pick("16", "abc") : Db().ToString(), rng.Next(30) == 0 ? Pick("-1", "99999999999") : Db().ToString()],
            < 904 => rng.Next(4) == 0 ? ["FLUSHDB", Pick("SYNC", "ASYNC")] : ["FLUSHDB"],
            < 905 => rng.Next(10) == 0 ? ["FLUSHALL"] : ["DBSIZE"],
            < 925 => ["DBSIZE"],
            _ => ["GET", k],
        };
    }
}

using System.Text;

namespace RedisLite.Tests;

/// <summary>
/// SCAN's contract: a key present for the whole iteration is returned at least once, even
/// while the table grows or shrinks (and is mid-rehash) between calls; a full iteration ends.
/// </summary>
public class ScanGuaranteeTests
{
    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    [InlineData(4, true)]
    public void KeysPresentThroughoutAreReturnedWhileTheTableResizes(int seed, bool shrink)
    {
        var rng = new Random(seed);
        using var s = new InProcessServer();
        var dict = s.Server.Keyspace.Keys(0);
        var stable = new HashSet<string>();
        for (int i = 0; i < 300; i++)
        {
            stable.Add($"stable:{i}");
            s.Call("SET", $"stable:{i}", "v");
        }
        var churn = new List<string>();
        if (shrink)
            for (int i = 0; i < 5000; i++)
            {
                churn.Add($"churn:{i}");
                s.Call("SET", $"churn:{i}", "v");
            }

        var seen = new HashSet<string>();
        string cursor = "0";
        int calls = 0, callsMidRehash = 0;
        ulong minBuckets = ulong.MaxValue, maxBuckets = 0;
        int next = churn.Count;
        do
        {
            if (dict.IsRehashing) callsMidRehash++;
            var reply = (object?[])s.Call("SCAN", cursor, "COUNT", rng.Next(1, 8).ToString())!;
            cursor = Encoding.ASCII.GetString((byte[])reply[0]!);
            foreach (byte[]? k in (object?[])reply[1]!) seen.Add(Encoding.ASCII.GetString(k!));
            calls++;

            // Change the table between calls: grow it with new keys, or empty it so the cron shrinks it.
            if (!shrink)
            {
                for (int i = rng.Next(5, 40); i > 0; i--) s.Call("SET", $"churn:{next++}", "v");
            }
            else
            {
                for (int i = rng.Next(20, 120); i > 0 && churn.Count > 0; i--)
                {
                    int pick = rng.Next(churn.Count);
                    s.Call("DEL", churn[pick]);
                    churn[pick] = churn[^1];
                    churn.RemoveAt(churn.Count - 1);
                }
                dict.ShrinkIfNeeded();
            }
            minBuckets = Math.Min(minBuckets, dict.BucketCount);
            maxBuckets = Math.Max(maxBuckets, dict.BucketCount);
            Assert.True(calls < 100_000, "SCAN did not finish");
        } while (cursor != "0");

        Assert.True(maxBuckets > minBuckets, $"the table should have resized during the scan ({minBuckets}..{maxBuckets} buckets)");
        Assert.True(callsMidRehash > 0, "no SCAN call happened while the table was rehashing");
        var missing = stable.Where(k => !seen.Contains(k)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} keys present during the whole scan were never returned, e.g. {string.Join(", ", missing.Take(5))}");
        Assert.DoesNotContain(seen, k => !k.StartsWith("stable:") && !k.StartsWith("churn:"));
    }

    [Fact]
    public void FullScanOfAStableKeyspaceReturnsEveryKeyExactlyOnce()
    {
        using var s = new InProcessServer();
        for (int i = 0; i < 1000; i++) s.Call("SET", $"key:{i}", i);
        var counts = new Dictionary<string, int>();
        string cursor = "0";
        do
        {
            var reply = (object?[])s.Call("SCAN", cursor, "COUNT", "7")!;
            cursor = Encoding.ASCII.GetString((byte[])reply[0]!);
            foreach (byte[]? k in (object?[])reply[1]!) counts[Encoding.ASCII.GetString(k!)] = counts.GetValueOrDefault(Encoding.ASCII.GetString(k!)) + 1;
        } while (cursor != "0");
        Assert.Equal(1000, counts.Count);
        Assert.All(counts.Values, c => Assert.Equal(1, c));
    }

    [Fact]
    public void ExpiredKeysAreDroppedAndDeletedAsRedisDoes()
    {
        using var s = new InProcessServer();
        s.Call("SET", "live", "v");
        s.Call("SET", "gone1", "v", "PX", "10");
        s.Call("SET", "gone2", "v", "PX", "10");
        s.NowMs += 11;
        // KEYS skips expired keys without deleting them.
        Assert.Equal(["live"], ((object?[])s.CallStr("KEYS", "*")!).Cast<string>());
        Assert.Equal(3L, s.Call("DBSIZE"));
        // SCAN drops and deletes them; with TYPE, Redis's type lookup deletes them first and
        // they read as type "none", so SCAN ... TYPE none returns their names once.
        var none = (object?[])s.CallStr("SCAN", "0", "COUNT", "100", "TYPE", "none")!;
        Assert.Equal(["gone1", "gone2"], ((object?[])none[1]!).Cast<string>().Order());
        Assert.Equal(1L, s.Call("DBSIZE"));
        Assert.Equal(2L, s.Server.Stats.ExpiredKeys);
        s.Call("SET", "gone3", "v", "PX", "10");
        s.NowMs += 11;
        var all = (object?[])s.CallStr("SCAN", "0", "COUNT", "100")!;
        Assert.Equal(["live"], ((object?[])all[1]!).Cast<string>());
        Assert.Equal(1L, s.Call("DBSIZE"));
    }
}

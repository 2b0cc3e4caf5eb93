using System.Diagnostics;
using RedisLite.Store;

namespace RedisLite.Server;

/// <summary>
/// Redis's activeExpireCycle (slow cycle): each cron tick, walk every database's expires index
/// with a SCAN cursor, 20 keys per round (more with active-expire-effort), deleting the expired
/// ones, and repeat a round while more than 10% of the sampled keys were stale, within 25% of the
/// tick's time budget. Keys that nobody reads still go away.
/// </summary>
public sealed class ActiveExpire(RedisServer server)
{
    private const int KeysPerLoop = 20;
    private const int AcceptableStalePercent = 10;
    private const int SlowTimePercent = 25;

    public void Cycle(int hz)
    {
        var ks = server.Keyspace;
        int effort = (int)server.Config.ActiveExpireEffort.Value - 1;
        int perLoop = KeysPerLoop + KeysPerLoop / 4 * effort;
        int stalePercent = AcceptableStalePercent - effort;
        long start = Stopwatch.GetTimestamp();
        long budget = Stopwatch.Frequency * (SlowTimePercent + 2 * effort) / 100 / hz;
        long totalSampled = 0, totalExpired = 0;
        try
        {
            for (int db = 0; db < ks.DbCount; db++)
                if (!CycleDb(db, perLoop, stalePercent, start, budget, ref totalSampled, ref totalExpired)) return;
        }
        finally
        {
            var stats = server.Stats;
            stats.ExpireCycleTimeUsedUs += (Stopwatch.GetTimestamp() - start) * 1_000_000 / Stopwatch.Frequency;
            // Running estimate of logically expired keys still present, this cycle weighing 5% (INFO expired_stale_perc).
            double current = totalSampled > 0 ? (double)totalExpired / totalSampled : 0;
            stats.ExpiredStalePerc = current * 0.05 + stats.ExpiredStalePerc * 0.95;
        }
    }

    // One database's rounds; false when the time budget ran out.
    private bool CycleDb(int db, int perLoop, int stalePercent, long start, long budget, ref long totalSampled, ref long totalExpired)
    {
        var ks = server.Keyspace;
        var expires = ks.Expires(db);
        ref var header = ref ks.DbHeader(db);
        if (expires.Count == 0 && header.AvgTtlMs != 0) header.AvgTtlMs = 0;
        while (expires.Count > 0)
        {
            var visitor = new Sampler(ks);
            int buckets = 0;
            ulong cursor = header.ExpiresCursor;
            do
            {
                cursor = expires.Scan(cursor, ref visitor);
                buckets++;
            } while (cursor != 0 && visitor.Sampled < perLoop && buckets < perLoop * 20);
            header.ExpiresCursor = cursor;
            foreach (ulong rec in visitor.Expired!) ks.ExpireNow(db, rec);
            totalSampled += visitor.Sampled;
            totalExpired += visitor.Expired.Count;
            if (visitor.TtlSamples > 0)
            {
                // INFO keyspace avg_ttl: a running average giving this round's mean a 2% weight, as Redis does.
                ulong avg = (ulong)(visitor.TtlSum / visitor.TtlSamples);
                if (header.AvgTtlMs == 0) header.AvgTtlMs = avg;
                header.AvgTtlMs = header.AvgTtlMs / 50 * 49 + avg / 50;
            }
            if (visitor.Sampled == 0 || visitor.Expired.Count * 100 / visitor.Sampled <= stalePercent) break;
            if (Stopwatch.GetTimestamp() - start > budget)
            {
                server.Stats.ExpiredTimeCapReached++;
                return false;
            }
        }
        return true;
    }

    private struct Sampler(Keyspace ks) : IDictVisitor
    {
        public int Sampled;
        public List<ulong>? Expired = new();
        public long TtlSum, TtlSamples;

        public void Visit(ulong entry)
        {
            Sampled++;
            if (ks.IsExpired(entry)) Expired!.Add(entry);
            else
            {
                TtlSum += ks.Rec(entry).ExpireMs - ks.NowMs;
                TtlSamples++;
            }
        }
    }
}

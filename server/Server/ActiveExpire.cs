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
        for (int db = 0; db < ks.DbCount; db++)
        {
            var expires = ks.Expires(db);
            ref var header = ref ks.DbHeader(db);
            while (expires.Count > 0)
            {
                var visitor = new Sampler(ks, db, perLoop);
                int buckets = 0;
                ulong cursor = header.ExpiresCursor;
                do
                {
                    cursor = expires.Scan(cursor, ref visitor);
                    buckets++;
                } while (cursor != 0 && visitor.Sampled < perLoop && buckets < perLoop * 20);
                header.ExpiresCursor = cursor;
                foreach (ulong rec in visitor.Expired!) ks.ExpireNow(db, rec);
                if (visitor.Sampled == 0 || visitor.Expired.Count * 100 / visitor.Sampled <= stalePercent) break;
                if (Stopwatch.GetTimestamp() - start > budget) return;
            }
        }
    }

    private struct Sampler(Keyspace ks, int db, int max) : IDictVisitor
    {
        public int Sampled;
        public List<ulong>? Expired = new();

        public void Visit(ulong entry)
        {
            Sampled++;
            if (ks.IsExpired(entry)) Expired!.Add(entry);
        }
    }
}

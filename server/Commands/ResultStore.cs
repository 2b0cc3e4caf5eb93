using RedisLite.Server;
using RedisLite.Store;

namespace RedisLite.Commands;

/// <summary>
/// How the *STORE commands of sets and sorted sets (SINTERSTORE, SUNIONSTORE, SDIFFSTORE,
/// ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE, ZRANGESTORE) write their result, as Redis's do: an empty
/// result deletes the destination; any other replaces whatever the destination held (of any
/// type, its TTL gone) with a new value, once the region is known to have room. Replies the size.
/// </summary>
public static class ResultStore
{
    /// <summary>
    /// Stores a result of <paramref name="count"/> elements of <paramref name="bytes"/> bytes in
    /// all under <paramref name="dst"/>: a fresh record of <paramref name="type"/> and
    /// <paramref name="encoding"/> that <paramref name="fill"/> gives its value.
    /// </summary>
    public static void Replace(CommandContext ctx, ReadOnlySpan<byte> dst, int count, ulong bytes, byte type, byte encoding, Action<Keyspace, ulong> fill)
    {
        var ks = ctx.Keyspace;
        ulong old = ks.Find(ctx.Db, dst);
        if (count == 0)
        {
            if (old != 0)
            {
                ks.Delete(ctx.Db, old);
                ctx.Dirty++;
            }
            ctx.Reply.Integer(0);
            return;
        }
        if (!ctx.EnsureRoom(RegionRoom.ForElements((ulong)count, bytes))) return;
        if (old != 0) ks.Delete(ctx.Db, old);
        ulong rec = ks.Create(ctx.Db, dst, type, encoding);
        fill(ks, rec);
        ctx.Dirty++;
        ctx.Reply.Integer(count);
    }
}

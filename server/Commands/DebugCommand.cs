using System.Globalization;
using RedisLite.Persistence;
using RedisLite.Server;
using RedisLite.Store;

namespace RedisLite.Commands;

/// <summary>
/// DEBUG, guarded by enable-debug-command as in Redis (no: refused; local: only from 127.0.0.1 or
/// ::1; yes: allowed). Subcommands: SLEEP, OBJECT, JMAP (RedisLite's region allocator report), RELOAD,
/// POPULATE and HELP; any other gets Redis's unknown-subcommand error, and HELP lists only these.
/// DEBUG SLEEP holds the store lock while it sleeps, so the whole server stops answering for that
/// long, as Redis's single thread does: other connections' batches wait on the lock (blocking the
/// socket threads they run on) and resume when it is released.
/// </summary>
public static class DebugCommand
{
    public const string NotAllowed =
        "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.";

    public static void Debug(CommandContext ctx)
    {
        if (!ConfigCommands.Allowed(ctx.Server.Config.EnableDebugCommand.Value, ctx.Client))
        {
            ctx.Error(NotAllowed);
            return;
        }
        var a = ctx.Args;
        if (a.Count == 2 && a.Is(1, "HELP")) Help(ctx);
        else if (a.Count == 3 && a.Is(1, "SLEEP")) Sleep(ctx);
        else if (a.Count == 3 && a.Is(1, "OBJECT")) Object(ctx);
        else if (a.Count == 2 && a.Is(1, "JMAP")) JMap(ctx);
        else if (a.Count >= 2 && a.Is(1, "RELOAD")) Reload(ctx);
        else if (a.Count is >= 3 and <= 5 && a.Is(1, "POPULATE")) Populate(ctx);
        else ctx.Error($"ERR unknown subcommand or wrong number of arguments for '{Errors.Truncate(a.Str(1), 128)}'. Try DEBUG HELP.");
    }

    private static void Help(CommandContext ctx) => Commands.Help.Reply(ctx, "DEBUG",
    [
        "JMAP",
        "    Show RedisLite's region allocator: size classes with used and free chunks,",
        "    page runs, and the region's top, reserved and used bytes.",
        "RELOAD [option ...]",
        "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
        "    * MERGE: conflicting keys will be loaded from RDB.",
        "    * NOFLUSH: the existing database will not be removed before load.",
        "    * NOSAVE: the database will be loaded from an existing RDB file.",
        "POPULATE <count> [<prefix>] [<size>]",
        "    Create <count> string keys named key:<num>. If <prefix> is specified then",
        "    it is used instead of the 'key' prefix. These are not propagated to",
        "    replicas.",
        "OBJECT <key>",
        "    Show low level info about `key` and associated value.",
        "SLEEP <seconds>",
        "    Stop the server for <seconds>. Decimals allowed.",
    ]);

    /// <summary>
    /// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save (unless NOSAVE), empty every database (unless
    /// NOFLUSH or MERGE), load the dump back, with Redis 7.0's replies: a failed save is a bare
    /// "-ERR", a missing or bad dump "Error trying to load the RDB dump". As in Redis, what loaded
    /// before a bad record stays (this is a debugging command; startup never serves a partial load).
    /// MERGE lets loaded keys replace existing ones, which the loader does anyway.
    /// </summary>
    private static void Reload(CommandContext ctx)
    {
        bool save = true, flush = true;
        for (int i = 2; i < ctx.Args.Count; i++)
        {
            if (ctx.Args.Is(i, "NOSAVE")) save = false;
            else if (ctx.Args.Is(i, "NOFLUSH") || ctx.Args.Is(i, "MERGE")) flush = false;
            else
            {
                ctx.Error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
                return;
            }
        }
        var snaps = ctx.Server.Snapshots;
        snaps.KillChild();
        if (save && snaps.SaveForeground() != null)
        {
            ctx.Error("ERR");
            return;
        }
        if (flush) ctx.Keyspace.FlushAll();
        try
        {
            if (DatasetLoader.LoadDump(ctx.Server) == null)
            {
                ctx.Error("ERR Error trying to load the RDB dump");
                return;
            }
        }
        catch (Exception e) when (e is Persistence.Rdb.RdbFormatException or IOException)
        {
            ctx.Server.Loading = false;
            Log.Warning($"Error loading the dump for DEBUG RELOAD: {e.Message}");
            ctx.Error("ERR Error trying to load the RDB dump");
            return;
        }
        Log.Notice("DB reloaded by DEBUG RELOAD");
        ctx.Reply.Ok();
    }

    /// <summary>
    /// DEBUG POPULATE count [prefix] [size]: keys prefix:0..count-1 holding "value:N", or with a
    /// size that text cut or zero-padded to size bytes (as Redis's). Existing keys are left alone.
    /// The benchmarks and the big-snapshot test load gigabytes with it in seconds.
    /// </summary>
    private static void Populate(CommandContext ctx)
    {
        var a = ctx.Args;
        if (!PositiveLong(ctx, 2, out long count)) return;
        string prefix = a.Count >= 4 ? a.Str(3) : "key";
        long size = 0;
        if (a.Count == 5 && !PositiveLong(ctx, 4, out size)) return;
        var ks = ctx.Keyspace;
        byte[] keyPrefix = System.Text.Encoding.UTF8.GetBytes(prefix + ":");
        var keyBuf = new byte[keyPrefix.Length + 20];
        keyPrefix.CopyTo(keyBuf, 0);
        Span<byte> text = stackalloc byte[26];
        "value:"u8.CopyTo(text);
        for (long j = 0; j < count; j++)
        {
            j.TryFormat(keyBuf.AsSpan(keyPrefix.Length), out int kn, default, CultureInfo.InvariantCulture);
            var key = keyBuf.AsSpan(0, keyPrefix.Length + kn);
            if (ks.Find(ctx.Db, key) != 0) continue;
            j.TryFormat(text[6..], out int vn, default, CultureInfo.InvariantCulture);
            var val = text[..(6 + vn)];
            ulong rec = ks.Create(ctx.Db, key, RegionLayout.TypeString, RegionLayout.EncRaw);
            if (size == 0)
            {
                StringValues.Set(ks, rec, val);
                continue;
            }
            var dst = StringValues.SetUninitialized(ks, rec, size);
            dst.Clear();
            val[..(int)Math.Min(val.Length, size)].CopyTo(dst);
        }
        ctx.Reply.Ok();
    }

    // Zero is accepted; anything else that is not a non-negative integer gets one error (checked
    // against redis-server 7.0.15, which words "x" and "-1" the same way here).
    private static bool PositiveLong(CommandContext ctx, int i, out long value)
    {
        if (StringValues.TryParseCanonicalInt(ctx.Args[i], out value) && value >= 0) return true;
        ctx.Error("ERR value is out of range, must be positive");
        return false;
    }

    /// <summary>DEBUG SLEEP seconds: like Redis, a non-number reads as 0 (strtod) and a negative time does not sleep.</summary>
    private static void Sleep(CommandContext ctx)
    {
        double seconds = LeadingDouble(ctx.Args.Str(2));
        if (seconds > 0) Thread.Sleep(TimeSpan.FromMicroseconds(Math.Min(seconds * 1e6, int.MaxValue * 1000.0)));
        ctx.Reply.Ok();
    }

    // strtod's view of a string: the longest numeric prefix, 0 if none.
    private static double LeadingDouble(string s)
    {
        s = s.TrimStart();
        for (int len = s.Length; len > 0; len--)
            if (double.TryParse(s.AsSpan(0, len), NumberStyles.Float, CultureInfo.InvariantCulture, out double d)) return d;
        return 0;
    }

    /// <summary>
    /// DEBUG OBJECT key, in Redis's format. "Value at" is the record's address; serializedlength is
    /// the RDB size of a string value without LZF compression (0 for other types, whose RDB size
    /// only the snapshot writer knows).
    /// </summary>
    private static unsafe void Object(CommandContext ctx)
    {
        var ks = ctx.Keyspace;
        ulong rec = ks.Find(ctx.Db, ctx.Args[2]);
        if (rec == 0)
        {
            ctx.Error(Errors.NoSuchKey);
            return;
        }
        ref var r = ref ks.Rec(rec);
        uint now = LruClock.Now;
        uint idle = now >= r.Lru ? now - r.Lru : LruClock.Max - r.Lru + now;
        long serialized = r.Type == RegionLayout.TypeString ? StringRdbLength(ks, rec) : 0;
        ctx.Reply.Simple(string.Create(CultureInfo.InvariantCulture,
            $"Value at:0x{(ulong)ks.Region.Ptr(rec):x} refcount:1 encoding:{Keys.EncodingName(ks, rec)} serializedlength:{serialized} lru:{r.Lru} lru_seconds_idle:{idle}"));
    }

    // rdbSaveStringObject without compression: an integer that fits 32 bits takes 1 + 1/2/4 bytes, else a length prefix and the bytes.
    private static long StringRdbLength(Keyspace ks, ulong rec)
    {
        if (StringValues.TryGetInt(ks, rec, out long v) && v >= int.MinValue && v <= int.MaxValue)
            return v >= sbyte.MinValue && v <= sbyte.MaxValue ? 2 : v >= short.MinValue && v <= short.MaxValue ? 3 : 5;
        long len = StringValues.Length(ks, rec);
        return len + (len < 1 << 6 ? 1 : len < 1 << 14 ? 2 : len <= uint.MaxValue ? 5 : 9);
    }

    /// <summary>DEBUG JMAP: the allocator census as "# Section" / "name:value" text, like INFO.</summary>
    private static void JMap(CommandContext ctx)
    {
        var st = ctx.Keyspace.Alloc.Stats();
        var info = new InfoText();
        info.Section("Region");
        info.Field("reserved_bytes", st.Reserved);
        info.Field("data_start", st.DataStart);
        info.Field("top_bytes", st.Top);
        info.Field("used_bytes", st.Used);
        info.Field("used_human", InfoText.Human(st.Used));
        info.Field("page_size", (long)RegionLayout.PageSize);
        info.Field("slab_size", (long)RegionLayout.SlabSize);
        info.Section("Page runs");
        info.Field("runs", st.Runs);
        info.Field("run_pages", st.RunPages);
        info.Field("free_runs", st.FreeRuns);
        info.Field("free_run_pages", st.FreeRunPages);
        info.Section("Size classes");
        foreach (var c in st.Classes)
        {
            if (c.Slabs == 0) continue;
            info.Field("class_" + c.ChunkSize.ToString(CultureInfo.InvariantCulture), string.Create(CultureInfo.InvariantCulture,
                $"slabs={c.Slabs},used={c.UsedChunks},free={c.FreeChunks},used_bytes={c.UsedChunks * c.ChunkSize}"));
        }
        ctx.Reply.Verbatim(info.ToString());
    }
}

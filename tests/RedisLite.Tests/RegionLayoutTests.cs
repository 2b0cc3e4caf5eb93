using System.Reflection;
using System.Runtime.InteropServices;
using RedisLite.Persistence;

namespace RedisLite.Tests;

/// <summary>The C# mirror (persistence/RegionLayout.cs) must match native/region.h exactly.</summary>
public class RegionLayoutTests
{
    private static readonly (string CName, Type Type)[] Structs =
    [
        ("rl_dict_table", typeof(RlDictTable)), ("rl_dict", typeof(RlDict)), ("rl_db", typeof(RlDb)),
        ("rl_key", typeof(RlKey)), ("rl_str", typeof(RlStr)), ("rl_hent", typeof(RlHent)), ("rl_free_run", typeof(RlFreeRun)),
        ("rl_region_header", typeof(RlRegionHeader)), ("rl_save_job", typeof(RlSaveJob)),
        ("rl_zset", typeof(RlZset)), ("rl_zsl_level", typeof(RlZslLevel)), ("rl_zsl_node", typeof(RlZslNode)),
        ("rl_zset_hval", typeof(RlZsetHval)),
        ("rl_quicklist", typeof(RlQuicklist)), ("rl_qlnode", typeof(RlQlNode)),
        ("rl_intset", typeof(RlIntset)),
        ("rl_child_report", typeof(RlChildReport)), ("rl_cow_sample", typeof(RlCowSample)), ("rl_cow_stats", typeof(RlCowStats)),
    ];

    [Fact]
    public void EveryNativeFactHasAMatchingMirror()
    {
        int count = NativeLayout.Count();
        Assert.True(count > 50, $"native library reports only {count} layout facts");
        var checkedNames = new List<string>();
        for (int i = 0; i < count; i++)
        {
            string name = NativeLayout.Name(i);
            long native = NativeLayout.Get(name)!.Value;
            long mirror = MirrorValue(name);
            Assert.True(native == mirror, $"{name}: C says {native}, C# mirror says {mirror}");
            checkedNames.Add(name);
        }
        // Every C# struct field must be covered by a native offsetof (no field the C side lacks).
        foreach (var (cname, type) in Structs)
            foreach (var f in type.GetFields(BindingFlags.Public | BindingFlags.Instance))
            {
                if (f.Name == "Pad") continue;
                Assert.True(checkedNames.Any(n => n.StartsWith($"offsetof({cname},", StringComparison.Ordinal)
                    && CFieldToCSharp(n[(n.IndexOf(',') + 1)..^1]) == NormaliseFieldName(f.Name)),
                    $"C# field {type.Name}.{f.Name} has no offsetof({cname},...) in native/layout.c");
            }
    }

    [Fact]
    public void UnknownFactsAreReportedAsMissing() => Assert.Null(NativeLayout.Get("sizeof(no_such_struct)"));

    private static long MirrorValue(string name)
    {
        if (name.StartsWith("sizeof(", StringComparison.Ordinal))
        {
            var t = Structs.Single(s => s.CName == name[7..^1]).Type;
            return Marshal.SizeOf(t);
        }
        if (name.StartsWith("offsetof(", StringComparison.Ordinal))
        {
            var parts = name[9..^1].Split(',');
            var t = Structs.Single(s => s.CName == parts[0]).Type;
            var field = t.GetFields(BindingFlags.Public | BindingFlags.Instance)
                .Single(f => NormaliseFieldName(f.Name) == CFieldToCSharp(parts[1]));
            return (long)Marshal.OffsetOf(t, field.Name);
        }
        // Constants: RL_PAGE_SIZE -> RegionLayout.PageSize etc.
        string csName = ConstantName(name);
        if (csName.StartsWith("RlChildReport.", StringComparison.Ordinal))
            return Convert.ToInt64(typeof(RlChildReport).GetField(csName[14..])!.GetValue(null));
        if (csName.StartsWith("RlCowStats.", StringComparison.Ordinal))
            return Convert.ToInt64(typeof(RlCowStats).GetField(csName[11..])!.GetValue(null));
        var fieldInfo = typeof(RegionLayout).GetField(csName, BindingFlags.Public | BindingFlags.Static | BindingFlags.IgnoreCase)
                        ?? throw new Xunit.Sdk.XunitException($"no C# constant RegionLayout.{csName} for {name}");
        return Convert.ToInt64(fieldInfo.GetValue(null) is ulong u ? unchecked((long)u) : fieldInfo.GetValue(null));
    }

    // rl_key.expire_ms -> "expirems"; C# ExpireMs -> "expirems"; the dict's "t" array maps to T0.
    private static string CFieldToCSharp(string c) => c == "t" ? "t0" : c.Replace("_", "").ToLowerInvariant();
    private static string NormaliseFieldName(string cs) => cs.ToLowerInvariant();

    private static string ConstantName(string c)
    {
        var map = new Dictionary<string, string>
        {
            ["RL_REGION_MAGIC"] = "Magic", ["RL_REGION_VERSION"] = "Version", ["RL_ENC_HT"] = "EncHt",
            ["RL_REPORT_MAGIC"] = "RlChildReport.ReportMagic", ["RL_REPORT_PROGRESS"] = "RlChildReport.Progress",
            ["RL_REPORT_DONE"] = "RlChildReport.Done",
            ["RL_COW_OFF"] = "RlCowStats.Off", ["RL_COW_WAITING"] = "RlCowStats.Waiting", ["RL_COW_COUNTING"] = "RlCowStats.Counting",
            ["RL_COW_DONE"] = "RlCowStats.Done", ["RL_COW_UNAVAILABLE"] = "RlCowStats.Unavailable",
            ["RL_COW_METHOD_NONE"] = "RlCowStats.MethodNone", ["RL_COW_METHOD_PFN"] = "RlCowStats.MethodPfn",
            ["RL_COW_METHOD_EXCLUSIVE"] = "RlCowStats.MethodExclusive",
        };
        if (map.TryGetValue(c, out var m)) return m;
        string s = c.StartsWith("RL_", StringComparison.Ordinal) ? c[3..] : c;
        return string.Concat(s.Split('_').Select(w => w[0] + w[1..].ToLowerInvariant()));
    }
}

/// <summary>The dict entry layouts used by C# agree with the structs they describe.</summary>
public class DictLayoutTests
{
    [Fact]
    public void EntryLayoutsPointAtTheRightFields()
    {
        var k = RedisLite.Store.Dict.EntryLayout.KeyRecords;
        Assert.Equal((int)Marshal.OffsetOf<RlKey>(nameof(RlKey.Next)), k.Link);
        Assert.Equal((int)Marshal.OffsetOf<RlKey>(nameof(RlKey.Hash)), k.Hash);
        Assert.Equal((int)Marshal.OffsetOf<RlKey>(nameof(RlKey.KeyLen)), k.KeyLen);
        Assert.Equal(Marshal.SizeOf<RlKey>(), k.Key);
        Assert.Equal((int)Marshal.OffsetOf<RlKey>(nameof(RlKey.ENext)), RedisLite.Store.Dict.EntryLayout.ExpireRecords.Link);
        var e = RedisLite.Store.Dict.EntryLayout.Elements;
        Assert.Equal((int)Marshal.OffsetOf<RlHent>(nameof(RlHent.Next)), e.Link);
        Assert.Equal((int)Marshal.OffsetOf<RlHent>(nameof(RlHent.Hash)), e.Hash);
        Assert.Equal((int)Marshal.OffsetOf<RlHent>(nameof(RlHent.KeyLen)), e.KeyLen);
        Assert.Equal(Marshal.SizeOf<RlHent>(), e.Key);
    }
}

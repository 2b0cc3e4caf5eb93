using System.Text;
using static RedisLite.Tests.Replies;

namespace RedisLite.Tests;

/// <summary>
/// Runs one script of string and keyspace commands (error cases included) against RedisLite and
/// against a real redis-server, and compares every reply. Most replies must be byte-identical;
/// the few that depend on time or randomness are compared by what is stable about them: TTLs
/// within a tolerance, KEYS as a set, RANDOMKEY as "nil or an existing key", SCAN by iterating to
/// the end on both servers and comparing the keys seen.
/// </summary>
public class ReferenceComparisonTests
{
    // Script lines: "<mode> <command> <args...>", arguments split on spaces ("" is an empty argument).
    //   =      replies identical
    //   ~      array replies equal as multisets (KEYS)
    //   tN     integer replies within N of each other (TTL-like; tolerates the time between the two servers)
    //   ?      RANDOMKEY: both nil, or both a key that exists on that server
    //   S      SCAN <args>: iterate from cursor 0 to the end on each server and compare the key sets
    private static readonly string[] Script =
    [
        // ---- strings
        "= get missing", "= set k1 hello", "= get k1", "= set k1 world xx", "= set k1 again nx", "= set knew v xx", "= get knew",
        "= set k1 v2 get", "= set k1 v3 nx get", "= set kx v nx get", "= set k1 v ex 100", "t1 ttl k1", "t1500 pttl k1",
        "= set k1 v px 100000", "t2 ttl k1", "= set k1 v exat 9999999999", "= ttl missing", "= expiretime k1", "= pexpiretime k1",
        "= set k1 v pxat 99999999999999", "= pexpiretime k1", "= set k1 v keepttl", "= pexpiretime k1", "= set k1 v", "= ttl k1",
        "= set k1 v ex 0", "= set k1 v ex -5", "= set k1 v px abc", "= set k1 v ex 9223372036854776", "= set k1 v px 9223372036854775807",
        "= set k1 v nx xx", "= set k1 v ex 10 px 10", "= set k1 v keepttl ex 10", "= set k1 v ex", "= set k1 v foo", "= set k1 v ex 10 ex 20", "t1 ttl k1",
        "= set k1 v exat 1", "= exists k1", "= set k1 v pxat 1 get", "= set", "= set k1",
        "= setnx sn 1", "= setnx sn 2", "= get sn", "= setex se 100 v", "t1 ttl se", "= setex se 0 v", "= setex se -1 v", "= setex se abc v",
        "= psetex pe 100000 v", "t1500 pttl pe", "= psetex pe 0 v", "= setex se 9223372036854775807 v",
        "= mset a 1 b 2 c 3", "= mget a b c missing", "= mset a 1 b", "= msetnx a 1 z 2", "= msetnx y 1 z 2", "= mget y z",
        "= getset a 10", "= getset newgs x", "= getdel a", "= getdel a", "= exists a",
        "= set ge v", "= getex ge", "= getex ge ex 100", "t1 ttl ge", "= getex ge persist", "= ttl ge", "= getex ge px 100000", "t1500 pttl ge",
        "= getex ge exat 9999999999", "= expiretime ge", "= getex ge pxat 99999999999999", "= pexpiretime ge", "= getex ge ex 0", "= getex ge foo",
        "= getex ge persist ex 10", "= getex ge ex 10 persist", "= getex missing ex 0", "= getex missing foo", "= getex ge pxat 1", "= exists ge",
        "= append ap hello", "= append ap \" world\"", "= get ap", "= strlen ap", "= strlen missing", "= append apn 12", "= object encoding apn",
        "= set i 10", "= incr i", "= decr i", "= incrby i 5", "= decrby i 3", "= incrby i abc", "= decrby i -9223372036854775808",
        "= set i 9223372036854775807", "= incr i", "= set i -9223372036854775808", "= decr i", "= set i abc", "= incr i", "= set i \" 1\"", "= incr i",
        "= set i 007", "= incr i", "= incr newi", "= decr newd", "= get newi",
        "= set f 10.5", "= incrbyfloat f 0.1", "= incrbyfloat f -5", "= incrbyfloat f 3.0e3", "= incrbyfloat f abc", "= set f abc", "= incrbyfloat f 1",
        "= incrbyfloat nf 0.1", "= incrbyfloat nf 0.2", "= set f 3", "= incrbyfloat f -3.0", "= object encoding f", "= incrbyfloat f 5", "= object encoding f",
        "= incrbyfloat f inf", "= set f 1", "= incrbyfloat f 1.", "= incrbyfloat f .5", "= incrbyfloat f 1e3",
        "= incrbyfloat h 0x1A", "= incrbyfloat h 0x1.8p1", "= incrbyfloat h -0X10", "= incrbyfloat huge 1e400", "= incrbyfloat huge -1e400",
        "= incrbyfloat tiny 1e-20", "= incrbyfloat tiny 1.5e-17", "= incrbyfloat tiny -1e-20", "= set big 9223372036854775807", "= incrbyfloat big 1.5",
        "= incrbyfloat big 0.1", "= incrbyfloat nz -0", "= incrbyfloat nz 0", "= incrbyfloat nz -0.0000000000000000001", "= incrbyfloat bad 1e-5000",
        "= incrbyfloat bad 1e5000", "= incrbyfloat bad nan", "= incrbyfloat bad \" 1\"", "= incrbyfloat bad \"1 \"", "= incrbyfloat bad +inf", "= incrbyfloat bad \"\"",
        "= incrbyfloat bad 1e", "= incrbyfloat bad 0x", "= incrbyfloat bad -", "= incrbyfloat pi 3.14159265358979323846264338327950288",
        "= incrbyfloat pi 2.718281828459045235360287", "= incrbyfloat pi -100000.000001", "= incrbyfloat pi 1e15", "= incrbyfloat pi 123456789.987654321",
        "= set gr \"This is a string\"", "= getrange gr 0 3", "= getrange gr -3 -1", "= getrange gr 0 -1", "= getrange gr 10 100", "= getrange gr 5 3",
        "= getrange gr -100 -50", "= getrange gr -1 -5", "= getrange missing 0 -1", "= getrange gr a 1", "= substr gr 0 3",
        "= setrange sr 5 hello", "= get sr", "= setrange sr 0 HE", "= get sr", "= setrange sr -1 x", "= setrange sr2 0 \"\"", "= exists sr2",
        "= setrange sr 1 \"\"", "= setrange sr 536870912 x", "= set srint 123", "= setrange srint 1 9", "= get srint", "= object encoding srint",
        "= set l1 ohmytext", "= set l2 mynewtext", "= lcs l1 l2", "= lcs l1 l2 len", "= lcs l1 l2 idx", "= lcs l1 l2 idx minmatchlen 4 withmatchlen",
        "= lcs l1 l2 len idx", "= lcs l1 missing", "= lcs l1 l2 foo",

        // ---- encodings and refcounts
        "= set e1 5", "= object encoding e1", "= object refcount e1", "= set e2 10000", "= object refcount e2", "= set e3 -1", "= object refcount e3",
        "= set e4 hello", "= object encoding e4", "= object refcount e4", "= set e5 123456789012345678901234567890123456789012345",
        "= object encoding e5", "= set e6 12345678901234567890123456789012345678901234", "= object encoding e6",
        "= set e7 12345678901234567890", "= object encoding e7", "= set e8 -9223372036854775808", "= object encoding e8",
        "= copy e1 e1c", "= object refcount e1c", "= object encoding e1c", "= incr e1c", "= object refcount e1c",
        "= append e4 x", "= object encoding e4", "= object encoding missing", "= object refcount missing", "= object idletime missing",
        "= object freq e1", "= object freq missing", "= object help", "= object foo", "= object", "= object encoding", "= object help x",
        "t2 object idletime e4",

        // ---- keyspace
        "= flushdb", "= mset k1 1 k2 2 k3 3", "= exists k1 k2 k1 missing", "= exists missing", "= del k1 k1 missing", "= exists k1", "= unlink k2 k3",
        "= dbsize", "= del", "= exists", "= set t v", "= type t", "= type missing",
        "= mset r1 a r2 b", "= rename r1 r3", "= get r3", "= exists r1", "= rename missing x", "= rename r3 r3", "= rename missing missing",
        "= renamenx r3 r2", "= renamenx r3 r4", "= renamenx r4 r4", "= renamenx missing r4", "= rename r4 r2", "= get r2",
        "= set rt v ex 100", "= rename rt rt2", "t1 ttl rt2",
        "= mset kk1 a kk2 b kx3 c kk10 d", "~ keys *", "~ keys kk*", "~ keys kk?", "~ keys k[a-k]*", "~ keys *1*", "~ keys nomatch", "= keys", "~ keys kk\\*",
        "= set mv v", "= move mv 1", "= exists mv", "= select 1", "= get mv", "= move mv 0", "= select 0", "= get mv",
        "= move mv 0", "= move mv 99", "= move mv -1", "= move mv abc", "= move mv 99999999999", "= move missing 1",
        "= set mv2 x", "= select 1", "= set mv2 y", "= select 0", "= move mv2 1", "= get mv2",
        "= set cp v", "= copy cp cp2", "= get cp2", "= copy cp cp2", "= copy cp cp2 replace", "= copy cp cp db 1", "= select 1", "= get cp", "= select 0",
        "= copy cp cp", "= copy cp x db 99", "= copy cp x db abc", "= copy cp x db", "= copy cp x foo", "= copy missing x", "= copy cp x db 99999999999",
        "= set cpt v ex 100", "= copy cpt cpt2", "t1 ttl cpt2", "= copy cp cpt2 db 0 replace", "= ttl cpt2",
        "= touch cp cp2 missing cp", "= touch",
        "= select 99", "= select abc", "= select 99999999999", "= swapdb 0 99", "= swapdb abc 0", "= swapdb 0 abc", "= swapdb 0 99999999999",

        // ---- expiry
        "= set ex1 v", "= expire ex1 100", "t1 ttl ex1", "= expire missing 100", "= expire ex1 abc", "= expire ex1 100 foo", "= expire ex1 100 nx xx",
        "= expire ex1 100 gt lt", "= expire ex1 100 nx gt", "= expire ex1 100 xx gt", "= expire ex1 9223372036854776", "= expire ex1 -9223372036854776",
        "= pexpire ex1 9223372036854775807", "= expireat ex1 9223372036854776", "= pexpireat ex1 9223372036854775807",
        "= set ex2 v", "= expire ex2 100 xx", "= expire ex2 100 gt", "= expire ex2 100 lt", "t1 ttl ex2", "= expire ex2 50 lt", "= expire ex2 200 lt",
        "= expire ex2 200 gt", "= expire ex2 100 gt", "= expire ex2 100 nx", "= expire ex2 300 xx", "t1 ttl ex2", "= persist ex2", "= persist ex2", "= ttl ex2",
        "= expireat ex2 9999999999", "= expiretime ex2", "= pexpireat ex2 99999999999999", "= pexpiretime ex2", "= pexpireat ex2 99999999999998 lt", "= pexpiretime ex2",
        "= expire ex2 -1", "= exists ex2", "= set ex3 v", "= pexpire ex3 0", "= exists ex3", "= set ex4 v", "= expireat ex4 1", "= exists ex4",
        "= set ex5 v", "= pexpireat ex5 -9223372036854775808", "= exists ex5", "= ttl missing", "= pttl missing", "= expiretime missing", "= pexpiretime missing",
        "= set ex6 v", "= ttl ex6", "= pttl ex6", "= expiretime ex6", "= pexpiretime ex6", "= persist missing", "= expire", "= ttl", "= persist",

        // ---- lists
        "= flushdb", "= lpush l1 a b c", "= rpush l1 1 2 3", "= lrange l1 0 -1", "= llen l1", "= type l1", "= object encoding l1", "= llen missing",
        "= lpushx missing a", "= rpushx missing a", "= exists missing", "= lpushx l1 x y", "= rpushx l1 z", "= lrange l1 0 -1", "= lpush", "= lpush l1",
        "= lrange l1 1 3", "= lrange l1 -3 -1", "= lrange l1 -100 100", "= lrange l1 5 2", "= lrange l1 100 200", "= lrange l1 -1 -3", "= lrange missing 0 -1",
        "= lrange l1 a 1", "= lrange l1 0 b", "= lrange l1 0 9223372036854775807", "= lrange l1 -9223372036854775808 0",
        "= lindex l1 0", "= lindex l1 -1", "= lindex l1 100", "= lindex l1 -100", "= lindex l1 abc", "= lindex missing abc", "= lindex missing 0",
        "= lset l1 0 first", "= lset l1 -1 last", "= lset l1 100 x", "= lset l1 -100 x", "= lset l1 abc x", "= lset missing 0 x", "= lset missing abc x", "= lrange l1 0 -1",
        "= lpop l1", "= rpop l1", "= lpop l1 2", "= rpop l1 2", "= lpop l1 0", "= lpop l1 -1", "= lpop l1 abc", "= lpop l1 1 2", "= lpop missing", "= lpop missing 2",
        "= lpop missing 0", "= lpop missing -1", "= rpop l1 100", "= exists l1", "= rpush l1 a", "= rpop l1", "= exists l1",
        "= rpush li a b c b a", "= linsert li before b x", "= linsert li after b y", "= linsert li after a z", "= linsert li before missing q", "= linsert li middle b q",
        "= linsert missing before a b", "= linsert missing middle a b", "= lrange li 0 -1", "= linsert li before 12 13", "= rpush li 12", "= linsert li before 12 13", "= lrange li 0 -1",
        "= rpush lr a b a c a b a", "= lrem lr 2 a", "= lrange lr 0 -1", "= lrem lr -1 a", "= lrange lr 0 -1", "= lrem lr 0 b", "= lrem lr 0 nothere", "= lrem lr abc a",
        "= lrem missing 0 a", "= lrem lr 0 a", "= lrem lr 0 c", "= exists lr", "= rpush ln 1 01 1 +1 1.0", "= lrem ln 0 1", "= lrange ln 0 -1",
        "= rpush lt 1 2 3 4 5 6 7", "= ltrim lt 1 -2", "= lrange lt 0 -1", "= ltrim lt -2 -1", "= lrange lt 0 -1", "= ltrim lt 5 3", "= exists lt", "= ltrim missing 0 1",
        "= ltrim lt a 1", "= rpush lt 1 2 3", "= ltrim lt 0 100", "= ltrim lt -100 0", "= lrange lt 0 -1",
        "= rpush lp a b c a b c a", "= lpos lp a", "= lpos lp c", "= lpos lp z", "= lpos lp a rank 2", "= lpos lp a rank -1", "= lpos lp a rank -3", "= lpos lp a rank 10",
        "= lpos lp a count 0", "= lpos lp a count 2", "= lpos lp a count 2 rank 2", "= lpos lp a count 0 rank -1", "= lpos lp a maxlen 1", "= lpos lp c maxlen 2",
        "= lpos lp a count 0 maxlen 4", "= lpos lp a rank 0", "= lpos lp a count -1", "= lpos lp a maxlen -1", "= lpos lp a count abc", "= lpos lp a rank abc",
        "= lpos lp a foo", "= lpos lp a rank", "= lpos missing a", "= lpos missing a count 1", "= lpos lp a rank -9223372036854775808", "= lpos lp a count 1 count 2",
        "= rpush src a b c", "= lmove src dst left right", "= lmove src dst right left", "= lrange src 0 -1", "= lrange dst 0 -1", "= lmove src src left right",
        "= lrange src 0 -1", "= lmove missing dst left left", "= lmove src dst up left", "= lmove src dst left down", "= rpoplpush src dst", "= lrange dst 0 -1",
        "= rpoplpush missing dst", "= exists src", "= set str v", "= rpush one x", "= lmove one str left left", "= lrange one 0 -1", "= lmove str one left left", "= rpoplpush one str",
        "= lmove missing str left left",
        "= rpush m1 a b c", "= rpush m2 d", "= lmpop 2 missing m1 left", "= lmpop 2 m1 m2 right count 10", "= lmpop 2 missing m2 left count 1", "= lmpop 1 missing left",
        "= lmpop 0 m1 left", "= lmpop -1 m1 left", "= lmpop abc m1 left", "= lmpop 2 m1 left", "= lmpop 1 m1 middle", "= lmpop 1 m1 left count 0", "= lmpop 1 m1 left count -1",
        "= lmpop 1 m1 left count abc", "= lmpop 1 m1 left count 1 count 2", "= lmpop 1 m1 left foo", "= lmpop 1 m1 left count", "= lmpop 1 str left", "= lmpop 2 m1 str left",
        "= rpush bl a b", "= blpop missing bl 0", "= brpop bl 0", "= blpop bl -1", "= blpop bl abc", "= blpop bl inf", "= blpop bl 1e30", "= blpop str 0", "= blpop missing str 0",
        "= exists bl", "= rpush bl a b c", "= blmove bl dst right left 0", "= brpoplpush bl dst 0", "= lrange dst 0 -1", "= blmove bl dst left left -1", "= blmove bl dst left left x",
        "= blmove bl dst foo left 0", "= blmove str dst left left 0", "= blmove bl str left left 0", "= brpoplpush bl dst -5",
        "= rpush bm a b c", "= blmpop 0 1 bm right count 2", "= blmpop 0 2 missing bm left", "= blmpop -1 1 bm left", "= blmpop 0 0 bm left", "= blmpop 0 1 bm middle",
        "= blmpop 0 1 str left", "= blmpop abc 1 bm left", "= exists bm",
        "= lpush str x", "= rpush str x", "= lpushx str x", "= rpushx str x", "= lpop str", "= rpop str 2", "= llen str", "= lrange str 0 -1", "= lindex str 0", "= lset str 0 x",
        "= linsert str before a b", "= lrem str 0 x", "= ltrim str 0 1", "= lpos str x", "= lmpop 1 str left",
        "= rpush ints 1 -1 127 128 -4096 4095 32767 -32768 8388607 -8388608 2147483647 -2147483648 9223372036854775807 -9223372036854775808 18446744073709551616 007 -0",
        "= lrange ints 0 -1", "= lindex ints 12", "= lpos ints 4095", "= lpos ints 007", "= lrem ints 0 -0",
        "= config get list-max-listpack-size", "= config get list-max-ziplist-size", "= config get list-compress-depth", "= config set list-max-ziplist-size 4", "= config get list-max-listpack-size",
        "= rpush small 1 2 3 4 5 6 7 8 9", "= lrange small 0 -1", "= linsert small before 5 x", "= lset small 2 y", "= lrange small 0 -1", "= object encoding small",
        "= config set list-max-listpack-size -2", "= config set list-compress-depth 1", "= config set list-compress-depth -1", "= config set list-max-listpack-size abc", "= config set list-compress-depth 0",
        "= copy small smallcopy", "= lrange smallcopy 0 -1", "= rename smallcopy sc2", "= lrange sc2 0 -1", "= del sc2 small", "= exists sc2 small",

        // ---- random, scan
        "= flushdb", "? randomkey", "= set only v", "= randomkey", "= mset s1 a s2 b s3 c s4 d s5 e s6 f s7 g s8 h s9 i s10 j s11 k s12 l",
        "? randomkey", "S", "S count 3", "S match s1*", "S match s? count 2", "S type string", "S type list", "S type STRING",
        "= scan 0 count 0", "= scan 0 count -1", "= scan 0 count abc", "= scan 0 match", "= scan 0 type", "= scan 0 foo bar", "= scan abc",
        "= scan -18446744073709551616", "= scan 18446744073709551616", "= scan \" 1\"", "= scan 0x1", "= scan",
    ];

    [SkippableFact]
    public void SameScriptSameReplies()
    {
        ReferenceRedis.SkipIfAbsent();
        using var reference = new ReferenceRedis();
        using var lite = new TestServer();
        using var r = reference.Client();
        using var l = lite.Client();
        Assert.Equal("OK", r.Call("FLUSHALL"));
        Assert.Equal("OK", l.Call("FLUSHALL"));
        var failures = new List<string>();
        foreach (string line in Script)
        {
            int sp = line.IndexOf(' ');
            string mode = sp < 0 ? line : line[..sp];
            object[] args = sp < 0 ? [] : Tokenize(line[(sp + 1)..]);
            string? problem;
            try
            {
                problem = mode == "S" ? CompareFullScan(r, l, args) : Compare(mode, r.CallRaw(args), l.CallRaw(args), r, l);
            }
            catch (IOException e)
            {
                throw new IOException($"at script line '{line}': {e.Message}", e);
            }
            if (problem != null) failures.Add($"{line}: {problem}");
        }
        Assert.True(failures.Count == 0, "replies differ from redis-server:\n" + string.Join("\n", failures));
    }

    private static object[] Tokenize(string s)
    {
        var parts = new List<object>();
        int i = 0;
        while (i < s.Length)
        {
            if (s[i] == ' ') { i++; continue; }
            if (s[i] == '"')
            {
                int end = s.IndexOf('"', i + 1);
                parts.Add(s[(i + 1)..end]);
                i = end + 1;
                continue;
            }
            int next = s.IndexOf(' ', i);
            if (next < 0) next = s.Length;
            parts.Add(s[i..next]);
            i = next;
        }
        return parts.ToArray();
    }

    private static string? Compare(string mode, object? expected, object? actual, RespClient r, RespClient l)
    {
        switch (mode[0])
        {
            case '=':
                return Same(expected, actual) ? null : $"redis {Show(expected)} / redislite {Show(actual)}";
            case '~':
                if (expected is object?[] ea && actual is object?[] aa &&
                    ea.Select(Show).Order().SequenceEqual(aa.Select(Show).Order()))
                    return null;
                return $"redis {Show(expected)} / redislite {Show(actual)} (as sets)";
            case 't':
                long tol = long.Parse(mode[1..]);
                if (expected is long e && actual is long a && Math.Abs(e - a) <= tol) return null;
                return $"redis {Show(expected)} / redislite {Show(actual)} (tolerance {tol})";
            case '?':
                if (expected == null && actual == null) return null;
                if (expected is byte[] ek && actual is byte[] ak &&
                    r.Call("EXISTS", ek) is 1L && l.Call("EXISTS", ak) is 1L)
                    return null;
                return $"redis {Show(expected)} / redislite {Show(actual)} (random key)";
            default:
                throw new ArgumentException($"unknown mode {mode}");
        }
    }

    private static string? CompareFullScan(RespClient r, RespClient l, object[] options)
    {
        var er = FullScan(r, options, out string? rErr);
        var el = FullScan(l, options, out string? lErr);
        if (rErr != null || lErr != null) return rErr == lErr ? null : $"redis {rErr} / redislite {lErr}";
        return er.SetEquals(el) ? null : $"redis saw [{string.Join(",", er.Order())}] / redislite saw [{string.Join(",", el.Order())}]";
    }

    private static HashSet<string> FullScan(RespClient c, object[] options, out string? error)
    {
        var seen = new HashSet<string>();
        error = null;
        string cursor = "0";
        int calls = 0;
        do
        {
            var reply = c.Call(["SCAN", cursor, .. options]);
            if (reply is RespClient.RespError err)
            {
                error = err.Message;
                return seen;
            }
            var parts = (object?[])reply!;
            cursor = (string)parts[0]!;
            foreach (var k in (object?[])parts[1]!) seen.Add((string)k!);
            if (++calls > 10_000) throw new InvalidOperationException("SCAN did not terminate");
        } while (cursor != "0");
        return seen;
    }
}

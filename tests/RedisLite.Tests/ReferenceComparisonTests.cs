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
    //   tN     integer replies within N of each other: TTLs and idle times, which depend on when each
    //          server ran the command. N is 30 s (t30, t30000 for ms) so that only a wrong value fails,
    //          never a slow machine pausing this test between the two servers' calls.
    //   ?      RANDOMKEY: both nil, or both a key that exists on that server
    //   S      SCAN <args>: iterate from cursor 0 to the end on each server and compare the key sets
    //   (~ also serves ZRANDMEMBER with a count at least the set's size: the whole set, in any order)
    private static readonly string[] Script =
    [
        // ---- strings
        "= get missing", "= set k1 hello", "= get k1", "= set k1 world xx", "= set k1 again nx", "= set knew v xx", "= get knew",
        "= set k1 v2 get", "= set k1 v3 nx get", "= set kx v nx get", "= set k1 v ex 100", "t30 ttl k1", "t30000 pttl k1",
        "= set k1 v px 100000", "t30 ttl k1", "= set k1 v exat 9999999999", "= ttl missing", "= expiretime k1", "= pexpiretime k1",
        "= set k1 v pxat 99999999999999", "= pexpiretime k1", "= set k1 v keepttl", "= pexpiretime k1", "= set k1 v", "= ttl k1",
        "= set k1 v ex 0", "= set k1 v ex -5", "= set k1 v px abc", "= set k1 v ex 9223372036854776", "= set k1 v px 9223372036854775807",
        "= set k1 v nx xx", "= set k1 v ex 10 px 10", "= set k1 v keepttl ex 10", "= set k1 v ex", "= set k1 v foo", "= set k1 v ex 10 ex 20", "t30 ttl k1",
        "= set k1 v exat 1", "= exists k1", "= set k1 v pxat 1 get", "= set", "= set k1",
        "= setnx sn 1", "= setnx sn 2", "= get sn", "= setex se 100 v", "t30 ttl se", "= setex se 0 v", "= setex se -1 v", "= setex se abc v",
        "= psetex pe 100000 v", "t30000 pttl pe", "= psetex pe 0 v", "= setex se 9223372036854775807 v",
        "= mset a 1 b 2 c 3", "= mget a b c missing", "= mset a 1 b", "= msetnx a 1 z 2", "= msetnx y 1 z 2", "= mget y z",
        "= getset a 10", "= getset newgs x", "= getdel a", "= getdel a", "= exists a",
        "= set ge v", "= getex ge", "= getex ge ex 100", "t30 ttl ge", "= getex ge persist", "= ttl ge", "= getex ge px 100000", "t30000 pttl ge",
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
        "t30 object idletime e4",

        // ---- keyspace
        "= flushdb", "= mset k1 1 k2 2 k3 3", "= exists k1 k2 k1 missing", "= exists missing", "= del k1 k1 missing", "= exists k1", "= unlink k2 k3",
        "= dbsize", "= del", "= exists", "= set t v", "= type t", "= type missing",
        "= mset r1 a r2 b", "= rename r1 r3", "= get r3", "= exists r1", "= rename missing x", "= rename r3 r3", "= rename missing missing",
        "= renamenx r3 r2", "= renamenx r3 r4", "= renamenx r4 r4", "= renamenx missing r4", "= rename r4 r2", "= get r2",
        "= set rt v ex 100", "= rename rt rt2", "t30 ttl rt2",
        "= mset kk1 a kk2 b kx3 c kk10 d", "~ keys *", "~ keys kk*", "~ keys kk?", "~ keys k[a-k]*", "~ keys *1*", "~ keys nomatch", "= keys", "~ keys kk\\*",
        "= set mv v", "= move mv 1", "= exists mv", "= select 1", "= get mv", "= move mv 0", "= select 0", "= get mv",
        "= move mv 0", "= move mv 99", "= move mv -1", "= move mv abc", "= move mv 99999999999", "= move missing 1",
        "= set mv2 x", "= select 1", "= set mv2 y", "= select 0", "= move mv2 1", "= get mv2",
        "= set cp v", "= copy cp cp2", "= get cp2", "= copy cp cp2", "= copy cp cp2 replace", "= copy cp cp db 1", "= select 1", "= get cp", "= select 0",
        "= copy cp cp", "= copy cp x db 99", "= copy cp x db abc", "= copy cp x db", "= copy cp x foo", "= copy missing x", "= copy cp x db 99999999999",
        "= set cpt v ex 100", "= copy cpt cpt2", "t30 ttl cpt2", "= copy cp cpt2 db 0 replace", "= ttl cpt2",
        "= touch cp cp2 missing cp", "= touch",
        "= select 99", "= select abc", "= select 99999999999", "= swapdb 0 99", "= swapdb abc 0", "= swapdb 0 abc", "= swapdb 0 99999999999",

        // ---- expiry
        "= set ex1 v", "= expire ex1 100", "t30 ttl ex1", "= expire missing 100", "= expire ex1 abc", "= expire ex1 100 foo", "= expire ex1 100 nx xx",
        "= expire ex1 100 gt lt", "= expire ex1 100 nx gt", "= expire ex1 100 xx gt", "= expire ex1 9223372036854776", "= expire ex1 -9223372036854776",
        "= pexpire ex1 9223372036854775807", "= expireat ex1 9223372036854776", "= pexpireat ex1 9223372036854775807",
        "= set ex2 v", "= expire ex2 100 xx", "= expire ex2 100 gt", "= expire ex2 100 lt", "t30 ttl ex2", "= expire ex2 50 lt", "= expire ex2 200 lt",
        "= expire ex2 200 gt", "= expire ex2 100 gt", "= expire ex2 100 nx", "= expire ex2 300 xx", "t30 ttl ex2", "= persist ex2", "= persist ex2", "= ttl ex2",
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

        // ---- sorted sets: replies, errors, WRONGTYPE, encodings and their thresholds, score formatting
        "= flushdb", "= zadd z 1 a 2 b 3 c", "= zadd z 0.1 d -0 e 1e-5 f 12345678.5 g 1e20 h inf i -inf j 3.0000000000000004 k",
        "= zrange z 0 -1 withscores", "= object encoding z", "= zscore z d", "= zscore z e", "= zscore z missing", "= zscore missing a",
        "= zmscore z a missing d", "= zmscore missing a b", "= zcard z", "= zcard missing", "= zrank z c", "= zrevrank z c", "= zrank z missing",
        "= zrank missing a", "= zadd z nan x", "= zadd z xx nx 1 a", "= zadd z gt nx 1 a", "= zadd z lt gt 1 a", "= zadd z incr 1 a 2 b", "= zadd z 1",
        "= zadd z 1 a 2", "= zadd z foo 1 a", "= zadd z abc a", "= zadd z \" 1\" a", "= zadd z 1e400 a", "= zadd z 1e-400 a", "= zadd z 0x10 hex",
        "= zscore z hex", "= zadd z ch 5 a 6 newone", "= zadd z xx 7 a 8 nosuch", "= zadd z nx 9 a 10 nxnew", "= zadd z gt 1 a", "= zadd z gt ch 100 a",
        "= zadd z lt ch 200 a", "= zadd z lt ch -5 a", "= zadd z incr 2.5 a", "= zadd z xx incr 1 nosuch", "= zadd z nx incr 1 a", "= zadd z incr -inf i",
        "= zincrby z -inf i", "= zincrby z abc a", "= zincrby z 1.5 newincr", "= zincrby z 0.1 newincr", "= zincrby z -0 negz", "= zrange z 0 -1 withscores",
        "= zcount z -inf +inf", "= zcount z (1 3", "= zcount z 1 (3", "= zcount z 3 1", "= zcount z (1 (1", "= zcount z a b", "= zcount missing 0 1",
        "= zcount z \" 1\" inf", "= zcount z \"\" \"\"", "= zcount z ( 5", "= zrangebyscore z 0 5 withscores", "= zrangebyscore z (0 5 withscores limit 1 2",
        "= zrangebyscore z -inf +inf limit 2 -1", "= zrangebyscore z -inf +inf limit -1 5", "= zrangebyscore z -inf +inf limit 100 5",
        "= zrangebyscore z -inf +inf limit 0 0", "= zrangebyscore z 0 1 limit 1", "= zrangebyscore z 0 1 limit a 1", "= zrangebyscore z 0 1 byscore",
        "= zrangebyscore z nan 1", "= zrevrangebyscore z 5 0 withscores", "= zrevrangebyscore z +inf -inf withscores limit 1 3",
        "= zrevrangebyscore z (5 (0", "= zrange z 0 1 limit 0 1", "= zrange z 0 1 limit 0 -1", "= zrange z a b", "= zrange z 0 -1 rev withscores",
        "= zrange z 5 1 byscore rev withscores", "= zrange z (5 (1 byscore rev limit 1 1", "= zrange z 1 5 byscore withscores",
        "= zrange z -3 -1 withscores", "= zrange z -100 100", "= zrange z 5 2", "= zrange z 100 200", "= zrange z 0 1 bylex",
        "= zrange z [a [c bylex withscores", "= zrange z 0 1 rev rev", "= zrange z 0 1 byscore bylex", "= zrange z 0 1 withscores withscores",
        "= zrevrange z 0 2 withscores", "= zrevrange z 0 1 rev", "= zrevrange z 0 1 limit 0 1", "= zrangebyscore missing 0 1", "= zrange missing 0 -1",
        "= set str v", "= zadd str 1 a", "= zrange str 0 -1", "= zscore str a", "= zcard str", "= zrank str a", "= zincrby str 1 a", "= zrem str a",
        "= zcount str 0 1", "= zrangestore dst str 0 -1", "= zunion 1 str", "= zpopmin str", "= zmpop 1 str min", "= zrandmember str", "= zscan str 0",
        "= del lex", "= zadd lex 0 a 0 b 0 c 0 d 0 e 0 f 0 g", "= zrangebylex lex - +", "= zrangebylex lex [b (e", "= zrangebylex lex (b [e limit 1 2",
        "= zrangebylex lex + -", "= zrangebylex lex - -", "= zrangebylex lex [a a", "= zrangebylex lex +a -", "= zrangebylex lex - + withscores",
        "= zrevrangebylex lex + -", "= zrevrangebylex lex [e (b", "= zrevrangebylex lex + - limit 2 2", "= zrange lex [e [b bylex rev",
        "= zlexcount lex - +", "= zlexcount lex [b (e", "= zlexcount lex (b (b", "= zlexcount lex a b", "= zlexcount missing - +",
        "= zremrangebylex lex [b (d", "= zrange lex 0 -1", "= zremrangebylex lex x y", "= zremrangebylex lex - +", "= exists lex",
        "= zadd r 1 a 2 b 3 c 4 d 5 e 6 f", "= zremrangebyrank r 0 1", "= zremrangebyrank r -1 -1", "= zremrangebyrank r 5 10", "= zremrangebyrank r a 1",
        "= zrange r 0 -1 withscores", "= zremrangebyscore r (3 4", "= zremrangebyscore r a 4", "= zremrangebyscore r -inf +inf", "= exists r",
        "= zremrangebyrank missing 0 -1", "= zadd p 1 a 2 b 3 c 4 d 5 e", "= zpopmin p", "= zpopmax p", "= zpopmin p 2", "= zpopmin p 0", "= zpopmin p -1",
        "= zpopmin p abc", "= zpopmin p 1 2", "= zpopmax p 10", "= exists p", "= zpopmin missing", "= zpopmin missing 0", "= zadd mp1 1 a 2 b",
        "= zadd mp2 5 x 6 y 7 z", "= zmpop 2 missing mp2 min", "= zmpop 2 missing mp2 max count 5", "= zmpop 1 missing min", "= zmpop 0 mp1 min",
        "= zmpop abc mp1 min", "= zmpop 1 mp1 foo", "= zmpop 1 mp1 min count 0", "= zmpop 1 mp1 min count abc", "= zmpop 1 mp1 min count 1 count 1",
        "= zmpop 3 mp1 min", "= zmpop 1 mp1 max count 10", "= exists mp1", "= zadd u1 1 a 2 b 3 c", "= zadd u2 10 b 20 c 30 d", "= zadd u3 100 c",
        "= zunion 2 u1 u2", "= zunion 2 u1 u2 withscores", "= zunion 2 u1 u2 weights 2 0.5 withscores", "= zunion 2 u1 u2 aggregate min withscores",
        "= zunion 2 u1 u2 aggregate max withscores", "= zunion 3 u1 u2 missing withscores", "= zinter 2 u1 u2 withscores",
        "= zinter 3 u1 u2 u3 withscores aggregate max", "= zinter 2 u1 missing", "= zdiff 2 u1 u2 withscores", "= zdiff 1 u1 withscores",
        "= zdiff 2 missing u1", "= zunionstore dst 2 u1 u2", "= zrange dst 0 -1 withscores", "= object encoding dst",
        "= zinterstore dst 2 u1 u2 weights 1 -1", "= zrange dst 0 -1 withscores", "= zdiffstore dst 2 u1 u2", "= zrange dst 0 -1 withscores",
        "= zinterstore dst 2 u1 missing", "= exists dst", "= zunionstore dst 0 u1", "= zunionstore dst 2 u1", "= zunionstore dst 1 u1 weights a",
        "= zunionstore dst 1 u1 weights 1 2", "= zunionstore dst 1 u1 aggregate foo", "= zunionstore dst 1 u1 withscores", "= zunionstore dst abc u1",
        "= zunionstore dst 1 str weights x", "= zdiff 1 u1 weights 1", "= zdiff 1 u1 aggregate sum", "= zunion 1 u1 withscores withscores",
        "= zinter 1 u1 limit 1", "= zintercard 2 u1 u2", "= zintercard 2 u1 u2 limit 1", "= zintercard 2 u1 u2 limit 0", "= zintercard 2 u1 u2 limit -1",
        "= zintercard 0 u1", "= zintercard 1 u1 weights 1", "= zintercard abc u1", "= zintercard 2 u1 missing", "= zadd inf1 inf a -inf b",
        "= zadd inf2 -inf a inf b", "= zunion 2 inf1 inf2 withscores", "= zinter 2 inf1 inf2 withscores weights 0 1",
        "= zunionstore dsti 2 inf1 inf2 weights 0 0", "= zrange dsti 0 -1 withscores", "= zrangestore dst u2 0 1", "= zrange dst 0 -1 withscores",
        "= zrangestore dst u2 (10 +inf byscore limit 0 1", "= zrange dst 0 -1 withscores", "= zrangestore dst u2 [z - bylex rev",
        "= zrangestore dst missing 0 -1", "= exists dst", "= zrangestore dst u2 0 -1 withscores", "= zrangestore dst u2 0 1 limit 0 1",
        "= zrandmember missing", "= zrandmember missing 3", "= zrandmember u1 0", "= zrandmember u1 abc", "= zrandmember u1 1 foo",
        "= zrandmember u1 abc foo", "= zrandmember u1 -9223372036854775808", "= zrandmember u1 1 withscores x", "~ zrandmember u1 3",
        "~ zrandmember u1 10 withscores", "= zadd one 7 only", "= zrandmember one", "= zrandmember one -3 withscores", "= zscan u1 0",
        "= zscan u1 0 match b*", "= zscan u1 0 count 0", "= zscan u1 0 count abc", "= zscan u1 0 type zset", "= zscan u1 abc", "= zscan missing 0",
        "= zscan missing abc", "= zadd z2 1.5 x 2 y", "= zrem z2 x nosuch", "= zrem z2 y", "= exists z2", "= zrem missing a", "= zrem z2",
        "= config set zset-max-listpack-entries 4", "= zadd big 1 a 2 b 3 c 4 d", "= object encoding big", "= zadd big 5 e", "= object encoding big",
        "= zrem big a b c d", "= object encoding big", "= zadd bigneg -0 a 0.1 b 1e-5 c 5 d 6 e", "= zrange bigneg 0 -1 withscores",
        "= zadd sk -0 n 0.5 o 1 p 2 q 3 r", "= zscore sk n", "= zincrby sk -0 newm", "= zrange sk 0 -1 withscores", "= zrank sk r", "= zrevrank sk r",
        "= zcount sk 0 2", "= zlexcount sk - +", "= zrangebyscore sk (0 +inf withscores limit 1 2", "= zrevrangebyscore sk +inf (0 withscores limit 1 2",
        "= zremrangebyscore sk 1 2", "= zrange sk 0 -1 withscores", "= zunionstore small 1 sk", "= object encoding small", "= zunionstore small 2 sk big",
        "= object encoding small", "= config set zset-max-listpack-entries 128", "= config set zset-max-listpack-value 5", "= zadd lv 1 abcdef",
        "= object encoding lv", "= zadd lv2 1 abc", "= zadd lv2 2 abcdefgh", "= object encoding lv2", "= zadd lv3 1 abc 2 abcdefgh", "= object encoding lv3",
        "= zadd lv4 1 abcdefgh 2 abc", "= object encoding lv4", "= config set zset-max-listpack-value 64", "= config get zset-max-ziplist-entries",
        "= config get zset-max-listpack-value", "= config set zset-max-ziplist-entries 10", "= config get zset-max-listpack-entries",
        "= config set zset-max-ziplist-entries 128",
        "= zadd fmt 0.3 a 1.5e308 b 123456789012345678 c 5e-324 d -1e-320 e 1e15 f 1e16 g 1e17 h 4503599627370496 i 4503599627370495 j -4503599627370495 k 0.000123 l",
        "= zrange fmt 0 -1 withscores", "= zscan fmt 0", "= type fmt", "= copy fmt fmtc", "= zrange fmtc 0 -1 withscores", "= object encoding fmtc",
        "= copy sk skc", "= zrange skc 0 -1 withscores", "= object encoding skc", "= rename skc skr", "= zrange skr 0 -1 withscores",
        "= zadd bzk 1 a 2 b 3 c", "= bzpopmin nokey bzk 0", "= bzpopmax bzk 0", "= bzmpop 0 2 nokey bzk min count 5", "= exists bzk",
        "= bzpopmin str 0", "= bzpopmin bzk -1", "= bzpopmin bzk abc", "= bzmpop abc 0 bzk min", "= bzmpop 0 1 bzk foo",
        "= bzmpop 0 1 bzk min count 0", "= bzmpop -1 1 bzk min", "= bzpopmin bzk 0.01", "= bzmpop 0.01 1 bzk max",
        "= zadd q 4611686018427387904 a 9223372036854775808 b -4611686018427387904 c -4611686018427387905 d 4611686018427388000000 e", "= zscan q 0",
        "= zrandmember q -9223372036854775807 withscores", "= zrandmember missing 9223372036854775807 withscores",
        "= zrandmember q 4611686018427387904 withscores", "= zrandmember q -9223372036854775808",

        // ---- hashes (listpack order is insertion order on both servers; hashtable replies compared as multisets)
        "= flushdb", "= hset h a 1 b 2 c hello", "= hset h a 10 d x", "= hgetall h", "= hget h a", "= hget h zz", "= hget missing a",
        "= hmget h a zz c", "= hmget missing a b", "= hkeys h", "= hvals h", "= hlen h", "= hlen missing", "= hexists h a", "= hexists h zz",
        "= hstrlen h c", "= hstrlen h a", "= hstrlen h zz", "= hsetnx h a 5", "= hsetnx h n 5", "= hget h n", "= hmset h x 1 y 2", "= hmset h x",
        "= hset h a", "= hset h", "= hdel h a zz", "= hdel h zz", "= hdel missing a", "= object encoding h", "= hincrby h n 10", "= hincrby h n -20",
        "= hincrby h c 1", "= hincrby h n abc", "= hincrby h n 9223372036854775807", "= hset h big 9223372036854775807", "= hincrby h big 1",
        "= hincrby h new -5", "= hincrbyfloat h f 10.5", "= hincrbyfloat h f 0.1", "= hincrbyfloat h f -5e2", "= hincrbyfloat h c 1",
        "= hincrbyfloat h f abc", "= hincrbyfloat h f inf", "= hincrbyfloat h f nan", "= hincrbyfloat h n 1.5", "= hincrbyfloat h g 3.0e3",
        "= hincrbyfloat h g 0x10", "= hincrbyfloat h big 1", "= hget h g", "= hgetall h",
        "= set str v", "= hget str a", "= hset str a 1", "= hgetall str", "= hlen str", "= hdel str a", "= hincrby str a 1", "= hincrbyfloat str a 1",
        "= hrandfield str", "= hscan str 0", "= hstrlen str a", "= hexists str a", "= hkeys str", "= hvals str", "= hmget str a", "= hsetnx str a 1",
        "= del h2", "= hset h2 a 1", "= hrandfield h2", "= hrandfield h2 1", "= hrandfield h2 5", "= hrandfield h2 -3", "= hrandfield h2 -2 withvalues",
        "= hrandfield h2 1 withvalues", "= hrandfield h2 0", "= hrandfield missing", "= hrandfield missing 3", "= hrandfield h2 abc",
        "= hrandfield h2 1 foo", "= hrandfield h2 1 withvalues x", "= hrandfield h2 -9223372036854775808", "= hrandfield h2 -9223372036854775807 withvalues",
        "= hrandfield h2 4611686018427387904 withvalues",
        "= hscan h 0", "= hscan h 0 match a*", "= hscan h 0 count 100", "= hscan h 0 count 0", "= hscan h 0 type string", "= hscan h abc",
        "= hscan missing 0", "= hscan missing 0 count 0", "= hscan h 0 match", "= hscan h",
        "= config set hash-max-listpack-entries 4", "= config get hash-max-ziplist-entries", "= hset hc a 1 b 2 c 3 d 4", "= object encoding hc",
        "= hset hc e 5", "= object encoding hc", "= hdel hc a b c d", "= object encoding hc", "~ hgetall hc",
        "= config set hash-max-ziplist-value 8", "= config get hash-max-listpack-value", "= hset hv a 12345678", "= object encoding hv",
        "= hset hv b 123456789", "= object encoding hv", "= hsetnx hw 123456789 x", "= object encoding hw", "= hincrbyfloat hf a 1.123456789",
        "= object encoding hf", "= config set hash-max-listpack-value 64", "= config set hash-max-listpack-entries 512",
        "= hset hbig f1 v1 f2 v2 f3 v3 f4 v4 f5 v5 f6 v6", "~ hkeys hc", "~ hvals hv", "= copy h hcopy", "= hgetall hcopy", "= copy hc hccopy", "~ hgetall hccopy",
        "= type h", "= del h", "= exists h",

        // ---- sets (intsets reply in ascending order on both servers; hashtable replies compared as multisets)
        "= sadd s 3 1 2", "= sadd s 2 4", "= smembers s", "= object encoding s", "= scard s", "= sismember s 2", "= sismember s 9",
        "= smismember s 1 9 3", "= smismember missing 1", "= sadd s 70000", "= object encoding s", "= smembers s", "= sadd s -9000000000",
        "= smembers s", "= srem s 70000 -9000000000 99", "= smembers s", "= sadd s 007", "= object encoding s", "~ smembers s", "= sismember s 007",
        "= sismember s 7", "= srem s 007", "= object encoding s", "~ smembers s", "= sadd s2 a b c", "= object encoding s2", "= sadd s3 1 x",
        "= object encoding s3", "= srem s2 a b c", "= exists s2", "= srem missing a", "= scard missing", "= smembers missing", "= sismember missing a",
        "= sadd si 1 2 3 4 5", "= sadd sj 4 5 6 7", "= sinter si sj", "= sinter si missing", "= sinter missing si", "= sunion si sj", "= sdiff si sj",
        "= sdiff sj si", "= sdiff si missing", "= sdiff missing si", "= sinterstore dst si sj", "= smembers dst", "= object encoding dst",
        "= sunionstore dst si sj", "= smembers dst", "= sdiffstore dst si sj", "= smembers dst", "= sinterstore dst si missing", "= exists dst",
        "= set dstr v", "= sunionstore dstr si", "= type dstr", "= sinterstore si si sj", "= smembers si", "= sinter si str", "= sinter str missing",
        "= sinter missing str", "= sunion si str", "= sdiff str si", "= sinterstore dst missing str", "= sunionstore dst si str", "= sdiffstore dst str",
        "= sadd sa a b c d", "= sadd sb c d e", "~ sinter sa sb", "~ sunion sa sb", "~ sdiff sa sb", "= sunionstore sab sa sb", "= object encoding sab",
        "= sintercard 2 sa sb", "= sintercard 2 sa sb limit 1", "= sintercard 2 sa sb limit 0", "= sintercard 1 sa", "= sintercard 2 sa missing",
        "= sintercard 0 sa", "= sintercard -1 sa", "= sintercard abc sa", "= sintercard 3 sa sb", "= sintercard 1 sa limit -1", "= sintercard 1 sa limit abc",
        "= sintercard 1 sa limit", "= sintercard 1 sa foo 1", "= sintercard 2 sa str", "= sintercard 1 sa sb",
        "= smove sa sb a", "~ smembers sb", "= smove sa sb zz", "= smove sa sa b", "= smove sa sa zz", "= smove missing sa a", "= smove sa str b",
        "= smove str sa b", "= smove missing str b", "= smove si snew 5", "= object encoding snew", "= smove si snew2 x", "= sadd one 1", "= smove one other 1",
        "= exists one", "= smembers other",
        "= sadd sp 1", "= spop sp", "= exists sp", "= spop missing", "= spop missing 3", "= spop str", "= spop sa -1", "= spop sa abc", "= spop sa 1 2",
        "= spop sa 0", "= sadd sp2 1 2 3", "= spop sp2 3", "= exists sp2", "= sadd sp3 5", "= spop sp3 10", "= exists sp3",
        "= sadd sr 7", "= srandmember sr", "= srandmember sr 1", "= srandmember sr 3", "= srandmember sr -3", "= srandmember sr 0", "= srandmember missing",
        "= srandmember missing 5", "= srandmember sr abc", "= srandmember sr 1 2", "= srandmember sr -9223372036854775808", "= srandmember str",
        "= sadd sr 8 9", "= srandmember sr 3", "= srandmember sr 10",
        "= sscan sr 0", "= sscan sr 0 match 8", "= sscan sr 0 count 0", "= sscan sr x", "= sscan missing 0", "= sscan str 0", "= sscan sr 0 type set",
        "= config set set-max-intset-entries 3", "= sadd sm 1 2 3", "= object encoding sm", "= sadd sm 4", "= object encoding sm", "~ smembers sm",
        "= srem sm 1 2 3", "= object encoding sm", "= sinterstore smi sm sm", "= object encoding smi", "= config set set-max-intset-entries 512",
        "= copy si sicopy", "= smembers sicopy", "= object encoding sicopy", "= copy sa sacopy", "~ smembers sacopy", "= type sa",
        "= sadd", "= sadd s", "= srem s", "= smove s t", "= sinterstore d",

        // ---- sort over sets, with BY/GET on strings and hash fields
        "= del ss", "= sadd ss 3 1 2 10", "= sort ss", "= sort ss desc", "= sort ss limit 1 2", "= sort ss limit 1 -1", "= sort ss limit -5 2",
        "= sort ss limit 10 2", "= sort ss limit 0 0", "= sort ss alpha", "= sort ss alpha desc limit 0 3", "= sort ss limit", "= sort ss limit a b",
        "= sort ss foo", "= sort ss store", "= sort_ro ss", "= sort_ro ss desc alpha", "= sort_ro ss store x",
        "= mset w_1 30 w_2 20 w_3 10 w_10 5 o_1 one o_2 two o_3 three", "= sort ss by w_*", "= sort ss by w_* desc", "= sort ss by w_* get o_*",
        "= sort ss by w_* get # get o_*", "= sort ss get o_* get missing_*", "= sort ss by w_* alpha", "= sort ss by nosort get #",
        "= sort ss by w_* limit 0 2 get o_*", "= sort ss by missing_*", "= sort ss by o_*", "= sort ss by o_* alpha", "= sort ss get",
        "= hset wh_1 w 3 n a", "= hset wh_2 w 1 n b", "= hset wh_3 w 2 n c", "= sort ss by wh_*->w get wh_*->n get #", "= sort ss by wh_*->w desc get wh_*->n",
        "= sort ss by wh_*->missing", "= sort ss get wh_*->", "= sort ss get wh_*->n->x", "= sort ss by w_1", "= sort ss get nostar",
        "= sadd sx 1 a 2.5 -3 1e2 inf", "= sort sx", "= sort sx alpha", "= del sx", "= sadd sx 1 2.5 -3 1e2 \" 4\" 0x10", "= sort sx", "= sort sx desc",
        "= sadd sx \"5 \"", "= sort sx", "= sort str", "= sort h", "= sort missing", "= sort missing alpha desc limit 0 5",
        "= sadd sy 1.5 1.50 01.5", "= sort sy", "= sort sy desc",
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

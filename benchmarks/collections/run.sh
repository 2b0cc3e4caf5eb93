#!/usr/bin/env bash
# Collection commands: RedisLite against redis-server 7.0.15, in one run.
#
#  1. Throughput of LPUSH, LRANGE, HSET, SADD, ZADD and ZRANGEBYSCORE with redis-benchmark custom
#     commands, side by side (each round runs every command against RedisLite, then Redis).
#     A command this RedisLite build does not have (its type not merged yet) is probed first and
#     reported as "not in this build" instead of timing error replies.
#  2. ZADD (score update of an existing member) and ZRANK latency on sorted sets of 10^3, 10^5 and
#     10^6 members on both servers: the client-side mean/p50/p99 from redis-benchmark -c 1, and the
#     server-side time per call from INFO commandstats (usec_per_call, no network in it), which is
#     where logarithmic growth shows.
#
#   benchmarks/collections/run.sh
#
# Environment knobs: ROUNDS (3), CLIENTS (50), PIPELINES ("1 16"), N_TPUT (100000 requests per
# throughput run at -P 1, ten times that when pipelining),
# N_LAT (20000 requests per latency run), SIZES ("1000 100000 1000000"),
# OUT (benchmarks/results/collections.md).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/servers.sh"

ROUNDS=${ROUNDS:-3}
CLIENTS=${CLIENTS:-50}
PIPELINES=${PIPELINES:-"1 16"}
N_TPUT=${N_TPUT:-100000}
N_LAT=${N_LAT:-20000}
SIZES=${SIZES:-"1000 100000 1000000"}
OUT=${OUT:-$ROOT/benchmarks/results/collections.md}
RAW="$WORK_DIR/tput.csv"
LAT="$WORK_DIR/latency.csv"

build_redislite
MACHINE=$(describe_machine)
LITE_PORT=$(free_port); start_redislite "$LITE_PORT"
REDIS_PORT=$(free_port); start_redis "$REDIS_PORT"
echo "RedisLite on 127.0.0.1:$LITE_PORT, redis-server on 127.0.0.1:$REDIS_PORT" >&2

# name|command (redis-benchmark replaces each __rand_int__ with a random 12-digit number < -r).
TESTS=(
    "LPUSH|LPUSH bench:list __rand_int__"
    "LRANGE (first 10)|LRANGE bench:lr 0 9"
    "HSET|HSET bench:hash f:__rand_int__ __rand_int__"
    "SADD|SADD bench:set m:__rand_int__"
    "ZADD|ZADD bench:zset __rand_int__ m:__rand_int__"
    "ZRANGEBYSCORE (LIMIT 0 10)|ZRANGEBYSCORE bench:zr __rand_int__ +inf LIMIT 0 10"
)

# supported PORT COMMAND...: true unless the server says the command is unknown.
supported() {
    local port=$1; shift
    local reply
    reply=$(redis-cli -h 127.0.0.1 -p "$port" "$@" 2>&1 || true)
    [[ "$reply" != *"unknown command"* ]]
}

# prepare PORT: the data the read tests need (a 1000-element list, a 10000-member zset).
prepare() {
    local port=$1
    redis-cli -h 127.0.0.1 -p "$port" flushall >/dev/null
    python3 - "$port" <<'EOF' | redis-cli -h 127.0.0.1 -p "$1" --pipe >/dev/null
import sys
def cmd(*a):
    out = f"*{len(a)}\r\n"
    for x in a:
        x = str(x)
        out += f"${len(x.encode())}\r\n{x}\r\n"
    return out
w = sys.stdout.write
w(cmd("RPUSH", "bench:lr", *range(1000)))
for start in range(0, 10000, 1000):
    args = []
    for i in range(start, start + 1000):
        args += [i, f"m:{i:012d}"]
    w(cmd("ZADD", "bench:zr", *args))
EOF
}

# tput SERVER PORT ROUND: one redis-benchmark run per test and pipeline depth; rows
# "server,test,pipeline,round,rps" to RAW.
tput() {
    local server=$1 port=$2 round=$3 entry name command rps p n
    for p in $PIPELINES; do
    n=$N_TPUT; [ "$p" != 1 ] && n=$((N_TPUT * 10))
    for entry in "${TESTS[@]}"; do
        name=${entry%%|*}
        command=${entry#*|}
        # shellcheck disable=SC2086
        if ! supported "$port" ${command//__rand_int__/1}; then
            [ "$round" -gt 0 ] && echo "$server,$name,$p,$round,NA" >>"$RAW"
            printf '  round %s  %-9s P=%-2s %-28s not in this build\n' "$round" "$server" "$p" "$name" >&2
            continue
        fi
        # shellcheck disable=SC2086
        rps=$(redis-benchmark -h 127.0.0.1 -p "$port" -c "$CLIENTS" -P "$p" -n "$n" -r 10000 --csv $command \
              | tail -n 1 | tr -d '"' | cut -d, -f2)
        [ "$round" -gt 0 ] && echo "$server,$name,$p,$round,$rps" >>"$RAW"
        printf '  round %s  %-9s P=%-2s %-28s %12s req/s\n' "$round" "$server" "$p" "$name" "$rps" >&2
    done
    done
}

prepare "$LITE_PORT"
prepare "$REDIS_PORT"
tput RedisLite "$LITE_PORT" 0
tput Redis "$REDIS_PORT" 0
echo "server,test,pipeline,round,rps" >"$RAW"
for round in $(seq 1 "$ROUNDS"); do
    tput RedisLite "$LITE_PORT" "$round"
    tput Redis "$REDIS_PORT" "$round"
done

# populate PORT SIZE: key lat:z with SIZE members m:<12 digits> scored by their number.
populate() {
    local port=$1 size=$2
    redis-cli -h 127.0.0.1 -p "$port" del lat:z >/dev/null
    python3 - "$size" <<'EOF' | redis-cli -h 127.0.0.1 -p "$port" --pipe >/dev/null
import sys
n = int(sys.argv[1])
w = sys.stdout.write
for start in range(0, n, 1000):
    end = min(n, start + 1000)
    parts = ["ZADD", "lat:z"]
    for i in range(start, end):
        parts += [str(i), f"m:{i:012d}"]
    w(f"*{len(parts)}\r\n" + "".join(f"${len(p)}\r\n{p}\r\n" for p in parts))
EOF
}

# usec_per_call PORT COMMAND: server-side mean time per call from INFO commandstats.
usec_per_call() {
    redis-cli -h 127.0.0.1 -p "$1" info commandstats | tr -d '\r' | grep "^cmdstat_$2:" | sed 's/.*usec_per_call=\([0-9.]*\).*/\1/'
}

# latency SERVER PORT SIZE: ZADD (update of a random existing member) and ZRANK of a random member.
latency() {
    local server=$1 port=$2 size=$3 test args csv
    for test in zadd zrank; do
        if [ "$test" = zadd ]; then args="ZADD lat:z __rand_int__ m:__rand_int__"; else args="ZRANK lat:z m:__rand_int__"; fi
        redis-cli -h 127.0.0.1 -p "$port" config resetstat >/dev/null
        # shellcheck disable=SC2086
        csv=$(redis-benchmark -h 127.0.0.1 -p "$port" -c 1 -n "$N_LAT" -r "$size" --csv $args | tail -n 1 | tr -d '"')
        # "test",rps,avg,min,p50,p95,p99,max
        local avg p50 p99 upc
        avg=$(echo "$csv" | cut -d, -f3); p50=$(echo "$csv" | cut -d, -f5); p99=$(echo "$csv" | cut -d, -f7)
        upc=$(usec_per_call "$port" "$test")
        echo "$server,$size,${test^^},$avg,$p50,$p99,$upc" >>"$LAT"
        printf '  %-9s %8s members %-5s avg %s ms p50 %s ms p99 %s ms, server %s us/call\n' "$server" "$size" "${test^^}" "$avg" "$p50" "$p99" "$upc" >&2
    done
}

echo "server,size,test,avg_ms,p50_ms,p99_ms,usec_per_call" >"$LAT"
for size in $SIZES; do
    populate "$LITE_PORT" "$size"
    populate "$REDIS_PORT" "$size"
    echo "  populated $size members: RedisLite ZCARD $(redis-cli -p "$LITE_PORT" zcard lat:z), Redis ZCARD $(redis-cli -p "$REDIS_PORT" zcard lat:z)" >&2
    latency RedisLite "$LITE_PORT" "$size"
    latency Redis "$REDIS_PORT" "$size"
done

mkdir -p "$(dirname "$OUT")"
python3 - "$RAW" "$LAT" "$OUT" "$MACHINE
- Load average when the run ended: $(cut -d' ' -f1-3 /proc/loadavg)
- Throughput: redis-benchmark -c $CLIENTS -r 10000, -n $N_TPUT at -P 1 and ten times that when pipelining (-P: $PIPELINES), custom commands as listed; median of $ROUNDS rounds alternating RedisLite, Redis, after one unrecorded warm-up round; LRANGE reads a 1000-element list, ZRANGEBYSCORE a 10000-member zset
- Latency: redis-benchmark -c 1 -n $N_LAT -r SIZE on key lat:z holding SIZE members m:<12 digits> (scores 0..SIZE-1); ZADD updates a random member's score, ZRANK looks a random member up; server us/call is INFO commandstats usec_per_call after CONFIG RESETSTAT
- Both servers with --save '' --appendonly no; redis-benchmark runs on the same CPUs as the servers" <<'EOF'
import csv, statistics, sys
raw, lat, out, machine = sys.argv[1:5]
rows = list(csv.DictReader(open(raw)))
tests = list(dict.fromkeys(r["test"] for r in rows))
pipes = list(dict.fromkeys(r["pipeline"] for r in rows))
def med(server, test, p):
    v = [float(r["rps"]) for r in rows if r["server"] == server and r["test"] == test and r["pipeline"] == p and r["rps"] != "NA"]
    return statistics.median(v) if v else None
lines = ["# Collections: RedisLite vs redis-server 7.0.15", "", machine, "",
         "## Throughput (requests/s, median)", "",
         "| command | pipeline | RedisLite | Redis | RedisLite / Redis |", "| --- | ---: | ---: | ---: | ---: |"]
for p in pipes:
  for t in tests:
    a, b = med("RedisLite", t, p), med("Redis", t, p)
    fa = f"{a:,.0f}" if a is not None else "not in this build"
    fb = f"{b:,.0f}" if b is not None else "n/a"
    ratio = f"{a / b:.2f}" if a is not None and b else "-"
    lines.append(f"| {t} | {p} | {fa} | {fb} | {ratio} |")
lines += ["", "## Sorted-set latency by size", "",
          "| command | members | RedisLite mean / p50 / p99 (ms) | RedisLite server us/call | Redis mean / p50 / p99 (ms) | Redis server us/call |",
          "| --- | ---: | --- | ---: | --- | ---: |"]
lr = list(csv.DictReader(open(lat)))
for test in ["ZADD", "ZRANK"]:
    for size in dict.fromkeys(r["size"] for r in lr):
        def get(server):
            r = next(x for x in lr if x["server"] == server and x["size"] == size and x["test"] == test)
            return f'{r["avg_ms"]} / {r["p50_ms"]} / {r["p99_ms"]}', r["usec_per_call"]
        (la, lu), (ra, ru) = get("RedisLite"), get("Redis")
        lines.append(f"| {test} | {int(size):,} | {la} | {lu} | {ra} | {ru} |")
lines += ["", "Notes: these CPUs are shared with other processes (see the load averages above), so single",
          "figures move from run to run; at -P 1 both servers are mostly bound by redis-benchmark itself.",
          "The server us/call column excludes the network and shows the logarithmic growth with size."]
open(out, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
EOF

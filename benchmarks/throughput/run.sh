#!/usr/bin/env bash
# Throughput comparison: RedisLite against redis-server 7.0.15, measured with redis-benchmark.
# Both servers run side by side on free 127.0.0.1 ports without persistence, and every round runs
# SET and GET at -P 1 and -P 16 against RedisLite, then Redis, then RedisLite again..., so that
# load from other processes hits both alike. The median of the rounds is reported, and the ratio.
#
#   benchmarks/throughput/run.sh
#
# Environment knobs: ROUNDS (5), CLIENTS (50), N_P1 (500000), N_P16 (2000000), KEYSPACE (100000,
# redis-benchmark -r), OUT (benchmarks/results/throughput: writes OUT.md and OUT.csv).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/servers.sh"

ROUNDS=${ROUNDS:-5}
CLIENTS=${CLIENTS:-50}
N_P1=${N_P1:-500000}
N_P16=${N_P16:-2000000}
KEYSPACE=${KEYSPACE:-100000}
OUT=${OUT:-$ROOT/benchmarks/results/throughput}
RAW="$WORK_DIR/raw.csv"

build_redislite
MACHINE=$(describe_machine)
LITE_PORT=$(free_port); start_redislite "$LITE_PORT"
REDIS_PORT=$(free_port); start_redis "$REDIS_PORT"
echo "RedisLite on 127.0.0.1:$LITE_PORT, redis-server on 127.0.0.1:$REDIS_PORT" >&2

# bench SERVER PORT PIPELINE REQUESTS ROUND: one redis-benchmark run of SET and GET; appends
# "server,pipeline,test,round,rps" rows to RAW (round 0 is the unrecorded warm-up).
bench() {
    local server=$1 port=$2 pipeline=$3 requests=$4 round=$5 csv
    csv=$(redis-benchmark -h 127.0.0.1 -p "$port" -t set,get -c "$CLIENTS" -P "$pipeline" \
        -n "$requests" -r "$KEYSPACE" --csv)
    # --csv prints a header, then "TEST","rps",...; keep the test name and requests/s.
    echo "$csv" | tail -n +2 | tr -d '"' | while IFS=, read -r test rps _; do
        [ "$round" -gt 0 ] && echo "$server,$pipeline,$test,$round,$rps" >>"$RAW"
        printf '  round %s  %-9s P=%-2s %-4s %12s req/s\n' "$round" "$server" "$pipeline" "$test" "$rps" >&2
    done
}

# Warm-up (JIT tiering, first allocations), not recorded.
for p in 1 16; do
    bench RedisLite "$LITE_PORT" "$p" 200000 0
    bench Redis "$REDIS_PORT" "$p" 200000 0
done

echo "server,pipeline,test,round,rps" >"$RAW"
for round in $(seq 1 "$ROUNDS"); do
    for p in 1 16; do
        n=$N_P1; [ "$p" = 16 ] && n=$N_P16
        bench RedisLite "$LITE_PORT" "$p" "$n" "$round"
        bench Redis "$REDIS_PORT" "$p" "$n" "$round"
    done
done

mkdir -p "$(dirname "$OUT")"
python3 "$ROOT/benchmarks/throughput/summarize.py" "$RAW" "$OUT" \
    "$MACHINE
- Load average when the run ended: $(cut -d' ' -f1-3 /proc/loadavg)
- Parameters: redis-benchmark -t set,get -c $CLIENTS -r $KEYSPACE (3-byte values), -n $N_P1 at -P 1 and -n $N_P16 at -P 16; $ROUNDS rounds alternating RedisLite, Redis; one unrecorded warm-up round first; both servers with --save '' --appendonly no; redis-benchmark runs on the same CPUs as the servers"

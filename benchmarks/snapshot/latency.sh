#!/usr/bin/env bash
# Snapshot latency benchmark: how long commands wait while a BGSAVE runs, RedisLite against
# redis-server in the same run. Both servers are started and filled with KEYS keys of VALUE bytes
# (DEBUG POPULATE, default 2,000,000 x 500 B), rdbcompression no; then for each of ROUNDS rounds
# and each server in turn, a single-connection GET/SET loop (benchmarks/snapshot/, the tool) runs
# with no child and then through a BGSAVE. Reports the slowest command, p50, p99 and p99.9 of both
# phases, the fork time and the save's wall time. (The unit test SnapshotLatencyTests checks
# only behaviour: correct replies and no stall; this is where the figures live.)
#
#   benchmarks/snapshot/latency.sh [KEYS] [VALUE] [ROUNDS]
#       -> benchmarks/results/snapshot-latency.md and snapshot-latency.csv
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/servers.sh"
KEYS=${1:-2000000}
VALUE=${2:-500}
ROUNDS=${3:-3}

build_redislite
echo "Building the snapshot latency tool (Release)..." >&2
dotnet build -c Release "$ROOT/benchmarks/snapshot/SnapshotLatency.csproj" -nologo -v quiet >&2

MACHINE=$(describe_machine)
REDIS_PORT=$(free_port)
start_redis "$REDIS_PORT" --rdbcompression no --enable-debug-command yes
LITE_PORT=$(free_port)
start_redislite "$LITE_PORT" --rdbcompression no --enable-debug-command yes
for port in "$REDIS_PORT" "$LITE_PORT"; do
    echo "[port $port] DEBUG POPULATE $KEYS key $VALUE" >&2
    redis-cli -h 127.0.0.1 -p "$port" debug populate "$KEYS" key "$VALUE" >/dev/null
done

dotnet "$ROOT/benchmarks/snapshot/bin/Release/net10.0/snapshot-latency.dll" \
    --server "redis-server=$REDIS_PORT" --server "redislite=$LITE_PORT" \
    --keys "$KEYS" --value-size "$VALUE" --rounds "$ROUNDS" \
    --out "$ROOT/benchmarks/results" \
    --command "benchmarks/snapshot/latency.sh $KEYS $VALUE $ROUNDS" \
    --machine "$MACHINE"
cat "$ROOT/benchmarks/results/snapshot-latency.md"

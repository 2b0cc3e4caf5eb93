#!/usr/bin/env bash
# Snapshot benchmark (issue 4): KEYS keys with VALUE-byte values (default 2,000,000 x 500 B),
# BGSAVE wall time and latest_fork_usec, RedisLite (buffered and O_DIRECT writes) and
# redis-server side by side in one run, both with rdbcompression no. Each configuration saves
# ROUNDS times; the table gives medians and the ratio to redis-server's median.
#
# Wall time is measured from the BGSAVE reply until INFO persistence shows the save finished
# (polled every 10 ms), so it includes the fork, the write, fsync and rename for both servers.
#
#   benchmarks/snapshot/run.sh [KEYS] [VALUE] [ROUNDS]     -> benchmarks/results/snapshot.md
#
# How long commands wait during the save (slowest, p99, p99.9 against no child, both servers) is
# measured by benchmarks/snapshot/latency.sh -> benchmarks/results/snapshot-latency.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/servers.sh"
KEYS=${1:-2000000}
VALUE=${2:-500}
ROUNDS=${3:-3}
OUT="$ROOT/benchmarks/results/snapshot.md"
CSV="$ROOT/benchmarks/results/snapshot.csv"

build_redislite

info_field() { # port field
    redis-cli -h 127.0.0.1 -p "$1" info persistence stats | tr -d '\r' | awk -F: -v f="$2" '$1 == f { print $2 }'
}

# bgsave_once PORT DIR: prints "wall_ms fork_usec bytes"
bgsave_once() {
    local port=$1 dir=$2 t0 t1
    rm -f "$dir"/dump.rdb
    sync
    t0=$(date +%s%N)
    [ "$(redis-cli -h 127.0.0.1 -p "$port" bgsave)" = "Background saving started" ] || { echo "BGSAVE refused" >&2; return 1; }
    while [ "$(info_field "$port" rdb_bgsave_in_progress)" != 0 ]; do sleep 0.01; done
    t1=$(date +%s%N)
    [ "$(info_field "$port" rdb_last_bgsave_status)" = ok ] || { echo "BGSAVE failed on port $port" >&2; return 1; }
    echo "$(( (t1 - t0) / 1000000 )) $(info_field "$port" latest_fork_usec) $(stat -c %s "$dir"/dump.rdb)"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

echo "config,round,wall_ms,fork_usec,file_bytes" >"$CSV"
declare -A WALL FORK SIZE

run_config() { # name start-function extra-args...
    local name=$1 start=$2; shift 2
    local port; port=$(free_port)
    "$start" "$port" --rdbcompression no --enable-debug-command yes "$@"
    local dir; dir=$(redis-cli -h 127.0.0.1 -p "$port" config get dir | tail -1)
    echo "[$name] DEBUG POPULATE $KEYS key $VALUE" >&2
    redis-cli -h 127.0.0.1 -p "$port" debug populate "$KEYS" key "$VALUE" >/dev/null
    local walls=() forks=() r line
    for r in $(seq 1 "$ROUNDS"); do
        line=$(bgsave_once "$port" "$dir")
        echo "[$name] round $r: wall_ms fork_usec bytes = $line" >&2
        echo "$name,$r,${line// /,}" >>"$CSV"
        walls+=("${line%% *}")
        forks+=("$(echo "$line" | cut -d' ' -f2)")
        SIZE[$name]=$(echo "$line" | cut -d' ' -f3)
    done
    WALL[$name]=$(printf '%s\n' "${walls[@]}" | median)
    FORK[$name]=$(printf '%s\n' "${forks[@]}" | median)
    redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || true
}

# One server at a time, so the two never compete for the 2 CPUs or the disk.
run_config redis-server start_redis
run_config "redislite-buffered" start_redislite --rdb-direct-io no
run_config "redislite-direct" start_redislite --rdb-direct-io yes
# The default (huge pages for the region) against 4 KiB pages: fork copies 512 times more
# page-table entries and the child's walk misses the TLB far more often.
run_config "redislite-direct-4k-pages" start_redislite --rdb-direct-io yes --region-hugepages no

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }
{
    echo "# Snapshot benchmark"
    echo
    echo "\`benchmarks/snapshot/run.sh $KEYS $VALUE $ROUNDS\`: $KEYS keys with $VALUE-byte values (DEBUG POPULATE),"
    echo "rdbcompression no on both, $ROUNDS BGSAVEs per configuration, one server running at a time;"
    echo "medians. Wall time is from the BGSAVE reply until INFO shows the save finished."
    echo
    describe_machine
    echo "- Run finished: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "| configuration | BGSAVE wall ms | vs redis-server | latest_fork_usec | vs redis-server | file bytes |"
    echo "|---|---:|---:|---:|---:|---:|"
    for name in redis-server redislite-buffered redislite-direct redislite-direct-4k-pages; do
        echo "| $name | ${WALL[$name]} | $(ratio "${WALL[$name]}" "${WALL[redis-server]}") | ${FORK[$name]} | $(ratio "${FORK[$name]}" "${FORK[redis-server]}") | ${SIZE[$name]} |"
    done
} >"$OUT"
cat "$OUT"

#!/usr/bin/env bash
# Freed memory back to the kernel (issue 11): RedisLite and redis-server side by side, one at a
# time. Each loads KEYS keys of VALUE bytes (DEBUG POPULATE), then FLUSHALL (RSS right after, and
# how long FLUSHALL took, and 2 s later), loads them again and DELs 90% of them in batches of 1,000 keys (RSS
# right after, then 1, 3 and 6 s later: both allocators return freed pages after a decay). RSS is
# VmRSS of /proc/<pid>/status.
#
#   benchmarks/memory/release.sh [KEYS] [VALUE]     -> benchmarks/results/memory-release.md
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/servers.sh"
KEYS=${1:-1000000}
VALUE=${2:-1000}
OUT="$ROOT/benchmarks/results/memory-release.md"

build_redislite
rss_mb() { awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
cli() { redis-cli -h 127.0.0.1 -p "$@"; }

# measure NAME START-FUNCTION: prints one table row
measure() {
    local name=$1 start=$2 port pid row
    port=$(free_port)
    "$start" "$port" --enable-debug-command yes
    pid=$LAST_PID
    row="| $name | $(rss_mb "$pid")"
    cli "$port" debug populate "$KEYS" key "$VALUE" >/dev/null
    row="$row | $(rss_mb "$pid")"
    local t0 t1
    t0=$(date +%s%N); cli "$port" flushall >/dev/null; t1=$(date +%s%N)
    row="$row | $(rss_mb "$pid") | $(( (t1 - t0) / 1000000 ))"
    sleep 2; row="$row | $(rss_mb "$pid")"
    cli "$port" debug populate "$KEYS" key "$VALUE" >/dev/null
    python3 - "$port" "$KEYS" <<'EOF'
import socket, sys
port, keys = int(sys.argv[1]), int(sys.argv[2])
s = socket.create_connection(("127.0.0.1", port))
def cmd(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a.encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out
# DEL every key but the first tenth, 1,000 per command, 50 commands per pipeline.
batches = list(range(keys // 10 // 1000, keys // 1000))
buf = s.makefile("rb")
for i in range(0, len(batches), 50):
    part = batches[i:i + 50]
    s.sendall(b"".join(cmd("DEL", *[f"key:{k}" for k in range(b * 1000, b * 1000 + 1000)]) for b in part))
    for _ in part:
        line = buf.readline()
        assert line.startswith(b":"), line
EOF
    row="$row | $(rss_mb "$pid")"
    sleep 1; row="$row | $(rss_mb "$pid")"
    sleep 2; row="$row | $(rss_mb "$pid")"
    sleep 3; row="$row | $(rss_mb "$pid") |"
    cli "$port" shutdown nosave >/dev/null 2>&1 || true
    echo "$row"
}

{
    echo "# Freed memory back to the kernel"
    echo
    echo "\`benchmarks/memory/release.sh $KEYS $VALUE\`: DEBUG POPULATE $KEYS key $VALUE, FLUSHALL, populate again,"
    echo "DEL of 90% of the keys (1,000 per DEL); VmRSS in MB. One server at a time."
    echo
    describe_machine
    echo "- Run finished: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "| server | start | loaded | after FLUSHALL | FLUSHALL ms | 2 s later | after DEL 90% | 1 s later | 3 s later | 6 s later |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    measure redis-server start_redis
    measure redislite start_redislite
} >"$OUT"
cat "$OUT"

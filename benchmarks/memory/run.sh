#!/usr/bin/env bash
# Memory check: loads 200,000 distinct keys with 1 KiB values into RedisLite (and redis-server for
# comparison) and checks that the region's mapping is resident with at least 200 MB while the
# managed heap stays under 50 MiB (see memory/check.py). A second RedisLite gets the same keys as
# one unpaced stream, reported but not checked. Exits non-zero when a check fails.
#
#   benchmarks/memory/run.sh
#
# Environment knobs: KEYS (200000), VALUE_SIZE (1024), OUT (benchmarks/results/memory.md).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/servers.sh"

KEYS=${KEYS:-200000}
VALUE_SIZE=${VALUE_SIZE:-1024}
OUT=${OUT:-$ROOT/benchmarks/results/memory.md}

build_redislite
MACHINE=$(describe_machine)
LITE_PORT=$(free_port); start_redislite "$LITE_PORT"; LITE_PID=$LAST_PID
STREAM_PORT=$(free_port); start_redislite "$STREAM_PORT"; STREAM_PID=$LAST_PID
REDIS_PORT=$(free_port); start_redis "$REDIS_PORT"; REDIS_PID=$LAST_PID
mkdir -p "$(dirname "$OUT")"
python3 "$ROOT/benchmarks/memory/check.py" "$LITE_PID" "$LITE_PORT" "$STREAM_PID" "$STREAM_PORT" "$REDIS_PID" "$REDIS_PORT" \
    "$KEYS" "$VALUE_SIZE" "$OUT" "$MACHINE"

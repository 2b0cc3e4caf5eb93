#!/usr/bin/env bash
# The copy-on-write experiment: RedisLite (with its COW switches on and off) against redis-server
# 7.0.15 when installed, same dataset and same load in the same run, BGSAVE under load at write
# ratios 0, 1, 10, 50 and 100%. Writes benchmarks/results/cow.md, cow.csv, cow-timeline.csv and
# (with gnuplot: apt-get install -y gnuplot-nox) cow-mb.png and cow-latency.png.
#
#   benchmarks/cow/run.sh                      # the full experiment: 1 GB dataset
#   DATASET_MB=256 benchmarks/cow/run.sh       # a quicker run
#
# Environment knobs (passed to the tool, see benchmarks/cow/Program.cs for all options):
#   DATASET_MB (1024), VALUE_SIZE (1024), WRITE_RATIOS (0,1,10,50,100),
#   SETUPS (lite,lite:nodismiss,lite:nothp,lite:noavoid,lite:nofresh,redis), KEYS (uniform|zipfian),
#   PIPELINE (8), CONNECTIONS (8), KEY_SAVE_DELAY (rdb-key-save-delay for both servers, 0),
#   OUT (benchmarks/results), EXTRA (more options, verbatim).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/servers.sh"

build_redislite
echo "Building the COW experiment tool (Release)..." >&2
dotnet build -c Release "$ROOT/benchmarks/cow/CowBench.csproj" -nologo -v quiet >&2

dotnet "$ROOT/benchmarks/cow/bin/Release/net10.0/cow-bench.dll" \
    --redislite-dll "$REDISLITE_DLL" \
    --redis-server "$(command -v redis-server || echo /usr/bin/redis-server)" \
    --out "${OUT:-$ROOT/benchmarks/results}" \
    --work-dir "$WORK_DIR" \
    --dataset-mb "${DATASET_MB:-1024}" \
    --value-size "${VALUE_SIZE:-1024}" \
    --write-ratios "${WRITE_RATIOS:-0,1,10,50,100}" \
    --setups "${SETUPS:-lite,lite:nodismiss,lite:nothp,lite:noavoid,lite:nofresh,redis}" \
    --keys "${KEYS:-uniform}" \
    --pipeline "${PIPELINE:-8}" \
    --connections "${CONNECTIONS:-8}" \
    --rdb-key-save-delay "${KEY_SAVE_DELAY:-0}" \
    --machine "$(describe_machine)" \
    ${EXTRA:-}

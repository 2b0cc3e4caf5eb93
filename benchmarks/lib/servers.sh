# Shared by the benchmark scripts: build RedisLite in Release, start RedisLite and redis-server on
# free 127.0.0.1 ports, wait for them to answer, stop them on exit, describe the machine.
# Source it; it sets ROOT (the repository root) and keeps the pids it started in SERVER_PIDS so
# that only those processes are stopped.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
REDISLITE_DLL="$ROOT/server/bin/Release/net10.0/redislite-server.dll"
SERVER_PIDS=()
WORK_DIR="$(mktemp -d -t redislite-bench-XXXXXX)"

stop_servers() {
    local pid
    for pid in "${SERVER_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${SERVER_PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    SERVER_PIDS=()
    rm -rf "$WORK_DIR"
}
trap stop_servers EXIT

build_redislite() {
    echo "Building RedisLite (Release)..." >&2
    dotnet build -c Release "$ROOT/server/RedisLite.Server.csproj" -nologo -v quiet >&2
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_for_ping() {
    local port=$1 i
    for i in $(seq 1 300); do
        [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = "PONG" ] && return 0
        sleep 0.1
    done
    echo "server on port $port did not answer PING" >&2
    return 1
}

# start_redislite PORT [--name value ...]: starts the Release build, no persistence.
start_redislite() {
    local port=$1; shift
    mkdir -p "$WORK_DIR/redislite-$port"
    dotnet "$REDISLITE_DLL" --port "$port" --bind 127.0.0.1 --dir "$WORK_DIR/redislite-$port" \
        --save '' --appendonly no "$@" >"$WORK_DIR/redislite-$port.log" 2>&1 &
    SERVER_PIDS+=($!)
    LAST_PID=$!
    wait_for_ping "$port"
}

# start_redis PORT [--name value ...]: starts the system redis-server, no persistence.
start_redis() {
    local port=$1; shift
    mkdir -p "$WORK_DIR/redis-$port"
    redis-server --port "$port" --bind 127.0.0.1 --dir "$WORK_DIR/redis-$port" \
        --save '' --appendonly no "$@" >"$WORK_DIR/redis-$port.log" 2>&1 &
    SERVER_PIDS+=($!)
    LAST_PID=$!
    wait_for_ping "$port"
}

# One Markdown paragraph naming the machine and software the figures come from.
describe_machine() {
    local cpu
    cpu=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
    echo "- Machine: $(nproc) CPUs (nproc), CPU model \"$cpu\" (/proc/cpuinfo), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM, kernel $(uname -r)"
    echo "- Software: .NET SDK $(dotnet --version), $(redis-server --version | cut -d' ' -f1-3), RedisLite commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "- Load average when the run started: $(cut -d' ' -f1-3 /proc/loadavg) (other processes share these CPUs)"
}

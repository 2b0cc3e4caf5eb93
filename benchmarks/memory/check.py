#!/usr/bin/env python3
"""Memory check (run by memory/run.sh): loads exactly KEYS distinct keys with VALUE_SIZE-byte
values into a running RedisLite and, for comparison, into redis-server, then checks that the data
sits in RedisLite's region (the region's mapping is resident with at least 200 MB) while the
managed heap stays under 50 MiB. Writes the report as Markdown.

The checked load is paced like ordinary clients and redis-benchmark -P: batches of BATCH SETs,
each waiting for its replies. A second RedisLite receives the same keys as one unpaced stream
(redis-cli --pipe); what that costs outside the region is reported too, as a finding, not checked.

Region Rss comes from INFO memory's region_rss_bytes when the server reports it, else from
/proc/<pid>/smaps: the region is the largest read-write anonymous mapping (256 GiB reserved); the
kernel may merge a neighbouring anonymous mapping of a few MB into the same VMA, so that Rss can
overstate the region slightly. The managed heap comes from INFO's managed_heap_bytes when present;
otherwise /proc cannot tell the GC heap apart, and the check uses an upper bound instead: every
resident anonymous page outside the region (GC heap, runtime and native allocations together).

Usage: check.py LITE_PID LITE_PORT STREAM_PID STREAM_PORT REDIS_PID REDIS_PORT KEYS VALUE_SIZE OUT_MD MACHINE_NOTES"""
import re
import socket
import subprocess
import sys

MB, MiB = 1000 * 1000, 1024 * 1024
REGION_MIN_BYTES = 200 * MB
HEAP_MAX_BYTES = 50 * MiB
BATCH = 1000


def smaps(pid):
    """Returns (region_rss, region_size, other_anonymous) in bytes from /proc/<pid>/smaps."""
    vmas, cur = [], None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            m = re.match(r"^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ (\d+)\s*(.*)$", line)
            if m:
                cur = {"size": int(m.group(2), 16) - int(m.group(1), 16), "perms": m.group(3),
                       "anon_map": m.group(4) == "0" and m.group(5) == "", "Rss": 0, "Anonymous": 0}
                vmas.append(cur)
            elif cur is not None and line.split(":")[0] in ("Rss", "Anonymous"):
                cur[line.split(":")[0]] = int(line.split()[1]) * 1024
    region = max((v for v in vmas if v["anon_map"] and v["perms"].startswith("rw")), key=lambda v: v["size"])
    other_anon = sum(v["Anonymous"] for v in vmas if v is not region)
    return region["Rss"], region["size"], other_anon


def cli(port, *args):
    return subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", str(port), *args],
                          check=True, capture_output=True, text=True).stdout.strip()


def info_memory(port):
    fields = {}
    for line in cli(port, "info", "memory").splitlines():
        if ":" in line and not line.startswith("#"):
            k, v = line.split(":", 1)
            fields[k] = v.strip()
    return fields


def set_commands(first, count, value):
    buf = bytearray()
    for i in range(first, first + count):
        k = b"key:%08d" % i
        buf += b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(k), k, len(value), value)
    return bytes(buf)


def load_paced(port, keys, value_size):
    """SET key:00000000.. to a value_size-byte value, BATCH commands at a time, reading every reply."""
    value = b"x" * value_size
    with socket.create_connection(("127.0.0.1", port)) as s:
        for first in range(0, keys, BATCH):
            count = min(BATCH, keys - first)
            s.sendall(set_commands(first, count, value))
            expected, got = b"+OK\r\n" * count, b""
            while len(got) < len(expected):
                chunk = s.recv(65536)
                if not chunk:
                    sys.exit(f"port {port} closed the connection")
                got += chunk
            if got != expected:
                sys.exit(f"port {port} answered {got[:200]!r}")
    return check_dbsize(port, keys)


def load_stream(port, keys, value_size):
    """The same SETs sent as one stream through redis-cli --pipe, which does not wait for replies."""
    out = subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", str(port), "--pipe"],
                         input=set_commands(0, keys, b"x" * value_size), check=True, capture_output=True).stdout.decode()
    if f"errors: 0, replies: {keys}" not in out:
        sys.exit(f"loading port {port} failed: {out}")
    return check_dbsize(port, keys)


def check_dbsize(port, keys):
    dbsize = int(cli(port, "dbsize"))
    if dbsize != keys:
        sys.exit(f"DBSIZE on port {port} is {dbsize}, expected {keys}")
    return dbsize


def rss(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1)) * 1024


def main():
    lite_pid, lite_port, stream_pid, stream_port, redis_pid, redis_port, keys, value_size = map(int, sys.argv[1:9])
    out_md, notes = sys.argv[9], sys.argv[10]

    base_region, _, base_other = smaps(lite_pid)
    dbsize = load_paced(lite_port, keys, value_size)
    region_smaps, region_size, other_anon = smaps(lite_pid)
    info = info_memory(lite_port)
    region_rss = int(info["region_rss_bytes"]) if "region_rss_bytes" in info else region_smaps
    region_source = "INFO memory region_rss_bytes" if "region_rss_bytes" in info else "/proc/<pid>/smaps Rss of the region's mapping"
    if "managed_heap_bytes" in info:
        heap, heap_source = int(info["managed_heap_bytes"]), "INFO memory managed_heap_bytes"
    else:
        heap, heap_source = other_anon, ("upper bound: resident anonymous memory outside the region "
                                         "(INFO has no managed_heap_bytes; /proc cannot isolate the GC heap)")
    lite_rss = rss(lite_pid)

    load_paced(redis_port, keys, value_size)
    redis_info = info_memory(redis_port)

    load_stream(stream_port, keys, value_size)
    stream_region, _, stream_other = smaps(stream_pid)

    region_ok, heap_ok = region_rss >= REGION_MIN_BYTES, heap < HEAP_MAX_BYTES
    data = keys * value_size
    rows = [
        ("Keys loaded (DBSIZE)", f"{dbsize:,}", ""),
        ("Value bytes loaded", f"{data / MiB:,.1f} MiB", f"{keys:,} x {value_size} B"),
        ("Region Rss", f"{region_rss / MiB:,.1f} MiB ({region_rss / MB:,.1f} MB)",
         f"{region_source}; {'PASS' if region_ok else 'FAIL'} (>= 200 MB)"),
        ("Region Rss before loading", f"{base_region / MiB:,.1f} MiB", "smaps"),
        ("Region mapping size (virtual)", f"{region_size / 2**30:,.1f} GiB", "smaps"),
        ("Managed heap", f"{heap / MiB:,.1f} MiB", f"{heap_source}; {'PASS' if heap_ok else 'FAIL'} (< 50 MiB)"),
        ("Anonymous Rss outside the region, before loading", f"{base_other / MiB:,.1f} MiB", "smaps"),
        ("RedisLite process VmRSS", f"{lite_rss / MiB:,.1f} MiB", "/proc/<pid>/status"),
        ("Unpaced stream (redis-cli --pipe): region Rss", f"{stream_region / MiB:,.1f} MiB", "second RedisLite, smaps; not checked"),
        ("Unpaced stream (redis-cli --pipe): anonymous Rss outside the region", f"{stream_other / MiB:,.1f} MiB", "second RedisLite, smaps; not checked"),
        ("redis-server used_memory", f"{int(redis_info['used_memory']) / MiB:,.1f} MiB", "same keys, for comparison"),
        ("redis-server used_memory_rss", f"{int(redis_info['used_memory_rss']) / MiB:,.1f} MiB", "same keys, for comparison"),
    ]
    table = "| measure | value | source / check |\n|---|---:|---|\n" + "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)
    verdict = "PASS" if region_ok and heap_ok else "FAIL"
    with open(out_md, "w") as f:
        f.write("# Memory: the keyspace lives in the region, not on the managed heap\n\n"
                f"Written by `benchmarks/memory/run.sh`. Result: **{verdict}**.\n\n{table}\n\n"
                "The region is one anonymous private mapping reserved at 256 GiB with MAP_NORESERVE and "
                "committed as touched, so its Rss is the memory the keyspace really uses. The kernel may "
                "merge a neighbouring anonymous mapping of a few MB into the region's VMA, so the smaps "
                "figure can overstate the region slightly.\n\n"
                f"The checked load sends batches of {BATCH:,} SETs and waits for each batch's replies, as clients "
                "and redis-benchmark -P do. The unpaced stream (redis-cli --pipe, 200 MB written without waiting) "
                "is reported separately: what it leaves outside the region is not keyspace data but input the "
                "transport read ahead of execution and held on the managed heap (Kestrel's read pipe may grow "
                "to client-query-buffer-limit, and a multi-segment read is copied whole into one array). Redis "
                "cannot read ahead like that: one thread reads about 16 KiB, runs every command in it, then reads "
                "again. Whether it happens depends on scheduling, so the figure varies from run to run.\n\n"
                f"## Conditions\n\n{notes}\n")
    print(table)
    print(f"\n{verdict}; written: {out_md}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Turns the per-round redis-benchmark rows of throughput/run.sh into the median requests/s per
server and test, and the RedisLite/Redis ratio; prints the table and writes OUT.md and OUT.csv.
Usage: summarize.py RAW_CSV OUT_PREFIX MACHINE_NOTES"""
import csv
import statistics
import sys
from collections import defaultdict

raw_path, out, notes = sys.argv[1], sys.argv[2], sys.argv[3]
rounds = defaultdict(list)  # (test, pipeline, server) -> [rps...] in round order
with open(raw_path) as f:
    for row in csv.DictReader(f):
        rounds[(row["test"], int(row["pipeline"]), row["server"])].append(float(row["rps"]))

cases = sorted({(t, p) for t, p, _ in rounds}, key=lambda c: (c[1], c[0] != "SET"))
summary = []
for test, p in cases:
    lite, redis = rounds[(test, p, "RedisLite")], rounds[(test, p, "Redis")]
    ml, mr = statistics.median(lite), statistics.median(redis)
    paired = statistics.median(l / r for l, r in zip(lite, redis))
    summary.append((test, p, ml, mr, ml / mr, paired, lite, redis))

with open(out + ".csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["test", "pipeline", "redislite_median_rps", "redis_median_rps", "ratio",
                "median_round_ratio", "redislite_rounds_rps", "redis_rounds_rps"])
    for test, p, ml, mr, ratio, paired, lite, redis in summary:
        w.writerow([test, p, f"{ml:.0f}", f"{mr:.0f}", f"{ratio:.3f}", f"{paired:.3f}",
                    " ".join(f"{x:.0f}" for x in lite), " ".join(f"{x:.0f}" for x in redis)])

lines = ["| test | pipeline | RedisLite median req/s | Redis median req/s | RedisLite/Redis | median of per-round ratios |",
         "|---|---|---:|---:|---:|---:|"]
for test, p, ml, mr, ratio, paired, _, _ in summary:
    lines.append(f"| {test} | -P {p} | {ml:,.0f} | {mr:,.0f} | {ratio:.2f} | {paired:.2f} |")
table = "\n".join(lines)
per_round = "\n".join(
    f"- {test} -P {p}: RedisLite {', '.join(f'{x:,.0f}' for x in lite)}; Redis {', '.join(f'{x:,.0f}' for x in redis)}"
    for test, p, _, _, _, _, lite, redis in summary)

with open(out + ".md", "w") as f:
    f.write("# Throughput: RedisLite vs redis-server 7.0.15\n\n"
            "Written by `benchmarks/throughput/run.sh`: median requests/s over the rounds "
            "(redis-benchmark `--csv`), the ratio of the medians RedisLite/Redis (above 1 means RedisLite is faster), "
            "and the median of the per-round ratios (each RedisLite run against the Redis run right after it, "
            "which cancels slow drifts in background load).\n\n"
            f"{table}\n\n## Every round (req/s, in run order)\n\n{per_round}\n\n## Conditions\n\n{notes}\n")
print(table)
print(f"\nwritten: {out}.md, {out}.csv")

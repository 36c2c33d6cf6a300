#!/usr/bin/env python3
"""`l4m coverage` side by side with the polars, DuckDB and pandas scripts people write instead of
it (bench/peers.py), and with `wc -l` / `gzip -dc`, the floor of merely reading the bytes.

What is measured, per dataset (bench/make_data.py generates them, deterministic, and keeps them in
target/bench-data/ for the next run):

  csv    rows.csv, about BYTES: l4m coverage (timestamp, dimension and measure checks), l4m coverage
         with every other column --ignore'd (timestamp only), the same on one thread
         (--concurrency 1), polars, DuckDB, pandas, the Rust readers csv-core and simd-csv
         (examples/csv_peers.rs, one thread each: neither splits a file), wc -l
  gzip   head.csv.gz, the first fifth of those rows: l4m coverage, polars, DuckDB, gzip -dc
  jsonl  head.jsonl, the same rows as JSON lines: l4m coverage, polars scan_ndjson, DuckDB read_json

How: the page cache cannot be dropped without root, so each file is read once untimed
(cat FILE > /dev/null) and every tool sees it warm. Then each tool runs RUNS times, round-robin
(one run of every tool per round), under /usr/bin/time -v. The table shows the median wall time
(spawn to exit, so interpreter start-up and imports count), MB/s of the uncompressed data, the
highest peak RSS over the runs, and the wall time over l4m coverage's. l4m is given --frequency
PT5M so that interval detection cannot differ; polars, DuckDB and l4m all use every core (l4m
splits one file into byte ranges at record boundaries). Under each table: the share of the
machine's CPU time that other processes took during its runs, with a warning when it is above 5%
(the times are then not clean).

Each counting tool must report the same records, intervals with data / spanned / missing and most
records per interval as l4m, and as many records as rows were generated; otherwise MISMATCH is
printed and the exit status is 1. The goals section says PASS or FAIL for each performance goal of
the issue; a FAIL does not change the exit status.

Usage: compare.py [BYTES] [--datasets csv,gzip,jsonl] [--runs 3] [--seed 42]
(through bench/compare.sh, which builds l4m and the Python venv first)
"""
import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import make_data

ROOT = make_data.ROOT
L4M = ROOT / "target" / "release" / "l4m"
CSV_PEERS = ROOT / "target" / "release" / "examples" / "csv_peers"
FIGURES = [
    "records",
    "intervals_with_data",
    "intervals_spanned",
    "intervals_missing",
    "max_records_per_interval",
]
DATASETS = ["csv", "gzip", "jsonl"]
MEMORY_GOAL_MIB = 64
BUSY = 0.05  # share of the CPU time taken by other processes above which the times are suspect


@dataclass
class Tool:
    name: str
    cmd: list
    counts: bool  # prints the figures as JSON (wc -l and gzip -dc only read)
    walls: list = field(default_factory=list)
    peak_kib: int = 0
    report: dict = None

    @property
    def wall(self):
        return statistics.median(self.walls)

    @property
    def peak_mib(self):
        return self.peak_kib / 1024


# `l4m series` narrowed to one metric of the generated data: requests for north / tv / ok.
SERIES_ONE = ["--where", "region=north", "--where", "device=tv", "--where", "status=ok",
              "--ignore", "latency_ms", "--ignore", "bytes_out"]


def l4m(path, *extra):
    return [str(L4M), "coverage", path, "--json", "--frequency", "PT5M", "--timezone", "UTC", *extra]


def peer(name, path):
    return [sys.executable, str(ROOT / "bench" / "peers.py"), name, path]


def rust_peer(name, path):
    return [str(CSV_PEERS), name, path]


def tools_for(dataset, path):
    """The tools of a dataset's table, the reference (l4m coverage) first."""
    if dataset == "csv":
        ignore = [arg for col in make_data.COLUMNS[1:] for arg in ("--ignore", col)]
        return [
            Tool("l4m coverage", l4m(path), True),
            Tool("l4m coverage, timestamp only", l4m(path, *ignore), True),
            Tool("l4m timestamp only, 1 thread", l4m(path, *ignore, "--concurrency", "1"), True),
            # Another report: its figures are not compared here (tests/it/quality.rs checks them).
            Tool("l4m quality", [str(L4M), "quality", *l4m(path)[2:]], False),
            # One metric's values (one measure, one combination of dimension values).
            Tool("l4m series, one metric", [str(L4M), "series", *l4m(path)[2:], *SERIES_ONE], False),
            Tool("polars", peer("polars", path), True),
            Tool("duckdb", peer("duckdb", path), True),
            Tool("pandas", peer("pandas", path), True),
            Tool("csv-core, 1 thread", rust_peer("csv-core", path), True),
            Tool("simd-csv, 1 thread", rust_peer("simd-csv", path), True),
            Tool("wc -l", ["wc", "-l", path], False),
        ]
    if dataset == "gzip":
        return [
            Tool("l4m coverage", l4m(path), True),
            Tool("polars", peer("polars", path), True),
            Tool("duckdb", peer("duckdb", path), True),
            Tool("gzip -dc", ["gzip", "-dc", path], False),
        ]
    return [
        Tool("l4m coverage", l4m(path), True),
        Tool("polars scan_ndjson", peer("polars", path), True),
        Tool("duckdb read_json", peer("duckdb", path), True),
    ]


def run_once(tool, scratch):
    """One timed run: wall time around /usr/bin/time -v, peak RSS from its report."""
    timing, out, err = scratch / "time.txt", scratch / "stdout", scratch / "stderr"
    with open(out, "wb") as o, open(err, "wb") as e:
        start = time.perf_counter()
        code = subprocess.call(
            ["/usr/bin/time", "-v", "-o", str(timing), *tool.cmd],
            stdout=o if tool.counts else subprocess.DEVNULL,
            stderr=e,
        )
        wall = time.perf_counter() - start
    if code != 0:
        sys.exit(f"{tool.name} failed (exit {code}): {' '.join(tool.cmd)}\n"
                 f"{err.read_text(errors='replace')[-2000:]}")
    tool.walls.append(wall)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", timing.read_text())
    tool.peak_kib = max(tool.peak_kib, int(rss.group(1)))
    if tool.counts:
        tool.report = json.loads(out.read_bytes())


def cpu_seconds():
    """CPU time used so far by the whole machine (busy time in /proc/stat) and by this process with
    its finished children."""
    with open("/proc/stat") as f:
        user, nice, system, _idle, _iowait, irq, softirq = map(int, f.readline().split()[1:8])
    t = os.times()
    return ((user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK"),
            t.user + t.system + t.children_user + t.children_system)


def bench(dataset, entry, runs, scratch):
    """Runs a dataset's tools round-robin; returns them with their timings and reports, and the
    share of the machine's CPU time that other processes took meanwhile."""
    path = entry["path"]
    subprocess.run(f"cat '{path}' > /dev/null", shell=True, check=True)
    tools = tools_for(dataset, path)
    machine0, ours0 = cpu_seconds()
    start = time.perf_counter()
    for r in range(runs):
        for tool in tools:
            if sys.stderr.isatty():
                print(f"\r\033[K  {dataset} round {r + 1}/{runs}: {tool.name}", end="", file=sys.stderr)
            run_once(tool, scratch)
    if sys.stderr.isatty():
        print("\r\033[K", end="", file=sys.stderr)
    machine1, ours1 = cpu_seconds()
    capacity = (time.perf_counter() - start) * len(os.sched_getaffinity(0))
    return tools, ((machine1 - machine0) - (ours1 - ours0)) / capacity


def table(dataset, entry, tools, others):
    data_bytes = entry.get("csv_bytes", entry["bytes"])
    name = Path(entry["path"]).name
    what = f"{entry['bytes']:,} bytes"
    if "csv_bytes" in entry:
        what += f" ({data_bytes:,} of CSV uncompressed; MB/s counts those)"
    print(f"\n{dataset}: {name}, {what}, {entry['rows']:,} rows")
    ref = tools[0]
    print(f"  {'tool':<30} {'wall s':>7} {'MB/s':>7} {'peak MiB':>9} {'vs l4m':>7}   runs (s)")
    for t in tools:
        runs = " ".join(f"{w:.2f}" for w in t.walls)
        print(f"  {t.name:<30} {t.wall:7.2f} {data_bytes / 1e6 / t.wall:7.1f} {t.peak_mib:9.1f} "
              f"{t.wall / ref.wall:6.2f}x   {runs}")
    print("  (l4m counted " + ", ".join(f"{k} {ref.report[k]:,}" for k in FIGURES) + ")")
    if dataset == "csv":
        dims = ref.report.get("dimensions", [])
        measures = [m["name"] for m in ref.report.get("measures", [])]
        print(f"  (l4m coverage checked dimensions {', '.join(dims) or 'none'}; "
              f"measures {', '.join(measures) or 'none'})")
    print(f"  (other processes took {others:.0%} of the machine's CPU time during these runs)")
    if others > BUSY:
        print(f"  WARNING: more than {BUSY:.0%}: other work competed with the tools, the times are "
              f"not clean; run again on a quiet machine")


def mismatches(dataset, entry, tools):
    """Lines describing every count that differs from l4m's or from the rows generated."""
    ref = tools[0]
    want = {k: ref.report[k] for k in FIGURES}
    out = []
    if want["records"] != entry["rows"]:
        out.append(f"{dataset}: {ref.name} counted {want['records']:,} records "
                   f"({ref.report.get('records_skipped', 0):,} skipped) of {entry['rows']:,} rows")
    for t in tools[1:]:
        if not t.counts:
            continue
        got = {k: t.report[k] for k in FIGURES}
        diff = {k: (want[k], got[k]) for k in FIGURES if want[k] != got[k]}
        if diff:
            out.append(f"{dataset}: {t.name} differs from {ref.name}: " + ", ".join(
                f"{k} {a:,} (l4m) vs {b:,}" for k, (a, b) in diff.items()))
    return out


def goals(results):
    print("\ngoals (wall times are medians; FAIL does not change the exit status)")

    def goal(ok, text):
        print(f"  {'PASS' if ok else 'FAIL'}  {text}")

    if "csv" in results:
        t = {tool.name: tool for tool in results["csv"]}
        full, pl, dd = t["l4m coverage"], t["polars"], t["duckdb"]
        goal(full.wall < pl.wall and full.wall < dd.wall,
             f"csv: l4m coverage (all checks) faster than polars and DuckDB counting timestamps "
             f"alone: l4m {full.wall:.2f} s, polars {pl.wall:.2f} s, DuckDB {dd.wall:.2f} s "
             f"(l4m takes {full.wall / pl.wall:.2f}x polars, {full.wall / dd.wall:.2f}x DuckDB)")
        ts, wc = t["l4m coverage, timestamp only"], t["wc -l"]
        goal(ts.wall <= 5 * wc.wall,
             f"csv: l4m timestamp only within 5x of wc -l: {ts.wall:.2f} s vs {wc.wall:.2f} s "
             f"= {ts.wall / wc.wall:.2f}x")
        one = t["l4m timestamp only, 1 thread"]
        core, simd = t["csv-core, 1 thread"], t["simd-csv, 1 thread"]
        goal(one.wall < core.wall and one.wall < simd.wall,
             f"csv: l4m's splitter (timestamp only, 1 thread) faster than csv-core and simd-csv "
             f"counting the same way on one thread: l4m {one.wall:.2f} s, csv-core "
             f"{core.wall:.2f} s, simd-csv {simd.wall:.2f} s (l4m takes {one.wall / core.wall:.2f}x "
             f"csv-core, {one.wall / simd.wall:.2f}x simd-csv)")
        sr = t["l4m series, one metric"]
        goal(sr.wall <= 1.5 * full.wall,
             f"csv: l4m series for one metric at most 1.5x l4m coverage: {sr.wall:.2f} s vs "
             f"{full.wall:.2f} s = {sr.wall / full.wall:.2f}x (peak {sr.peak_mib:.1f} MiB)")
        q = t["l4m quality"]
        goal(q.wall <= 1.5 * full.wall,
             f"csv: l4m quality at most 1.5x l4m coverage: {q.wall:.2f} s vs {full.wall:.2f} s "
             f"= {q.wall / full.wall:.2f}x (peak {q.peak_mib:.1f} MiB)")
    peaks = [(d, t) for d, tools in results.items() for t in tools
             if t.name.startswith("l4m coverage")]
    goal(all(t.peak_mib <= MEMORY_GOAL_MIB for _, t in peaks),
         f"l4m peak memory <= {MEMORY_GOAL_MIB} MiB: "
         + ", ".join(f"{d} {t.name.removeprefix('l4m coverage').strip(', ') or 'full'} "
                     f"{t.peak_mib:.1f} MiB" for d, t in peaks))
    if "jsonl" in results:
        t = {tool.name: tool for tool in results["jsonl"]}
        l, pl = t["l4m coverage"], t["polars scan_ndjson"]
        goal(l.wall < pl.wall,
             f"jsonl: l4m faster than polars scan_ndjson: {l.wall:.2f} s vs {pl.wall:.2f} s "
             f"= {l.wall / pl.wall:.2f}x")
    if "gzip" in results:
        t = {tool.name: tool for tool in results["gzip"]}
        l, gz = t["l4m coverage"], t["gzip -dc"]
        goal(l.wall <= 1.3 * gz.wall,
             f"gzip: l4m at most 1.3x gzip -dc: {l.wall:.2f} s vs {gz.wall:.2f} s "
             f"= {l.wall / gz.wall:.2f}x")


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor() or "unknown")
    mem = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    git = ["git", "-C", str(ROOT)]
    commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    if subprocess.run([*git, "status", "--porcelain", "--", "src", "Cargo.toml", "Cargo.lock"],
                      capture_output=True, text=True).stdout.strip():
        commit += " (with uncommitted changes to src/ or Cargo files)"
    l4m_version = subprocess.run([str(L4M), "--version"], capture_output=True, text=True).stdout
    print(f"machine: {len(os.sched_getaffinity(0))} cores ({cpu}), {mem / 2**20:.1f} GiB RAM, "
          f"{platform.system()} {platform.release()}")
    print(f"{l4m_version.strip()} (commit {commit}); python {platform.python_version()}, "
          f"polars {version('polars')}, duckdb {version('duckdb')}, pandas {version('pandas')}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("bytes", nargs="?", type=int, default=1_000_000_000,
                    help="size of the CSV (default 1,000,000,000)")
    ap.add_argument("--datasets", default=",".join(DATASETS),
                    help="comma-separated, of csv,gzip,jsonl (default all)")
    ap.add_argument("--runs", type=int, default=3, help="runs of each tool (default 3)")
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    chosen = set(a.datasets.split(","))
    if unknown := chosen - set(DATASETS):
        ap.error(f"unknown datasets {', '.join(sorted(unknown))}: use {','.join(DATASETS)}")
    datasets = [d for d in DATASETS if d in chosen]
    for binary in (L4M, CSV_PEERS):
        if not binary.exists():
            sys.exit(f"{binary} is missing: run bench/compare.sh (it builds it)")

    manifest = make_data.generate(a.bytes, a.seed)
    machine()
    print(f"runs of each tool: {a.runs}, round-robin; median wall time, highest peak RSS "
          f"(/usr/bin/time -v); page cache warmed by one untimed cat FILE > /dev/null")
    results, problems = {}, []
    with tempfile.TemporaryDirectory(dir=ROOT / "target") as scratch:
        for d in datasets:
            results[d], others = bench(d, manifest[d], a.runs, Path(scratch))
            table(d, manifest[d], results[d], others)
            problems += mismatches(d, manifest[d], results[d])
    goals(results)
    if problems:
        print("\nMISMATCH: the tools do not agree on the counts")
        for p in problems:
            print(f"  MISMATCH {p}")
        sys.exit(1)
    print("\ncounts: every tool agrees with l4m, and l4m counted every generated row")


if __name__ == "__main__":
    main()

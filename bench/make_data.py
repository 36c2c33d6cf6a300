#!/usr/bin/env python3
"""The benchmark datasets of bench/compare.py: deterministic, generated with DuckDB.

Every value of row i is a function of i and the seed alone (DuckDB's hash(i, seed)), so the same
BYTES and SEED give the same files. Seven columns:

  timestamp   yyyy-MM-dd HH:mm:ss, sorted, from 2023-01-01: 3 s apart on average with a daily
              cycle (2 to 4 s, so 75 to 150 rows a 5-minute interval) and 0-1 s of jitter;
              after every 400,000 rows (about two weeks) a gap of 2 or 6 hours, so intervals go
              missing (about 24 or 72 at a time)
  region      dimension, 5 values
  device      dimension, 4 values
  status      dimension, 3 values (mostly ok)
  requests    integer measure
  latency_ms  float measure, 3 decimals
  bytes_out   integer measure

In target/bench-data/<BYTES>-seed<SEED>/:

  rows.csv      about BYTES bytes
  head.csv.gz   the first rows of rows.csv (a fifth of its bytes), gzip -6
  head.jsonl    the same first rows as JSON lines
  manifest.json row counts and sizes, written last: a folder that has it is complete and is reused.

Usage: make_data.py BYTES [--seed 42]   (prints the manifest)
"""
import argparse
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = ["timestamp", "region", "device", "status", "requests", "latency_ms", "bytes_out"]
ROWS_PER_BLOCK = 400_000
DAY = 4584  # rows per radian of a daily cycle: 2 pi * 4584 rows of 3 s is about a day

# Row i of the dataset; h is a 63-bit hash of (i, seed) whose bit ranges feed the columns.
ROWS_SQL = """
SELECT
  strftime(TIMESTAMP '2023-01-01 00:00:00'
           + to_seconds(i * 3 + floor({day} * sin(i / {day}))::BIGINT + h % 2
                        + (i // {block}) * 5 * 3600 + ((i // {block}) % 4) * 3600),
           '%Y-%m-%d %H:%M:%S') AS timestamp,
  ['north', 'south', 'east', 'west', 'central'][1 + (h >> 4) % 5] AS region,
  ['phone', 'tablet', 'desktop', 'tv'][1 + (h >> 8) % 4] AS device,
  ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'error', 'timeout'][1 + (h >> 12) % 8] AS status,
  (h >> 16) % 1000 AS requests,
  ((h >> 28) % 5000000) / 1000.0 AS latency_ms,
  (h >> 40) % 100000 AS bytes_out
FROM (SELECT i, (hash(i, {seed}) >> 1)::BIGINT AS h FROM range({rows}) t(i))
"""


def rows_sql(rows, seed):
    return ROWS_SQL.format(block=ROWS_PER_BLOCK, day=DAY, seed=int(seed), rows=int(rows))


def copy_to(con, rows, seed, path, options):
    con.execute(f"COPY ({rows_sql(rows, seed)}) TO '{path}' ({options})")


def rows_for(con, target_bytes, seed):
    """How many rows make a CSV of about target_bytes, from the size of a 100,000-row sample."""
    sample = 100_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sample.csv"
        copy_to(con, sample, seed, path, "HEADER")
        header = len(",".join(COLUMNS)) + 1
        per_row = (path.stat().st_size - header) / sample
    return max(1, round((target_bytes - header) / per_row))


def generate(target_bytes, seed=42, log=print):
    """The datasets for target_bytes and seed, generated unless already in target/bench-data."""
    folder = ROOT / "target" / "bench-data" / f"{target_bytes}-seed{seed}"
    manifest_path = folder / "manifest.json"
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        # Paths are file names in the folder (older manifests held absolute paths): a moved or
        # copied checkout keeps its data.
        for d in ("csv", "gzip", "jsonl"):
            manifest[d]["path"] = str(folder / Path(manifest[d]["path"]).name)
        log(f"data: reused {folder} (generated earlier with the same size and seed)")
        return manifest
    folder.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    con = duckdb.connect()
    rows = rows_for(con, target_bytes, seed)
    csv = folder / "rows.csv"
    copy_to(con, rows, seed, csv, "HEADER")
    head_rows = rows_for(con, target_bytes // 5, seed)
    gz = folder / "head.csv.gz"
    with open(gz, "wb") as out:
        head = subprocess.Popen(["head", "-n", str(head_rows + 1), csv], stdout=subprocess.PIPE)
        subprocess.run(["gzip", "-6"], stdin=head.stdout, stdout=out, check=True)
        head.stdout.close()
        if head.wait() != 0:
            raise SystemExit(f"head -n {head_rows + 1} {csv} failed")
    jsonl = folder / "head.jsonl"
    copy_to(con, head_rows, seed, jsonl, "FORMAT JSON")
    manifest = {
        "bytes_requested": target_bytes,
        "seed": seed,
        "csv": {"path": csv.name, "rows": rows, "bytes": csv.stat().st_size},
        "gzip": {"path": gz.name, "rows": head_rows, "bytes": gz.stat().st_size,
                 "csv_bytes": head_rows_bytes(csv, head_rows)},
        "jsonl": {"path": jsonl.name, "rows": head_rows, "bytes": jsonl.stat().st_size},
    }
    tmp = manifest_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, indent=2))
    os.replace(tmp, manifest_path)
    log(f"data: generated {folder} in {time.perf_counter() - start:.0f} s")
    for d in ("csv", "gzip", "jsonl"):
        manifest[d]["path"] = str(folder / manifest[d]["path"])
    return manifest


def head_rows_bytes(csv, head_rows):
    """Bytes of the header and the first head_rows rows of csv (what head.csv.gz decompresses to)."""
    total = 0
    with open(csv, "rb") as f:
        for _ in range(head_rows + 1):
            total += len(f.readline())
    return total


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("bytes", type=int)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    print(json.dumps(generate(a.bytes, a.seed), indent=2))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The scripts people write instead of `l4m coverage`: records per 5-minute interval with polars,
DuckDB or pandas.

Each reads the timestamp column only (yyyy-MM-dd HH:mm:ss, UTC), floors it to 5 minutes, counts the
records per interval and prints the figures `l4m coverage --json` prints: records, intervals with
data / spanned (first interval with data to the last, inclusive) / missing, and the most records in
one interval. The file's format follows its name: .csv, .csv.gz or .jsonl.

  polars  scan_csv / scan_ndjson -> str.strptime -> dt.truncate("5m") -> group_by().len()
  duckdb  read_csv / read_json (timestamp typed TIMESTAMP) -> time_bucket(INTERVAL 5 MINUTE) -> count(*)
  pandas  read_csv(usecols=[timestamp]) -> to_datetime -> dt.floor("5min") -> value_counts (CSV only)

Usage: peers.py polars|duckdb|pandas FILE
"""
import argparse
import json
from datetime import timedelta

COLUMN = "timestamp"
FORMAT = "%Y-%m-%d %H:%M:%S"
STEP = timedelta(minutes=5)


def figures(records, with_data, first, last, most):
    """The report from the per-interval counts' summary (first and last are interval starts)."""
    spanned = (last - first) // STEP + 1 if with_data else 0
    return {
        "records": int(records),
        "intervals_with_data": int(with_data),
        "intervals_spanned": int(spanned),
        "intervals_missing": int(spanned - with_data),
        "max_records_per_interval": int(most),
    }


def polars(path, jsonl):
    import polars as pl

    scan = pl.scan_ndjson(path) if jsonl else pl.scan_csv(path)
    counts = (
        scan.select(pl.col(COLUMN).str.strptime(pl.Datetime, FORMAT).dt.truncate("5m"))
        .group_by(COLUMN)
        .len()
        .collect()
    )
    starts, n = counts[COLUMN], counts["len"]
    return figures(n.sum(), counts.height, starts.min(), starts.max(), n.max())


def duckdb(path, jsonl):
    import duckdb

    read = (
        "read_json(?, format='newline_delimited', columns={'timestamp': 'TIMESTAMP'}, "
        "timestampformat=?)"
        if jsonl
        else "read_csv(?, header=true, types={'timestamp': 'TIMESTAMP'}, timestampformat=?)"
    )
    row = duckdb.execute(
        f"""
        WITH counts AS (
          SELECT time_bucket(INTERVAL 5 MINUTE, timestamp) AS start, count(*) AS n
          FROM {read} GROUP BY start)
        SELECT sum(n), count(*), min(start), max(start), max(n) FROM counts
        """,
        [path, FORMAT],
    ).fetchone()
    return figures(*row)


def pandas(path, jsonl):
    import pandas as pd

    if jsonl:
        raise SystemExit("the pandas script reads CSV only")
    ts = pd.read_csv(path, usecols=[COLUMN])[COLUMN]
    ts = pd.to_datetime(ts, format=FORMAT)
    counts = ts.dt.floor("5min").value_counts()
    return figures(counts.sum(), len(counts), counts.index.min(), counts.index.max(), counts.max())


def main():
    tools = {"polars": polars, "duckdb": duckdb, "pandas": pandas}
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("tool", choices=tools)
    ap.add_argument("file")
    a = ap.parse_args()
    jsonl = a.file.endswith((".jsonl", ".ndjson"))
    print(json.dumps(tools[a.tool](a.file, jsonl)))


if __name__ == "__main__":
    main()

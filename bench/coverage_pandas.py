#!/usr/bin/env python3
"""The alternative l4m replaces: the pandas script people write to count records per interval.

Reads the timestamp column of a CSV, floors each timestamp to the interval, and prints the same
figures `l4m coverage --json` prints (records, intervals with data / spanned / missing, max records
per interval). Usage: coverage_pandas.py FILE [--column timestamp] [--freq 5min]
"""
import argparse
import json

import pandas as pd


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--column", default="timestamp")
    ap.add_argument("--freq", default="5min")
    a = ap.parse_args()
    ts = pd.read_csv(a.file, usecols=[a.column])[a.column]
    ts = pd.to_datetime(ts, format="%Y-%m-%d %H:%M:%S", errors="coerce")
    skipped = int(ts.isna().sum())
    counts = ts.dropna().dt.floor(a.freq).value_counts().sort_index()
    step = pd.Timedelta(a.freq)
    spanned = int((counts.index[-1] - counts.index[0]) / step) + 1 if len(counts) else 0
    print(json.dumps({
        "records": int(counts.sum()),
        "records_skipped": skipped,
        "intervals_with_data": int(len(counts)),
        "intervals_spanned": spanned,
        "intervals_missing": spanned - int(len(counts)),
        "max_records_per_interval": int(counts.max()) if len(counts) else 0,
    }))


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# `l4m coverage` side by side with polars, DuckDB, pandas, the Rust CSV readers csv-core and
# simd-csv, wc -l and gzip -dc (see bench/compare.py for what is measured and how; not part of CI).
#
#   bash bench/compare.sh [BYTES] [--datasets csv,gzip,jsonl] [--runs 3] [--seed 42]
#
# BYTES is the size of the CSV (default 1,000,000,000). Builds target/release/l4m and the csv-core /
# simd-csv counter (examples/csv_peers.rs); uses python3 if it has polars, duckdb and pandas, else
# a venv at target/bench-venv (created and filled from PyPI when missing); then runs
# bench/compare.py with the same arguments.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --bin l4m --example csv_peers >&2
PY=python3
if ! $PY -c "import polars, duckdb, pandas" 2>/dev/null; then
  PY=target/bench-venv/bin/python
  if ! $PY -c "import polars, duckdb, pandas" 2>/dev/null; then
    echo "installing polars, duckdb and pandas into target/bench-venv" >&2
    python3 -m venv target/bench-venv
    $PY -m pip install --quiet polars duckdb pandas >&2
  fi
fi
exec "$PY" bench/compare.py "$@"

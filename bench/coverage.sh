#!/usr/bin/env bash
# Coverage throughput, side by side with the pandas script it replaces.
#
#   bash bench/coverage.sh [BYTES]      (default 1,000,000,000)
#
# Generates a CSV of at least BYTES (5-minute e-commerce data, 21 rows an interval) in a temporary
# folder, then runs `l4m coverage` on it and bench/coverage_pandas.py, each
# under /usr/bin/time -v, and prints wall time, MB/s and peak memory. pandas is installed into a
# virtualenv under target/ if the machine lacks it.
set -euo pipefail
cd "$(dirname "$0")/.."
BYTES=${1:-1000000000}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cargo build --release --locked --bin l4m --example generate >&2
FILE="$WORK/big.csv"
target/release/examples/generate --frequency PT5M --target-bytes "$BYTES" -o "$FILE" 2>"$WORK/truth.json"
SIZE=$(stat -c %s "$FILE")
echo "file: $SIZE bytes; truth: $(tr -d '\n ' < "$WORK/truth.json")"

measure() { # name, command...
  local name=$1; shift
  /usr/bin/time -v "$@" >"$WORK/$name.out" 2>"$WORK/$name.time"
  local wall rss
  wall=$(grep 'Elapsed (wall clock)' "$WORK/$name.time" | awk '{print $NF}')
  rss=$(grep 'Maximum resident set size' "$WORK/$name.time" | awk '{print $NF}')
  local secs
  secs=$(python3 -c "p='$wall'.split(':'); print(sum(float(x)*60**i for i,x in enumerate(reversed(p))))")
  python3 -c "print(f'{\"$name\":<22} {float($secs):8.2f} s  {$SIZE/1e6/float($secs):8.1f} MB/s  peak {int($rss)/1024:8.1f} MiB')"
}

# The full scan (timestamp, dimension and measure checks), then the timestamp alone (what the
# pandas script does).
measure "l4m coverage" target/release/l4m coverage "$FILE" --json
measure "l4m coverage (ts only)" target/release/l4m coverage "$FILE" --json \
  --ignore platform --ignore marketplace --ignore views --ignore revenue
grep -o '"intervals_with_data": [0-9]*' "$WORK/l4m coverage.out" || true

PY=python3
if ! $PY -c "import pandas" 2>/dev/null; then
  if [ ! -x target/bench-venv/bin/python ]; then
    python3 -m venv target/bench-venv >&2
    target/bench-venv/bin/pip install --quiet pandas >&2
  fi
  PY=target/bench-venv/bin/python
fi
measure "pandas script" $PY bench/coverage_pandas.py "$FILE" --freq 5min
cat "$WORK/pandas script.out"

#!/usr/bin/env bash
# Fuzz every target in fuzz/ in turn for SECONDS_PER_TARGET (default 60), one at a time, and print
# for each: the time it ran, the executions, and the crashes it found (with the file that holds
# the input). Not part of the tests or CI: a crash found here becomes a test in tests/.
#
#   bash scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# It installs cargo-fuzz if missing, and builds with the default (stable) toolchain. Set
# FUZZ_SANITIZER=none to build without AddressSanitizer (faster, catches fewer memory errors;
# the default, address, only matters for the few unsafe blocks of the dependencies).
# Each target's corpus grows in fuzz/corpus/TARGET (seeded from fuzz/seeds/TARGET, committed),
# crash inputs land in fuzz/artifacts/TARGET and libFuzzer's output in fuzz/logs/TARGET.log;
# none of those three is committed.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

seconds=${1:-60}
shift || true
sanitizer=${FUZZ_SANITIZER:-address}

if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi
# The project's own compiler (stable) builds the code that is fuzzed; libFuzzer's -Z flags need
# RUSTC_BOOTSTRAP on stable (harmless on nightly).
export RUSTC_BOOTSTRAP=1

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo fuzz list)
fi

# Longest input per target: the record readers get room for long lines and deep nesting.
max_len() {
  case "$1" in
    json_keys | csv_split | scan | sniff) echo 65536 ;;
    *) echo 4096 ;;
  esac
}

echo "building ${#targets[@]} targets (sanitizer: $sanitizer)..."
mkdir -p logs
if ! cargo fuzz build --sanitizer "$sanitizer" >logs/build.log 2>&1; then
  tail -20 logs/build.log >&2
  exit 1
fi

failed=0
printf '%-16s %8s %12s %8s  %s\n' target seconds executions crashes input
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  before=$(find "artifacts/$t" -type f | wc -l)
  start=$(date +%s)
  # -timeout: an input that takes longer counts as a hang; -rss_limit_mb bounds memory. Leak
  # checks are off: LeakSanitizer reports the thread handles of threads that just ended.
  cargo fuzz run --sanitizer "$sanitizer" "$t" "corpus/$t" "seeds/$t" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -detect_leaks=0 -max_len="$(max_len "$t")" \
    -print_final_stats=1 >"logs/$t.log" 2>&1 || true
  took=$(($(date +%s) - start))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "logs/$t.log" | tail -1)
  after=$(find "artifacts/$t" -type f | wc -l)
  crashes=$((after - before))
  input=$(sed -n 's/.*Test unit written to //p' "logs/$t.log" | tail -1)
  printf '%-16s %8s %12s %8s  %s\n' "$t" "$took" "${execs:-?}" "$crashes" "${input:--}"
  if [ "$crashes" -gt 0 ] || [ -z "$execs" ]; then
    failed=1
    grep -m1 -A2 -E "panicked at|ERROR: libFuzzer|ERROR: AddressSanitizer" "logs/$t.log" | sed 's/^/    /' || true
  fi
done
exit $failed

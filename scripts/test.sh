#!/usr/bin/env bash
# The project's test command (README "Run the tests"; CI runs exactly this through .ci/run).
# It installs what the tests need on a fresh machine, checks formatting and lints, then runs
# every test: with the default features (terminal UI and S3), then the engine and command line
# alone.
set -euo pipefail
cd "$(dirname "$0")/.."

# The tests never reach AWS: no instance metadata lookups, no shared profile.
export AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_DEFAULT_PROFILE

# The S3 tests run against moto in server mode on 127.0.0.1 (started and stopped by each test).
if ! python3 -c 'import moto.server, flask' 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check 'moto[server]'
fi

# The CloudFormation templates are given to cfn-lint (tests/it/cfn_lint.rs), at this version: the
# tests read the pin from this line, and fail on another version or none.
CFN_LINT_VERSION=1.58.0
installed=$(python3 -c 'import importlib.metadata as m; print(m.version("cfn-lint"))' 2>/dev/null || true)
if [ "$installed" != "$CFN_LINT_VERSION" ]; then
  python3 -m pip install --quiet --disable-pip-version-check "cfn-lint==$CFN_LINT_VERSION"
fi

# The Athena SQL tests (tests/it/athena.rs) parse the generated SQL with sqlglot's Athena dialect
# and run it, transpiled, in DuckDB, at these versions.
SQLGLOT_VERSION=30.31.0
DUCKDB_VERSION=2.0.1
for pin in "sqlglot==$SQLGLOT_VERSION" "duckdb==$DUCKDB_VERSION"; do
  name=${pin%%==*}
  have=$(python3 -c "import importlib.metadata as m; print(m.version('$name'))" 2>/dev/null || true)
  if [ "$have" != "${pin##*==}" ]; then
    python3 -m pip install --quiet --disable-pip-version-check "$pin"
  fi
done

# Formatting first: it takes a second and fails fast.
cargo fmt --all -- --check

# Lints: clippy compiles l4m's own targets (RUSTC_WORKSPACE_WRAPPER; the dependencies are
# compiled by rustc as usual), so the test builds below are linted as they are built, every
# target (`--all-targets`, as `cargo clippy --all-targets`), with warnings as errors. A separate
# `cargo clippy` would compile every dependency a second time for its metadata only: on two
# cores, three minutes.
clippy_driver=$(command -v clippy-driver || true)
if [ -z "$clippy_driver" ]; then
  echo "clippy-driver not found: install clippy (rustup component add clippy)" >&2
  exit 1
fi
export RUSTC_WORKSPACE_WRAPPER="$clippy_driver"
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings"

# The whole build: terminal UI and S3 included. The integration tests are one binary
# (tests/it/main.rs).
cargo test --locked --all-targets

# The engine and the command line alone (local files): none of the UI or AWS crates may be in it.
cargo test --locked --all-targets --no-default-features
leaked=$(cargo tree --locked --no-default-features --edges normal --prefix none \
  | grep -E '^(ratatui|crossterm|aws-[a-z-]+|tokio) ' || true)
if [ -n "$leaked" ]; then
  echo "the build without default features depends on: $leaked" >&2
  exit 1
fi

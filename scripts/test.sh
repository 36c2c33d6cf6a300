#!/usr/bin/env bash
# The project's test command (README "Run the tests"; CI runs exactly this through .ci/run).
# It installs what the tests need on a fresh machine, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

# The tests never reach AWS: no instance metadata lookups, no shared profile.
export AWS_EC2_METADATA_DISABLED=true

cargo test --locked --all-targets

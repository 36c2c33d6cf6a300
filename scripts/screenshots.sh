#!/usr/bin/env bash
# Make the README's screenshots (screenshots/*.png) from a release build of l4m.
# Usage: scripts/screenshots.sh [screenshots.py options: --only NAME, --size 100x30, --out DIR, --command CMD]
# Set SKIP_BUILD=1 to use the l4m binary already in target/release.
# Needs tmux and Python 3; installs the DejaVu fonts with apt-get and Pillow into
# target/shot-venv when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=python3
if ! python3 -c 'import PIL' 2>/dev/null; then
    VENV=target/shot-venv
    if [ ! -x "$VENV/bin/python" ]; then
        if ! python3 -m venv "$VENV"; then
            # Debian keeps venv/ensurepip in a separate package
            rm -rf "$VENV"
            SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
            $SUDO apt-get update -q
            DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q python3-venv
            python3 -m venv "$VENV"
        fi
    fi
    if ! "$VENV/bin/python" -c 'import PIL' 2>/dev/null; then
        "$VENV/bin/python" -m pip install --quiet Pillow
    fi
    PY="$VENV/bin/python"
fi

if [ -z "${SKIP_BUILD:-}" ]; then
    cargo build --release --locked --bin l4m
fi

exec "$PY" scripts/screenshots.py "$@"

#!/bin/sh
# The benchmark's own environment for lonboard and kepler.gl (benchmarks/alt_tools.py):
# a venv with them from PyPI, and the JS their pages load from npm (never a CDN).
set -eu
cd "$(dirname "$0")"
PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade -r requirements.txt
npm ci --ignore-scripts --no-audit --no-fund
echo "alt environment ready: $(pwd)/.venv and $(pwd)/node_modules"

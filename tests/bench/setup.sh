#!/usr/bin/env bash
# Installs the benchmark's peers, never into the product's environment:
#   wrk            from Debian's packages (apt-get), when it is missing;
#   Stoplight Prism (@stoplight/prism-cli) from npm, into bench-results/prism;
#   DuckDB and py-spy (to profile the servers: run.py --profile) from PyPI, into the venv
#   bench-results/venv.
# Idempotent: what is already there is left alone. Usage: tests/bench/setup.sh [RESULTS_DIR]
set -euo pipefail

cd "$(dirname "$0")/../.."
RESULTS="${1:-bench-results}"
PRISM_VERSION="5.14.2"
PYTHON="${PYTHON:-python3}"
mkdir -p "$RESULTS"

if ! command -v wrk >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1; then
        SUDO=""
        if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
        $SUDO apt-get update -qq
        $SUDO apt-get install -y -qq wrk
    else
        echo "setup: wrk is missing and apt-get is not available; throughput will be skipped" >&2
    fi
fi

PRISM="$RESULTS/prism/node_modules/.bin/prism"
if [ ! -x "$PRISM" ] || ! "$PRISM" --version 2>/dev/null | grep -qx "$PRISM_VERSION"; then
    if command -v npm >/dev/null 2>&1; then
        mkdir -p "$RESULTS/prism"
        npm install --prefix "$RESULTS/prism" --no-audit --no-fund --loglevel=error \
            "@stoplight/prism-cli@$PRISM_VERSION"
    else
        echo "setup: npm is missing; the Prism comparison will be skipped" >&2
    fi
fi

VENV="$RESULTS/venv"
if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "duckdb>=1.1" "py-spy>=0.3.14"

echo "setup: wrk $(command -v wrk || echo missing);" \
    "prism $("$PRISM" --version 2>/dev/null || echo missing);" \
    "duckdb $("$VENV/bin/python" -c 'import duckdb; print(duckdb.__version__)')"

#!/usr/bin/env bash
# Every HTTP figure of benches/RESULTS.md in one run: tickersense's cached
# quote, a bare axum handler with the same bytes and the seed's repaired
# quote endpoint (wrk, 64 connections, loopback, the server profile's builds), the shadow
# overhead, and the rate-limit criterion bench. Writes the "HTTP" section of
# benches/RESULTS.md.
#   bash benches/http/run.sh [extra bench.py options, e.g. --seconds 20 --rounds 5]
# Needs wrk and a Redis (REDIS_URL, default redis://127.0.0.1:6379/0: the
# seed's one cache key is set there and deleted afterwards). The seed's
# Python packages go in .venv-bench-http.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
redis_url="${REDIS_URL:-redis://127.0.0.1:6379/0}"
venv=.venv-bench-http

command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 2; }
if [[ ! -f $venv/.ready ]]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
    # The seed's stack, pinned; uvicorn with its standard extras (uvloop,
    # httptools), the fastest way to run it.
    "$venv/bin/pip" install --quiet "fastapi==0.163.2" "pydantic==2.14.3" "uvicorn==0.54.0" \
        "uvloop==0.23.0" "httptools==0.9.0" "redis==8.1.0" "yfinance==1.7.0" "requests==2.34.2"
    touch "$venv/.ready"
fi

# Both servers in the shipped server's profile (`[profile.server]`: LTO).
cargo build --profile server --quiet -p tickersense --features server --bin tickersense
cargo build --profile server --quiet -p tickersense-benches --bin bare-http
"$venv/bin/python" benches/http/bench.py \
    --tickersense "$CARGO_TARGET_DIR/server/tickersense" \
    --bare "$CARGO_TARGET_DIR/server/bare-http" \
    --python "$venv/bin/python" --redis-url "$redis_url" "$@"

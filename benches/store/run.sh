#!/usr/bin/env bash
# The store ingest benchmark with its peers, one after the other on the same
# server: tickersense's upsert_bars (COPY + upsert), psycopg2's
# execute_values upsert and a plain COPY. Needs the test venv (`make
# test-python` makes it); psycopg2 is installed into it here.
#   bash benches/store/run.sh [postgres://postgres@127.0.0.1:5432/test]
set -euo pipefail
cd "$(dirname "$0")/../.."
url="${1:-postgres://postgres@127.0.0.1:5432/test}"
.venv/bin/python -c "import psycopg2" 2>/dev/null || .venv/bin/pip install --quiet psycopg2-binary
TICKERSENSE_BENCH_POSTGRES_URL="$url" cargo bench -q -p tickersense-benches --bench store_ingest
.venv/bin/python benches/store/peers.py "$url"

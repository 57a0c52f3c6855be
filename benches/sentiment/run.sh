#!/usr/bin/env bash
# The sentiment benchmark, peers included: makes the corpus, runs the Rust
# criterion bench (tickersense and the vader_sentiment crate), then the
# Python peers (vaderSentiment, TextBlob) and the binding. Needs the test
# venv with the wheel installed (`make test-python` builds both).
#   bash benches/sentiment/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
corpus="${TMPDIR:-/tmp}/tickersense-corpus.txt"
.venv/bin/python benches/sentiment/make_corpus.py "$corpus" 100000
TICKERSENSE_CORPUS="$corpus" cargo bench -p tickersense-benches --bench sentiment 2>&1 | grep -E "^(vader|vader_long_text|textblob)/|thrpt:"
.venv/bin/python benches/sentiment/compare.py "$corpus"

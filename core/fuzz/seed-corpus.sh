#!/usr/bin/env bash
# Seeds the fuzz corpus with the recorded-format fixtures: each chart file
# under every selector byte that picks the chart parser, quotes and searches
# under theirs; then the hand-made answers in seeds/ (each file starts with
# its selector byte), every one a shape that once broke a parser. Run from
# anywhere.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
fixtures="$here/../../fixtures/yahoo"
corpus="$here/corpus/yahoo_answers"
mkdir -p "$corpus"
n=0
for f in "$fixtures"/chart/*/*.json; do
  for selector in '\x00' '\x20' '\x02'; do
    n=$((n + 1)); { printf "$selector"; cat "$f"; } > "$corpus/seed-$n"
  done
done
for f in "$fixtures"/search/*.json; do
  n=$((n + 1)); { printf '\x03'; cat "$f"; } > "$corpus/seed-$n"
done
for f in "$here"/seeds/*; do
  n=$((n + 1)); cp "$f" "$corpus/seed-$n"
done
echo "$n seeds in $corpus"

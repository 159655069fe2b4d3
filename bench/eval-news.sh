#!/usr/bin/env bash
# Runs dedup --jsonl --json over every article in ../shared/data/news and checks that the
# JSON parses, every span lies inside its article on UTF-8 boundaries, and the language is
# right (id/ for Indonesian, nl/ for Dutch). Usage: bench/eval-news.sh [BUILD_DIR] [DATA_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
data=${2:-../shared/data/news}
if [ ! -d "$data/id" ] || [ ! -d "$data/nl" ]; then
  echo "eval-news: $data/{id,nl} not found: the news datasets live in ../shared/data; skipped"
  exit 0
fi
export KABAR_DATA_DIR=${KABAR_DATA_DIR:-corpora}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0
for lang in id nl; do
  for f in "$data/$lang"/*.jsonl; do
    "$build/examples/dedup" --jsonl --json "$f" >"$out/o.jsonl" 2>"$out/err" || true
    [ -s "$out/err" ] && { echo "dedup reported errors on $f:"; head -5 "$out/err"; }
    "$build/bench/check_json" "$lang" "$f" "$out/o.jsonl" | tee -a "$out/summary" || status=1
  done
done
awk '{ for (i = 1; i <= NF; i++) {
         if ($i == "records,") r += $(i-1); if ($i == "without") e += $(i-1);
         if ($i == "right,") ok += $(i-1); if ($(i) == "wrong") w += $(i-1) } }
     END { printf "all news: %d records, %d without text; language right on %d of %d with text (%.2f%%), %d wrong\n",
           r, e, ok, r - e, 100 * ok / (r - e), w }' "$out/summary"
exit $status

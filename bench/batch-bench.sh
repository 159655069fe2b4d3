#!/usr/bin/env bash
# kabar-batch on ../shared/data/news (evaluation and benchmark; not a test):
#   1. recall of re-scrapes: every article of gikirima_rescrapes_of_06-18_urls.jsonl should be
#      in the cluster of the article with the same URL in gikirima_scrape_2025-06-18.jsonl;
#   2. syndicated Dutch DPG copies: clusters of more than one article, and a sample of them
#      (titles and openings) to check precision by eye;
#   3. throughput, --dedup-only, -j1 and -j2, over all the news repeated with perturbed copies
#      (bench/perturb.c) to N articles (default 100,000), with the recall of those copies, and
#      the index's memory per article (kabar_index_memory()).
# One run each (the machine is shared); floors: 5,000 articles/s with -j2, < 300 bytes/article.
# Usage: bench/batch-bench.sh [DATA_DIR] [N]
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data/news}
total=${2:-100000}
if ! ls "$data"/id/*.jsonl "$data"/nl/*.jsonl >/dev/null 2>&1; then
  echo "batch-bench: no news data under $data (it lives in ../shared/data); nothing measured"
  exit 0
fi
build=build-bench
cmake -S . -B $build -DCMAKE_BUILD_TYPE=Release -DKABAR_BUILD_TESTS=OFF >/dev/null
cmake --build $build -j2 --target kabar-batch bench_perturb >/dev/null
export KABAR_DATA_DIR=${KABAR_DATA_DIR:-corpora}
batch=$build/examples/kabar-batch
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== 1. re-scrapes of 06-18 URLs"
"$batch" -q -j2 --dedup-only "$data"/id/gikirima_scrape_2025-06-18.jsonl \
  "$data"/id/gikirima_rescrapes_of_06-18_urls.jsonl >"$tmp/id.out"
jq -s -r '
  (map(select(.file | test("scrape_2025-06-18")) | select(.url) | {key: .url, value: .cluster})
   | group_by(.key) | map({key: .[0].key, value: map(.value)}) | from_entries) as $base
  | [ .[] | select(.file | test("rescrapes")) | select(.url and $base[.url])
      | (.cluster as $c | $base[.url] | index($c) != null) ]
  | "recall: \(map(select(.)) | length) / \(length) re-scrapes clustered with their URL"' \
  "$tmp/id.out"

echo "== 2. Dutch DPG syndicated copies"
"$batch" -q -j2 --dedup-only "$data"/nl/dpgmedia2019_articles_all.jsonl >"$tmp/nl.out"
jq -s -r '[.[] | select(.cluster)] | group_by(.cluster) | map(select(length > 1))
  | "clusters of copies: \(length), articles in them: \(map(length) | add // 0), of \(0)"' \
  "$tmp/nl.out" | sed "s/of 0\$/of $(wc -l <"$data"/nl/dpgmedia2019_articles_all.jsonl) records/"
echo "sample (every 5th cluster, first 2 members, title | opening):"
jq -c '{id, title, cluster}' "$tmp/nl.out" >"$tmp/nl.ids"
jq -rc '{id, t: (.text[0:70])}' "$data"/nl/dpgmedia2019_articles_all.jsonl >"$tmp/nl.texts"
jq -s -r --slurpfile texts <(jq -s 'map({key: .id, value: .t}) | from_entries' "$tmp/nl.texts") '
  [.[] | select(.cluster)] | group_by(.cluster) | map(select(length > 1))
  | to_entries | map(select(.key % 5 == 0)) | .[] | .value[0:2][]
  | "  \(.cluster): \(.id) \(.title[0:45]) | \($texts[0][.id])"' "$tmp/nl.ids"

echo "== 3. throughput, $total articles (all news + perturbed copies), --dedup-only"
$build/bench/bench_perturb "$total" "$data"/id/*.jsonl "$data"/nl/*.jsonl >"$tmp/feed.jsonl"
mb=$(awk -v b="$(stat -c %s "$tmp/feed.jsonl")" 'BEGIN { printf "%.0f", b / 1e6 }')
echo "feed: $(wc -l <"$tmp/feed.jsonl") records, $mb MB of JSON Lines"
for j in 1 2; do
  start=$(date +%s.%N)
  "$batch" -j$j --dedup-only "$tmp/feed.jsonl" >"$tmp/feed.j$j" 2>"$tmp/err.j$j"
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" -v n="$(wc -l <"$tmp/feed.j$j")" -v mb="$mb" -v j=$j \
    'BEGIN { t = e - s; printf "-j%d: %.1f s, %.0f articles/s, %.1f MB/s (JSON in and out)\n", j, t, n / t, mb / t }'
done
grep -o 'index holds.*' "$tmp/err.j2"
cmp -s "$tmp/feed.j1" "$tmp/feed.j2" && echo "-j1 and -j2 outputs identical" || echo "-j1 and -j2 DIFFER"
jq -r '[.id, .cluster] | @tsv' "$tmp/feed.j2" | awk -F'\t' '
  { split($1, p, "#"); if (p[2] == "") { cl[$1] = $2; next } n++; if (cl[p[1]] == $2) ok++ }
  END { printf "perturbed copies clustered with their original: %d / %d (%.4f)\n", ok, n, ok / n }'

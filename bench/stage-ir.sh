#!/usr/bin/env bash
# Instructions per article of each analysis stage, under callgrind: a deterministic figure
# (unlike wall-clock time on a shared machine) for measuring an optimisation before and after.
# Runs bench_summary's "kabar (analysis + summary)" system once over an IndoSum split; each
# article is analysed twice (the corpus description, then the timed run) and summarised once,
# and the stem cache is warm after the first pass, as in a feed run.
# Usage: bench/stage-ir.sh [SPLIT] [DATA_DIR]   (default dev.03 in ../shared/data/summarization/indosum)
# Needs valgrind; builds Release into build-bench (as bench/summary.sh does).
set -euo pipefail
cd "$(dirname "$0")/.."
split=${1:-dev.03}
data=${2:-../shared/data/summarization/indosum}
file=$data/${split%.jsonl}.jsonl
if [ ! -f "$file" ]; then
  echo "stage-ir: no IndoSum data at $file (it lives in ../shared/data); nothing measured"
  exit 0
fi
command -v valgrind >/dev/null || { echo "stage-ir: needs valgrind (apt-get install valgrind)"; exit 1; }
build=build-bench
cmake -S . -B $build -DCMAKE_BUILD_TYPE=Release -DKABAR_BUILD_TESTS=OFF >/dev/null
cmake --build $build -j"$(nproc)" --target bench_summary >/dev/null
out=$(mktemp)
trap 'rm -f "$out"' EXIT
KABAR_DATA_DIR=${KABAR_DATA_DIR:-corpora} valgrind --tool=callgrind --callgrind-out-file="$out" \
  "$build/bench/bench_summary" --runs 1 --only "kabar (an" "$file" >/dev/null 2>&1
articles=$(grep -c . "$file")
callgrind_annotate --inclusive=yes --threshold=100 "$out" 2>/dev/null |
  awk -v n="$articles" -v split_name="$split" '
    BEGIN {
      split("kabar_doc_new_lang kabar__segment_blocks kabar__segment_tokens " \
            "kabar__lang_mark_types kabar__lang_detect kabar__clean kabar__segment_sentences " \
            "kabar__terms kabar__dedup_blocks kabar__fingerprint " \
            "kabar_doc_summarize kabar_doc_free", want, " ")
      for (i in want) order[want[i]] = i
    }
    # a build with -g lists a function inlined from several files once per file and once under
    # its full path with the whole count: the largest line is the whole cost
    match($0, /:[A-Za-z_0-9]+( \[|[ \t]*$)/) {
      f = substr($0, RSTART + 1)
      sub(/[ \t].*$/, "", f)
      if (!(f in order)) next
      c = $1; gsub(",", "", c)
      if (c + 0 > best[f] + 0) best[f] = c
    }
    END {
      print "instructions per article, inclusive (" n " articles of IndoSum " split_name "):"
      for (f in best) {
        per = f == "kabar_doc_summarize" ? best[f] / n : best[f] / (2 * n)   # analysed twice, summarised once
        line[order[f]] = sprintf("%10.0f  %s", per, f)
      }
      for (i = 1; i <= 12; i++) if (i in line) print line[i]
    }'

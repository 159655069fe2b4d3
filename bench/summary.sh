#!/usr/bin/env bash
# Summary quality and speed on IndoSum: kabar, LEAD-3 and the Open Text Summarizer (OTS), each
# at 3 sentences, scored with ROUGE-1/2/L F1 against the gold summaries (bench/summary.c,
# scorer in bench/rouge.h), with throughput of the summarisation step on one core.
# Installs OTS (Debian libots-dev, ots, and glib's headers that libots.h needs) when missing
# and running as root; builds Release into build-bench; runs the self-test, then the split.
# Usage: bench/summary.sh [SPLIT] [DATA_DIR]   (SPLIT defaults to dev.03: DATA_DIR/dev.03.jsonl)
set -euo pipefail
cd "$(dirname "$0")/.."
split=${1:-dev.03}
data=${2:-../shared/data/summarization/indosum}
if [ ! -d "$data" ]; then
  echo "summary-bench: no IndoSum data at $data (it lives in ../shared/data); nothing measured"
  exit 0
fi
file=$data/${split%.jsonl}.jsonl
if [ ! -f "$file" ]; then
  echo "summary-bench: no $file; splits there:" $(cd "$data" && ls *.jsonl 2>/dev/null | sed 's/\.jsonl$//')
  exit 1
fi

if ! pkg-config --exists libots-1 2>/dev/null; then
  pkgs="libots-dev ots libglib2.0-dev"
  if [ "$(id -u)" = 0 ]; then
    echo "summary-bench: installing $pkgs"
    export DEBIAN_FRONTEND=noninteractive
    { apt-get install -y -qq $pkgs || { apt-get update -qq && apt-get install -y -qq $pkgs; }; } >/dev/null ||
      echo "summary-bench: could not install $pkgs; OTS will be left out"
  else
    echo "summary-bench: OTS is not installed; as root: apt-get install -y $pkgs (going on without it)"
  fi
fi

build=build-bench
# configuring again finds a libots installed since the last build (CMake re-checks a
# pkg-config module that was not found)
cmake -S . -B $build -DCMAKE_BUILD_TYPE=Release -DKABAR_BUILD_TESTS=OFF >/dev/null
cmake --build $build -j"$(nproc)" --target bench_summary >/dev/null
export KABAR_DATA_DIR=${KABAR_DATA_DIR:-corpora}

"$build/bench/bench_summary" --self-test
echo
pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)
"${pin[@]}" "$build/bench/bench_summary" --runs 3 "$file"

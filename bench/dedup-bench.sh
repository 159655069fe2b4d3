#!/usr/bin/env bash
# Throughput of dedup over all of ../shared/data/news as one JSON Lines stream (the tool, JSON
# in and out), and of the library alone (bench_analyse: kabar_doc_new on every article,
# texts already in memory). One core; median of 5 runs; peak memory from GNU time.
# Usage: bench/dedup-bench.sh [DATA_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data/news}
if ! ls "$data"/id/*.jsonl "$data"/nl/*.jsonl >/dev/null 2>&1; then
  echo "dedup-bench: no news data under $data (it lives in ../shared/data); nothing measured"
  exit 0
fi
command -v /usr/bin/time >/dev/null || { echo "dedup-bench: needs GNU time (apt-get install time)"; exit 1; }
build=build-bench
cmake -S . -B $build -DCMAKE_BUILD_TYPE=Release -DKABAR_BUILD_TESTS=OFF >/dev/null
cmake --build $build -j"$(nproc)" >/dev/null
export KABAR_DATA_DIR=${KABAR_DATA_DIR:-corpora}

stream=$(mktemp)
trap 'rm -f "$stream" "$stream.t"' EXIT
cat "$data"/id/*.jsonl "$data"/nl/*.jsonl >"$stream"
bytes=$(stat -c %s "$stream")
records=$(wc -l <"$stream")
echo "stream: $records articles, $bytes bytes (JSON Lines)"

for mode in json report; do
  times=()
  peak=0
  for run in 1 2 3 4 5; do
    /usr/bin/time -f "%e %M" -o "$stream.t" taskset -c 0 \
      "$build/examples/dedup" --jsonl --$mode "$stream" >/dev/null
    read -r secs kb <"$stream.t"
    times+=("$secs")
    [ "$kb" -gt "$peak" ] && peak=$kb
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
  awk -v s="$median" -v b="$bytes" -v n="$records" -v p="$peak" -v m="$mode" -v all="${times[*]}" \
    'BEGIN { printf "dedup --jsonl --%s: runs %s s; median %.3f s, %.1f MB/s, %.0f articles/s, peak RSS %.1f MB\n",
             m, all, s, b / 1e6 / s, n / s, p / 1024 }'
done

taskset -c 0 "$build/bench/bench_analyse" 5 "$data"/id/*.jsonl "$data"/nl/*.jsonl | tail -1

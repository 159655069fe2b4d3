#!/usr/bin/env bash
# Named-entity tagger: accuracy and speed on the public NER sets in ../shared/data/ner.
#
# For each set: kabar-train-ner on the training split (dev F1 per epoch, best epoch kept),
# kabar-ner on the evaluation split, and bench/conlleval on its output (exact-match entity
# P/R/F1 per type, conlleval's definition); then tagging speed on one core (taskset -c 0,
# median of 3 runs, already-tokenised text: the training split, for a long enough run),
# kabar-ner's context+model load time and its peak RSS (/usr/bin/time -v).
#
#   conll2002-nl  ned.train -> ned.testa    research only: the model stays in a temp dir
#   nergrit       train -> valid
#   idner-news-2k train -> dev
#   nerp          train -> valid            (all lower case; EVT is the event type)
#
# Models are written to a temporary directory and deleted at the end (never into corpora/:
# CoNLL-2002 may not be shipped). Language data (gazetteers, trigger words) comes from
# $KABAR_DATA_DIR, default corpora/.
#
# Usage: bench/ner.sh [SET...]     (default: all four)   EPOCHS=N (default 12) KEEP=1 keeps
# the temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${NER_DATA:-../shared/data/ner}
if [ ! -d "$data" ]; then
  echo "ner-bench: no NER data at $data (it lives in ../shared/data); nothing measured"
  exit 0
fi
sets=("$@")
[ ${#sets[@]} -gt 0 ] || sets=(conll2002-nl nergrit idner-news-2k nerp)
epochs=${EPOCHS:-12}

build=build-bench
cmake -S . -B $build -DCMAKE_BUILD_TYPE=Release -DKABAR_BUILD_TESTS=OFF >/dev/null
cmake --build $build -j2 --target kabar-train-ner kabar-ner conlleval >/dev/null
export KABAR_DATA_DIR=${KABAR_DATA_DIR:-$PWD/corpora}
train_ner=$build/examples/kabar-train-ner
ner=$build/examples/kabar-ner
conlleval=$build/bench/conlleval

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kabar-ner-bench.XXXXXX")
if [ "${KEEP:-0}" = 1 ]; then echo "ner-bench: keeping $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi
pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)
timev=()
[ -x /usr/bin/time ] && timev=(/usr/bin/time -v)

# set -> "lang train eval"
spec() {
  case $1 in
  conll2002-nl) echo "nl conll2002-nl/ned.train conll2002-nl/ned.testa" ;;
  nergrit) echo "id nergrit/train_preprocess.txt nergrit/valid_preprocess.txt" ;;
  idner-news-2k) echo "id idner-news-2k/train.txt idner-news-2k/dev.txt" ;;
  nerp) echo "id nerp/train_preprocess.txt nerp/valid_preprocess.txt" ;;
  *) return 1 ;;
  esac
}
floor() {
  case $1 in
  conll2002-nl) echo 75 ;; nergrit) echo 65 ;; idner-news-2k) echo 70 ;; *) echo - ;;
  esac
}
median3() { printf '%s\n' "$@" | sort -g | sed -n 2p; }

rows=()
for set in "${sets[@]}"; do
  read -r lang train eval < <(spec "$set") || { echo "ner-bench: unknown set $set"; exit 2; }
  if [ ! -f "$data/$train" ] || [ ! -f "$data/$eval" ]; then
    echo "ner-bench: $set: $data/$train or $data/$eval missing; skipped"
    continue
  fi
  model=$tmp/$set.model
  echo "== $set ($lang): training on $train, $epochs epochs, dev $eval"
  t0=$(date +%s.%N)
  "${pin[@]}" "$train_ner" -o "$model" --lang "$lang" --epochs "$epochs" --dev "$data/$eval" \
    "$data/$train" >"$tmp/$set.train.log" 2>"$tmp/$set.train.err"
  t1=$(date +%s.%N)
  grep -E '^epoch|^saved' "$tmp/$set.train.log" | sed 's/^/   /'
  train_f1=$(grep '^saved' "$tmp/$set.train.log" >/dev/null &&
    awk '/^epoch/ { if ($7 + 0 > best) best = $7 + 0 } END { printf "%.2f", best }' "$tmp/$set.train.log")

  # accuracy: tag the evaluation split, score the output
  "$ner" --lang "$lang" --model "$model" "$data/$eval" >"$tmp/$set.out"
  "$conlleval" "$tmp/$set.out" >"$tmp/$set.score"
  sed 's/^/   /' "$tmp/$set.score"
  f1=$(awk '/^accuracy/ { print $8 }' "$tmp/$set.score")
  per_type=$(awk '/FB1/ && !/^accuracy/ { sub(":", "", $1); printf "%s %.1f  ", $1, $7 }' "$tmp/$set.score")
  [ "$(wc -l <"$tmp/$set.out")" -ge "$(grep -c . "$data/$eval")" ] ||
    echo "   WARNING: kabar-ner wrote fewer lines than the evaluation file has tokens"

  # speed: tag the training split 3 times on one core
  tps=() loads=() rss=()
  for run in 1 2 3; do
    "${timev[@]}" "${pin[@]}" "$ner" --lang "$lang" --model "$model" --stats "$data/$train" \
      >/dev/null 2>"$tmp/$set.stats"
    tps+=("$(sed -n 's/.*= \([0-9.]*\) tokens\/s.*/\1/p' "$tmp/$set.stats")")
    loads+=("$(sed -n 's/.*model load \([0-9.]*\) s.*/\1/p' "$tmp/$set.stats")")
    rss+=("$(awk '/Maximum resident set size/ { print $6 }' "$tmp/$set.stats")")
  done
  tok_s=$(median3 "${tps[@]}")
  load=$(median3 "${loads[@]}")
  rss_mb=$(printf '%s\n' "${rss[@]}" | sort -g | tail -1 | awk '{ printf "%.0f", ($1 + 0) / 1024 }')
  model_kb=$(($(stat -c %s "$model") / 1024))
  echo "   tagging: ${tps[*]} tokens/s (median $tok_s); load ${loads[*]} s; peak RSS ${rss_mb} MB; model ${model_kb} KB; training $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }') s"
  rows+=("$(printf '%-14s %6s %6s %6s %10s %7s %7s  %s' "$set" "$f1" "$train_f1" "$(floor "$set")" \
    "$tok_s" "$load" "$rss_mb" "$per_type")")
done

echo
echo "F1: conlleval on kabar-ner's output (model saved, 16-bit weights); train: best dev F1 printed"
echo "by kabar-train-ner (float weights), which should agree to within a few hundredths."
printf '%-14s %6s %6s %6s %10s %7s %7s  %s\n' set F1 train floor tokens/s load_s RSS_MB "per type F1"
printf '%s\n' "${rows[@]}"
echo "floors: ned.testa >= 75, NERGrit >= 65, idner >= 70; >= 200000 tokens/s; load < 1 s; RSS < 200 MB"

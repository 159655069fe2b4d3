#!/usr/bin/env bash
# Acceptance checks on the two seed articles in ../shared/seeds (not part of the repository,
# so this runs from .ci/run when they are present). Usage: seeds.sh DEDUP SEEDS_DIR [KABAR_BATCH]
set -euo pipefail
dedup=$1
seeds=$2
batch=${3:-}
export KABAR_DATA_DIR=${KABAR_DATA_DIR:-corpora}
pass=0
fail=0
check() { # check NAME EXPECTED ACTUAL
  if [ "$2" == "$3" ]; then pass=$((pass + 1)); else
    fail=$((fail + 1)); printf 'FAIL %s: expected [%s] got [%s]\n' "$1" "$2" "$3"; fi
}

id=$(ls "$seeds"/000_*.txt)
nl=$(ls "$seeds"/001_*.txt)
jid=$("$dedup" --json "$id")
jnl=$("$dedup" --json "$nl")

# Seed 000: Indonesian, widget lines and editor tag are boilerplate, lines 14-21 repeat 6-13.
check "000 lang" "id" "$(jq -r .lang <<<"$jid")"
check "000 boilerplate lines" "2 3 4 22" \
  "$(jq -r '[.blocks[] | select(.kind == "boilerplate") | .line] | map(tostring) | join(" ")' <<<"$jid")"
check "000 repeats" "14:6 15:7 16:8 17:9 18:10 19:11 20:12 21:13" \
  "$(jq -r '.blocks as $b | [.blocks[] | select(.duplicate_of != null)
           | "\(.line):\($b[.duplicate_of].line)"] | join(" ")' <<<"$jid")"
check "000 repeats are structural" "8" \
  "$(jq '[.blocks[] | select(.repeat == "structural")] | length' <<<"$jid")"
check "000 lead kept" "body null" \
  "$(jq -r '.blocks[] | select(.line == 5) | "\(.kind) \(.duplicate_of)"' <<<"$jid")"
text=$("$dedup" "$id")
for line in $(seq 5 13); do
  para=$(sed -n "${line}p" "$id" | tr -d '\r')
  check "000 line $line once in text" "1" "$(grep -cxF -- "$para" <<<"$text" || true)"
done
check "000 paragraphs in text" "10" "$(grep -c . <<<"$text")"

# Seed 001: Dutch, the glued "date 2018-04" is cut and the rest of line 1 kept; no repeats.
check "001 lang" "nl" "$(jq -r .lang <<<"$jnl")"
check "001 repeats" "0" "$(jq '[.blocks[] | select(.duplicate_of != null)] | length' <<<"$jnl")"
first=$(sed -n 1p "$nl" | sed -E 's/^[[:space:]]*date [0-9-]+[[:space:]]*//')
check "001 first paragraph" "$first" "$("$dedup" "$nl" | sed -n 1p)"
check "001 date cut" "0" "$("$dedup" "$nl" | grep -c 'date 2018' || true)"

# kabar-batch: the two seeds report one event in two languages: one story, two clusters; an
# article of the project's own about something else shares neither.
if [ -n "$batch" ]; then
  feed=$(mktemp)
  trap 'rm -f "$feed"' EXIT
  jq -Rsc '{id: "seed-000", text: ., date: "2018-04-17"}' "$id" >>"$feed"
  jq -Rsc '{id: "seed-001", text: ., date: "2018-04-17"}' "$nl" >>"$feed"
  for f in corpora/samples/id-banjir-quote.txt corpora/samples/nl-chipfabriek.txt; do
    jq -Rsc --arg id "$(basename "$f" .txt)" '{id: $id, text: ., date: "2018-04-17"}' "$f" >>"$feed"
  done
  out=$("$batch" -q -j2 --dedup-only "$feed")
  check "seeds share a story" "seed-000 seed-000" \
    "$(jq -r 'select(.id | startswith("seed")) | .story' <<<"$out" | tr '\n' ' ' | sed 's/ $//')"
  check "seeds are not one cluster" "seed-000 seed-001" \
    "$(jq -r 'select(.id | startswith("seed")) | .cluster' <<<"$out" | tr '\n' ' ' | sed 's/ $//')"
  check "unrelated articles share neither" "id-banjir-quote id-banjir-quote nl-chipfabriek nl-chipfabriek" \
    "$(jq -r 'select(.id | startswith("seed") | not) | "\(.cluster) \(.story)"' <<<"$out" | tr '\n' ' ' | sed 's/ $//')"
fi

echo "seeds: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

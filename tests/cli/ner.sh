#!/usr/bin/env bash
# kabar-train-ner and kabar-ner on small CoNLL files written here: CRLF lines, -DOCSTART-
# lines, malformed lines reported with FILE:LINE and skipped; tagging echoes every line with a
# TAB and an IOB2 tag; bad models and usage give clear errors and the documented status.
# Usage: ner.sh KABAR-TRAIN-NER KABAR-NER
set -uo pipefail
train_ner=$1
ner=$2
export KABAR_DATA_DIR=${KABAR_DATA_DIR:-corpora}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $1"; shift; for f in "$@"; do echo "--- $f"; cat "$f"; done; }
expect() { # expect NAME EXPECTED_STATUS ACTUAL_STATUS [STDERR_PATTERN FILE]
  local good=1
  [ "$2" == "$3" ] || good=0
  if [ $# -ge 5 ] && ! grep -qE -- "$4" "$5"; then good=0; fi
  if [ $good -eq 1 ]; then ok; else bad "$1: status $3 (want $2)" ${5:+"$5"}; fi
}

# Training data: Indonesian-like sentences with CRLF line ends and -DOCSTART- lines; line 10
# has no tag column and line 14 a malformed tag: both sentences are skipped.
{
  printf -- '-DOCSTART- -X- O O\r\n\r\n'
  printf 'Menteri O\r\nBudi B-PER\r\nSantoso I-PER\r\nberkunjung O\r\nke O\r\nBandung B-LOC\r\n\r\n'
  printf 'hanya-token\r\n\r\n'
  printf 'Kemarin O\r\nPT B-ORG\r\nMaju X-ORG\r\nberdiri O\r\n\r\n'
  printf -- '-DOCSTART- -X- O O\r\n\r\n'
  for i in 1 2 3 4 5 6; do
    printf 'Gubernur O\r\nSari B-PER\r\nWijaya I-PER\r\nmeninjau O\r\nMedan B-LOC\r\n.\tO\r\n\r\n'
    printf 'PT B-ORG\r\nKarya I-ORG\r\nTani I-ORG\r\nmembuka O\r\npabrik O\r\ndi O\r\nPadang B-LOC\r\n\r\n'
  done
} >"$tmp/train.conll"
printf 'Menteri O\nAgus B-PER\nHalim I-PER\nke O\nMedan B-LOC\n\n' >"$tmp/dev.conll"

"$train_ner" -o "$tmp/m.model" --epochs 3 --dev "$tmp/dev.conll" "$tmp/train.conll" \
  >"$tmp/out" 2>"$tmp/err"
expect "training with bad lines" 0 $? "train.conll:10: no tag column; sentence skipped" "$tmp/err"
grep -q 'train.conll:14: .*sentence skipped' "$tmp/err" && ok || bad "malformed tag not at line 14" "$tmp/err"
grep -q '2 sentences skipped' "$tmp/err" && ok || bad "skipped count" "$tmp/err"
[ "$(grep -c '^epoch .*dev F1' "$tmp/out")" == 3 ] && ok || bad "dev F1 per epoch" "$tmp/out"
grep -q '^saved epoch [0-9]* (best dev F1) to .*m.model' "$tmp/out" && ok || bad "saved line" "$tmp/out"
[ -s "$tmp/m.model" ] && ok || bad "no model written"
[ ! -e "$tmp/m.model.tmp" ] && ok || bad "temporary model file left behind"

# Tagging: tokens one a line (only the first column is read), blank lines between sentences,
# -DOCSTART- passed through; every line comes back with a TAB and a tag.
{
  printf -- '-DOCSTART- -X- O\n'
  printf 'Gubernur\nSari extra columns\nWijaya\nmeninjau\nMedan\n.\n\n'
  printf 'PT\nKarya\nTani\tx\nmembuka\npabrik\ndi\nPadang\n\n'
  printf -- '-DOCSTART- -X- O\n'
  printf 'Menteri\r\nRatna\r\n\r\n'
} >"$tmp/tokens.txt"
"$ner" --lang id --model "$tmp/m.model" "$tmp/tokens.txt" >"$tmp/tagged" 2>"$tmp/err"
expect "kabar-ner tags" 0 $?
[ "$(wc -l <"$tmp/tagged")" == "$(wc -l <"$tmp/tokens.txt")" ] && ok ||
  bad "line count $(wc -l <"$tmp/tagged") vs $(wc -l <"$tmp/tokens.txt")" "$tmp/tagged"
# the non-blank lines, in order, each echoed exactly (CR dropped) with TAB + tag
paste -d'|' <(tr -d '\r' <"$tmp/tokens.txt" | grep -v '^$') <(grep -v '^$' "$tmp/tagged") |
  awk -F'|' '{ n = length($1); if (substr($2, 1, n) != $1 || substr($2, n + 1) !~ /^\t(O|[BI]-[A-Z]+)$/) { print "line " NR ": " $0; bad = 1 } } END { exit bad }' \
  >"$tmp/mismatch" && ok || bad "echoed lines" "$tmp/mismatch"
[ "$(grep -c . "$tmp/tagged")" == "$(tr -d '\r' <"$tmp/tokens.txt" | grep -c .)" ] && ok || bad "non-blank line count" "$tmp/tagged"
grep -q $'^-DOCSTART- -X- O\tO$' "$tmp/tagged" && ok || bad "DOCSTART passed through" "$tmp/tagged"
grep -q $'^Sari extra columns\tB-PER$' "$tmp/tagged" && ok || bad "learned name not tagged" "$tmp/tagged"
grep -q $'^Padang\tB-LOC$' "$tmp/tagged" && ok || bad "learned place not tagged" "$tmp/tagged"
# the output is IOB2: no I- tag after O or another type
awk -F'\t' 'NF > 1 { t = $NF; if (t ~ /^I-/ && substr(prev, 3) != substr(t, 3)) { print NR ": " $0; bad = 1 } prev = t } NF <= 1 { prev = "O" } END { exit bad }' \
  "$tmp/tagged" >"$tmp/mismatch" && ok || bad "IOB2" "$tmp/mismatch"

# standard input, and --stats
"$ner" --lang id --model "$tmp/m.model" --stats <"$tmp/tokens.txt" >"$tmp/tagged2" 2>"$tmp/err"
expect "--stats" 0 $? "kabar-ner: [0-9]+ tokens tagged in [0-9.]+ s = [0-9]+ tokens/s" "$tmp/err"
cmp -s "$tmp/tagged" "$tmp/tagged2" && ok || bad "stdin output differs"

# an ill-formed token: the sentence is tagged O and named by file and line
printf 'Kota\nBesar\xff\n\nMedan\n' >"$tmp/badutf8.txt"
"$ner" --lang id --model "$tmp/m.model" "$tmp/badutf8.txt" >"$tmp/out" 2>"$tmp/err"
expect "invalid UTF-8 token" 0 $? "badutf8.txt:2: .*UTF-8.*tagged O" "$tmp/err"
[ "$(grep -c . "$tmp/out")" == 3 ] && ok || bad "lines after bad UTF-8" "$tmp/out"

# bad models: missing, damaged, not a model
"$ner" --lang id --model "$tmp/missing.model" "$tmp/tokens.txt" >"$tmp/out" 2>"$tmp/err"
expect "missing model" 1 $? "kabar-ner: .*missing.model: " "$tmp/err"
[ ! -s "$tmp/out" ] && ok || bad "output with a missing model" "$tmp/out"
head -c 100 "$tmp/m.model" >"$tmp/short.model"
"$ner" --lang id --model "$tmp/short.model" "$tmp/tokens.txt" >"$tmp/out" 2>"$tmp/err"
expect "truncated model" 1 $? "kabar-ner: .*short.model: invalid" "$tmp/err"
cp "$tmp/tokens.txt" "$tmp/text.model"
"$ner" --lang id --model "$tmp/text.model" "$tmp/tokens.txt" >"$tmp/out" 2>"$tmp/err"
expect "text as model" 1 $? "text.model" "$tmp/err"
# a Dutch model asked to tag with an Indonesian-only context
"$ner" --lang nl --model "$tmp/m.model" "$tmp/tokens.txt" >"$tmp/out" 2>"$tmp/err"
expect "model language not loaded" 1 $? "kabar-ner: " "$tmp/err"
# a missing input file
"$ner" --lang id --model "$tmp/m.model" "$tmp/nope.txt" >"$tmp/out" 2>"$tmp/err"
expect "missing input" 1 $? "nope.txt: No such file" "$tmp/err"

# usage errors exit 2
"$ner" --model "$tmp/m.model" </dev/null >/dev/null 2>"$tmp/err"; expect "kabar-ner without --lang" 2 $? "usage" "$tmp/err"
"$ner" --lang id --bogus </dev/null >/dev/null 2>"$tmp/err"; expect "kabar-ner bad option" 2 $? "unknown or incomplete option" "$tmp/err"
"$train_ner" "$tmp/train.conll" >/dev/null 2>"$tmp/err"; expect "train without -o" 2 $? "usage" "$tmp/err"
"$train_ner" -o "$tmp/x.model" >/dev/null 2>"$tmp/err"; expect "train without files" 2 $? "usage" "$tmp/err"
"$train_ner" -o "$tmp/x.model" --epochs 0 "$tmp/train.conll" >/dev/null 2>"$tmp/err"; expect "0 epochs" 2 $? "usage" "$tmp/err"
"$train_ner" -o "$tmp/x.model" "$tmp/nope.conll" >/dev/null 2>"$tmp/err"; expect "missing training file" 1 $? "nope.conll: No such file" "$tmp/err"
"$train_ner" -o "$tmp/nodir/x.model" --epochs 1 "$tmp/train.conll" >/dev/null 2>"$tmp/err"; expect "unwritable model path" 1 $? "nodir/x.model: " "$tmp/err"
"$train_ner" -o "$tmp/x.model" --lang xx "$tmp/train.conll" >/dev/null 2>"$tmp/err"; expect "unknown language" 1 $? "kabar-train-ner: " "$tmp/err"

echo "ner cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/usr/bin/env bash
# dedup on bad input and bad usage: clear messages naming the file (and byte or line), the
# documented exit status, and nothing lost from the other inputs. Usage: errors.sh DEDUP
set -uo pipefail
dedup=$1
export KABAR_DATA_DIR=${KABAR_DATA_DIR:-corpora}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
expect() { # expect NAME EXPECTED_STATUS ACTUAL_STATUS [STDERR_PATTERN STDERR_FILE]
  local ok=1
  [ "$2" == "$3" ] || ok=0
  if [ $# -ge 5 ] && ! grep -qE -- "$4" "$5"; then ok=0; fi
  if [ $ok -eq 1 ]; then pass=$((pass + 1)); else
    fail=$((fail + 1)); echo "FAIL $1: status $3 (want $2)"; [ $# -ge 5 ] && cat "$5"; fi
}

printf 'Judul berita\n\nIni paragraf pertama yang \xff rusak.\n' >"$tmp/bad.txt"
"$dedup" "$tmp/bad.txt" >"$tmp/out" 2>"$tmp/err"
expect "invalid UTF-8 names file and byte" 1 $? "bad.txt: input is not valid UTF-8 at byte 40" "$tmp/err"

"$dedup" --replace-invalid "$tmp/bad.txt" >"$tmp/out" 2>"$tmp/err"
expect "--replace-invalid repairs" 0 $?
grep -q $'\xef\xbf\xbd' "$tmp/out" && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL U+FFFD not in output"; }

: >"$tmp/empty.txt"
"$dedup" --json "$tmp/empty.txt" >"$tmp/out" 2>"$tmp/err"
expect "empty file is fine" 0 $?
[ "$(jq -r '.blocks | length' "$tmp/out")" == "0" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL empty json"; }

printf 'Kalimat dengan\0byte NUL di tengah paragraf yang panjang.\n' >"$tmp/nul.txt"
"$dedup" --json "$tmp/nul.txt" >"$tmp/out" 2>"$tmp/err"
expect "NUL bytes are analysed" 0 $?

# Several files: a bad one in the middle does not stop the others.
cp corpora/samples/id-short.txt "$tmp/a.txt"
"$dedup" "$tmp/a.txt" "$tmp/bad.txt" "$tmp/missing.txt" "$tmp/a.txt" >"$tmp/out" 2>"$tmp/err"
expect "bad and missing files among good ones" 1 $? "missing.txt: No such file" "$tmp/err"
[ "$(grep -c '==> ' "$tmp/out")" == "3" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL other files lost"; cat "$tmp/out"; }

# JSON Lines: broken records are reported with their line and the rest is processed.
{
  echo '{"id": "a1", "text": "Paragraf pertama berita ini cukup panjang untuk dianalisis."}'
  echo '{"id": "a2", "text": '
  echo '{"id": "a3"}'
  printf '{"id": "a4", "text": "rusak \\udc00 sekali"}\n'
  echo '{"id": "a5", "text": "De gemeenteraad van Delft vergadert vanavond over de begroting."}'
} >"$tmp/feed.jsonl"
"$dedup" --jsonl "$tmp/feed.jsonl" >"$tmp/out" 2>"$tmp/err"
expect "jsonl with broken lines" 1 $? "feed.jsonl:2: bad JSON record" "$tmp/err"
grep -q 'feed.jsonl:3: record has no "text"' "$tmp/err" && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL line 3 not named"; cat "$tmp/err"; }
grep -q 'feed.jsonl:4:' "$tmp/err" && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL line 4 not named"; cat "$tmp/err"; }
[ "$(jq -r .id "$tmp/out" | tr '\n' ' ')" == "a1 a5 " ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL jsonl good records"; cat "$tmp/out"; }

# Usage errors exit 2.
"$dedup" >/dev/null 2>"$tmp/err"; expect "no files" 2 $? "no input files" "$tmp/err"
"$dedup" --bogus x >/dev/null 2>"$tmp/err"; expect "unknown option" 2 $? "unknown or incomplete option" "$tmp/err"
"$dedup" --lang xx "$tmp/a.txt" >/dev/null 2>"$tmp/err"; expect "unknown language" 2 $? "unknown language" "$tmp/err"
"$dedup" --version >"$tmp/out"; expect "--version" 0 $? "libkabar" "$tmp/out"
"$dedup" --help >"$tmp/out"; expect "--help" 0 $? "usage: dedup" "$tmp/out"

# stdin
"$dedup" - <corpora/samples/id-short.txt >"$tmp/out" 2>"$tmp/err"; expect "stdin" 0 $?
"$dedup" --lang nl --json - <corpora/samples/id-short.txt >"$tmp/out" 2>"$tmp/err"
[ "$(jq -r .lang "$tmp/out")" == "nl" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL --lang not honoured"; }

# Data directory errors name the directory.
"$dedup" --data-dir "$tmp/nowhere" "$tmp/a.txt" >/dev/null 2>"$tmp/err"
expect "missing data dir" 1 $? "nowhere" "$tmp/err"

echo "errors: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

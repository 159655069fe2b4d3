#!/usr/bin/env bash
# kabar-batch: -j1 and -j2 give the same bytes; broken records become error records in place
# (records in = records out); directory and RSS inputs; an --index run killed after some
# commits leaves exactly the committed articles for the next run; --window forgets old ones.
# Every text is the project's: corpora/samples, tests/data, or words made up here.
# Usage: batch.sh KABAR_BATCH
set -uo pipefail
batch=$1
export KABAR_DATA_DIR=${KABAR_DATA_DIR:-corpora}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
check() { # check NAME EXPECTED ACTUAL
  if [ "$2" == "$3" ]; then pass=$((pass + 1)); else
    fail=$((fail + 1)); printf 'FAIL %s: expected [%s] got [%s]\n' "$1" "$2" "$3"; fi
}

# Made-up articles: sentences of words drawn with a fixed seed, one article per call.
words=(petani sawah gabah harga pasar gudang pupuk kemarau hujan sungai jembatan desa kota
  warga anggaran proyek jalan truk pelabuhan kapal nelayan ikan laut pantai angin gelombang
  sekolah guru murid buku kelas ujian rumah dokter obat pasien listrik tarif pabrik buruh upah
  kereta stasiun tiket bandara pesawat cuaca banjir tanggul pompa lumpur hutan asap kabut gunung
  abu tenda dapur beras minyak gula kopi karet sawit kebun tanah hakim jaksa saksi vonis polisi
  motor mobil bensin koperasi pinjaman tabungan emas museum festival musik stadion pelatih liga)
article() { # article SEED -> text on stdout
  RANDOM=$1
  local s w out=""
  for s in $(seq 1 12); do
    local sent=""
    for w in $(seq 1 $((8 + RANDOM % 6))); do sent+="${words[RANDOM % ${#words[@]}]} "; done
    out+="${sent^}"
    out="${out% }. "
    [ $((s % 3)) -eq 0 ] && out+=$'\n\n'
  done
  printf 'Judul %s\n\n%s' "$1" "$out"
}
record() { # record ID SEED [DATE] -> one JSON line
  article "$2" | jq -Rsc --arg id "$1" --arg date "${3:-2025-06-10}" \
    '{id: $id, text: ., date: $date}'
}

# ---- a feed: samples, made-up articles, copies of both -------------------------------------
feed=$tmp/feed.jsonl
for f in corpora/samples/*.txt; do
  jq -Rsc --arg id "$(basename "$f" .txt)" '{id: $id, text: .}' "$f" >>"$feed"
done
for i in $(seq 1 20); do record "gen$i" "$i" >>"$feed"; done
for f in corpora/samples/id-cyber-pact.txt corpora/samples/nl-chipfabriek.txt; do
  jq -Rsc --arg id "copy-$(basename "$f" .txt)" '{id: $id, text: (. + "\nTambahan.\n")}' "$f" \
    >>"$feed"
done
record gen3-again 3 >>"$feed"
n_in=$(wc -l <"$feed")

"$batch" -q -j1 --batch-size 5 "$feed" >"$tmp/j1" 2>"$tmp/err1"
check "-j1 exit" 0 $?
"$batch" -q -j2 --batch-size 5 "$feed" >"$tmp/j2" 2>"$tmp/err2"
check "-j2 exit" 0 $?
"$batch" -q -j2 --batch-size 7 --dedup-only "$feed" >"$tmp/d2" 2>/dev/null
"$batch" -q -j1 --batch-size 3 --dedup-only "$feed" >"$tmp/d1" 2>/dev/null
check "-j1 and -j2 identical" "" "$(cmp "$tmp/j1" "$tmp/j2" 2>&1)"
check "-j1 and -j2 identical (--dedup-only, other batch sizes)" "" "$(cmp "$tmp/d1" "$tmp/d2" 2>&1)"
check "records in = records out" "$n_in" "$(wc -l <"$tmp/j1")"
check "ids in input order" "$(jq -r .id "$feed" | tr '\n' ' ')" "$(jq -r .id "$tmp/j1" | tr '\n' ' ')"
check "copy of a sample is its duplicate" "id-cyber-pact" \
  "$(jq -r 'select(.id == "copy-id-cyber-pact") | .duplicate_of' "$tmp/j1")"
check "Dutch copy too" "nl-chipfabriek" \
  "$(jq -r 'select(.id == "copy-nl-chipfabriek") | .duplicate_of' "$tmp/j1")"
check "exact repeat" "gen3" "$(jq -r 'select(.id == "gen3-again") | .cluster' "$tmp/j1")"
check "representatives have duplicate_of null" "0" \
  "$(jq -c 'select(.cluster == .id and .duplicate_of != null)' "$tmp/j1" | wc -l)"
check "made-up articles are not duplicates of each other" "20" \
  "$(jq -r 'select(.id | test("^gen[0-9]+$")) | .cluster' "$tmp/j1" | sort -u | wc -l)"
check "full mode has the dedup --json fields" "blocks cuts fingerprint sentences text" \
  "$(jq -r 'select(.id == "gen1") | [keys[] | select(. == "blocks" or . == "cuts" or . == "sentences" or . == "text" or . == "fingerprint")] | join(" ")' "$tmp/j1")"
check "dedup-only has no blocks" "null" "$(jq -r 'select(.id == "gen1") | .blocks' "$tmp/d1")"

# ---- broken records mixed in -----------------------------------------------------------------
mixed=$tmp/mixed.jsonl
{
  record ok1 101
  echo '{"id": "broken", "text": "no closing brace"'
  record ok2 102
  echo '{"id": "notext", "title": "Judul saja"}'
  echo '{"id": "empty", "text": ""}'
  echo ''
  printf '{"id": "badutf8", "text": "Judul\\n\\nIni \xff rusak."}\n'
  echo '[1, 2, 3]'
  echo '{"id": "big", "text": "'"$(head -c 3000 /dev/zero | tr '\0' 'a')"'"}'
  echo '{"id": 42, "text": "Judul\n\nSebuah teks dengan id angka yang cukup panjang untuk dianalisis."}'
  record ok3 103
} >"$mixed"
"$batch" -q -j2 --max-bytes 2000 "$mixed" >"$tmp/mixed.out" 2>"$tmp/mixed.err"
check "broken records: exit 0" 0 $?
check "broken records: records in = records out" 10 "$(wc -l <"$tmp/mixed.out")"
check "error records at their place" "ok null ok notext empty null null big ok ok" \
  "$(jq -r 'if .error then (.id // "null") else "ok" end' "$tmp/mixed.out" | tr '\n' ' ' | sed 's/ $//')"
check "error line numbers" "2 4 5 7 8 9" \
  "$(jq -r 'select(.error) | .line' "$tmp/mixed.out" | tr '\n' ' ' | sed 's/ $//')"
check "reasons" "bad JSON|no \"text\"|empty text|bad JSON|not a JSON object|size limit" \
  "$(jq -r 'select(.error) | .error' "$tmp/mixed.out" | sed -E 's/^(bad JSON).*/\1/; s/record has (no "text").*/\1/; s/record is (not a JSON object)/\1/; s/text over the (size limit)/\1/' | tr '\n' '|' | sed 's/|$//')"
check "error records name the file" "6" "$(jq -r 'select(.error) | .file' "$tmp/mixed.out" | grep -c mixed.jsonl)"
check "numeric id" "42" "$(jq -r 'select(.line == 10) | .id' "$tmp/mixed.out")"

# ---- a directory of .txt files ----------------------------------------------------------------
mkdir "$tmp/dir"
cp corpora/samples/*.txt "$tmp/dir/"
cp corpora/samples/id-short.txt "$tmp/dir/zz-copy.txt"
echo "not an article" >"$tmp/dir/readme.md"
printf 'Judul\n\nParagraf \xff rusak.\n' >"$tmp/dir/bad.txt"
"$batch" -q -j2 "$tmp/dir" >"$tmp/dir.out" 2>/dev/null
check "directory: one record per .txt" "$(ls "$tmp"/dir/*.txt | wc -l)" "$(wc -l <"$tmp/dir.out")"
check "directory: name order" "$(cd "$tmp/dir" && ls *.txt | LC_ALL=C sort | tr '\n' ' ')" \
  "$(jq -r .id "$tmp/dir.out" | tr '\n' ' ')"
check "directory: invalid UTF-8 is an error record" "invalid UTF-8 at byte 16" \
  "$(jq -r 'select(.id == "bad.txt") | .error' "$tmp/dir.out")"
check "directory: copy found" "id-short.txt" \
  "$(jq -r 'select(.id == "zz-copy.txt") | .duplicate_of' "$tmp/dir.out")"

# ---- an RSS feed --------------------------------------------------------------------------------
"$batch" -q tests/data/feed.rss >"$tmp/rss.out" 2>"$tmp/rss.err"
check "rss: exit 0" 0 $?
check "rss: one record per item" 4 "$(wc -l <"$tmp/rss.out")"
check "rss: ids from guid, else link" "kabar-uji-1 https://kabar.example/pasar-apung-2 kabar-uji-3 kabar-uji-4" \
  "$(jq -r .id "$tmp/rss.out" | tr '\n' ' ' | sed 's/ $//')"
check "rss: content:encoded wins over description, scripts dropped" "0 1 1" \
  "$(jq -r 'select(.id == "kabar-uji-1") | .text | [test("Ringkasan"), test("Puluhan pedagang")] | map(if . then 1 else 0 end) | join(" ")' "$tmp/rss.out") $(jq -r 'select(.id == "kabar-uji-1") | .text | test("track") | if . then 0 else 1 end' "$tmp/rss.out")" 
check "rss: escaped HTML description is the same article" "kabar-uji-1" \
  "$(jq -r 'select(.id == "https://kabar.example/pasar-apung-2") | .duplicate_of' "$tmp/rss.out")"
check "rss: item without text is an error record with its line" "$(grep -n '<item>' tests/data/feed.rss | sed -n 3p | cut -d: -f1)" \
  "$(jq -r 'select(.id == "kabar-uji-3") | "\(.line)"' "$tmp/rss.out")"
check "rss: Dutch item" "nl" "$(jq -r 'select(.id == "kabar-uji-4") | .lang' "$tmp/rss.out")"

# ---- --index: killed after two commits, then a second run -----------------------------------
idxfeed=$tmp/idx.jsonl
for i in $(seq 1 10); do record "art$i" $((200 + i)) >>"$idxfeed"; done
{ (KABAR_BATCH_KILL_AFTER_COMMITS=2 "$batch" -q --batch-size 3 --index "$tmp/k.db" "$idxfeed" \
  >"$tmp/k1.out"); st=$?; } 2>/dev/null
check "first run killed (SIGKILL)" 137 $st
"$batch" --batch-size 3 --index "$tmp/k.db" "$idxfeed" >"$tmp/k2.out" 2>"$tmp/k2.err"
check "second run exit" 0 $?
check "second run loads the committed articles" "1" \
  "$(grep -c '6 articles from earlier runs' "$tmp/k2.err")"
# the six committed articles are found again (as copies of themselves), the rest is new
check "committed ones are duplicates of the earlier run" "art1 art2 art3 art4 art5 art6 null null null null" \
  "$(jq -r '.duplicate_of // "null"' "$tmp/k2.out" | tr '\n' ' ' | sed 's/ $//')"
"$batch" -q --index "$tmp/k.db" "$idxfeed" >"$tmp/k3.out" 2>/dev/null
check "third run: every article seen before" "10" "$(jq -r 'select(.duplicate_of != null) | .id' "$tmp/k3.out" | wc -l)"
check "third run: clusters keep their first article's name" "art1" \
  "$(jq -r 'select(.line == 1) | .cluster' "$tmp/k3.out")"

# ---- --window: old articles are forgotten, in memory and in the database ----------------------
{
  record old1 301 2025-01-01
  record old2 302 2025-01-02
  record new1 303 2025-03-01
} >"$tmp/w1.jsonl"
"$batch" -q --window 7 --index "$tmp/w.db" "$tmp/w1.jsonl" >/dev/null 2>&1
{
  record old1-again 301 2025-03-02
  record new1-again 303 2025-03-02
} >"$tmp/w2.jsonl"
"$batch" --window 7 --index "$tmp/w.db" "$tmp/w2.jsonl" >"$tmp/w2.out" 2>"$tmp/w2.err"
check "window: only the recent article is kept" "1" "$(grep -c '1 articles from earlier runs' "$tmp/w2.err")"
check "window: an evicted article is not found" "null new1" \
  "$(jq -r '.duplicate_of // "null"' "$tmp/w2.out" | tr '\n' ' ' | sed 's/ $//')"

# ---- usage ------------------------------------------------------------------------------------
"$batch" >/dev/null 2>&1
check "no input: usage status" 2 $?
"$batch" -j 0 "$feed" >/dev/null 2>&1
check "bad -j: usage status" 2 $?
"$batch" -q "$tmp/missing.jsonl" >/dev/null 2>"$tmp/miss.err"
check "missing input: status 1" 1 $?

echo "batch: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

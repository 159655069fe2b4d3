#!/usr/bin/env bash
# Hostile inputs at two sizes (N and 4N): each must complete, and time should grow about 4x
# (linear), never 16x. Prints seconds, the ratio and peak memory per class.
# Usage: bench/hostile.sh [BUILD_DIR] [N_MB]   (default build-bench, 4 MB)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-bench}
n_mb=${2:-4}
if [ ! -x "$build/examples/dedup" ]; then
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DKABAR_BUILD_TESTS=OFF >/dev/null
  cmake --build "$build" -j"$(nproc)" >/dev/null
fi
export KABAR_DATA_DIR=${KABAR_DATA_DIR:-corpora}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# make CLASS BYTES FILE: writes about BYTES bytes of one hostile pattern: a head once, then a
# unit repeated (the classes of tests/unit/test_hostile.c, which asserts their statuses)
make_input() {
  local head='' unit nul=0
  case $1 in
    long-line)       unit='kata yang panjang sekali dan terus berlanjut tanpa henti ' ;;
    one-word-paras)  unit=$'a\n\n' ;;
    same-paragraph)  unit=$'Paragraf yang sama persis diulang terus menerus.\n' ;;
    inline-ads)      unit='kata ADVERTISEMENT ' ;;
    baca-juga-words) unit='Baca juga: Judul Besar Sekali Dengan Kata Kapital Terus ' ;;
    baca-juga-blank) head='Baca juga'; unit='          ' ;;
    open-parens)     unit='(ab (cd (ef ' ;;
    paren-letters)   head='('; unit='abcdefghij' ;;
    caps-words)      unit='SEMARANG ' ;;
    combining-flood) head='e'; unit=$'\xcc\x81\xcc\x81\xcc\x81\xcc\x81' ;;
    bidi-zero-width) unit=$'kata\xe2\x80\x8b\xe2\x80\xae\xe2\x81\xa6\xe2\x81\xa9\xe2\x80\x8f ' ;;
    emoji-zwj)       unit=$'warga\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7 \xf0\x9f\x87\xae\xf0\x9f\x87\xa9 ' ;;
    nul-bytes)       unit='kata@dua@@ '; nul=1 ;;
    invalid-utf8)    unit=$'kata \xff\xfe \xc3 \xed\xa0\x80 \xc0\x80 \xe0\x80\x80 \xf0\x80\x80\x80 \xf4\x90\x80\x80 \xf8\x88\x80\x80\x80 \xfc\x84\x80\x80\x80\x80 \x80 \xe2\x82 ' ;;
    dots-and-caps)   unit='A. B. C. D. E. Jl. No. dr. ' ;;
  esac
  local reps=$(( $2 / $(printf %s "$unit" | LC_ALL=C wc -c) + 1 ))
  LC_ALL=C awk -v h="$head" -v u="$unit" -v n="$reps" \
    'BEGIN { ORS = ""; print h; for (i = 0; i < n; i++) print u }' |
    if [ "$nul" = 1 ]; then tr '@' '\000'; else cat; fi >"$3"
}

printf '%-16s %10s %10s %7s %10s\n' class "N s" "4N s" ratio "peak 4N"
for class in long-line one-word-paras same-paragraph inline-ads baca-juga-words baca-juga-blank \
             open-parens paren-letters caps-words combining-flood bidi-zero-width emoji-zwj \
             nul-bytes invalid-utf8 dots-and-caps; do
  small=$(( n_mb << 20 ))
  make_input $class $small "$tmp/s"
  make_input $class $(( small * 4 )) "$tmp/l"
  /usr/bin/time -f "%e %M" -o "$tmp/ts" "$build/examples/dedup" --replace-invalid --report "$tmp/s" >/dev/null
  /usr/bin/time -f "%e %M" -o "$tmp/tl" "$build/examples/dedup" --replace-invalid --report "$tmp/l" >/dev/null
  read -r ts _ <"$tmp/ts"
  read -r tl ml <"$tmp/tl"
  awk -v c=$class -v a="$ts" -v b="$tl" -v m="$ml" \
    'BEGIN { printf "%-16s %10.2f %10.2f %7.1f %8.0f MB\n", c, a, b, (a > 0.01 ? b / a : 0), m / 1024 }'
done

#!/usr/bin/env bash
# Build corpora/id/dbpedia.gaz from the Indonesian DBpedia name lists of the MDEE project
# (Alfina, Savitri & Fanany 2017), kept outside the repository in ../shared/data.
#
#   corpora/tools/build-dbpedia-gazetteer.sh            # from the repository root (or anywhere)
#   KABAR_SHARED_DATA=/path/to/data corpora/tools/build-dbpedia-gazetteer.sh
#
# Input : $DATA/gazetteers/id-dbpedia-mdee-gazetteer/{person,place,organization}.txt (one name a line)
#         $DATA/ner/nergrit/train_preprocess.txt and $DATA/ner/idner-news-2k/train.txt (MIT): only
#         used to learn which words are ordinary lowercase Indonesian words (nothing is copied)
#         corpora/id/stopwords.txt
# Output: corpora/id/dbpedia.gaz in the gazetteer format (TYPE<TAB>Name), see README-entities.md.
#
# Quality filters (every type): whitespace trimmed and collapsed; no parentheses, brackets, quotes,
# commas or '?' (characters lost upstream); no leading punctuation; not digits only; at least 2 characters; at most 6 tokens; not a stopword; not a single
# word that starts in lower case, nor a day, month, holiday, religion or title word; not made only of ordinary lowercase words (seen in lower case at
# least twice in the NER training text) or stopwords; de-duplicated case-insensitively. A name listed
# under several types is kept once, in the order ORG, LOC, PER.
# PER: no digits; a single token must be capitalised and at least 4 characters; the last token may
# not be a particle (de, van, bin, ...) or an initial ("J.").
# LOC: the upstream list mostly joins a village with its district and regency ("Desa Kecamatan
# Kabupaten"), which never occurs in news. Trailing tokens that end at least 4 upstream entries
# (administrative units; a single direction word such as Barat/Utara is never split off) are stripped
# repeatedly; the village name and the stripped unit names are kept as separate entries.
set -euo pipefail
export LC_ALL=C.UTF-8 2>/dev/null || export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
DATA=${KABAR_SHARED_DATA:-$root/../shared/data}
SRC=$DATA/gazetteers/id-dbpedia-mdee-gazetteer
OUT=$root/corpora/id/dbpedia.gaz
STOP=$root/corpora/id/stopwords.txt

if [ ! -d "$DATA" ] || [ ! -f "$SRC/person.txt" ] || [ ! -f "$SRC/place.txt" ] || [ ! -f "$SRC/organization.txt" ]; then
    echo "build-dbpedia-gazetteer: the shared data is absent: expected $SRC/{person,place,organization}.txt" >&2
    echo "  (set KABAR_SHARED_DATA to the folder that holds gazetteers/ and ner/)" >&2
    exit 1
fi
[ -f "$STOP" ] || { echo "build-dbpedia-gazetteer: missing $STOP" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Ordinary lowercase words: lowercase alphabetic tokens seen at least twice in the NER training text.
lower_src=()
for f in "$DATA/ner/nergrit/train_preprocess.txt" "$DATA/ner/idner-news-2k/train.txt"; do
    [ -f "$f" ] && lower_src+=("$f")
done
if [ ${#lower_src[@]} -gt 0 ]; then
    cat "${lower_src[@]}" | tr -d '\r' | awk '{ t = $1; if (t ~ /^[a-z][a-z-]*$/ && length(t) > 1) n[t]++ }
        END { for (t in n) if (n[t] >= 2) print t }' > "$tmp/lower.txt"
else
    echo "build-dbpedia-gazetteer: warning: no NER training text found; lowercase-word filter uses stopwords only" >&2
    : > "$tmp/lower.txt"
fi
grep -v '^#' "$STOP" | awk 'NF { print tolower($1) }' > "$tmp/stop.txt"
# Capitalised common words that are not names in news (days, months, holidays, religion, titles),
# plus the one-word title triggers of corpora/id/entities.rules.
{
    printf '%s\n' senin selasa rabu kamis jumat sabtu minggu januari februari maret april mei juni juli \
        agustus september oktober november desember natal lebaran ramadan ramadhan idulfitri iduladha \
        imlek nyepi waisak islam kristen katolik protestan hindu buddha budha konghucu allah tuhan nabi \
        rasul quran injil pancasila merdeka reformasi rupiah dolar
    if [ -f "$root/corpora/id/entities.rules" ]; then
        awk -F'\t' '$1 == "title" && $2 !~ / / { print tolower($2) }' "$root/corpora/id/entities.rules"
    fi
} >> "$tmp/stop.txt"

# One normalised record a line: TYPE<TAB>Name
norm() { # $1 = type, $2 = file
    tr -d '\r' < "$2" | awk -v T="$1" '{ $1 = $1; if (NF) print T "\t" $0 }'
}
norm ORG "$SRC/organization.txt" > "$tmp/org.tsv"
norm PER "$SRC/person.txt" > "$tmp/per.tsv"

# Places: split "Village District Regency" chains at administrative-unit suffixes.
tr -d '\r' < "$SRC/place.txt" | awk '
BEGIN {
    split("Barat Timur Utara Selatan Tengah Tenggara Daya Laut Darat Baru Lama Hulu Hilir Ilir Ulu " \
          "Raya Besar Kecil Dalam Luar Atas Bawah Kota Jaya Makmur Indah Asri Sari Mulya Mulyo Kidul " \
          "Lor Wetan Kulon Induk Pusat Pesisir Pantai Seberang Tanjung Sungai Pulau Kampung Desa " \
          "Gunung Bukit Batu Air I II III IV V VI Satu Dua Tiga Empat Lima", m, " ")
    for (i in m) MOD[m[i]] = 1
    MIN = 4
}
{ $1 = $1; if (!NF) next; n++; line[n] = $0
  if (NF >= 2) f1[$NF]++
  if (NF >= 3) f2[$(NF-1) " " $NF]++ }
END {
    for (k = 1; k <= n; k++) {
        c = split(line[k], t, " ")
        while (1) {
            if (c >= 3) { s2 = t[c-1] " " t[c]
                if (f2[s2] >= MIN) { print "LOC\t" s2; c -= 2; continue } }
            if (c >= 2 && f1[t[c]] >= MIN && !(t[c] in MOD)) { print "LOC\t" t[c]; c--; continue }
            break
        }
        s = t[1]; for (i = 2; i <= c; i++) s = s " " t[i]
        print "LOC\t" s
    }
}' > "$tmp/loc.tsv"

# Filters and de-duplication (ORG first, then LOC, then PER).
cat "$tmp/org.tsv" "$tmp/loc.tsv" "$tmp/per.tsv" | awk -F'\t' -v LOW="$tmp/lower.txt" -v STOP="$tmp/stop.txt" '
BEGIN {
    while ((getline x < LOW) > 0) low[x] = 1
    while ((getline x < STOP) > 0) stop[x] = 1
    split("de da das do dos del della di van von der den ten ter te la le al el bin binti bt ibn y e", p, " ")
    for (i in p) particle[p[i]] = 1
}
{
    type = $1; name = $2
    if (name ~ /[][(){}"“”,;|<>=*#\\\/]/) next          # parentheses, quotes, commas, odd symbols
    if (name ~ /[?]/ || name ~ /^[^0-9A-Za-z\200-\377]/) next   # lost characters, leading punctuation
    if (name ~ /^[0-9 .\/-]+$/) next                     # digits only
    if (length(name) < 2) next
    nt = split(name, w, " ")
    if (nt > 6) next
    key = tolower(name)
    if (key in seen) next
    ordinary = 1
    for (i = 1; i <= nt; i++) { lw = tolower(w[i]); if (!((lw in low) || (lw in stop))) { ordinary = 0; break } }
    if (ordinary) next                                   # only ordinary words / stopwords
    if (nt == 1 && name ~ /^[a-z]/) next                 # one lowercase word
    if (type == "PER") {
        if (name ~ /[0-9]/) next
        if (nt == 1 && (name ~ /^[a-z]/ || length(name) < 4)) next
        if (tolower(w[nt]) in particle) next
        if (w[nt] ~ /^[A-Za-z]\.?$/ || w[nt] ~ /^([A-Z]\.)+$/) next   # ends with an initial
    }
    seen[key] = 1
    print type "\t" name
}' > "$tmp/all.tsv"

{
    echo "# kabar named-entity gazetteer (id), derived from the Indonesian DBpedia name lists of the"
    echo "# MDEE project: Ika Alfina, Septiviana Savitri and Mohamad Ivan Fanany, \"Modified DBpedia"
    echo "# Entities Expansion for Tagging Automatically NER Dataset\", ICACSIS 2017 (lists: Alfina et al.,"
    echo "# 2016/2017, free to use with citation; see ../shared/data/gazetteers/id-dbpedia-mdee-gazetteer/"
    echo "# README.upstream.md). Filtered by corpora/tools/build-dbpedia-gazetteer.sh; do not edit by hand."
    echo "# Rebuild: corpora/tools/build-dbpedia-gazetteer.sh   (reads ../shared/data)"
    echo "# Format: TYPE<TAB>Name, TYPE = PER, ORG or LOC; no canonical names (see README-entities.md)."
    echo "# Entries are sorted within each section."
    for ty in PER ORG LOC; do
        echo
        echo "# --- $ty ---"
        awk -F'\t' -v T="$ty" '$1 == T' "$tmp/all.tsv" | LC_ALL=C sort -t"$(printf '\t')" -k2,2 -u
    done
} > "$tmp/dbpedia.gaz"
mv "$tmp/dbpedia.gaz" "$OUT"

for ty in PER ORG LOC; do
    printf '%s\t%d\n' "$ty" "$(grep -c "^$ty	" "$OUT")"
done
printf 'total\t%d entries, %d bytes -> %s\n' "$(grep -vc -e '^#' -e '^$' "$OUT")" "$(wc -c < "$OUT")" "$OUT"

#!/usr/bin/env bash
# Rebuild the shipped named-entity models, corpora/id/ner.model and corpora/nl/ner.model, with
# the project's own tools, from licence-clean data in ../shared/data (never in the repository).
#
#   corpora/tools/build-ner-models.sh [BUILD_DIR]        # default BUILD_DIR: build
#
# Indonesian (corpora/id/ner.model): trained on the train splits of NERGrit (MIT/Apache-2.0),
#   idner-news-2k (MIT) and NERP (CC BY-SA 4.0), their types mapped to PER/ORG/LOC/EVENT
#   (--kabar-types: PERSON/PPL -> PER, ORGANISATION/IND -> ORG, PLACE/PLC -> LOC, EVT -> EVENT;
#   NERP's FNB is dropped), 10 epochs, features with all weights below 2 pruned.
# Dutch (corpora/nl/ner.model): no licence-clean Dutch NER corpus exists here (CoNLL-2002 is
#   research-only), so the Dutch articles in ../shared/data/news/nl are labelled automatically
#   with the project's own gazetteers and trigger words (kabar-ner --silver, with no model
#   loaded), and the tagger is trained on those silver labels, 4 epochs. The model holds hashed
#   feature weights only, no text. Its score on CoNLL-2002 ned.testa is in the README.
#
# The gazetteers and rules are part of the features: rebuild the models after changing them.
set -euo pipefail
export LC_ALL=C.UTF-8 2>/dev/null || export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
DATA=${KABAR_SHARED_DATA:-$root/../shared/data}
BUILD=${1:-$root/build}
train="$BUILD/examples/kabar-train-ner"
ner="$BUILD/examples/kabar-ner"

if [[ ! -d "$DATA/ner" || ! -d "$DATA/news/nl" ]]; then
  echo "build-ner-models: $DATA/ner or $DATA/news/nl is missing; these models are built from ../shared/data" >&2
  exit 1
fi
if [[ ! -x "$train" || ! -x "$ner" ]]; then
  echo "build-ner-models: build the tools first (cmake --build $BUILD)" >&2
  exit 1
fi

# The features must not depend on an old model: load the language data without ner.model.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$root/corpora" "$tmp/data"
rm -f "$tmp/data/id/ner.model" "$tmp/data/nl/ner.model"
export KABAR_DATA_DIR="$tmp/data"

echo "== id: NERGrit + idner-news-2k + NERP train splits"
"$train" --lang id --kabar-types --epochs 10 --prune 2 -o "$tmp/id.model" \
  "$DATA/ner/nergrit/train_preprocess.txt" "$DATA/ner/idner-news-2k/train.txt" \
  "$DATA/ner/nerp/train_preprocess.txt"

echo "== nl: silver labels on ../shared/data/news/nl"
"$ner" --silver --jsonl --lang nl "$DATA"/news/nl/*.jsonl >"$tmp/silver-nl.conll"
echo "   $(grep -c '^$' "$tmp/silver-nl.conll") sentences, $(grep -c 'B-' "$tmp/silver-nl.conll") mentions"
"$train" --lang nl --kabar-types --epochs 4 -o "$tmp/nl.model" "$tmp/silver-nl.conll"

cp "$tmp/id.model" "$root/corpora/id/ner.model"
cp "$tmp/nl.model" "$root/corpora/nl/ner.model"
ls -l "$root/corpora/id/ner.model" "$root/corpora/nl/ner.model"

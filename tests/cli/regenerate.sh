#!/usr/bin/env bash
# Rewrites tests/cli/expected/ from the current dedup. Review `git diff` before committing.
# Usage (from the source root): tests/cli/regenerate.sh build/examples/dedup
set -euo pipefail
dedup=${1:-build/examples/dedup}
export KABAR_DATA_DIR=${KABAR_DATA_DIR:-corpora}
mkdir -p tests/cli/expected
for f in corpora/samples/*.txt; do
  name=$(basename "$f" .txt)
  "$dedup" --json "$f" >tests/cli/expected/$name.json
  "$dedup" --report "$f" >tests/cli/expected/$name.report
done
echo "regenerated $(ls tests/cli/expected | wc -l) files"

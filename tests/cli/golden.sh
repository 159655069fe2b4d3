#!/usr/bin/env bash
# Golden CLI tests: dedup's --json and --report output for every sample article must equal
# tests/cli/expected/. After a deliberate change, run tests/cli/regenerate.sh and review the
# diff in the commit. Usage (from the source root): golden.sh DEDUP
set -euo pipefail
dedup=$1
export KABAR_DATA_DIR=${KABAR_DATA_DIR:-corpora}
pass=0
fail=0
for f in corpora/samples/*.txt; do
  name=$(basename "$f" .txt)
  for mode in json report; do
    expected=tests/cli/expected/$name.$mode
    if diff -u "$expected" <("$dedup" --$mode "$f") >/tmp/kabar-golden.$$ 2>&1; then
      pass=$((pass + 1))
    else
      fail=$((fail + 1))
      echo "FAIL $name --$mode"
      head -40 /tmp/kabar-golden.$$
    fi
  done
done
rm -f /tmp/kabar-golden.$$
echo "golden: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

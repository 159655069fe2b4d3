#!/usr/bin/env bash
# Exported-symbol check (STYLE §11, like PCRE2's symbol manifests): every symbol the shared
# library defines in its dynamic symbol table starts with kabar_ (and not kabar__, the internal
# prefix of STYLE §3), and the public API is there (at least KABAR_MIN_SYMBOLS of them, 30 by
# default). Usage: tests/symbols.sh path/to/libkabar.so
set -euo pipefail

lib=${1:?usage: symbols.sh LIB}
min=${KABAR_MIN_SYMBOLS:-30}
NM=${NM:-nm}

if [ ! -f "$lib" ]; then
  echo "symbols: $lib: no such file" >&2
  exit 1
fi

# "ADDRESS TYPE NAME" for defined dynamic symbols; drop symbol versions (name@@VER).
if ! out=$("$NM" -D --defined-only "$lib"); then
  echo "symbols: $NM -D --defined-only $lib failed" >&2
  exit 1
fi
names=$(printf '%s\n' "$out" | awk 'NF >= 2 { n = $NF; sub(/@.*/, "", n); print n }' | sort -u)

kabar=0
bad=()
while IFS= read -r name; do
  case $name in
    '') ;;
    kabar__*) bad+=("$name") ;; # internal by STYLE §3: must stay hidden
    kabar_*) kabar=$((kabar + 1)) ;;
    # linker-defined symbols some toolchains export from every shared object
    _init | _fini | __bss_start | __bss_start__ | _edata | _end | __end__ | __bss_end__ | _etext) ;;
    *) bad+=("$name") ;;
  esac
done <<<"$names"

status=0
if [ ${#bad[@]} -gt 0 ]; then
  echo "symbols: $lib exports ${#bad[@]} symbol(s) without the kabar_ prefix:" >&2
  printf '  %s\n' "${bad[@]}" >&2
  echo "  (internals stay hidden: static or kabar__ without KABAR_API; the API is kabar_ + KABAR_API)" >&2
  status=1
fi
if [ "$kabar" -lt "$min" ]; then
  echo "symbols: $lib exports only $kabar kabar_ symbols, expected at least $min" >&2
  status=1
fi
if [ $status -eq 0 ]; then
  echo "symbols: $lib exports $kabar kabar_ symbols and nothing else"
fi
exit $status

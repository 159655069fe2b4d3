#!/usr/bin/env bash
# Consumer test: installs a built kabar tree into a temporary prefix, then builds
# tests/consumer/main.c against the install three ways (CMake find_package, pkg-config shared,
# pkg-config static) and runs each, and checks the installed files and the dedup tool.
# Usage: run.sh BUILD_DIR SOURCE_DIR   (BUILD_DIR must already be built)
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 BUILD_DIR SOURCE_DIR" >&2
  exit 2
fi
build_dir=$(cd "$1" && pwd)
source_dir=$(cd "$2" && pwd)
cache="$build_dir/CMakeCache.txt"
if [[ ! -f $cache ]]; then
  echo "consumer: $cache not found: not a CMake build tree" >&2
  exit 1
fi

# The value of a cache entry (empty if absent).
cache_get() { sed -n "s/^$1:[A-Z]*=//p" "$cache" | head -n 1; }

# A sanitizer build's library needs the sanitizer runtime in every consumer; not worth it here.
if [[ -n $(cache_get KABAR_SANITIZE) || -n ${KABAR_SANITIZE:-} ]]; then
  echo "consumer: skipped under sanitizers"
  exit 0
fi

# Everything below finds its data through explicit paths, never a stray environment.
unset KABAR_DATA_DIR

cc=${CC:-$(cache_get CMAKE_C_COMPILER)}
cc=${cc:-cc}
generator=$(cache_get CMAKE_GENERATOR)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kabar-consumer.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP
prefix="$tmp/prefix"
checks=0

fail() {
  echo "consumer: FAIL: $*" >&2
  exit 1
}
# check DESCRIPTION COMMAND...: runs the command quietly and counts it; shows its output on failure.
check() {
  local desc=$1
  shift
  local out
  if ! out=$("$@" 2>&1); then
    printf '%s\n' "$out" >&2
    fail "$desc"
  fi
  checks=$((checks + 1))
}
# must_exist PATH...: installed files.
must_exist() {
  local f
  for f in "$@"; do
    [[ -e $prefix/$f ]] || fail "not installed: $f"
    checks=$((checks + 1))
  done
}

echo "consumer: installing $build_dir into $prefix"
check "cmake --install" cmake --install "$build_dir" --prefix "$prefix"

# --- installed tree -----------------------------------------------------------------------
pc=$(find "$prefix" -name kabar.pc -path '*/pkgconfig/*' | head -n 1)
[[ -n $pc ]] || fail "kabar.pc not installed"
pcdir=$(dirname "$pc")
libdir=$(dirname "$pcdir")
checks=$((checks + 1))
[[ -e $libdir/libkabar.so && -e $libdir/libkabar.a ]] ||
  fail "libkabar.so and libkabar.a not both in ${libdir#"$prefix"/}"
[[ -f $libdir/cmake/kabar/kabarConfig.cmake && -f $libdir/cmake/kabar/kabarConfigVersion.cmake ]] ||
  fail "CMake package files not in ${libdir#"$prefix"/}/cmake/kabar"
checks=$((checks + 2))

must_exist include/kabar.h include/kabar/version.h include/kabar/export.h \
  share/kabar/id/stopwords.txt
if [[ -d $source_dir/corpora/common ]]; then
  must_exist share/kabar/common/boilerplate.rules
  common_arg=(common)
else
  echo "consumer: corpora/common not in the source tree yet: not checking it"
  common_arg=()
fi
[[ ! -e $prefix/share/kabar/samples ]] || fail "sample articles installed as language data"
checks=$((checks + 1))
data="$prefix/share/kabar"

tools=$(cache_get KABAR_BUILD_TOOLS)
if [[ $tools != OFF && $tools != FALSE && $tools != 0 && $tools != NO ]]; then
  must_exist bin/dedup share/man/man1/dedup.1
  # The installed tool has no RPATH into the temporary prefix (a real install's libdir is on the
  # loader's path): point the loader at it.
  dedup() { LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$prefix/bin/dedup" "$@"; }
  version=$(dedup --version) || fail "installed dedup --version"
  [[ $version == "dedup "*" (libkabar "*")" ]] || fail "dedup --version printed '$version'"
  checks=$((checks + 1))
  printf '%s\n' "Harga cabai rawit di Pasar Induk Kramat Jati turun menjadi Rp 45.000 per" \
    "kilogram setelah pasokan dari sentra produksi di Jawa Tengah kembali normal." > "$tmp/in.txt"
  out=$(dedup --data-dir "$data" --report "$tmp/in.txt") || fail "installed dedup --data-dir"
  [[ $out == *"language id"* ]] || fail "installed dedup --report printed: $out"
  out=$(KABAR_DATA_DIR="$data" dedup --json "$tmp/in.txt") || fail "installed dedup, KABAR_DATA_DIR"
  [[ $out == *'"lang": "id"'* ]] || fail "installed dedup --json printed: $out"
  checks=$((checks + 2))
  if command -v man > /dev/null; then
    check "man page renders" man -l "$prefix/share/man/man1/dedup.1"
  fi
fi

# --- 1. CMake find_package ------------------------------------------------------------------
gen_args=()
[[ -n $generator ]] && gen_args=(-G "$generator")
check "configure the consumer with find_package(kabar)" \
  cmake -S "$source_dir/tests/consumer" -B "$tmp/cmake-build" "${gen_args[@]}" \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=Release
found=$(sed -n 's/^kabar_DIR:[A-Z]*=//p' "$tmp/cmake-build/CMakeCache.txt")
[[ $found == "$prefix"/* ]] || fail "find_package(kabar) found '$found', not the install"
checks=$((checks + 1))
check "build consumer_cmake" cmake --build "$tmp/cmake-build"
check "run consumer_cmake" "$tmp/cmake-build/consumer_cmake" "$data" "${common_arg[@]}"
echo "consumer: find_package: ok"

# --- 2. pkg-config, shared ------------------------------------------------------------------
# The prefix is redefined, as a packager relocating the tree would; a kabar.pc whose paths
# do not follow ${prefix} would point outside the install and fail here.
pkgconf() {
  PKG_CONFIG_PATH="$pcdir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}" \
    pkg-config --define-variable=prefix="$prefix" "$@" kabar
}
check "pkg-config finds kabar" pkgconf --exists
flags=$(pkgconf --cflags --libs)
for f in $flags; do
  case $f in
  -I* | -L*)
    d=${f:2}
    if [[ $d != "$prefix" && $d != "$prefix"/* ]]; then
      fail "kabar.pc gives '$f', outside the install prefix (kabar.pc is not relocatable)"
    fi
    ;;
  esac
done
checks=$((checks + 1))
# shellcheck disable=SC2086 # word splitting of pkg-config output is intended
check "compile with pkg-config (shared)" \
  "$cc" -std=c11 -Wall -Wextra -Werror -o "$tmp/consumer_pc" \
  "$source_dir/tests/consumer/main.c" $flags
check "run consumer_pc" env LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
  "$tmp/consumer_pc" "$data" "${common_arg[@]}"
echo "consumer: pkg-config shared: ok"

# --- 3. pkg-config, static libkabar ---------------------------------------------------------
static_flags=()
for f in $(pkgconf --static --cflags --libs); do
  if [[ $f == -lkabar ]]; then
    static_flags+=("-Wl,-Bstatic" -lkabar "-Wl,-Bdynamic")
  else
    static_flags+=("$f")
  fi
done
check "compile with pkg-config --static" \
  "$cc" -std=c11 -Wall -Wextra -Werror -o "$tmp/consumer_static" \
  "$source_dir/tests/consumer/main.c" "${static_flags[@]}"
if readelf -d "$tmp/consumer_static" | grep -q 'NEEDED.*libkabar'; then
  fail "consumer_static still needs libkabar.so"
fi
checks=$((checks + 1))
check "run consumer_static" "$tmp/consumer_static" "$data" "${common_arg[@]}"
echo "consumer: pkg-config static: ok"

echo "consumer: $checks checks passed"

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The man pages are reachable as the README and scripts/run say: rendered in the build folder's docs/man (readable
# with man -l), and found by `man NAME` after `cmake --install` (man maps PREFIX/bin on PATH to PREFIX/share/man).
#   man_pages_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
source_dir=$1
build_dir=$2
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

mapfile -t pages < <(cd "$source_dir/docs/man" && ls ./*.scd | sed 's|^\./||; s|\.scd$||')
[ "${#pages[@]}" -ge 3 ] || fail "found only ${pages[*]} in docs/man"

# The pages the README and scripts/run tell people to open exist in a build's docs/man.
for file in README.md scripts/run; do
  mapfile -t named < <(grep -o 'man -l build/[a-z-]*/docs/man/[a-z.0-9]*' "$source_dir/$file" | sed 's|.*/||')
  [ "${#named[@]}" -ge 1 ] || fail "$file does not say how to read the man pages (man -l build/…/docs/man/PAGE)"
  for page in "${named[@]}"; do
    [[ " ${pages[*]} " == *" $page "* ]] || fail "$file names $page, which docs/man does not render"
  done
done

cmake --install "$build_dir" --prefix "$prefix" > /dev/null
for page in "${pages[@]}"; do
  section=${page##*.}
  [ -s "$build_dir/docs/man/$page" ] || fail "$page is not rendered in $build_dir/docs/man"
  [ -s "$prefix/share/man/man$section/$page" ] || fail "cmake --install put no $page in share/man/man$section"
done

if ! command -v man > /dev/null; then
  echo "ok: pages rendered and installed (man is not installed here: not read back)"
  exit 0
fi
for page in "${pages[@]}"; do
  name=${page%.*}
  section=${page##*.}
  MANWIDTH=80 man -l "$build_dir/docs/man/$page" 2> /dev/null | grep -q "^NAME" || fail "man -l cannot read $page"
  found=$(PATH="$prefix/bin:/usr/bin:/bin" MANPATH='' man -w "$section" "$name" 2> /dev/null) || true
  [ "$found" = "$prefix/share/man/man$section/$page" ] ||
    fail "after cmake --install, man -w $section $name found '$found', not the installed $page"
done
echo "ok: ${pages[*]} read with man -l from the build and found by man after cmake --install"

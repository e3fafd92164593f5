#!/usr/bin/env bash
# layering.sh fails on a planted upward include: a copy of lib/mtec whose
# base/errors.hpp includes an mqtt header must be reported, with file:line.
set -euo pipefail
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$src/lib/mtec" "$tmp/mtec"
sed -i '0,/#include <string>/s||#include <string>\n#include "mtec/mqtt/discovery.hpp"|' "$tmp/mtec/base/errors.hpp"
if out=$("$src/tests/layering.sh" "$tmp" "$tmp/mtec"); then
  echo "layering.sh passed a planted upward include:"
  echo "$out"
  exit 1
fi
grep -q '^mtec/base/errors.hpp:[0-9]*: base includes mtec/mqtt/discovery.hpp (a higher layer: mqtt)$' <<<"$out" || {
  echo "unexpected report: $out"
  exit 1
}
echo "planted upward include caught: $out"

#!/usr/bin/env bash
# layering.sh fails on a planted upward include: a copy of lib/mtec whose
# base/errors.hpp includes an mqtt header, and whose mqtt/discovery.hpp
# includes the simulator (the top layer, linked by mtec-sim only), must be
# reported, each with file:line.
set -euo pipefail
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$src/lib/mtec" "$tmp/mtec"
sed -i '0,/#include <string>/s||#include <string>\n#include "mtec/mqtt/discovery.hpp"|' "$tmp/mtec/base/errors.hpp"
sed -i '0,/#include <string>/s||#include <string>\n#include "mtec/sim/server.hpp"|' "$tmp/mtec/mqtt/discovery.hpp"
if out=$("$src/tests/layering.sh" "$tmp" "$tmp/mtec"); then
  echo "layering.sh passed a planted upward include:"
  echo "$out"
  exit 1
fi
for expected in \
  '^mtec/base/errors.hpp:[0-9]*: base includes mtec/mqtt/discovery.hpp (a higher layer: mqtt)$' \
  '^mtec/mqtt/discovery.hpp:[0-9]*: mqtt includes mtec/sim/server.hpp (a higher layer: sim)$'; do
  grep -q "$expected" <<<"$out" || {
    echo "unexpected report: $out"
    exit 1
  }
done
echo "planted upward includes caught: $out"

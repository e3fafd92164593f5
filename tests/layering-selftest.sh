#!/usr/bin/env bash
# layering.sh fails on planted faults, each reported with where it is: a copy
# of lib/mtec whose base/errors.hpp includes an mqtt header and whose
# mqtt/discovery.hpp includes the simulator (the top layer, linked by
# mtec-sim only) and whose sim/faults.hpp declares the namespace mtec instead
# of its folder's, whose inverter/value.hpp declares base/'s (inline) namespace,
# and a copy of ARCHITECTURE.md that misses one module and
# lists one that does not exist.
set -euo pipefail
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$src/lib/mtec" "$tmp/mtec"
sed -i '0,/#include <string>/s||#include <string>\n#include "mtec/mqtt/discovery.hpp"|' "$tmp/mtec/base/errors.hpp"
sed -i '0,/#include <string>/s||#include <string>\n#include "mtec/sim/server.hpp"|' "$tmp/mtec/mqtt/discovery.hpp"
sed -i '0,/^namespace mtec::sim {/s//namespace mtec {/' "$tmp/mtec/sim/faults.hpp"
sed -i '0,/^inline namespace inverter {/s//inline namespace base {/' "$tmp/mtec/inverter/value.hpp"
sed -e '/^- `outage`:/d' -e 's/^- `utf8`:/- `utf9`: planted\n&/' "$src/ARCHITECTURE.md" >"$tmp/ARCHITECTURE.md"
if out=$("$src/tests/layering.sh" "$tmp" "$tmp/mtec" "$tmp/ARCHITECTURE.md"); then
  echo "layering.sh passed the planted faults:"
  echo "$out"
  exit 1
fi
expect=(
  '^mtec/base/errors.hpp:[0-9]*: base includes mtec/mqtt/discovery.hpp (a higher layer: mqtt)$'
  '^mtec/mqtt/discovery.hpp:[0-9]*: mqtt includes mtec/sim/server.hpp (a higher layer: sim)$'
  '^mtec/sim/faults.hpp:[0-9]*: namespace mtec in sim/ (its folder.s: mtec::sim)$'
  '^mtec/inverter/value.hpp:[0-9]*: namespace mtec::inline base in inverter/ (its folder.s: mtec::inline inverter)$'
  '^ARCHITECTURE.md: module base/outage is not listed under ### base/$'
  '^ARCHITECTURE.md: lists base/utf9, which is not in mtec/base/$'
)
for e in "${expect[@]}"; do
  grep -q "$e" <<<"$out" || {
    echo "not reported: $e"
    echo "report: $out"
    exit 1
  }
done
echo "planted faults caught:"
echo "$out"

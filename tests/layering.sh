#!/usr/bin/env bash
# The library's layers include only downwards:
# base < config < modbus < control < inverter < mqtt < sim < app
# (ARCHITECTURE.md). Every header and source of lib/mtec/<layer>/ may include
# "mtec/<layer'>/..." only for a layer' at or below its own; lib/ includes
# nothing of tools/; no module sits outside a layer folder; every module
# with a source file has its unit test at tests/unit/<layer>/test_<module>.cpp;
# ARCHITECTURE.md lists every module of each folder under "### <layer>/
# (namespace mtec::...)" as "- `<module>`: ..." and no module that does not
# exist; every file of a folder declares that namespace (or one below it that
# is no other folder's) and no other mtec namespace.
# Usage: layering.sh SOURCE_DIR [LIB_DIR [ARCHITECTURE.md]] (for the test's own plant).
set -euo pipefail
src=$1
lib=${2:-$src/lib/mtec}
arch=${3:-$src/ARCHITECTURE.md}
layers=(base config modbus control inverter mqtt sim app)
rank() {
  local i
  for i in "${!layers[@]}"; do [[ "${layers[$i]}" == "$1" ]] && { echo "$i"; return; }; done
  echo -1
}
bad=0
for f in "$lib"/*.hpp "$lib"/*.cpp; do
  [[ -e "$f" ]] || continue
  echo "${f#"$src"/}: outside a layer folder (${layers[*]})"
  bad=1
done
for dir in "$lib"/*/; do
  layer=$(basename "$dir")
  own=$(rank "$layer")
  if ((own < 0)); then
    echo "${dir#"$src"/}: not a layer (${layers[*]})"
    bad=1
    continue
  fi
  while IFS=: read -r file line text; do
    inc=$(sed -n 's/.*#include "\([^"]*\)".*/\1/p' <<<"$text")
    case "$inc" in
      mtec/*/*)
        to=${inc#mtec/}
        to=${to%%/*}
        r=$(rank "$to")
        if ((r < 0 || r > own)); then
          echo "${file#"$src"/}:$line: $layer includes $inc (a higher layer: $to)"
          bad=1
        fi
        ;;
      mtec/*)
        echo "${file#"$src"/}:$line: $inc is outside the layer folders"
        bad=1
        ;;
      *.hpp | *.h)
        echo "${file#"$src"/}:$line: $inc: lib includes only mtec/<layer>/... headers"
        bad=1
        ;;
    esac
  done < <(grep -Hn '#include "' "$dir"*.hpp "$dir"*.cpp 2>/dev/null || true)
done
# The modules ARCHITECTURE.md lists under "### <layer>/", one per line.
listed() {
  awk -v h="### $1/" '
    /^### / { on = ($0 == h || index($0, h " ") == 1); next }
    on && /^- `[a-z0-9_]+`/ { sub(/^- `/, ""); sub(/`.*/, ""); print }' "$arch"
}
# The namespace ARCHITECTURE.md names for a folder: "### <layer>/ (namespace N)",
# N possibly with an inline level ("mtec::inline base").
namespace_of() {
  sed -n "s|^### $1/ (namespace \([a-z:_ ]*\))\$|\1|p" "$arch"
}
# The mtec namespaces a file opens, "file:line:name": "namespace mtec::x {"
# and the lines right after it that open one inside it ("inline namespace
# base {", "namespace metric {") as one name ("mtec::inline base::metric").
namespaces() {
  awk '
    function flush() { if (name != "") print file ":" line ":" name; name = "" }
    FNR == 1 { flush() }
    name != "" && /^(inline )?namespace [a-z_]+ \{/ {
      sub(/ \{.*/, ""); sub(/namespace /, ""); name = name "::" $0; next }
    { flush() }
    /^namespace mtec(::(inline )?[a-z_]+)* \{/ {
      file = FILENAME; line = FNR; name = $0
      sub(/^namespace /, "", name); sub(/ \{.*/, "", name) }
    END { flush() }' "$@" 2>/dev/null || true
}
declared=()
for dir in "$lib"/*/; do
  (($(rank "$(basename "$dir")") < 0)) || declared+=("$(namespace_of "$(basename "$dir")")")
done
for dir in "$lib"/*/; do
  layer=$(basename "$dir")
  (($(rank "$layer") < 0)) && continue
  ns=$(namespace_of "$layer")
  if [[ -z "$ns" ]]; then
    echo "ARCHITECTURE.md: no \"### $layer/ (namespace ...)\" heading"
    bad=1
  fi
  while IFS=: read -r file line text; do
    got=$text
    ok=0
    if [[ "$got" == "$ns" ]]; then
      ok=1
    elif [[ -n "$ns" && "$got" == "$ns"::* ]]; then
      ok=1
      for other in "${declared[@]}"; do
        [[ "$other" != "$ns" && ("$got" == "$other" || "$got" == "$other"::*) ]] && ok=0
      done
    fi
    if ((ok == 0)); then
      echo "${file#"$src"/}:$line: namespace $got in $layer/ (its folder's: ${ns:-none named})"
      bad=1
    fi
  done < <(namespaces "$dir"*.hpp "$dir"*.cpp)
  have=$(find "$dir" -maxdepth 1 -name '*.[ch]pp' -printf '%f\n' | sed 's/\.[ch]pp$//' | sort -u)
  doc=$(listed "$layer" | sort -u)
  while read -r m; do
    [[ -n "$m" ]] && echo "ARCHITECTURE.md: module $layer/$m is not listed under ### $layer/" && bad=1
  done < <(comm -23 <(echo "$have") <(echo "$doc"))
  while read -r m; do
    [[ -n "$m" ]] && echo "ARCHITECTURE.md: lists $layer/$m, which is not in ${dir#"$src"/}" && bad=1
  done < <(comm -13 <(echo "$have") <(echo "$doc"))
done
if [[ "$lib" == "$src/lib/mtec" ]]; then
  for cpp in "$lib"/*/*.cpp; do
    layer=$(basename "$(dirname "$cpp")")
    test_file="tests/unit/$layer/test_$(basename "$cpp")"
    [[ -f "$src/$test_file" ]] || {
      echo "${cpp#"$src"/}: no unit test ($test_file)"
      bad=1
    }
  done
fi
((bad == 0)) && echo "layering clean: $(find "$lib" -name '*.[ch]pp' | wc -l) files in ${layers[*]}"
exit "$bad"

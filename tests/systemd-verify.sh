#!/usr/bin/env bash
# `systemd-analyze verify` on both units as built (ExecStart pointed at this
# tree's script, since nothing is installed in CI) and the offline security
# exposure. Skips (77) without systemd-analyze.
set -euo pipefail
build=$1 source=$2
if ! command -v systemd-analyze >/dev/null; then
  echo "systemd-analyze not found: skipped"
  exit 77
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for unit in mtec2mqtt.service mtec2mqtt@.service; do
  target=$unit
  [[ $unit == *@* ]] && target=mtec2mqtt@garage.service
  sed "s|^ExecStart=[^ ]*|ExecStart=$source/scripts/mtec2mqtt|" "$build/systemd/$unit" >"$dir/$target"
  out=$(systemd-analyze verify "$dir/$target" 2>&1 || true)
  # the man page is not installed system-wide in CI; anything else fails
  out=$(grep -v "Command 'man mtec2mqtt(8)' failed" <<<"$out" | grep -v '^$' || true)
  if [[ -n "$out" ]]; then
    printf '%s: %s\n' "$unit" "$out"
    exit 1
  fi
  exposure=$(systemd-analyze security --offline=true "$dir/$target" 2>/dev/null |
             sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
  echo "$unit: verify ok, exposure ${exposure:-?}"
done

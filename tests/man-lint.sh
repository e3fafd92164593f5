#!/usr/bin/env bash
# Fails when mandoc reports anything at warning level or above.
set -euo pipefail
mandoc=$1
shift
out=$("$mandoc" -T lint -W warning "$@" 2>&1 || true)
if [[ -n "$out" ]]; then
  printf '%s\n' "$out"
  exit 1
fi
echo "man pages lint-clean: $#"

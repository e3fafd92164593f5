#!/usr/bin/env bash
# Fails when a tracked file names the team's shared folder (dot-dot-slash
# shared), which a user's clone does not have: the repository carries what
# its tests and users need (the contract lives in tests/contract/). The
# contract folder's README may tell where the fixtures came from.
set -euo pipefail
cd "$1"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files)
else
  mapfile -t files < <(find . -type f -not -path './build*' -not -path './.git/*' | sed 's#^\./##')
fi
mapfile -t hits < <(grep -l -E '[.][.]/shared' -- "${files[@]}" 2>/dev/null |
                    grep -v -x 'tests/contract/golden/README.md' || true)
if ((${#hits[@]})); then
  echo "these files name the shared folder, which a clone does not have:"
  printf '  %s\n' "${hits[@]}"
  exit 1
fi
echo "no tracked file names the shared folder (${#files[@]} files)"

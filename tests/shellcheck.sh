#!/usr/bin/env bash
# Every shell file of the repository (scripts, completions, tests, benchmarks,
# .ci) is shellcheck clean at severity warning: errors such as a bats "! cmd"
# that asserts nothing fail the build.
set -euo pipefail
cd "$1"
if ! command -v shellcheck >/dev/null; then
  echo "shellcheck not found: skipped"
  exit 77
fi
mapfile -t files < <(git ls-files | grep -E '\.(sh|bash|bats)$|^scripts/(bootstrap|check|run|mtec2mqtt)$|^\.ci/run$')
shellcheck -x -S warning "${files[@]}"
echo "shellcheck clean: ${#files[@]} files"

#!/usr/bin/env bash
# Prints the line and branch coverage of lib/ from a build made with
# -DMTEC_COVERAGE=ON after its tests ran (the unit tests and the bats suites
# together: every process merged its counts into BUILD_DIR's .gcda files),
# least covered files first, then the summary.
# Usage: coverage.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$(realpath "$1")
build=$(realpath "$2")
command -v gcovr >/dev/null || {
  echo "coverage: gcovr not found (scripts/bootstrap --check installs it)" >&2
  exit 69
}
# gcovr's filters are regular expressions over absolute paths; throw
# branches and the compiler's unreachable ones are not decisions a test
# could take
gcovr --root "$src" --filter "$src/lib/mtec/" --exclude-throw-branches \
  --exclude-unreachable-branches --gcov-ignore-parse-errors --sort-percentage --print-summary \
  "$build"

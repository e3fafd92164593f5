#!/usr/bin/env bash
# Every C++ source is clang-format clean (.clang-format at the top).
set -euo pipefail
cd "$1"
if ! command -v clang-format >/dev/null; then
  echo "clang-format not found: skipped"
  exit 77
fi
git ls-files '*.cpp' '*.hpp' 2>/dev/null | xargs clang-format --style=file --dry-run --Werror
echo "clang-format clean: $(git ls-files '*.cpp' '*.hpp' | wc -l) files"

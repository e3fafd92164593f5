#!/usr/bin/env bash
# run-fuzz.sh TARGET SECONDS CORPUS SEEDS [DIR...] [-dict=FILE]: fuzz TARGET
# for SECONDS, growing CORPUS from SEEDS (and the regression inputs in DIR);
# a crash fails (the reproducer is left as crash-* in the working directory
# and named in the output). Prints the executions and the corpus size.
set -euo pipefail
target=$1 seconds=$2 corpus=$3 seeds=$4
shift 4
mkdir -p "$corpus"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
# CORPUS first: libFuzzer writes what it finds into its first directory only
# (never into the seeds or the regression inputs of the source tree)
"$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -max_len=65536 \
  -print_final_stats=1 "$corpus" "$seeds" "$@" >"$log" 2>&1 || status=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
printf '%s: %s executions in %s s, corpus %s files, exit %s\n' "$(basename "$target")" \
  "${runs:-?}" "$seconds" "$(find "$corpus" -type f | wc -l)" "$status"
if ((status != 0)); then
  tail -n 40 "$log"
  exit 1
fi

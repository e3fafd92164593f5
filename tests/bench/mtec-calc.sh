#!/usr/bin/env bash
# Benchmark of mtec-calc: frames per second on a generated stream of frames
# of the groups with calculated values (now-base, day, total); peak RSS.
source "$(dirname "$0")/common.sh"
FRAMES=${FRAMES:-300000}

start_sim --snapshot "$GOLDEN/case_A.json"
mtec-read -H 127.0.0.1 -p "$SIM_PORT" -g now-base -g day -g total >"$WORK/seed.ndjson"
# repeat the three real frames to the wanted count
awk -v n="$FRAMES" '{a[NR]=$0} END {for (i = 0; i < n; i++) print a[i % NR + 1]}' "$WORK/seed.ndjson" >"$WORK/in.ndjson"
TIMEFORMAT='%R %U %S'
for _ in 1 2 3 4 5; do
  { time mtec-calc <"$WORK/in.ndjson" >/dev/null; } 2>>"$WORK/t"
done
/usr/bin/time -f "%M" -o "$WORK/rss" mtec-calc <"$WORK/in.ndjson" >/dev/null
wall=$(awk '{print $1}' "$WORK/t" | median)
awk -v n="$FRAMES" -v w="$wall" -v r="$(cat "$WORK/rss")" 'BEGIN {
  printf "mtec-calc: %d frames (now-base/day/total) in %.3f s (median of 5): %.0f frames/s, peak RSS %d KiB\n", n, w, n / w, r }'

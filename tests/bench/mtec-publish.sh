#!/usr/bin/env bash
# Benchmark of mtec-publish: a recorded stream of case_A frames (all groups,
# calculated values included) into a local mosquitto; messages/s offered to
# libmosquitto and peak RSS.
source "$(dirname "$0")/common.sh"
FRAMES=${FRAMES:-20000}

start_sim --snapshot "$GOLDEN/case_A.json"
mtec-read -H 127.0.0.1 -p "$SIM_PORT" --all | mtec-calc >"$WORK/seed.ndjson"
awk -v n="$FRAMES" '{a[NR]=$0} END {for (i = 0; i < n; i++) print a[i % NR + 1]}' "$WORK/seed.ndjson" >"$WORK/in.ndjson"
messages=$(jq -r '.values | length' "$WORK/seed.ndjson" | awk -v n="$FRAMES" '{c[NR]=$1} END {t=0; for (i = 0; i < n; i++) t += c[i % NR + 1]; print t}')

start_broker
mqtt_port=$MQTT_PORT
TIMEFORMAT='%R %U %S'
for _ in 1 2 3; do
  { time mtec-publish -b 127.0.0.1 -P "$mqtt_port" --hass <"$WORK/in.ndjson" 2>/dev/null; } 2>>"$WORK/t"
done
/usr/bin/time -f "%M" -o "$WORK/rss" mtec-publish -b 127.0.0.1 -P "$mqtt_port" --hass <"$WORK/in.ndjson" 2>/dev/null
wall=$(awk '{print $1}' "$WORK/t" | median)
awk -v f="$FRAMES" -v m="$messages" -v w="$wall" -v r="$(cat "$WORK/rss")" 'BEGIN {
  printf "mtec-publish: %d frames, %d state messages (+ discovery) in %.3f s (median of 3): %.0f frames/s, %.0f messages/s, peak RSS %d KiB\n", f, m, w, f / w, m / w, r }'

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

mtec-sim --port 0 --refuse >"$WORK/free.port" 2>/dev/null &
finder=$!
deadline=$((SECONDS + 10))
until [[ -s "$WORK/free.port" ]]; do ((SECONDS < deadline)) || exit 1; sleep 0.02; done
kill "$finder"; wait "$finder" 2>/dev/null || true
mqtt_port=$(head -n1 "$WORK/free.port")
{ echo "listener $mqtt_port 127.0.0.1"; echo "allow_anonymous true"; echo "persistence false"
  [[ $(id -u) -ne 0 ]] || echo "user root"; } >"$WORK/mosquitto.conf"
mosquitto -c "$WORK/mosquitto.conf" >"$WORK/mosquitto.log" 2>&1 &
BENCH_PIDS+=($!)
deadline=$((SECONDS + 10))
until (exec 3<>"/dev/tcp/127.0.0.1/$mqtt_port") 2>/dev/null; do
  ((SECONDS < deadline)) || { echo "mosquitto did not start" >&2; exit 1; }
  sleep 0.05
done
TIMEFORMAT='%R %U %S'
for _ in 1 2 3; do
  { time mtec-publish -b 127.0.0.1 -P "$mqtt_port" --hass <"$WORK/in.ndjson" 2>/dev/null; } 2>>"$WORK/t"
done
/usr/bin/time -f "%M" -o "$WORK/rss" mtec-publish -b 127.0.0.1 -P "$mqtt_port" --hass <"$WORK/in.ndjson" 2>/dev/null
wall=$(awk '{print $1}' "$WORK/t" | median)
awk -v f="$FRAMES" -v m="$messages" -v w="$wall" -v r="$(cat "$WORK/rss")" 'BEGIN {
  printf "mtec-publish: %d frames, %d state messages (+ discovery) in %.3f s (median of 3): %.0f frames/s, %.0f messages/s, peak RSS %d KiB\n", f, m, w, f / w, m / w, r }'

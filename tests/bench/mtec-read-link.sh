#!/usr/bin/env bash
# Benchmark of mtec-read on real links (issue figures), against mtec-sim and a
# local mosquitto on loopback. Prints figures, asserts nothing:
#  - start of mtec2mqtt to the first state message on the broker, and whether
#    discovery came first (median of RUNS, REFRESH_NOW 10 and 1)
#  - Modbus requests per steady --follow cycle against a device that refuses
#    reads spanning unmapped addresses (--strict-map) and a lenient one, and
#    how often a refused span was asked again
#  - values delivered and wrong values at 10 % structurally corrupt replies
#    over READS one-shot reads
#  - wall time of a typical cycle and of --all with a slow inverter (--delay 50)
#  - CPU per cycle of the whole pipeline at REFRESH_NOW=1
# shellcheck source=tests/bench/common.sh
source "$(dirname "$0")/common.sh"
RUNS=${RUNS:-3}
READS=${READS:-40}
CYCLES=${CYCLES:-60}

now() { date +%s.%N; }
count_lines() { local n; n=$(grep -c -- "${2:-}" "$1" 2>/dev/null) || true; echo "${n:-0}"; }
has_lines() { (( $(count_lines "$1" "${3:-}") >= $2 )); }

# --- start to first state message -------------------------------------------
start_broker
first_state() {  # REFRESH_NOW: prints "seconds discovery_first(yes/no)"
  local sim_pid sub_pid pipe_pid t0
  start_sim --snapshot "$GOLDEN/case_A.json"
  sim_pid=${BENCH_PIDS[-1]}
  : >"$WORK/sub.txt"
  mosquitto_sub -h 127.0.0.1 -p "$MQTT_PORT" -t '#' -F '%U %t' >"$WORK/sub.txt" 2>/dev/null &
  sub_pid=$!
  BENCH_PIDS+=("$sub_pid")
  wait_for 10 probe_seen
  t0=$(now)
  MTEC_MODBUS_IP=127.0.0.1 MTEC_MODBUS_PORT=$SIM_PORT MTEC_MQTT_SERVER=127.0.0.1 MTEC_MQTT_PORT=$MQTT_PORT \
    MTEC_HASS_ENABLE=true MTEC_REFRESH_NOW=$1 mtec2mqtt --runtime-dir "$WORK/run" 2>"$WORK/pipe.err" &
  pipe_pid=$!
  BENCH_PIDS+=("$pipe_pid")
  wait_for 20 grep -q "/state$" "$WORK/sub.txt"
  kill "$pipe_pid" "$sub_pid" "$sim_pid"; wait "$pipe_pid" "$sub_pid" "$sim_pid" 2>/dev/null || true
  awk -v t0="$t0" '$2 ~ /\/config$/ && !c {c = $1}
    $2 ~ /\/state$/ {printf "%.3f %s\n", $1 - t0, (c && c <= $1) ? "yes" : "no"; exit}' "$WORK/sub.txt"
}
probe_seen() {
  mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -t bench/probe -m x 2>/dev/null
  grep -q ' bench/probe$' "$WORK/sub.txt"
}
for refresh in 10 1; do
  : >"$WORK/first"
  for _ in $(seq "$RUNS"); do first_state "$refresh" >>"$WORK/first"; done
  printf 'start to first state message, REFRESH_NOW %s (median of %d): %s s; discovery first: %s\n' \
    "$refresh" "$RUNS" "$(awk '{print $1}' "$WORK/first" | median)" \
    "$(awk '{print $2}' "$WORK/first" | sort | uniq -c | tr '\n' ' ')"
done

# --- requests per steady cycle ----------------------------------------------
steady_requests() {  # SIM-OPTIONS...: prints "requests/cycle refused-asked-twice learning-requests"
  local reader warm=10
  start_sim --snapshot "$GOLDEN/case_A.json" --request-log "$WORK/req.ndjson" "$@"
  : >"$WORK/req.ndjson"
  mtec-read -H 127.0.0.1 -p "$SIM_PORT" --follow --refresh-now 0.2 >"$WORK/follow.ndjson" 2>/dev/null &
  reader=$!
  BENCH_PIDS+=("$reader")
  wait_for 60 has_lines "$WORK/follow.ndjson" "$((warm + 1))" '"group":"now-base"'
  local r1 c1 r2 c2
  r1=$(wc -l <"$WORK/req.ndjson"); c1=$(count_lines "$WORK/follow.ndjson" '"group":"now-base"')
  wait_for 120 has_lines "$WORK/follow.ndjson" "$((c1 + CYCLES))" '"group":"now-base"'
  r2=$(wc -l <"$WORK/req.ndjson"); c2=$(count_lines "$WORK/follow.ndjson" '"group":"now-base"')
  kill "$reader" "${BENCH_PIDS[-2]}"; wait "$reader" 2>/dev/null || true
  twice=$(jq -r 'select(.exception) | "\(.address),\(.count)"' "$WORK/req.ndjson" | sort | uniq -d | wc -l)
  awk -v r1="$r1" -v r2="$r2" -v c1="$c1" -v c2="$c2" -v t="$twice" 'BEGIN {
    printf "%.2f %d %d\n", (r2 - r1) / (c2 - c1), t, r1 }'
}
read -r strict twice learn < <(steady_requests --strict-map)
read -r lenient twice_l _ < <(steady_requests)
printf 'Modbus requests per steady --follow cycle (%d cycles after 10): strict device %s (refused spans asked twice: %s; %s requests in the first 10 cycles), lenient device %s (%s)\n' \
  "$CYCLES" "$strict" "$twice" "$learn" "$lenient" "$twice_l"

# --- corrupt replies ----------------------------------------------------------
start_sim --snapshot "$GOLDEN/case_A.json"
mtec-read -H 127.0.0.1 -p "$SIM_PORT" --all | jq -c '.values' >"$WORK/truth.ndjson"
expected=$(jq -s 'map(length) | add' "$WORK/truth.ndjson")
kill "${BENCH_PIDS[-1]}"
start_sim --snapshot "$GOLDEN/case_A.json" --corrupt 0.1 --seed 7 --request-log "$WORK/corrupt-req.ndjson"
: >"$WORK/corrupt.ndjson"
for _ in $(seq "$READS"); do
  mtec-read -H 127.0.0.1 -p "$SIM_PORT" --all --timeout 1 2>>"$WORK/corrupt.err" >>"$WORK/corrupt.ndjson" || true
done
jq -s 'add' "$WORK/truth.ndjson" | jq -c . >"$WORK/truth.json"
python3 - "$WORK/truth.json" "$WORK/corrupt.ndjson" "$expected" "$READS" "$(wc -l <"$WORK/corrupt-req.ndjson")" <<'PY'
import json, sys
truth = {}
for frame in open(sys.argv[1]):
    truth.update(json.loads(frame))
delivered = wrong = 0
for line in open(sys.argv[2]):
    for k, v in json.loads(line)["values"].items():
        delivered += 1
        wrong += truth.get(k) != v
expected, reads, requests = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
print(f"10 % corrupt replies, {reads} one-shot --all reads: {delivered} of {expected * reads} values "
      f"delivered ({100 * delivered / (expected * reads):.2f} %), {wrong} wrong; "
      f"{requests / reads:.1f} requests per read")
PY
kill "${BENCH_PIDS[-1]}"

# --- a slow inverter ----------------------------------------------------------
start_sim --snapshot "$GOLDEN/case_A.json" --delay 50
TIMEFORMAT='%R'
for _ in $(seq 5); do
  { time mtec-read -H 127.0.0.1 -p "$SIM_PORT" -g now-base -g now-grid >/dev/null; } 2>>"$WORK/slow-cycle"
  { time mtec-read -H 127.0.0.1 -p "$SIM_PORT" --all >/dev/null; } 2>>"$WORK/slow-all"
done
printf 'slow inverter (--delay 50): a steady cycle (now-base + now-grid) %s s, --all %s s (median of 5)\n' \
  "$(median <"$WORK/slow-cycle")" "$(median <"$WORK/slow-all")"
kill "${BENCH_PIDS[-1]}"

# --- CPU per cycle of the pipeline --------------------------------------------
start_sim --snapshot "$GOLDEN/case_A.json"
MTEC_MODBUS_IP=127.0.0.1 MTEC_MODBUS_PORT=$SIM_PORT MTEC_MQTT_SERVER=127.0.0.1 MTEC_MQTT_PORT=$MQTT_PORT \
  MTEC_HASS_ENABLE=true MTEC_REFRESH_NOW=1 mtec2mqtt --runtime-dir "$WORK/run2" 2>"$WORK/pipe2.err" &
pipe=$!
BENCH_PIDS+=("$pipe")
: >"$WORK/sub2.txt"
mosquitto_sub -h 127.0.0.1 -p "$MQTT_PORT" -t 'MTEC/+/now-base/battery_soc/state' >"$WORK/sub2.txt" 2>/dev/null &
BENCH_PIDS+=($!)
wait_for 20 has_lines "$WORK/sub2.txt" 2
c0=$(wc -l <"$WORK/sub2.txt")
# CPU time of the stages in ns (schedstat: exact, unlike clock ticks)
cpu_ns() { local p t=0; for p in $(pgrep -P "$pipe"); do t=$((t + $(cut -d' ' -f1 "/proc/$p/schedstat"))); done; echo "$t"; }
t0=$(cpu_ns)
wait_for $((CYCLES * 2 + 30)) has_lines "$WORK/sub2.txt" $((c0 + CYCLES))
t1=$(cpu_ns)
awk -v a="$t0" -v b="$t1" -v c="$CYCLES" 'BEGIN {
  printf "pipeline CPU per cycle (REFRESH_NOW 1, %d cycles, all stages): %.2f ms\n", c, (b - a) / 1e6 / c }'

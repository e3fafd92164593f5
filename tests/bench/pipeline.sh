#!/usr/bin/env bash
# Benchmark of the real pipeline: mtec2mqtt (mtec-read | mtec-calc |
# mtec-publish, mtec-write) against mtec-sim and a mosquitto on loopback,
# REFRESH_NOW 1 s, as in service. Prints, for CYCLES steady cycles (default
# 60): CPU per cycle per stage and in all (median of windows, and mean) (time on CPU from
# /proc/PID/schedstat, in ns; /proc/PID/stat's utime+stime where schedstat
# is missing), PSS per process (/proc/PID/smaps_rollup), and the time from
# starting mtec2mqtt to the first state message at the broker.
# Figures only: nothing here asserts a time.
# Usage: pipeline.sh [PIPELINE-BIN-DIR]  (default: the build's bin/)
source "$(dirname "$0")/common.sh"
CYCLES=${CYCLES:-60}
BIN=${1:-$BUILD/bin}
[[ -x "$BIN/mtec2mqtt" ]] || { echo "no mtec2mqtt in $BIN" >&2; exit 1; }

start_sim --animate
start_broker
export MTEC_MODBUS_IP=127.0.0.1 MTEC_MODBUS_PORT=$SIM_PORT MTEC_MQTT_SERVER=127.0.0.1 \
  MTEC_MQTT_PORT=$MQTT_PORT MTEC_HASS_ENABLE=true MTEC_REFRESH_NOW=1
unset MTEC_CONFIG
cd "$WORK" || exit 1  # no ./config.yaml of the caller's
state_topic='MTEC/+/now-base/grid_power/state'

# the first state message: the stamp is taken as mosquitto_sub exits with it
(mosquitto_sub -h 127.0.0.1 -p "$MQTT_PORT" -C 1 -W 60 -t "$state_topic" >/dev/null &&
  date +%s.%N >"$WORK/first") &
BENCH_PIDS+=($!)
mosquitto_sub -h 127.0.0.1 -p "$MQTT_PORT" -t "$state_topic" >"$WORK/states" &
BENCH_PIDS+=($!)
# at_least N COMMAND...: whether COMMAND prints a number >= N (for wait_for)
at_least() { (($("${@:2}") >= $1)); }
subscribers() { ss -Htn state established "( dport = :$MQTT_PORT )" | wc -l; }
cycles_seen() { wc -l <"$WORK/states"; }
wait_for 10 at_least 2 subscribers

start=$(date +%s.%N)
"$BIN/mtec2mqtt" --runtime-dir "$WORK/run" 2>"$WORK/pipeline.err" &
pipeline=$!
BENCH_PIDS+=("$pipeline")
wait_for 30 test -s "$WORK/first"
latency=$(awk -v a="$start" -v b="$(cat "$WORK/first")" 'BEGIN {printf "%.3f", b - a}')

# the stages: the children of the script
declare -A pid_of
for p in $(cat "/proc/$pipeline/task/"*/children); do
  pid_of[$(cat "/proc/$p/comm")]=$p
done
pid_of[mtec2mqtt]=$pipeline
stages=(mtec-read mtec-calc mtec-publish mtec-write mtec2mqtt)
for s in "${stages[@]}"; do
  [[ -n "${pid_of[$s]:-}" ]] || { echo "stage $s not found" >&2; exit 1; }
done
others=(mtec-sim mosquitto)
pid_of[mtec-sim]=${BENCH_PIDS[0]}
pid_of[mosquitto]=$(ss -Htlnp "( sport = :$MQTT_PORT )" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n1)

# cpu_ns PID: time on CPU so far, in ns
cpu_ns() {
  if [[ -r "/proc/$1/schedstat" ]]; then
    cut -d' ' -f1 "/proc/$1/schedstat"
  else
    awk -v hz="$(getconf CLK_TCK)" '{sub(/^.*\) /, ""); printf "%.0f", ($12 + $13) * 1e9 / hz}' "/proc/$1/stat"
  fi
}
pss_kib() { awk '/^Pss:/ {print $2}' "/proc/$1/smaps_rollup"; }
# counts that the machine's other load does not move: times the process slept
# and woke (voluntary context switches), and its read and write calls
wakeups() { awk '/^voluntary_ctxt_switches:/ {print $2}' "/proc/$1/status"; }
io_calls() { awk '/^sysc[rw]:/ {n += $2} END {print n}' "/proc/$1/io"; }

# a few cycles to settle (discovery, the first reads of every group), then
# measure in windows of WINDOW cycles (default 10): the figures are the median
# window's (a burst of the machine's other load moves one window, not the
# figure) and the mean over all cycles. Polled every 0.1 s: a cycle's work is
# done a few ms after its state message, so any sample in the second after it
# counts the same cycles, and the bench's own polling stays light.
WINDOW=${WINDOW:-10}
((WINDOW >= 1)) || { echo "WINDOW must be 1 or more cycles" >&2; exit 1; }
wait_cycles() {  # until cycle $1, at most 3 s a cycle still to come (and 30 s)
  local deadline=$((SECONDS + ($1 - $(cycles_seen)) * 3 + 30))
  until (($(cycles_seen) >= $1)); do
    ((SECONDS < deadline)) || { echo "timed out waiting for cycle $1" >&2; exit 1; }
    sleep 0.1
  done
}
first_cycle=$(cycles_seen)
wait_cycles $((first_cycle + 3))
declare -A start prev
sample() { local s; for s in "${stages[@]}" "${others[@]}"; do prev[$s]=$(cpu_ns "${pid_of[$s]}"); done; }
sample
declare -A wake0 io0
for s in "${stages[@]}" "${others[@]}"; do
  start[$s]=${prev[$s]} wake0[$s]=$(wakeups "${pid_of[$s]}") io0[$s]=$(io_calls "${pid_of[$s]}")
done
c0=$(cycles_seen) c_prev=$c0
: >"$WORK/windows"
while ((c_prev - c0 < CYCLES)); do
  wait_cycles $((c_prev + WINDOW))
  c_now=$(cycles_seen)
  declare -A last
  for s in "${stages[@]}" "${others[@]}"; do last[$s]=${prev[$s]}; done
  sample
  for s in "${stages[@]}" "${others[@]}"; do
    echo "$s $(((prev[$s] - last[$s]) / (c_now - c_prev)))" >>"$WORK/windows"
  done
  c_prev=$c_now
done
n=$((c_prev - c0))

# per window: the pipeline's sum of its stages
pipeline_windows() {
  awk -v stages=" ${stages[*]} " 'index(stages, " " $1 " ") { sum[int(n[$1]++)] += $2 }
    END { for (w in sum) print sum[w] }' "$WORK/windows"
}
stage_median() { awk -v s="$1" '$1 == s { print $2 }' "$WORK/windows" | median; }

echo "pipeline: $n steady cycles (REFRESH_NOW 1 s) in windows of $WINDOW, start to first state ${latency} s"
echo "  (CPU per cycle: the median window's, then the mean over all $n cycles; per cycle also"
echo "  the wake-ups and the read/write calls, which the machine's other load does not move)"
total_cpu=0 total_pss=0 total_wake=0 total_io=0
for s in "${stages[@]}" "${others[@]}"; do
  d=$(($(cpu_ns "${pid_of[$s]}") - start[$s]))
  w=$(($(wakeups "${pid_of[$s]}") - wake0[$s])) io=$(($(io_calls "${pid_of[$s]}") - io0[$s]))
  pss=$(pss_kib "${pid_of[$s]}")
  awk -v s="$s" -v m="$(stage_median "$s")" -v d="$d" -v n="$n" -v p="$pss" -v w="$w" -v io="$io" 'BEGIN {
    printf "  %-13s %7.3f ms CPU/cycle (mean %.3f)  %5.1f wake-ups %5.1f r/w calls  PSS %6d KiB\n",
      s, m / 1e6, d / n / 1e6, w / n, io / n, p }'
  case " ${stages[*]} " in
    *" $s "*) total_cpu=$((total_cpu + d)) total_pss=$((total_pss + pss)) total_wake=$((total_wake + w)) total_io=$((total_io + io)) ;;
  esac
done
awk -v m="$(pipeline_windows | median)" -v d="$total_cpu" -v n="$n" -v p="$total_pss" -v w="$total_wake" -v io="$total_io" 'BEGIN {
  printf "  %-13s %7.3f ms CPU/cycle (mean %.3f)  %5.1f wake-ups %5.1f r/w calls  PSS %6d KiB (%.1f MB)\n",
    "pipeline", m / 1e6, d / n / 1e6, w / n, io / n, p, p / 1024 }'

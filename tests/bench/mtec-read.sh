#!/usr/bin/env bash
# Benchmark of mtec-read against mtec-sim on loopback. Prints figures:
#  - median wall, CPU (user+sys) and peak RSS of `mtec-read --all` (N runs)
#  - Modbus requests of one `--all` (counted by mtec-sim) vs. the legacy plan
#  - CPU per cycle of `--follow` at REFRESH_NOW=1 over >= 60 cycles
source "$(dirname "$0")/common.sh"
RUNS=${RUNS:-31}
CYCLES=${CYCLES:-60}

start_sim --snapshot "$GOLDEN/case_A.json" --request-log "$WORK/requests.ndjson"
TIMEFORMAT='%R %U %S'
for _ in $(seq "$RUNS"); do
  { time mtec-read -H 127.0.0.1 -p "$SIM_PORT" --all >/dev/null; } 2>>"$WORK/t"
  /usr/bin/time -f "%M" -o "$WORK/rss" -a mtec-read -H 127.0.0.1 -p "$SIM_PORT" --all >/dev/null
done
requests_all=$(( $(wc -l <"$WORK/requests.ndjson") / (2 * RUNS) ))
wall=$(awk '{print $1*1000}' "$WORK/t" | median)
cpu=$(awk '{print ($2+$3)*1000}' "$WORK/t" | median)
rss=$(median <"$WORK/rss")
: >"$WORK/requests.ndjson"
mtec-read -H 127.0.0.1 -p "$SIM_PORT" --all --max-gap 0 >/dev/null
requests_contiguous=$(wc -l <"$WORK/requests.ndjson")

printf 'mtec-read --all (%d runs, median): wall %s ms, cpu %s ms, peak RSS %s KiB\n' "$RUNS" "$wall" "$cpu" "$rss"
printf 'Modbus requests per --all: %d (one plan, gap 10); %d with --max-gap 0; legacy group-by-group: 43\n' \
  "$requests_all" "$requests_contiguous"

# --follow at REFRESH_NOW=1: CPU time of the process over the cycles
mtec-read -H 127.0.0.1 -p "$SIM_PORT" --follow --refresh-now 1 >"$WORK/follow.ndjson" 2>/dev/null &
reader=$!
BENCH_PIDS+=("$reader")
deadline=$((SECONDS + CYCLES * 2 + 30))
until (( $(grep -c '"group":"now-base"' "$WORK/follow.ndjson" || true) >= CYCLES + 1 )); do
  ((SECONDS < deadline)) || { echo "follow did not reach $CYCLES cycles" >&2; exit 1; }
  sleep 0.2
done
read -r utime stime < <(awk '{print $14, $15}' "/proc/$reader/stat")
rss_follow=$(awk '/VmHWM/ {print $2}' "/proc/$reader/status")
cycles=$(grep -c '"group":"now-base"' "$WORK/follow.ndjson")
ticks=$(getconf CLK_TCK)
awk -v u="$utime" -v s="$stime" -v c="$cycles" -v t="$ticks" -v r="$rss_follow" 'BEGIN {
  printf "mtec-read --follow (REFRESH_NOW=1, %d cycles): cpu %.3f ms per cycle, peak RSS %d KiB\n", c, (u+s)*1000/t/c, r }'

# the same with every periodic group due every cycle (REFRESH_*=1): the
# heaviest steady-state cycle (now-base, config, one secondary, day, total, static)
kill "$reader"; wait "$reader" 2>/dev/null || true
MTEC_REFRESH_CONFIG=1 MTEC_REFRESH_DAY=1 MTEC_REFRESH_TOTAL=1 MTEC_REFRESH_STATIC=1 \
  mtec-read -H 127.0.0.1 -p "$SIM_PORT" --follow --refresh-now 1 >"$WORK/follow2.ndjson" 2>/dev/null &
reader=$!
BENCH_PIDS+=("$reader")
deadline=$((SECONDS + CYCLES * 2 + 30))
until (( $(grep -c '"group":"now-base"' "$WORK/follow2.ndjson" || true) >= CYCLES + 1 )); do
  ((SECONDS < deadline)) || { echo "follow did not reach $CYCLES cycles" >&2; exit 1; }
  sleep 0.2
done
read -r utime stime < <(awk '{print $14, $15}' "/proc/$reader/stat")
cycles=$(grep -c '"group":"now-base"' "$WORK/follow2.ndjson")
awk -v u="$utime" -v s="$stime" -v c="$cycles" -v t="$ticks" 'BEGIN {
  printf "mtec-read --follow, every periodic group each cycle (%d cycles): cpu %.3f ms per cycle\n", c, (u+s)*1000/t/c }'

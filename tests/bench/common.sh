# shellcheck shell=bash
# Shared by the benchmark scripts: build paths, the simulator, medians.
# (GOLDEN, SIM_PORT and the like are for the scripts that source it.)
# shellcheck disable=SC2034
# Benchmarks print figures; they assert nothing about time.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${MTEC_BUILD_DIR:-$ROOT/build}
export PATH="$BUILD/bin:$PATH"
unset MTEC_REGISTERS
GOLDEN=${MTEC_GOLDEN_DIR:-$ROOT/tests/contract/golden}
WORK=$(mktemp -d)
BENCH_PIDS=()
cleanup() {
  local p
  for p in "${BENCH_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${BENCH_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# start_sim ARGS...: sets SIM_PORT (polls for the port line, no sleeps).
start_sim() {
  rm -f "$WORK/sim.port"
  mtec-sim --port 0 "$@" >"$WORK/sim.port" 2>"$WORK/sim.err" &
  BENCH_PIDS+=($!)
  local deadline=$((SECONDS + 10))
  until [[ -s "$WORK/sim.port" ]]; do
    ((SECONDS < deadline)) || { echo "mtec-sim did not start" >&2; exit 1; }
    sleep 0.02
  done
  SIM_PORT=$(head -n1 "$WORK/sim.port")
}

# median: of the numbers on stdin, one per line.
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# start_broker: a mosquitto on a free loopback port; sets MQTT_PORT.
start_broker() {
  rm -f "$WORK/free.port"
  mtec-sim --port 0 --refuse >"$WORK/free.port" 2>/dev/null &
  local finder=$! deadline=$((SECONDS + 10))
  until [[ -s "$WORK/free.port" ]]; do ((SECONDS < deadline)) || exit 1; sleep 0.02; done
  kill "$finder"; wait "$finder" 2>/dev/null || true
  MQTT_PORT=$(head -n1 "$WORK/free.port")
  { echo "listener $MQTT_PORT 127.0.0.1"; echo "allow_anonymous true"; echo "persistence false"
    [[ $(id -u) -ne 0 ]] || echo "user root"; } >"$WORK/mosquitto.conf"
  mosquitto -c "$WORK/mosquitto.conf" >"$WORK/mosquitto.log" 2>&1 &
  BENCH_PIDS+=($!)
  deadline=$((SECONDS + 10))
  until (exec 3<>"/dev/tcp/127.0.0.1/$MQTT_PORT") 2>/dev/null; do
    ((SECONDS < deadline)) || { echo "mosquitto did not start" >&2; exit 1; }
    sleep 0.05
  done
}

# wait_for SECONDS COMMAND...: poll COMMAND every 20 ms until it succeeds.
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || { echo "timed out waiting for: $*" >&2; exit 1; }
    sleep 0.02
  done
}

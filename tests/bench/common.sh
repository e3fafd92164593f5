# Shared by the benchmark scripts: build paths, the simulator, medians.
# Benchmarks print figures; they assert nothing about time.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${MTEC_BUILD_DIR:-$ROOT/build}
export PATH="$BUILD/tools/mtec-read:$BUILD/tools/mtec-sim:$BUILD/tools/mtec-calc:$BUILD/tools/mtec-publish:$BUILD/tools/mtec-write:$PATH"
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

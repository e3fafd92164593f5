# Shared set-up for the bats suites: a hermetic environment, the built tools
# on PATH, and services started on free loopback ports and stopped by PID.
# Waiting is always polling with a deadline, never a fixed sleep.

bats_require_minimum_version 1.5.0

common_setup() {
  export LC_ALL=C
  : "${MTEC_BIN_DIR:?MTEC_BIN_DIR must point at the build tree (run through ctest)}"
  export PATH="$MTEC_BIN_DIR:$PATH"
  export GOLDEN="${MTEC_GOLDEN_DIR:?}"
  export HOME="$BATS_TEST_TMPDIR/home"
  mkdir -p "$HOME"
  # the tools find their built-in catalog; a test about MTEC_REGISTERS sets it
  unset XDG_CONFIG_HOME MTEC_CONFIG MTEC_REGISTERS JOURNAL_STREAM
  for v in $(env | sed -n 's/^\(MTEC_[A-Z0-9_]*\)=.*/\1/p'); do
    case "$v" in MTEC_BIN_DIR|MTEC_BUILD_DIR|MTEC_GOLDEN_DIR|MTEC_SOURCE_DIR) ;; *) unset "$v" ;; esac
  done
  cd "$BATS_TEST_TMPDIR" || return 1
  PIDS=()
}

common_teardown() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
}

# wait_until SECONDS COMMAND...: poll COMMAND every 50 ms until it succeeds.
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    if ((SECONDS >= deadline)); then
      echo "timed out waiting for: $*" >&2
      return 1
    fi
    sleep 0.05
  done
}

# lines_at_least FILE N [PATTERN]: FILE has at least N lines (matching PATTERN);
# re-evaluated on every poll of wait_until.
lines_at_least() {
  local n
  if [[ -n "${3:-}" ]]; then n=$(grep -c -- "$3" "$1" 2>/dev/null); else n=$(wc -l <"$1" 2>/dev/null); fi
  [[ "${n:-0}" -ge "$2" ]]
}

file_has_line() { [[ -s "$1" ]] && [[ "$(wc -l <"$1")" -ge "${2:-1}" ]]; }

# start_sim [ARGS...]: starts mtec-sim on a free port; sets SIM_PID, SIM_PORT.
start_sim() {
  local out="$BATS_TEST_TMPDIR/sim.$RANDOM.port"
  mtec-sim --port 0 "$@" >"$out" 2>>"$BATS_TEST_TMPDIR/sim.stderr" &
  SIM_PID=$!
  PIDS+=("$SIM_PID")
  wait_until 10 file_has_line "$out"
  SIM_PORT=$(head -n1 "$out")
  [[ "$SIM_PORT" =~ ^[0-9]+$ ]]
}

# start_bg OUT ERR COMMAND...: runs COMMAND in the background (its own PID,
# no subshell in between, so signals reach it); sets BG_PID.
start_bg() {
  local out=$1 err=$2
  shift 2
  "$@" >"$out" 2>"$err" &
  BG_PID=$!
  PIDS+=("$BG_PID")
}

# stop_pid PID: SIGTERM and reap; prints nothing.
stop_pid() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  local out="$BATS_TEST_TMPDIR/free.$RANDOM.port" pid
  mtec-sim --port 0 --refuse >"$out" 2>/dev/null &
  pid=$!
  wait_until 10 file_has_line "$out"
  stop_pid "$pid"
  head -n1 "$out"
}

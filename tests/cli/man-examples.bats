#!/usr/bin/env bats
# The EXAMPLES of every man page run, as jq runs its manual's examples:
# against a real mtec-sim and mosquitto on loopback (MTEC_* environment), in
# a scratch directory holding the files they name. A command must exit 0
# (a shown output must match); one that runs until stopped (--follow,
# mtec2mqtt, mtec-sim) must log no error in its first 3 s and end cleanly on
# SIGTERM; one ending in "&" runs beside the next ones. Not run, and said
# so: root's commands ("# " prompts) and the few listed in not_here.

load ../helpers/common
load ../helpers/mqtt

setup() {
  common_setup
  start_broker
  start_sim --snapshot "$GOLDEN/case_A.json"
  export MTEC_MODBUS_IP=127.0.0.1 MTEC_MODBUS_PORT=$SIM_PORT MTEC_MQTT_SERVER=127.0.0.1 \
    MTEC_MQTT_PORT=$BROKER_PORT MTEC_REFRESH_NOW=0.5
  cp "$GOLDEN/case_A.json" .
  mtec-read --all >recorded.ndjson
  mkdir -p metrics
  GROUPS_STARTED=()
}

teardown() {
  local g
  for g in "${GROUPS_STARTED[@]}"; do kill -TERM -- "-$g" 2>/dev/null || true; done
  for g in "${GROUPS_STARTED[@]}"; do wait "$g" 2>/dev/null || true; done
  common_teardown
}

# Paths of the examples that are system paths, here in the scratch directory.
substitute() {
  local c=$1
  c=${c//\/var\/lib\/prometheus\/node-exporter/$PWD/metrics}
  c=${c//\/run\/mtec\/control.sock/$PWD/control.sock}
  printf '%s' "$c"
}

# Prints why a command cannot run here (and succeeds), or fails.
not_here() {
  case "$1" in
    *--cafile*) echo "needs a TLS broker" ;;
    "mtec-write mode \"Economic mode\"") echo "asks on a terminal" ;;
    *) return 1 ;;
  esac
}

runs_until_stopped() { [[ "$1" == *--follow* || "$1" == mtec2mqtt* || "$1" == mtec-sim* ]]; }

# run_group SECONDS CMD: CMD in its own process group with stdin from
# /dev/null, out/err in ex.out/ex.err; stopped (TERM to the group) after
# SECONDS. Sets EX_STATUS and EX_STOPPED.
run_group() {
  local limit=$1 cmd=$2 pid deadline
  setsid bash -c "$cmd" </dev/null >ex.out 2>ex.err &
  pid=$!
  deadline=$((SECONDS + limit))
  EX_STOPPED=0
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      kill -TERM -- "-$pid" 2>/dev/null || true
      EX_STOPPED=1
      break
    fi
    sleep 0.05
  done
  EX_STATUS=0
  wait "$pid" || EX_STATUS=$?
}

run_examples() {
  local page=$1 rec cmd file failures=() ran=0
  while IFS= read -r rec; do
    cmd=$(jq -r .cmd <<<"$rec")
    if [[ $(jq -r .root <<<"$rec") == true ]]; then
      echo "not run (needs root): $cmd"
      continue
    fi
    file=$(jq -r '.cat // empty' <<<"$rec")
    if [[ -n "$file" ]]; then  # "$ cat FILE" shows FILE: write it
      jq -r '.expected[]' <<<"$rec" >"$file"
      continue
    fi
    cmd=$(substitute "$cmd")
    local why
    if why=$(not_here "$cmd"); then
      echo "not run ($why): $cmd"
      continue
    fi
    ran=$((ran + 1))
    if [[ "$cmd" =~ \&[[:space:]]*$ ]]; then  # beside the next commands
      setsid bash -c "${cmd%&*}" </dev/null 2>"bg.$ran.err" &
      GROUPS_STARTED+=($!)
      if [[ "$cmd" =~ \>\ *([^ &]+)\ *\&[[:space:]]*$ ]]; then
        wait_until 10 test -s "${BASH_REMATCH[1]}"
      fi
      continue
    fi
    if runs_until_stopped "$cmd"; then
      run_group 3 "$cmd"
      if ((!EX_STOPPED)) || grep -q ': error: ' ex.err; then
        failures+=("$cmd: did not run until stopped (status $EX_STATUS): $(head -3 ex.err)")
      fi
      continue
    fi
    run_group 70 "$cmd"
    if ((EX_STOPPED || EX_STATUS != 0)); then
      failures+=("$cmd: status $EX_STATUS$( ((EX_STOPPED)) && echo ' (stopped after 70 s)'): $(cat ex.out ex.err | head -3)")
    elif [[ $(jq -r '.expected != null' <<<"$rec") == true ]] &&
      ! diff <(jq -r '.expected[]' <<<"$rec") ex.out >ex.diff; then
      failures+=("$cmd: output differs from the page: $(cat ex.diff)")
    fi
  done < <(python3 "$MTEC_SOURCE_DIR/tests/helpers/man_examples.py" "$MTEC_SOURCE_DIR/man/$page")
  echo "$page: $ran commands run"
  printf '%s\n' "${failures[@]}"
  [ "${#failures[@]}" -eq 0 ]
}

@test "mtec-read(1) examples run" { run_examples mtec-read.1; }
@test "mtec-calc(1) examples run" { run_examples mtec-calc.1; }
@test "mtec-publish(1) examples run" { run_examples mtec-publish.1; }
@test "mtec-write(1) examples run" { run_examples mtec-write.1; }
@test "mtec-sim(1) examples run" { run_examples mtec-sim.1; }
@test "mtec-health(1) examples run" { run_examples mtec-health.1; }
@test "mtec-config(5) and mtec-frames(5) examples run" {
  run_examples mtec-config.5
  run_examples mtec-frames.5
}
@test "mtec2mqtt(8) examples are root's, shown as not run" {
  run run_examples mtec2mqtt.8
  [ "$status" -eq 0 ]
  [[ "$output" == *"not run (needs root): systemctl enable --now mtec2mqtt.service"* ]]
}
@test "every page with commands in its EXAMPLES is covered here" {
  local p
  for p in "$MTEC_SOURCE_DIR"/man/*; do
    [[ -n "$(python3 "$MTEC_SOURCE_DIR/tests/helpers/man_examples.py" "$p")" ]] || continue
    grep -q "run_examples $(basename "$p")" "$BATS_TEST_FILENAME" || { echo "$p not run"; return 1; }
  done
}

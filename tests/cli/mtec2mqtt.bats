#!/usr/bin/env bats
# End to end: scripts/mtec2mqtt with mtec-sim serving case_A and a real
# mosquitto, both on free loopback ports.

load ../helpers/common
load ../helpers/mqtt

setup() {
  common_setup
  export PATH="$MTEC_SOURCE_DIR/scripts:$PATH"
  start_broker
  start_sim --snapshot "$GOLDEN/case_A.json" --single-client --write-log writes.ndjson
  touch writes.ndjson
  export MTEC_MODBUS_IP=127.0.0.1 MTEC_MODBUS_PORT=$SIM_PORT MTEC_MQTT_SERVER=127.0.0.1 MTEC_MQTT_PORT=$BROKER_PORT
  export MTEC_HASS_ENABLE=true MTEC_HASS_BIRTH_GRACETIME=1 MTEC_REFRESH_NOW=1
}
teardown() { common_teardown; }

start_pipeline() {
  start_bg pipeline.out pipeline.err mtec2mqtt --runtime-dir "$BATS_TEST_TMPDIR/run" -- -v
  PIPE_PID=$BG_PID
}

# no process of ours but the services is left running
no_stage_left() { ! pgrep -f "$BATS_TEST_TMPDIR/run" >/dev/null && ! pgrep -P "$PIPE_PID" >/dev/null; }
exited() { ! kill -0 "$1" 2>/dev/null; }

@test "--help and a bad option" {
  run mtec2mqtt --help
  [ "$status" -eq 0 ]
  [[ "$output" == *"--runtime-dir"* ]]
  run --separate-stderr mtec2mqtt --bogus
  [ "$status" -eq 64 ]
}

@test "case_A state messages and the 98 discovery messages reach the broker; online -> discovery again" {
  start_sub capture.txt
  start_pipeline
  wait_until 30 lines_at_least capture.txt 98 '/config	'
  wait_until 30 grep -q $'\tMTEC/B2308P01240004/static/serial_no/state\t' capture.txt
  wait_until 30 grep -q $'\tMTEC/B2308P01240004/now-grid/grid_fequency/state\t' capture.txt
  run python3 "$MTEC_SOURCE_DIR/tests/helpers/compare_mqtt.py" "$GOLDEN/case_A.json" capture.txt --discovery
  echo "$output"
  [ "$status" -eq 0 ]
  # every state topic of the first cycles, with the contract's payloads (all groups by now)
  wait_until 30 grep -q $'\tMTEC/B2308P01240004/now-pv/pv_2/state\t' capture.txt
  run python3 "$MTEC_SOURCE_DIR/tests/helpers/compare_mqtt.py" "$GOLDEN/case_A.json" capture.txt --states
  echo "$output"
  [ "$status" -eq 0 ]
  local before
  before=$(grep -c '/config	' capture.txt)
  mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t homeassistant/status -m online
  wait_until 20 lines_at_least capture.txt $((before + 98)) '/config	'
}

@test "mode/set = Economic mode: written over the reader's one connection, shown by the next now-base" {
  start_sub capture.txt
  start_pipeline
  wait_until 30 lines_at_least capture.txt 98 '/config	'
  mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t MTEC/B2308P01240004/now-base/mode/set -m "Economic mode"
  wait_until 20 grep -q '"address":50000' writes.ndjson
  [ "$(jq -c .words writes.ndjson)" = '[258]' ]
  wait_until 20 grep -q $'\tMTEC/B2308P01240004/now-base/mode/state\tEconomic mode' capture.txt
  # a write applied from MQTT leaves one line in the log, with what was read back
  wait_until 10 grep -q 'wrote mode (50000) = Economic mode: words 0x0102, read back 0x0102' pipeline.err
}

@test "simulator and broker killed and restarted: data resumes, discovery re-sent, no exit" {
  start_sub capture.txt
  start_pipeline
  wait_until 30 lines_at_least capture.txt 98 '/config	'
  stop_pid "$SIM_PID"
  local port=$SIM_PORT
  wait_until 20 grep -q 'lost the inverter' pipeline.err
  start_bg sim2.port sim2.err mtec-sim --port "$port" --snapshot "$GOLDEN/case_A.json"
  wait_until 60 grep -q "connected to $MTEC_MODBUS_IP:$port again" pipeline.err
  : >capture.txt
  wait_until 20 grep -q '/now-base/grid_power/state' capture.txt
  stop_pid "$BROKER_PID"
  wait_until 20 grep -q 'lost the broker' pipeline.err
  BROKER_PORT=$MTEC_MQTT_PORT start_broker
  start_sub capture2.txt
  wait_until 60 lines_at_least capture2.txt 98 '/config	'
  wait_until 20 grep -q '/now-base/grid_power/state' capture2.txt
  kill -0 "$PIPE_PID"
}

@test "SIGTERM: exit 0 within 5 s, no stage left running" {
  start_sub capture.txt
  start_pipeline
  wait_until 30 grep -q '/now-base/grid_power/state' capture.txt
  kill -TERM "$PIPE_PID"
  wait_until 5 exited "$PIPE_PID"
  local status=0
  wait "$PIPE_PID" || status=$?
  [ "$status" -eq 0 ]
  wait_until 2 no_stage_left
}

@test "SIGTERM while a stage is slow to end and to every process since (as systemctl stop does): exit 0" {
  start_sub capture.txt
  start_pipeline
  wait_until 30 grep -q '/now-base/grid_power/state' capture.txt
  local calc
  calc=$(pgrep -P "$PIPE_PID" -x mtec-calc)
  kill -STOP "$calc" # it cannot end until the script kills it, 4 s on
  kill -TERM "$PIPE_PID"
  # systemd signals every process of the unit, also those started since:
  # here the script's waits for its stages
  term_waits() {
    pkill -TERM -P "$PIPE_PID" -x sleep || true
    exited "$PIPE_PID"
  }
  wait_until 8 term_waits
  local status=0
  wait "$PIPE_PID" || status=$?
  kill -CONT "$calc" 2>/dev/null || true # left stopped by a script that gave up
  [ "$status" -eq 0 ]
  wait_until 2 no_stage_left
  [ "$(grep -c Terminated pipeline.err)" -eq 0 ] # the shell noted no cut-short wait
}

@test "a stage killed: the script exits non-zero within 5 s, no stage left running" {
  start_sub capture.txt
  start_pipeline
  wait_until 30 grep -q '/now-base/grid_power/state' capture.txt
  pkill -KILL -P "$PIPE_PID" -x mtec-calc
  wait_until 5 exited "$PIPE_PID"
  local status=0
  wait "$PIPE_PID" || status=$?
  [ "$status" -ne 0 ]
  grep -q "mtec-calc ended" pipeline.err || { cat pipeline.err; false; }
  wait_until 2 no_stage_left
}

@test "the README's main-job command shows published topics (demo without an inverter)" {
  unset MTEC_MODBUS_IP MTEC_MODBUS_PORT MTEC_MQTT_SERVER MTEC_MQTT_PORT
  grep -q '^    scripts/run$' "$MTEC_SOURCE_DIR/README.md"
  run --separate-stderr env MTEC_RUN_FOR=8 "$MTEC_SOURCE_DIR/scripts/run"
  [ "$status" -eq 0 ]
  [[ "$output" =~ MTEC/MTECSIM00000001/now-base/grid_power/state\ -?[0-9]+ ]]
  [[ "$output" == *"homeassistant/sensor/MTEC_consumption/config {"* ]]
}

@test "mtec2mqtt killed with SIGKILL: no stage is left running" {
  start_sub capture.txt
  start_pipeline
  wait_until 30 grep -q '/now-base/grid_power/state' capture.txt
  local stages
  stages=$(pgrep -P "$PIPE_PID" | tr '\n' ' ')
  [ "$(wc -w <<<"$stages")" -eq 4 ]
  kill -KILL "$PIPE_PID"
  # shellcheck disable=SC2086  # a list of PIDs
  wait_until 5 bash -c "! kill -0 $stages 2>/dev/null && ! ps -o pid= -p ${stages// /,} >/dev/null"
}

@test "MODBUS_IP 0.0.0.0 (the example config): exit 78 before any stage starts, 50 of 50 runs" {
  local i status
  for i in $(seq 50); do
    status=0
    MTEC_MODBUS_IP=0.0.0.0 mtec2mqtt --runtime-dir "$BATS_TEST_TMPDIR/run" 2>err.txt || status=$?
    [ "$status" -eq 78 ] || { echo "run $i: $status"; cat err.txt; return 1; }
  done
  grep -q 'no inverter configured: set MODBUS_IP (0.0.0.0)' err.txt
  run ! grep -q 'started:' err.txt
}

@test "a regular file where the control socket goes: 73 with a clear message, nothing started" {
  mkdir -p run
  echo stale >run/control.sock
  run --separate-stderr mtec2mqtt --runtime-dir "$BATS_TEST_TMPDIR/run"
  [ "$status" -eq 73 ]
  [[ "$stderr" == *"run/control.sock exists and is not a socket"* ]]
  [[ "$stderr" != *"started:"* ]]
}

@test "mtec-calc stopped 30 s: its old frames are not published as current, availability goes offline" {
  export MTEC_HASS_AVAILABILITY=true
  start_sub capture.txt
  start_pipeline
  wait_until 30 grep -q '/now-base/grid_power/state' capture.txt
  local calc
  calc=$(pgrep -P "$PIPE_PID" -x mtec-calc)
  kill -STOP "$calc"
  wait_until 10 grep -q $'\tMTEC/M-TEC-MQTT/availability\toffline' capture.txt
  sleep 30  # the stall itself
  : >capture.txt
  kill -CONT "$calc"
  wait_until 20 grep -q 'stale frames are not published as current' pipeline.err
  wait_until 20 grep -q 'frames are current again' pipeline.err
  # the backlog of 30 s (some 30 frames of each group) is dropped, not
  # published; what follows at once are the reader's current frames
  local n
  n=$(grep -c '/now-base/grid_power/state' capture.txt) || true  # (0 is fine: grep -c exits 1)
  [ "$n" -le 8 ] || { echo "$n grid_power states right after SIGCONT"; return 1; }
  local dropped
  dropped=$(sed -n 's/.*frames are current again: \([0-9]*\) stale frames.*/\1/p' pipeline.err)
  [ "$dropped" -ge 20 ]
  wait_until 10 grep -q $'\tMTEC/M-TEC-MQTT/availability\tonline' capture.txt
}

@test "the broker restarted 5 times, 3 s down each: data back within 5 s of each return" {
  start_sub capture.txt
  start_pipeline
  wait_until 30 grep -q '/now-base/grid_power/state' capture.txt
  local i
  for i in 1 2 3 4 5; do
    stop_pid "$BROKER_PID"
    sleep 3  # the outage itself
    start_broker
    start_sub "capture.$i.txt"
    wait_until 5 grep -q '/now-base/grid_power/state' "capture.$i.txt" ||
      { echo "restart $i: no data within 5 s"; tail -5 pipeline.err; return 1; }
  done
  run ! grep -q 'is another client connected with the client id' pipeline.err
  kill -0 "$PIPE_PID"
}

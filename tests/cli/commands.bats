#!/usr/bin/env bats
# /set commands cannot wear out or surprise the inverter (mtec-write(1),
# "Commands from standard input"): floods, slider drags, huge payloads,
# expired commands, a hung inverter, wrong topics and control-socket
# clients, against mtec-sim's --write-log and a real mosquitto.

load ../helpers/common
load ../helpers/mqtt

SERIAL=B2308P01240004

setup() {
  common_setup
  export PATH="$MTEC_SOURCE_DIR/scripts:$PATH"
  touch writes.ndjson
}
teardown() {
  [[ -z "${SIM_PID:-}" ]] || kill -CONT "$SIM_PID" 2>/dev/null || true
  common_teardown
}

# the pipeline with Home Assistant on, mtec-sim (case_A) and a broker
start_pipeline() {
  start_broker
  start_sim --snapshot "$GOLDEN/case_A.json" --write-log writes.ndjson
  export MTEC_MODBUS_IP=127.0.0.1 MTEC_MODBUS_PORT=$SIM_PORT MTEC_MQTT_SERVER=127.0.0.1 MTEC_MQTT_PORT=$BROKER_PORT
  export MTEC_HASS_ENABLE=true MTEC_HASS_BIRTH_GRACETIME=1 MTEC_REFRESH_NOW=1
  start_sub capture.txt
  start_bg pipeline.out pipeline.err mtec2mqtt --runtime-dir "$BATS_TEST_TMPDIR/run" -- -v
  wait_until 30 lines_at_least capture.txt 98 '/config	'
}

set_topic() { echo "MTEC/$SERIAL/config/$1/set"; }
# writes of register ADDRESS in the simulator's log
writes_of() { jq -c "select(.address == $1) | .words" writes.ndjson; }
n_writes_of() { writes_of "$1" | wc -l; }
# mtec-write's result line for KEY with OUTCOME and REQUESTED value exists
result_seen() { jq -e --arg k "$1" --arg o "$2" --arg r "$3" \
  'select(.key == $k and .outcome == $o and .requested == $r)' pipeline.out >/dev/null 2>&1; }

@test "1,000 identical commands: one write" {
  start_pipeline
  yes 20 | head -n 1000 | mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t "$(set_topic charge_limit)" -l
  # the first is written at once; the last, when the interval opens, finds it there
  wait_until 20 result_seen charge_limit applied 20
  wait_until 20 result_seen charge_limit unchanged 20
  [ "$(n_writes_of 52601)" -eq 1 ]
  [ "$(writes_of 52601)" = '[200]' ]
}

@test "1,000 alternating values: at most 3 writes within 15 s, the final value on the register" {
  start_pipeline
  local i
  for i in $(seq 1000); do echo $((i % 2 ? 20 : 32)); done |
    mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t "$(set_topic charge_limit)" -l
  wait_until 15 result_seen charge_limit applied 32
  [ "$(n_writes_of 52601)" -le 3 ]
  [ "$(writes_of 52601 | tail -n 1)" = '[320]' ]
  run mtec-read -H 127.0.0.1 -p "$SIM_PORT" charge_limit
  [[ "$output" == *'"values":{"charge_limit":32.0}'* ]]
}

@test "a 1 MB payload, then a valid command: the valid one is applied" {
  start_pipeline
  # (over MQTT v5's Maximum Packet Size the broker does not even deliver it)
  python3 -c 'import sys; sys.stdout.write(" " * 500000 + "2" + " " * 500000)' >big.txt
  mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t "$(set_topic charge_limit)" -f big.txt
  # one that arrives: 65 bytes of blanks around a valid 25
  mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t "$(set_topic charge_limit)" -m "$(printf '%32s25%31s' '' '')"
  mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t "$(set_topic charge_limit)" -m 32
  wait_until 20 result_seen charge_limit applied 32
  # (on a failure: every write the simulator saw, what the stages and the
  # simulator said; twice in CI the log was still empty here although the
  # write had been read back: see the closing note of session 6)
  wait_until 10 grep -q '"address":52601' writes.ndjson &&
    [ "$(writes_of 52601)" = '[320]' ] ||
    {
      echo "# writes: $(cat writes.ndjson)" >&3
      grep -E 'charge_limit|52601' pipeline.err pipeline.out sim.stderr >&3
      false
    }
  grep -q 'rejected: a payload of 65 bytes (at most 64)' pipeline.err
}

@test "commands on a topic discovery does not announce (wrong group, empty group): ignored, no write" {
  start_pipeline
  mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t "MTEC/$SERIAL/now-grid/charge_limit/set" -m 20
  mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t "MTEC/$SERIAL//charge_limit/set" -m 21
  mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t "$(set_topic charge_limit)" -m 32
  wait_until 20 result_seen charge_limit applied 32
  # neither 20 nor 21 was written (shown if the log holds anything else)
  [ "$(writes_of 52601)" = '[320]' ] || { echo "# writes: $(cat writes.ndjson)" >&3; }
  run ! grep -Eq '"address":52601,.*"words":\[(200|210)\]' writes.ndjson
  grep -q "ignored a command on MTEC/$SERIAL/now-grid/charge_limit/set" pipeline.err
  grep -q "ignored a command on MTEC/$SERIAL//charge_limit/set" pipeline.err
}

@test "a value the register does not take: mtec-write refuses it naming the topic, counts it, writes nothing" {
  mkdir metrics
  export MTEC_METRICS_DIR=$BATS_TEST_TMPDIR/metrics
  start_pipeline
  mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t "$(set_topic charge_limit)" -m $'a\x1bbc'
  mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t "$(set_topic charge_limit)" -m 32
  wait_until 20 result_seen charge_limit applied 32
  # encoded once, by mtec-write: the journal names the topic, the register and the value, escaped
  grep -q "mtec-write: warning: command on $(set_topic charge_limit) rejected: charge_limit (52601): 'a\\\\x1bbc' is not a number" pipeline.err
  run ! grep -q 'mtec-publish: .*rejected' pipeline.err
  wait_until 10 grep -q '^mtec_writes_total{.*result="refused".*} 1$' metrics/mtec-write.prom
  [ "$(writes_of 52601)" = '[320]' ]
}

# mtec-write --stdin with its own connection, fed through a FIFO this test holds open
start_writer() {
  mkfifo cmds.fifo
  exec {CMDS}<>cmds.fifo
  # (not start_bg: a background command's stdin would be /dev/null)
  mtec-write --stdin --direct -H 127.0.0.1 -p "$SIM_PORT" "$@" <cmds.fifo >result.ndjson 2>writer.err &
  PIDS+=($!)
}
now_ts() { date -u +%Y-%m-%dT%H:%M:%S.000Z; }

@test "a command that reaches mtec-write after its expiry is not applied" {
  start_sim --snapshot "$GOLDEN/case_A.json" --write-log writes.ndjson
  start_writer
  printf '{"ts":"%s","key":"charge_limit","value":"20"}\n' "$(date -u -d '-31 seconds' +%Y-%m-%dT%H:%M:%S.000Z)" >&"$CMDS"
  printf '{"ts":"%s","key":"discharge_limit","value":"20"}\n' "$(now_ts)" >&"$CMDS"
  wait_until 10 grep -q '"key":"discharge_limit","ok":true,"outcome":"applied"' result.ndjson
  grep -q '"key":"charge_limit","ok":false,"outcome":"expired"' result.ndjson
  [ "$(n_writes_of 52601)" -eq 0 ]
  grep -q 'charge_limit (52601) = 20: expired, not applied' writer.err
}

@test "the inverter hangs after a write went out: outcome unknown, then the read-back result" {
  # every reply 3 s late, so the test can stop the device between the write and its reply
  start_sim --snapshot "$GOLDEN/case_A.json" --write-log writes.ndjson --delay 3000
  start_writer --timeout 5
  printf '{"ts":"%s","key":"charge_limit","value":"20"}\n' "$(now_ts)" >&"$CMDS"
  wait_until 20 grep -q '"address":52601' writes.ndjson
  kill -STOP "$SIM_PID"
  for i in $(seq 19); do printf '{"ts":"%s","key":"charge_limit","value":"%s"}\n' "$(now_ts)" $((20 + i)) >&"$CMDS"; done
  wait_until 20 grep -q 'charge_limit (52601) = 20: outcome unknown' writer.err
  outcome_of() { jq -e --arg r "$1" --arg o "$2" 'select(.requested == $r and .outcome == $o)' result.ndjson >/dev/null; }
  outcome_of 20 unknown
  kill -CONT "$SIM_PID"
  wait_until 40 grep -q 'charge_limit (52601) = 20: the outcome was unknown; read back 0x00c8 (20.0): applied' writer.err
  outcome_of 20 applied
  # never written twice; the last of the commands that waited follows
  wait_until 40 outcome_of 39 applied
  [ "$(writes_of 52601 | tr '\n' ' ')" = '[200] [390] ' ]
}

# one request on the control socket, the reply on stdout
control() { python3 - "$1" "$2" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode() + b"\n")
print(s.makefile().readline().strip())
PY
}

@test "the control socket: catalog rules for every client, raw only for writable registers, idle clients closed" {
  start_sim --snapshot "$GOLDEN/case_A.json" --write-log writes.ndjson
  start_bg follow.ndjson follow.err mtec-read -H 127.0.0.1 -p "$SIM_PORT" --follow --refresh-now 0.5 --control ctl.sock
  wait_until 20 test -S ctl.sock
  run control ctl.sock '{"op":"write","address":10000,"words":[1],"raw":true}'
  [ "$(jq -c '[.ok, .class]' <<<"$output")" = '[false,"no-permission"]' ]
  [[ "$output" == *"serial_no (10000) is read-only"* ]]
  run control ctl.sock '{"op":"write","address":50000,"words":[65535]}'
  [ "$(jq -c '[.ok, .class]' <<<"$output")" = '[false,"no-permission"]' ]
  [[ "$output" == *"none of its labels' codes"* ]]
  [ "$(wc -l <writes.ndjson)" -eq 0 ]
  run control ctl.sock '{"op":"write","address":50000,"words":[3],"raw":true}'
  [ "$(jq -c '[.ok, .read_back]' <<<"$output")" = '[true,[3]]' ]
  # eight idle clients do not lock mtec-write out
  python3 -c '
import socket, sys, time
ss = []
for _ in range(8):
    s = socket.socket(socket.AF_UNIX); s.connect("ctl.sock"); ss.append(s)
print("connected", flush=True)
time.sleep(30)' >idle.out &
  PIDS+=($!)
  wait_until 10 grep -q connected idle.out
  run --separate-stderr mtec-write --via ctl.sock --yes mode "Economic mode"
  [ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
  [ "$(jq -c '[.ok, .read_back]' <<<"$output")" = '[true,[258]]' ]
}

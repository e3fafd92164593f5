#!/usr/bin/env bats
# mtec-read as a user runs it, against a real mtec-sim on a free port.

load ../helpers/common

setup() { common_setup; }
teardown() { common_teardown; }

read_sim() { mtec-read -H 127.0.0.1 -p "$SIM_PORT" "$@"; }

@test "--help fits one screen and --version works" {
  run mtec-read --help
  [ "$status" -eq 0 ]
  [[ "$output" == *"--follow"* ]]
  [ "${#lines[@]}" -le 40 ]
  run mtec-read --version
  [ "$status" -eq 0 ]
  [[ "$output" =~ ^mtec-read\ \(mtec-tools\)\ [0-9]+\.[0-9]+\.[0-9]+(\+[0-9A-Za-z.-]+)?$ ]]
  # built from a git checkout: the commit is in it (git describe, cmake/Version.cmake)
  if [ -e "$MTEC_SOURCE_DIR/.git" ] && ! git -C "$MTEC_SOURCE_DIR" describe --tags --exact-match >/dev/null 2>&1; then
    [[ "$output" == *"+git."* ]]
  fi
}

@test "a bad option exits 64" {
  run --separate-stderr mtec-read --bogus
  [ "$status" -eq 64 ]
  [[ "$stderr" == *"mtec-read: error:"*"--bogus"* ]]
}

@test "an unknown register or group exits 64 naming it" {
  run --separate-stderr mtec-read -H 127.0.0.1 no_such_key
  [ "$status" -eq 64 ]
  [[ "$stderr" == *"unknown register 'no_such_key'"* ]]
  run --separate-stderr mtec-read -H 127.0.0.1 -g later
  [ "$status" -eq 64 ]
  [[ "$stderr" == *"unknown group 'later'"* ]]
  run --separate-stderr mtec-read -H 127.0.0.1 consumption
  [ "$status" -eq 64 ]
  [[ "$stderr" == *"'consumption' is calculated"* ]]
}

@test "no inverter configured exits 78 and says how to configure one" {
  run --separate-stderr mtec-read --all
  [ "$status" -eq 78 ]
  [[ "$stderr" == *"no inverter configured: set MODBUS_IP"* ]]
}

@test "an invalid config file exits 78 naming file:line; a missing named one 66" {
  printf 'MODBUS_IP: 127.0.0.1\nMODBUS_PORT: 0\n' >config.yaml
  run --separate-stderr mtec-read --all
  [ "$status" -eq 78 ]
  [[ "$stderr" == *"config.yaml:2: MODBUS_PORT = '0': must be an integer 1..65535"* ]]
  run --separate-stderr mtec-read --config missing.yaml --all
  [ "$status" -eq 66 ]
}

@test "--list prints the catalog without connecting" {
  run mtec-read --list
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 95 ]
  [[ "${lines[0]}" =~ ^ADDRESS\ +KEY\ +GROUP\ +TYPE\ +UNIT\ +ACCESS$ ]]
  [[ "$output" =~ 50000\ +mode\ +now-base\ +U16\ +-\ +RW ]]
  [[ "$output" =~ 33003\ +battery_temp\ +now-battery\ +I16 ]]
}

@test "case_A: --all yields values that format to exactly the case's payloads" {
  start_sim --snapshot "$GOLDEN/case_A.json"
  read_sim --all >frames.ndjson
  [ "$(wc -l <frames.ndjson)" -eq 10 ]
  run python3 "$MTEC_SOURCE_DIR/tests/helpers/payloads_of_frames.py" "$GOLDEN/case_A.json" <frames.ndjson
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[-1]}" = "checked 86 topics, 0 mismatches" ]
  # the serial is in every frame
  [ "$(jq -r .serial frames.ndjson | sort -u)" = "$(jq -r .serial "$GOLDEN/case_A.json")" ]
}

@test "config from the environment and the legacy config file is used" {
  start_sim --snapshot "$GOLDEN/case_A.json"
  MTEC_MODBUS_IP=127.0.0.1 MTEC_MODBUS_PORT=$SIM_PORT run mtec-read battery_soc
  [ "$status" -eq 0 ]
  [ "$(jq -c .values <<<"$output")" = '{"battery_soc":85.5}' ]
  printf 'MODBUS_IP: 127.0.0.1\nMODBUS_PORT: %s\nMODBUS_SLAVE: 247\n' "$SIM_PORT" >config.yaml
  run mtec-read 11000
  [ "$(jq -c .values <<<"$output")" = '{"grid_power":-1234}' ]
}

@test "selection by key, address and name; --raw adds the words; --table for people" {
  start_sim --snapshot "$GOLDEN/case_A.json"
  run read_sim grid_power 33000 "Inverter operation mode" --raw
  [ "$status" -eq 0 ]
  [ "$(jq -c .values <<<"$output")" = '{"grid_power":-1234,"battery_soc":85.5,"mode":"General mode"}' ]
  [ "$(jq -c .raw <<<"$output")" = '{"11000":[65535,64302],"33000":[8550],"50000":[257]}' ]
  run read_sim -g now-grid --table
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" =~ ^ADDRESS\ +KEY\ +VALUE\ +UNIT$ ]]
  [[ "$output" =~ 11015\ +grid_fequency\ +50\.010\ +Hz ]]
}

@test "server not listening: exit 69 within the timeout" {
  local port
  port=$(free_port)
  run --separate-stderr timeout 10 mtec-read -H 127.0.0.1 -p "$port" --timeout 2 --all
  [ "$status" -eq 69 ]
  [[ "$stderr" == *"127.0.0.1:$port"*"refused"* ]]
}

@test "replies slower than the timeout: exit 75" {
  start_sim --delay 3000
  run --separate-stderr timeout 20 mtec-read -H 127.0.0.1 -p "$SIM_PORT" --timeout 1 battery_soc
  [ "$status" -eq 75 ]
  [[ "$stderr" == *"no reply from 127.0.0.1:$SIM_PORT within 1000 ms reading battery_soc"* ]]
}

@test "an exception on one register: a frame without it plus an errors entry" {
  start_sim --snapshot "$GOLDEN/case_A.json" --exception 33000
  run --separate-stderr read_sim -g now-base
  [ "$status" -eq 69 ]
  [ "$(jq '.values | length' <<<"$output")" -eq 17 ]
  [ "$(jq '.values | has("battery_soc")' <<<"$output")" = false ]
  [ "$(jq -r '.values.bms_status' <<<"$output")" = on-grid ]   # 33002 shared the merged request
  [ "$(jq -c '.errors[] | [.start, .count, .keys, .class, .exception]' <<<"$output")" = '[33000,1,["battery_soc"],"unavailable",2]' ]
}

follow_frames() { [ "$(jq -s "map(select(.group == \"now-base\" and (.values | length) > 0)) | length" follow.ndjson 2>/dev/null || echo 0)" -ge "$1" ]; }

@test "--follow keeps producing frames when the device drops the connection every 3 requests" {
  start_sim --snapshot "$GOLDEN/case_A.json" --drop-after 3
  start_bg follow.ndjson follow.err mtec-read -H 127.0.0.1 -p "$SIM_PORT" --follow --refresh-now 0.5
  wait_until 40 follow_frames 6
  kill -0 "$BG_PID"
  # the device closing the connection is not an outage: the reader reconnects at once
  [ "$(jq -s 'map(select(.errors)) | length' follow.ndjson)" -eq 0 ]
}

@test "--follow survives the simulator being killed and restarted, backing off meanwhile" {
  start_sim --snapshot "$GOLDEN/case_A.json"
  local port=$SIM_PORT
  start_bg follow.ndjson follow.err mtec-read -H 127.0.0.1 -p "$SIM_PORT" --follow --refresh-now 0.5 -vv
  local reader=$BG_PID
  wait_until 20 follow_frames 2
  stop_pid "$SIM_PID"
  wait_until 20 grep -q "lost the inverter" follow.err
  local start=$SECONDS
  wait_until 20 grep -q "attempt 4)" follow.err     # three failed reconnects
  local outage=$((SECONDS - start))
  # 1 s, 2 s, 4 s (+-25 %): four attempts take at least ~2 s; a busy loop would take none
  [ "$outage" -ge 2 ]
  local before
  before=$(wc -l <follow.ndjson)
  start_bg /dev/null /dev/null mtec-sim --port "$port" --snapshot "$GOLDEN/case_A.json"
  wait_until 60 grep -q "connected to 127.0.0.1:$port again" follow.err
  wait_until 20 lines_at_least follow.ndjson $((before + 1))
  kill -0 "$reader"
  [ "$(grep -c 'inverter unreachable\|lost the inverter' follow.err)" -eq 1 ]   # logged once
}

@test "--control: a write is executed on the reader's single connection and answered with its read-back" {
  start_sim --snapshot "$GOLDEN/case_A.json" --single-client --write-log writes.ndjson
  start_bg follow.ndjson follow.err mtec-read -H 127.0.0.1 -p "$SIM_PORT" --follow --refresh-now 0.5 --control ctl.sock
  wait_until 20 test -S ctl.sock
  [ "$(stat -c %a ctl.sock)" = 600 ]
  wait_until 20 follow_frames 1
  run socat -t 10 - UNIX-CONNECT:ctl.sock <<<'{"op":"write","address":50000,"words":[258]}'
  [ "$status" -eq 0 ]
  [ "$(jq -c '[.ok, .words, .read_back]' <<<"$output")" = '[true,[258],[258]]' ]
  [ "$(jq -c '[.address, .words]' writes.ndjson)" = '[50000,[258]]' ]
  wait_until 20 grep -q '"mode":"Economic mode"' follow.ndjson
}

@test "SIGTERM during --follow: exit 0 within 2 s" {
  start_sim --snapshot "$GOLDEN/case_A.json" --delay 400
  start_bg follow.ndjson follow.err mtec-read -H 127.0.0.1 -p "$SIM_PORT" --follow --refresh-now 0.5
  local reader=$BG_PID status=0
  wait_until 20 follow_frames 1
  kill -TERM "$reader"
  wait_until 2 bash -c "! kill -0 $reader 2>/dev/null"
  wait "$reader" || status=$?
  [ "$status" -eq 0 ]
}

@test "mtec-read --all | head -1 ends quietly" {
  start_sim --snapshot "$GOLDEN/case_A.json"
  run --separate-stderr bash -c "set -o pipefail; mtec-read -H 127.0.0.1 -p $SIM_PORT --all | head -1"
  [ "$status" -eq 0 ]
  [ -z "$stderr" ]
  [ "$(jq -r .group <<<"$output")" = now-base ]
}

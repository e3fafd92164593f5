#!/usr/bin/env bats
# Connection variants: RTU frames over TCP, unit ids above 247 on Modbus TCP,
# the fallback port, and --probe.

load ../helpers/common
load ../helpers/mqtt

setup() { common_setup; }
teardown() { common_teardown; }

check_case_a() {
  run python3 "$MTEC_SOURCE_DIR/tests/helpers/payloads_of_frames.py" "$GOLDEN/case_A.json" <"$1"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[-1]}" = "checked 86 topics, 0 mismatches" ]
}

@test "RTU framing on a free port: mtec-read and mtec-write pass case_A" {
  start_sim --snapshot "$GOLDEN/case_A.json" --framer rtu --write-log writes.ndjson
  mtec-read -H 127.0.0.1 -p "$SIM_PORT" --framer rtu --all >frames.ndjson
  check_case_a frames.ndjson
  run --separate-stderr mtec-write -H 127.0.0.1 -p "$SIM_PORT" --framer rtu --yes mode "Economic mode"
  [ "$status" -eq 0 ]
  [ "$(jq -c '[.ok, .read_back]' <<<"$output")" = '[true,[258]]' ]
  [ "$(jq -c '[.function, .address, .words]' writes.ndjson)" = '[6,50000,[258]]' ]
}

@test "unit id 252 on Modbus TCP: mtec-read and mtec-write pass case_A" {
  start_sim --snapshot "$GOLDEN/case_A.json" --unit 252 --write-log writes.ndjson
  mtec-read -H 127.0.0.1 -p "$SIM_PORT" -u 252 --all >frames.ndjson
  check_case_a frames.ndjson
  run --separate-stderr mtec-write -H 127.0.0.1 -p "$SIM_PORT" -u 252 --yes charge_limit 3.9
  [ "$status" -eq 0 ]
  [ "$(jq -c '[.unit, .address, .words]' writes.ndjson)" = '[252,52601,[39]]' ]
  # the wrong unit id gets no answer: a timeout
  run --separate-stderr mtec-read -H 127.0.0.1 -p "$SIM_PORT" -u 247 --timeout 1 battery_soc
  [ "$status" -eq 75 ]
}

@test "the wrong framing is a timeout, not garbage" {
  start_sim --snapshot "$GOLDEN/case_A.json" --framer rtu
  run --separate-stderr mtec-read -H 127.0.0.1 -p "$SIM_PORT" --framer tcp --timeout 1 battery_soc
  [ "$status" -eq 75 ]
}

@test "MODBUS_PORT2 is tried when MODBUS_PORT refuses" {
  start_sim --snapshot "$GOLDEN/case_A.json"
  local closed
  closed=$(free_port)
  run --separate-stderr env MTEC_MODBUS_PORT2="$SIM_PORT" mtec-read -H 127.0.0.1 -p "$closed" battery_soc
  [ "$status" -eq 0 ]
  [ "$(jq -c .values <<<"$output")" = '{"battery_soc":85.5}' ]
}

@test "--probe against an RTU/unit-252 device reports exactly that combination" {
  start_sim --framer rtu --unit 252
  run --separate-stderr mtec-read --probe 127.0.0.1 -p "$SIM_PORT"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(grep -c ' serial ' <<<"$output")" -eq 1 ]
  [[ "$output" == *"port $SIM_PORT framer rtu unit 252 serial MTECSIM00000001"* ]]
  [[ "$output" == *$'MODBUS_PORT: '"$SIM_PORT"$'\nMODBUS_FRAMER: rtu\nMODBUS_SLAVE: 252'* ]]
}

@test "--probe tries the configured port first and takes HOST:PORT; each attempt is told once, framing as tcp" {
  start_sim
  local closed
  closed=$(free_port)
  run --separate-stderr env MTEC_MODBUS_PORT="$SIM_PORT" mtec-read --probe 127.0.0.1
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$(head -1 <<<"$output")" == "port $SIM_PORT framer tcp unit 247 serial MTECSIM00000001" ]]
  [[ "$output" == *$'MODBUS_PORT: '"$SIM_PORT"$'
MODBUS_FRAMER: tcp
'* ]]
  run --separate-stderr env MTEC_MODBUS_PORT="$closed" mtec-read --probe "127.0.0.1:$SIM_PORT"
  [ "$status" -eq 0 ]
  [[ "$output" == *"port $SIM_PORT framer tcp unit 247 serial"* ]]
  run --separate-stderr mtec-read --probe "127.0.0.1:$closed"
  echo "$output"
  [ "$status" -eq 69 ]
  [ "$(head -1 <<<"$output")" = "127.0.0.1:$closed: Connection refused" ]
  # another bad key does not stop the troubleshooting tool
  run --separate-stderr env MTEC_MQTT_PORT=0 mtec-read --probe "127.0.0.1:$SIM_PORT"
  [ "$status" -eq 0 ]
  run --separate-stderr mtec-read --probe "127.0.0.1:0"
  [ "$status" -eq 64 ]
  [[ "$stderr" == *"the port must be 1..65535"* ]]
}

@test "a migrated config without MODBUS_FRAMER: one notice at the start of --follow, tcp used" {
  start_sim
  printf 'MODBUS_IP: 127.0.0.1\nMODBUS_PORT: %s\n' "$SIM_PORT" >old.yaml
  mtec-read -c old.yaml --follow 2>follow.err | head -1 >frame.json
  jq -e '.values | length > 0' frame.json
  cat follow.err
  [ "$(grep -c 'sets no MODBUS_FRAMER' follow.err)" -eq 1 ]
  grep -q "old.yaml sets no MODBUS_FRAMER: Modbus TCP framing (tcp) is used; aiomtec2mqtt's default was rtu" follow.err
  run mtec-read -c old.yaml --show-config
  [[ "$output" == *'MODBUS_FRAMER: "tcp"  # default (aiomtec2mqtt'"'"'s default was rtu: see mtec-read --probe)'* ]]
  printf 'MODBUS_FRAMER: socket\n' >>old.yaml
  mtec-read -c old.yaml --follow 2>follow.err | head -1 >/dev/null
  run ! grep -q 'MODBUS_FRAMER' follow.err
  run mtec-read -c old.yaml --show-config
  [[ "$output" == *'MODBUS_FRAMER: "tcp"'* ]]
}

@test "--probe with nothing answering: exit 69" {
  local closed
  closed=$(free_port)
  run --separate-stderr mtec-read --probe 127.0.0.1 -p "$closed"
  [ "$status" -eq 69 ]
}

@test "the pipeline in RTU framing with unit 252" {
  start_broker
  start_sim --snapshot "$GOLDEN/case_A.json" --framer rtu --unit 252
  start_sub capture.txt 'MTEC/#'
  MTEC_MODBUS_IP=127.0.0.1 MTEC_MODBUS_PORT=$SIM_PORT MTEC_MODBUS_FRAMER=rtu MTEC_MODBUS_SLAVE=252 \
    MTEC_MQTT_SERVER=127.0.0.1 MTEC_MQTT_PORT=$BROKER_PORT MTEC_REFRESH_NOW=1 \
    start_bg pipe.out pipe.err "$MTEC_SOURCE_DIR/scripts/mtec2mqtt" --runtime-dir "$BATS_TEST_TMPDIR/run"
  wait_until 30 grep -q $'\tMTEC/B2308P01240004/now-base/grid_power/state\t-1234' capture.txt
  wait_until 30 grep -q $'\tMTEC/B2308P01240004/now-base/consumption/state\t3734' capture.txt
}

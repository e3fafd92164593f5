#!/usr/bin/env bats
# mtec-read on real, imperfect links: first data at once, retries within a
# cycle, read plans that learn from a device that refuses gap reads, and
# mtec-sim's options that reproduce such devices (strict map, corrupt
# replies, a recording).

load ../helpers/common
load ../helpers/mqtt

setup() { common_setup; }
teardown() { common_teardown; }

nowbase_frames() { [ "$(grep -c '"group":"now-base"' "$1" 2>/dev/null || echo 0)" -ge "$2" ]; }

@test "--follow: the static frame, then the first full cycle at once (REFRESH_NOW 10)" {
  start_sim --snapshot "$GOLDEN/case_A.json"
  start_bg follow.ndjson follow.err mtec-read -H 127.0.0.1 -p "$SIM_PORT" --follow --refresh-now 10
  # a deadline well inside one period: the old reader waited 10 s for it
  wait_until 5 nowbase_frames follow.ndjson 1
  run jq -r .group follow.ndjson
  [ "${lines[0]}" = static ]
  [ "${lines[1]}" = now-base ]
  [[ "$output" == *config*now-grid*day*total* ]]
  # static is not read twice in the first cycle
  [ "$(grep -c '"group":"static"' follow.ndjson)" -eq 1 ]
}

@test "mtec2mqtt: discovery before the first state message, within the first cycle" {
  start_broker
  start_sim --snapshot "$GOLDEN/case_A.json"
  start_sub capture.txt
  MTEC_MODBUS_IP=127.0.0.1 MTEC_MODBUS_PORT=$SIM_PORT MTEC_MQTT_SERVER=127.0.0.1 MTEC_MQTT_PORT=$BROKER_PORT \
    MTEC_HASS_ENABLE=true MTEC_REFRESH_NOW=10 start_bg pipe.out pipe.err mtec2mqtt --runtime-dir "$BATS_TEST_TMPDIR/run"
  wait_until 5 grep -q $'\tMTEC/B2308P01240004/now-base/battery_soc/state\t' capture.txt
  local first_config first_state
  first_config=$(grep -n -m1 $'/config\t' capture.txt | cut -d: -f1)
  first_state=$(grep -n -m1 $'/state\t' capture.txt | cut -d: -f1)
  [ -n "$first_config" ] && [ "$first_config" -lt "$first_state" ]
  [ "$(grep -c $'/config\t' capture.txt)" -ge 98 ]
}

@test "10 % corrupt replies: every one-shot read complete and right; without retries it is not" {
  start_sim --snapshot "$GOLDEN/case_A.json"
  mtec-read -H 127.0.0.1 -p "$SIM_PORT" --all | jq -S -c .values >truth.ndjson
  stop_pid "$SIM_PID"
  start_sim --snapshot "$GOLDEN/case_A.json" --corrupt 0.1 --seed 11
  local i
  for i in $(seq 10); do
    run --separate-stderr mtec-read -H 127.0.0.1 -p "$SIM_PORT" --all --timeout 1
    [ "$status" -eq 0 ] || { echo "read $i: $stderr"; return 1; }
    [ "$(jq -S -c .values <<<"$output")" = "$(cat truth.ndjson)" ]
  done
  # the same link without retries loses values: what the retries are for
  local lost=0
  for i in $(seq 10); do
    MTEC_MODBUS_RETRIES=0 run --separate-stderr mtec-read -H 127.0.0.1 -p "$SIM_PORT" --all --timeout 1
    [ "$status" -eq 0 ] || lost=$((lost + 1))
    [[ "$status" -eq 0 || "$stderr" == *"bad reply"* || "$stderr" == *"instead of"* ]]
  done
  [ "$lost" -gt 0 ]
}

@test "a device that refuses gap reads: no refused span asked twice, every value read" {
  start_sim --snapshot "$GOLDEN/case_A.json" --strict-map --request-log requests.ndjson
  start_bg follow.ndjson follow.err mtec-read -H 127.0.0.1 -p "$SIM_PORT" --follow --refresh-now 0.2
  wait_until 60 nowbase_frames follow.ndjson 25
  stop_pid "$BG_PID"
  # the device did refuse merged reads, and learning kept each from coming back
  [ "$(jq -s 'map(select(.exception)) | length' requests.ndjson)" -gt 0 ]
  [ "$(jq -r 'select(.exception) | "\(.address),\(.count)"' requests.ndjson | sort | uniq -d | wc -l)" -eq 0 ]
  [ "$(jq -s 'map(select(.errors)) | length' follow.ndjson)" -eq 0 ]
}

@test "a recording of a real inverter (mtec-read --all --raw) is served back as it was" {
  start_sim --snapshot "$GOLDEN/case_A.json"
  mtec-read -H 127.0.0.1 -p "$SIM_PORT" --all --raw >rec.ndjson
  jq -S -c .values rec.ndjson >expected.ndjson
  stop_pid "$SIM_PID"
  start_sim --snapshot rec.ndjson
  mtec-read -H 127.0.0.1 -p "$SIM_PORT" --all | jq -S -c .values >replayed.ndjson
  diff expected.ndjson replayed.ndjson
  printf '{"group":"x"}\nnot json\n' >bad.ndjson
  run --separate-stderr mtec-sim --port 0 --snapshot bad.ndjson
  [ "$status" -eq 65 ]
  [[ "$stderr" == *"bad.ndjson:2"* ]]
}

@test "retries exhausted: the read reports the failure, within its budget; --follow goes on" {
  start_sim --snapshot "$GOLDEN/case_A.json" --request-log requests.ndjson
  # unit 1 gets no answer: every try times out
  run --separate-stderr timeout 20 mtec-read -H 127.0.0.1 -p "$SIM_PORT" -u 1 --timeout 0.2 --refresh-now 1 --all
  [ "$status" -eq 75 ]
  [[ "$stderr" == *"no reply from 127.0.0.1:$SIM_PORT within 200 ms reading all groups"*"more requests without data"* ]]
  # the frames say which requests the budget left untried
  [[ "$output" == *"not tried: the read's time budget of 1000 ms is spent"* ]]
  start_bg follow.ndjson follow.err mtec-read -H 127.0.0.1 -p "$SIM_PORT" -u 1 --timeout 0.2 --follow --refresh-now 0.5
  wait_until 20 grep -q 'no reply from' follow.err
  # it goes on trying (with backoff), saying so once
  local n
  n=$(wc -l <requests.ndjson)
  wait_until 20 lines_at_least requests.ndjson $((n + 3))
  kill -0 "$BG_PID"
  stop_pid "$BG_PID"
  [ "$(grep -c 'no reply from' follow.err)" -eq 1 ]
  [ ! -s follow.ndjson ]
}

@test "mtec-sim --strict-map refuses a read across unmapped addresses, serves mapped ones" {
  start_sim --strict-map --request-log requests.ndjson
  # 10000..10007 is the serial, 10008..10010 are not in the catalog
  run --separate-stderr mtec-read -H 127.0.0.1 -p "$SIM_PORT" --max-gap 124 -g static
  [ "$status" -eq 0 ]
  [ "$(jq -s 'map(select(.exception == 2)) | length' requests.ndjson)" -gt 0 ]
  [ "$(jq '.values | length' <<<"$output")" -eq 3 ]
}

#!/usr/bin/env bats
# Availability (HASS_AVAILABILITY, opt-in): Home Assistant and evcc see when
# the data stop being true. Real mosquitto and mtec-sim on loopback ports.

load ../helpers/common
load ../helpers/mqtt

SERIAL=B2308P01240004
TOPIC=MTEC/M-TEC-MQTT/availability

setup() {
  common_setup
  start_broker
  start_sim --snapshot "$GOLDEN/case_A.json"
  export MTEC_MODBUS_IP=127.0.0.1 MTEC_MODBUS_PORT=$SIM_PORT MTEC_MQTT_SERVER=127.0.0.1 MTEC_MQTT_PORT=$BROKER_PORT
  export MTEC_HASS_ENABLE=true MTEC_REFRESH_NOW=0.5
}
teardown() { common_teardown; }

start_pipeline() {
  start_bg pipeline.out pipeline.err mtec2mqtt --runtime-dir "$BATS_TEST_TMPDIR/run" "$@"
  PIPE_PID=$BG_PID
}
exited() { ! kill -0 "$1" 2>/dev/null; }

# retained TOPIC: the retained payload a new subscriber gets ("" if none)
retained() { mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -t "$1" -C 1 -W 2 --retained-only 2>/dev/null || true; }
retained_is() { [ "$(retained "$1")" = "$2" ]; }

@test "online (retained) after start; every discovery payload declares the topic; mtec-health tells it" {
  start_sub capture.txt
  MTEC_HASS_AVAILABILITY=true MTEC_METRICS_INTERVAL=0.2 start_pipeline --metrics-dir metrics
  wait_until 20 grep -q $'^1\t'"$TOPIC"$'\tonline$' capture.txt
  wait_until 10 retained_is "$TOPIC" online
  wait_until 20 lines_at_least capture.txt 98 '/config	'
  local n
  n=$(grep $'/config\t' capture.txt | cut -f3 |
      jq -s 'map(select(.availability_topic == "MTEC/M-TEC-MQTT/availability" and
                        .payload_available == "online" and .payload_not_available == "offline")) | length')
  [ "$n" -eq 98 ]
  # the legacy keys are untouched: the payload minus the three keys is the contract's
  grep $'/config\t' capture.txt | head -n 98 | cut -f2,3 >discovery.txt
  python3 - "$GOLDEN/case_A.json" discovery.txt <<'PY'
import json, sys
golden = {m["topic"]: m["payload"] for m in json.load(open(sys.argv[1]))["discovery"]}
for line in open(sys.argv[2]):
    topic, payload = line.rstrip("\n").split("\t", 1)
    tail = ', "availability_topic": "MTEC/M-TEC-MQTT/availability", "payload_available": "online", "payload_not_available": "offline"}'
    assert payload.endswith(tail), payload
    assert payload[: -len(tail)] + "}" == golden[topic], topic
PY
  wait_until 20 lines_at_least metrics/mtec-publish.prom 1 '^mtec_availability_online{.*} 1$'
  wait_until 20 lines_at_least metrics/mtec-read.prom 1 '^mtec_modbus_connected{.*} 1$'
  run mtec-health --dir metrics
  [[ "$output" == *'availability: online on MTEC/M-TEC-MQTT/availability'* ]]
}

@test "simulator stopped: offline after the configured periods; restarted: online with the next data" {
  start_sub capture.txt "$TOPIC"
  MTEC_HASS_AVAILABILITY=true MTEC_HASS_AVAILABILITY_PERIODS=2 start_pipeline
  wait_until 20 grep -q $'\tonline$' capture.txt
  local port=$SIM_PORT
  stop_pid "$SIM_PID"
  wait_until 20 grep -q $'\toffline$' capture.txt
  wait_until 10 retained_is "$TOPIC" offline
  grep -q 'availability = offline (no fresh now-base data for 1 s)' pipeline.err
  start_bg sim2.port sim2.err mtec-sim --port "$port" --snapshot "$GOLDEN/case_A.json"
  : >capture.txt
  wait_until 60 grep -q $'\tonline$' capture.txt
  kill -0 "$PIPE_PID"
}

@test "SIGTERM: offline (retained); SIGKILL of mtec-publish: the broker delivers the will offline" {
  MTEC_HASS_AVAILABILITY=true start_pipeline
  wait_until 20 retained_is "$TOPIC" online
  kill -TERM "$PIPE_PID"
  wait_until 5 exited "$PIPE_PID"
  wait_until 10 retained_is "$TOPIC" offline

  # a killed publisher cannot say anything: its will does
  mkfifo in.fifo
  start_bg pub.out pub.err bash -c "exec mtec-publish --availability <in.fifo"
  local pub=$BG_PID w
  exec {w}>in.fifo
  mtec-read --all >&"$w"
  wait_until 10 retained_is "$TOPIC" online
  start_sub capture.txt "$TOPIC"
  kill -KILL "$pub"
  wait_until 10 grep -q $'^1\t'"$TOPIC"$'\toffline$' capture.txt
  exec {w}>&-
}

@test "availability off: the legacy will stays, nothing on an availability topic" {
  start_sub capture.txt
  start_pipeline
  wait_until 20 lines_at_least capture.txt 98 '/config	'
  wait_until 20 grep -q '/now-base/grid_power/state' capture.txt
  run ! grep -q '/availability	' capture.txt
  run ! grep -q 'availability_topic' capture.txt
  run python3 "$MTEC_SOURCE_DIR/tests/helpers/compare_mqtt.py" "$GOLDEN/case_A.json" capture.txt --discovery
  [ "$status" -eq 0 ]
  local publisher
  publisher=$(pgrep -P "$PIPE_PID" -f mtec-publish)
  kill -KILL "$publisher"
  wait_until 10 grep -q $'^1\thomeassistant/status/lwt\toffline$' capture.txt
}

@test "two instances on one broker keep separate availability topics" {
  local frames
  frames=$(mtec-read --all)
  mkfifo a.fifo b.fifo
  start_bg a.out a.err bash -c "exec mtec-publish --availability -i garage <a.fifo"
  local a=$BG_PID wa wb
  start_bg b.out b.err bash -c "exec mtec-publish --availability -i house <b.fifo"
  exec {wa}>a.fifo {wb}>b.fifo
  printf '%s\n' "$frames" >&"$wa"
  printf '%s\n' "$frames" >&"$wb"
  wait_until 10 retained_is MTEC/garage/availability online
  wait_until 10 retained_is MTEC/house/availability online
  exec {wa}>&-   # end of input: a clean end says offline
  wait_until 10 exited "$a"
  wait_until 10 retained_is MTEC/garage/availability offline
  retained_is MTEC/house/availability online
  exec {wb}>&-
}

@test "the evcc template reads topics the pipeline publishes, each with a number" {
  local t=$MTEC_SOURCE_DIR/scripts/evcc.yaml topics
  grep -q 'timeout:' "$t"
  mapfile -t topics < <(sed -n 's/^ *topic: *//p' "$t" | sed "s/<SERIAL>/$SERIAL/")
  [ "${#topics[@]}" -ge 4 ]
  start_sub capture.txt 'MTEC/#'
  start_pipeline
  local topic payload
  for topic in "${topics[@]}"; do
    [[ "$topic" == */state ]] || { echo "$topic: not a /state topic"; return 1; }
    wait_until 20 grep -q $'\t'"$topic"$'\t' capture.txt
    payload=$(grep -m1 $'\t'"$topic"$'\t' capture.txt | cut -f3)
    [[ "$payload" =~ ^-?[0-9]+(\.[0-9]+)?$ ]] || { echo "$topic: '$payload' is no number"; return 1; }
  done
  # the signs: grid_power counts export positive (consumption = inverter - grid_power)
  grep -q 'grid_power/state' "$t" && grep -A2 'grid_power/state' "$t" | grep -q 'scale: -1'
}

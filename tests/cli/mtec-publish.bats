#!/usr/bin/env bats
# mtec-publish against a real mosquitto on a free loopback port.

load ../helpers/common
load ../helpers/mqtt

setup() {
  common_setup
  start_broker
}
teardown() { common_teardown; }

# frames of case_A: read from mtec-sim, with the calculated values
case_a_frames() {
  start_sim --snapshot "$GOLDEN/case_A.json"
  mtec-read -H 127.0.0.1 -p "$SIM_PORT" --all | mtec-calc >frames.ndjson
  [ "$(wc -l <frames.ndjson)" -eq 10 ]
}

publish() { mtec-publish -b 127.0.0.1 -P "$BROKER_PORT" "$@"; }

@test "--help, --version, a bad option" {
  run mtec-publish --help
  [ "$status" -eq 0 ]
  [[ "$output" == *"--commands-out"* ]]
  run mtec-publish --version
  [[ "$output" == "mtec-publish (mtec-tools) "* ]]
  run --separate-stderr mtec-publish --bogus
  [ "$status" -eq 64 ]
}

@test "case_A: the state messages and the 98 retained discovery messages of the contract" {
  case_a_frames
  start_sub capture.txt
  run --separate-stderr publish --hass <frames.ndjson
  [ "$status" -eq 0 ]
  wait_until 10 lines_at_least capture.txt 98 '/config	' 
  wait_until 10 lines_at_least capture.txt 94 '/state	' 
  run python3 "$MTEC_SOURCE_DIR/tests/helpers/compare_mqtt.py" "$GOLDEN/case_A.json" capture.txt --states --discovery
  echo "$output"
  [ "$status" -eq 0 ]
  # a late subscriber gets the discovery retained
  run timeout 10 mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -t 'homeassistant/+/+/config' -W 3 -C 98 -F '%r'
  [ "$(grep -c '^1$' <<<"$output")" -eq 98 ]
  # a clean end: the will was not published
  [ "$(lines_matching capture.txt 'status/lwt')" -eq 0 ]
}

@test "MQTT_JSON: each frame also as one JSON object, unretained, agreeing with its state messages" {
  case_a_frames
  start_sub capture.txt
  MTEC_MQTT_JSON=true run --separate-stderr publish --hass <frames.ndjson
  [ "$status" -eq 0 ]
  wait_until 10 lines_at_least capture.txt 10 '^0	MTEC/[^/]*/[^/]*	{'
  wait_until 10 lines_at_least capture.txt 94 '/state	'
  run python3 - capture.txt <<'PY'
import json, sys
states, readings = {}, []
for line in open(sys.argv[1]):
    retain, topic, payload = line.rstrip("\n").split("\t", 2)
    levels = topic.split("/")
    if len(levels) == 5 and levels[4] == "state":
        states[topic] = payload
    elif len(levels) == 3 and levels[0] == "MTEC":
        assert retain == "0", topic
        readings.append((topic, json.loads(payload)))
assert len(readings) == 10, len(readings)
told = 0
for topic, r in readings:
    assert topic == f"MTEC/{r['serial']}/{r['group']}", topic
    assert r["ts"].endswith("Z"), r["ts"]
    prefix = topic + "/"
    mine = {t[len(prefix):-len("/state")] for t in states if t.startswith(prefix)}
    assert set(r["values"]) == mine, (topic, set(r["values"]) ^ mine)
    for key, v in r["values"].items():
        s = states[f"{prefix}{key}/state"]
        if isinstance(v, bool):
            assert s.lower() in ("true", "false", "1", "0"), (key, s)
        elif isinstance(v, (int, float)):
            assert abs(float(s) - v) <= 0.0005, (key, s, v)
        else:
            assert s == v, (key, s, v)
        told += 1
print(told, "values agree")
PY
  echo "$output"
  [ "$status" -eq 0 ]
  # without the key: no such topic (the probe after it: all of it is in)
  start_sub capture2.txt
  run --separate-stderr publish <frames.ndjson
  [ "$status" -eq 0 ]
  mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t bats/after -m over
  wait_until 10 grep -q $'\tbats/after\t' capture2.txt
  [ "$(lines_matching capture2.txt '/state	')" -ge 94 ]
  [ "$(lines_matching capture2.txt '^0	MTEC/[^/]*/[^/]*	')" -eq 0 ]
}

@test "--hass without a static frame: the values go out and the log says why no discovery came" {
  case_a_frames
  grep -v '"group":"static"' frames.ndjson >no-static.ndjson
  run --separate-stderr publish --hass <no-static.ndjson
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"no discovery sent: it needs a static frame"* ]]
  run --separate-stderr publish --hass <frames.ndjson
  [[ "$stderr" != *"no discovery sent"* ]]
}

@test "MQTT_TOPIC is the root of states, discovery and commands (D1)" {
  case_a_frames
  start_sub capture.txt
  publish --hass --topic pv/mtec <frames.ndjson
  wait_until 10 lines_at_least capture.txt 98 '/config	' 
  grep -q $'\tpv/mtec/B2308P01240004/now-base/grid_power/state\t-1234$' capture.txt
  grep -q '"state_topic": "pv/mtec/B2308P01240004/config/charge_limit/state"' capture.txt
  grep -q '"command_topic": "pv/mtec/B2308P01240004/config/charge_limit/set"' capture.txt
}

@test "online on the HA status topic: discovery again after the grace time" {
  case_a_frames
  mkfifo in.fifo
  start_bg pub.out pub.err bash -c "exec mtec-publish -b 127.0.0.1 -P $BROKER_PORT --hass --grace 1 -vv <in.fifo"
  local w before
  exec {w}>in.fifo
  cat frames.ndjson >&"$w"
  start_sub capture.txt 'homeassistant/#'
  wait_until 10 lines_at_least capture.txt 98 '/config	'    # the retained ones
  before=$(lines_matching capture.txt '/config	')
  mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t homeassistant/status -m online
  wait_until 10 lines_at_least capture.txt $((before + 98)) '/config	'
  [ "$(lines_matching capture.txt '/config	')" -eq $((before + 98)) ]
  # offline and other payloads trigger nothing
  mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t homeassistant/status -m offline
  exec {w}>&-
}

@test "broker stopped and restarted mid-stream: latest values and discovery arrive after the restart" {
  case_a_frames
  mkfifo in.fifo
  start_bg pub.out pub.err bash -c "exec mtec-publish -b 127.0.0.1 -P $BROKER_PORT --hass -v <in.fifo"
  local w pub=$BG_PID
  exec {w}>in.fifo
  head -n 9 frames.ndjson >&"$w"      # everything but static
  wait_until 10 grep -q 'connected to the broker' pub.err
  stop_pid "$BROKER_PID"
  wait_until 10 grep -q 'lost the broker' pub.err
  # while the broker is down: a newer value for grid_power, then static
  sed 's/"grid_power":-1234/"grid_power":-999/' <(head -n 1 frames.ndjson) >&"$w"
  tail -n 1 frames.ndjson >&"$w"
  start_broker
  start_sub capture.txt
  wait_until 30 grep -q 'connected to the broker .* again' pub.err
  wait_until 10 lines_at_least capture.txt 98 '/config	' 
  wait_until 10 grep -q $'\tMTEC/B2308P01240004/static/serial_no/state\tB2308P01240004' capture.txt
  kill -0 "$pub"
  # the latest value only, not the older one
  [ "$(grep -c $'now-base/grid_power/state\t' capture.txt)" -le 1 ]
  exec {w}>&-
}

@test "/set commands become NDJSON lines that mtec-write encodes; retained and unknown ones are rejected" {
  case_a_frames
  local base=MTEC/B2308P01240004
  # a retained command left on the broker is delivered on subscription: ignored
  mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t "$base/config/grid_inject_switch/set" -m "1" -r
  mkfifo in.fifo
  start_bg pub.out pub.err bash -c "exec mtec-publish -b 127.0.0.1 -P $BROKER_PORT --hass --commands-out commands.ndjson -v <in.fifo"
  local w
  exec {w}>in.fifo
  cat frames.ndjson >&"$w"
  wait_until 10 grep -q 'connected to the broker' pub.err
  start_sub capture.txt 'homeassistant/#'
  wait_until 10 lines_at_least capture.txt 98 '/config	'    # subscriptions are in place
  mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t "$base/now-base/mode/set" -m "Economic mode"
  mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t "$base/config/charge_limit/set" -m "3.9"
  mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t "$base/config/charge_limit/set" -m "abc"
  mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t "$base/config/charge_limit/set" -m "NaN"
  mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t "$base/config/on_grid_soc_limit/set" -m "-5"
  mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t "$base/config/bogus/set" -m "1"
  mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t "$base/now-base/mode/set" -m "3"
  mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t "$base/config/discharge_limit/set" -m "12.5"
  wait_until 10 lines_at_least commands.ndjson 7
  wait_until 10 grep -q 'retained command' pub.err
  # mtec-publish checks topic, key and size; the value goes on as it came
  run jq -c '[.key, .value, .topic]' commands.ndjson
  [ "${lines[0]}" = "[\"mode\",\"Economic mode\",\"$base/now-base/mode/set\"]" ]
  [ "${lines[1]}" = "[\"charge_limit\",\"3.9\",\"$base/config/charge_limit/set\"]" ]
  [ "${lines[6]}" = "[\"discharge_limit\",\"12.5\",\"$base/config/discharge_limit/set\"]" ]
  [ "${#lines[@]}" -eq 7 ]
  [ "$(jq -c 'keys_unsorted' commands.ndjson | sort -u)" = '["ts","key","value","topic"]' ]
  grep -q "rejected: unknown register 'bogus'" pub.err
  # mtec-write encodes them, once: the ones the registers take, and the
  # others refused with the topic they came from
  mtec-write --stdin --dry-run <commands.ndjson >write.out 2>write.err
  run jq -c '[.key, .requested, .address, .words]' write.out
  [ "${lines[0]}" = '["mode","Economic mode",50000,[258]]' ]
  [ "${lines[1]}" = '["charge_limit","3.9",52601,[39]]' ]
  [ "${lines[2]}" = '["discharge_limit","12.5",52603,[125]]' ]
  [ "${#lines[@]}" -eq 3 ]
  grep -q "command on $base/config/charge_limit/set rejected: charge_limit (52601): 'abc' is not a number" write.err
  grep -q "command on $base/config/charge_limit/set rejected: charge_limit (52601): 'NaN' is not a number" write.err
  grep -q "command on $base/config/on_grid_soc_limit/set rejected: on_grid_soc_limit (52503): -5 is outside the allowed range 0..100 %" write.err
  grep -q "command on $base/now-base/mode/set rejected: mode (50000): '3' is none of its labels or their codes" write.err
  exec {w}>&-
}

@test "wrong password: exit 77" {
  printf 'secret\n' >pw.txt
  mosquitto_passwd -b -c passwd mtec right-password
  BROKER_PORT=""
  start_broker "password_file $BATS_TEST_TMPDIR/passwd" "allow_anonymous false"
  run --separate-stderr bash -c "mtec-publish -b 127.0.0.1 -P $BROKER_PORT --user mtec --password-file pw.txt </dev/null"
  [ "$status" -eq 77 ]
  [[ "$stderr" == *"refused the login"* ]]
  printf 'right-password\n' >pw.txt
  run --separate-stderr bash -c "echo '{\"ts\":\"2026-01-20T11:00:00Z\",\"serial\":\"S\",\"group\":\"day\",\"values\":{\"pv_day\":1.5}}' | MTEC_MQTT_PASSWORD=right-password mtec-publish -b 127.0.0.1 -P $BROKER_PORT --user mtec"
  [ "$status" -eq 0 ]
}

@test "broker never reachable: exit 69 at the end of input" {
  local port
  port=$(free_port)
  run --separate-stderr bash -c "echo '{\"ts\":\"2026-01-20T11:00:00Z\",\"serial\":\"S\",\"group\":\"day\",\"values\":{\"pv_day\":1.5}}' | mtec-publish -b 127.0.0.1 -P $port --linger 1"
  [ "$status" -eq 69 ]
  [[ "$stderr" == *"was never reachable"* ]]
}

@test "broker down: a hint says what to check; SIGTERM ends with 0 at once, the held values told" {
  local port pid
  port=$(free_port)
  mkfifo in.fifo
  mtec-publish -b 127.0.0.1 -P "$port" --linger 30 --metrics-file m.prom --metrics-interval 0.2 \
    <in.fifo >pub.out 2>pub.err &
  pid=$!
  exec {feed}>in.fifo
  echo '{"ts":"2026-01-20T11:00:00Z","serial":"S","group":"day","values":{"pv_day":1.5}}' >&"$feed"
  wait_until 10 grep -q "unreachable: Connection refused" pub.err
  # the frame is read and its value held before the signal comes
  wait_until 10 grep -q '^mtec_mqtt_held_messages{tool="mtec-publish"} 1$' m.prom
  grep -q "hint: nothing listens on 127.0.0.1:$port: is mosquitto running" pub.err
  kill -TERM "$pid"
  # --linger 30 is not waited for: nothing can be delivered
  local deadline=$((SECONDS + 3)) rc=0
  while kill -0 "$pid" 2>/dev/null; do
    ((SECONDS < deadline)) || { cat pub.err; return 1; }
    sleep 0.05
  done
  wait "$pid" || rc=$?
  exec {feed}>&-
  cat pub.err
  [ "$rc" -eq 0 ]
  grep -q "stopping with the broker down: 1 held values not delivered" pub.err
}

@test "TLS: works with the right CA, fails with a wrong one" {
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=test-ca 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1\n' >san.ext
  openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile san.ext 2>/dev/null
  openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.crt -days 2 -subj /CN=other-ca 2>/dev/null
  local tls_port
  tls_port=$(free_port)
  BROKER_PORT=$tls_port start_broker "cafile $BATS_TEST_TMPDIR/ca.crt" "certfile $BATS_TEST_TMPDIR/server.crt" "keyfile $BATS_TEST_TMPDIR/server.key"
  local frame='{"ts":"2026-01-20T11:00:00Z","serial":"S","group":"day","values":{"pv_day":1.5}}'
  run --separate-stderr bash -c "echo '$frame' | mtec-publish -b 127.0.0.1 -P $tls_port --cafile ca.crt"
  [ "$status" -eq 0 ]
  run --separate-stderr bash -c "echo '$frame' | mtec-publish -b 127.0.0.1 -P $tls_port --cafile other.crt --linger 2"
  [ "$status" -eq 69 ]
}

@test "--unregister clears the discovery topics" {
  case_a_frames
  publish --hass <frames.ndjson
  publish --unregister
  run --separate-stderr timeout 5 mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -t 'homeassistant/#' -W 2
  [ -z "$output" ]
}

@test "bad lines are reported and skipped" {
  printf '%s\n' 'garbage' '{"ts":"2026-01-20T11:00:00Z","serial":"S","group":"day","values":{"pv_day":1.5}}' >in.ndjson
  start_sub capture.txt 'MTEC/#'
  run --separate-stderr publish <in.ndjson
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"line 1: not a frame: not valid JSON"* ]]
  wait_until 10 grep -q $'\tMTEC/S/day/pv_day/state\t1.500' capture.txt
  run --separate-stderr publish --strict <in.ndjson
  [ "$status" -eq 65 ]
}

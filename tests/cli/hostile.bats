#!/usr/bin/env bats
# Hostile input on the logs, the broker link and local files (issue 24):
# each attack replayed against the tools on loopback, with the behaviour that
# holds now. Services: mtec-sim, a real mosquitto, and the scripted hostile
# brokers of tests/helpers/hostile_broker.py, all on free 127.0.0.1 ports.

load ../helpers/common
load ../helpers/mqtt

setup() { common_setup; }
teardown() { common_teardown; }

SERIAL=B2308P01240004
ESC=$'\e'

# clean_log FILE: every line is one the tools wrote ("<N>tool: level: ..."
# under journald, "tool: level: ..." else): no line starts with "<digit"
# unless it is the tool's own priority prefix, and no raw ESC byte anywhere.
clean_log() {
  local bad
  bad=$(grep -cvE '^(<[0-7]>)?(mtec-(read|calc|publish|write)|mtec2mqtt): (error|warning|notice|info|debug|hint): ' "$1" || true)
  [ "$bad" -eq 0 ] || { echo "lines not written by a tool in $1:"; grep -vE '^(<[0-7]>)?(mtec-[a-z]+|mtec2mqtt): ' "$1"; return 1; }
  if grep -q "$ESC" "$1"; then echo "a raw ESC byte in $1"; return 1; fi
  # a forged priority can only follow the tool's own prefix, never start a line
  [ "$(grep -cE '^<[0-9]>' "$1")" -eq "$(grep -cE '^<[0-7]>mtec' "$1")" ]
}

# serial_snapshot TEXT OUT: case_A with TEXT (16 bytes at most) as the serial
serial_snapshot() {
  local words
  words=$(python3 -c 'import sys, json
b = sys.argv[1].encode().ljust(16, b"\0")
print(json.dumps([b[i] << 8 | b[i + 1] for i in range(0, 16, 2)]))' "$1")
  jq --argjson w "$words" '.snapshot["10000"] = $w' "$GOLDEN/case_A.json" >"$2"
}

# hostile_broker MODE: starts tests/helpers/hostile_broker.py; sets HB_PORT
hostile_broker() {
  python3 "$MTEC_SOURCE_DIR/tests/helpers/hostile_broker.py" "$1" hb.port hb.status &
  PIDS+=("$!")
  wait_until 10 test -s hb.port
  HB_PORT=$(cat hb.port)
}

# publisher_on PORT ARGS...: mtec-publish on PORT reading frames from a FIFO
# held open (so it runs until stopped); sets PUB_PID and the writer fd PUB_IN
publisher_on() {
  local port=$1
  shift
  mkfifo frames.fifo
  start_bg pub.out pub.err bash -c "exec mtec-publish -b 127.0.0.1 -P $port $* <frames.fifo"
  PUB_PID=$BG_PID
  exec {PUB_IN}>frames.fifo
}

now_base() { printf '{"ts":"2026-01-20T11:00:00Z","serial":"%s","group":"now-base","values":{"grid_power":5}}\n' "$1"; }

@test "a rejected /set payload forging a journal line and terminal escapes is logged escaped, on one line" {
  start_broker
  export JOURNAL_STREAM=8:1234
  publisher_on "$BROKER_PORT" --commands-out commands.ndjson -v
  now_base "$SERIAL" >&"$PUB_IN"
  local t=MTEC/$SERIAL/config/charge_limit/set
  # the subscription is in place once a good command comes through
  wait_until 10 grep -q 'connected to the broker' pub.err
  poke() { mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t "$t" -m 3.9; [[ -s commands.ndjson ]]; }
  wait_until 10 poke
  mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t "$t" -m $'x\n<0>mtec-write: notice: wrote mode...\e[2J'
  # mtec-publish passes it on (logged escaped); mtec-write refuses it
  wait_until 10 grep -q "'x\\\\n<0>mtec-write: notice: wrote mode...\\\\x1b\[2J' -> commands.ndjson" pub.err
  mtec-write --stdin --dry-run <commands.ndjson >write.out 2>write.err
  grep -q "command on $t rejected: charge_limit (52601): 'x\\\\n<0>mtec-write: notice: wrote mode...\\\\x1b\[2J' is not a number" write.err
  clean_log pub.err
  clean_log write.err
  run ! grep -q '^<0>' pub.err write.err
  exec {PUB_IN}>&-
}

@test "an accepted payload with a tab and a newline keeps mtec-write's 'wrote' line whole" {
  start_sim --snapshot "$GOLDEN/case_A.json" --write-log writes.ndjson
  export JOURNAL_STREAM=8:1234
  printf '{"key":"charge_limit","value":"\\t33\\n"}\n' |
    mtec-write -H 127.0.0.1 -p "$SIM_PORT" --stdin >out.ndjson 2>write.err
  wait_until 10 grep -q '"address":52601' writes.ndjson
  clean_log write.err
  grep -q '^<5>mtec-write: notice: wrote charge_limit (52601) = \\t33\\n: words ' write.err
  [ "$(wc -l <write.err)" -eq 1 ]
}

@test "1 MB /set payloads: the broker holds them back (v5 Maximum Packet Size), and none makes 1 KB of log" {
  start_broker
  publisher_on "$BROKER_PORT" --commands-out commands.ndjson
  now_base "$SERIAL" >&"$PUB_IN"
  wait_until 10 grep -q 'connected to the broker' pub.err
  local t=MTEC/$SERIAL/config/charge_limit/set
  poke() { mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t "$t" -m 3.9; [[ -s commands.ndjson ]]; }
  wait_until 10 poke
  head -c 1048576 /dev/zero | tr '\0' 'A' >big.txt
  local before
  before=$(wc -c <pub.err)
  for _ in $(seq 20); do mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t "$t" -f big.txt; done
  mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t "$t" -m 4.1
  # the command after them arrives; they never do (over the 64 KB we take)
  wait_until 20 grep -q '"value":"4.1"' commands.ndjson
  local grown=$(($(wc -c <pub.err) - before))
  echo "20 payloads of 1 MB: $grown bytes of log"
  ((grown < 20 * 1024))
  [ "$(awk 'length > 1024' pub.err | wc -l)" -eq 0 ]
  clean_log pub.err
  exec {PUB_IN}>&-
}

@test "rejected values of 3 KB and lines of 900 KB (mtec-write --stdin): one line of under 1 KB each" {
  local v
  v=$(head -c 3000 /dev/zero | tr '\0' 'A')
  for _ in $(seq 20); do printf '{"key":"charge_limit","value":"%s"}\n' "$v"; done >cmds.ndjson
  # a command line is at most 4096 bytes: longer ones are refused unread
  v=$(head -c 900000 /dev/zero | tr '\0' 'A')
  for _ in $(seq 5); do printf '{"key":"charge_limit","value":"%s"}\n' "$v"; done >>cmds.ndjson
  run --separate-stderr mtec-write --stdin --dry-run <cmds.ndjson
  [ "$status" -eq 0 ]
  echo "$stderr" >write.err
  [ "$(grep -c "'A\{120\}\.\.\. (3000 bytes)' is not a number" write.err)" -eq 20 ]
  [ "$(grep -c "line 2[1-5]: line too long" write.err)" -eq 5 ]
  [ "$(awk 'length > 1024' write.err | wc -l)" -eq 0 ]
  (($(wc -c <write.err) < 25 * 1024))
  clean_log write.err
}

@test "a symlink planted as the metrics file's old temporary name is never followed" {
  mkdir metrics
  printf 'precious\n' >victim
  ln -s "$PWD/victim" metrics/mtec-calc.prom.tmp
  ln -s "$PWD/victim" metrics/mtec-calc.prom
  run --separate-stderr mtec-calc --metrics-file metrics/mtec-calc.prom </dev/null
  [ "$status" -eq 0 ]
  [ "$(cat victim)" = precious ]
  [ -f metrics/mtec-calc.prom ] && [ ! -L metrics/mtec-calc.prom ]
  grep -q '^mtec_metrics_updated_timestamp_seconds' metrics/mtec-calc.prom
  [ "$(stat -c %a metrics/mtec-calc.prom)" = 644 ]
}

@test "--runtime-dir: an existing 1777 directory keeps its mode and is refused; a file at the socket stops the start" {
  export MTEC_MODBUS_IP=127.0.0.1  # an inverter configured: the start gets as far as the runtime dir
  mkdir shared
  chmod 1777 shared
  run --separate-stderr "$MTEC_SOURCE_DIR/scripts/mtec2mqtt" --runtime-dir shared
  [ "$status" -eq 77 ]
  [[ "$stderr" == *"runtime dir shared is writable by group or others (mode 1777)"* ]]
  [ "$(stat -c %a shared)" = 1777 ]
  [ -z "$(ls -A shared)" ]
  mkdir -m 700 own
  printf 'x\n' >own/control.sock
  run --separate-stderr "$MTEC_SOURCE_DIR/scripts/mtec2mqtt" --runtime-dir own
  [ "$status" -eq 73 ]
  [[ "$stderr" == *"own/control.sock exists and is not a socket"* ]]
  [ "$(cat own/control.sock)" = x ]
  ln -s /tmp linked
  run --separate-stderr "$MTEC_SOURCE_DIR/scripts/mtec2mqtt" --runtime-dir linked
  [ "$status" -eq 77 ]
  [[ "$stderr" == *"is a symlink"* ]]
}

@test "the password is in exactly one process's environment (mtec-publish); a stale control socket is replaced" {
  start_sim --snapshot "$GOLDEN/case_A.json"
  mosquitto_passwd -b -c passwd mtec s3cret-pw
  start_broker "password_file $BATS_TEST_TMPDIR/passwd" "allow_anonymous false"
  start_sub_as() { mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -u mtec -P s3cret-pw -t '#' -F '%t' >capture.txt 2>/dev/null & PIDS+=("$!"); }
  start_sub_as
  # a socket left by a pipeline that is gone
  mkdir -m 700 run
  python3 -c 'import socket, sys; s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' run/control.sock
  [ -S run/control.sock ]
  export MTEC_MODBUS_IP=127.0.0.1 MTEC_MODBUS_PORT=$SIM_PORT MTEC_MQTT_SERVER=127.0.0.1
  export MTEC_MQTT_PORT=$BROKER_PORT MTEC_MQTT_LOGIN=mtec MTEC_MQTT_PASSWORD=s3cret-pw MTEC_REFRESH_NOW=1
  start_bg pipeline.out pipeline.err "$MTEC_SOURCE_DIR/scripts/mtec2mqtt" --runtime-dir "$PWD/run"
  local pipe=$BG_PID
  wait_until 30 grep -q 'connected to the broker' pipeline.err
  wait_until 20 grep -q '/now-base/grid_power/state' capture.txt
  unset MTEC_MQTT_PASSWORD
  local pids p with=() stages=""
  pids=$(pgrep -P "$pipe")
  for p in $pids; do stages+=" $(cat "/proc/$p/comm")"; done
  echo "stages:$stages"
  for p in mtec-read mtec-calc mtec-publish mtec-write; do [[ "$stages " == *" $p "* ]]; done
  for p in $pipe $pids; do
    if tr '\0' '\n' <"/proc/$p/environ" | grep -q '^MTEC_MQTT_PASSWORD='; then with+=("$(cat "/proc/$p/comm")"); fi
  done
  echo "with the password: ${with[*]}"
  [ "${#with[@]}" -eq 1 ]
  [ "${with[0]}" = mtec-publish ]
  [ -S run/control.sock ]
  stop_pid "$pipe"
}

@test "a config file holding MQTT_PASSWORD that others may read: a warning naming it and chmod 600" {
  printf 'MQTT_LOGIN: mtec\nMQTT_PASSWORD: s3cret-pw\n' >conf.yaml
  chmod 644 conf.yaml
  local port
  port=$(free_port)
  run --separate-stderr mtec-publish -c conf.yaml -b 127.0.0.1 -P "$port" --linger 0.1 </dev/null
  [[ "$stderr" == *"config file conf.yaml holds MQTT_PASSWORD and is readable by everyone (mode 0644): chmod 600 conf.yaml"* ]]
  [[ "$stderr" != *s3cret-pw* ]]
  chmod 600 conf.yaml
  run --separate-stderr mtec-publish -c conf.yaml -b 127.0.0.1 -P "$port" --linger 0.1 </dev/null
  [[ "$stderr" != *"chmod 600"* ]]
}

@test "TLS options that cannot take effect exit 64 before any connection" {
  local port
  port=$(free_port)
  local o
  for o in "--insecure" "--cafile ca.crt --cert c.crt" "--cafile ca.crt --key c.key" "--cert c.crt --key c.key"; do
    # shellcheck disable=SC2086
    run --separate-stderr mtec-publish -b 127.0.0.1 -P "$port" $o </dev/null
    echo "$o: $status $stderr"
    [ "$status" -eq 64 ]
    [[ "$stderr" != *"unreachable"* ]]
  done
}

@test "a broker that never sends CONNACK: a log line within the connect timeout" {
  hostile_broker silent
  local start=$SECONDS
  publisher_on "$HB_PORT"
  wait_until 13 grep -q 'no CONNACK within 10 s' pub.err
  echo "logged after $((SECONDS - start)) s"
  ((SECONDS - start <= 13))
  grep -q 'hint: is 127.0.0.1:.* an MQTT broker' pub.err
  clean_log pub.err
  exec {PUB_IN}>&-
}

@test "a broker that answers garbage, or like a TLS server: logged at once, with the TLS hint" {
  hostile_broker garbage
  publisher_on "$HB_PORT"
  wait_until 5 grep -q 'the connection failed before the broker accepted it' pub.err
  exec {PUB_IN}>&-
  stop_pid "$PUB_PID"
  rm -f hb.port frames.fifo
  hostile_broker tls
  publisher_on "$HB_PORT"
  wait_until 5 grep -q 'hint: is this a TLS port?.*--cafile' pub.err
  clean_log pub.err
  exec {PUB_IN}>&-
}

@test "a real TLS port without TLS options: the failure is logged with the TLS hint" {
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=test-ca 2>/dev/null
  BROKER_PORT=$(free_port)
  start_broker "cafile $BATS_TEST_TMPDIR/ca.crt" "certfile $BATS_TEST_TMPDIR/ca.crt" "keyfile $BATS_TEST_TMPDIR/ca.key"
  publisher_on "$BROKER_PORT"
  wait_until 13 grep -q 'the connection failed before the broker accepted it' pub.err
  grep -q 'hint: .*A TLS port needs --cafile' pub.err
  clean_log pub.err
  exec {PUB_IN}>&-
}

@test "a broker announcing a 256 MB PUBLISH: mtec-publish stays under 64 MB and says why it drops the link" {
  # a sanitizer's shadow memory leaves no room for the bound (mtec-publish says so)
  if grep -q '^MTEC_SANITIZE:BOOL=ON' "$MTEC_BUILD_DIR/CMakeCache.txt" 2>/dev/null; then
    skip "the data memory bound is off under sanitizers"
  fi
  hostile_broker huge
  publisher_on "$HB_PORT"
  wait_until 10 grep -q 'a packet too large to take' pub.err
  local hwm
  hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$PUB_PID/status")
  echo "peak RSS: $hwm kB"
  ((hwm < 64 * 1024))
  [[ "$(cat pub.err)" != *"another client connected"* ]]
  exec {PUB_IN}>&-
}

@test "mtec2mqtt --log-format json: every stage's lines and the script's own are JSON; LOG_FORMAT is the default" {
  start_sim --snapshot "$GOLDEN/case_A.json"
  start_broker
  export MTEC_MODBUS_IP=127.0.0.1 MTEC_MODBUS_PORT=$SIM_PORT MTEC_MQTT_SERVER=127.0.0.1
  export MTEC_MQTT_PORT=$BROKER_PORT MTEC_REFRESH_NOW=1
  start_bg pipeline.out pipeline.err "$MTEC_SOURCE_DIR/scripts/mtec2mqtt" --runtime-dir "$PWD/run" --log-format json
  wait_until 30 grep -q '"message":"first values published' pipeline.err
  stop_pid "$BG_PID"
  jq -e -s 'length > 3 and all(.[]; (.tool | test("^mtec")) and (.level | type) == "string")' pipeline.err
  jq -e -s 'any(.[]; .tool == "mtec2mqtt") and any(.[]; .tool == "mtec-read") and any(.[]; .tool == "mtec-publish")' pipeline.err
  # the config key as the default, a bad value refused like every bad key
  run --separate-stderr env MTEC_LOG_FORMAT=xml "$MTEC_SOURCE_DIR/scripts/mtec2mqtt" --runtime-dir "$PWD/run"
  [ "$status" -eq 78 ]
  [[ "$stderr" == *"LOG_FORMAT = 'xml': must be text or json"* ]]
  run --separate-stderr "$MTEC_SOURCE_DIR/scripts/mtec2mqtt" --log-format xml
  [ "$status" -eq 64 ]
}

#!/usr/bin/env bats
# What a person running the tools sees: the story of a start in the default
# log, errors that say what to check, suggestions for misspelt names, a
# declined prompt that is not success, -v/-q on the pipeline, health while
# starting, completions of labels with spaces.

load ../helpers/common
load ../helpers/mqtt

setup() { common_setup; }
teardown() { common_teardown; }

@test "a misspelt config key: the warning suggests the nearest key" {
  printf 'MODBUS_PROT: 1502\n' >config.yaml
  run --separate-stderr mtec-read --show-config
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"config.yaml:1: unknown key MODBUS_PROT (ignored); did you mean MODBUS_PORT?"* ]]
}

@test "an unknown group: the nearest one and the list of groups" {
  run --separate-stderr mtec-read -H 127.0.0.1 -g now-bse
  [ "$status" -eq 64 ]
  [[ "$stderr" == *"unknown group 'now-bse'; did you mean now-base? (groups: now-base, config,"*"static)"* ]]
}

@test "declining the write prompt exits 77 and writes nothing" {
  command -v script >/dev/null || skip "script (util-linux) not installed"
  start_sim --write-log writes.ndjson
  touch writes.ndjson
  run bash -c "printf 'n\n' | script -qec \"mtec-write -H 127.0.0.1 -p $SIM_PORT mode 'Economic mode'\" /dev/null"
  [ "$status" -eq 77 ]
  [[ "$output" == *"Write? [y/N]"* ]]
  [[ "$output" == *"not written: declined at the prompt"* ]]
  [ ! -s writes.ndjson ]
}

pipeline_env() {
  export MTEC_MODBUS_IP=127.0.0.1 MTEC_MODBUS_PORT=$SIM_PORT MTEC_MQTT_SERVER=127.0.0.1 \
    MTEC_MQTT_PORT=$BROKER_PORT MTEC_REFRESH_NOW=0.5
}

@test "mtec2mqtt -v and -q reach the stages" {
  start_broker
  start_sim
  pipeline_env
  start_bg pipe.out pipe.err mtec2mqtt -v --runtime-dir "$BATS_TEST_TMPDIR/run"
  # info lines of the stages appear only with -v
  wait_until 20 grep -q '^mtec-read: info: connected to 127.0.0.1' pipe.err
  stop_pid "$BG_PID"
  start_sub sub.txt 'MTEC/#'
  start_bg quiet.out quiet.err mtec2mqtt -q --runtime-dir "$BATS_TEST_TMPDIR/run2"
  wait_until 20 grep -q '/now-base/grid_power/state' sub.txt
  # -q: the stages' notice lines (the start-up story) are gone
  run ! grep -q '^mtec-[a-z]*: notice:' quiet.err
  run --separate-stderr mtec2mqtt --bogus
  [ "$status" -eq 64 ]
  MTEC_DEBUG=false run --separate-stderr mtec2mqtt --help
  [[ "$stderr" != *"+ mtec2mqtt"* ]]
}

@test "the default log tells the start: inverter with serial, broker, discovery, first values" {
  start_broker
  start_sim
  pipeline_env
  export MTEC_HASS_ENABLE=true
  start_bg pipe.out pipe.err mtec2mqtt --runtime-dir "$BATS_TEST_TMPDIR/run"
  wait_until 20 grep -q 'first values published' pipe.err
  cat pipe.err
  grep -q "^mtec-read: notice: inverter 127.0.0.1:$SIM_PORT (unit 247, tcp framing): serial MTECSIM00000001, model 8.0K-25A-3P, firmware V27" pipe.err
  grep -q "^mtec-publish: notice: connected to the broker 127.0.0.1:$BROKER_PORT (no TLS, client id M-TEC-MQTT)" pipe.err
  grep -q '^mtec-publish: notice: discovery sent: 98 entities under homeassistant/' pipe.err
  grep -q '^mtec-publish: notice: first values published: [0-9]* [a-z-]* values under MTEC/MTECSIM00000001/' pipe.err
  grep -q '^mtec2mqtt: notice: started' pipe.err
  # nothing else: no warnings on a good start
  run ! grep -q 'warning\|error' pipe.err
}

@test "a wrong unit id: one timeout line naming the asked register, the --probe hint, nothing lost" {
  start_sim
  run --separate-stderr timeout 20 mtec-read -H 127.0.0.1 -p "$SIM_PORT" -u 1 --timeout 0.2 battery_soc
  [ "$status" -eq 75 ]
  echo "$stderr"
  [ "$(grep -c ': warning: ' <<<"$stderr")" -eq 1 ]
  [[ "$stderr" == *"warning: no reply from 127.0.0.1:$SIM_PORT within 200 ms reading battery_soc (unit 1, tcp framing"* ]]
  [[ "$stderr" == *"hint: "*"check MODBUS_SLAVE (1) and MODBUS_FRAMER (tcp), or run mtec-read --probe 127.0.0.1"* ]]
  [[ "$stderr" != *"connection was lost"* && "$stderr" != *"lost the"* && "$stderr" != *"10000"* ]]
}

@test "connection refused on port 502 hints at 5743 and --probe" {
  port_open 502 && skip "something listens on 127.0.0.1:502"
  run --separate-stderr mtec-read -H 127.0.0.1 -p 502 battery_soc
  [ "$status" -eq 69 ]
  [[ "$stderr" == *"error: 127.0.0.1:502: Connection refused"* ]]
  [[ "$stderr" == *"hint: "*"5743 (MODBUS_PORT); mtec-read --probe 127.0.0.1"* ]]
}

@test "two publishers with one client id: the log asks about a duplicate client id" {
  start_broker
  mkfifo in1 in2
  exec 7<>in1 8<>in2  # held open: the publishers see no end of input
  mtec-publish -b 127.0.0.1 -P "$BROKER_PORT" -i twin <in1 2>pub1.err &
  PIDS+=($!)
  mtec-publish -b 127.0.0.1 -P "$BROKER_PORT" -i twin <in2 2>pub2.err &
  PIDS+=($!)
  wait_until 40 grep -q "hint: .*another client connected with the client id 'twin'" pub1.err pub2.err
  grep -h 'hint' pub1.err pub2.err
  exec 7>&- 8>&-
}

@test "mtec-health right after the start says starting (75), not unhealthy" {
  start_broker
  start_sim --delay 1500  # the first values take a while
  pipeline_env
  start_bg pipe.out pipe.err mtec2mqtt --runtime-dir "$BATS_TEST_TMPDIR/run" --metrics-dir metrics
  wait_until 20 test -s metrics/mtec-read.prom
  run mtec-health --dir metrics
  echo "$output"
  [ "$status" -eq 75 ]
  [[ "$output" == "starting: "* ]]
  stop_pid "$BG_PID"
  # stopped: the files go stale, and that is told apart from a broker outage
  run mtec-health --dir metrics --stale 0
  [ "$status" -eq 69 ]
  [[ "$output" == "unhealthy: pipeline not running"* ]]
  [[ "$output" != *"broker down"* ]]
  rm -rf empty && mkdir empty
  run mtec-health --dir empty
  [ "$status" -eq 75 ]
  [[ "$output" == "starting: no metrics files in empty yet"* ]]
}

complete_bash() {  # complete_bash TOOL WORDS...: prints COMPREPLY, one a line
  local tool=$1
  shift
  # shellcheck disable=SC1090
  source "$MTEC_SOURCE_DIR/completions/$tool/$tool.bash"
  COMP_WORDS=("$tool" "$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  "_${tool//-/_}"
  printf '%s\n' "${COMPREPLY[@]}"
}

@test "bash completion quotes a label with spaces: mode Eco -> 'Economic mode'" {
  run complete_bash mtec-write mode Eco
  [ "$output" = "'Economic mode'" ]
  run complete_bash mtec-write mode "'Eco"
  [ "$output" = "'Economic mode'" ]
  # the completed word is one shell word that mtec-write takes
  eval "set -- mtec-write mode $output"
  [ "$#" -eq 3 ] && [ "$3" = "Economic mode" ]
}

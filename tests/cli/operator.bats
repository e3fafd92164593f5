#!/usr/bin/env bats
# What a person running the tools sees: suggestions for misspelt names,
# a declined prompt that is not success, -v on the pipeline.

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

@test "mtec2mqtt -v and -q reach the stages" {
  start_broker
  start_sim
  MTEC_MODBUS_IP=127.0.0.1 MTEC_MODBUS_PORT=$SIM_PORT MTEC_MQTT_SERVER=127.0.0.1 MTEC_MQTT_PORT=$BROKER_PORT \
    MTEC_REFRESH_NOW=0.5 start_bg pipe.out pipe.err mtec2mqtt -v --runtime-dir "$BATS_TEST_TMPDIR/run"
  # info lines of the stages appear only with -v
  wait_until 20 grep -q '^mtec-read: info: connected to 127.0.0.1' pipe.err
  wait_until 20 grep -q '^mtec-publish: info: connected to the broker' pipe.err
  run --separate-stderr mtec2mqtt --bogus
  [ "$status" -eq 64 ]
  MTEC_DEBUG=false run --separate-stderr mtec2mqtt --help
  [[ "$stderr" != *"+ mtec2mqtt"* ]]
}

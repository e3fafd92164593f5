#!/usr/bin/env bats
# No input crashes a tool: each input that once aborted or crashed one has a
# test here, and garbage on every tool's stdin is skipped and counted.

load ../helpers/common
load ../helpers/mqtt

setup() { common_setup; }
teardown() { common_teardown; }

# not_a_signal STATUS: the tool ended by exit, not by a signal (>128)
not_a_signal() { [ "$1" -lt 128 ]; }

@test "a config with a non-scalar key: 78 naming file:line:column (mtec-read, mtec-calc)" {
  printf 'MODBUS_IP: 127.0.0.1\n? [a, b]\n: 1\n' >config.yaml
  run --separate-stderr mtec-read --show-config
  [ "$status" -eq 78 ]
  [[ "$stderr" == *"config.yaml:2:3: a key must be a single value"* ]]
  run --separate-stderr mtec-calc --strict </dev/null
  not_a_signal "$status"
  run --separate-stderr mtec-read -H 127.0.0.1 battery_soc
  [ "$status" -eq 78 ]
}

@test "a catalog with a non-scalar key: 78 naming file:line:column" {
  printf '? [a, b]\n: 1\n' >bad.yaml
  local tool
  for tool in "mtec-read --list" "mtec-calc" "mtec-sim --port 0" "mtec-publish"; do
    # shellcheck disable=SC2086  # "mtec-read --list": a command and its option
    run --separate-stderr $tool --registers bad.yaml </dev/null
    [ "$status" -eq 78 ] || { echo "$tool: $status $stderr"; return 1; }
    [[ "$stderr" == *"bad.yaml:1:3: a key must be a single value"* ]]
  done
}

@test "a control socket reply without read_back: mtec-write exits 76, no abort" {
  printf '%s\n' '#!/bin/sh' 'read -r line' "echo '{\"ok\":true}'" >fake-reader.sh
  chmod +x fake-reader.sh
  socat UNIX-LISTEN:ctl.sock,fork EXEC:./fake-reader.sh 2>/dev/null &
  PIDS+=($!)
  wait_until 10 test -S ctl.sock
  run --separate-stderr mtec-write --yes --via ctl.sock mode "Economic mode"
  [ "$status" -eq 76 ]
  # (the register is read first, to skip a write that changes nothing)
  [[ "$stderr" == *'the answer has no "words" of 1 words'* ]]
}

@test "an unreadable directory on the config search path is skipped, not a crash" {
  command -v setpriv >/dev/null || skip "setpriv not installed"
  [ "$(id -u)" -eq 0 ] || skip "needs root to switch to uid 65534"
  local locked=$BATS_TEST_TMPDIR/locked
  mkdir -p "$locked/.config/aiomtec2mqtt"
  chmod 700 "$locked"
  # the tool where uid 65534 may run it (the build tree may sit in a private directory)
  local open bin
  open=$(mktemp -d /tmp/mtec-hardening.XXXXXX)
  chmod 755 "$open"
  bin=$open/mtec-read
  cp "$(readlink -f "$(command -v mtec-read)")" "$bin"
  run --separate-stderr env -i HOME="$locked" XDG_CONFIG_HOME="$locked/.config" \
    setpriv --reuid=65534 --regid=65534 --clear-groups sh -c "cd / && exec $bin --show-config"
  rm -rf "$open"
  [ "$status" -eq 0 ] || { echo "$status $stderr"; return 1; }
  [[ "$output" == *"# config file: none found"* ]]
}

@test "a frame nested 50,000 levels deep: skipped and counted, the good lines kept" {
  good='{"ts":"2026-01-20T11:00:00Z","serial":"S","group":"day","values":{"pv_day":1.5}}'
  { echo "$good"; python3 -c 'print("{\"a\":" * 50000 + "1" + "}" * 50000)'; echo "$good"; } >in.ndjson
  [ "$(wc -c <in.ndjson)" -gt 100000 ]
  run --separate-stderr mtec-calc <in.ndjson
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 2 ]
  [[ "$stderr" == *"line 2"*"nested deeper than 64 levels"* ]]
  run --separate-stderr mtec-write --stdin --dry-run <in.ndjson
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"line 2: line too long"* ]]  # a command line is at most 4096 bytes
}

@test "a frame of 300,000 empty objects: skipped before parsing, the good lines kept" {
  good='{"ts":"2026-01-20T11:00:00Z","serial":"S","group":"day","values":{"pv_day":1.5}}'
  { echo "$good"; python3 -c 'print("{\"group\":\"day\",\"values\":{},\"a\":[" + ",".join(["{}"] * 300000) + "]}")'; echo "$good"; } >in.ndjson
  run --separate-stderr mtec-calc <in.ndjson
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 2 ]
  [[ "$stderr" == *"line 2"*"more than 65536 objects and arrays"* ]]
}

@test "mode 3 is refused with the labels and codes; --raw writes it for experts" {
  start_sim --snapshot "$GOLDEN/case_A.json" --write-log writes.ndjson
  touch writes.ndjson
  run --separate-stderr mtec-write -H 127.0.0.1 -p "$SIM_PORT" --yes mode 3
  [ "$status" -eq 65 ]
  [[ "$stderr" == *"'3' is none of its labels or their codes: 'General mode' (257), 'Economic mode' (258)"* ]]
  [ ! -s writes.ndjson ]
  run --separate-stderr mtec-write -H 127.0.0.1 -p "$SIM_PORT" --raw mode 3 </dev/null
  [ "$status" -eq 64 ]
  [[ "$stderr" == *"--raw"*"needs --yes"* ]]
  run --separate-stderr mtec-write -H 127.0.0.1 -p "$SIM_PORT" --yes --raw mode 3
  [ "$status" -eq 0 ]
  [ "$(jq -c .words writes.ndjson)" = "[3]" ]
  [[ "$stderr" == *"wrote mode (50000) = 3: words 0x0003, read back 0x0003"* ]]
}

@test "a serial that is not a topic level: mtec-read reports it undecodable" {
  jq '.snapshot["10000"] = [16687, 16896, 0, 0, 0, 0, 0, 0]' "$GOLDEN/case_A.json" >slash.json  # "A/B"
  start_sim --snapshot slash.json
  run --separate-stderr mtec-read -H 127.0.0.1 -p "$SIM_PORT" -g static
  [ "$(jq '.values | has("serial_no")' <<<"$output")" = false ]
  [ "$(jq -r '.errors[0].class' <<<"$output")" = undecodable ]
  [ "$(jq 'has("serial")' <<<"$output")" = false ]
}

@test "mtec-publish: a frame with serial A/B publishes nothing, warns once (and counts the rest at the end), is counted" {
  start_broker
  start_sub capture.txt '#'
  bad='{"ts":"2026-01-20T11:00:00Z","serial":"A/B","group":"day","values":{"pv_day":1.5}}'
  badkey='{"ts":"2026-01-20T11:00:00Z","serial":"S","group":"day","values":{"pv+day":1.5}}'
  good='{"ts":"2026-01-20T11:00:00Z","serial":"S","group":"day","values":{"pv_day":2.5}}'
  printf '%s\n' "$bad" "$bad" "$badkey" "$good" >in.ndjson
  run --separate-stderr mtec-publish -b 127.0.0.1 -P "$BROKER_PORT" --metrics-file m.prom <in.ndjson
  [ "$status" -eq 0 ]
  [ "$(grep "serial 'A/B'" <<<"$stderr" | grep -vc 'more time')" -eq 1 ]
  [[ "$stderr" == *"serial 'A/B'"*"published (1 more time)"* ]]
  [[ "$stderr" == *"key 'pv+day'"* ]]
  wait_until 10 grep -q $'\tMTEC/S/day/pv_day/state\t2.500' capture.txt
  run ! grep -q 'MTEC/A/' capture.txt
  grep -q '^mtec_frames_refused_total{.*} 3$' m.prom
}

@test "mtec-publish: topics the broker refuses are dropped with a warning, not held (exit 0)" {
  start_broker
  good='{"ts":"2026-01-20T11:00:00Z","serial":"S","group":"day","values":{"pv_day":2.5}}'
  run --separate-stderr mtec-publish -b 127.0.0.1 -P "$BROKER_PORT" -t 'MT+EC' <<<"$good"
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"the broker refuses topic 'MT+EC/S/day/pv_day/state'"* ]]
  [[ "$stderr" != *"could not be delivered"* ]]
}

@test "garbage on stdin: mtec-calc, mtec-publish and mtec-write --stdin skip it and keep the good lines" {
  start_broker
  good='{"ts":"2026-01-20T11:00:00Z","serial":"S","group":"day","values":{"pv_day":1.5}}'
  { echo "$good"; head -c 20000 /dev/urandom | tr -d '\n' | fold -w 300; echo; printf '\0\0\0\n'; echo "$good"; } >in.ndjson
  run --separate-stderr mtec-calc <in.ndjson
  [ "$status" -eq 0 ]
  [ "$(grep -c '"pv_day":1.5' <<<"$output")" -eq 2 ]
  [[ "$stderr" == *"line 2"* ]]
  run --separate-stderr mtec-publish -b 127.0.0.1 -P "$BROKER_PORT" <in.ndjson
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"not a frame"* ]]
  printf '%s\n' '{"key":"mode","value":"Economic mode"}' >cmds.ndjson
  cat in.ndjson >>cmds.ndjson
  printf '%s\n' '{"key":"charge_limit","value":3.9}' >>cmds.ndjson
  run --separate-stderr mtec-write --stdin --dry-run <cmds.ndjson
  [ "$status" -eq 0 ]
  [ "$(jq -s 'map(.key) | join(",")' <<<"$output")" = '"mode,charge_limit"' ]
}

#!/usr/bin/env bats
# mtec-calc as a user runs it: frames in, frames with calculated values out.

load ../helpers/common

setup() { common_setup; }
teardown() { common_teardown; }

FRAME='{"ts":"2026-01-20T11:00:00.000Z","serial":"S1","group":"now-base","values":{"inverter":300,"grid_power":800}}'

@test "--help, --version, a bad option" {
  run mtec-calc --help
  [ "$status" -eq 0 ]
  [[ "$output" == *"--formulas"* ]]
  run mtec-calc --version
  [[ "$output" == "mtec-calc (mtec-tools) "* ]]
  run --separate-stderr mtec-calc --bogus
  [ "$status" -eq 64 ]
}

@test "case_A through mtec-read | mtec-calc: every payload, calculated ones included" {
  start_sim --snapshot "$GOLDEN/case_A.json"
  mtec-read -H 127.0.0.1 -p "$SIM_PORT" --all | mtec-calc >frames.ndjson
  run python3 "$MTEC_SOURCE_DIR/tests/helpers/payloads_of_frames.py" "$GOLDEN/case_A.json" <frames.ndjson
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[-1]}" = "checked 93 topics, 0 mismatches" ]   # 86 registers + 7 calculated (api_date aside)
}

@test "api_date is the frame's timestamp in local time" {
  run bash -c "TZ=Europe/Berlin mtec-calc <<<'$FRAME'"
  [ "$(jq -r .values.api_date <<<"$output")" = "2026-01-20 12:00:00" ]
  run bash -c "TZ=UTC mtec-calc <<<'$FRAME'"
  [ "$(jq -r .values.api_date <<<"$output")" = "2026-01-20 11:00:00" ]
}

@test "consumption is an int and not clamped; unknown keys pass through" {
  run mtec-calc <<<"${FRAME%\}},\"note\":{\"x\":[1,2]}}"
  [ "$status" -eq 0 ]
  [ "$(jq -c '[.values.consumption, .note]' <<<"$output")" = '[-500,{"x":[1,2]}]' ]
}

@test "a missing input: the value is left out and noted under errors" {
  run mtec-calc <<<'{"ts":"2026-01-20T11:00:00Z","group":"now-base","values":{"inverter":300}}'
  [ "$(jq -c '.values | has("consumption")' <<<"$output")" = false ]
  [ "$(jq -c '.errors' <<<"$output")" = '[{"keys":["consumption"],"class":"missing-input","message":"consumption: missing input grid_power"}]' ]
}

@test "bad lines are reported with their line number and skipped; good frames come through unchanged" {
  printf '%s\n' "$FRAME" 'garbage' '{"ts":"x","group":"now-base","values":' '{"group":"now-base"}' '[1,2]' "$FRAME" >in.ndjson
  run --separate-stderr mtec-calc <in.ndjson
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 2 ]
  [ "$(jq -c .values.consumption <<<"${lines[1]}")" = -500 ]
  [[ "$stderr" == *"line 2: not a frame: not valid JSON"* ]]
  [[ "$stderr" == *"line 3: not a frame: not valid JSON"* ]]
  [[ "$stderr" == *"line 4: not a frame: no \"values\" object"* ]]
  [[ "$stderr" == *"line 5: not a frame: not a JSON object"* ]]
  [[ "$stderr" == *"4 of 6 lines were not frames"* ]]
}

@test "--strict exits 65 at the first bad line" {
  printf '%s\n' "$FRAME" 'garbage' "$FRAME" >in.ndjson
  run --separate-stderr mtec-calc --strict <in.ndjson
  [ "$status" -eq 65 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$stderr" == *"line 2: not a frame"* ]]
}

@test "a user formula added through an overlay appears in the output" {
  cat >mine.yaml <<'YAML'
"battery-kw":
  name: Battery power (kW)
  formula: battery / 1000
  unit: kW
  mqtt: battery_kw
  group: now-base
"grid-import":
  name: Grid import
  formula: max(grid_power, 0)
  mqtt: grid_import
  group: now-base
YAML
  run mtec-calc --formulas mine.yaml <<<'{"ts":"2026-01-20T11:00:00Z","group":"now-base","values":{"battery":-630,"grid_power":-1234}}'
  [ "$status" -eq 0 ]
  [ "$(jq -c '[.values.battery_kw, .values.grid_import]' <<<"$output")" = '[-0.63,0]' ]
}

# calc_78 OVERLAY MESSAGE: mtec-calc refuses the overlay with exit 78 and MESSAGE
calc_78() {
  run --separate-stderr mtec-calc --formulas "$1" </dev/null
  [ "$status" -eq 78 ] || { echo "status $status: $stderr"; return 1; }
  [[ "$stderr" == *"$2"* ]] || { echo "$stderr"; return 1; }
}

@test "a cycle exits 78 naming the cycle with file:line" {
  printf 'a:\n  name: A\n  formula: b + 1\n  mqtt: a\n  group: day\nb:\n  name: B\n  formula: a * 2\n  mqtt: b\n  group: day\n' >cycle.yaml
  calc_78 cycle.yaml "cycle.yaml:3:12: register 'a': formula: cycle a -> b -> a"
}

@test "an unknown name exits 78 with file:line:column and the entry" {
  printf 'x:\n  name: X\n  formula: pv_day * tarif\n  mqtt: x\n  group: day\n' >unknown.yaml
  calc_78 unknown.yaml "unknown.yaml:3:21: register 'x': formula: unknown name 'tarif'"
}

@test "a syntax error exits 78 with file:line:column and the entry" {
  printf 'x:\n  name: X\n  formula: "(pv_day + 1"\n  mqtt: x\n  group: day\n' >syntax.yaml
  calc_78 syntax.yaml "syntax.yaml:3:24: register 'x': formula: expected ')'"
}

@test "SIGTERM while waiting for input: exit 0" {
  mkfifo in.fifo
  start_bg out.ndjson err.txt bash -c 'exec mtec-calc <in.fifo'
  local w
  exec {w}>in.fifo
  echo "$FRAME" >&"$w"
  wait_until 10 test -s out.ndjson
  kill -TERM "$BG_PID"
  local status=0
  wait "$BG_PID" || status=$?
  exec {w}>&-
  [ "$status" -eq 0 ]
}

#!/usr/bin/env bats
# mtec-write against mtec-sim with --write-log: every write is visible.

load ../helpers/common

setup() {
  common_setup
  start_sim --snapshot "$GOLDEN/case_A.json" --write-log writes.ndjson
  touch writes.ndjson
}
teardown() { common_teardown; }

write_sim() { mtec-write -H 127.0.0.1 -p "$SIM_PORT" "$@"; }
writes() { wc -l <writes.ndjson; }

@test "--help, --version, a bad option, a missing value" {
  run mtec-write --help
  [ "$status" -eq 0 ]
  [[ "$output" == *"--dry-run"* ]]
  run mtec-write --version
  [[ "$output" == "mtec-write (mtec-tools) "* ]]
  run --separate-stderr mtec-write --bogus
  [ "$status" -eq 64 ]
  run --separate-stderr mtec-write mode
  [ "$status" -eq 64 ]
  [[ "$stderr" == *"expected REGISTER VALUE"* ]]
}

# Our ranges on top of the legacy's 16-bit check (registers/registers.yaml):
# the switches take 0..1, the SOC and injection limits 0..100 %.
range_max() {
  case "$1" in
    grid_inject_switch|on_grid_soc_switch|off_grid_soc_switch) echo 1 ;;
    grid_inject_limit|on_grid_soc_limit|off_grid_soc_limit) echo 100 ;;
  esac
}

# refused_by_range KEY PAYLOAD: true when our min/max refuses what the legacy wrote
refused_by_range() {
  local max
  max=$(range_max "$1")
  [ -n "$max" ] && awk -v v="$2" -v m="$max" 'BEGIN { exit !(v + 0 > m + 0 || v + 0 < 0) }'
}

# Our rule for registers with labels: a number must be one of the labels'
# codes (mtec-read --list-labels); the legacy wrote any number.
# refused_by_labels KEY PAYLOAD: true when that rule refuses PAYLOAD
refused_by_labels() {
  local labels
  labels=$(mtec-read --list-labels "$1")
  [ -n "$labels" ] || return 1
  cut -f1 <<<"$labels" | grep -qxF -- "$2" && return 1
  ! awk -F'\t' -v v="$2" 'v ~ /^[ \t]*[+-]?[0-9]+[ \t]*$/ && v + 0 == $2 + 0 {found = 1} END {exit !found}' <<<"$labels"
}

@test "the contract's command table: written with the contract's word, or refused with nothing written" {
  local key payload expected n=0 refused_range=0 refused_labels=0 before got
  while IFS=$'\x1f' read -r key payload expected; do
    before=$(writes)
    run --separate-stderr write_sim --yes "$key" "$payload"
    if [ "$expected" = "-" ]; then
      # the contract cannot encode it: refused, nothing written
      [ "$status" -ne 0 ] || { echo "$key '$payload': accepted, the contract refuses it"; return 1; }
      [ "$(writes)" -eq "$before" ] || { echo "$key '$payload': written"; return 1; }
    elif refused_by_labels "$key" "$payload"; then
      [ "$status" -eq 65 ] || { echo "$key '$payload': status $status, no label's code"; return 1; }
      [[ "$stderr" == *"none of its labels or their codes"* ]]
      [ "$(writes)" -eq "$before" ]
      refused_labels=$((refused_labels + 1))
    elif refused_by_range "$key" "$payload"; then
      [ "$status" -eq 65 ] || { echo "$key '$payload': status $status, our range refuses it"; return 1; }
      [[ "$stderr" == *"outside the allowed range"* ]]
      [ "$(writes)" -eq "$before" ]
      refused_range=$((refused_range + 1))
    else
      [ "$status" -eq 0 ] || { echo "$key '$payload': status $status: $stderr"; return 1; }
      # the contract's word, written, or already held (a write that changes
      # nothing is skipped)
      [ "$(jq -c '[.ok, .words, .read_back]' <<<"$output")" = "[true,[$expected],[$expected]]" ] ||
        { echo "$key '$payload': $output, contract $expected"; return 1; }
      case $(jq -r .outcome <<<"$output") in
        applied)
          got=$(tail -n 1 writes.ndjson | jq -c .words)
          [ "$(writes)" -eq $((before + 1)) ] && [ "$got" = "[$expected]" ] ||
            { echo "$key '$payload': wrote $got, contract $expected"; return 1; } ;;
        unchanged) [ "$(writes)" -eq "$before" ] ;;
        *) echo "$key '$payload': $output"; return 1 ;;
      esac
    fi
    n=$((n + 1))
  done < <(jq -r '.commands[] | select(.register) | [.mqtt, .payload,
             ((.modbus_writes | map(select(.value != null)) | .[0].value) // "-" | tostring)] | join("\u001f")' \
             "$GOLDEN/probes.json")
  echo "checked $n commands, $refused_range refused only by our ranges, $refused_labels as no label's code" >&3
  [ "$n" -eq "$(jq '[.commands[] | select(.register)] | length' "$GOLDEN/probes.json")" ]
  [ "$refused_range" -gt 0 ]
}

@test "a read-only register: 77, nothing written" {
  run --separate-stderr write_sim --yes battery_soc 50
  [ "$status" -eq 77 ]
  [[ "$stderr" == *"battery_soc (33000) is read-only"* ]]
  [ "$(writes)" -eq 0 ]
}

@test "out of range, NaN, abc, empty: 65, nothing written" {
  local v
  for v in 150 NaN abc "" "1e2" "inf"; do
    run --separate-stderr write_sim --yes on_grid_soc_limit "$v"
    [ "$status" -eq 65 ] || { echo "'$v': $status"; return 1; }
  done
  run --separate-stderr write_sim --yes charge_limit 6553.6
  [ "$status" -eq 65 ]
  [ "$(writes)" -eq 0 ]
}

@test "--dry-run writes nothing; without --yes and without a terminal nothing is written" {
  run --separate-stderr write_sim --dry-run mode "Economic mode"
  [ "$status" -eq 0 ]
  [ "$(jq -c '[.words, .dry_run]' <<<"$output")" = '[[258],true]' ]
  run --separate-stderr write_sim mode "Economic mode" </dev/null
  [ "$status" -eq 64 ]
  [[ "$stderr" == *"refusing to write mode = Economic mode without confirmation"* ]]
  [ "$(writes)" -eq 0 ]
}

@test "a device that ignores the write: exit 76 saying what was read" {
  stop_pid "$SIM_PID"
  start_sim --snapshot "$GOLDEN/case_A.json" --ignore-writes
  run --separate-stderr write_sim --yes mode "Economic mode"
  [ "$status" -eq 76 ]
  [[ "$stderr" == *"wrote 0x0102 (Economic mode) but read back 0x0101 (General mode)"* ]]
}

@test "through the reader's control socket with a single-client device" {
  stop_pid "$SIM_PID"
  start_sim --snapshot "$GOLDEN/case_A.json" --single-client --write-log writes.ndjson
  start_bg follow.ndjson follow.err mtec-read -H 127.0.0.1 -p "$SIM_PORT" --follow --refresh-now 0.5 --control ctl.sock
  wait_until 20 test -S ctl.sock
  wait_until 20 grep -q '"group":"now-base"' follow.ndjson
  run --separate-stderr mtec-write --via ctl.sock --yes mode "Economic mode"
  [ "$status" -eq 0 ]
  [ "$(jq -c '[.ok, .read_back]' <<<"$output")" = '[true,[258]]' ]
  wait_until 20 grep -q '"mode":"Economic mode"' follow.ndjson
}

@test "--stdin: good lines applied in order, bad ones reported and skipped" {
  cat >cmds.ndjson <<'JSON'
{"key":"charge_limit","value":"3.9"}
not json
{"key":"battery_soc","value":"50"}
{"key":"on_grid_soc_limit","value":"abc"}
{"key":"mode","value":"Economic mode"}
{"key":"discharge_limit","value":12.5}
JSON
  run --separate-stderr write_sim --stdin <cmds.ndjson
  [ "$status" -eq 0 ]
  [ "$(jq -c '[.address, .words]' writes.ndjson | tr '\n' ' ')" = '[52601,[39]] [50000,[258]] [52603,[125]] ' ]
  [[ "$stderr" == *"line 2: not valid JSON"* ]]
  [[ "$stderr" == *"line 3: battery_soc (33000) is read-only"* ]]
  [[ "$stderr" == *"line 4: on_grid_soc_limit (52503): 'abc' is not a number"* ]]
}

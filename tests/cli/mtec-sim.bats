#!/usr/bin/env bats
# mtec-sim: CLI contract, serving a snapshot to an independent client
# (mbpoll), writes and the write log, and every fault option.

load ../helpers/common

setup() { common_setup; }
teardown() { common_teardown; }

# mbpoll_read PORT ADDRESS COUNT [UNIT]: prints the words, one per line.
mbpoll_read() {
  mbpoll -m tcp -a "${4:-247}" -p "$1" -r "$2" -c "$3" -0 -1 -t 4 -o 2 127.0.0.1 |
    sed -n 's/^\[[0-9]*\]:[[:space:]]*\([0-9]*\).*/\1/p'
}

# sim_answers PORT: true when a read of 10000 gets an answer.
sim_answers() { [ -n "$(mbpoll_read "$1" 10000 1 2>/dev/null)" ]; }

@test "no arguments: serves built-in values on the default port until stopped" {
  run mtec-sim --help
  [ "$status" -eq 0 ]
  [[ "$output" == *"--snapshot"* ]]
  [[ "$output" == *"--port"* ]]
}

@test "--version prints the version and exits 0" {
  run mtec-sim --version
  [ "$status" -eq 0 ]
  [[ "$output" =~ ^mtec-sim\ \(mtec-tools\)\ [0-9]+\.[0-9]+\.[0-9]+(\+[0-9A-Za-z.-]+)?$ ]]
}

@test "a bad option exits 64 with a message on stderr" {
  run --separate-stderr mtec-sim --bogus
  [ "$status" -eq 64 ]
  [[ "$stderr" == *"mtec-sim: error: The following argument was not expected: --bogus"* ]]
  [ -z "$output" ]
}

@test "a missing snapshot file exits 66" {
  run --separate-stderr mtec-sim --port 0 --snapshot nonexistent.json
  [ "$status" -eq 66 ]
  [[ "$stderr" == *"cannot read snapshot nonexistent.json"* ]]
}

@test "a malformed snapshot exits 65 naming the address" {
  echo '{"10000": [70000]}' >bad.json
  run --separate-stderr mtec-sim --port 0 --snapshot bad.json
  [ "$status" -eq 65 ]
  [[ "$stderr" == *"bad.json: address 10000: 70000 is not a 16-bit word"* ]]
}

@test "a bad catalog exits 78 with file:line" {
  printf '"100":\n  name: A\n  length: 1\n  type: U17\n  mqtt: a\n  group: now-base\n' >bad.yaml
  run --separate-stderr mtec-sim --port 0 --registers bad.yaml
  [ "$status" -eq 78 ]
  [[ "$stderr" == *"bad.yaml:4:9: register '100': unknown type 'U17'"* ]]
}

@test "serves case_A's snapshot: mbpoll reads every register's words" {
  start_sim --snapshot "$GOLDEN/case_A.json"
  local n=0 addr count words expected got
  # one jq for all registers: "address count word word ..." per line
  while read -r addr count words; do
    expected=$(tr ' ' '\n' <<<"$words")
    got=$(mbpoll_read "$SIM_PORT" "$addr" "$count")
    [ "$got" = "$expected" ] || { echo "register $addr: got [$got] expected [$expected]"; return 1; }
    n=$((n + 1))
  done < <(jq -r '.snapshot | to_entries[] | "\(.key) \(.value | length) \(.value | map(tostring) | join(" "))"' "$GOLDEN/case_A.json")
  [ "$n" -eq 86 ]
}

@test "built-in values: a plausible serial number" {
  start_sim
  run mbpoll_read "$SIM_PORT" 10000 8
  [ "$status" -eq 0 ]
  [ "${lines[0]}" -eq $(( 0x4D54 )) ]   # "MT"
}

@test "writes (0x06 and 0x10) change the served words and are logged as NDJSON" {
  start_sim --snapshot "$GOLDEN/case_A.json" --write-log writes.ndjson
  mbpoll -m tcp -a 247 -p "$SIM_PORT" -r 50000 -0 -1 -t 4 -o 2 127.0.0.1 258 >/dev/null
  mbpoll -m tcp -a 247 -p "$SIM_PORT" -r 52502 -0 -1 -t 4 -o 2 127.0.0.1 1 500 >/dev/null
  [ "$(mbpoll_read "$SIM_PORT" 50000 1)" = 258 ]
  [ "$(mbpoll_read "$SIM_PORT" 52502 2 | tr '\n' ' ')" = "1 500 " ]
  run jq -c '[.function, .address, .words, .applied]' writes.ndjson
  [ "${lines[0]}" = '[6,50000,[258],true]' ]
  [ "${lines[1]}" = '[16,52502,[1,500],true]' ]
}

@test "--ignore-writes acknowledges but keeps the old word" {
  start_sim --snapshot "$GOLDEN/case_A.json" --write-log writes.ndjson --ignore-writes
  mbpoll -m tcp -a 247 -p "$SIM_PORT" -r 50000 -0 -1 -t 4 -o 2 127.0.0.1 258 >/dev/null
  [ "$(mbpoll_read "$SIM_PORT" 50000 1)" = "$(jq '.snapshot["50000"][0]' "$GOLDEN/case_A.json")" ]
  [ "$(jq -c '.applied' writes.ndjson)" = false ]
}

@test "--unit: requests for another unit id get no answer" {
  start_sim --unit 200
  [ -n "$(mbpoll_read "$SIM_PORT" 10000 1 200 2>/dev/null)" ]
  [ -z "$(mbpoll_read "$SIM_PORT" 10000 1 247 2>/dev/null)" ]
}

@test "--exception ADDR:CODE answers requests touching ADDR with that exception" {
  start_sim --exception 33000:4
  run mbpoll -m tcp -a 247 -p "$SIM_PORT" -r 32999 -c 2 -0 -1 -t 4 -o 2 127.0.0.1
  [[ "$output" == *"Slave device or server failure"* ]]
  [ -n "$(mbpoll_read "$SIM_PORT" 33001 1)" ]
}

@test "--exception without a code answers illegal data address" {
  start_sim --exception 33000
  run mbpoll -m tcp -a 247 -p "$SIM_PORT" -r 33000 -c 1 -0 -1 -t 4 -o 2 127.0.0.1
  [[ "$output" == *"Illegal data address"* ]]
}

@test "--delay delays every reply beyond a client's timeout" {
  start_sim --delay 1500
  run mbpoll -m tcp -a 247 -p "$SIM_PORT" -r 10000 -c 1 -0 -1 -t 4 -o 0.5 127.0.0.1
  [[ "$output" == *"Connection timed out"* ]]
  [ -n "$(mbpoll -m tcp -a 247 -p "$SIM_PORT" -r 10000 -c 1 -0 -1 -t 4 -o 5 127.0.0.1 | grep '^\[10000\]')" ]
}

@test "--drop-after N closes the connection after N requests" {
  start_sim --drop-after 2 --request-log requests.ndjson
  # one raw Modbus TCP connection (bash /dev/tcp): two requests are answered ...
  local conn i
  exec {conn}<>"/dev/tcp/127.0.0.1/$SIM_PORT"
  for i in 1 2; do
    printf "\\x00\\x0$i\\x00\\x00\\x00\\x06\\xf7\\x03\\x27\\x10\\x00\\x01" >&"$conn"
    run timeout 10 head -c 11 <&"$conn"
    [ "${#output}" -ge 5 ]
  done
  # ... then the connection is closed: end of file, no third answer
  printf "\\x00\\x03\\x00\\x00\\x00\\x06\\xf7\\x03\\x27\\x10\\x00\\x01" 1>&"$conn" 2>/dev/null || true
  run timeout 10 od -An -tx1 -v <&"$conn"
  exec {conn}<&-
  [ "$(wc -w <<<"$output")" -eq 0 ]
  [ "$(wc -l <requests.ndjson)" -eq 2 ]
}

@test "--single-client refuses a second concurrent client" {
  start_sim --single-client
  # the first client holds its connection while polling
  mbpoll -m tcp -a 247 -p "$SIM_PORT" -r 10000 -c 1 -0 -t 4 -l 100 -o 2 127.0.0.1 >first.out 2>&1 &
  local first=$!
  PIDS+=("$first")
  wait_until 10 grep -q '^\[10000\]' first.out
  run ! sim_answers "$SIM_PORT"
  stop_pid "$first"
  wait_until 10 sim_answers "$SIM_PORT"
}

@test "--refuse: connections are refused" {
  start_sim --refuse
  run mbpoll -m tcp -a 247 -p "$SIM_PORT" -r 10000 -c 1 -0 -1 -t 4 -o 1 127.0.0.1
  [[ "$output" == *"Connection refused"* ]]
}

@test "SIGTERM ends it cleanly with exit 0" {
  start_sim
  kill -TERM "$SIM_PID"
  local status=0
  wait "$SIM_PID" || status=$?
  [ "$status" -eq 0 ]
}

@test "--animate: on the wire the phases sum to the totals and the battery is in its range" {
  start_sim --animate
  # the grid phases and grid_power are one request (10994..11001), as are the
  # backup phases and backup (30204..30231): exact; the inverter phases and
  # the PV strings are separate requests: a read may span a step of the model
  # (a slow machine, a sanitizer build), so the first read that is all of one
  # moment counts (the model itself is checked exactly by the unit tests)
  wait_until 20 consistent_on_the_wire || { echo "$output"; return 1; }
}

consistent_on_the_wire() {
  output=$(mtec-read -H 127.0.0.1 -p "$SIM_PORT" grid_a grid_b grid_c grid_power \
    backup_a backup_b backup_c backup inverter_a inverter_b inverter_c inverter pv_1 pv_2 pv \
    battery battery_voltage battery_current battery_soc battery_cell_v_max battery_cell_v_min \
    pv_day pv_total grid_purchase_day grid_purchase_total) || return 1
  jq -s -e 'map(.values) | add |
    def near($a; $b; $tol): ($a - $b) as $d | $d < $tol and $d > -$tol;
    .grid_a + .grid_b + .grid_c == .grid_power and
    .backup_a + .backup_b + .backup_c == .backup and
    near(.inverter_a + .inverter_b + .inverter_c; .inverter; 50) and
    near(.pv_1 + .pv_2; .pv; 50) and
    .battery_voltage >= 200 and .battery_voltage <= 450 and
    near(.battery_voltage * .battery_current; .battery; 60) and
    .battery_soc >= 10 and .battery_soc <= 100 and
    .battery_cell_v_max > .battery_cell_v_min and
    near((.battery_cell_v_max + .battery_cell_v_min) / 2 * 96; .battery_voltage; 0.5) and
    .pv_total > .pv_day and .grid_purchase_total > .grid_purchase_day' <<<"$output" >/dev/null
}

@test "on a terminal it says where it listens on stderr; the port alone stays on stdout" {
  command -v script >/dev/null || skip "script (util-linux) is not installed"
  # under script(1) stdout is a pseudo-terminal; stderr goes to a file
  start_bg tty.out script.err script -qec 'echo $$ >sim.pid; exec mtec-sim --port 0 2>sim.err' /dev/null
  local script_pid=$BG_PID port
  wait_until 10 grep -q "listening on 127.0.0.1:[0-9]" sim.err
  cat sim.err
  PIDS+=("$(cat sim.pid)")
  port=$(sed -n 's/^mtec-sim: listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' sim.err)
  wait_until 10 grep -q "^$port" tty.out
  sim_answers "$port"
  kill "$(cat sim.pid)"
  wait "$script_pid"
  # not a terminal: the port alone on stdout and nothing on stderr
  start_sim
  [ ! -s "$BATS_TEST_TMPDIR/sim.stderr" ]
}

@test "--animate: values change from read to read and keep the energy balance" {
  start_sim --animate
  read_flows() {
    mtec-read -H 127.0.0.1 -p "$SIM_PORT" pv inverter grid_power battery battery_soc |
      jq -r '.values | "\(.pv) \(.inverter) \(.grid_power) \(.battery) \(.battery_soc)"'
  }
  local a b pv inv grid bat soc
  flows_changed() { b=$(read_flows) && [ "$b" != "$a" ]; }
  a=$(read_flows)
  wait_until 10 flows_changed
  # inverter = pv + battery and the house consumes (the catalog's consumption =
  # inverter - grid_power): pv and inverter are separate requests, so the
  # first read of one moment counts (see the test above)
  balanced() {
    read -r pv inv grid bat soc <<<"$(read_flows)"
    echo "pv $pv inverter $inv grid $grid battery $bat soc $soc"
    awk -v i="$inv" -v g="$grid" -v p="$pv" -v b="$bat" -v s="$soc" \
      'BEGIN { d = i - p - b; exit !(i - g > 0 && d < 50 && d > -50 && s >= 0 && s <= 100) }'
  }
  wait_until 20 balanced
  # without --animate the snapshot stays as it is
  stop_pid "$SIM_PID"
  start_sim
  a=$(read_flows)
  [ "$(read_flows)" = "$a" ]
}

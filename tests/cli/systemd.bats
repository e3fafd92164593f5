#!/usr/bin/env bats
# The installed mtec2mqtt.service under a real systemd (a private user
# manager, tests/systemd/harness.sh) against mtec-sim and mosquitto: ready
# means up, alive means every loop turns, outages never restart it, what a
# restart cannot fix is not restarted. The unit is the one `cmake --install`
# puts under the prefix; a drop-in sets WatchdogSec=5, RestartSec=1 and the
# test's config as the credential (the unit's own path is /etc/mtec).

load ../helpers/common
load ../helpers/mqtt

HARNESS=$BATS_TEST_DIRNAME/../systemd/harness.sh
UNIT=mtec2mqtt.service

setup_file() {
  local why
  why=$("$HARNESS" check) || skip "no systemd user manager here: $why"
  # on the root file system, reachable for the service's dynamic user
  SD_ROOT=$(mktemp -d /var/lib/mtec-systemd-test.XXXXXX)
  chmod 755 "$SD_ROOT"
  export SD_ROOT
  cmake --install "$MTEC_BUILD_DIR" --prefix "$SD_ROOT/prefix" >/dev/null
}

teardown_file() {
  [[ -z "${SD_ROOT:-}" ]] || rm -rf "$SD_ROOT"
}

setup() {
  common_setup
  "$HARNESS" check >/dev/null || skip "no systemd user manager here"
  SD=$SD_ROOT/$BATS_TEST_NUMBER
  mkdir -p "$SD/units/$UNIT.d"
  cp "$SD_ROOT/prefix/lib/systemd/system/$UNIT" "$SD/units/"
  {
    echo "[Service]"
    echo "LoadCredential=config.yaml:$SD/config.yaml"
    echo "WatchdogSec=5"
    echo "RestartSec=1"
  } >"$SD/units/$UNIT.d/test.conf"
  "$HARNESS" start "$SD/manager" "$SD/units"
  # shellcheck source=/dev/null
  . "$SD/manager/env"
}

teardown() {
  [[ -z "${SD:-}" ]] || "$HARNESS" stop "$SD/manager" || true
  common_teardown
}

# config KEY=VALUE...: the service's config.yaml (root-only, a credential)
config() {
  local kv
  : >"$SD/config.yaml"
  chmod 600 "$SD/config.yaml"
  for kv in MODBUS_IP=127.0.0.1 "MODBUS_PORT=$SIM_PORT" MQTT_SERVER=127.0.0.1 \
    "MQTT_PORT=$BROKER_PORT" REFRESH_NOW=1 HASS_ENABLE=true HASS_BIRTH_GRACETIME=1 "$@"; do
    echo "${kv%%=*}: ${kv#*=}" >>"$SD/config.yaml"
  done
}

prop() { systemctl --user show -p "$1" --value "$UNIT"; }
is_active() { [ "$(prop ActiveState)" = active ]; }
status_has() { [[ "$(prop StatusText)" == *"$1"* ]]; }
journal() { "$HARNESS" journal "$SD/manager" -o cat; }
says() { journal | grep -q -- "$1"; }
restarts() { prop NRestarts; }
ms_now() { date +%s%3N; }

start_unit() {
  T0=$(ms_now)
  systemctl --user start --no-block "$UNIT"
}

# simulator, broker, subscriber on capture.txt, the unit started and publishing
start_publishing() {
  start_sim --snapshot "$GOLDEN/case_A.json"
  start_broker
  config
  start_sub capture.txt
  start_unit
  wait_until 20 grep -q "/now-base/grid_power/state" capture.txt
}

@test "active within 2 s with the broker down; STATUS names it; values once it is up" {
  start_sim --snapshot "$GOLDEN/case_A.json"
  BROKER_PORT=$(free_port)
  config
  start_unit
  wait_until 10 is_active || { journal; return 1; }
  local active_ms=$(($(ms_now) - T0))
  echo "# active after $active_ms ms with the broker down" >&3
  ((active_ms <= 2000))
  wait_until 5 status_has "broker down since"
  echo "# StatusText: $(prop StatusText)" >&3
  start_broker
  start_sub capture.txt
  wait_until 20 grep -q "/now-base/grid_power/state" capture.txt
  wait_until 10 status_has publishing
  [ "$(restarts)" -eq 0 ]
}

@test "broker down 60 s, then up: 0 restarts, the held values arrive" {
  start_publishing
  stop_pid "$BROKER_PID"
  wait_until 10 status_has "latest values held"
  echo "# StatusText: $(prop StatusText)" >&3
  sleep 60  # the outage itself: 12 x WatchdogSec
  is_active
  [ "$(restarts)" -eq 0 ]
  start_broker
  start_sub capture2.txt
  wait_until 30 grep -q "/config/charge_limit/state" capture2.txt
  wait_until 10 status_has publishing
  [ "$(restarts)" -eq 0 ]
}

@test "inverter down 60 s: 0 restarts, availability offline, then online" {
  start_sim --snapshot "$GOLDEN/case_A.json"
  start_broker
  config HASS_AVAILABILITY=true
  start_sub capture.txt
  start_unit
  wait_until 20 grep -q $'\tMTEC/M-TEC-MQTT/availability\tonline' capture.txt
  local port=$SIM_PORT
  stop_pid "$SIM_PID"
  wait_until 20 grep -q $'\tMTEC/M-TEC-MQTT/availability\toffline' capture.txt
  wait_until 10 status_has "inverter unreachable since"
  echo "# StatusText: $(prop StatusText)" >&3
  sleep 60  # the outage itself
  is_active
  [ "$(restarts)" -eq 0 ]
  : >capture.txt
  start_bg sim2.port sim2.err mtec-sim --port "$port" --snapshot "$GOLDEN/case_A.json"
  wait_until 30 grep -q $'\tMTEC/M-TEC-MQTT/availability\tonline' capture.txt
  [ "$(restarts)" -eq 0 ]
}

@test "a stage stopped with SIGSTOP: restarted within WatchdogSec + RestartSec" {
  start_publishing
  local main calc t0
  main=$(prop MainPID)
  calc=$(pgrep -P "$main" -x mtec-calc)
  t0=$(ms_now)
  kill -STOP "$calc"
  # WatchdogSec 5 + RestartSec 1, one heartbeat interval, and a margin for a busy machine
  wait_until 15 bash -c "[ \"\$(systemctl --user show -p NRestarts --value $UNIT)\" -ge 1 ]" ||
    { journal | tail -20; return 1; }
  local restart_ms=$(($(ms_now) - t0))
  echo "# restarted $restart_ms ms after SIGSTOP (WatchdogSec 5 + RestartSec 1)" >&3
  wait_until 10 is_active
  [ "$(prop MainPID)" != "$main" ]
  says "Watchdog timeout" || { cat "$SD/manager/log/manager.log"; journal | tail -30; return 1; }
}

@test "a wrong MQTT password (77) and an invalid config (78): not restarted" {
  start_sim --snapshot "$GOLDEN/case_A.json"
  echo 'bridge:right' >pw.txt
  mosquitto_passwd -U pw.txt
  start_broker "allow_anonymous false" "password_file $BATS_TEST_TMPDIR/pw.txt"
  config MQTT_LOGIN=bridge MQTT_PASSWORD=wrong
  start_unit
  wait_until 20 bash -c "[ \"\$(systemctl --user show -p ExecMainStatus --value $UNIT)\" = 77 ]" ||
    { journal | tail; return 1; }
  wait_until 5 bash -c "[ \"\$(systemctl --user show -p ActiveState --value $UNIT)\" = failed ]"
  [ "$(restarts)" -eq 0 ]
  config MODBUS_PORT=abc
  systemctl --user reset-failed "$UNIT"
  start_unit
  wait_until 10 bash -c "[ \"\$(systemctl --user show -p ExecMainStatus --value $UNIT)\" = 78 ]"
  wait_until 5 bash -c "[ \"\$(systemctl --user show -p ActiveState --value $UNIT)\" = failed ]"
  [ "$(restarts)" -eq 0 ]
  says "MODBUS_PORT"
}

@test "systemctl stop within 5 s, a clean exit status" {
  start_sim --snapshot "$GOLDEN/case_A.json"
  start_broker
  config
  start_unit
  wait_until 5 is_active
  wait_until 10 status_has publishing
  local t0
  t0=$(ms_now)
  systemctl --user stop "$UNIT"
  (($(ms_now) - t0 < 5000))
  [ "$(prop Result)" = success ] && [ "$(prop ExecMainStatus)" = 0 ] ||
    { echo "Result=$(prop Result) ExecMainStatus=$(prop ExecMainStatus)"; journal | tail -25; return 1; }
}

@test "the README's metrics recipe works with the installed unit: 0644 files node_exporter can read" {
  start_sim --snapshot "$GOLDEN/case_A.json"
  start_broker
  config
  # the drop-in the README shows
  grep -Eq '^ +Environment=MTEC_METRICS_DIR=%t/mtec/metrics$' "$MTEC_SOURCE_DIR/README.md"
  printf '[Service]\nEnvironment=MTEC_METRICS_DIR=%%t/mtec/metrics\n' >"$SD/units/$UNIT.d/metrics.conf"
  systemctl --user daemon-reload
  start_unit
  local dir=$XDG_RUNTIME_DIR/mtec/metrics
  wait_until 20 test -s "$dir/mtec-publish.prom"
  wait_until 20 test -s "$dir/mtec-read.prom"
  [ "$(stat -c %a "$dir/mtec-read.prom")" = 644 ]
  [ "$(stat -c %a "$dir")" = 755 ]
  [ "$(stat -c %a "$XDG_RUNTIME_DIR/mtec")" = 755 ]
  # readable by someone else (node_exporter's user)
  setpriv --reuid=65534 --regid=65534 --clear-groups cat "$dir/mtec-read.prom" | grep -q '^mtec_modbus_connected'
}

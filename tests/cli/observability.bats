#!/usr/bin/env bats
# Metrics files, the health command, alert rules, log formats.

load ../helpers/common
load ../helpers/mqtt

setup() { common_setup; }
teardown() { common_teardown; }

MON="$MTEC_SOURCE_DIR/scripts/monitoring"

@test "the alert rules pass promtool check rules, and the stale-data alert fires from a synthetic series" {
  run promtool check rules "$MON/mtec-alerts.yml"
  [ "$status" -eq 0 ]
  cd "$MON"
  run promtool test rules mtec-alerts.test.yml
  echo "$output"
  [ "$status" -eq 0 ]
}

@test "the Grafana dashboard is valid JSON using only our metrics" {
  run jq -r '.panels[].targets[].expr' "$MON/mtec-dashboard.json"
  [ "$status" -eq 0 ]
  [ "$(grep -o 'mtec_[a-z_]*' <<<"$output" | sort -u | grep -vc '^mtec_')" -eq 0 ]
}

healthy() { mtec-health --dir metrics --max-age 10 --stale 10 >health.out; }
unhealthy_because() { ! mtec-health --dir metrics --max-age 10 --stale 10 >health.out && grep -q "$1" health.out; }

@test "end to end: metrics files pass promtool; killing the simulator makes the health command unhealthy and back" {
  start_broker
  start_sim --snapshot "$GOLDEN/case_A.json"
  local port=$SIM_PORT
  MTEC_MODBUS_IP=127.0.0.1 MTEC_MODBUS_PORT=$SIM_PORT MTEC_MQTT_SERVER=127.0.0.1 MTEC_MQTT_PORT=$BROKER_PORT \
    MTEC_REFRESH_NOW=1 MTEC_HASS_ENABLE=true MTEC_METRICS_INTERVAL=0.5 \
    start_bg pipe.out pipe.err "$MTEC_SOURCE_DIR/scripts/mtec2mqtt" --runtime-dir "$BATS_TEST_TMPDIR/run" --metrics-dir metrics
  wait_until 30 test -s metrics/mtec-read.prom
  wait_until 30 test -s metrics/mtec-publish.prom
  wait_until 30 test -s metrics/mtec-calc.prom
  wait_until 30 healthy
  [ "$(cat health.out)" = healthy ]
  local f
  for f in metrics/*.prom; do
    run promtool check metrics <"$f"
    [ "$status" -eq 0 ] || { echo "$f: $output"; return 1; }
  done
  grep -q '^mtec_modbus_requests_total{tool="mtec-read",result="ok"} ' metrics/mtec-read.prom
  grep -q '^mtec_mqtt_connected{tool="mtec-publish"} 1' metrics/mtec-publish.prom
  stop_pid "$SIM_PID"
  wait_until 20 unhealthy_because "inverter unreachable"
  start_bg sim2.port sim2.err mtec-sim --port "$port" --snapshot "$GOLDEN/case_A.json"
  wait_until 60 healthy
  for f in metrics/*.prom; do
    run promtool check metrics <"$f"
    [ "$status" -eq 0 ] || { echo "$f: $output"; return 1; }
  done
}

# Checks health every 0.1 s into health.log until it has been healthy for
# 3 s; fails on a verdict that is not healthy after the first healthy one.
healthy_and_stays() {
  local since=""
  : >health.log
  while :; do
    mtec-health --dir metrics >health.now || true
    cat health.now >>health.log
    if [ "$(head -1 health.now)" = healthy ]; then
      since=${since:-$SECONDS}
      ((SECONDS - since >= 3)) && return 0
    elif [ -n "$since" ]; then
      echo "healthy, then: $(cat health.now)"
      return 1
    fi
    ((SECONDS < 30)) || { echo "not healthy within 30 s: $(tail -1 health.log)"; return 1; }
    sleep 0.1
  done
}

@test "mtec-health tells the truth from the first second: no peer that is up is down, healthy once and then on" {
  start_broker
  start_sim --snapshot "$GOLDEN/case_A.json"
  # the default metrics interval (5 s): a connection is written when it comes
  SECONDS=0
  MTEC_MODBUS_IP=127.0.0.1 MTEC_MODBUS_PORT=$SIM_PORT MTEC_MQTT_SERVER=127.0.0.1 MTEC_MQTT_PORT=$BROKER_PORT \
    start_bg pipe.out pipe.err "$MTEC_SOURCE_DIR/scripts/mtec2mqtt" --runtime-dir "$BATS_TEST_TMPDIR/run" --metrics-dir metrics
  healthy_and_stays || { cat health.log; return 1; }
  echo "healthy after $SECONDS s"
  # inverter and broker were up all along: never reported as down
  run ! grep -E 'unreachable|broker down|not running' health.log
  # every stage's file was waited for
  for s in mtec-read mtec-calc mtec-publish mtec-write; do test -s "metrics/$s.prom"; done
  grep -q "^mtec_pipeline_stage{tool=\"mtec-calc\",stage=\"mtec-write\"} 1" metrics/mtec-calc.prom
}

@test "mtec-health: a missing directory or no files is an error; stale files are unhealthy" {
  run --separate-stderr mtec-health
  [ "$status" -eq 64 ]
  mkdir none
  run --separate-stderr env MTEC_METRICS_DIR=none mtec-health  # mtec2mqtt's variable
  [ "$status" -eq 75 ]
  [[ "$output" == "starting: no metrics files in none yet"* ]]
  mkdir m
  printf '# TYPE mtec_metrics_updated_timestamp_seconds gauge\nmtec_metrics_updated_timestamp_seconds{tool="mtec-read"} 1000\n' >m/mtec-read.prom
  run mtec-health --dir m
  [ "$status" -eq 69 ]
  [[ "$output" == "unhealthy: pipeline not running"* ]]
}

@test "--log-format json lines parse with jq; under JOURNAL_STREAM lines carry <N>" {
  local port
  port=$(free_port)
  run --separate-stderr mtec-read -H 127.0.0.1 -p "$port" --log-format json -v --all
  [ "$status" -eq 69 ]
  [ "$(grep -c '^{' <<<"$stderr")" -ge 1 ]
  grep '^{' <<<"$stderr" | jq -e 'has("time") and has("level") and .tool == "mtec-read" and has("message")' >/dev/null
  run --separate-stderr env JOURNAL_STREAM=8:1234 mtec-calc --formulas missing.yaml </dev/null
  [ "$status" -eq 66 ]
  printf '%s\n' '{"group":"x"}' >bad.ndjson
  run --separate-stderr env JOURNAL_STREAM=8:1234 mtec-calc <bad.ndjson
  [[ "$stderr" =~ ^\<4\>mtec-calc:\ warning:\ line\ 1 ]]
}

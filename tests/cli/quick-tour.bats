#!/usr/bin/env bats
# The README's quick tour, command by command as a new user types it: the
# code block is read from README.md, so the tour and this walk cannot part.
# Only the ports are changed (free loopback ports for 1502 and 1883) and the
# built tools stand in for $PWD/build/bin; the one command that asks on a
# terminal gets a terminal (script(1)) and the answer "y".

load ../helpers/common
load ../helpers/mqtt

setup() { common_setup; }
teardown() {
  local pid
  for pid in "${TOUR_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${TOUR_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  common_teardown
}

# The tour's commands: the first indented block after "## Quick tour",
# without the trailing comments.
tour_commands() {
  awk '/^## Quick tour/ {on = 1; next}
       on && /^    / {block = 1; sub(/^    /, ""); sub(/[[:space:]]+# .*$/, ""); print; next}
       on && block && !/^    / {exit}' "$MTEC_SOURCE_DIR/README.md"
}

# The command as run here: free ports, the built tools.
localized() {
  local c=$1
  c=${c//\$PWD\/build\/bin/$MTEC_BIN_DIR}
  c=${c//1502/$SIM_PORT}
  c=${c//-p 1883/-p $BROKER_PORT}
  c=${c//mosquitto_sub /mosquitto_sub -p $BROKER_PORT -W 30 }
  c=${c//mosquitto_pub /mosquitto_pub -p $BROKER_PORT }
  printf '%s' "$c"
}

@test "the README's quick tour works exactly as written, broker and /set included" {
  SIM_PORT=$(free_port)
  BROKER_PORT=$(free_port)
  export MTEC_MQTT_PORT=$BROKER_PORT  # the tools' default 1883, moved like the broker
  TOUR_PIDS=()
  local cmd run n=0 status
  mapfile -t tour < <(tour_commands)
  [ "${#tour[@]}" -ge 10 ]
  for cmd in "${tour[@]}"; do
    n=$((n + 1))
    run=$(localized "$cmd")
    echo "# $n: $cmd" >&3
    if [[ "$run" == *"&" ]]; then
      eval "${run%&} </dev/null >bg.$n.out 2>bg.$n.err &"
      TOUR_PIDS+=($!)
      case "$cmd" in  # a user sees it come up before typing on
        mtec-sim*) wait_until 10 port_open "$SIM_PORT" ;;
        *mosquitto\ *) wait_until 10 port_open "$BROKER_PORT" ;;
      esac
      continue
    fi
    status=0
    if [[ "$cmd" == mtec-write* ]]; then  # asks on a terminal
      script -qec "$run" /dev/null <<<"y" >out.$n 2>&1 || status=$?
    elif [[ "$cmd" == "mtec-read mode" ]]; then  # "a moment later"
      wait_until 30 eval "$run >out.$n 2>err.$n && grep -q '\"mode\":\"UPS mode\"' out.$n" || status=$?
    else
      eval "$run" </dev/null >out.$n 2>err.$n || status=$?
    fi
    if ((status != 0)); then
      echo "'$cmd' failed ($status):"
      cat "out.$n" "err.$n" 2>/dev/null | head -20
      for f in bg.*.err; do echo "== $f"; tail -5 "$f"; done
      return 1
    fi
    case "$cmd" in
      "mtec-read battery_soc") jq -e '.values.battery_soc | type == "number"' "out.$n" ;;
      "mtec-read -g now-grid --table") grep -q "^[0-9]* *grid_a " "out.$n" ;;
      mtec-read\ -g\ day*) jq -e '.group == "day"' day.ndjson ;;
      mtec-write*) grep -q "Economic mode" "out.$n" ;;
      mosquitto_sub*) [ "$(grep -c '^MTEC/MTECSIM00000001/now-base/.*/state ' "out.$n")" -eq 5 ] ;;
    esac
  done
  # the last command saw the /set command's value on the inverter
  [ "${tour[-1]}" = "mtec-read mode" ]
}

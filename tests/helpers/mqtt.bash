# A real mosquitto broker and subscriber for the bats suites, on free
# loopback ports, waited for by polling.

# start_broker [EXTRA CONFIG LINES...]: sets BROKER_PID, BROKER_PORT.
start_broker() {
  BROKER_PORT=${BROKER_PORT:-$(free_port)}
  local conf="$BATS_TEST_TMPDIR/mosquitto.$BROKER_PORT.conf"
  {
    echo "listener $BROKER_PORT 127.0.0.1"
    [[ "$*" == *allow_anonymous* ]] || echo "allow_anonymous true"
    echo "persistence false"
    # as root mosquitto would drop to user mosquitto, who cannot read the test's files
    [[ $(id -u) -ne 0 ]] || echo "user root"
    printf '%s\n' "$@"
  } >"$conf"
  mosquitto -c "$conf" >>"$BATS_TEST_TMPDIR/mosquitto.log" 2>&1 &
  BROKER_PID=$!
  PIDS+=("$BROKER_PID")
  wait_until 10 port_open "$BROKER_PORT" || { tail -5 "$BATS_TEST_TMPDIR/mosquitto.log" >&2; return 1; }
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# start_sub OUT [TOPIC]: a subscriber printing "retain<TAB>topic<TAB>payload"
# lines to OUT; returns once it receives (proves it is subscribed).
start_sub() {
  local out=$1 topic=${2:-#}
  mosquitto_sub -V 5 --retain-as-published -h 127.0.0.1 -p "$BROKER_PORT" -t "$topic" -t 'bats/probe' -F '%r	%t	%p' >"$out" 2>/dev/null &
  SUB_PID=$!
  PIDS+=("$SUB_PID")
  wait_until 10 probe_seen "$out"
}

probe_seen() {
  mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t bats/probe -m ready 2>/dev/null
  grep -q $'\tbats/probe\t' "$1"
}

# lines_matching FILE PATTERN: number of lines of FILE matching PATTERN.
lines_matching() { grep -c -- "$2" "$1" || true; }

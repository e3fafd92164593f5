#!/usr/bin/env bash
# A private systemd 252 user manager that supervises the tests' units for
# real, on a machine whose PID 1 is not systemd (issue 22, item 7):
#
#   harness.sh start DIR UNIT_DIR  starts it; DIR/env then holds the
#                                  variables for systemctl --user (source it)
#   harness.sh journal DIR ARGS... journalctl on its private journal
#   harness.sh stop DIR            stops it and everything it started
#   harness.sh check               exits 0 when it can run here, else says why
#
# DIR must be on the root file system (not /tmp or /run: a unit with
# PrivateTmp= or ProtectProc= would not see the notify socket there). The
# manager runs in its own mount namespace (a tmpfs on /run/systemd with
# system/ and the inaccessible/ nodes, a private volatile journald, a bind
# of /dev/null on /dev/console) and its own cgroup directories.
set -euo pipefail

cmd=${1:-}
dir=${2:-}

why_not() {
  [[ $(id -u) -eq 0 ]] || { echo "needs root (unshare, mounts, cgroups)"; return; }
  command -v systemd >/dev/null || [[ -x /lib/systemd/systemd ]] || { echo "no systemd installed"; return; }
  [[ -x /lib/systemd/systemd-journald ]] || { echo "no systemd-journald"; return; }
  command -v unshare >/dev/null || { echo "no unshare"; return; }
  command -v nsenter >/dev/null || { echo "no nsenter"; return; }
  [[ -d /sys/fs/cgroup/unified || -f /sys/fs/cgroup/cgroup.controllers ]] || { echo "no cgroup v2 hierarchy"; return; }
  unshare --mount true 2>/dev/null || { echo "unshare --mount is not permitted here"; return; }
  echo ""
}

# The cgroup directories the manager lives in: v2 (unified or the root) and,
# on a hybrid host, the named v1 systemd hierarchy.
cgroup_dirs() {
  local name=$1
  if [[ -d /sys/fs/cgroup/unified ]]; then
    echo "/sys/fs/cgroup/unified/$name"
    [[ ! -d /sys/fs/cgroup/systemd ]] || echo "/sys/fs/cgroup/systemd/$name"
  else
    echo "/sys/fs/cgroup/$name"
  fi
}

# removes a cgroup tree bottom-up (processes must be gone)
remove_cgroup() {
  [[ -d "$1" ]] || return 0
  find "$1" -depth -type d -exec rmdir {} + 2>/dev/null || true
}

start() {
  local units=$1 reason
  reason=$(why_not)
  [[ -z "$reason" ]] || { echo "harness: cannot run: $reason" >&2; exit 77; }
  mkdir -p "$dir"
  chmod 755 "$dir"
  local xdg=$dir/xdg cg="mtec-test-$$.slice/user@0.service"
  mkdir -p "$xdg" "$dir/empty" "$dir/log" "$dir/base"
  # the manager needs a default target; nothing else outside UNIT_DIR
  local t
  for t in default basic shutdown sockets timers paths; do
    printf '[Unit]\nDescription=%s (test manager)\n' "$t" >"$dir/base/$t.target"
  done

  chmod 755 "$xdg"
  printf '[Journal]\nStorage=volatile\nRateLimitBurst=0\nReadKMSG=no\n' >"$dir/journald.conf"
  local d
  for d in $(cgroup_dirs "$cg"); do mkdir -p "$d"; done
  echo "$cg" >"$dir/cgroup"
  cat >"$dir/inner.sh" <<INNER
set -e
mount --make-rshared /
mount -t tmpfs -o mode=755 tmpfs /run/systemd
mkdir -p /run/systemd/system /run/systemd/inaccessible /run/systemd/journal
cd /run/systemd/inaccessible
mkdir dir; touch reg; mkfifo fifo; mknod chr c 0 0; mknod blk b 0 0
python3 -c 'import socket; socket.socket(socket.AF_UNIX).bind("sock")'
chmod 0 dir reg fifo chr blk sock
cd /
mkdir -p /run/log
mount -t tmpfs tmpfs /run/log
[ ! -d /var/log/journal ] || mount -t tmpfs tmpfs /var/log/journal
mount --bind "$dir/journald.conf" /etc/systemd/journald.conf
mount --bind /dev/null /dev/console
for d in $(cgroup_dirs "$cg" | tr '\n' ' '); do echo \$\$ >"\$d/cgroup.procs"; done
/lib/systemd/systemd-journald >"$dir/log/journald.log" 2>&1 &
echo \$! >"$dir/journald.pid"
for i in \$(seq 100); do [ -S /run/systemd/journal/stdout ] && break; sleep 0.05; done
export XDG_RUNTIME_DIR="$xdg" SYSTEMD_UNIT_PATH="$units:$dir/base"
export SYSTEMD_GENERATOR_PATH="$dir/empty" SYSTEMD_ENVIRONMENT_GENERATOR_PATH="$dir/empty"
unset DBUS_SESSION_BUS_ADDRESS NOTIFY_SOCKET WATCHDOG_USEC WATCHDOG_PID INVOCATION_ID JOURNAL_STREAM
exec /lib/systemd/systemd --user --log-target=journal --log-level=info
INNER
  unshare --mount --propagation private -- bash "$dir/inner.sh" >"$dir/log/manager.log" 2>&1 &
  echo $! >"$dir/manager.pid"
  local deadline=$((SECONDS + 20))
  until [[ -S "$xdg/systemd/private" ]]; do
    if ((SECONDS >= deadline)) || ! kill -0 "$(cat "$dir/manager.pid")" 2>/dev/null; then
      echo "harness: the manager did not start; its log:" >&2
      cat "$dir/log/manager.log" >&2
      stop
      exit 1
    fi
    sleep 0.05
  done
  # as PID 1's are, so that a DynamicUser= service can notify
  until [[ -S "$xdg/systemd/notify" ]]; do
    if ((SECONDS >= deadline)) || ! kill -0 "$(cat "$dir/manager.pid")" 2>/dev/null; then
      echo "harness: the manager made no notify socket" >&2
      stop
      exit 1
    fi
    sleep 0.05
  done
  chmod 0777 "$xdg/systemd/notify"
  printf 'export XDG_RUNTIME_DIR=%q\nunset DBUS_SESSION_BUS_ADDRESS\n' "$xdg" >"$dir/env"
}

journal() {
  nsenter -t "$(cat "$dir/manager.pid")" -m -- journalctl -D /run/log/journal --no-pager "$@"
}

stop() {
  local pid
  if [[ -f "$dir/manager.pid" ]]; then
    pid=$(cat "$dir/manager.pid")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true  # a user manager exits on SIGTERM, stopping its units
      local deadline=$((SECONDS + 10))
      while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.05; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
    # the journald this harness started, and anything left in its cgroups
    [[ ! -f "$dir/journald.pid" ]] || kill -TERM "$(cat "$dir/journald.pid")" 2>/dev/null || true
  fi
  if [[ -f "$dir/cgroup" ]]; then
    local cg d p
    cg=$(cat "$dir/cgroup")
    for d in $(cgroup_dirs "$cg"); do
      [[ -d "$d" ]] || continue
      find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null | while read -r p; do kill -KILL "$p" 2>/dev/null || true; done
      local deadline=$((SECONDS + 5))
      while [[ -n "$(find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null)" ]] && ((SECONDS < deadline)); do sleep 0.05; done
      remove_cgroup "$d"
      remove_cgroup "${d%/user@0.service}"
    done
  fi
}

case "$cmd" in
  start) start "${3:?UNIT_DIR}" ;;
  stop) stop ;;
  journal) shift 2; journal "$@" ;;
  check) r=$(why_not); [[ -z "$r" ]] || { echo "$r"; exit 1; } ;;
  *) echo "usage: harness.sh start DIR UNIT_DIR | journal DIR ARGS... | stop DIR | check" >&2; exit 64 ;;
esac

#!/usr/bin/env bats
# The install tree and the Debian package, as a user gets them: any prefix,
# DESTDIR, units pointing at the prefix, tools that find their catalog, the
# pipeline with nothing but /usr/bin:/bin on PATH, and clear refusals.

load ../helpers/common
load ../helpers/mqtt

setup_file() {
  # world-readable, so the unprivileged test below can run the installed tools
  INSTALL_ROOT=$(mktemp -d /tmp/mtec-install.XXXXXX)
  chmod 755 "$INSTALL_ROOT"
  export INSTALL_ROOT PREFIX=$INSTALL_ROOT/prefix
  cmake --install "$MTEC_BUILD_DIR" --prefix "$PREFIX" >/dev/null
}
teardown_file() { rm -rf "$INSTALL_ROOT"; }
setup() { common_setup; }
teardown() { common_teardown; }

@test "an install under any prefix: tools find their catalog from any directory" {
  cd /
  run --separate-stderr env -i PATH=/usr/bin:/bin "$PREFIX/bin/mtec-read" --list
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == "ADDRESS"* ]]
  [ "${#lines[@]}" -gt 90 ]
  run --separate-stderr env -i "$PREFIX/bin/mtec-read" --list-labels mode
  [ "$status" -eq 0 ]
  [[ "$output" == *$'Economic mode\t258'* ]]
}

@test "the build tree's binaries run from / with no environment" {
  cd /
  run --separate-stderr env -i "$MTEC_BUILD_DIR/tools/mtec-read/mtec-read" --list
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -gt 90 ]
}

@test "--registers FILE still validates FILE with file:line errors" {
  printf '"10000":\n  name: x\n  bogus: 1\n' >bad.yaml
  run --separate-stderr "$PREFIX/bin/mtec-read" --list --registers bad.yaml
  [ "$status" -eq 78 ]
  [[ "$stderr" == *"bad.yaml:"[0-9]*":"[0-9]* ]]
}

@test "man pages, completions, units, monitoring and Home Assistant files and the example config are installed" {
  local f
  for f in share/man/man1/mtec-read.1.gz share/man/man5/mtec-config.5.gz share/man/man7/mtec.7.gz \
           share/man/man8/mtec2mqtt.8.gz share/bash-completion/completions/mtec-write \
           share/zsh/vendor-completions/_mtec-write share/fish/vendor_completions.d/mtec-write.fish \
           lib/systemd/system/mtec2mqtt.service lib/systemd/system/mtec2mqtt@.service \
           share/doc/mtec-tools/examples/config.yaml share/doc/mtec-tools/examples/evcc.yaml \
           share/doc/mtec-tools/monitoring/mtec-alerts.yml \
           share/doc/mtec-tools/hass/mtec-dashboard.yaml share/doc/mtec-tools/hass/mtec-energy.yaml \
           share/mtec/registers.yaml; do
    [ -f "$PREFIX/$f" ] || { echo "missing $f"; return 1; }
  done
  grep -qx "ExecStart=$PREFIX/bin/mtec2mqtt" "$PREFIX/lib/systemd/system/mtec2mqtt.service"
  grep -qx "ExecStart=$PREFIX/bin/mtec2mqtt" "$PREFIX/lib/systemd/system/mtec2mqtt@.service"
  cmp "$MTEC_SOURCE_DIR/scripts/hass/mtec-dashboard.yaml" "$PREFIX/share/doc/mtec-tools/hass/mtec-dashboard.yaml"
}

@test "DESTDIR installs under DESTDIR with paths of the prefix" {
  DESTDIR="$BATS_TEST_TMPDIR/stage" cmake --install "$MTEC_BUILD_DIR" --prefix /opt/mtec >/dev/null
  [ -x "$BATS_TEST_TMPDIR/stage/opt/mtec/bin/mtec-read" ]
  grep -qx "ExecStart=/opt/mtec/bin/mtec2mqtt" "$BATS_TEST_TMPDIR/stage/opt/mtec/lib/systemd/system/mtec2mqtt.service"
}

@test "the README's uninstall of a cmake install (install_manifest.txt) leaves no file behind" {
  local u="$BATS_TEST_TMPDIR/u"
  cmake --install "$MTEC_BUILD_DIR" --prefix "$u" >/dev/null
  [ -x "$u/bin/mtec-read" ]
  grep -qF "xargs -rd '\\n' rm -f -- <build/install_manifest.txt" "$MTEC_SOURCE_DIR/README.md"
  xargs -rd '\n' rm -f -- <"$MTEC_BUILD_DIR/install_manifest.txt"
  run find "$u" -type f
  [ -z "$output" ] || { echo "left: $output"; return 1; }
}

@test "no path of the build machine is in an installed binary" {
  local b src
  src=$(cd "$MTEC_SOURCE_DIR" && pwd -P)
  for b in "$PREFIX"/bin/mtec-*; do
    if grep -q -a -F -e "$src" -e "$MTEC_BUILD_DIR" "$b"; then
      echo "$b names $src or $MTEC_BUILD_DIR"
      return 1
    fi
  done
}

@test "installed mtec2mqtt runs with PATH=/usr/bin:/bin (the stages beside it)" {
  start_broker
  start_sim
  start_sub capture.txt 'MTEC/#'
  PATH=/usr/bin:/bin MTEC_MODBUS_IP=127.0.0.1 MTEC_MODBUS_PORT=$SIM_PORT MTEC_MQTT_SERVER=127.0.0.1 \
    MTEC_MQTT_PORT=$BROKER_PORT MTEC_REFRESH_NOW=1 \
    start_bg pipe.out pipe.err "$PREFIX/bin/mtec2mqtt" --runtime-dir "$BATS_TEST_TMPDIR/run"
  wait_until 20 grep -q '/now-base/battery_soc/state' capture.txt
  run ! grep -q 'command not found' pipe.err
}

@test "mtec2mqtt without its stages refuses to start with one line, exit 69" {
  mkdir lonely
  cp "$PREFIX/bin/mtec2mqtt" lonely/
  run --separate-stderr env PATH=/usr/bin:/bin lonely/mtec2mqtt
  [ "$status" -eq 69 ]
  [ "${#stderr_lines[@]}" -eq 1 ]
  [[ "$stderr" == *"mtec-read not found"* ]]
}

@test "a config the service user cannot read: 'Permission denied' with the path, exit 66" {
  command -v setpriv >/dev/null || skip "setpriv not installed"
  [ "$(id -u)" -eq 0 ] || skip "needs root to switch to uid 65534"
  local cfg=$INSTALL_ROOT/secret.yaml
  printf 'MODBUS_IP: 127.0.0.1\n' >"$cfg"
  chmod 600 "$cfg"
  run --separate-stderr env -i PATH=/usr/bin:/bin HOME=/nonexistent \
    setpriv --reuid=65534 --regid=65534 --clear-groups "$PREFIX/bin/mtec2mqtt" --config "$cfg"
  [ "$status" -eq 66 ]
  [[ "$stderr" == *"cannot read config file $cfg: Permission denied"* ]]
  # the same from the default search order
  run --separate-stderr env -i PATH=/usr/bin:/bin HOME=/nonexistent CREDENTIALS_DIRECTORY="$INSTALL_ROOT" \
    setpriv --reuid=65534 --regid=65534 --clear-groups "$PREFIX/bin/mtec-read" --show-config
  cp "$cfg" "$INSTALL_ROOT/config.yaml"
  run --separate-stderr env -i PATH=/usr/bin:/bin HOME=/nonexistent CREDENTIALS_DIRECTORY="$INSTALL_ROOT" \
    setpriv --reuid=65534 --regid=65534 --clear-groups "$PREFIX/bin/mtec-read" --show-config
  [ "$status" -eq 66 ]
  [[ "$stderr" == *"$INSTALL_ROOT/config.yaml: Permission denied"* ]]
}

@test "mtec-read --show-config: effective settings, their origin, secrets masked" {
  printf 'MODBUS_IP: "192.0.2.7"\nMQTT_PASSWORD: hunter2\n' >config.yaml
  MTEC_MQTT_PORT=8883 run --separate-stderr "$PREFIX/bin/mtec-read" --show-config -u 1
  [ "$status" -eq 0 ]
  [[ "$output" == *'# config file: config.yaml'* ]]
  [[ "$output" == *'MODBUS_IP: "192.0.2.7"  # config.yaml:1'* ]]
  [[ "$output" == *'MODBUS_SLAVE: "1"  # command line'* ]]
  [[ "$output" == *'MQTT_PORT: "8883"  # environment MTEC_MQTT_PORT'* ]]
  [[ "$output" == *'MQTT_PASSWORD: "********"'* ]]
  [[ "$output" != *hunter2* ]]
}

@test "the Debian package: tools run from the unpacked tree, man pages, dependencies" {
  command -v dpkg-deb >/dev/null || skip "dpkg-deb not installed"
  local out=$BATS_TEST_TMPDIR/pkg deb
  (cd "$MTEC_BUILD_DIR" && cpack -G DEB -B "$out" >/dev/null)
  deb=$(ls "$out"/mtec-tools_*.deb)
  dpkg-deb -x "$deb" root
  run --separate-stderr env -i root/usr/bin/mtec-read --list
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -gt 90 ]
  [ -f root/usr/share/man/man1/mtec-read.1.gz ]
  zcat root/usr/share/man/man1/mtec-read.1.gz | grep -q "^.Dt MTEC-READ 1"
  [ -f root/usr/share/doc/mtec-tools/examples/config.yaml ]
  [ -f root/usr/share/doc/mtec-tools/copyright ]
  grep -qx "ExecStart=/usr/bin/mtec2mqtt" root/usr/lib/systemd/system/mtec2mqtt.service
  run dpkg-deb -f "$deb" Depends
  local lib
  for lib in libmosquitto1 libyaml-cpp0.7 libfmt9 libstdc++6 libc6; do
    [[ "$output" == *"$lib "* ]] || { echo "Depends lacks $lib: $output"; return 1; }
  done
  # maintainer scripts as dh_installsystemd writes them; nothing is enabled or started
  run dpkg-deb -I "$deb"
  [[ "$output" == *" postinst "* && "$output" == *" prerm "* && "$output" == *" postrm "* ]] ||
    { echo "$output"; return 1; }
  mkdir ctl
  dpkg-deb -e "$deb" ctl
  grep -q 'systemctl --system daemon-reload' ctl/postinst
  grep -q "deb-systemd-invoke try-restart 'mtec2mqtt.service'" ctl/postinst
  grep -q "deb-systemd-invoke stop 'mtec2mqtt.service'" ctl/prerm
  grep -q 'systemctl --system daemon-reload' ctl/postrm
  run ! grep -Eq 'systemctl (--system )?(enable|start)|deb-systemd-invoke start|deb-systemd-helper enable' ctl/postinst
  sh -n ctl/postinst && sh -n ctl/prerm && sh -n ctl/postrm
  if command -v lintian >/dev/null; then
    run lintian --fail-on error,warning "$deb"
    echo "$output"
    [ "$status" -eq 0 ]
  fi
}

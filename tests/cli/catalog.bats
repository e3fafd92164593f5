#!/usr/bin/env bats
# A bad register catalog makes every tool that loads it exit 78 with a
# message naming file:line:column and the entry.

load ../helpers/common

setup() { common_setup; }
teardown() { common_teardown; }

TOOLS=(mtec-sim mtec-read)

entry() { printf '"%s":\n  name: %s\n  length: %s\n  type: %s\n  mqtt: %s\n  group: now-base\n' "$@"; }

# expect_78 FILE MESSAGE: every tool refuses FILE with MESSAGE.
expect_78() {
  local tool
  for tool in "${TOOLS[@]}"; do
    case "$tool" in
      mtec-sim) run --separate-stderr mtec-sim --registers "$1" --port 0 ;;
      mtec-read) run --separate-stderr mtec-read --registers "$1" --list ;;
      *) run --separate-stderr "$tool" --registers "$1" </dev/null ;;
    esac
    [ "$status" -eq 78 ] || { echo "$tool: status $status: $stderr"; return 1; }
    [[ "$stderr" == *"$2"* ]] || { echo "$tool: $stderr"; return 1; }
  done
}

@test "duplicate mqtt key" {
  { entry 100 A 1 U16 a; entry 101 B 1 U16 a; } >dup.yaml
  expect_78 dup.yaml "dup.yaml:7:1: register '101': duplicate mqtt key 'a'"
}

@test "unknown type" {
  entry 100 A 1 F32 a >type.yaml
  expect_78 type.yaml "type.yaml:4:9: register '100': unknown type 'F32'"
}

@test "overlapping addresses" {
  { entry 100 A 2 U32 a; entry 101 B 1 U16 b; } >overlap.yaml
  expect_78 overlap.yaml "overlap.yaml:7:1: register '101': addresses 101..101 overlap register '100'"
}

@test "bad YAML" {
  printf '"100":\n  name: [A\n' >broken.yaml
  expect_78 broken.yaml "broken.yaml:3:1: invalid YAML"
}

@test "the shipped catalog loads" {
  run mtec-read --list
  [ "$status" -eq 0 ]
}

#!/usr/bin/env bats
# The bash completions ask the tools (mtec-read --list) and the catalog.

load ../helpers/common

setup() { common_setup; }
teardown() { common_teardown; }

complete_words() {  # complete_words SCRIPT FUNCTION WORDS...: prints COMPREPLY
  local script=$1 fn=$2
  shift 2
  # shellcheck disable=SC1090
  source "$MTEC_SOURCE_DIR/completions/$script"
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  "$fn"
  printf '%s\n' "${COMPREPLY[@]}"
}

@test "mtec-read completes register keys and groups" {
  run complete_words mtec-read/mtec-read.bash _mtec_read mtec-read battery_s
  [[ "$output" == *battery_soc* ]]
  [[ "$output" == *battery_soh* ]]
  run complete_words mtec-read/mtec-read.bash _mtec_read mtec-read -g sta
  [ "$output" = static ]
  run complete_words mtec-read/mtec-read.bash _mtec_read mtec-read -g now-ba
  [ "$(tr '\n' ' ' <<<"$output")" = "now-backup now-base now-battery " ]
}

@test "mtec-write completes writable keys, then their labels" {
  run complete_words mtec-write/mtec-write.bash _mtec_write mtec-write ''
  [[ "$output" == *charge_limit* ]]
  [[ "$output" != *battery_soc* ]]
  run complete_words mtec-write/mtec-write.bash _mtec_write mtec-write mode ''
  [[ "$output" == *"Economic mode"* ]]
  [ "${#lines[@]}" -eq 4 ]
}

@test "every tool has bash, zsh and fish completions" {
  local t
  for t in mtec-calc mtec-health mtec-publish mtec-read mtec-sim mtec-write mtec2mqtt; do
    [ -f "$MTEC_SOURCE_DIR/completions/$t/$t.bash" ]
    [ -f "$MTEC_SOURCE_DIR/completions/$t/_$t" ]
    [ -f "$MTEC_SOURCE_DIR/completions/$t/$t.fish" ]
    bash -n "$MTEC_SOURCE_DIR/completions/$t/$t.bash"
  done
}

# the long options a tool's --help lists (option lines only)
help_options() { "$1" --help | grep -E '^ +-' | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u; }

@test "every option of every tool's --help is in its bash, zsh and fish completions" {
  local t o missing=()
  for t in mtec-calc mtec-health mtec-publish mtec-read mtec-sim mtec-write mtec2mqtt; do
    local dir="$MTEC_SOURCE_DIR/completions/$t"
    for o in $(help_options "$t"); do
      grep -qe "$o\b" "$dir/$t.bash" || missing+=("$t.bash: $o")
      grep -qe "$o\b" "$dir/_$t" || missing+=("_$t: $o")
      grep -qe "-l ${o#--}\b" "$dir/$t.fish" || missing+=("$t.fish: $o")
    done
  done
  printf '%s\n' "${missing[@]}"
  [ "${#missing[@]}" -eq 0 ]
}

@test "mtec2mqtt completes its options, and mtec-publish's after --" {
  # shellcheck disable=SC1091
  source "$MTEC_SOURCE_DIR/completions/mtec-publish/mtec-publish.bash"
  run complete_words mtec2mqtt/mtec2mqtt.bash _mtec2mqtt mtec2mqtt --metr
  [ "$output" = "--metrics-dir" ]
  run complete_words mtec2mqtt/mtec2mqtt.bash _mtec2mqtt mtec2mqtt -- --unique
  [ "$output" = "--unique-ids" ]
}

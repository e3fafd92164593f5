#!/usr/bin/env bats
# tools/OPTIONS.md is the option vocabulary: every tool's --help, man page
# and completions must agree with it, so that they cannot drift apart again.

load ../helpers/common

setup() { common_setup; }
teardown() { common_teardown; }

TABLE="$MTEC_SOURCE_DIR/tools/OPTIONS.md"
ALL_TOOLS="mtec-read mtec-calc mtec-publish mtec-write mtec-sim mtec-health mtec2mqtt"

tool_of() { [[ "$1" == mtec2mqtt ]] && echo mtec2mqtt || echo "mtec-$1"; }

# table_rows: "tool<TAB>short<TAB>long<TAB>arg<TAB>key" for every tool of every row
table_rows() {
  grep '^| ' "$TABLE" | tail -n +2 | sed 's/\\|/\x01/g' |
    while IFS='|' read -r _ short long arg key tools _; do
      short=$(tr -d '` ' <<<"$short") long=$(tr -d '` ' <<<"$long")
      arg=$(tr -d '` ' <<<"$arg" | tr '\001' '|') key=$(tr -d ' ' <<<"$key")
      for t in ${tools//,/ }; do printf '%s;%s;%s;%s;%s\n' "$(tool_of "$t")" "$short" "$long" "$arg" "$key"; done
    done
}

# help_rows TOOL: "short<TAB>long<TAB>arg<TAB>key" from the tool's --help
help_rows() {
  "$1" --help | grep -E '^ +-' | sed -E 's/^ +//; s/, /,/' | while read -r names rest; do
    local short="" long=$names arg="" key=""
    if [[ "$names" == -?,--* ]]; then short=${names%%,*} long=${names#*,}; fi
    [[ "$long" == --* ]] || continue
    # an argument is the word right after the names when it is no description
    if [[ "$rest" =~ ^([A-Z][A-Z0-9_]*|[a-z]+\|[a-z]+|ADDR\[:CODE\]|\[HOST\[:PORT\]\])(\ \ |$) ]]; then arg=${BASH_REMATCH[1]}; fi
    if [[ "$rest" =~ \(([A-Z][A-Z0-9_]+)[\;\)] ]]; then key=${BASH_REMATCH[1]}; fi
    [[ "$key" == JSON ]] && key=""
    printf '%s;%s;%s;%s\n' "$short" "$long" "$arg" "$key"
  done
}

@test "OPTIONS.md lists exactly the options of every tool's --help, with short form, argument and config key" {
  local t diffs=0
  table_rows >table.tsv
  for t in $ALL_TOOLS; do
    help_rows "$t" | sort >"help.$t"
    awk -F';' -v t="$t" '$1 == t {print $2 ";" $3 ";" $4 ";" $5}' table.tsv | sort >"table.$t"
    diff -u "table.$t" "help.$t" || diffs=1
  done
  [ "$diffs" -eq 0 ]
}

@test "every config key of OPTIONS.md is a key of the config (mtec-config(5))" {
  local keys k
  keys=$(mtec-read --show-config | sed -n 's/^\([A-Z][A-Z0-9_]*\):.*/\1/p')
  for k in $(table_rows | cut -d';' -f5 | sort -u); do
    grep -qx "$k" <<<"$keys" || { echo "$k is no config key"; return 1; }
  done
}

@test "a short option means one thing: the same long name in every tool" {
  run bash -c "$(declare -f table_rows tool_of); TABLE='$TABLE' table_rows | awk -F';' '\$2 != \"\" {print \$2, \$3}' | sort -u | awk '{print \$1}' | uniq -d"
  [ "$status" -eq 0 ]
  [ -z "$output" ] || { echo "short options with two meanings: $output"; return 1; }
}

# the page's text with mandoc escapes removed: "Fl \-metrics\-file" -> "Fl -metrics-file"
man_text() { sed 's/\\-/-/g; s/\\&//g' "$MTEC_SOURCE_DIR/man/$1"; }
man_page() { [[ "$1" == mtec2mqtt ]] && echo mtec2mqtt.8 || echo "$1.1"; }

@test "every tool's man page documents each of its options, and its SYNOPSIS names only real ones" {
  local t long short missing=()
  table_rows >table.tsv
  for t in $ALL_TOOLS; do
    local page text synopsis
    page=$(man_page "$t")
    text=$(man_text "$page")
    while IFS=';' read -r short long; do
      [[ "$long" == --help || "$long" == --version ]] && continue
      grep -qE -- "(Fl|Ic|Li) -${long#--}([^a-z0-9-]|$)" <<<"$text" || missing+=("$page: $long")
      if [[ -n "$short" ]]; then
        grep -qE -- "Fl ${short#-}( |$)" <<<"$text" || missing+=("$page: $short")
      fi
    done < <(awk -F';' -v t="$t" '$1 == t {print $2 ";" $3}' table.tsv)
    synopsis=$(sed -n '/^\.Sh SYNOPSIS/,/^\.Sh /p' <<<"$text")
    for long in $(grep -oE -- 'Fl -[a-z][a-z0-9-]*' <<<"$synopsis" | sed 's/^Fl -/--/' | sort -u); do
      awk -F';' -v t="$t" -v l="$long" '$1 == t && $3 == l {found = 1} END {exit !found}' table.tsv ||
        missing+=("$page SYNOPSIS: $long is no option of $t")
    done
  done
  printf '%s\n' "${missing[@]}"
  [ "${#missing[@]}" -eq 0 ]
}

# synopsis_flags PAGE: every flag the page's SYNOPSIS shows, one a line, as
# "--long" or "-s": ".Op Fl v | q" shows -v and -q, ".Fl \-yes \-raw" both;
# the flags of a Fl end at the next macro (Ar, Op, Ns, ...)
synopsis_flags() {
  man_text "$1" | sed -n '/^\.Sh SYNOPSIS/,/^\.Sh /p' | sed 's/^\.//' | awk '{
    fl = 0
    for (i = 1; i <= NF; i++) {
      if ($i == "Fl") { fl = 1; continue }
      if ($i ~ /^[A-Z][a-z]+$/) { fl = 0; continue }
      if (!fl || $i == "|") continue
      if ($i ~ /^-[a-z0-9-]+$/) print "-" $i
      else if ($i ~ /^[A-Za-z0-9]$/) print "-" $i
      else fl = 0
    }
  }'
}

@test "every option of a tool's --help is in its man page's SYNOPSIS (--help and --version aside)" {
  local t short long missing=()
  for t in $ALL_TOOLS; do
    local page flags
    page=$(man_page "$t")
    flags=$(synopsis_flags "$page" | sort -u)
    [ -n "$flags" ] || { echo "$page: no flags in SYNOPSIS"; return 1; }
    while IFS=';' read -r short long _; do
      [[ "$long" == --help || "$long" == --version ]] && continue
      grep -qxF -- "$long" <<<"$flags" || { [[ -n "$short" ]] && grep -qxF -- "$short" <<<"$flags"; } ||
        missing+=("$page SYNOPSIS: no $long${short:+ ($short)}")
    done < <(help_rows "$t")
  done
  printf '%s\n' "${missing[@]}"
  [ "${#missing[@]}" -eq 0 ]
}

@test "the SYNOPSIS parser sees what a page shows" {
  mkdir man
  printf '%s\n' .Sh\ SYNOPSIS .Nm '.Op Fl v | q' '.Fl \-yes \-raw' '.Op Fl \-log\-format Ar text|json' \
    '.Op Fl p Ar port Op Fl \-port2 Ar port' .Sh\ DESCRIPTION '.Fl \-later' >man/x.1
  MTEC_SOURCE_DIR=$PWD run synopsis_flags x.1
  [ "$status" -eq 0 ]
  [ "$output" = $'-v\n-q\n--yes\n--raw\n--log-format\n-p\n--port2' ]
}

@test "every section 1 and 8 page's SEE ALSO names mtec-config(5) and mtec(7)" {
  local p missing=()
  for p in "$MTEC_SOURCE_DIR"/man/*.1 "$MTEC_SOURCE_DIR"/man/*.8; do
    local see
    see=$(sed -n '/^\.Sh SEE ALSO/,/^\.Sh /p' "$p")
    grep -qE '^\.Xr mtec-config 5( ,)?$' <<<"$see" || missing+=("$(basename "$p"): no mtec-config(5)")
    grep -qE '^\.Xr mtec 7( ,)?$' <<<"$see" || missing+=("$(basename "$p"): no mtec(7)")
  done
  printf '%s\n' "${missing[@]}"
  [ "${#missing[@]}" -eq 0 ]
}

@test "the old mtec-read -t still prints the table, with a warning" {
  run --separate-stderr mtec-read -t --list
  [ "$status" -eq 0 ]
  start_sim
  run --separate-stderr mtec-read -H 127.0.0.1 -p "$SIM_PORT" -t serial_no
  [ "$status" -eq 0 ]
  [[ "$output" == *MTECSIM00000001* && "$output" != *'{"ts"'* ]]
  [[ "$stderr" == *"-t is now -T (--table)"* ]]
}

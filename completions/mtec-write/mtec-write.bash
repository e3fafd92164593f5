# bash completion for mtec-write: writable keys and their labels come from
# the catalog the tools use (mtec-read --list, --list-labels).
_mtec_write() {
  local cur prev words=() i key=""
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD-1]}
  case "$prev" in
    --metrics-file) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
    --metrics-interval) return ;;
    -c|--config|--registers|--via) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
    --framer) mapfile -t COMPREPLY < <(compgen -W "tcp rtu" -- "$cur"); return ;;
    -H|--host|-p|--port|--port2|-u|--unit|--timeout) return ;;
  esac
  if [[ "$cur" == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "--metrics-file --metrics-interval --help --version --yes --raw --dry-run --stdin --via --direct --quiet
      --host --port --port2 --unit --timeout --framer --config --registers --verbose --log-format" -- "$cur")
    return
  fi
  local catalog=()  # the catalog the command line names, else the tools' own
  for ((i = 1; i < COMP_CWORD; i++)); do
    [[ "${COMP_WORDS[i-1]}" == --registers ]] && catalog=(--registers "${COMP_WORDS[i]}")
    [[ "${COMP_WORDS[i]}" == -* ]] && continue
    [[ "${COMP_WORDS[i-1]}" =~ ^(-c|--config|--registers|--via|--framer|-H|--host|-p|--port|--port2|-u|--unit|--timeout)$ ]] && continue
    words+=("${COMP_WORDS[i]}")
  done
  if ((${#words[@]} == 0)); then
    mapfile -t COMPREPLY < <(compgen -W "$(mtec-read "${catalog[@]}" --list 2>/dev/null | awk '$NF == "RW" {print $2}')" -- "$cur")
  elif ((${#words[@]} == 1)); then
    # a label with a space is offered quoted ('Economic mode'), so that it
    # stays one word; a quote the user began with is matched past
    key=${words[0]}
    local want=${cur#[\'\"]} label
    COMPREPLY=()
    while IFS= read -r label; do
      [[ "$label" == "$want"* ]] || continue
      if [[ "$label" =~ [[:space:]] ]]; then COMPREPLY+=("'$label'"); else COMPREPLY+=("$label"); fi
    done < <(mtec-read "${catalog[@]}" --list-labels "$key" 2>/dev/null | cut -f1)
  fi
}
complete -F _mtec_write mtec-write

# bash completion for mtec-read; register keys and groups come from the tool.
_mtec_read() {
  local cur prev
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD-1]}
  case "$prev" in
    --metrics-file) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
    --metrics-interval) return ;;
    -c|--config|--registers|--control)
      mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
    --list-labels)
      mapfile -t COMPREPLY < <(compgen -W "$(mtec-read --list 2>/dev/null | awk 'NR>1 {print $2}')" -- "$cur"); return ;;
    -g|--group)
      mapfile -t COMPREPLY < <(compgen -W "$(mtec-read --list 2>/dev/null | awk 'NR>1 {print $3}' | sort -u)" -- "$cur"); return ;;
    --framer) mapfile -t COMPREPLY < <(compgen -W "tcp rtu" -- "$cur"); return ;;
    --log-format) mapfile -t COMPREPLY < <(compgen -W "text json" -- "$cur"); return ;;
    -H|--host|-p|--port|--port2|-u|--unit|--timeout|--max-gap|--refresh-now) return ;;
  esac
  if [[ "$cur" == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "--metrics-file --metrics-interval --help --version --group --all --list --list-labels --show-config --follow --control
      --probe --raw --table --host --port --port2 --unit --timeout --framer --max-gap --refresh-now
      --config --registers --verbose --quiet --log-format" -- "$cur")
  else
    mapfile -t COMPREPLY < <(compgen -W "$(mtec-read --list 2>/dev/null | awk 'NR>1 && $1 != "-" {print $2}')" -- "$cur")
  fi
}
complete -F _mtec_read mtec-read

# bash completion for mtec-sim
_mtec_sim() {
  local cur prev
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD-1]}
  case "$prev" in
    -s|--snapshot|--registers|--write-log|--request-log)
      mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
    -H|--host|-p|--port|-u|--unit|--delay|--drop-after|--exception|--corrupt|--seed) return ;;
  esac
  mapfile -t COMPREPLY < <(compgen -W "--animate --help --version --snapshot --registers --host --port
    --unit --framer --delay --drop-after --exception --single-client --refuse --ignore-writes
    --strict-map --corrupt --seed --write-log --request-log" -- "$cur")
}
complete -F _mtec_sim mtec-sim

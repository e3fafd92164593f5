# bash completion for mtec-calc
_mtec_calc() {
  local cur prev
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD-1]}
  case "$prev" in
    --metrics-file) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
    --metrics-interval) return ;;
    -F|--formulas|--registers) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
    --log-format) mapfile -t COMPREPLY < <(compgen -W "text json" -- "$cur"); return ;;
  esac
  mapfile -t COMPREPLY < <(compgen -W "--metrics-file --metrics-interval --help --version --registers --formulas --strict
    --verbose --quiet --log-format" -- "$cur")
}
complete -F _mtec_calc mtec-calc

# bash completion for mtec-health
complete -F _mtec_health mtec-health
_mtec_health() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
  case "$prev" in
    -d|--dir) mapfile -t COMPREPLY < <(compgen -d -- "$cur"); return ;;
    --max-age|--stale) return ;;
  esac
  if [[ "$cur" == -* ]]; then mapfile -t COMPREPLY < <(compgen -W "--grace --help --version --dir --max-age --stale" -- "$cur")
  else mapfile -t COMPREPLY < <(compgen -f -X "!*.prom" -- "$cur"); fi
}

# bash completion for mtec2mqtt; after "--" the words go to mtec-publish and
# complete as its options.
_mtec2mqtt() {
  local cur prev i
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD-1]}
  for ((i = 1; i < COMP_CWORD; i++)); do
    if [[ "${COMP_WORDS[i]}" == -- ]]; then
      # mtec-publish's completion, loaded the way bash-completion loads any
      declare -F _mtec_publish >/dev/null ||
        { declare -F _completion_loader >/dev/null && _completion_loader mtec-publish; } 2>/dev/null
      declare -F _mtec_publish >/dev/null && _mtec_publish
      return
    fi
  done
  case "$prev" in
    -c|--config) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
    --log-format) mapfile -t COMPREPLY < <(compgen -W "text json" -- "$cur"); return ;;
    --runtime-dir|--metrics-dir) mapfile -t COMPREPLY < <(compgen -d -- "$cur"); return ;;
  esac
  mapfile -t COMPREPLY < <(compgen -W "--config --runtime-dir --metrics-dir --log-format --verbose --quiet --help --version --" -- "$cur")
}
complete -F _mtec2mqtt mtec2mqtt

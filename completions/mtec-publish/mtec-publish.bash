# bash completion for mtec-publish
_mtec_publish() {
  local cur prev
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD-1]}
  case "$prev" in
    --metrics-file) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
    --metrics-interval) return ;;
    -c|--config|--registers|--password-file|--cafile|--cert|--key|--commands-out|-F|--formulas)
      mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
    --capath) mapfile -t COMPREPLY < <(compgen -d -- "$cur"); return ;;
    --unique-ids) mapfile -t COMPREPLY < <(compgen -W "legacy serial" -- "$cur"); return ;;
    --log-format) mapfile -t COMPREPLY < <(compgen -W "text json" -- "$cur"); return ;;
    -b|--broker|-P|--broker-port|-t|--topic|-i|--client-id|--user|--hass-base|--grace|--device-name|--float-format|--serial|--linger|--max-frame-age|--availability-periods) return ;;
  esac
  mapfile -t COMPREPLY < <(compgen -W "--metrics-file --metrics-interval --help --version --broker --broker-port --topic --client-id
    --user --password-file --cafile --capath --cert --key --insecure --hass --no-hass --hass-base
    --grace --unique-ids --device-name --float-format --commands-out --availability --availability-periods --json
    --unregister --serial --linger --max-frame-age
    --formulas --strict --config --registers --verbose --quiet --log-format" -- "$cur")
}
complete -F _mtec_publish mtec-publish

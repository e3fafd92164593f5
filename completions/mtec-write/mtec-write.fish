# fish completion for mtec-write
function __mtec_write_keys
    mtec-read --list 2>/dev/null | awk '$NF == "RW" {print $2}'
end
# the labels of the register named first (fish escapes the spaces in a label)
function __mtec_write_labels
    for t in (commandline -opc)[2..-1]
        if not string match -q -- '-*' $t
            mtec-read --list-labels $t 2>/dev/null | cut -f1
            return
        end
    end
end
complete -c mtec-write -f -n '__fish_is_nth_token 1' -a '(__mtec_write_keys)'
complete -c mtec-write -f -n '__fish_is_nth_token 2' -a '(__mtec_write_labels)'
complete -c mtec-write -l help -d 'Show help'
complete -c mtec-write -l version -d 'Show version'
complete -c mtec-write -s y -l yes -d 'Do not ask'
complete -c mtec-write -s n -l dry-run -d 'Write nothing'
complete -c mtec-write -l raw -d 'Write a raw word, unchecked (needs --yes)'
complete -c mtec-write -l stdin -d 'Commands from stdin'
complete -c mtec-write -l via -r -F -d 'Control socket'
complete -c mtec-write -l direct -d 'Own connection'
complete -c mtec-write -s H -l host -x -d 'Inverter host'
complete -c mtec-write -s p -l port -x -d 'Modbus port'
complete -c mtec-write -s u -l unit -x -d 'Unit id'
complete -c mtec-write -l timeout -x -d 'Timeout in seconds'
complete -c mtec-write -l framer -x -a 'tcp rtu' -d 'Framing'
complete -c mtec-write -s c -l config -r -F -d 'Config file'
complete -c mtec-write -l registers -r -F -d 'Register catalog'
complete -c mtec-write -s q -l quiet -d 'No result line'
complete -c mtec-write -l metrics-file -r -F -d 'Keep Prometheus metrics in FILE'
complete -c mtec-write -l metrics-interval -x -d 'Rewrite the metrics file every SECONDS'
complete -c mtec-write -l log-format -x -a "text json" -d 'Log line format'
complete -c mtec-write -l port2 -x -d 'Fallback port'
complete -c mtec-write -s v -l verbose -d 'More log output'

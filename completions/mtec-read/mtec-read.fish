# fish completion for mtec-read; keys and groups come from the tool.
function __mtec_read_keys
    mtec-read --list 2>/dev/null | awk 'NR>1 && $1 != "-" {print $2 "\t" $3}'
end
function __mtec_read_groups
    mtec-read --list 2>/dev/null | awk 'NR>1 {print $3}' | sort -u
end
complete -c mtec-read -f -a '(__mtec_read_keys)'
complete -c mtec-read -l help -d 'Show help'
complete -c mtec-read -l version -d 'Show version'
complete -c mtec-read -s g -l group -x -a '(__mtec_read_groups)' -d 'Read a group'
complete -c mtec-read -s a -l all -d 'Read every group'
complete -c mtec-read -s l -l list -d 'Print the catalog'
complete -c mtec-read -l list-labels -x -a '(__mtec_read_keys)' -d 'Print the labels of a register'
complete -c mtec-read -l show-config -d 'Print the effective settings'
complete -c mtec-read -s f -l follow -d 'Poll until stopped'
complete -c mtec-read -l control -r -F -d 'Control socket'
complete -c mtec-read -s r -l raw -d 'Add raw words'
complete -c mtec-read -s t -l table -d 'Aligned columns'
complete -c mtec-read -s H -l host -x -d 'Inverter host'
complete -c mtec-read -s p -l port -x -d 'Modbus port'
complete -c mtec-read -l port2 -x -d 'Fallback port'
complete -c mtec-read -s u -l unit -x -d 'Unit id'
complete -c mtec-read -l timeout -x -d 'Timeout in seconds'
complete -c mtec-read -l framer -x -a 'tcp rtu' -d 'Framing'
complete -c mtec-read -l max-gap -x -d 'Gap words'
complete -c mtec-read -l refresh-now -x -d 'Poll period'
complete -c mtec-read -s c -l config -r -F -d 'Config file'
complete -c mtec-read -l registers -r -F -d 'Register catalog'
complete -c mtec-read -l log-format -x -a 'text json' -d 'Log format'

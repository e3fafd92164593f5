# fish completion for mtec2mqtt
complete -c mtec2mqtt -s h -l help -d 'Show help'
complete -c mtec2mqtt -l version -d 'Show version'
complete -c mtec2mqtt -s c -l config -r -F -d 'Config file'
complete -c mtec2mqtt -l runtime-dir -x -a '(__fish_complete_directories)' -d 'Control socket and FIFOs'
complete -c mtec2mqtt -l metrics-dir -x -a '(__fish_complete_directories)' -d 'Prometheus metrics of every stage'
complete -c mtec2mqtt -s v -l verbose -d 'More log lines from every stage'
complete -c mtec2mqtt -s q -l quiet -d 'Fewer log lines from every stage'
complete -c mtec2mqtt -l log-format -x -a 'text json' -d 'Log format of every stage'

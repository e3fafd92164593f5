# fish completion for mtec-calc
complete -c mtec-calc -f
complete -c mtec-calc -l help -d 'Show help'
complete -c mtec-calc -l version -d 'Show version'
complete -c mtec-calc -l registers -r -F -d 'Register catalog'
complete -c mtec-calc -s F -l formulas -r -F -d 'Overlay of calculated entries'
complete -c mtec-calc -l strict -d 'Exit 65 at the first bad line'
complete -c mtec-calc -l log-format -x -a 'text json' -d 'Log format'
complete -c mtec-calc -l metrics-file -r -F -d 'Keep Prometheus metrics in FILE'
complete -c mtec-calc -l metrics-interval -x -d 'Rewrite the metrics file every SECONDS'
complete -c mtec-calc -s q -l quiet -d 'Less log output'
complete -c mtec-calc -s v -l verbose -d 'More log output'

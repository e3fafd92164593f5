# fish completion for mtec-health
complete -c mtec-health -l help -d 'Show help'
complete -c mtec-health -l version -d 'Show version'
complete -c mtec-health -s d -l dir -r -a '(__fish_complete_directories)' -d 'Metrics directory'
complete -c mtec-health -l max-age -x -d 'Max age of now-base data'
complete -c mtec-health -l stale -x -d 'Max age of a metrics file'
complete -c mtec-health -l grace -x -d 'A tool started less than SECONDS ago is starting'

# bash completion for kmemlab-analyze (installed) and ./analyze (the tree).
#
# Every word list comes from the analyzer itself, so it cannot drift: the
# commands from `--list-commands`, the --sort keys from `--list-sort-keys`
# (report-sort.c's table), each command's options from the OPTIONS of its
# `COMMAND --help` (main.c's table).  Files: recordings, *.dat and perf.data.
# Installed where bash-completion loads it on demand
# (share/bash-completion/completions/kmemlab-analyze); for ./analyze,
# source it: . packaging/kmemlab-analyze.bash

_kmemlab_analyze()
{
	local cur prev analyze cmd= i
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	analyze=${COMP_WORDS[0]}
	COMPREPLY=()

	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done

	if [ -z "$cmd" ]; then
		mapfile -t COMPREPLY < <(compgen -W "$("$analyze" --list-commands 2>/dev/null) --help --version" -- "$cur")
		return
	fi

	case $prev in
	-s|--sort)
		# KEY[,KEY]: complete the key after the last comma, '-' kept
		local head=${cur%,*} key=${cur##*,} sign=
		[ "$head" = "$cur" ] && head= || head=$head,
		case $key in -*) sign=-; key=${key#-} ;; esac
		mapfile -t COMPREPLY < <(compgen -P "$head$sign" -W "$("$analyze" --list-sort-keys 2>/dev/null)" -- "$key")
		compopt -o nospace 2>/dev/null
		return ;;
	-o|--output)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return ;;
	-r|--run|-b|--buffer|--settle)
		return ;;
	esac

	case $cmd in
	help)
		mapfile -t COMPREPLY < <(compgen -W "$("$analyze" --list-commands 2>/dev/null)" -- "$cur")
		return ;;
	esac

	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$("$analyze" "$cmd" --help 2>/dev/null |
			sed -n '/^OPTIONS$/,/^[A-Z]/s/^    \(-.*\)/\1/p' |
			grep -oE -- '--?[a-z][a-z-]*')" -- "$cur")
		return
	fi
	case $cmd in
	report|check|layout)
		# recordings, and directories to look into (-o filenames: a '/')
		mapfile -t COMPREPLY < <(compgen -f -X '!@(*.dat|perf.data*)' -- "$cur"
			compgen -d -- "$cur")
		compopt -o filenames 2>/dev/null ;;
	esac
}
complete -F _kmemlab_analyze kmemlab-analyze analyze

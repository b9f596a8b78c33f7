# bash completion for ivsrt (bash 4 or later).
# Load it in the current shell:   source <(ivsrt completion bash)
# or install it for every shell:  ivsrt completion bash > ~/.local/share/bash-completion/completions/ivsrt
# It asks the program itself (ivsrt __complete <words>), so it never goes stale.

_ivsrt() {
    local i word
    local -a args=()
    # bash splits words at ':' and '=' (COMP_WORDBREAKS), which cuts ARNs and --flag=value apart:
    # glue those pieces back together before asking.
    for ((i = 1; i <= COMP_CWORD; i++)); do
        word="${COMP_WORDS[i]}"
        if ((i > 1 && ${#args[@]} > 0)) && [[ $word =~ ^[:=]+$ || ${COMP_WORDS[i-1]} =~ ^[:=]+$ ]]; then
            args[${#args[@]}-1]+="$word"
        else
            args+=("$word")
        fi
    done
    local cur="${args[${#args[@]}-1]}"

    local line last="" directive
    local -a values=()
    while IFS= read -r line; do
        [[ -n $last ]] && values+=("${last%%$'\t'*}")
        last=$line
    done < <(ivsrt __complete "${args[@]}" 2>/dev/null)
    [[ $last == :* ]] || return 0
    directive=${last#:}
    ((directive & 1)) && return 0

    # readline replaces only the text after the last ':' or '=', so drop everything up to it.
    local prefix="${cur%"${cur##*[:=]}"}"
    COMPREPLY=()
    for word in "${values[@]}"; do
        COMPREPLY+=("${word#"$prefix"}")
    done
    ((directive & 2)) && compopt -o nospace 2>/dev/null
    if ((${#COMPREPLY[@]} == 0 && !(directive & 4))); then
        compopt -o default 2>/dev/null
    fi
    return 0
}
complete -F _ivsrt ivsrt

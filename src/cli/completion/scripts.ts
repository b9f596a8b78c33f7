// The shell side of completion: thin shims that pass the words typed so far to `ivsrt __complete` and
// show its answer (engine.ts explains the protocol). Static text, so `completions/` in the package holds
// the same bytes, kept equal by test/completion/scripts.test.ts.

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** Where the package ships each script, relative to its root. */
export const SCRIPT_FILES: Record<Shell, string> = {
  bash: 'completions/ivsrt.bash',
  zsh: 'completions/_ivsrt',
  fish: 'completions/ivsrt.fish',
};

const BASH = String.raw`# bash completion for ivsrt (bash 4 or later).
# Load it in the current shell:   source <(ivsrt completion bash)
# or install it for every shell:  ivsrt completion bash > ~/.local/share/bash-completion/completions/ivsrt
# It asks the program itself (ivsrt __complete <words>), so it never goes stale.

_ivsrt() {
    local i word
    local -a args=()
    # bash splits words at ':' and '=' (COMP_WORDBREAKS), which cuts ARNs and --flag=value apart:
    # glue those pieces back together before asking.
    for ((i = 1; i <= COMP_CWORD; i++)); do
        word="\${COMP_WORDS[i]}"
        if ((i > 1 && \${#args[@]} > 0)) && [[ $word =~ ^[:=]+$ || \${COMP_WORDS[i-1]} =~ ^[:=]+$ ]]; then
            args[\${#args[@]}-1]+="$word"
        else
            args+=("$word")
        fi
    done
    local cur="\${args[\${#args[@]}-1]}"

    local line last="" directive
    local -a values=()
    while IFS= read -r line; do
        [[ -n $last ]] && values+=("\${last%%$'\t'*}")
        last=$line
    done < <(ivsrt __complete "\${args[@]}" 2>/dev/null)
    [[ $last == :* ]] || return 0
    directive=\${last#:}
    ((directive & 1)) && return 0

    # readline replaces only the text after the last ':' or '=', so drop everything up to it.
    local prefix="\${cur%"\${cur##*[:=]}"}"
    COMPREPLY=()
    for word in "\${values[@]}"; do
        COMPREPLY+=("\${word#"$prefix"}")
    done
    ((directive & 2)) && compopt -o nospace 2>/dev/null
    if ((\${#COMPREPLY[@]} == 0 && !(directive & 4))); then
        compopt -o default 2>/dev/null
    fi
    return 0
}
complete -F _ivsrt ivsrt
`;

const ZSH = String.raw`#compdef ivsrt
# zsh completion for ivsrt.
# Load it in the current shell:   source <(ivsrt completion zsh)
# or install it in your fpath:    ivsrt completion zsh > "\${fpath[1]}/_ivsrt"
# It asks the program itself (ivsrt __complete <words>), so it never goes stale.

_ivsrt() {
    local out last directive line value description
    local -a lines candidates
    out=$(ivsrt __complete "\${(@)words[2,CURRENT]}" 2>/dev/null) || return 1
    lines=("\${(@f)out}")
    last=\${lines[-1]}
    [[ $last == :* ]] || return 1
    directive=\${last#:}
    (( directive & 1 )) && return 1
    for line in "\${(@)lines[1,-2]}"; do
        value=\${line%%$'\t'*}
        description=""
        [[ $line == *$'\t'* ]] && description=\${line#*$'\t'}
        # _describe splits value from description at the first unescaped ':', and ARNs are full of them.
        candidates+=("\${value//:/\\:}\${description:+:$description}")
    done
    if (( \${#candidates} )); then
        if (( directive & 2 )); then
            _describe -t values ivsrt candidates -S ''
        else
            _describe -t values ivsrt candidates
        fi
    elif (( ! (directive & 4) )); then
        _files
    fi
}

if [[ "\${funcstack[1]}" == _ivsrt ]]; then
    _ivsrt "$@"
else
    # A bare zsh (no .zshrc, or one without compinit) has no compdef yet: start the completion system first.
    if (( ! \${+functions[compdef]} )); then
        autoload -Uz compinit && compinit -i
    fi
    compdef _ivsrt ivsrt
fi
`;

const FISH = String.raw`# fish completion for ivsrt.
# Load it in the current shell:   ivsrt completion fish | source
# or install it for every shell:  ivsrt completion fish > ~/.config/fish/completions/ivsrt.fish
# It asks the program itself (ivsrt __complete <words>), so it never goes stale.

function __ivsrt_complete
    set -l words (commandline -opc) (commandline -ct)
    set -l lines (ivsrt __complete $words[2..-1] 2>/dev/null)
    or return
    set -l last $lines[-1]
    string match -q -- ':*' "$last"; or return
    set -l directive (string sub -s 2 -- $last)
    test (math "$directive % 2") -eq 1; and return
    set -e lines[-1]
    if test (count $lines) -eq 0; and test (math "floor($directive / 4) % 2") -eq 0
        __fish_complete_path (commandline -ct)
        return
    end
    printf '%s\n' $lines
end

complete -c ivsrt -f -a '(__ivsrt_complete)'
`;

const SCRIPTS: Record<Shell, string> = { bash: BASH, zsh: ZSH, fish: FISH };

export function isShell(name: string): name is Shell {
  return (SHELLS as readonly string[]).includes(name);
}

/** String.raw keeps the scripts readable; `\${` is how a template literal spells a literal `${`. */
export function completionScript(shell: Shell): string {
  return SCRIPTS[shell].replaceAll('\\${', '${');
}

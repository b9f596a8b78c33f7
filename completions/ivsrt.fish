# fish completion for ivsrt.
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

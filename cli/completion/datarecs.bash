# bash completion for datarecs (installed by CMake into share/bash-completion/completions).
_datarecs()
{
    local cur prev words cword
    _init_completion 2>/dev/null || {
        cur="${COMP_WORDS[COMP_CWORD]}"; prev="${COMP_WORDS[COMP_CWORD-1]}"
        words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD
    }

    local commands="login logout whoami api-key audit roles workspaces quota"
    local global="--server --output --help"
    # Every option that is followed by a value, in any command (as in CommandLine::parse).
    local with_value=" --server --output --email --name --role --workspace --description --expires --status
        --search --stale-days --rotation-days --limit --api-key-id --actor --action --outcome --since --until
        --format --idempotency-key "

    # The command words typed so far ("api-key list"), wherever they are: options may come first
    # (`datarecs --output json api-key list`), so skip every option and its value rather than trust
    # word positions. A leading "help" asks for a command's help: remember it, then complete the
    # command words after it as usual.
    local cmd=() help="" i w
    for ((i = 1; i < cword; i++)); do
        w=${words[i]}
        case "$w" in
            --*=*) ;;
            -*)
                if [[ ${words[i+1]} == "=" ]]; then
                    ((i += 2)) # --option=VALUE, which bash splits at the "="
                elif [[ $with_value == *" $w "* ]]; then
                    ((i += 1))
                fi ;;
            help) if [[ ${#cmd[@]} -eq 0 && -z $help ]]; then help=1; else cmd+=("$w"); fi ;;
            *) cmd+=("$w") ;;
        esac
    done

    # The value of --option=VALUE: bash splits the word at the "=".
    [[ $prev == "=" && $cword -ge 2 ]] && prev=${words[cword-2]}
    case "$prev" in
        --output)
            if [[ "${cmd[0]} ${cmd[1]}" == "audit export" ]]; then
                COMPREPLY=($(compgen -f -- "$cur"))
            else
                COMPREPLY=($(compgen -W "table json csv" -- "$cur"))
            fi
            return ;;
        --status) COMPREPLY=($(compgen -W "all enabled disabled expired stale rotation-due" -- "$cur")); return ;;
        --outcome) COMPREPLY=($(compgen -W "success refused error" -- "$cur")); return ;;
        --format) COMPREPLY=($(compgen -W "csv ndjson" -- "$cur")); return ;;
        --role) COMPREPLY=($(compgen -W "owner admin workspace_admin workspace_editor workspace_viewer" -- "$cur")); return ;;
        --server|--email|--name|--description|--search|--workspace|--api-key-id|--expires|--idempotency-key|--since|--until|--limit|--actor|--action|--stale-days|--rotation-days)
            return ;;
    esac

    local subcommands=""
    case "${cmd[0]}" in
        api-key) subcommands="list show create update enable disable delete rotate check" ;;
        audit) subcommands="list export verify" ;;
    esac
    if [[ ${#cmd[@]} -eq 0 && $cur != -* ]]; then
        # "help" only makes sense first, and not twice.
        [[ -z $help ]] && commands+=" help"
        COMPREPLY=($(compgen -W "$commands" -- "$cur")); return
    fi
    if [[ ${#cmd[@]} -eq 1 && -n $subcommands && $cur != -* ]]; then
        COMPREPLY=($(compgen -W "$subcommands" -- "$cur")); return
    fi
    # "help COMMAND" reads nothing more.
    [[ -n $help ]] && return

    local opts=""
    case "${cmd[0]} ${cmd[1]}" in
        "login "*) opts="--email" ;;
        "api-key list") opts="--status --search --workspace --stale-days --rotation-days --limit" ;;
        "api-key show"|"api-key enable"|"api-key disable") opts="--api-key-id" ;;
        "api-key delete") opts="--api-key-id --yes" ;;
        "api-key create") opts="--name --role --workspace --description --expires --idempotency-key" ;;
        "api-key update") opts="--api-key-id --name --description" ;;
        "api-key rotate") opts="--api-key-id --name --description --expires --idempotency-key" ;;
        "audit list") opts="--api-key-id --actor --action --outcome --since --until --limit" ;;
        "audit export") opts="--api-key-id --actor --action --outcome --since --until --format" ;;
    esac
    COMPREPLY=($(compgen -W "$opts $global" -- "$cur"))
}
complete -F _datarecs datarecs

# bash completion for datarecs (installed by CMake into share/bash-completion/completions).
_datarecs()
{
    local cur prev words cword
    _init_completion 2>/dev/null || {
        cur="${COMP_WORDS[COMP_CWORD]}"; prev="${COMP_WORDS[COMP_CWORD-1]}"
        words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD
    }

    local commands="login logout whoami api-key audit roles workspaces quota help"
    local global="--server --output --help"

    case "$prev" in
        --output)
            if [[ "${words[1]}" == audit && "${words[2]}" == export ]]; then
                COMPREPLY=($(compgen -f -- "$cur"))
            else
                COMPREPLY=($(compgen -W "table json csv" -- "$cur"))
            fi
            return ;;
        --status) COMPREPLY=($(compgen -W "all enabled disabled expired stale rotation-due" -- "$cur")); return ;;
        --outcome) COMPREPLY=($(compgen -W "success refused error" -- "$cur")); return ;;
        --format) COMPREPLY=($(compgen -W "csv ndjson" -- "$cur")); return ;;
        --role) COMPREPLY=($(compgen -W "owner admin workspace_admin workspace_editor workspace_viewer" -- "$cur")); return ;;
        --server|--email|--name|--description|--search|--workspace|--api-key-id|--expires|--since|--until|--limit|--actor|--action|--stale-days|--rotation-days)
            return ;;
    esac

    local opts=""
    case "${words[1]}" in
        login) opts="--email" ;;
        api-key)
            if [[ $cword -eq 2 ]]; then
                COMPREPLY=($(compgen -W "list show create update enable disable delete rotate check" -- "$cur")); return
            fi
            case "${words[2]}" in
                list) opts="--status --search --workspace --stale-days --rotation-days --limit" ;;
                show|enable|disable) opts="--api-key-id" ;;
                delete) opts="--api-key-id --yes" ;;
                create) opts="--name --role --workspace --description --expires" ;;
                update) opts="--api-key-id --name --description" ;;
                rotate) opts="--api-key-id --name --description --expires" ;;
            esac ;;
        audit)
            if [[ $cword -eq 2 ]]; then
                COMPREPLY=($(compgen -W "list export verify" -- "$cur")); return
            fi
            local filters="--api-key-id --actor --action --outcome --since --until"
            case "${words[2]}" in
                list) opts="$filters --limit" ;;
                export) opts="$filters --format" ;;
            esac ;;
        *)
            if [[ $cword -eq 1 ]]; then
                COMPREPLY=($(compgen -W "$commands" -- "$cur")); return
            fi ;;
    esac
    COMPREPLY=($(compgen -W "$opts $global" -- "$cur"))
}
complete -F _datarecs datarecs

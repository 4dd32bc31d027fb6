# SPDX-License-Identifier: MIT
# bash completion for trialwatch(1): commands, their flags, event types (also after a comma in --type), tracked NCT
# IDs from `trialwatch list --json` (of the --db on the line, if any) and channel names from the configuration file.

# Print the value of global option $1 (--db or --config) given on the command line, ~ expanded; nothing if absent.
_trialwatch_option_value() {
  local i value=""
  for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
    [[ "${COMP_WORDS[i]}" == "$1" ]] || continue
    value="${COMP_WORDS[i + 1]}"
    [[ "$value" == "=" ]] && value="${COMP_WORDS[i + 2]:-}"  # --db=FILE: bash splits at '='
  done
  [[ "$value" == "~" || "$value" == "~/"* ]] && value="$HOME${value:1}"
  printf '%s' "$value"
}

# Print the NCT IDs tracked in the database trialwatch would read with the --db on the line, once each.
_trialwatch_tracked_ids() {
  local db
  db=$(_trialwatch_option_value --db)
  local -a args=()
  [[ -n "$db" ]] && args=(--db "$db")
  # each study's object holds its ID twice (its own and its last event's): hence sort -u
  trialwatch "${args[@]}" list --json 2>/dev/null | grep -o '"nct_id":"NCT[0-9]*"' | cut -d'"' -f4 | sort -u
}

# Print the names of the [[notify]] channels in the configuration file trialwatch would read.
_trialwatch_channel_names() {
  local config
  config=$(_trialwatch_option_value --config)
  if [[ -z "$config" ]]; then
    if [[ -n "${TRIALWATCH_CONFIG:-}" ]]; then
      config=$TRIALWATCH_CONFIG
    elif [[ $EUID -eq 0 ]]; then
      config=/etc/trialwatch/trialwatch.toml
    else
      config=${XDG_CONFIG_HOME:-$HOME/.config}/trialwatch/trialwatch.toml
    fi
  fi
  [[ -r "$config" ]] || return 0
  awk '/^[[:space:]]*\[/ { in_notify = ($0 ~ /^[[:space:]]*\[\[[[:space:]]*notify[[:space:]]*\]\]/) }
       in_notify && match($0, /^[[:space:]]*name[[:space:]]*=[[:space:]]*("[^"]*"|\047[^\047]*\047)/) {
         value = substr($0, RSTART, RLENGTH); sub(/^[^=]*=[[:space:]]*./, "", value); print substr(value, 1, length(value) - 1)
       }' "$config"
}

_trialwatch() {
  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD - 1]}" cword=$COMP_CWORD
  local -a words=("${COMP_WORDS[@]}")
  local commands="track untrack list status events history show diff backfill related export feed notify due serve migrate"
  local global="--db --config --color --wide --help --version"
  local command="" subcommand="" i arguments=0
  if [[ "$prev" == "=" && $cword -ge 2 ]]; then prev="${words[cword - 2]}"; fi  # --type=..., split by bash at '='
  if [[ "$cur" == "=" ]]; then cur=""; fi
  for ((i = 1; i < cword; i++)); do
    case "${words[i]}" in
      --db | --config | --color)
        ((i++))
        [[ "${words[i]:-}" == "=" ]] && ((i++))
        ;;
      -*) ;;
      *)
        if [[ -z "$command" ]]; then
          command="${words[i]}"
        elif [[ -z "$subcommand" ]]; then
          subcommand="${words[i]}"
        else
          arguments=$((arguments + 1))
        fi
        ;;
    esac
  done
  case "$prev" in
    --db | --config | --output | --to)
      [[ "$prev" == --to && "$command" != migrate ]] && return  # diff --to takes a version number
      compopt -o filenames 2>/dev/null
      mapfile -t COMPREPLY < <(compgen -f -- "$cur")
      return
      ;;
    --color) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
    --format) COMPREPLY=($(compgen -W "jsonl csv" -- "$cur")); return ;;
    --type)
      local types="study_tracked last_updated status_changed results_submitted results_returned results_posted
        results_updated enrollment_changed dates_changed eligibility_changed outcomes_changed arms_changed
        sponsor_changed title_changed locations_changed documents_changed study_reprocessed study_removed
        study_aliased search_matched related_found results_overdue"
      # complete the last item of a comma-separated list, keeping the items before it in the word
      local before="" type
      [[ "$cur" == *,* ]] && before="${cur%,*},"
      COMPREPLY=()
      for type in $(compgen -W "$types" -- "${cur##*,}"); do
        [[ ",$before" == *",$type,"* ]] || COMPREPLY+=("$before$type")
      done
      return
      ;;
    --nct) COMPREPLY=($(compgen -W "$(_trialwatch_tracked_ids)" -- "${cur^^}")); return ;;
    --since | --limit | --note | --version | --from | --listen) return ;;
  esac
  if [[ -z "$command" ]]; then
    COMPREPLY=($(compgen -W "$commands $global" -- "$cur")); return
  fi
  local flags=""
  case "$command" in
    track) flags="--note" ;;
    list | status | history | related) flags="--json" ;;
    events) flags="--since --type --nct --limit --json --jsonl" ;;
    show) flags="--version --raw" ;;
    diff) flags="--from --to --json" ;;
    backfill) flags="--full --status" ;;
    export) flags="--format --since" ;;
    feed) flags="--output" ;;
    due) flags="--overdue --json" ;;
    serve) flags="--listen" ;;
    migrate) flags="--to" ;;
    notify)
      if [[ -z "$subcommand" ]]; then
        COMPREPLY=($(compgen -W "test" -- "$cur"))
      elif [[ "$subcommand" == test && $arguments -eq 0 && "$cur" != -* ]]; then
        COMPREPLY=($(compgen -W "$(_trialwatch_channel_names)" -- "$cur"))
      fi
      return
      ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$flags $global" -- "$cur")); return
  fi
  case "$command" in
    untrack | history | show | diff | backfill | related)
      COMPREPLY=($(compgen -W "$(_trialwatch_tracked_ids)" -- "${cur^^}")) ;;
  esac
}
complete -F _trialwatch trialwatch

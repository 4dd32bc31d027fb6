# SPDX-License-Identifier: MIT
# bash completion for trialwatch(1): commands, their flags, event types, and tracked NCT IDs from `trialwatch list --json`.
_trialwatch() {
  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD - 1]}" cword=$COMP_CWORD
  local -a words=("${COMP_WORDS[@]}")
  local commands="track untrack list status events history show diff related export feed notify"
  local global="--db --config --color --help --version"
  local command="" i
  for ((i = 1; i < cword; i++)); do
    case "${words[i]}" in
      --db | --config | --color) ((i++)) ;;
      -*) ;;
      *) command="${words[i]}"; break ;;
    esac
  done
  case "$prev" in
    --db | --config | --output) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --color) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
    --format) COMPREPLY=($(compgen -W "jsonl csv" -- "$cur")); return ;;
    --type)
      local types="study_tracked last_updated status_changed results_submitted results_returned results_posted
        results_updated enrollment_changed dates_changed eligibility_changed outcomes_changed arms_changed
        sponsor_changed title_changed locations_changed documents_changed study_reprocessed study_removed
        study_aliased search_matched related_found"
      COMPREPLY=($(compgen -W "$types" -- "${cur##*,}")); return ;;
    --since | --limit | --note | --version | --from | --to) return ;;
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
    export) flags="--format --since" ;;
    feed) flags="--output" ;;
    notify) COMPREPLY=($(compgen -W "test" -- "$cur")); return ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$flags $global" -- "$cur")); return
  fi
  case "$command" in
    untrack | history | show | diff | related)
      local ids
      ids=$(trialwatch list --json 2>/dev/null | grep -o '"nct_id":"NCT[0-9]*"' | cut -d'"' -f4)
      COMPREPLY=($(compgen -W "$ids" -- "${cur^^}")) ;;
  esac
}
complete -F _trialwatch trialwatch

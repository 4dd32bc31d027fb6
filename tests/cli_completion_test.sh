#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The bash completion offers commands, per-command flags and event types.
set -euo pipefail
source "$1"
complete_words() {
  COMP_WORDS=("$@")
  COMP_CWORD=$(($# - 1))
  COMPREPLY=()
  _trialwatch
  echo "${COMPREPLY[*]}"
}
fail() { echo "FAIL: $*"; exit 1; }
[[ " $(complete_words trialwatch ev) " == *" events "* ]] || fail "commands"
[[ " $(complete_words trialwatch events --j) " == *" --json "* && " $(complete_words trialwatch events --j) " == *" --jsonl "* ]] || fail "events flags"
[[ " $(complete_words trialwatch events --type results_p) " == " results_posted " ]] || fail "event types"
[[ " $(complete_words trialwatch --color a) " == *" always "* ]] || fail "colour"
[[ " $(complete_words trialwatch export --format c) " == " csv " ]] || fail "export formats"
[[ -z "$(complete_words trialwatch diff --from '')" ]] || fail "no completion for a version number"
echo "completion ok"

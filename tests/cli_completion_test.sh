#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The bash completion offers commands, per-command flags, event types (also inside a comma list), tracked NCT IDs
# (once each, from the --db on the line) and notification channel names (from the configuration file it would read).
#   cli_completion_test.sh COMPLETION_FILE TRIALWATCH_PROGRAM
set -euo pipefail
source "$1"
program=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
complete_words() {
  COMP_WORDS=("$@")
  COMP_CWORD=$(($# - 1))
  COMPREPLY=()
  _trialwatch
  echo "${COMPREPLY[*]}"
}
fail() { echo "FAIL: $*"; exit 1; }
expect() { # expect WHAT ACTUAL EXPECTED
  [[ "$2" == "$3" ]] || fail "$1: got '$2', expected '$3'"
}
[[ " $(complete_words trialwatch ev) " == *" events "* ]] || fail "commands"
[[ " $(complete_words trialwatch events --j) " == *" --json "* && " $(complete_words trialwatch events --j) " == *" --jsonl "* ]] || fail "events flags"
expect "event types" "$(complete_words trialwatch events --type results_p)" "results_posted"
[[ " $(complete_words trialwatch --color a) " == *" always "* ]] || fail "colour"
expect "export formats" "$(complete_words trialwatch export --format c)" "csv"
[[ -z "$(complete_words trialwatch diff --from '')" ]] || fail "no completion for a version number"

# A comma list keeps its first items and completes the last; a type already in the list is not offered again.
expect "a comma list" "$(complete_words trialwatch events --type status_changed,res)" \
  "status_changed,results_submitted status_changed,results_returned status_changed,results_posted status_changed,results_updated status_changed,results_overdue"
expect "a comma list, one match" "$(complete_words trialwatch events --type results_posted,status_c)" \
  "results_posted,status_changed"
[[ " $(complete_words trialwatch events --type status_changed,) " != *"status_changed,status_changed"* ]] ||
  fail "a type already in the list is offered again"
expect "--type=" "$(complete_words trialwatch events --type = results_p)" "results_posted"

# Tracked IDs come from the database named by --db on the line (else TRIALWATCH_DB), through the real program.
trialwatch() { "$program" "$@"; }
"$program" --db "$work/a.db" track NCT06613490 NCT04280705 > /dev/null
"$program" --db "$work/b.db" track NCT00973089 > /dev/null
expect "IDs from --db" "$(complete_words trialwatch --db "$work/b.db" diff '')" "NCT00973089"
expect "IDs from --db after the command" "$(complete_words trialwatch diff --db "$work/a.db" nct066)" "NCT06613490"
expect "IDs from TRIALWATCH_DB" "$(TRIALWATCH_DB="$work/a.db" complete_words trialwatch history '')" \
  "NCT04280705 NCT06613490"
expect "--nct offers tracked IDs" "$(complete_words trialwatch --db "$work/a.db" events --nct NCT0428)" "NCT04280705"

# Each ID once, though `list --json` names a study again in its last event (a stand-in program with that output).
trialwatch() {
  printf '%s\n' "$*" > "$work/arguments"
  printf '%s\n' '[{"nct_id":"NCT06613490","versions":2,"last_event":{"id":7,"nct_id":"NCT06613490"}},' \
    '{"nct_id":"NCT04280705","versions":1,"last_event":{"id":3,"nct_id":"NCT04280705"}}]'
}
expect "each ID once" "$(complete_words trialwatch show '')" "NCT04280705 NCT06613490"
complete_words trialwatch --db '~/x.db' show '' > /dev/null
expect "--db with ~ is expanded" "$(cat "$work/arguments")" "--db $HOME/x.db list --json"
complete_words trialwatch --db = /tmp/y.db show '' > /dev/null
expect "--db=FILE" "$(cat "$work/arguments")" "--db /tmp/y.db list --json"

# Channel names: the [[notify]] names of --config, else $TRIALWATCH_CONFIG, else the default file; never a search's.
cat > "$work/a.toml" << 'TOML'
[sync]
track = ["NCT06613490"]
[[search]]
name = "not-a-channel"
cond = "lupus"
[[notify]]
name = "phone"
type = "ntfy"
url_credential = "ntfy_topic"
[[ notify ]]
  name='team-chat'   # a literal string, indented
type = "slack"
TOML
mkdir -p "$work/xdg/trialwatch"
printf '[[notify]]\nname = "from-xdg"\ntype = "exec"\n' > "$work/xdg/trialwatch/trialwatch.toml"
printf '[[notify]]\nname = "from-env"\ntype = "exec"\n' > "$work/env.toml"
expect "channels from --config" "$(complete_words trialwatch --config "$work/a.toml" notify test '')" "phone team-chat"
expect "channels, a prefix" "$(complete_words trialwatch notify test --config "$work/a.toml" t)" "team-chat"
expect "channels from TRIALWATCH_CONFIG" \
  "$(TRIALWATCH_CONFIG="$work/env.toml" XDG_CONFIG_HOME="$work/xdg" complete_words trialwatch notify test '')" "from-env"
# the default file is root's /etc/trialwatch/trialwatch.toml, anyone else's below XDG_CONFIG_HOME: ask as nobody
as_user=()
if [[ $EUID -eq 0 ]]; then
  as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  chmod -R a+rX "$work"
fi
cp "$1" "$work/completion.bash"
expect "channels from the default file" \
  "$(env -u TRIALWATCH_CONFIG XDG_CONFIG_HOME="$work/xdg" "${as_user[@]}" bash -c 'source "$1"
     COMP_WORDS=(trialwatch notify test ""); COMP_CWORD=3; _trialwatch; echo "${COMPREPLY[*]}" ' _ "$work/completion.bash")" "from-xdg"
expect "one name only" "$(complete_words trialwatch --config "$work/a.toml" notify test phone '')" ""
expect "notify's command" "$(complete_words trialwatch notify t)" "test"
echo "completion ok"

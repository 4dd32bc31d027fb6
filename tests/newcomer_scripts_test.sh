#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The scripts a newcomer runs first, run as the README says, with the programs of this build:
#   tour  scripts/tour twice in a row: both runs start from nothing and succeed (a fresh database, a free port)
#   demo  scripts/demo --fast --ntfy URL --keep: versions print as v1 or -, the results day reaches the ntfy topic (a
#         local stand-in for ntfy.sh) through a 0600 credential file, and the "try next" commands work
#   serve scripts/demo --fast --serve: it ends by printing the trial's page URL; the page tells its story (the timeline
#         drawn with its status bands, the results) until SIGTERM stops it
# Each run must leave no process behind and, unless --keep, no temporary folder.
#   newcomer_scripts_test.sh tour|demo|serve SOURCE_DIR BUILD_DIR
set -euo pipefail
mode=$1
source_dir=$2
build_dir=$3
test_dir=$(mktemp -d)
catcher=""
trap '[ -z "$catcher" ] || kill "$catcher" 2>/dev/null || true; rm -rf "$test_dir"' EXIT
# Every process the scripts start inherits this variable: any still running afterwards was left behind.
export TW_NEWCOMER_TEST_MARK="$$-$RANDOM$RANDOM"
export TMPDIR="$test_dir/tmp"
mkdir -p "$TMPDIR"

fail() { echo "FAIL: $*" >&2; exit 1; }
contains() { # contains WHAT FILE TEXT
  grep -qF -- "$3" "$2" || { cat "$2"; fail "$1: no '$3' in the output"; }
}
left_behind() {
  local environ
  for environ in /proc/[0-9]*/environ; do
    { tr '\0' '\n' <"$environ"; } 2>/dev/null | grep -qx "TW_NEWCOMER_TEST_MARK=$TW_NEWCOMER_TEST_MARK" &&
      echo "${environ//[^0-9]/}"
  done
  return 0
}
check_nothing_left() { # check_nothing_left RUN
  local pids
  pids=$(left_behind)
  [ -z "$pids" ] || fail "$1 left processes behind: $(for p in $pids; do tr '\0' ' ' <"/proc/$p/cmdline"; echo; done)"
}

if [ "$mode" = tour ]; then
  for run in 1 2; do
    "$source_dir/scripts/tour" --bin "$build_dir" >"$test_dir/tour$run.out" 2>&1 ||
      { cat "$test_dir/tour$run.out"; fail "run $run exited $?"; }
    contains "run $run: a new database" "$test_dir/tour$run.out" "NCT06613490 study_tracked (version 1)"
    contains "run $run: the results day" "$test_dir/tour$run.out" '"type":"results_posted"'
    contains "run $run: the study's past" "$test_dir/tour$run.out" "3 past versions from the registry's history"
    contains "run $run: results due" "$test_dir/tour$run.out" "NCT06613490  posted   2027-08-28"
    contains "run $run: the related trial" "$test_dir/tour$run.out" "NCT07315503"
    check_nothing_left "run $run"
    [ -z "$(ls -A "$TMPDIR")" ] || fail "run $run left $(ls "$TMPDIR") in TMPDIR"
    echo "ok: tour run $run"
  done
  exit 0
fi

if [ "$mode" = serve ]; then
  out="$test_dir/serve.out"
  "$source_dir/scripts/demo" --fast --serve --bin "$build_dir" >"$out" 2>&1 &
  demo=$!
  url=""
  for _ in $(seq 1200); do
    url=$(grep -o '^http://127\.0\.0\.1:[0-9]*/study/NCT06613490$' "$out" || true)
    [ -n "$url" ] && break
    kill -0 "$demo" 2>/dev/null || { cat "$out"; fail "the demo ended before printing the page's URL"; }
    sleep 0.1
  done
  [ -n "$url" ] || { kill "$demo"; cat "$out"; fail "no page URL printed"; }
  [ "$(tail -n 1 "$out")" = "$url" ] || { kill "$demo"; cat "$out"; fail "the demo did not end with the URL"; }
  curl -sf "$url" >"$test_dir/page.html" || { kill "$demo"; fail "GET $url failed"; }
  kill -TERM "$demo"
  wait "$demo" || true
  contains "the page's timeline" "$test_dir/page.html" '<svg'
  contains "the recruiting band" "$test_dir/page.html" 'data-status="RECRUITING"'
  contains "the completed band" "$test_dir/page.html" 'data-status="COMPLETED"'
  contains "the results" "$test_dir/page.html" 'results_posted'
  check_nothing_left "the demo with --serve"
  [ -z "$(ls -A "$TMPDIR")" ] || fail "the demo left $(ls "$TMPDIR") in TMPDIR"
  echo "ok: demo --serve"
  exit 0
fi

[ "$mode" = demo ] || fail "mode: tour, demo or serve"
# A stand-in for an ntfy server: it records each POST (path, Title, Tags, body) and answers 200.
python3 -u - "$test_dir/pushes" >"$test_dir/catcher.port" <<'PY' &
import http.server, json, sys
class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        with open(sys.argv[1], "a") as out:
            out.write(json.dumps([self.path, self.headers.get("Title"), self.headers.get("Tags"), body]) + "\n")
        self.send_response(200)
        self.end_headers()
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1])
server.serve_forever()
PY
catcher=$!
for _ in $(seq 50); do [ -s "$test_dir/catcher.port" ] && break; sleep 0.1; done
port=$(cat "$test_dir/catcher.port")
out="$test_dir/demo.out"
"$source_dir/scripts/demo" --fast --keep --bin "$build_dir" --ntfy "http://127.0.0.1:$port/secret-topic" >"$out" 2>&1 ||
  { cat "$out"; fail "the demo exited $?"; }
kill "$catcher"
wait "$catcher" 2>/dev/null || true
catcher=""
check_nothing_left "the demo"

grep -q 'vNone' "$out" && fail "a version printed as vNone"
contains "a version" "$out" "NCT06613490  v1  study_tracked"
contains "an event without a version" "$out" "NCT07315503  -   related_found"
contains "the daemon's word on the push" "$out" "notify 'phone': sent NCT06613490 results_posted"
[ -s "$test_dir/pushes" ] || fail "nothing reached the ntfy stand-in"
python3 - "$test_dir/pushes" <<'PY' || fail "the pushes were not one results_posted for NCT06613490"
import json, sys
pushes = [json.loads(line) for line in open(sys.argv[1])]
assert len(pushes) == 1, pushes
path, title, tags, body = pushes[0]
assert path == "/secret-topic" and "NCT06613490" in title and tags == "results_posted", pushes
assert "Results were posted" in body, body
PY

kept=$(ls -d "$TMPDIR"/trialwatch-demo.* 2>/dev/null) || fail "--keep did not keep the demo's folder"
credential="$kept/config/trialwatch/credentials/ntfy_topic"
[ "$(stat -c %a "$credential")" = 600 ] || fail "the credential file's mode is $(stat -c %a "$credential"), not 600"
grep -q secret-topic "$kept/trialwatch.toml" && fail "the topic URL, a secret, is in the configuration file"
# the "try next" commands, run as printed
mapfile -t next < <(sed -n "s|^   \($build_dir/cli/trialwatch --db .*\)|\1|p" "$out")
[ "${#next[@]}" -ge 3 ] || { cat "$out"; fail "the demo printed no commands to try next"; }
for command in "${next[@]}"; do
  $command >>"$test_dir/next.out" 2>&1 || { cat "$test_dir/next.out"; fail "'$command' failed"; }
done
contains "the kept database read by the commands" "$test_dir/next.out" "Results were posted on 2026-09-04"
contains "results due on the demo's database" "$test_dir/next.out" "NCT06613490  posted   2027-08-28"
echo "ok: demo"

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Start the standalone trialwatch-fake-registry on a free loopback port and drive it with curl, as a person would:
# recorded documents, paging, projections, errors, scheduled days and faults over /_control.
set -euo pipefail
binary=$1
data=$2
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$binary" --data "$data/ctgov" --scenario "$data/scenarios/car-nk-results" --port "$port" > /dev/null &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -sf "$base/api/v2/version" > /dev/null && break; sleep 0.1; done

fail() { echo "FAILED: $*" >&2; exit 1; }
expect() { # expect NAME ACTUAL EXPECTED
  [ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"
  echo "ok: $1"
}

expect "version" "$(curl -s "$base/api/v2/version")" '{"apiVersion":"2.0.5","dataTimestamp":"2026-09-01T09:00:05"}'
expect "404 body" "$(curl -s "$base/api/v2/studies/NCT99999999")" "NCT number NCT99999999 not found"
expect "404 status" "$(curl -s -o /dev/null -w '%{http_code}' "$base/api/v2/studies/NCT99999999")" "404"
expect "study" "$(curl -s "$base/api/v2/studies/NCT06613490?fields=OverallStatus")" \
  '{"protocolSection":{"statusModule":{"overallStatus":"RECRUITING"}}}'
page1=$(curl -s "$base/api/v2/studies?fields=NCTId&pageSize=20&countTotal=true")
token=$(printf '%s' "$page1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["nextPageToken"])')
total=$(printf '%s' "$page1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["totalCount"])')
page2=$(curl -s "$base/api/v2/studies?fields=NCTId&pageSize=20&pageToken=$token")
count2=$(printf '%s' "$page2" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["studies"]), "nextPageToken" in d)')
expect "paging" "$count2" "$((total - 20)) False"
expect "next day" "$(curl -s -d '' "$base/_control/day/next" | python3 -c 'import json,sys; print(json.load(sys.stdin)["day"])')" "1"
expect "status after day 1" "$(curl -s "$base/api/v2/studies/NCT06613490?fields=OverallStatus")" \
  '{"protocolSection":{"statusModule":{"overallStatus":"ACTIVE_NOT_RECRUITING"}}}'
expect "history after day 1" "$(curl -s "$base/api/int/studies/NCT06613490?history=true" |
  python3 -c 'import json,sys; print([c["status"] for c in json.load(sys.stdin)["history"]["changes"]])')" \
  "['RECRUITING', 'ACTIVE_NOT_RECRUITING']"
curl -s -X POST -d '{"path":"^/api/v2/version$","kind":"status","status":429,"retry_after":"30"}' "$base/_control/faults" > /dev/null
expect "fault" "$(curl -s -o /dev/null -w '%{http_code}' "$base/api/v2/version")" "429"
expect "fault cleared after one" "$(curl -s -o /dev/null -w '%{http_code}' "$base/api/v2/version")" "200"
logged=$(curl -s "$base/_control/requests" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
# one readiness probe + ten API calls above; control calls are not logged
expect "request log" "$logged" "11"
# A second registry on the same port must refuse at once, not share the port and answer every other request.
start=$SECONDS
second_rc=0
second_err=$(timeout 10 "$binary" --data "$data/ctgov" --port "$port" 2>&1 > /dev/null) || second_rc=$?
expect "second registry on a taken port: exit status" "$second_rc" "69"
expect "second registry on a taken port: message" "$second_err" \
  "trialwatch-fake-registry: port $port is in use (--port 0 picks a free one)"
[ $((SECONDS - start)) -lt 5 ] || fail "the second registry took $((SECONDS - start)) s to refuse"
echo "ok: refused fast"

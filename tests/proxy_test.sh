#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# trialwatchd goes through the proxy the environment names, as docs/configuration.md says: https_proxy or
# HTTPS_PROXY for the registry's https URL, and not for a host in no_proxy. A stand-in proxy records the request
# lines it receives and refuses every tunnel (503), so each --once run ends with 75.
#   proxy_test.sh TRIALWATCHD
set -euo pipefail
daemon=$1
work=$(mktemp -d)
proxy=""
trap '[ -z "$proxy" ] || kill "$proxy" 2>/dev/null || true; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

python3 -u - "$work/requests" >"$work/proxy.port" <<'PY' &
import socketserver, sys
class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        line = self.rfile.readline().decode(errors="replace").strip()
        with open(sys.argv[1], "a") as out:
            out.write(line + "\n")
        self.wfile.write(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1])
server.serve_forever()
PY
proxy=$!
for _ in $(seq 50); do [ -s "$work/proxy.port" ] && break; sleep 0.1; done
proxy_url="http://127.0.0.1:$(cat "$work/proxy.port")"
touch "$work/requests"
printf '[api]\nmax_attempts = 1\nconnect_timeout = "5s"\n' >"$work/trialwatch.toml"
# nothing listens on the discard port: without the proxy the connection is refused
registry="https://127.0.0.1:9/api/v2"

run_once() { # run_once NAME=VALUE...: one cycle with only these proxy variables set; print its exit status
  local status=0
  env -u http_proxy -u https_proxy -u HTTPS_PROXY -u all_proxy -u ALL_PROXY -u no_proxy -u NO_PROXY "$@" \
    "$daemon" --once --config "$work/trialwatch.toml" --db "$work/trialwatch.db" --api-base "$registry" \
    >"$work/daemon.out" 2>&1 || status=$?
  echo "$status"
}

for variable in https_proxy HTTPS_PROXY; do
  : >"$work/requests"
  status=$(run_once "$variable=$proxy_url")
  [ "$status" = 75 ] || { cat "$work/daemon.out"; fail "$variable: exit $status, not 75"; }
  grep -q '^CONNECT 127.0.0.1:9 ' "$work/requests" ||
    fail "$variable: the proxy saw '$(head -1 "$work/requests")', not CONNECT 127.0.0.1:9"
  echo "ok: $variable"
done

: >"$work/requests"
status=$(run_once "https_proxy=$proxy_url" "no_proxy=localhost,127.0.0.1")
[ "$status" = 75 ] || { cat "$work/daemon.out"; fail "no_proxy: exit $status, not 75"; }
[ ! -s "$work/requests" ] || fail "no_proxy: the proxy was asked '$(head -1 "$work/requests")'"
echo "ok: no_proxy"

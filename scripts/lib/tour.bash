# SPDX-License-Identifier: MIT
# What scripts/demo and scripts/tour share: building the programs with visible progress, a fake registry on a free
# port in a temporary folder, and stopping what they started. Sourced from the repository's root.

work=""
keep=false
registry_pid=""
daemon_pid=""

# Build trialwatch, trialwatchd, the fake registry and the man pages in build/demo (a Release build) and set `bin`
# to it; with a build folder given (--bin DIR, for tests), use the programs already built there.
build_programs() {
  bin=${1:-}
  [ -n "$bin" ] && return
  bin=build/demo
  scripts/setup
  echo "== building $bin (the first time takes a few minutes)…"
  mkdir -p "$bin"
  cmake -S . -B "$bin" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTRIALWATCH_DEV_MODE=OFF >"$bin/configure.log" 2>&1 ||
    { cat "$bin/configure.log"; exit 1; }
  cmake --build "$bin" -j "$(nproc)" --target trialwatch trialwatchd trialwatch-fake-registry man_pages
  echo
}

# Stop the background process $1 (a PID this script started), if it still runs, and reap it.
stop_started() {
  [ -n "$1" ] || return 0
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# On exit: stop the daemon and the registry, then remove the temporary folder unless --keep asked to keep it.
cleanup() {
  stop_started "$daemon_pid"
  stop_started "$registry_pid"
  if [ -n "$work" ] && ! $keep; then rm -rf "$work"; fi
}

# Make the temporary folder `work` (removed on exit unless --keep) and arrange for cleanup.
make_work_folder() {
  work=$(mktemp -d "${TMPDIR:-/tmp}/trialwatch-$1.XXXXXX")
  trap cleanup EXIT
  trap 'exit 130' INT TERM
}

# Start the fake registry on a free port, playing NCT06613490's registry days; set `registry_pid`, `api` (its API
# root) and `control` (its /_control root).
start_fake_registry() {
  "$bin/tests/fakeregistry/trialwatch-fake-registry" --data tests/data/ctgov \
    --scenario tests/data/scenarios/car-nk-results --port 0 >"$work/registry.out" 2>&1 &
  registry_pid=$!
  for _ in $(seq 100); do
    grep -q serving "$work/registry.out" && break
    kill -0 "$registry_pid" 2>/dev/null || break
    sleep 0.1
  done
  api=$(sed -n 's/.*serving \([^ ]*\) .*/\1/p' "$work/registry.out")
  [ -n "$api" ] || { echo "the fake registry did not start:"; cat "$work/registry.out"; exit 1; }
  control=${api%/api/v2}/_control
}

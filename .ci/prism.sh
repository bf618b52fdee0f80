#!/usr/bin/env bash
# The Prism contract test: every operation of the client against Stoplight
# Prism mocking the vendor's published document (request validation on,
# random schema-valid answers). Installs Prism with npm when it is missing,
# starts it on a free port, waits for it, runs the test with
# VIDEOGEN_PRISM_URL set, stops it, and fails on any failure.
#
#   bash .ci/prism.sh                      # cargo test --test prism -- --nocapture
#   bash .ci/prism.sh cargo test --workspace   # any command, with Prism up
#
# Bounded as a whole (PRISM_SCRIPT_TIMEOUT seconds, default 300). Settings:
# PRISM_VERSION (5.14.2: the newest that runs on Node.js 20), PRISM_PREFIX
# (where npm installs it; default ~/.cache/videogen-prism), VIDEOGEN_PUBLISHED_SPEC
# (the document; default ../shared/published/videogen-openapi.json),
# VIDEOGEN_PRISM_ROUNDS (calls per operation, default 5), VIDEOGEN_PRISM_BUDGET_SECS
# (the test's own bound on its calls, default 240).
set -euo pipefail
script="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$script")/.."

# The whole script runs under `timeout`, which signals its whole process
# group (cargo, the test, Prism) when the time is up.
if [ -z "${VIDEOGEN_PRISM_SH_BOUNDED:-}" ]; then
    export VIDEOGEN_PRISM_SH_BOUNDED=1
    limit="${PRISM_SCRIPT_TIMEOUT:-300}"
    status=0
    timeout --kill-after=15 "$limit" bash "$script" "$@" || status=$?
    if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
        echo "prism.sh: gave up after ${limit}s (PRISM_SCRIPT_TIMEOUT)" >&2
    fi
    exit "$status"
fi

started=$(date +%s)
limit="${PRISM_SCRIPT_TIMEOUT:-300}"
remaining() { echo $(( limit - ($(date +%s) - started) )); }
say() { printf '==> prism.sh: %s\n' "$*"; }
die() { printf 'prism.sh: %s\n' "$*" >&2; exit 1; }

spec="${VIDEOGEN_PUBLISHED_SPEC:-../shared/published/videogen-openapi.json}"
[ -f "$spec" ] || die "the published document is not at $spec (set VIDEOGEN_PUBLISHED_SPEC)"

# --- Prism: on PATH, in our prefix, or installed there now -----------------
version="${PRISM_VERSION:-5.14.2}"
prefix="${PRISM_PREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/videogen-prism}"
prism=""
if [ -x "$prefix/node_modules/.bin/prism" ]; then
    prism="$prefix/node_modules/.bin/prism"
elif command -v prism >/dev/null 2>&1; then
    prism="$(command -v prism)"
else
    if ! command -v npm >/dev/null 2>&1; then
        say "npm is missing: installing Debian's nodejs and npm"
        timeout 240 apt-get install -y -qq nodejs npm >/dev/null || die "could not install nodejs and npm"
    fi
    say "installing @stoplight/prism-cli@$version into $prefix"
    mkdir -p "$prefix"
    timeout "$(( $(remaining) > 200 ? 200 : $(remaining) ))" \
        npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error "@stoplight/prism-cli@$version" \
        || die "npm install of @stoplight/prism-cli@$version failed"
    prism="$prefix/node_modules/.bin/prism"
    [ -x "$prism" ] || die "prism is not at $prism after npm install"
fi
say "prism $("$prism" --version 2>/dev/null || echo '?') at $prism"

# --- a free port -------------------------------------------------------------
free_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
        return
    fi
    local port
    for _ in $(seq 1 50); do
        port=$(( 20000 + RANDOM % 30000 ))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    die "no free port found"
}
port="$(free_port)"
url="http://127.0.0.1:$port"

# --- start Prism (never outliving this script), wait until it answers -------
log="$(mktemp -t prism-log.XXXXXX)"
prism_pid=""
stop_prism() {
    if [ -n "$prism_pid" ] && kill -0 "$prism_pid" 2>/dev/null; then
        kill "$prism_pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$prism_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$prism_pid" 2>/dev/null || true
        wait "$prism_pid" 2>/dev/null || true
    fi
    rm -f "$log"
}
trap stop_prism EXIT
trap 'exit 143' TERM INT

say "starting: prism mock -d -h 127.0.0.1 -p $port $spec"
timeout "$(remaining)" "$prism" mock -d -h 127.0.0.1 -p "$port" "$spec" >"$log" 2>&1 &
prism_pid=$!

ready=""
deadline=$(( $(date +%s) + ${PRISM_READY_TIMEOUT:-60} ))
while [ "$(date +%s)" -lt "$deadline" ]; do
    if ! kill -0 "$prism_pid" 2>/dev/null; then
        cat "$log" >&2
        die "prism exited before it was ready"
    fi
    code="$(curl -s -o /dev/null -m 2 -w '%{http_code}' -H 'Authorization: Bearer readiness' "$url/v1/me" || true)"
    if [ "$code" = "200" ]; then
        ready=1
        break
    fi
    sleep 0.5
done
if [ -z "$ready" ]; then
    tail -n 40 "$log" >&2
    die "prism did not answer on $url within ${PRISM_READY_TIMEOUT:-60}s"
fi
say "prism is answering on $url"

# --- the test ---------------------------------------------------------------
export VIDEOGEN_PRISM_URL="$url"
if [ "$#" -gt 0 ]; then
    say "running: $*"
    "$@"
else
    say "running: cargo test --test prism -- --nocapture"
    nice -n "${PRISM_NICE:-10}" cargo test --test prism -- --nocapture
fi
say "passed"

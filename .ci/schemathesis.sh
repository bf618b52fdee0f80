#!/usr/bin/env bash
# Conformance of videogen-fake with the vendor's published OpenAPI document,
# checked by an independent tool: Schemathesis runs every check it has
# (`--checks all`) over all operations of ../shared/published/videogen-openapi.json
# against the fake's server binary. Bounded: a few examples per operation,
# a per-request timeout and a hard time limit. Exits non-zero on any failure.
#
# Usage: bash .ci/schemathesis.sh [extra `st run` arguments]
# Env:   ST_MAX_EXAMPLES (default 20), ST_TIME_LIMIT seconds (default 420),
#        ST_SEED (default 1), ST_WORKERS (default 1: Hypothesis shares caches
#        between worker threads, and two workers have produced a spurious
#        "Inconsistent results" runtime error), VIDEOGEN_PUBLISHED (the document).
set -euo pipefail
cd "$(dirname "$0")/.."

doc="$(realpath "${VIDEOGEN_PUBLISHED:-../shared/published/videogen-openapi.json}" 2>/dev/null || true)"
max_examples="${ST_MAX_EXAMPLES:-20}"
time_limit="${ST_TIME_LIMIT:-420}"
seed="${ST_SEED:-1}"
workers="${ST_WORKERS:-1}"
[ -n "$doc" ] && [ -f "$doc" ] || { echo "schemathesis.sh: no published document (../shared/published/videogen-openapi.json)" >&2; exit 1; }

if ! command -v st >/dev/null 2>&1; then
    echo "==> installing schemathesis (pip)"
    python3 -m pip install --quiet --disable-pip-version-check schemathesis
    hash -r
fi
st_bin="$(command -v st || true)"
[ -n "$st_bin" ] || st_bin="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')/st"
"$st_bin" --version

echo "==> building the fake's server binary"
nice -n 10 cargo build --quiet -p videogen-fake --bin videogen-fake
bin="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/debug/videogen-fake"

work="$(mktemp -d)"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# A free port (--port 0); the binary prints its URL and key once it listens.
"$bin" --port 0 --seed "$seed" --job-duration 2s --demo >"$work/env" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 1 100); do
    grep -q '^VIDEOGEN_API_KEY=' "$work/env" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
    sleep 0.1
done
base_url="$(sed -n 's/^VIDEOGEN_BASE_URL=//p' "$work/env")"
api_key="$(sed -n 's/^VIDEOGEN_API_KEY=//p' "$work/env")"
[ -n "$base_url" ] && [ -n "$api_key" ] || { echo "the fake did not start" >&2; cat "$work/server.log" >&2; exit 1; }
echo "==> fake at $base_url (pid $server_pid)"

echo "==> st run: $doc, --checks all, --max-examples $max_examples, hard limit ${time_limit}s"
status=0
# Run from the scratch folder: st keeps its cache (.schemathesis/) in the working directory.
cd "$work"
timeout --kill-after=10 "$time_limit" "$st_bin" run "$doc" \
    --url "$base_url" \
    -H "Authorization: Bearer $api_key" \
    --checks all \
    --max-examples "$max_examples" \
    --request-timeout 10 \
    --seed "$seed" \
    --workers "$workers" \
    --no-color \
    "$@" >"$work/st.log" 2>&1 || status=$?
cat "$work/st.log"
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "schemathesis.sh: st run exceeded ${time_limit}s" >&2
fi

# The server must still be up (no crash), then stop cleanly on SIGTERM.
if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "schemathesis.sh: the fake died during the run" >&2
    cat "$work/server.log" >&2
    exit 1
fi
kill -TERM "$server_pid"
if ! wait "$server_pid"; then
    echo "schemathesis.sh: the fake did not exit cleanly on SIGTERM" >&2
    status=${status:-1}
    [ "$status" -ne 0 ] || status=1
fi
server_pid=""
exit "$status"

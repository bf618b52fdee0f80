#!/usr/bin/env bash
# Where the 64-in-flight calls copy memory: counts every memcpy/memmove of
# 128 bytes or more (size and calling function) in the overhead bench's
# profile mode, for videogen and for raw reqwest, and prints the difference
# per call. Moves of large futures and results are what made the crate's
# calls cost more than raw reqwest's; this is how they were found.
#   bash benches/memcpy_census/run.sh
# Needs gcc. Runs each side for 1 and 4 rounds of 6,400 calls and takes the
# difference, so start-up copies drop out. Build with
# CARGO_PROFILE_BENCH_DEBUG=line-tables-only for file:line detail (`LINES=1`).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
gcc -O2 -shared -fPIC -o "$work/shim.so" "$here/shim.c" -ldl
bin="$(cd "$here/../.." && cargo bench --bench overhead --no-run --message-format=json 2>/dev/null |
    python3 -c 'import json,sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("executable") and m["target"]["name"] == "overhead": print(m["executable"])')"
for side in videogen reqwest; do
    for rounds in 1 4; do
        MC_OUT="$work/$side.$rounds" LD_PRELOAD="$work/shim.so" VIDEOGEN_PROFILE="$side:$rounds" "$bin" >/dev/null
    done
done
python3 "$here/report.py" "$bin" "$work" "${LINES:-0}"

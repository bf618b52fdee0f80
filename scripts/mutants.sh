#!/usr/bin/env bash
# Mutation testing of the core modules with cargo-mutants (https://mutants.rs).
#
#   bash scripts/mutants.sh                 # every group below (about 2 to 3 hours on 2 cores)
#   bash scripts/mutants.sh retry paging    # some groups
#   bash scripts/mutants.sh --list          # the groups, their files and test targets
#
# Too slow for .ci/run, which runs only the `retry` group. Each group names its
# files by path: when a function moves, update the paths here, not the tests,
# which go through the public API. Equivalent mutants are excluded, each
# with its reason, in .cargo/mutants.toml. Figures: TESTING.md.
#
# Results go to target/mutants/<group>/mutants.out (MUTANTS_OUT to change), and
# a summary table to target/mutants/summary.md. Exits non-zero when any group
# has a missed mutant or a timeout.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
# A target directory of its own, kept between runs: each mutant then rebuilds
# only this crate and the test targets its group needs. (Not the ordinary
# target/: a `cargo` run there during the hours this takes would hold its
# lock and turn mutants into timeouts.) The first run builds the dependencies.
export CARGO_TARGET_DIR="${MUTANTS_TARGET_DIR:-$PWD/target/mutants-build}"
# No debug info for this crate either (dependencies have none already): faster
# builds and links for every mutant, and the tests behave the same.
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-0}"
out="${MUTANTS_OUT:-$PWD/target/mutants}"

# group | files (globs, by path) | test targets: cargo arguments used for the
# build and the test run of every mutant (`--lib` alone is the
# `cargo mutants --file <module> -- --lib` measure, with a lib-only build)
# | optional cargo-mutants options for the group.
groups=(
  "retry|src/retry.rs|--lib"
  "hydration-rule|src/file.rs|--lib"
  "ids-and-paging|src/runtime/ids.rs src/runtime/paging.rs|--lib"
  "webhook-verify|src/webhooks/verify.rs|--lib --test=webhooks_verify"
  "cache|src/api/files/hydration.rs|--lib --test=hydration --test=hydration_fake --test=cancellation --test=faults"
  "call|src/runtime/call.rs src/runtime/hooks.rs|--lib --test=faults --test=wire_errors --test=wire_operations --test=bad_input --test=timeouts --test=spans --test=cancellation"
  "transfer|src/api/files/transfer/*.rs|--lib --test=transfers --test=download_to_cwd --test=timeouts --test=cancellation --test=no_secrets_in_logs --test=downstream --test=jobs_fake"
  # 150 s: a mutant that stops waits from ever ending fails every wait test
  # at its 10 s bound, about 100 s in all on two test threads; the automatic
  # 60 s would report that failure as a timeout.
  "waiting|src/api/jobs/*.rs src/runtime/wakers.rs|--lib --test=jobs_wait --test=jobs_fake --test=webhook_e2e|--timeout=150"
)

if [[ "${1:-}" == "--list" ]]; then
  printf '%s\n' "${groups[@]}" | column -t -s '|'
  exit 0
fi

if ! command -v cargo-mutants >/dev/null; then
  nice -n 10 cargo install --locked cargo-mutants
fi

wanted=("$@")
mkdir -p "$out"
summary="$out/summary.md"
{
  echo "| group | files | mutants | caught | missed | unviable | timeouts |"
  echo "|---|---|---:|---:|---:|---:|---:|"
} > "$summary"
failed=0
for entry in "${groups[@]}"; do
  IFS='|' read -r name files targets options <<< "$entry"
  if ((${#wanted[@]})) && [[ ! " ${wanted[*]} " == *" $name "* ]]; then
    continue
  fi
  args=()
  for f in $files; do args+=(--file "$f"); done
  for t in $targets; do args+=("--cargo-arg=$t"); done
  for o in $options; do args+=("$o"); done
  mkdir -p "$out/$name"
  printf '\n==> %s: %s (%s)\n' "$name" "$files" "$targets"
  status=0
  nice -n 10 cargo mutants --no-shuffle -o "$out/$name" "${args[@]}" || status=$?
  # 0: all caught; 2: missed; 3: timeouts; 4: the unmutated baseline failed.
  if [[ $status -ne 0 ]]; then failed=1; fi
  python3 - "$out/$name/mutants.out/outcomes.json" "$name" "$files" >> "$summary" <<'EOF'
import json, sys
path, name, files = sys.argv[1:]
try:
    d = json.load(open(path))
except (OSError, ValueError):
    print(f"| {name} | {files} | baseline failed | | | | |")
    sys.exit()
print(f"| {name} | {files} | {d['total_mutants']} | {d['caught']} | {d['missed']} | {d['unviable']} | {d['timeout']} |")
EOF
done
printf '\n'
cat "$summary"
exit $failed

#!/usr/bin/env bash
# Runs every benchmark once, then writes BENCHMARKS.md's figures and docs/benchmarks.svg.
#   bash benches/run_all.sh            # items 1-5 (about 5 minutes on 2 cores)
#   bash benches/run_all.sh --consumer # and item 6, the cold consumer builds (several minutes more)
# Figures go to <target dir>/videogen-bench/*.json; set CARGO_TARGET_DIR to use another target dir.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
cargo bench --bench overhead --bench decode --bench hydrate_many --bench cache --bench download
# Issue 14 (not in the table below; figures in BENCHMARKS.md by hand).
cargo bench --bench wait_many
if [[ "${1:-}" == "--consumer" ]]; then
    bash benches/consumer_build.sh
fi
cargo run --release --example bench_report

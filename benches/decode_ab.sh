#!/usr/bin/env bash
# Issue 16's decode target is "no slower than today". This checks it directly:
# the 200-file page (benches/common/payload.rs) decoded into
# `videogen::types::GetFilesResponse` by this tree and by an earlier commit,
# each in its own process, RUNS pairs in alternating order. Each process also
# times the minimal struct of benches/decode.rs, so every side has its ratio too.
#   bash benches/decode_ab.sh [BEFORE=6c73cf7] [RUNS=20]
# 6c73cf7 is the commit whose run gave the issue's 2.05x.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
before="${1:-6c73cf7}"
runs="${2:-20}"
work="$(mktemp -d)"
trap 'git -C "$repo" worktree remove --force "$work/tree" 2>/dev/null; rm -rf "$work"' EXIT
git -C "$repo" worktree add -q --detach "$work/tree" "$before"

# make_side NAME PATH_OF_VIDEOGEN
make_side() {
    mkdir -p "$work/$1/src/bin"
    printf '[package]\nname = "%s"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nvideogen = { path = "%s", default-features = false }\nserde = { version = "1", features = ["derive"] }\nserde_json = "1"\n\n[workspace]\n' \
        "$1" "$2" >"$work/$1/Cargo.toml"
    cat >"$work/$1/src/main.rs" <<EOF
//! Prints the median µs per decode of the page, ours then the minimal struct's.
#[path = "$repo/benches/common/minimal.rs"]
mod minimal;

use minimal::MinimalPage;

fn per_decode<T: serde::de::DeserializeOwned>(json: &[u8]) -> f64 {
    let started = std::time::Instant::now();
    for _ in 0..50 {
        let value: T = serde_json::from_slice(std::hint::black_box(json)).expect("decodes");
        std::hint::black_box(value);
    }
    started.elapsed().as_secs_f64() * 1e6 / 50.0
}

fn main() {
    let json = std::fs::read(std::env::args().nth(1).expect("page path")).expect("page");
    let (mut ours, mut minimal) = (Vec::new(), Vec::new());
    for _ in 0..41 {
        ours.push(per_decode::<videogen::types::GetFilesResponse>(&json));
        minimal.push(per_decode::<MinimalPage>(&json));
    }
    ours.sort_by(f64::total_cmp);
    minimal.sort_by(f64::total_cmp);
    println!("{:.1} {:.1}", ours[20], minimal[20]);
}
EOF
}
make_side before "$work/tree"
make_side now "$repo"
cat >"$work/now/src/bin/page.rs" <<EOF
#[path = "$repo/benches/common/payload.rs"]
#[allow(dead_code)]
mod payload;

fn main() {
    let page = payload::list_page(200, "https://stream.media.videogen.io", payload::unix_now_plus(3600.0));
    std::fs::write(std::env::args().nth(1).expect("out"), serde_json::to_vec(&page).expect("json")).expect("write");
}
EOF
for side in before now; do
    (cd "$work/$side" && CARGO_TARGET_DIR="$work/target-$side" cargo build --release -q)
done
"$work/target-now/release/page" "$work/page.json"

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq 1 "$runs"); do
    if ((i % 2)); then order="before now"; else order="now before"; fi
    for side in $order; do
        echo "$side $("$work/target-$side/release/$side" "$work/page.json")"
    done
done | awk -v before="$before" '
    function median(a, n,   i, j, t) {
        for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
        return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
    }
    { n[$1]++; ours[$1, n[$1]] = $2; ratio[$1, n[$1]] = $2 / $3 }
    END {
        for (i = 1; i <= n["now"]; i++) { p[i] = ours["now", i] / ours["before", i]; o[i] = ours["now", i]; b[i] = ours["before", i]; rn[i] = ratio["now", i]; rb[i] = ratio["before", i] }
        m = n["now"]
        printf "decode of the 200-file page, median of %d processes each\n", m
        printf "  before (%s): %.1f us, %.3fx the minimal struct\n", before, median(b, m), median(rb, m)
        printf "  now:              %.1f us, %.3fx the minimal struct\n", median(o, m), median(rn, m)
        printf "  now / before, pair by pair: %.3f\n", median(p, m)
    }'

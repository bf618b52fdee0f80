#!/usr/bin/env bash
# Item 6: what depending on videogen costs a user. Builds, cold, two throwaway
# hello-world crates in a temporary directory, each with its own empty
# CARGO_TARGET_DIR:
#   hello-videogen: videogen (path dependency on this repo) + tokio, as the README's quickstart;
#   hello-reqwest:  reqwest (json) + serde + serde_json + tokio, what a user would write without us.
# Records the wall and CPU time of `cargo build` (debug, the first build a user
# sees; median of CONSUMER_BUILD_RUNS=3 runs in alternating order), the crates
# compiled, and the packages in `cargo tree` (normal + build edges).
# Dependencies are fetched before the clock starts. Slow (minutes): run once,
# not part of `cargo bench`. Writes <target dir>/videogen-bench/consumer_build.json.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
out="${VIDEOGEN_BENCH_OUT:-${CARGO_TARGET_DIR:-$repo/target}/videogen-bench}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

# make_crate NAME DEPENDENCIES MAIN_RS
make_crate() {
    mkdir -p "$work/$1/src"
    printf '[package]\nname = "%s"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n%s\n[workspace]\n' \
        "$1" "$2" >"$work/$1/Cargo.toml"
    printf '%s\n' "$3" >"$work/$1/src/main.rs"
}

make_crate hello-videogen "videogen = { path = \"$repo\" }
tokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }" '
#[tokio::main]
async fn main() -> Result<(), videogen::Error> {
    let client = videogen::Client::from_env()?;
    let file = client.files().hydrate("vg_file_abc").await?;
    println!("{}", file.download_url().unwrap_or("-"));
    Ok(())
}'

make_crate hello-reqwest 'reqwest = { version = "0.13", features = ["json"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }' '
#[derive(serde::Deserialize)]
struct Source { url: Option<String> }
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct File { download_source: Option<Source> }

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = std::env::var("VIDEOGEN_API_KEY")?;
    let file: File = reqwest::Client::new()
        .post("https://api.videogen.io/v1/files/vg_file_abc/hydrate")
        .bearer_auth(key)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    println!("{}", file.download_source.and_then(|s| s.url).unwrap_or_default());
    Ok(())
}'

# build NAME -> "wall_seconds cpu_seconds compiled": one cold build in an empty target dir.
build() {
    local dir="$work/$1" target="$work/target-$1"
    rm -rf "$target"
    local TIMEFORMAT='%R %U %S' times
    times="$({ time (cd "$dir" && CARGO_TARGET_DIR="$target" cargo build 2>"$work/$1.log"); } 2>&1)"
    read -r wall user sys <<<"$times"
    echo "$wall $(awk "BEGIN { print $user + $sys }") $(grep -c '^ *Compiling ' "$work/$1.log")"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

runs="${CONSUMER_BUILD_RUNS:-3}"
for name in hello-videogen hello-reqwest; do
    (cd "$work/$name" && cargo fetch --quiet)
done
: >"$work/times"
for ((run = 1; run <= runs; run++)); do
    # Alternate the order so a burst of load from elsewhere does not always hit the same crate.
    if ((run % 2)); then order="hello-videogen hello-reqwest"; else order="hello-reqwest hello-videogen"; fi
    for name in $order; do
        read -r wall cpu compiled < <(build "$name")
        echo "run $run $name: ${wall}s wall, ${cpu}s CPU, $compiled crates compiled (load $(cut -d' ' -f1 /proc/loadavg))"
        echo "$name $wall $cpu $compiled" >>"$work/times"
    done
done
stat() { awk -v n="$1" -v col="$2" '$1 == n { print $col }' "$work/times" | median; }
packages() { (cd "$work/$1" && cargo tree -e normal,build --prefix none | sed 's/ (\*)$//' | sort -u | wc -l); }
ours_s="$(stat hello-videogen 2)" ours_cpu="$(stat hello-videogen 3)" ours_compiled="$(stat hello-videogen 4)"
raw_s="$(stat hello-reqwest 2)" raw_cpu="$(stat hello-reqwest 3)" raw_compiled="$(stat hello-reqwest 4)"
ours_packages="$(($(packages hello-videogen) - 1))" raw_packages="$(($(packages hello-reqwest) - 1))"
echo "hello-videogen: median ${ours_s}s wall, ${ours_cpu}s CPU, ${ours_compiled} crates compiled, ${ours_packages} packages"
echo "hello-reqwest:  median ${raw_s}s wall, ${raw_cpu}s CPU, ${raw_compiled} crates compiled, ${raw_packages} packages"
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

versus="reqwest + serde + tokio"
figure() { # item what ours baseline unit note
    printf '    {"item": 6, "what": "%s", "ours": %s, "baseline": %s, "unit": "%s", "versus": "%s", "target": null, "note": "%s"}' \
        "$1" "$2" "$3" "$4" "$versus" "$5"
}
cores="$(nproc)"
{
    printf '{\n  "bench": "consumer_build",\n  "when": "%s",\n  "commit": "%s",\n' \
        "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(git -C "$repo" rev-parse --short HEAD)"
    printf '  "load_before": "%s",\n  "load_after": "%s",\n  "figures": [\n' "$load_before" "$load_after"
    figure "hello world, cold cargo build (debug): wall time" "$ours_s" "$raw_s" "s" "median of $runs alternating runs on $cores cores, dependencies fetched beforehand"
    printf ',\n'
    figure "hello world, cold cargo build (debug): CPU time" "$ours_cpu" "$raw_cpu" "s" "user + sys of cargo and rustc, median of $runs runs"
    printf ',\n'
    figure "hello world, crates compiled" "$ours_compiled" "$raw_compiled" "crates" "Compiling lines of the cold build"
    printf ',\n'
    figure "hello world, dependency packages" "$ours_packages" "$raw_packages" "packages" "cargo tree -e normal,build, unique, root excluded"
    printf '\n  ]\n}\n'
} >"$out/consumer_build.json"
echo "figures saved to $out/consumer_build.json"

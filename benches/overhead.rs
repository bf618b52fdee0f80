//! Item 1: per-call overhead of `client.files().hydrate(id)` against a
//! hand-written reqwest + serde_json call of the same request (decoded into
//! the same `videogen::File`) on the same minimal local server, one call at a
//! time and with 64 in flight.
//!
//! `cargo bench --bench overhead` prints the medians and their ratio.

mod common;

use std::{future::Future, time::Instant};

use common::{
    figures::{Figure, Report, Target},
    payload::API_KEY,
    raw::RawClient,
    sampling::{client_runtime, criterion, Group},
    server::BenchServer,
};
use futures_util::StreamExt;

const ID: &str = "vg_file_obLD1OX2eJCrEs0071Z4kA";
const IN_FLIGHT: u64 = 64;

fn main() {
    let server = BenchServer::start(std::time::Duration::ZERO);
    let runtime = client_runtime();
    let client = |retries: bool| {
        let builder = videogen::Client::builder().api_key(API_KEY).base_url(&server.base);
        let builder = if retries { builder } else { builder.disable_retries() };
        builder.build().expect("client")
    };
    let files = client(true).files();
    let files_no_retries = client(false).files();
    let raw = RawClient::new(&server.base);

    let mut c = criterion();
    let mut report = Report::new("overhead");

    let mut group = Group::new(&mut c, "hydrate_sequential", 30, std::time::Duration::from_secs(5));
    let ours = group.run_async("videogen", &runtime, || async {
        files.hydrate(ID).await.expect("hydrate")
    });
    let ours_no_retries = group.run_async("videogen_retries_off", &runtime, || async {
        files_no_retries.hydrate(ID).await.expect("hydrate")
    });
    let theirs = group.run_async("reqwest_serde_json", &runtime, || async {
        raw.hydrate(ID).await.expect("hydrate")
    });
    group.finish();

    let mut group = Group::new(&mut c, "hydrate_64_in_flight", 20, std::time::Duration::from_secs(5));
    let ours_64 = group.run(&format!("videogen_x{IN_FLIGHT}"), IN_FLIGHT, |iters| {
        in_flight(&runtime, iters, || async { files.hydrate(ID).await.expect("hydrate") })
    });
    let theirs_64 = group.run(&format!("reqwest_serde_json_x{IN_FLIGHT}"), IN_FLIGHT, |iters| {
        in_flight(&runtime, iters, || async { raw.hydrate(ID).await.expect("hydrate") })
    });
    group.finish();

    let versus = "reqwest + serde_json";
    let target = Target::RatioAtMost(1.05);
    if let (Some(ours), Some(theirs)) = (ours, theirs) {
        report.add(Figure::new(1, "hydrate, sequential", ours * 1e6, theirs * 1e6, "µs/call", versus).target(target));
    }
    if let (Some(ours), Some(theirs)) = (ours_no_retries, theirs) {
        report.add(Figure::new(
            1,
            "hydrate, sequential, retries off",
            ours * 1e6,
            theirs * 1e6,
            "µs/call",
            versus,
        ));
    }
    if let (Some(ours), Some(theirs)) = (ours_64, theirs_64) {
        let what = "hydrate, 64 in flight (time per call)";
        report.add(Figure::new(1, what, ours * 1e6, theirs * 1e6, "µs/call", versus).target(target));
    }
    report.save();
    c.final_summary();
}

/// Runs `iters * 64` calls with 64 in flight and returns the elapsed time.
fn in_flight<F, Fut>(runtime: &tokio::runtime::Runtime, iters: u64, call: F) -> std::time::Duration
where
    F: Fn() -> Fut,
    Fut: Future,
{
    runtime.block_on(async {
        let started = Instant::now();
        let calls = futures_util::stream::iter(0..iters * IN_FLIGHT).map(|_| call());
        calls
            .buffer_unordered(IN_FLIGHT as usize)
            .for_each(|r| async move { drop(std::hint::black_box(r)) })
            .await;
        started.elapsed()
    })
}

//! Item 3: `hydrate_many` over 10,000 ids at concurrency 64 against a server
//! that answers after 20 ms, versus the ideal `N x latency / concurrency`,
//! versus the same batch hand-written with reqwest and `buffer_unordered(64)`,
//! and versus the sequential loop a user of the vendor SDKs would write
//! (timed per call, then multiplied by N: running it whole takes 200 s).

mod common;

use std::time::{Duration, Instant};

use common::{
    figures::{Figure, Report, Target},
    payload::API_KEY,
    raw::RawClient,
    sampling::{client_runtime, criterion, Group},
    server::BenchServer,
};
use futures_util::StreamExt;

const N: usize = 10_000;
const CONCURRENCY: usize = 64;
const LATENCY: Duration = Duration::from_millis(20);

fn main() {
    let server = BenchServer::start(LATENCY);
    let runtime = client_runtime();
    let files = videogen::Client::builder()
        .api_key(API_KEY)
        .base_url(&server.base)
        .build()
        .expect("client")
        .files();
    let raw = RawClient::new(&server.base);
    let ids: Vec<String> = (0..N).map(|i| format!("vg_file_{i:022}")).collect();

    let mut c = criterion();
    let mut report = Report::new("hydrate_many");

    let mut group = Group::new(&mut c, "hydrate_many_10k_c64_20ms", 10, Duration::from_secs(30));
    let ours = group.run("videogen_hydrate_many", N as u64, |iters| {
        timed(&runtime, iters, || async {
            let batch = files
                .hydrate_many(ids.iter().map(String::as_str))
                .concurrency(CONCURRENCY);
            batch
                .filter(|(_, result)| std::future::ready(result.is_ok()))
                .count()
                .await
        })
    });
    let theirs = group.run("reqwest_buffer_unordered", N as u64, |iters| {
        timed(&runtime, iters, || async {
            let calls = futures_util::stream::iter(&ids).map(|id| raw.hydrate(id));
            calls
                .buffer_unordered(CONCURRENCY)
                .filter(|r| std::future::ready(r.is_ok()))
                .count()
                .await
        })
    });
    group.finish();

    let mut group = Group::new(&mut c, "hydrate_sequential_20ms", 10, Duration::from_secs(6));
    let sequential = group.run_async("videogen_one_at_a_time", &runtime, || async {
        files.hydrate(&ids[0]).await.expect("hydrate")
    });
    group.finish();

    let ideal = N as f64 * LATENCY.as_secs_f64() / CONCURRENCY as f64;
    if let Some(ours) = ours.map(|per_id| per_id * N as f64) {
        let what = "hydrate_many, 10,000 ids, c=64, 20 ms";
        report.add(
            Figure::new(3, what, ours, ideal, "s", "ideal N x latency / concurrency").target(Target::RatioAtMost(1.15)),
        );
        if let Some(theirs) = theirs {
            report.add(Figure::new(
                3,
                what,
                ours,
                theirs * N as f64,
                "s",
                "reqwest buffer_unordered(64)",
            ));
        }
        if let Some(per_call) = sequential {
            let observed = Figure::new(
                3,
                what,
                ours,
                per_call * N as f64 / CONCURRENCY as f64,
                "s",
                "ideal at the observed latency",
            )
            .note(format!(
                "observed one-call latency {:.2} ms (20 ms sleep + timer granularity + loopback)",
                per_call * 1e3
            ));
            report.add(observed);
            let loop_note = format!(
                "sequential loop timed per call ({:.2} ms) and multiplied by 10,000",
                per_call * 1e3
            );
            report.add(Figure::new(3, what, ours, per_call * N as f64, "s", "sequential loop").note(loop_note));
        }
    }
    report.save();
    c.final_summary();
}

/// Runs `batch` `iters` times; checks every id succeeded; returns the time taken.
fn timed<F, Fut>(runtime: &tokio::runtime::Runtime, iters: u64, batch: F) -> Duration
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = usize>,
{
    runtime.block_on(async {
        let started = Instant::now();
        for _ in 0..iters {
            assert_eq!(batch().await, N, "every id hydrated");
        }
        started.elapsed()
    })
}

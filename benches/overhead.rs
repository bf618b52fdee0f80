//! Item 1: per-call overhead of `client.files().hydrate(id)` against a
//! hand-written reqwest + serde_json call of the same request (decoded into
//! the same `videogen::File`) on the same minimal local server, one call at a
//! time and with 64 in flight.
//!
//! `cargo bench --bench overhead` prints the medians and their ratio.

mod common;

use std::{
    future::Future,
    time::{Duration, Instant},
};

use common::{
    figures::{Figure, Report, Target},
    payload::API_KEY,
    raw::RawClient,
    sampling::{client_runtime, criterion, one_at_a_time, Group, Paired},
    server::BenchServer,
};
use futures_util::StreamExt;

const ID: &str = "vg_file_obLD1OX2eJCrEs0071Z4kA";
const IN_FLIGHT: u64 = 64;
/// Interleaved rounds of the headline comparison, and calls per round.
const ROUNDS: usize = 41;
const SEQUENTIAL_ROUND: u64 = 500;
const IN_FLIGHT_ROUND: u64 = 20;

fn main() {
    let server = BenchServer::start(Duration::ZERO);
    let runtime = client_runtime();
    let client = |retries: bool| {
        let builder = videogen::Client::builder().api_key(API_KEY).base_url(&server.base);
        let builder = if retries { builder } else { builder.disable_retries() };
        builder.build().expect("client")
    };
    let files = client(true).files();
    let files_no_retries = client(false).files();
    let raw = RawClient::new(&server.base);

    let ours_call = || async { files.hydrate(ID).await.expect("hydrate") };
    let ours_no_retries_call = || async { files_no_retries.hydrate(ID).await.expect("hydrate") };
    let theirs_call = || async { raw.hydrate(ID).await.expect("hydrate") };

    // `VIDEOGEN_PROFILE=videogen|reqwest[:rounds]`: only 64-in-flight calls of
    // one side, for 20 s or that many rounds of 6,400, to run under a profiler
    // (`perf record`, `valgrind --tool=callgrind`); see BENCHMARKS.md.
    if let Ok(profile) = std::env::var("VIDEOGEN_PROFILE") {
        let (side, rounds) = profile.split_once(':').unwrap_or((&profile, ""));
        let rounds: Option<u64> = rounds.parse().ok();
        let until = Instant::now() + Duration::from_secs(20);
        let (mut calls, mut wall, cpu_before) = (0u64, Duration::ZERO, thread_cpu());
        while rounds.map_or(Instant::now() < until, |rounds| calls < rounds * 100 * IN_FLIGHT) {
            wall += match side {
                "videogen" => in_flight(&runtime, 100, ours_call),
                _ => in_flight(&runtime, 100, theirs_call),
            };
            calls += 100 * IN_FLIGHT;
        }
        let per_call = |d: Duration| d.as_secs_f64() * 1e6 / calls as f64;
        let (cpu, wall) = (per_call(thread_cpu() - cpu_before), per_call(wall));
        println!("{side}: {calls} calls, {cpu:.2} µs of client-thread CPU and {wall:.2} µs of wall time per call");
        return;
    }

    let mut c = criterion();
    let mut report = Report::new("overhead");

    let mut group = Group::new(&mut c, "hydrate_sequential", 30, Duration::from_secs(5));
    let ours = group.run_async("videogen", &runtime, ours_call);
    let ours_no_retries = group.run_async("videogen_retries_off", &runtime, ours_no_retries_call);
    let theirs = group.run_async("reqwest_serde_json", &runtime, theirs_call);
    group.finish();

    let mut group = Group::new(&mut c, "hydrate_64_in_flight", 20, Duration::from_secs(5));
    let ours_64 = group.run(&format!("videogen_x{IN_FLIGHT}"), IN_FLIGHT, |iters| {
        in_flight(&runtime, iters, ours_call)
    });
    let theirs_64 = group.run(&format!("reqwest_serde_json_x{IN_FLIGHT}"), IN_FLIGHT, |iters| {
        in_flight(&runtime, iters, theirs_call)
    });
    group.finish();

    // The headline ratios: interleaved rounds, so load from elsewhere hits both alike.
    let seq = Paired::measure(
        ROUNDS,
        || sequential_round(&runtime, ours_call),
        || sequential_round(&runtime, theirs_call),
    );
    let many = Paired::measure(
        ROUNDS,
        || in_flight_round(&runtime, ours_call),
        || in_flight_round(&runtime, theirs_call),
    );
    // Retries cost nothing until an attempt fails: the same call with them off.
    let retries = Paired::measure(
        ROUNDS,
        || sequential_round(&runtime, ours_call),
        || sequential_round(&runtime, ours_no_retries_call),
    );

    // Issue 16's targets: sequential 1.03, 64 in flight 1.05, retries on/off 1.02.
    let versus = "reqwest + serde_json";
    let figure = Figure::new(1, "hydrate, sequential", seq.a * 1e6, seq.b * 1e6, "µs/call", versus);
    report.add(figure.target(Target::RatioAtMost(1.03)).note(seq.note()));
    let what = "hydrate, 64 in flight (time per call)";
    report.add(
        Figure::new(1, what, many.a * 1e6, many.b * 1e6, "µs/call", versus)
            .target(Target::RatioAtMost(1.05))
            .note(many.note()),
    );
    let what = "hydrate, sequential, retries on";
    report.add(
        Figure::new(1, what, retries.a * 1e6, retries.b * 1e6, "µs/call", "retries off")
            .target(Target::RatioAtMost(1.02))
            .note(retries.note()),
    );
    // criterion's own samples, benchmark after benchmark: more exposed to load bursts.
    let criterion_figures = [
        ("hydrate, sequential (criterion samples)", ours, theirs),
        (
            "hydrate, sequential, retries off (criterion samples)",
            ours_no_retries,
            theirs,
        ),
        ("hydrate, 64 in flight (criterion samples)", ours_64, theirs_64),
    ];
    for (what, ours, theirs) in criterion_figures {
        if let (Some(ours), Some(theirs)) = (ours, theirs) {
            report.add(Figure::new(1, what, ours * 1e6, theirs * 1e6, "µs/call", versus));
        }
    }
    report.save();
    c.final_summary();
}

/// One round of the sequential comparison: time per call in seconds.
fn sequential_round<F: Fn() -> Fut, Fut: Future>(runtime: &tokio::runtime::Runtime, call: F) -> f64 {
    one_at_a_time(runtime, SEQUENTIAL_ROUND, call).as_secs_f64() / SEQUENTIAL_ROUND as f64
}

/// One round of the 64-in-flight comparison: time per call in seconds.
fn in_flight_round<F: Fn() -> Fut, Fut: Future>(runtime: &tokio::runtime::Runtime, call: F) -> f64 {
    in_flight(runtime, IN_FLIGHT_ROUND, call).as_secs_f64() / (IN_FLIGHT_ROUND * IN_FLIGHT) as f64
}

/// Runs `iters * 64` calls with 64 in flight and returns the elapsed time.
fn in_flight<F, Fut>(runtime: &tokio::runtime::Runtime, iters: u64, call: F) -> Duration
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

/// CPU time of the calling thread (the client's: the bench server has its own),
/// which load from elsewhere on the machine disturbs far less than wall time.
fn thread_cpu() -> Duration {
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

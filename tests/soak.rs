//! A bounded soak: 20,000 hydrations through videogen-fake with 5% injected
//! faults. No call is lost, no call is repeated beyond the policy (exactly one
//! retry per fault), and memory stays flat.

mod common;

use std::{
    io::Write,
    time::{Duration, Instant},
};

use futures_util::StreamExt;
use videogen::RetryPolicy;
use videogen_fake::{FakeVideoGen, Fault, Route, SeedFile};

const CALLS: usize = 20_000;
const FILES: usize = 1_000;
/// One call in twenty meets a fault.
const FAULT_EVERY: usize = 20;

/// The resident set size in KiB, when `/proc/self/status` says.
fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .filter(|&kib| kib > 0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_thousand_calls_with_five_percent_faults() {
    let ids: Vec<String> = (0..FILES).map(|i| format!("vg_file_soak_{i:04}")).collect();
    let fake = FakeVideoGen::builder()
        .files(ids.iter().map(|id| SeedFile::image(id.as_str()).bytes(1024)))
        .request_log_capacity(1_000)
        .start()
        .await;
    // Each file is hydrated CALLS / FILES = 20 times; the k-th of those meets
    // a fault (k rotating), and its retry gets the Pass that follows.
    let kinds = [
        Fault::status(503),
        Fault::rate_limited(Duration::ZERO),
        Fault::DropMidBody,
        Fault::Truncate,
        Fault::html(502),
        Fault::status(500),
        Fault::Unavailable {
            retry_after: Duration::ZERO,
        },
    ];
    let per_file = CALLS / FILES;
    let mut injected = 0;
    for (n, id) in ids.iter().enumerate() {
        let position = n % per_file;
        let mut script = vec![Fault::Pass; position];
        script.push(kinds[n % kinds.len()].clone());
        fake.faults()
            .on(Route::HydrateFile)
            .for_file(id.as_str())
            .sequence(script);
        injected += 1;
    }
    assert_eq!(injected * FAULT_EVERY, CALLS, "5% of calls meet a fault");

    let policy = RetryPolicy::default()
        .max_retries(3)
        .initial_backoff(Duration::from_millis(1));
    let client = fake.client_builder().retry_policy(policy).build().unwrap();
    let files = client.files();
    let started = Instant::now();
    let mut rss_after_warmup = None;
    let mut ok = 0;
    // Calls for one file never overlap: its script is consumed in call order.
    let mut calls = futures_util::stream::iter(0..CALLS)
        .map(|i| {
            let files = files.clone();
            let id = ids[i % FILES].clone();
            async move { (i, files.hydrate(&id).await) }
        })
        .buffer_unordered(64);
    while let Some((i, result)) = common::within(60, calls.next()).await {
        let file = result.unwrap_or_else(|e| panic!("call {i} lost: {e}"));
        assert_eq!(file.id(), ids[i % FILES]);
        ok += 1;
        if ok == CALLS / 4 {
            rss_after_warmup = rss_kib();
        }
    }
    let elapsed = started.elapsed();
    let rss_end = rss_kib();
    assert_eq!(
        rss_after_warmup.is_some(),
        rss_end.is_some(),
        "RSS readable once, not twice"
    );

    assert_eq!(ok, CALLS, "every call came back");
    assert_eq!(fake.faults().pending(), 0, "every scripted fault was met");
    let requests = fake.count(Route::HydrateFile) as usize;
    assert_eq!(
        requests,
        CALLS + injected,
        "exactly one retry per injected fault, none beyond"
    );
    println!(
        "soak: {CALLS} calls, {injected} faults, {requests} requests in {elapsed:.2?} ({:.0} calls/s)",
        CALLS as f64 / elapsed.as_secs_f64()
    );
    let (Some(rss_after_warmup), Some(rss_end)) = (rss_after_warmup, rss_end) else {
        // An unreadable /proc must not pass as "no growth".
        assert!(
            !common::in_ci(),
            "CI: /proc/self/status gives no VmRSS, so the memory check cannot run"
        );
        let _ = writeln!(
            std::io::stderr(),
            "NOTE: memory not checked: /proc/self/status gives no VmRSS (a failure under CI=true)"
        );
        return;
    };
    let growth = rss_end.saturating_sub(rss_after_warmup);
    println!("soak: RSS {rss_after_warmup} KiB after 25%, {rss_end} KiB at the end (+{growth} KiB)");
    assert!(
        growth < 32 * 1024,
        "memory stays flat: grew {growth} KiB over 15,000 calls"
    );
}

//! A bounded soak: 20,000 hydrations through videogen-fake with 5% injected
//! faults. No call is lost, no call is repeated beyond the policy (exactly one
//! retry per fault), and memory stays flat.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use videogen::RetryPolicy;
use videogen_fake::{FakeVideoGen, Fault, Route, SeedFile};

const CALLS: usize = 20_000;
const FILES: usize = 1_000;
/// One call in twenty meets a fault.
const FAULT_EVERY: usize = 20;

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
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
    let mut rss_after_warmup = 0;
    let mut ok = 0;
    // Calls for one file never overlap: its script is consumed in call order.
    let mut calls = futures_util::stream::iter(0..CALLS)
        .map(|i| {
            let files = files.clone();
            let id = ids[i % FILES].clone();
            async move { (i, files.hydrate(&id).await) }
        })
        .buffer_unordered(64);
    while let Some((i, result)) = calls.next().await {
        let file = result.unwrap_or_else(|e| panic!("call {i} lost: {e}"));
        assert_eq!(file.id(), ids[i % FILES]);
        ok += 1;
        if ok == CALLS / 4 {
            rss_after_warmup = rss_kib();
        }
    }
    let elapsed = started.elapsed();
    let rss_end = rss_kib();

    assert_eq!(ok, CALLS, "every call came back");
    assert_eq!(fake.faults().pending(), 0, "every scripted fault was met");
    let requests = fake.count(Route::HydrateFile) as usize;
    assert_eq!(
        requests,
        CALLS + injected,
        "exactly one retry per injected fault, none beyond"
    );
    let growth = rss_end.saturating_sub(rss_after_warmup);
    println!(
        "soak: {CALLS} calls, {injected} faults, {requests} requests in {elapsed:.2?} ({:.0} calls/s); \
         RSS {rss_after_warmup} KiB after 25%, {rss_end} KiB at the end (+{growth} KiB)",
        CALLS as f64 / elapsed.as_secs_f64()
    );
    assert!(
        growth < 32 * 1024,
        "memory stays flat: grew {growth} KiB over 15,000 calls"
    );
}

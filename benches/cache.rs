//! Item 4: the hydration cache. Hit latency of `get_hydrated` (against the
//! same call without a cache, one GET over loopback), and upstream requests
//! saved on a realistic pattern: 100,000 lookups over 5,000 ids with Zipf
//! popularity (exponent 1.0, fixed seed), sequential and 64 in flight.

mod common;

use std::time::{Duration, Instant};

use common::{
    figures::{Figure, Report},
    payload::API_KEY,
    sampling::{client_runtime, criterion, Group},
    server::BenchServer,
};
use futures_util::StreamExt;

const LOOKUPS: usize = 100_000;
const IDS: usize = 5_000;
const ZIPF_EXPONENT: f64 = 1.0;
const SEED: u64 = 0x5eed_2024;

fn main() {
    let server = BenchServer::start(Duration::ZERO);
    let runtime = client_runtime();
    let files = |cache: Option<u64>| {
        let builder = videogen::Client::builder().api_key(API_KEY).base_url(&server.base);
        let builder = match cache {
            Some(entries) => builder.hydration_cache(entries),
            None => builder,
        };
        builder.build().expect("client").files()
    };
    let pattern = zipf(LOOKUPS, IDS, ZIPF_EXPONENT, SEED);
    let distinct = pattern.iter().collect::<std::collections::HashSet<_>>().len();
    let ids: Vec<String> = pattern.iter().map(|rank| format!("vg_file_{rank:022}")).collect();
    println!("Zipf({ZIPF_EXPONENT}) pattern: {LOOKUPS} lookups, {IDS} ids, {distinct} distinct ids touched");

    // Hit latency: one hot id, and the Zipf sequence over a cache holding all its ids.
    let cached = files(Some(10_000));
    let uncached = files(None);
    let hot = "vg_file_hot";
    runtime.block_on(cached.get_hydrated(hot)).expect("priming the cache");
    let warm = files(Some(10_000));
    runtime.block_on(async {
        for id in &ids {
            warm.get_hydrated(id).await.expect("priming the cache");
        }
    });
    let next = std::cell::Cell::new(0);
    let next_id = || {
        let i = next.get();
        next.set((i + 1) % ids.len());
        &ids[i]
    };

    let mut c = criterion();
    let mut report = Report::new("cache");
    let mut group = Group::new(&mut c, "get_hydrated", 30, Duration::from_secs(4));
    let hit = group.run_async("cache_hit_one_id", &runtime, || async {
        cached.get_hydrated(hot).await.expect("hit")
    });
    let zipf_hit = group.run_async("cache_hit_zipf_ids", &runtime, || async {
        warm.get_hydrated(next_id()).await.expect("hit")
    });
    let no_cache = group.run_async("no_cache_get", &runtime, || async {
        uncached.get_hydrated(hot).await.expect("get")
    });
    group.finish();
    let versus = "no cache (one GET)";
    if let (Some(hit), Some(no_cache)) = (hit, no_cache) {
        report.add(Figure::new(
            4,
            "get_hydrated, cache hit, one hot id",
            hit * 1e6,
            no_cache * 1e6,
            "µs",
            versus,
        ));
    }
    if let (Some(hit), Some(no_cache)) = (zipf_hit, no_cache) {
        let what = format!("get_hydrated, cache hit, Zipf sequence over {distinct} cached ids");
        report.add(Figure::new(4, &what, hit * 1e6, no_cache * 1e6, "µs", versus));
    }

    let run = |files: videogen::Files, in_flight: usize| {
        let before = server.api_requests();
        let started = Instant::now();
        let served = runtime.block_on(
            futures_util::stream::iter(&ids)
                .map(|id| files.get_hydrated(id))
                .buffered(in_flight)
                .filter(|r| std::future::ready(r.is_ok()))
                .count(),
        );
        assert_eq!(served, LOOKUPS, "every lookup served");
        (server.api_requests() - before, started.elapsed())
    };
    let (_, uncached_time) = run(files(None), 1);
    for (entries, in_flight) in [(10_000, 1), (1_000, 1), (10_000, 64)] {
        let (upstream, took) = run(files(Some(entries)), in_flight);
        let saved = LOOKUPS as u64 - upstream;
        let what = format!("Zipf lookups, cache of {entries}, {in_flight} in flight: upstream requests");
        let note = format!(
            "{saved} of {LOOKUPS} requests saved ({:.1}%); fewest possible = {distinct} distinct ids; \
             pattern took {:.2} s (no cache: {:.2} s)",
            saved as f64 * 100.0 / LOOKUPS as f64,
            took.as_secs_f64(),
            uncached_time.as_secs_f64()
        );
        report.add(Figure::new(4, &what, upstream as f64, LOOKUPS as f64, "requests", "no cache").note(note));
        if in_flight == 1 && entries == 10_000 {
            let what = "Zipf pattern, 100,000 sequential lookups: elapsed";
            report.add(Figure::new(
                4,
                what,
                took.as_secs_f64(),
                uncached_time.as_secs_f64(),
                "s",
                "no cache",
            ));
        }
    }
    report.save();
    c.final_summary();
}

/// `lookups` ranks in `0..ids`, rank `k` drawn with probability proportional to `1 / (k + 1)^s`.
fn zipf(lookups: usize, ids: usize, s: f64, seed: u64) -> Vec<usize> {
    let mut cumulative = Vec::with_capacity(ids);
    let mut total = 0.0;
    for k in 1..=ids {
        total += 1.0 / (k as f64).powf(s);
        cumulative.push(total);
    }
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..lookups)
        .map(|_| {
            let u = rng.f64() * total;
            cumulative.partition_point(|&c| c < u).min(ids - 1)
        })
        .collect()
}

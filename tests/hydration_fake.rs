//! The hydration rule and the cache against videogen-fake, with its clock
//! standing in for time: fresh, expired, near-expiry, URL-less and pending
//! files, counted from the fake's log.

use std::time::Duration;

use futures_util::{future::join_all, StreamExt};
use videogen::{Client, FileSourceStatus, DEFAULT_HYDRATE_CONCURRENCY};
use videogen_fake::{FakeVideoGen, Fault, Route, SeedFile, UrlsOnRead};

const TTL: Duration = Duration::from_secs(3600);

async fn fake(urls_on_read: UrlsOnRead, seed: SeedFile) -> FakeVideoGen {
    FakeVideoGen::builder()
        .url_ttl(TTL)
        .urls_on_read(urls_on_read)
        .file(seed)
        .start()
        .await
}

fn counts(fake: &FakeVideoGen) -> (u64, u64) {
    (fake.count(Route::GetFile), fake.count(Route::HydrateFile))
}

/// Leaves the file with URLs minted when the fake's clock read `now - age`.
async fn mint_aged(fake: &FakeVideoGen, id: &str, age: Duration) {
    fake.clock().rewind(age);
    fake.client().files().hydrate(id).await.unwrap();
    fake.clock().advance(age);
    fake.reset_log();
}

#[tokio::test]
async fn fresh_urls_cost_one_get_and_no_hydrate() {
    let fake = fake(UrlsOnRead::Fresh, SeedFile::video("f")).await;
    let file = fake.client().files().get_hydrated("f").await.unwrap();
    assert!(file.download_url().is_some());
    assert_eq!(counts(&fake), (1, 0));
}

#[tokio::test]
async fn expired_and_near_expiry_urls_cost_exactly_one_hydrate() {
    for (what, age) in [
        ("expired", TTL + Duration::from_secs(5)),
        ("near expiry", TTL - Duration::from_secs(30)),
    ] {
        let fake = fake(UrlsOnRead::LastMinted, SeedFile::video("f")).await;
        mint_aged(&fake, "f", age).await;
        let file = fake.client().files().get_hydrated("f").await.unwrap();
        assert!(
            !file.needs_hydration(std::time::SystemTime::now()),
            "{what}: usable afterwards"
        );
        assert_eq!(counts(&fake), (1, 1), "{what}");
    }
}

#[tokio::test]
async fn url_less_and_pending_files_cost_exactly_one_hydrate() {
    let url_less = fake(UrlsOnRead::Omit, SeedFile::image("f")).await;
    url_less.client().files().get_hydrated("f").await.unwrap();
    assert_eq!(counts(&url_less), (1, 1), "ready without a URL");

    let pending = fake(
        UrlsOnRead::Fresh,
        SeedFile::video("f").status(FileSourceStatus::Pending),
    )
    .await;
    let file = pending.client().files().get_hydrated("f").await.unwrap();
    assert_eq!(
        file.download_source.unwrap().status,
        FileSourceStatus::Pending,
        "still processing"
    );
    assert_eq!(counts(&pending), (1, 1), "pending");
}

#[tokio::test]
async fn the_cache_serves_a_second_call_without_requests_until_expiry() {
    let fake = fake(UrlsOnRead::Omit, SeedFile::video("f")).await;
    let client = fake.client_builder().hydration_cache(100).build().unwrap();
    let files = client.files();
    let first = files.get_hydrated("f").await.unwrap();
    assert_eq!(counts(&fake), (1, 1));
    assert_eq!(files.get_hydrated("f").await.unwrap(), first);
    assert_eq!(counts(&fake), (1, 1), "the second call made no request");
    files.invalidate("f").await;
    files.get_hydrated("f").await.unwrap();
    assert_eq!(counts(&fake), (2, 2), "after invalidate");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_calls_make_one_get_and_one_hydrate() {
    let fake = fake(UrlsOnRead::Omit, SeedFile::video("hot")).await;
    let client: Client = fake.client_builder().hydration_cache(100).build().unwrap();
    let calls = (0..1000).map(|_| tokio::spawn(client.files().get_hydrated("hot")));
    for call in join_all(calls).await {
        assert!(call.unwrap().unwrap().download_url().is_some());
    }
    let (gets, hydrates) = counts(&fake);
    println!("1,000 concurrent get_hydrated: {gets} GET, {hydrates} hydrate");
    assert_eq!(gets, 1);
    assert_eq!(hydrates, 1, "the GET carries no URLs: one hydrate, shared by all");
}

/// `hydrate_many` runs N at a time: with every hydrate taking 1 s, the
/// first N requests reach the server within that second (they run
/// together) and the next one only after it (it waited for a slot), for a
/// set concurrency, a clamped one and the default.
#[tokio::test]
async fn hydrate_many_runs_exactly_n_requests_at_a_time() {
    const LATENCY: Duration = Duration::from_secs(1);
    for (concurrency, n) in [(Some(3), 3), (Some(0), 1), (None, DEFAULT_HYDRATE_CONCURRENCY)] {
        // A few more ids than run at once: the extra ones wait for a slot.
        let ids: Vec<String> = (0..n + 2).map(|i| format!("vg_file_n_{i}")).collect();
        let fake = FakeVideoGen::builder()
            .files(ids.iter().map(|id| SeedFile::image(id.as_str())))
            .start()
            .await;
        fake.faults().on(Route::HydrateFile).always(Fault::latency(LATENCY));
        let client = fake.client();
        let mut batch = client.files().hydrate_many(ids);
        if let Some(n) = concurrency {
            batch = batch.concurrency(n);
        }
        let results: Vec<_> = tokio::time::timeout(Duration::from_secs(30), batch.collect())
            .await
            .expect("the batch finished");
        assert!(results.iter().all(|(_, r)| r.is_ok()));
        let mut arrivals: Vec<_> = fake.requests_to(Route::HydrateFile).iter().map(|r| r.at).collect();
        arrivals.sort();
        assert_eq!(arrivals.len(), n + 2);
        let after_first = |i: usize| arrivals[i].duration_since(arrivals[0]).unwrap();
        assert!(
            after_first(n - 1) < LATENCY,
            "concurrency {concurrency:?}: the first {n} ran together ({:?})",
            after_first(n - 1)
        );
        assert!(
            after_first(n) >= LATENCY,
            "concurrency {concurrency:?}: request {} waited for a slot ({:?})",
            n + 1,
            after_first(n)
        );
    }
}

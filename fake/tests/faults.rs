//! Scripted faults, seen both by the `videogen` client and at the HTTP level.

use std::time::{Duration, Instant, SystemTime};

use videogen::{Rendition, RetryPolicy};
use videogen_fake::{Clock, FakeVideoGen, Fault, Route, SeedFile};

/// A client that retries fast, so tests do not wait for real backoff.
fn quick_client(fake: &FakeVideoGen, retries: u32) -> videogen::Client {
    let policy = RetryPolicy::default()
        .max_retries(retries)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
        .max_wait(Duration::from_millis(5));
    fake.client_builder().retry_policy(policy).build().unwrap()
}

/// A freshly minted download URL of a file.
async fn download_url(fake: &FakeVideoGen, id: &str) -> String {
    let file = fake.client().files().hydrate(id).await.unwrap();
    file.download_url().unwrap().to_owned()
}

async fn fake_with(id: &str) -> FakeVideoGen {
    FakeVideoGen::builder()
        .file(SeedFile::video(id).bytes(10_000))
        .start()
        .await
}

#[tokio::test]
async fn a_sequence_fails_exactly_as_scripted_then_answers_normally() {
    let fake = fake_with("vg_file_a").await;
    fake.faults()
        .on(Route::HydrateFile)
        .for_file("vg_file_a")
        .sequence([Fault::status(503), Fault::status(503)]);
    let file = quick_client(&fake, 3).files().hydrate("vg_file_a").await.unwrap();
    assert!(file.download_url().is_some());
    assert_eq!(fake.count(Route::HydrateFile), 3);
    assert_eq!(fake.faults().pending(), 0);
    let statuses: Vec<_> = fake
        .requests_to(Route::HydrateFile)
        .iter()
        .map(|r| r.status.unwrap())
        .collect();
    assert_eq!(statuses, [503, 503, 200]);
    assert_eq!(fake.requests()[0].fault, Some(Fault::Status(503)));
}

#[tokio::test]
async fn faults_aim_at_one_route_and_one_file() {
    let fake = FakeVideoGen::builder()
        .file(SeedFile::video("vg_file_a"))
        .file(SeedFile::video("vg_file_b"))
        .start()
        .await;
    fake.faults()
        .on(Route::GetFile)
        .for_file("vg_file_a")
        .always(Fault::status(500));
    let files = quick_client(&fake, 0).files();
    assert_eq!(files.get("vg_file_a").await.unwrap_err().status().unwrap(), 500);
    assert!(files.get("vg_file_b").await.is_ok());
    assert!(files.hydrate("vg_file_a").await.is_ok());
    let err = files.get("vg_file_a").await.unwrap_err();
    assert_eq!(err.code(), Some("internal_error"));
    assert!(err.request_id().is_some());
    fake.faults().clear();
    assert!(files.get("vg_file_a").await.is_ok());
}

#[tokio::test]
async fn rate_limits_carry_retry_after_or_a_reset_time() {
    let fake = fake_with("vg_file_a").await;
    fake.faults().on(Route::GetFile).sequence([
        Fault::rate_limited(Duration::from_millis(1500)),
        Fault::RateLimitReset {
            reset_after: Duration::from_secs(30),
        },
        Fault::Unavailable {
            retry_after: Duration::from_secs(2),
        },
    ]);
    let url = format!("{}/v1/files/vg_file_a", fake.base_url());
    let http = reqwest::Client::new();
    let get = || http.get(&url).bearer_auth(FakeVideoGen::API_KEY).send();
    let first = get().await.unwrap();
    assert_eq!(
        (
            first.status().as_u16(),
            first.headers()["retry-after"].to_str().unwrap()
        ),
        (429, "2")
    );
    let second = get().await.unwrap();
    let reset: u64 = second.headers()["x-ratelimit-reset"].to_str().unwrap().parse().unwrap();
    assert!(reset >= fake.clock().unix_seconds() + 29 && !second.headers().contains_key("retry-after"));
    let third = get().await.unwrap();
    assert_eq!(
        (
            third.status().as_u16(),
            third.headers()["retry-after"].to_str().unwrap()
        ),
        (503, "2")
    );
    let body: serde_json::Value = serde_json::from_slice(&third.bytes().await.unwrap()).unwrap();
    assert_eq!(body["code"], "service_unavailable");
    assert_eq!(get().await.unwrap().status(), 200);
}

#[tokio::test]
async fn the_per_key_rate_limit_follows_the_fake_clock() {
    let clock = Clock::frozen(SystemTime::UNIX_EPOCH + Duration::from_secs(1_900_000_000));
    let fake = FakeVideoGen::builder()
        .clock(clock.clone())
        .extra_api_key("other")
        .file(SeedFile::video("vg_file_a"))
        .start()
        .await;
    fake.faults().rate_limit(2, Duration::from_secs(60));
    let files = quick_client(&fake, 0).files();
    files.get("vg_file_a").await.unwrap();
    clock.advance(Duration::from_secs(15));
    files.get("vg_file_a").await.unwrap();
    let err = files.get("vg_file_a").await.unwrap_err();
    assert_eq!(
        (err.status().unwrap().as_u16(), err.code()),
        (429, Some("rate_limited"))
    );
    let raw = reqwest::Client::new()
        .get(format!("{}/v1/files", fake.base_url()))
        .bearer_auth(fake.api_key())
        .send()
        .await
        .unwrap();
    assert_eq!(
        (raw.status().as_u16(), raw.headers()["retry-after"].to_str().unwrap()),
        (429, "45")
    );

    let other = videogen::Client::builder()
        .base_url(fake.base_url())
        .api_key("other")
        .build()
        .unwrap();
    let refused = &fake.requests()[2];
    assert_eq!(
        refused.fault,
        Some(Fault::RateLimited {
            retry_after: Duration::from_secs(45)
        })
    );
    other
        .files()
        .get("vg_file_a")
        .await
        .expect("another key has its own budget");
    clock.advance(Duration::from_secs(45));
    files.get("vg_file_a").await.expect("a new window");
    fake.faults().clear_rate_limit();
    for _ in 0..5 {
        files.get("vg_file_a").await.unwrap();
    }
    assert_eq!(fake.count(Route::GetFile) + fake.count(Route::GetFiles), 11);
}

#[tokio::test]
async fn a_connection_dropped_mid_body_is_a_body_error_after_the_headers() {
    let fake = fake_with("vg_file_a").await;
    let url = download_url(&fake, "vg_file_a").await;
    for fault in [Fault::DropMidBody, Fault::Truncate, Fault::DropAfter(1234)] {
        fake.faults().on(Route::Download).once(fault.clone());
        let response = reqwest::get(&url).await.unwrap();
        assert_eq!(response.status(), 200, "{fault:?}: the headers arrive");
        assert_eq!(response.content_length(), Some(10_000));
        let mut got = 0;
        let mut stream = response;
        let error = loop {
            match stream.chunk().await {
                Ok(Some(chunk)) => got += chunk.len(),
                Ok(None) => panic!("{fault:?}: the body ended cleanly after {got} bytes"),
                Err(error) => break error,
            }
        };
        assert!(
            error.is_body() || error.is_decode() || error.is_request(),
            "{fault:?}: {error:?}"
        );
        let expected = if fault == Fault::DropAfter(1234) { 1234 } else { 5000 };
        assert_eq!(got, expected, "{fault:?}");
    }
    // A resume picks up where it broke.
    let rest = reqwest::Client::new()
        .get(&url)
        .header("range", "bytes=1234-")
        .send()
        .await
        .unwrap();
    let expected = fake.rendition_bytes("vg_file_a", Rendition::Download).unwrap();
    assert_eq!(rest.bytes().await.unwrap(), expected.slice(1234..));
}

#[tokio::test]
async fn broken_api_bodies_surface_as_errors_in_the_client() {
    let fake = fake_with("vg_file_a").await;
    fake.faults()
        .on(Route::HydrateFile)
        .sequence([Fault::DropMidBody, Fault::Truncate, Fault::html(502)]);
    let files = quick_client(&fake, 0).files();
    for _ in 0..2 {
        let err = files.hydrate("vg_file_a").await.unwrap_err();
        assert!(matches!(err, videogen::Error::Transport { .. }), "{err:?}");
    }
    let err = files.hydrate("vg_file_a").await.unwrap_err();
    assert_eq!(err.status().unwrap().as_u16(), 502);
    assert!(err.to_string().contains("Bad Gateway"), "{err}");
    // With retries on, the same three faults are ridden out.
    fake.faults()
        .on(Route::HydrateFile)
        .sequence([Fault::DropMidBody, Fault::Truncate, Fault::html(502)]);
    quick_client(&fake, 3).files().hydrate("vg_file_a").await.unwrap();
    assert_eq!(fake.count(Route::HydrateFile), 7);
}

#[tokio::test]
async fn latency_and_stalls_delay_without_failing() {
    let fake = fake_with("vg_file_a").await;
    fake.faults()
        .on_any()
        .always(Fault::latency(Duration::from_millis(150)));
    let started = Instant::now();
    fake.client().files().get("vg_file_a").await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(150));
    fake.faults().clear();

    let url = download_url(&fake, "vg_file_a").await;
    fake.faults()
        .on(Route::Download)
        .once(Fault::StallMidBody(Duration::from_millis(200)));
    let response = reqwest::get(&url).await.unwrap();
    let started = Instant::now();
    let body = response.bytes().await.unwrap();
    assert_eq!(body.len(), 10_000);
    assert!(
        started.elapsed() >= Duration::from_millis(150),
        "{:?}",
        started.elapsed()
    );
}

//! get_hydrated / ensure_hydrated / the hydration cache / hydrate_many,
//! counted on the wire.

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::{within, KEY};
use futures_util::StreamExt;
use httpmock::prelude::*;
use serde_json::{json, Value};
use videogen::Client;

fn unix_now() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs_f64()
}

/// A video whose ready URLs expire `expires_in` seconds from now.
fn file_expiring(id: &str, expires_in: f64) -> Value {
    signed(id, expires_in, "stored")
}

/// What the fake's hydrate answers: URLs signed `fresh`, valid for an hour,
/// so a test can tell a hydrated file from the stored one.
fn hydrated(id: &str) -> Value {
    signed(id, 3600.0, "fresh")
}

const FRESH_URL: &str = "https://cdn.example/d?token=fresh";
const STORED_URL: &str = "https://cdn.example/d?token=stored";

fn signed(id: &str, expires_in: f64, token: &str) -> Value {
    let at = unix_now() + expires_in;
    json!({
        "fileId": id, "scope": "GLOBAL", "type": "VIDEO",
        "thumbnailSource": {"status": "ready", "url": format!("https://cdn.example/t?token={token}"), "expiresAt": at},
        "previewSource": {"status": "ready", "url": format!("https://cdn.example/p?token={token}"), "expiresAt": at},
        "downloadSource": {"status": "ready", "url": format!("https://cdn.example/d?token={token}"), "expiresAt": at},
        "hlsSource": {"status": "skipped"}
    })
}

fn client(server: &MockServer, cache: bool) -> Client {
    let builder = Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .disable_retries();
    if cache { builder.hydration_cache(1000) } else { builder }
        .build()
        .unwrap()
}

struct Counted {
    get: httpmock::Mock<'static>,
    hydrate: httpmock::Mock<'static>,
}

/// Serves `stored` on GET and a fresh hour-long copy on hydrate.
async fn serve(server: &'static MockServer, id: &str, stored: Value) -> Counted {
    let (get_path, hydrate_path) = (format!("/v1/files/{id}"), format!("/v1/files/{id}/hydrate"));
    let fresh = hydrated(id);
    let get = server
        .mock_async(|when, then| {
            when.method(GET).path(get_path);
            then.status(200).json_body(stored).delay(Duration::from_millis(20));
        })
        .await;
    let hydrate = server
        .mock_async(|when, then| {
            when.method(POST).path(hydrate_path);
            then.status(200).json_body(fresh).delay(Duration::from_millis(20));
        })
        .await;
    Counted { get, hydrate }
}

fn leak(server: MockServer) -> &'static MockServer {
    Box::leak(Box::new(server))
}

#[tokio::test]
async fn a_fresh_file_needs_one_get_and_no_hydrate() {
    let server = leak(MockServer::start_async().await);
    let counts = serve(server, "fresh", file_expiring("fresh", 3600.0)).await;
    let file = client(server, false).files().get_hydrated("fresh").await.unwrap();
    assert_eq!(file.download_url(), Some(STORED_URL), "the stored URLs, as they are");
    assert_eq!(
        (counts.get.calls_async().await, counts.hydrate.calls_async().await),
        (1, 0)
    );
}

#[tokio::test]
async fn stale_files_get_exactly_one_hydrate() {
    let pending = json!({"fileId": "pending", "scope": "GLOBAL", "downloadSource": {"status": "pending"}});
    let url_less = json!({"fileId": "urlless", "scope": "GLOBAL", "downloadSource": {"status": "ready"}});
    let cases = [
        ("expired", file_expiring("expired", -10.0)),
        ("nearexpiry", file_expiring("nearexpiry", 30.0)),
        ("urlless", url_less),
        ("pending", pending),
    ];
    let server = leak(MockServer::start_async().await);
    for (id, stored) in cases {
        let counts = serve(server, id, stored).await;
        let file = client(server, false).files().get_hydrated(id).await.unwrap();
        assert!(!file.needs_hydration(SystemTime::now()), "{id} came back usable");
        assert_eq!(file.download_url(), Some(FRESH_URL), "{id}: the hydrated URLs");
        assert_eq!(
            (counts.get.calls_async().await, counts.hydrate.calls_async().await),
            (1, 1),
            "{id}"
        );
    }
}

#[tokio::test]
async fn with_the_cache_a_second_call_makes_no_request() {
    let server = leak(MockServer::start_async().await);
    let counts = serve(server, "cached", file_expiring("cached", -1.0)).await;
    let files = client(server, true).files();
    let first = files.get_hydrated("cached").await.unwrap();
    let second = files.get_hydrated("cached").await.unwrap();
    assert_eq!(first, second);
    assert_eq!(second.download_url(), Some(FRESH_URL));
    assert_eq!(
        (counts.get.calls_async().await, counts.hydrate.calls_async().await),
        (1, 1)
    );
    files.invalidate("cached").await;
    files.get_hydrated("cached").await.unwrap();
    assert_eq!(counts.get.calls_async().await, 2, "invalidate forces a fetch");
}

#[tokio::test]
async fn the_cache_keeps_a_file_under_the_id_it_was_asked_for() {
    // A server (or a canned test double) that answers with another fileId:
    // the next lookup of the id asked for must still be a hit.
    let server = leak(MockServer::start_async().await);
    let counts = serve(server, "asked", file_expiring("canned", 3600.0)).await;
    let files = client(server, true).files();
    within(10, files.get_hydrated("asked")).await.unwrap();
    within(10, files.get_hydrated("asked")).await.unwrap();
    assert_eq!(
        counts.get.calls_async().await,
        1,
        "the second lookup is served from the cache"
    );
}

#[tokio::test]
async fn a_thousand_concurrent_calls_share_one_get_and_one_hydrate() {
    let server = leak(MockServer::start_async().await);
    let counts = serve(server, "hot", file_expiring("hot", 5.0)).await;
    let files = client(server, true).files();
    let calls = (0..1000).map(|_| {
        let files = files.clone();
        tokio::spawn(async move { files.get_hydrated("hot").await })
    });
    for call in within(30, futures_util::future::join_all(calls)).await {
        assert_eq!(call.unwrap().unwrap().download_url(), Some(FRESH_URL));
    }
    assert_eq!(counts.get.calls_async().await, 1);
    assert_eq!(
        counts.hydrate.calls_async().await,
        1,
        "URLs expiring in 5 s need one hydrate, shared by all"
    );
}

#[tokio::test]
async fn hydrate_fills_the_cache_and_a_later_hydrate_replaces_the_entry() {
    let server = leak(MockServer::start_async().await);
    let counts = serve(server, "filled", file_expiring("filled", -1.0)).await;
    let files = client(server, true).files();
    files.hydrate("filled").await.unwrap();
    files.hydrate("filled").await.unwrap();
    assert_eq!(counts.hydrate.calls_async().await, 2, "hydrate always asks the API");
    let file = files.get_hydrated("filled").await.unwrap();
    assert_eq!(file.download_url(), Some(FRESH_URL));
    assert_eq!(
        (counts.get.calls_async().await, counts.hydrate.calls_async().await),
        (0, 2),
        "served from the entry the second hydrate left"
    );
}

#[tokio::test]
async fn errors_are_not_cached() {
    let server = leak(MockServer::start_async().await);
    let failing = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/files/flaky");
            then.status(500).json_body(json!({"message": "boom"}));
        })
        .await;
    let files = client(server, true).files();
    assert_eq!(
        files
            .get_hydrated("flaky")
            .await
            .unwrap_err()
            .status()
            .unwrap()
            .as_u16(),
        500
    );
    failing.delete_async().await;
    let counts = serve(server, "flaky", file_expiring("flaky", 3600.0)).await;
    assert!(files.get_hydrated("flaky").await.is_ok());
    assert_eq!(
        counts.get.calls_async().await,
        1,
        "the failure was not served from the cache"
    );
}

#[tokio::test]
async fn ensure_hydrated_skips_the_get_and_hydrates_only_when_needed() {
    let server = leak(MockServer::start_async().await);
    let counts = serve(server, "held", file_expiring("held", 3600.0)).await;
    let files = client(server, false).files();
    let fresh: videogen::File = serde_json::from_value(file_expiring("held", 3600.0)).unwrap();
    assert_eq!(files.ensure_hydrated(fresh.clone()).await.unwrap(), fresh);
    assert_eq!(counts.hydrate.calls_async().await, 0);
    let stale: videogen::File = serde_json::from_value(file_expiring("held", 10.0)).unwrap();
    let renewed = files.ensure_hydrated(stale).await.unwrap();
    assert!(renewed.expires_at().unwrap() > SystemTime::now() + Duration::from_secs(3000));
    assert_eq!(
        (counts.get.calls_async().await, counts.hydrate.calls_async().await),
        (0, 1)
    );
}

#[tokio::test]
async fn the_hydration_margin_is_configurable() {
    let server = leak(MockServer::start_async().await);
    // URLs good for 30 minutes: fresh by the default 60 s margin...
    let counts = serve(server, "half", file_expiring("half", 1800.0)).await;
    let files = client(server, false).files();
    assert_eq!(
        files.get_hydrated("half").await.unwrap().download_url(),
        Some(STORED_URL)
    );
    assert_eq!(counts.hydrate.calls_async().await, 0);
    // ...and stale by a 1 h margin.
    let wary = Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .disable_retries()
        .hydration_margin(Duration::from_secs(3600))
        .build()
        .unwrap();
    let file = wary.files().get_hydrated("half").await.unwrap();
    assert_eq!(file.download_url(), Some(FRESH_URL));
    assert_eq!(counts.hydrate.calls_async().await, 1);
}

#[tokio::test]
async fn hydrate_many_collapses_duplicates_and_reports_each_id() {
    let server = leak(MockServer::start_async().await);
    let mut mocks = Vec::new();
    for id in ["a", "b", "c"] {
        mocks.push(serve(server, id, file_expiring(id, 3600.0)).await);
    }
    let missing = server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/files/zz/hydrate");
            then.status(404)
                .json_body(json!({"message": "not found", "code": "not_found"}));
        })
        .await;
    let files = client(server, false).files();
    let batch = files.hydrate_many(["a", "b", "a", "c", "zz", "b"]).concurrency(2);
    assert_eq!(batch.len(), 4);
    assert!(!batch.is_empty());
    assert!(files.hydrate_many(Vec::<String>::new()).is_empty());
    let shown = format!("{batch:?}");
    assert!(
        shown.contains("ids: 4") && shown.contains("concurrency: 2") && shown.contains("started: false"),
        "{shown}"
    );
    let mut results: Vec<_> = within(30, batch.collect()).await;
    results.sort_by(|x, y| x.0.cmp(&y.0));
    let ids: Vec<_> = results.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c", "zz"]);
    for (id, result) in &results[..3] {
        assert_eq!(result.as_ref().unwrap().id(), id);
    }
    assert_eq!(results[3].1.as_ref().unwrap_err().code(), Some("not_found"));
    for counts in mocks {
        assert_eq!(counts.hydrate.calls_async().await, 1);
    }
    assert_eq!(missing.calls_async().await, 1);
}

#[test]
fn futures_are_send_and_static_so_services_can_spawn_them() {
    fn assert_send<T: Send + 'static>(_: &T) {}
    let client = Client::builder().api_key("k").build().unwrap();
    // Futures own what they need: built from a temporary `Files`, stored, spawned later.
    assert_send(&client.files().get("x"));
    assert_send(&client.files().create_upload("name"));
    assert_send(
        &client
            .files()
            .ensure_hydrated(serde_json::from_value(json!({"fileId": "x", "scope": "GLOBAL"})).unwrap()),
    );
    let files = client.files();
    assert_send(&files.get_hydrated("x"));
    assert_send(&files.hydrate("x"));
    assert_send(&files.hydrate_many(["x"]));
    assert_send(&files.download("x", "/tmp/x").send());
}

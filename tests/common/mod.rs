//! Shared set-up for the httpmock wire tests.
#![allow(dead_code)]

use std::time::Duration;

use httpmock::MockServer;
use serde_json::{json, Value};
use videogen::{Client, RetryPolicy};

pub const KEY: &str = "sk_test_wire_0123456789";

/// Starts a server that answers every image generation start with `status`
/// and a body naming the job `job_id` (as a 202 would).
pub async fn generate_image_answering(status: u16, job_id: &str) -> MockServer {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(httpmock::Method::POST).path("/v1/tools/generate-image");
            then.status(status).json_body(json!({"toolExecutionId": job_id}));
        })
        .await;
    server
}

/// Starts the image generation of a fox through `server`, retries off.
pub async fn generate_a_fox(server: &MockServer) -> Result<videogen::ToolJob, videogen::Error> {
    let request = videogen::types::GenerateImageRequest::new("a fox");
    client(server).tools().generate_image(request).await
}

/// A client for `server` with retries off, so each call is one request.
pub fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .disable_retries()
        .build()
        .unwrap()
}

/// A client with every default (retries on), as a service would build it.
pub fn default_client(server: &MockServer) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .build()
        .unwrap()
}

/// A client that retries quickly (1 ms backoff), for retry assertions.
pub fn retrying_client(server: &MockServer, retries: u32) -> Client {
    let policy = RetryPolicy::default()
        .max_retries(retries)
        .initial_backoff(Duration::from_millis(1));
    Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .retry_policy(policy)
        .build()
        .unwrap()
}

/// A realistic hydrated video file.
pub fn video_json(id: &str) -> Value {
    json!({
        "fileId": id,
        "type": "VIDEO",
        "scope": "GLOBAL",
        "displayName": "Launch teaser",
        "durationSeconds": 12.5,
        "thumbnailSource": {"status": "ready", "url": "https://cdn.example/t.jpg?token=T", "expiresAt": 4102444800.0, "width": 426, "height": 240},
        "previewSource": {"status": "ready", "url": "https://cdn.example/p.mp4?token=P", "expiresAt": 4102444800.0},
        "downloadSource": {"status": "ready", "url": "https://cdn.example/d.mp4?token=D", "expiresAt": 4102444700.0, "fileBytes": 1048576},
        "hlsSource": {"status": "pending"},
        "isPublicPreviewEnabled": false
    })
}

/// Removes every `null` member, recursively: our types read `null` and an
/// absent member as the same `None` and write neither.
pub fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// Runs `future` to its end, or fails the test after `secs` seconds. Every
/// test that loops on server data (pages, polls, resumes, retries, batches)
/// goes through this, so a regression that loops fails in seconds instead
/// of hanging the suite.
pub async fn within<T>(secs: u64, future: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(secs), future)
        .await
        .unwrap_or_else(|_| panic!("did not finish within {secs} s: a loop on server data?"))
}

/// Runs a job test's wait (or anything else that may wait) under one limit
/// for every job test: 10 s is nearly 3x the slowest of them (3.7 s, mostly
/// `Retry-After` sleeps). A wait that never ends fails its test in 10 s; a
/// mutant that stops every wait from ending fails them all in about 100 s,
/// which is why scripts/mutants.sh gives the `waiting` group 150 s.
pub async fn bounded<T>(future: impl std::future::IntoFuture<Output = T>) -> T {
    within(10, future.into_future()).await
}

/// Whether this is a CI run (`CI=true`, as CI services and `.ci/run` set
/// it): there a check that cannot run is a failure, not a note.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Reads an HTTP request's head (up to the blank line) from a raw socket, for
/// the tests' hand-written servers; what arrived, if the peer stops early.
pub async fn read_request_head(socket: &mut (impl tokio::io::AsyncRead + Unpin)) -> String {
    use tokio::io::AsyncReadExt;
    let mut request = Vec::new();
    let mut buffer = [0u8; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match socket.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(n) => request.extend_from_slice(&buffer[..n]),
        }
    }
    String::from_utf8_lossy(&request).into_owned()
}

/// A signal raised each time the client logs "retrying": by then the retry
/// decision is made and a 429's hold is in place. Installed for the current
/// thread (a `#[tokio::test]` runtime runs every task on it) while the
/// returned guard lives.
pub fn retry_signal() -> (std::sync::Arc<tokio::sync::Notify>, tracing::subscriber::DefaultGuard) {
    use tracing_subscriber::layer::SubscriberExt;

    struct Signal(std::sync::Arc<tokio::sync::Notify>);
    impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Signal {
        fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
            struct IsRetrying(bool);
            impl tracing::field::Visit for IsRetrying {
                fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                    if field.name() == "message" && format!("{value:?}") == "retrying" {
                        self.0 = true;
                    }
                }
            }
            let mut visit = IsRetrying(false);
            event.record(&mut visit);
            // The README: retries are logged at DEBUG.
            if visit.0 && *event.metadata().level() == tracing::Level::DEBUG {
                self.0.notify_one();
            }
        }
    }
    let notify = std::sync::Arc::new(tokio::sync::Notify::new());
    let subscriber = tracing_subscriber::registry().with(Signal(notify.clone()));
    (notify, scoped_subscriber(subscriber))
}

/// Installs `subscriber` for this thread (every task of a `#[tokio::test]`
/// runs on it) while the guard lives.
///
/// tracing caches each callsite's interest. A test running at the same time
/// on a thread with no subscriber can register the `retrying` event as
/// "never" just as this thread installs its subscriber. The event is then
/// skipped here too, and the wait for it times out (the likely cause of one
/// such timeout in CI; not reproduced on demand).
/// A process-wide subscriber that wants nothing but answers "sometimes" makes
/// every callsite ask the current thread's subscriber at each event. The
/// rebuild afterwards corrects any callsite cached before it.
pub fn scoped_subscriber(
    subscriber: impl tracing::Subscriber + Send + Sync + 'static,
) -> tracing::subscriber::DefaultGuard {
    static ASK_EACH_TIME: std::sync::Once = std::sync::Once::new();
    ASK_EACH_TIME.call_once(|| {
        // Err only if the binary already has a global subscriber: fine.
        let _ = tracing::subscriber::set_global_default(AskEachTime);
    });
    let guard = tracing::subscriber::set_default(subscriber);
    tracing::callsite::rebuild_interest_cache();
    guard
}

/// Enables nothing itself; its "sometimes" keeps every callsite's interest
/// open to the subscriber of whichever thread records.
struct AskEachTime;

impl tracing::Subscriber for AskEachTime {
    fn register_callsite(&self, _: &'static tracing::Metadata<'static>) -> tracing::subscriber::Interest {
        tracing::subscriber::Interest::sometimes()
    }
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        false
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, _: &tracing::Event<'_>) {}
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

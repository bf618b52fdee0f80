//! The README: "Each call is a `tracing` span `videogen.call` with
//! `operation`, `attempts`, `status`, `request_id` and `elapsed_ms`." A layer
//! collects the fields of every finished `videogen.call` span.

mod common;

use std::{
    collections::{BTreeMap, HashMap},
    fmt::Debug,
    sync::{Arc, Mutex},
    time::Duration,
};

use common::within;
use futures_util::StreamExt;
use tracing::{
    field::{Field, Visit},
    span,
};
use tracing_subscriber::{layer::Context, prelude::*, registry::LookupSpan, Layer};
use videogen::RetryPolicy;
use videogen_fake::{FakeVideoGen, Fault, Route, SeedFile};

type Fields = BTreeMap<String, String>;

/// Fields of finished `videogen.call` spans, in the order they closed.
#[derive(Clone, Default)]
struct Spans {
    open: Arc<Mutex<HashMap<span::Id, Fields>>>,
    closed: Arc<Mutex<Vec<Fields>>>,
}

struct Collect<'a>(&'a mut Fields);

impl Visit for Collect<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl<S: tracing::Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Spans {
    fn on_new_span(&self, attrs: &span::Attributes<'_>, id: &span::Id, _: Context<'_, S>) {
        if attrs.metadata().name() == "videogen.call" {
            let mut fields = Fields::new();
            attrs.record(&mut Collect(&mut fields));
            self.open.lock().unwrap().insert(id.clone(), fields);
        }
    }

    fn on_record(&self, id: &span::Id, values: &span::Record<'_>, _: Context<'_, S>) {
        if let Some(fields) = self.open.lock().unwrap().get_mut(id) {
            values.record(&mut Collect(fields));
        }
    }

    fn on_close(&self, id: span::Id, _: Context<'_, S>) {
        if let Some(fields) = self.open.lock().unwrap().remove(&id) {
            self.closed.lock().unwrap().push(fields);
        }
    }
}

impl Spans {
    /// Installs the collector for this thread (every task of a
    /// `#[tokio::test]` runs on it) while the guard lives.
    fn install() -> (Spans, tracing::subscriber::DefaultGuard) {
        let spans = Spans::default();
        let guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(spans.clone()));
        (spans, guard)
    }

    fn take(&self) -> Vec<Fields> {
        std::mem::take(&mut self.closed.lock().unwrap())
    }

    fn only(&self) -> Fields {
        let mut spans = self.take();
        assert_eq!(spans.len(), 1, "one call, one span: {spans:?}");
        spans.remove(0)
    }
}

fn field<'a>(fields: &'a Fields, name: &str) -> Option<&'a str> {
    fields.get(name).map(String::as_str)
}

/// A finished span's operation, attempts and status.
fn outcome(fields: &Fields) -> (Option<&str>, Option<&str>, Option<&str>) {
    (
        field(fields, "operation"),
        field(fields, "attempts"),
        field(fields, "status"),
    )
}

async fn fake() -> FakeVideoGen {
    FakeVideoGen::builder()
        .file(SeedFile::video("vg_file_span").bytes(1024))
        .start()
        .await
}

fn quick_retries(fake: &FakeVideoGen) -> videogen::Client {
    let policy = RetryPolicy::default().initial_backoff(Duration::from_millis(1));
    fake.client_builder().retry_policy(policy).build().unwrap()
}

/// One retry, 1 ms after a failed attempt; each attempt may take `timeout`.
fn one_retry_within(fake: &FakeVideoGen, timeout: Duration) -> videogen::Client {
    let policy = RetryPolicy::default()
        .max_retries(1)
        .initial_backoff(Duration::from_millis(1));
    fake.client_builder()
        .timeout(timeout)
        .retry_policy(policy)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_call_that_succeeds_after_a_retry_records_every_field() {
    let fake = fake().await;
    fake.faults().on(Route::HydrateFile).once(Fault::Unavailable {
        retry_after: Duration::from_secs(1),
    });
    let (spans, _guard) = Spans::install();
    within(10, quick_retries(&fake).files().hydrate("vg_file_span"))
        .await
        .unwrap();
    let span = spans.only();
    assert_eq!(field(&span, "operation"), Some("hydrateFile"), "{span:?}");
    assert_eq!(field(&span, "attempts"), Some("2"), "{span:?}");
    assert_eq!(field(&span, "status"), Some("200"), "{span:?}");
    let elapsed: u64 = field(&span, "elapsed_ms").unwrap().parse().unwrap();
    assert!(
        (1000..10_000).contains(&elapsed),
        "elapsed_ms covers the 1 s Retry-After: {elapsed}"
    );
    let refused = fake.requests_to(Route::HydrateFile)[0].request_id.clone();
    assert_eq!(
        field(&span, "request_id"),
        Some(refused.as_str()),
        "the id of the refused attempt, for support: {span:?}"
    );

    within(10, quick_retries(&fake).files().get("vg_file_span"))
        .await
        .unwrap();
    let span = spans.only();
    assert_eq!(outcome(&span), (Some("getFile"), Some("1"), Some("200")), "{span:?}");
    assert_eq!(
        field(&span, "request_id"),
        None,
        "request ids are kept for errors only: {span:?}"
    );
}

#[tokio::test]
async fn an_undocumented_success_status_records_its_one_attempt() {
    // A start documented as 202 answered with 200 takes the call path's
    // other way to success; its span must say the same as any success.
    let server = common::generate_image_answering(200, "vg_tool_200").await;
    let (spans, _guard) = Spans::install();
    within(10, common::generate_a_fox(&server)).await.unwrap();
    let span = spans.only();
    assert_eq!(
        outcome(&span),
        (Some("generateImage"), Some("1"), Some("200")),
        "{span:?}"
    );
}

#[tokio::test]
async fn a_failed_call_records_its_status_and_request_id() {
    let fake = fake().await;
    let (spans, _guard) = Spans::install();
    let err = within(10, quick_retries(&fake).files().get("vg_file_missing"))
        .await
        .unwrap_err();
    let span = spans.only();
    assert_eq!(field(&span, "operation"), Some("getFile"), "{span:?}");
    assert_eq!(field(&span, "attempts"), Some("1"), "a 404 is not retried: {span:?}");
    assert_eq!(field(&span, "status"), Some("404"), "{span:?}");
    let id = err.request_id().expect("the fake sends x-request-id");
    assert_eq!(field(&span, "request_id"), Some(id), "{span:?}");
    assert!(field(&span, "elapsed_ms").is_some(), "{span:?}");

    fake.faults().on(Route::GetFile).always(Fault::status(503));
    within(10, quick_retries(&fake).files().get("vg_file_span"))
        .await
        .unwrap_err();
    let span = spans.only();
    assert_eq!(field(&span, "attempts"), Some("4"), "three retries: {span:?}");
    assert_eq!(field(&span, "status"), Some("503"), "{span:?}");
    let last = fake.requests_to(Route::GetFile).last().unwrap().request_id.clone();
    assert_eq!(
        field(&span, "request_id"),
        Some(last.as_str()),
        "the last attempt's id: {span:?}"
    );
}

#[tokio::test]
async fn every_operation_names_itself_in_its_span() {
    let fake = fake().await;
    let client = fake.client();
    let files = client.files();
    let (spans, _guard) = Spans::install();
    files.get("vg_file_span").await.unwrap();
    files.hydrate("vg_file_span").await.unwrap();
    files.enable_public_preview("vg_file_span").await.unwrap();
    files.disable_public_preview("vg_file_span").await.unwrap();
    files.list().limit(5).await.unwrap();
    files.search("clip").await.unwrap();
    files.create_upload("new.mp4").await.unwrap();
    files.archive("vg_file_span").await.unwrap();
    let all: Vec<_> = within(10, files.list_all().collect::<Vec<_>>()).await;
    assert!(all.iter().all(Result::is_ok));
    let operations: Vec<_> = spans
        .take()
        .iter()
        .map(|s| field(s, "operation").unwrap().to_owned())
        .collect();
    assert_eq!(
        operations,
        [
            "getFile",
            "hydrateFile",
            "enablePublicPreview",
            "disablePublicPreview",
            "getFiles",
            "searchFiles",
            "createFileUpload",
            "archiveFile",
            "getFiles",
        ]
    );
}

#[tokio::test]
async fn a_call_cut_off_by_its_timeout_still_records_its_attempts() {
    let fake = fake().await;
    fake.faults()
        .on(Route::HydrateFile)
        .always(Fault::latency(Duration::from_secs(5)));
    let client = one_retry_within(&fake, Duration::from_millis(100));
    let (spans, _guard) = Spans::install();
    within(10, client.files().hydrate("vg_file_span")).await.unwrap_err();
    let span = spans.only();
    assert_eq!(field(&span, "attempts"), Some("2"), "{span:?}");
    assert_eq!(field(&span, "status"), None, "no response arrived: {span:?}");
}

/// The events carrying one message (DEBUG "retrying", TRACE "attempt
/// finished"), as their fields, plus `span`: the name of the span each was
/// recorded in.
#[derive(Clone)]
struct Events {
    message: &'static str,
    seen: Arc<Mutex<Vec<Fields>>>,
}

impl Events {
    /// Collects `message` events on this thread while the guard lives.
    fn install(message: &'static str) -> (Events, tracing::subscriber::DefaultGuard) {
        let events = Events {
            message,
            seen: Arc::default(),
        };
        let guard = common::scoped_subscriber(tracing_subscriber::registry().with(events.clone()));
        (events, guard)
    }

    /// One field of every event so far ("-" where it is absent); forgets them.
    fn take(&self, name: &str) -> Vec<String> {
        std::mem::take(&mut *self.seen.lock().unwrap())
            .iter()
            .map(|f| field(f, name).unwrap_or("-").to_owned())
            .collect()
    }
}

impl<S: tracing::Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Events {
    fn on_event(&self, event: &tracing::Event<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields::new();
        event.record(&mut Collect(&mut fields));
        if let Some(span) = ctx.event_span(event) {
            fields.insert("span".into(), span.name().into());
        }
        if field(&fields, "message") == Some(self.message) {
            self.seen.lock().unwrap().push(fields);
        }
    }
}

/// What a call logs is recorded inside its `videogen.call` span, so a
/// subscriber shows it with the call's operation.
#[tokio::test]
async fn a_calls_retry_log_is_recorded_inside_its_span() {
    let (retries, _guard) = Events::install("retrying");
    let fake = fake().await;
    fake.faults().on(Route::HydrateFile).once(Fault::status(503));
    within(10, quick_retries(&fake).files().hydrate("vg_file_span"))
        .await
        .unwrap();
    assert_eq!(retries.take("span"), ["videogen.call"]);
}

/// An attempt cut off by its timeout got no answer, so it reports no status,
/// not the status of the attempt before it.
#[tokio::test]
async fn an_attempt_cut_off_after_an_answered_one_reports_no_status() {
    let (attempts, _guard) = Events::install("attempt finished");
    let fake = fake().await;
    fake.faults()
        .on(Route::HydrateFile)
        .sequence([Fault::status(503), Fault::latency(Duration::from_secs(5))]);
    let client = one_retry_within(&fake, Duration::from_millis(200));
    let error = within(10, client.files().hydrate("vg_file_span")).await.unwrap_err();
    assert!(matches!(error, videogen::Error::Timeout { .. }), "{error:?}");
    assert_eq!(attempts.take("status"), ["503", "-"]);
}

/// The retry log says what went wrong with the attempt: a status, a refused
/// connection, a timeout of the HTTP client, a connection cut mid-response.
#[tokio::test]
async fn each_retry_is_logged_with_what_happened() {
    let (retries, _guard) = Events::install("retrying");
    let outcomes = || retries.take("outcome");
    let once = RetryPolicy::default()
        .max_retries(1)
        .initial_backoff(Duration::from_millis(1));

    let fake = fake().await;
    fake.faults().on(Route::HydrateFile).once(Fault::status(503));
    fake.faults().on(Route::GetFile).once(Fault::DropMidBody);
    let client = fake.client_builder().retry_policy(once.clone()).build().unwrap();
    within(10, client.files().hydrate("vg_file_span")).await.unwrap();
    within(10, client.files().get("vg_file_span")).await.unwrap();
    assert_eq!(outcomes(), ["Some(Status(503))", "Some(Interrupted)"]);

    // The HTTP client's own timeout (a user-supplied reqwest client).
    fake.faults()
        .on(Route::GetFile)
        .once(Fault::latency(Duration::from_secs(5)));
    let http = reqwest::Client::builder()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let impatient = fake
        .client_builder()
        .http_client(http)
        .retry_policy(once.clone())
        .build()
        .unwrap();
    within(10, impatient.files().get("vg_file_span")).await.unwrap();
    assert_eq!(outcomes(), ["Some(TimedOut)"]);

    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let refused = videogen::Client::builder()
        .api_key("k")
        .base_url(format!("http://{closed}"))
        .retry_policy(once)
        .build()
        .unwrap();
    within(10, refused.files().get("vg_file_span")).await.unwrap_err();
    assert_eq!(outcomes(), ["Some(ConnectFailed)"]);
}

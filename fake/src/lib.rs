//! A fake of the whole VideoGen API, for tests, examples and benchmarks of
//! code that uses the [`videogen`] crate, and (as the `videogen-fake`
//! binary) for services written in other languages.
//!
//! [`FakeVideoGen::start`] binds a real HTTP server to `127.0.0.1` on a free
//! port, in the calling Tokio runtime, and serves all 55 operations of the
//! published document from memory, routed from [`videogen::Operation`]'s
//! table, plus the signed download URLs that hydrate mints, the presigned
//! upload URLs, and the MP4s of finished exports. Every payload is built
//! from the `videogen` types, and every request is checked against the
//! document's structure: what it allows is accepted, anything else gets
//! the documented `ApiError` 400. No network, no API key.
//!
//! ```no_run
//! use videogen_fake::{FakeVideoGen, Fault, Route, SeedFile};
//!
//! # async fn run() -> Result<(), videogen::Error> {
//! let fake = FakeVideoGen::builder().file(SeedFile::video("vg_file_abc").bytes(4096)).start().await;
//! fake.faults().on(Route::HydrateFile).sequence([Fault::status(503)]);
//!
//! let file = fake.client().files().hydrate("vg_file_abc").await?; // retried once
//! assert!(file.download_url().unwrap().starts_with(fake.base_url()));
//! assert_eq!(fake.count(Route::HydrateFile), 2);
//! # Ok(()) }
//! ```
//!
//! What it offers:
//! - seeding ([`SeedFile`]): files of every type and scope, sources in any
//!   status, bytes of any size, generated on demand;
//! - signed URLs that expire by the fake's [`Clock`] (403 afterwards or when
//!   tampered with), served with `Range`, `Content-Length` and `ETag`;
//! - uploads that go from pending to ready after a processing delay, or fail
//!   when told ([`FakeVideoGen::fail_uploads`]);
//! - jobs on the fake's clock ([`FakeVideoGen::jobs`], [`FakeVideoGen::advance`]):
//!   tool executions, workflow runs, exports and remix actions that go
//!   `pending`, `running`, then `succeeded` (or, as scripted, `failed`,
//!   `cancelled` or stalled), with result files that exist in the fake;
//! - entities, projects, resource catalogues, text generation, `me` and
//!   webhook endpoints, which receive signed event deliveries (below);
//! - scripted faults ([`Faults`]) on every route: status sequences, 429
//!   with `Retry-After`, latency, connections dropped mid-body, truncated
//!   bodies, HTML error pages, a per-key rate limit;
//! - a request log ([`FakeVideoGen::requests`]) and per-route counters
//!   ([`FakeVideoGen::count`]).
//!
//! # Webhook deliveries
//!
//! When a tool execution or workflow run ends (by the clock, a script, or a
//! cancel through the API) or an upload's processing ends, the fake POSTs
//! the event the published document names for it (`tool_execution.succeeded`,
//! `workflow_run.failed`, `file.upload.completed`, ...) to every endpoint
//! subscribed to that name, with the document's payload and the Standard
//! Webhooks headers, signed with the endpoint's secret: a handler built on
//! [`videogen::webhooks::Verifier`] can be tested end to end, no network.
//!
//! - Each event goes once to each endpoint that subscribed to it and existed
//!   when it happened; its `webhook-id` stays the same on every retry.
//!   Exports and remix actions send nothing (the document lists no events
//!   for them); a successful upload sends `file.upload.completed`, then
//!   `file.download_ready`, `file.playback_ready` and
//!   `file.analysis_completed` as far as they apply; a failed one
//!   `file.upload.failed` and `file.analysis_failed`.
//! - An attempt that gets no 2xx answer (an error status, a redirect, a
//!   refused connection, no answer within
//!   [`Builder::webhook_timeout`]) is retried after
//!   [`WEBHOOK_RETRY_SCHEDULE`] (5 s, 5 min, 30 min, ...) on the fake's
//!   clock, so `fake.advance(..)` brings the next retry on.
//! - A background task sends them as soon as they are due, whether the clock
//!   was moved or runs by itself; [`FakeVideoGen::deliver_now`] waits until
//!   everything due has been sent, and [`FakeVideoGen::deliveries`] lists
//!   every attempt ([`Delivery`]).
//!
//! ```no_run
//! use std::time::Duration;
//! use videogen::types::{CreateWebhookEndpointRequest, GenerateImageRequest, WebhookEventName};
//! use videogen_fake::FakeVideoGen;
//!
//! # async fn run(handler_url: String) -> Result<(), videogen::Error> {
//! let fake = FakeVideoGen::start().await;
//! let client = fake.client();
//! let request = CreateWebhookEndpointRequest::new(handler_url, vec![WebhookEventName::ToolExecutionSucceeded]);
//! let endpoint = client.webhooks().create_endpoint(request).await?;
//! // Give endpoint.signing_secret to the handler's Verifier.
//! client.tools().generate_image(GenerateImageRequest::new("a red fox")).await?;
//! fake.advance(Duration::from_secs(10));
//! fake.deliver_now().await;
//! let delivery = &fake.deliveries()[0];
//! assert_eq!((delivery.endpoint_id.as_str(), delivery.event.as_str()), (endpoint.endpoint_id.as_str(), "tool_execution.succeeded"));
//! assert!(delivery.succeeded(), "the handler answered {:?}", delivery.status);
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

mod api;
mod catalog;
mod clock;
mod content;
mod deliver;
mod faults;
mod jobs;
mod log;
mod paging;
mod route;
mod seed;
mod server;
mod sign;
mod store;
mod validate;
mod world;

use std::{
    io,
    net::Ipv4Addr,
    sync::{atomic::AtomicU64, Arc, Mutex, MutexGuard, PoisonError},
    time::{Duration, SystemTime},
};

use axum::serve::ListenerExt;
use bytes::Bytes;
use videogen::{FileSourceStatus, Rendition};

pub use crate::{
    clock::Clock,
    deliver::{Delivery, WEBHOOK_RETRY_SCHEDULE},
    faults::{Fault, FaultRule, Faults},
    jobs::{JobKind, JobScript, JobState, JobStatus, Jobs},
    log::RecordedRequest,
    route::Route,
    seed::SeedFile,
    store::ReceivedUpload,
};
use crate::{deliver::Outbox, log::Log, store::Store, world::World};
/// The `http` crate, whose `Method` and `HeaderMap` appear in [`RecordedRequest`].
pub use http;

/// Which signed URLs responses other than hydrate carry (get, list, search,
/// archive, public preview toggles).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum UrlsOnRead {
    /// None: sources keep their status but have no `url` or `expiresAt`, as
    /// the real API does (only hydrate attaches signed URLs). The default.
    #[default]
    Omit,
    /// The URLs the last hydrate minted, expired or not: for tests of code
    /// that must notice stale URLs.
    LastMinted,
    /// Freshly minted URLs, as if every read hydrated.
    Fresh,
}

/// Settings fixed at start.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub url_ttl: Duration,
    pub upload_url_ttl: Duration,
    pub processing_delay: Duration,
    pub urls_on_read: UrlsOnRead,
    pub rng_seed: Option<u64>,
    pub fail_uploads: bool,
    pub job_duration: Duration,
    pub export_bytes: u64,
}

/// State shared by the server and the handle.
pub(crate) struct Shared {
    world: Mutex<World>,
    store: Mutex<Store>,
    base_url: String,
    export_bytes: u64,
    log: Mutex<Log>,
    clock: Clock,
    faults: Faults,
    api_keys: Vec<String>,
    max_kept_upload: u64,
    requests: AtomicU64,
    outbox: Mutex<Outbox>,
    /// Wakes the webhook sender: something ended, or endpoints changed.
    kick: tokio::sync::Notify,
    sender: deliver::Sender,
}

impl Shared {
    fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn log(&self) -> MutexGuard<'_, Log> {
        self.log.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Deliveries waiting and made. Lock it after the world and the files,
    /// never before.
    fn outbox(&self) -> MutexGuard<'_, Outbox> {
        self.outbox.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` on the jobs and the files, settled up to now (locks the
    /// world, then the files: always in that order). Wakes the webhook
    /// sender when a job or an upload ended meanwhile, or a job will end
    /// sooner than it planned for.
    fn with_world<R>(&self, f: impl FnOnce(&mut World, &mut Store, SystemTime) -> R) -> R {
        let now = self.clock.now();
        let (result, wake) = {
            let mut world = self.world.lock().unwrap_or_else(PoisonError::into_inner);
            let mut store = self.store();
            world.settle(now, &mut store);
            let planned = world.next_due();
            let result = f(&mut world, &mut store, now);
            if !world.has_endpoints() {
                // Nobody to tell: an endpoint made later only hears of later events.
                world.ended.clear();
                store.forget_upload_ends();
            }
            let sooner = match (planned, world.next_due()) {
                (Some(planned), Some(due)) => due < planned,
                (None, due) => due.is_some(),
                (Some(_), None) => false,
            };
            let ended = !world.ended.is_empty() || store.has_upload_ends();
            (result, ended || (sooner && world.has_endpoints()))
        };
        if wake {
            self.kick.notify_one();
        }
        result
    }
}

/// A running fake VideoGen API. The server stops when this is dropped (or
/// [`shut down`](Self::shutdown)): it accepts no more connections and closes
/// idle ones, so clients then see connection errors.
///
/// Start one per test: it takes about a millisecond and shares nothing.
/// It runs in the Tokio runtime that started it, so `#[tokio::test]`
/// (single-threaded) works as well as a multi-threaded runtime.
pub struct FakeVideoGen {
    shared: Arc<Shared>,
    base_url: String,
    api_key: String,
    server: Option<tokio::task::JoinHandle<()>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    sender: Option<tokio::task::JoinHandle<()>>,
    stop_sender: Option<tokio::sync::oneshot::Sender<()>>,
}

impl std::fmt::Debug for FakeVideoGen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeVideoGen")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl Drop for FakeVideoGen {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(stop) = self.stop_sender.take() {
            let _ = stop.send(());
        }
    }
}

impl FakeVideoGen {
    /// The API key a fake accepts unless configured otherwise.
    pub const API_KEY: &'static str = "vg_test_fake_key";

    /// Starts a fake with the defaults and no files.
    ///
    /// # Panics
    /// If no port on 127.0.0.1 can be bound; see [`Builder::try_start`].
    pub async fn start() -> FakeVideoGen {
        FakeVideoGen::builder().start().await
    }

    /// Stops the server and waits until it has: no new connections, idle
    /// ones closed, requests in flight answered. Dropping the fake does the
    /// same without waiting.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(stop) = self.stop_sender.take() {
            let _ = stop.send(());
        }
        if let Some(sender) = self.sender.take() {
            let _ = sender.await;
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }

    /// A builder for the settings and seeded files.
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// Where the fake listens, e.g. `http://127.0.0.1:41234` (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The API key [`client`](Self::client) sends.
    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// A client builder aimed at the fake with its key, for tuning retries
    /// and timeouts before [`build`](videogen::ClientBuilder::build).
    pub fn client_builder(&self) -> videogen::ClientBuilder {
        videogen::Client::builder()
            .base_url(&self.base_url)
            .api_key(&self.api_key)
    }

    /// A client with default settings, aimed at the fake.
    pub fn client(&self) -> videogen::Client {
        self.client_builder()
            .build()
            .expect("a client for the fake's URL and key always builds")
    }

    /// The fake's clock: advance it to expire URLs and finish processing.
    pub fn clock(&self) -> Clock {
        self.shared.clock.clone()
    }

    /// Moves the fake's clock forward: jobs progress and end, URLs age,
    /// uploads finish processing. Same as `fake.clock().advance(by)`.
    pub fn advance(&self, by: Duration) {
        self.shared.clock.advance(by);
    }

    /// Scripted failures and the rate limit.
    pub fn faults(&self) -> Faults {
        self.shared.faults.clone()
    }

    /// Scripts jobs (fail, stall, take a set time, cancel) and lists them.
    pub fn jobs(&self) -> Jobs {
        Jobs {
            shared: self.shared.clone(),
        }
    }

    /// One job's state now (tool execution, workflow run, export or remix action).
    pub fn job(&self, id: &str) -> Option<JobState> {
        self.jobs().get(id)
    }

    /// Every webhook endpoint, oldest first, with its full signing secret.
    pub fn webhook_endpoints(&self) -> Vec<videogen::types::WebhookEndpoint> {
        self.shared.with_world(|world, _, _| world.endpoints())
    }

    /// Every webhook delivery attempt so far, oldest first (the latest
    /// 10 000): one per event, subscribed endpoint and attempt. See
    /// [`deliver_now`](Self::deliver_now) for waiting until they are made.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.shared.outbox().deliveries()
    }

    /// How many attempts are waiting: first attempts not yet made and
    /// retries not yet due.
    pub fn pending_deliveries(&self) -> usize {
        self.shared.outbox().pending_count()
    }

    /// Forgets the attempts [`deliveries`](Self::deliveries) lists (pending
    /// ones stay scheduled).
    pub fn clear_deliveries(&self) {
        self.shared.outbox().clear_deliveries();
    }

    /// Sends every webhook delivery due by the fake's clock now and returns
    /// once each has been answered, failed or timed out, and recorded.
    ///
    /// Deliveries go out by themselves (a background task wakes when the
    /// clock moves, a job or upload ends, or a retry falls due), so this is
    /// only needed to know they *have* gone: after `fake.advance(d)`, await
    /// it before reading [`deliveries`](Self::deliveries). Do not await it
    /// from inside a webhook handler the fake is calling: it waits for that
    /// very delivery (until the delivery timeout).
    pub async fn deliver_now(&self) {
        deliver::pump(&self.shared).await;
    }

    /// Adds a ready project, as if made earlier; returns its id. With `ui`
    /// it was made in the web app by a teammate: listed only with
    /// `includeUiProjects`, and never with `selfOnly`.
    pub fn add_project(&self, title: &str, aspect: (u64, u64), ui: bool) -> String {
        self.shared
            .with_world(|world, _, now| world.seed_project(title, aspect, ui, now))
    }

    /// Adds a file (replacing one with the same id); returns its id.
    pub fn add_file(&self, file: SeedFile) -> String {
        self.shared.store().seed(file, self.shared.clock.now())
    }

    /// Removes a file; later requests for it get 404. False if it did not exist.
    pub fn remove_file(&self, file_id: &str) -> bool {
        self.shared.store().remove(file_id)
    }

    /// The file as stored, without signed URLs (archived files included).
    pub fn file(&self, file_id: &str) -> Option<videogen::File> {
        self.shared.store().peek(file_id, self.shared.clock.now())
    }

    /// Sets the status of one rendition of a file (creating the source if
    /// it was absent). False if there is no such file.
    pub fn set_status(&self, file_id: &str, rendition: Rendition, status: FileSourceStatus) -> bool {
        self.shared.store().set_status(file_id, rendition, status)
    }

    /// Makes every upload's processing fail (renditions end `failed`), or
    /// succeed again. Applies to uploads still processing too.
    pub fn fail_uploads(&self, fail: bool) {
        self.shared.store().set_fail_uploads(fail);
    }

    /// Makes one file's pending processing fail. False if it is not processing.
    pub fn fail_upload(&self, file_id: &str) -> bool {
        self.shared.store().set_fail(file_id)
    }

    /// What the PUT to a file's upload URL delivered, once it has arrived.
    pub fn upload(&self, file_id: &str) -> Option<ReceivedUpload> {
        self.shared.store().received(file_id)
    }

    /// All bytes of one rendition, as a download serves them (allocates the
    /// whole rendition: fine for test-sized files).
    pub fn rendition_bytes(&self, file_id: &str, rendition: Rendition) -> Option<Bytes> {
        let content = self.shared.store().content(file_id, rendition)?;
        Some(content.slice(0, content.len()))
    }

    /// A download URL for a rendition, signed to expire at `expires_at`, as
    /// hydrate would mint it; for tests of expired or tampered URLs.
    pub fn signed_url(&self, file_id: &str, rendition: Rendition, expires_at: SystemTime) -> String {
        let store = self.shared.store();
        let expires = clock::unix_millis(expires_at);
        let segment = store::segment(rendition);
        let sig = store.signer.sign(&format!("download/{file_id}/{segment}"), expires);
        format!(
            "{}/download/{}/{segment}?expires={expires}&sig={sig}",
            self.base_url,
            store::encode(file_id)
        )
    }

    /// Every request received since start (or [`reset_log`](Self::reset_log)),
    /// oldest first; the oldest drop out past the log's capacity.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.log().entries()
    }

    /// The logged requests of one route or operation, oldest first.
    pub fn requests_to(&self, route: impl Into<Route>) -> Vec<RecordedRequest> {
        let route = route.into();
        self.requests().into_iter().filter(|r| r.route == Some(route)).collect()
    }

    /// The `Range` header of each logged download of a file, oldest first
    /// (`None` for whole-file requests): what a resuming client asked for.
    pub fn download_ranges(&self, file_id: &str) -> Vec<Option<String>> {
        self.requests_to(Route::Download)
            .into_iter()
            .filter(|r| r.file_id.as_deref() == Some(file_id))
            .map(|r| r.range().map(str::to_owned))
            .collect()
    }

    /// How many requests reached a route or operation (whatever the
    /// outcome: faults, 401s and 404s count), since start or
    /// [`reset_log`](Self::reset_log). `fake.count(Operation::GetToolExecutionInfo)`
    /// counts polls.
    pub fn count(&self, route: impl Into<Route>) -> u64 {
        self.shared.log().count(route.into())
    }

    /// Every route or operation that was requested, with its count.
    pub fn counts(&self) -> Vec<(Route, u64)> {
        Route::ALL
            .into_iter()
            .map(|r| (r, self.count(r)))
            .filter(|(_, n)| *n > 0)
            .collect()
    }

    /// [`count`](Self::count) by name: the spec's `operationId`
    /// (`"hydrateFile"`), or `"download"`, `"upload"`, `"publicPreview"`.
    /// Zero for an unknown name.
    pub fn hits(&self, name: &str) -> u64 {
        Route::from_name(name).map_or(0, |route| self.count(route))
    }

    /// Clears the request log and the counters.
    pub fn reset_log(&self) {
        self.shared.log().clear();
    }
}

/// Configures a [`FakeVideoGen`]; every setting has a default.
#[derive(Debug)]
#[must_use]
pub struct Builder {
    api_key: String,
    extra_keys: Vec<String>,
    clock: Clock,
    files: Vec<SeedFile>,
    settings: Settings,
    max_kept_upload: u64,
    log_capacity: usize,
    demo_projects: bool,
    bind: std::net::SocketAddr,
    webhook_timeout: Duration,
    webhook_retries: Vec<Duration>,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            api_key: FakeVideoGen::API_KEY.to_owned(),
            extra_keys: Vec::new(),
            clock: Clock::system(),
            files: Vec::new(),
            settings: Settings {
                url_ttl: Duration::from_secs(3600),
                upload_url_ttl: Duration::from_secs(900),
                processing_delay: Duration::ZERO,
                urls_on_read: UrlsOnRead::Omit,
                rng_seed: None,
                fail_uploads: false,
                job_duration: Duration::from_secs(10),
                export_bytes: 1 << 20,
            },
            max_kept_upload: 64 << 20,
            log_capacity: 10_000,
            demo_projects: false,
            bind: (Ipv4Addr::LOCALHOST, 0).into(),
            webhook_timeout: Duration::from_secs(5),
            webhook_retries: WEBHOOK_RETRY_SCHEDULE.to_vec(),
        }
    }
}

impl Builder {
    /// The API key the fake accepts and [`FakeVideoGen::client`] sends
    /// (default [`FakeVideoGen::API_KEY`]).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = key.into();
        self
    }

    /// Another key the fake accepts (for per-key rate-limit tests).
    pub fn extra_api_key(mut self, key: impl Into<String>) -> Self {
        self.extra_keys.push(key.into());
        self
    }

    /// How long hydrated URLs stay valid: `expiresAt` = now + this
    /// (default one hour).
    pub fn url_ttl(mut self, ttl: Duration) -> Self {
        self.settings.url_ttl = ttl;
        self
    }

    /// How long upload URLs stay valid (default 15 minutes).
    pub fn upload_url_ttl(mut self, ttl: Duration) -> Self {
        self.settings.upload_url_ttl = ttl;
        self
    }

    /// How long an upload stays pending after its bytes arrive, by the
    /// fake's clock (default zero: ready on the next read).
    pub fn processing_delay(mut self, delay: Duration) -> Self {
        self.settings.processing_delay = delay;
        self
    }

    /// The clock (default [`Clock::system`]); keep a clone to move time.
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Seeds a file.
    pub fn file(mut self, file: SeedFile) -> Self {
        self.files.push(file);
        self
    }

    /// Seeds several files.
    pub fn files(mut self, files: impl IntoIterator<Item = SeedFile>) -> Self {
        self.files.extend(files);
        self
    }

    /// Seeds [`SeedFile::demo_set`], `vg_file_demo` among them (every type
    /// the document lists; see [`with_future_types`](Self::with_future_types)
    /// for one it does not).
    pub fn with_demo_files(self) -> Self {
        self.files(SeedFile::demo_set())
    }

    /// Seeds the demo files, a demo project (`ready`) and one made in the web app.
    pub fn with_demo_data(mut self) -> Self {
        self.demo_projects = true;
        self.with_demo_files()
    }

    /// Seeds [`SeedFile::future_types`]: a file of a type newer than the
    /// published document (`LOTTIE`), for testing forward compatibility. Off
    /// by default: a fake that conforms to the document never sends it.
    pub fn with_future_types(self) -> Self {
        self.files(SeedFile::future_types())
    }

    /// How long a job takes from start to end by the fake's clock (default
    /// 10 s): `pending` for the first tenth, then `running`. Zero ends jobs
    /// on their first read. Scripts ([`FakeVideoGen::jobs`]) override it per job.
    pub fn job_duration(mut self, duration: Duration) -> Self {
        self.settings.job_duration = duration;
        self
    }

    /// Size of a finished export's MP4 (default 1 MiB).
    pub fn export_bytes(mut self, bytes: u64) -> Self {
        self.settings.export_bytes = bytes;
        self
    }

    /// Which signed URLs reads other than hydrate carry (default none).
    pub fn urls_on_read(mut self, urls: UrlsOnRead) -> Self {
        self.settings.urls_on_read = urls;
        self
    }

    /// Makes generated ids and URL signatures the same on every run.
    pub fn rng_seed(mut self, seed: u64) -> Self {
        self.settings.rng_seed = Some(seed);
        self
    }

    /// Starts with every upload's processing set to fail.
    pub fn fail_uploads(mut self, fail: bool) -> Self {
        self.settings.fail_uploads = fail;
        self
    }

    /// Uploads up to this size are kept in memory (and downloads serve them
    /// back); larger ones keep only length and hash. Default 64 MiB.
    pub fn max_kept_upload(mut self, bytes: u64) -> Self {
        self.max_kept_upload = bytes;
        self
    }

    /// How many requests the log keeps, newest last (default 10 000; 0
    /// turns the log off, counters keep counting).
    pub fn request_log_capacity(mut self, entries: usize) -> Self {
        self.log_capacity = entries;
        self
    }

    /// Where to listen (default `127.0.0.1:0`: a free port on loopback).
    pub fn bind(mut self, addr: std::net::SocketAddr) -> Self {
        self.bind = addr;
        self
    }

    /// How long a webhook delivery waits for the endpoint's answer before it
    /// counts as failed (default 5 s; the real API allows 15 s).
    pub fn webhook_timeout(mut self, timeout: Duration) -> Self {
        self.webhook_timeout = timeout;
        self
    }

    /// The waits before each retry of a failed webhook delivery, on the
    /// fake's clock (default [`WEBHOOK_RETRY_SCHEDULE`]); an empty list
    /// turns retries off. The number of attempts is one more than its length.
    pub fn webhook_retry_schedule(mut self, waits: impl IntoIterator<Item = Duration>) -> Self {
        self.webhook_retries = waits.into_iter().collect();
        self
    }

    /// Binds and starts the server in the current Tokio runtime.
    ///
    /// # Panics
    /// If no port on 127.0.0.1 can be bound, or outside a Tokio runtime.
    pub async fn start(self) -> FakeVideoGen {
        self.try_start()
            .await
            .expect("videogen-fake could not bind a port on 127.0.0.1")
    }

    /// [`start`](Self::start), returning bind errors instead of panicking.
    pub async fn try_start(self) -> io::Result<FakeVideoGen> {
        let listener = tokio::net::TcpListener::bind(self.bind).await?;
        let local = listener.local_addr()?;
        let host = if local.ip().is_unspecified() {
            std::net::SocketAddr::new(Ipv4Addr::LOCALHOST.into(), local.port())
        } else {
            local
        };
        let base_url = format!("http://{host}");
        let export_bytes = self.settings.export_bytes;
        let mut world = World::new(base_url.clone(), self.settings.rng_seed, self.settings.job_duration);
        let mut store = Store::new(base_url.clone(), self.settings);
        let now = self.clock.now();
        for file in self.files {
            store.seed(file, now);
        }
        if self.demo_projects {
            world.seed_project("Coastline at sunset", (16, 9), false, now);
            world.seed_project("Product launch teaser", (9, 16), true, now);
        }
        let mut api_keys = self.extra_keys;
        api_keys.push(self.api_key.clone());
        let shared = Arc::new(Shared {
            world: Mutex::new(world),
            store: Mutex::new(store),
            base_url: base_url.clone(),
            export_bytes,
            log: Mutex::new(Log::new(self.log_capacity)),
            clock: self.clock,
            faults: Faults { state: Arc::default() },
            api_keys,
            max_kept_upload: self.max_kept_upload,
            requests: AtomicU64::new(0),
            outbox: Mutex::new(Outbox::default()),
            kick: tokio::sync::Notify::new(),
            sender: deliver::Sender::new(self.webhook_timeout, self.webhook_retries),
        });
        let (stop_sender, sender_stopped) = tokio::sync::oneshot::channel::<()>();
        let sender = tokio::spawn(deliver::run(shared.clone(), sender_stopped));
        let app = server::router(shared.clone());
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(FakeVideoGen {
            shared,
            base_url,
            api_key: self.api_key,
            server: Some(server),
            stop: Some(stop),
            sender: Some(sender),
            stop_sender: Some(stop_sender),
        })
    }
}

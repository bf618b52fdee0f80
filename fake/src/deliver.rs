//! Webhook deliveries: when a tool execution, workflow run or upload ends,
//! the fake POSTs the event, signed the Standard Webhooks way, to every
//! endpoint subscribed to it, and retries failed attempts on its clock.
//!
//! A background task owns the sending. It wakes when the clock moves, when a
//! request ends a job or an upload, when a retry or a job end falls due (for
//! clocks that run by themselves), and at least once a second while there
//! is anything to send to. The world and file locks are held only to find
//! what ended and to build the payloads, never during HTTP.

use std::{
    collections::VecDeque,
    sync::Arc,
    time::{Duration, SystemTime},
};

use base64::{engine::general_purpose::STANDARD, Engine};
use bytes::Bytes;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use videogen::{
    types::{
        ApiError, FileUploadWebhookPayload, ToolExecutionWebhookEventName, ToolExecutionWebhookPayload,
        WorkflowRunWebhookEventName, WorkflowRunWebhookPayload,
    },
    AnalysisLoadingState, FileSource, Timestamp,
};

use crate::{
    clock::unix_seconds,
    jobs::JobKind,
    store::{Store, UploadEnd},
    world::World,
    Shared,
};

/// The default waits before each retry of a delivery that got no 2xx
/// answer: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, each measured on the
/// fake's clock from the failed attempt. That is the schedule Svix (the
/// reference Standard Webhooks sender) documents: eight attempts in all,
/// then the delivery is given up.
pub const WEBHOOK_RETRY_SCHEDULE: [Duration; 7] = [
    Duration::from_secs(5),
    Duration::from_secs(5 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(2 * 3600),
    Duration::from_secs(5 * 3600),
    Duration::from_secs(10 * 3600),
    Duration::from_secs(10 * 3600),
];

/// How many attempts [`FakeVideoGen::deliveries`](crate::FakeVideoGen::deliveries)
/// keeps; the oldest drop out first.
const KEPT: usize = 10_000;

/// Longest sleep of the sender while anything may need sending: a safety
/// net for ends nobody announced.
const TICK: Duration = Duration::from_secs(1);

/// Shortest sleep, so a due time a hair away does not spin.
const MIN_SLEEP: Duration = Duration::from_millis(5);

/// One attempt to deliver one event to one endpoint, as
/// [`FakeVideoGen::deliveries`](crate::FakeVideoGen::deliveries) lists them.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Delivery {
    /// The endpoint's id (`ep_...`).
    pub endpoint_id: String,
    /// Where it was POSTed.
    pub url: String,
    /// The event name, e.g. `tool_execution.succeeded`.
    pub event: String,
    /// The `webhook-id` header: one per event, the same on every retry and
    /// for every endpoint that receives it.
    pub webhook_id: String,
    /// 1 for the first attempt, 2 for the first retry, ...
    pub attempt: u32,
    /// The answer's HTTP status, when there was one.
    pub status: Option<u16>,
    /// Why no answer came (connection refused, timeout, ...).
    pub error: Option<String>,
    /// The JSON body, byte for byte as signed and sent.
    pub body: Bytes,
    /// The `webhook-signature` header (`v1,<base64>`).
    pub signature: String,
    /// When it was sent, by the fake's clock (`webhook-timestamp` is this
    /// in whole Unix seconds).
    pub at: SystemTime,
    /// When the next retry is due, if this attempt failed and retries are left.
    pub next_attempt_at: Option<SystemTime>,
}

impl Delivery {
    /// Whether the endpoint answered 2xx.
    pub fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }

    /// The `webhook-timestamp` header: [`at`](Self::at) in Unix seconds.
    pub fn timestamp(&self) -> u64 {
        unix_seconds(self.at)
    }
}

/// An event that ended up with subscribers, before any attempt.
#[derive(Debug)]
pub(crate) struct Outgoing {
    webhook_id: String,
    event: String,
    body: Bytes,
    endpoints: Vec<String>,
}

/// An attempt waiting for its time.
#[derive(Clone, Debug)]
struct Pending {
    webhook_id: String,
    event: String,
    body: Bytes,
    endpoint_id: String,
    attempt: u32,
    due: SystemTime,
    /// Queue order, to keep events in the order they happened.
    seq: u64,
}

/// Attempts waiting and attempts made.
#[derive(Debug, Default)]
pub(crate) struct Outbox {
    pending: Vec<Pending>,
    done: VecDeque<Delivery>,
    seq: u64,
}

impl Outbox {
    fn queue(&mut self, outgoing: Vec<Outgoing>, now: SystemTime) {
        for event in outgoing {
            for endpoint_id in event.endpoints {
                self.seq += 1;
                self.pending.push(Pending {
                    webhook_id: event.webhook_id.clone(),
                    event: event.event.clone(),
                    body: event.body.clone(),
                    endpoint_id,
                    attempt: 1,
                    due: now,
                    seq: self.seq,
                });
            }
        }
    }

    /// Removes and returns what is due, oldest first.
    fn take_due(&mut self, now: SystemTime) -> Vec<Pending> {
        let (mut due, later): (Vec<_>, Vec<_>) = self.pending.drain(..).partition(|p| p.due <= now);
        self.pending = later;
        due.sort_by_key(|p| (p.due, p.seq));
        due
    }

    fn next_due(&self) -> Option<SystemTime> {
        self.pending.iter().map(|p| p.due).min()
    }

    /// Drops everything still waiting for a deleted endpoint.
    pub(crate) fn forget_endpoint(&mut self, endpoint_id: &str) {
        self.pending.retain(|p| p.endpoint_id != endpoint_id);
    }

    pub(crate) fn pending_count(&self) -> usize {
        self.pending.len()
    }

    pub(crate) fn deliveries(&self) -> Vec<Delivery> {
        self.done.iter().cloned().collect()
    }

    pub(crate) fn clear_deliveries(&mut self) {
        self.done.clear();
    }

    fn record(&mut self, delivery: Delivery) {
        if self.done.len() == KEPT {
            self.done.pop_front();
        }
        self.done.push_back(delivery);
    }
}

/// What the sender needs besides the shared state.
pub(crate) struct Sender {
    http: Option<reqwest::Client>,
    retries: Vec<Duration>,
    /// One sweep-and-send at a time, so `deliver_now` can wait for the
    /// background task's round to finish.
    turn: tokio::sync::Mutex<()>,
}

impl Sender {
    pub(crate) fn new(timeout: Duration, retries: Vec<Duration>) -> Sender {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            // Handlers under test are local: a proxy from the environment would only get in the way.
            .no_proxy()
            .user_agent(concat!("videogen-fake/", env!("CARGO_PKG_VERSION"), " webhooks"))
            .build()
            .ok();
        Sender {
            http,
            retries,
            turn: tokio::sync::Mutex::new(()),
        }
    }
}

/// The background task: sleeps until something may be due, then sends.
pub(crate) async fn run(shared: Arc<Shared>, mut stop: tokio::sync::oneshot::Receiver<()>) {
    let mut moves = shared.clock.moves();
    loop {
        let sleep = next_wake(&shared);
        tokio::select! {
            biased;
            _ = &mut stop => return,
            () = shared.kick.notified() => {}
            Ok(()) = moves.changed() => {}
            () = sleep_for(sleep) => {}
        }
        tokio::select! {
            biased;
            _ = &mut stop => return,
            () = pump(&shared) => {}
        }
    }
}

async fn sleep_for(wait: Option<Duration>) {
    match wait {
        Some(wait) => tokio::time::sleep(wait).await,
        None => std::future::pending().await,
    }
}

/// How long the sender may sleep; `None` while nothing could need sending
/// until a request, a clock move or a new endpoint wakes it.
fn next_wake(shared: &Shared) -> Option<Duration> {
    let (endpoints, jobs_due, uploads_due) =
        shared.with_world(|world, store, _| (world.has_endpoints(), world.next_due(), store.next_upload_due()));
    let retry_due = shared.outbox().next_due();
    if !endpoints && retry_due.is_none() {
        return None;
    }
    if shared.clock.is_frozen() {
        return Some(TICK);
    }
    let now = shared.clock.now();
    let next = [
        jobs_due.filter(|_| endpoints),
        uploads_due.filter(|_| endpoints),
        retry_due,
    ]
    .into_iter()
    .flatten()
    .min();
    Some(next.map_or(TICK, |at| {
        at.duration_since(now).unwrap_or_default().clamp(MIN_SLEEP, TICK)
    }))
}

/// One round: collect what ended, queue it for its subscribers, send every
/// attempt due now (endpoints in parallel, each endpoint's in order), and
/// record the outcomes.
pub(crate) async fn pump(shared: &Shared) {
    let _turn = shared.sender.turn.lock().await;
    let outgoing = shared.with_world(take_events);
    let due = {
        let mut outbox = shared.outbox();
        outbox.queue(outgoing, shared.clock.now());
        outbox.take_due(shared.clock.now())
    };
    if due.is_empty() {
        return;
    }
    // Endpoints as they are now: a deleted one gets nothing more.
    let targets = shared.with_world(|world, _, _| {
        due.into_iter()
            .filter_map(|p| world.endpoint_target(&p.endpoint_id).map(|t| (p, t)))
            .collect::<Vec<_>>()
    });
    let mut groups: Vec<Vec<(Pending, (String, String))>> = Vec::new();
    for target in targets {
        match groups.iter_mut().find(|g| g[0].0.endpoint_id == target.0.endpoint_id) {
            Some(group) => group.push(target),
            None => groups.push(vec![target]),
        }
    }
    futures_util::future::join_all(groups.into_iter().map(|group| async move {
        for (pending, (url, secret)) in group {
            attempt(shared, pending, url, secret).await;
        }
    }))
    .await;
}

/// Sends one attempt and records it (and its retry, if one is left).
async fn attempt(shared: &Shared, pending: Pending, url: String, secret: String) {
    let at = shared.clock.now();
    let timestamp = unix_seconds(at);
    let signature = sign(&secret, &pending.webhook_id, timestamp, &pending.body);
    let (status, error) = match (&shared.sender.http, &signature) {
        (_, None) => (None, Some("the endpoint's secret is not a whsec_ key".to_owned())),
        (None, _) => (None, Some("the fake could not build an HTTP client".to_owned())),
        (Some(http), Some(signature)) => {
            let sent = http
                .post(&url)
                .header(http::header::CONTENT_TYPE, "application/json")
                .header("webhook-id", &pending.webhook_id)
                .header("webhook-timestamp", timestamp.to_string())
                .header("webhook-signature", signature)
                .body(pending.body.clone())
                .send()
                .await;
            match sent {
                Ok(response) => (Some(response.status().as_u16()), None),
                Err(e) => (None, Some(error_chain(&e))),
            }
        }
    };
    let mut delivery = Delivery {
        endpoint_id: pending.endpoint_id.clone(),
        url,
        event: pending.event.clone(),
        webhook_id: pending.webhook_id.clone(),
        attempt: pending.attempt,
        status,
        error,
        body: pending.body.clone(),
        signature: signature.unwrap_or_default(),
        at,
        next_attempt_at: None,
    };
    let wait = (!delivery.succeeded())
        .then(|| shared.sender.retries.get(pending.attempt as usize - 1).copied())
        .flatten();
    // Under the world lock, so a delete of the endpoint cannot slip between
    // the check and the queueing of its retry.
    shared.with_world(|world, _, _| {
        let mut outbox = shared.outbox();
        if let Some(wait) = wait.filter(|_| world.endpoint_target(&pending.endpoint_id).is_some()) {
            delivery.next_attempt_at = Some(at + wait);
            outbox.seq += 1;
            let seq = outbox.seq;
            outbox.pending.push(Pending {
                attempt: pending.attempt + 1,
                due: at + wait,
                seq,
                ..pending
            });
        }
        outbox.record(delivery);
    });
}

/// `v1,` and the base64 HMAC-SHA256 of `{id}.{timestamp}.{body}` under the
/// secret's key bytes (the base64 after `whsec_`).
pub(crate) fn sign(secret: &str, id: &str, timestamp: u64, body: &[u8]) -> Option<String> {
    let key = STANDARD.decode(secret.strip_prefix("whsec_")?).ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    Some(format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes())))
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The events of every job and upload that ended since the last call, each
/// with the endpoints that get it. Events nobody subscribes to are not built
/// (building hydrates files).
fn take_events(world: &mut World, store: &mut Store, now: SystemTime) -> Vec<Outgoing> {
    let ended = std::mem::take(&mut world.ended);
    let uploads = store.take_upload_ends(now);
    if !world.has_endpoints() {
        return Vec::new();
    }
    let mut events: Vec<(SystemTime, Outgoing)> = Vec::new();
    for i in ended {
        events.extend(job_event(world, store, i, now));
    }
    for end in uploads {
        events.extend(upload_events(world, store, &end, now));
    }
    // Stable: events of one moment keep the order they were found in.
    events.sort_by_key(|(at, _)| *at);
    events.into_iter().map(|(_, e)| e).collect()
}

fn outgoing(
    world: &mut World,
    event: &str,
    occurred: SystemTime,
    body: impl FnOnce() -> Option<Vec<u8>>,
) -> Option<(SystemTime, Outgoing)> {
    let endpoints = world.subscribers(event, occurred);
    if endpoints.is_empty() {
        return None;
    }
    let body = Bytes::from(body()?);
    Some((
        occurred,
        Outgoing {
            webhook_id: world.new_id("msg_"),
            event: event.to_owned(),
            body,
            endpoints,
        },
    ))
}

fn unix_timestamp(at: SystemTime) -> Timestamp {
    Timestamp::from_unix_seconds(unix_seconds(at) as f64).unwrap_or_else(|| Timestamp::from(at))
}

fn job_event(world: &mut World, store: &mut Store, i: usize, now: SystemTime) -> Option<(SystemTime, Outgoing)> {
    let job = world.jobs.get(i)?;
    let (at, _) = job.end.clone()?;
    let status = job.status_at(at).0;
    if !status.is_terminal() {
        return None;
    }
    let family = match job.kind {
        JobKind::Tool => "tool_execution",
        JobKind::Workflow => "workflow_run",
        // The document has no events for exports or remix actions.
        _ => return None,
    };
    let name = format!("{family}.{}", status.as_str());
    if world.subscribers(&name, at).is_empty() {
        return None;
    }
    match job.kind {
        JobKind::Tool => {
            let view = world.tool_view(i, store, now);
            outgoing(world, &name, at, || {
                serde_json::to_vec(&ToolExecutionWebhookPayload {
                    error: view.error,
                    event: ToolExecutionWebhookEventName::from(name.as_str()),
                    occurred_at: unix_timestamp(at),
                    results: view.results,
                    tool_execution_id: view.tool_execution_id,
                    tool_type: view.tool_type,
                })
                .ok()
            })
        }
        _ => {
            let view = world.workflow_view(i, now);
            outgoing(world, &name, at, || {
                serde_json::to_vec(&WorkflowRunWebhookPayload {
                    error: view.error,
                    event: WorkflowRunWebhookEventName::from(name.as_str()),
                    occurred_at: Timestamp::rfc3339(at),
                    project_id: view.project_id,
                    project_url: view.project_url,
                    workflow_run_id: view.workflow_run_id,
                    workflow_type: view.workflow_type,
                })
                .ok()
            })
        }
    }
}

/// An upload's end, as the events the document lists for it: on success
/// `file.upload.completed`, then `file.download_ready`, `file.playback_ready`
/// and `file.analysis_completed` as far as the file got; on failure
/// `file.upload.failed` and `file.analysis_failed`.
fn upload_events(
    world: &mut World,
    store: &mut Store,
    end: &UploadEnd,
    now: SystemTime,
) -> Vec<(SystemTime, Outgoing)> {
    // Read without minting URLs first: hydrate only for a subscriber.
    let Some(file) = store.peek_file(&end.file_id) else {
        return Vec::new();
    };
    let ready = |source: &Option<FileSource>| source.as_ref().is_some_and(FileSource::is_ready);
    let analysis = file
        .file_analysis_metadata
        .as_ref()
        .map(|a| a.analysis_loading_state.clone());
    let mut names: Vec<(&str, Option<ApiError>)> = Vec::new();
    if end.failed {
        names.push((
            "file.upload.failed",
            Some(crate::jobs::job_error(
                "upload_failed",
                "the uploaded file could not be processed",
            )),
        ));
        if analysis == Some(AnalysisLoadingState::Rejected) {
            names.push((
                "file.analysis_failed",
                Some(crate::jobs::job_error(
                    "analysis_failed",
                    "the file could not be analysed",
                )),
            ));
        }
    } else {
        names.push(("file.upload.completed", None));
        if ready(&file.download_source) {
            names.push(("file.download_ready", None));
        }
        if ready(&file.hls_source) {
            names.push(("file.playback_ready", None));
        }
        if analysis == Some(AnalysisLoadingState::Fulfilled) {
            names.push(("file.analysis_completed", None));
        }
    }
    names.retain(|(name, _)| !world.subscribers(name, end.at).is_empty());
    if names.is_empty() {
        return Vec::new();
    }
    let Ok(file) = store.hydrate(&end.file_id, now) else {
        return Vec::new();
    };
    names
        .into_iter()
        .filter_map(|(name, error)| {
            outgoing(world, name, end.at, || {
                serde_json::to_vec(&FileUploadWebhookPayload {
                    error,
                    event: name.into(),
                    file: file.clone(),
                    file_id: end.file_id.clone(),
                    occurred_at: unix_timestamp(end.at),
                })
                .ok()
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_with_the_crate_verifier() {
        let secret = format!("whsec_{}", STANDARD.encode(b"a key of some twenty-four"));
        let body = br#"{"event":"tool_execution.succeeded"}"#;
        let now = SystemTime::now();
        let ts = unix_seconds(now);
        let signature = sign(&secret, "msg_1", ts, body).unwrap();
        let mut headers = http::HeaderMap::new();
        headers.insert("webhook-id", "msg_1".parse().unwrap());
        headers.insert("webhook-timestamp", ts.to_string().parse().unwrap());
        headers.insert("webhook-signature", signature.parse().unwrap());
        let verifier = videogen::webhooks::Verifier::new(&secret).unwrap();
        assert!(verifier.verify_signature_at(&headers, body, now).is_ok());
        assert_eq!(sign("not_a_secret", "msg_1", ts, body), None);
    }

    #[test]
    fn endpoints_hear_only_of_events_after_their_creation() {
        use videogen::types::{CreateWebhookEndpointRequest, WebhookEventName};
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        let later = t0 + Duration::from_secs(10);
        let mut world = World::new("http://fake".to_owned(), Some(1), Duration::from_secs(10));
        let request = |events: Vec<WebhookEventName>| CreateWebhookEndpointRequest::new("http://hook", events);
        let tools = world.create_endpoint(request(vec![WebhookEventName::ToolExecutionSucceeded]), t0);
        let files = world.create_endpoint(request(vec![WebhookEventName::FileUploadCompleted]), later);
        assert_eq!(world.subscribers("tool_execution.succeeded", t0), [tools.endpoint_id]);
        assert!(
            world.subscribers("file.upload.completed", t0).is_empty(),
            "made after it happened"
        );
        assert_eq!(world.subscribers("file.upload.completed", later), [files.endpoint_id]);
        assert!(world.subscribers("tool_execution.failed", later).is_empty());
    }

    #[test]
    fn the_outbox_hands_out_due_attempts_in_order_and_keeps_the_rest() {
        let mut outbox = Outbox::default();
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        let event = |id: &str, endpoints: &[&str]| Outgoing {
            webhook_id: id.to_owned(),
            event: "tool_execution.succeeded".to_owned(),
            body: Bytes::from_static(b"{}"),
            endpoints: endpoints.iter().map(|e| e.to_string()).collect(),
        };
        outbox.queue(vec![event("msg_a", &["ep_1", "ep_2"]), event("msg_b", &["ep_1"])], t0);
        outbox.forget_endpoint("ep_2");
        let due = outbox.take_due(t0);
        let order: Vec<_> = due
            .iter()
            .map(|p| (p.webhook_id.as_str(), p.endpoint_id.as_str()))
            .collect();
        assert_eq!(order, [("msg_a", "ep_1"), ("msg_b", "ep_1")]);
        assert_eq!(outbox.pending_count(), 0);
        let mut later = due[0].clone();
        later.due = t0 + Duration::from_secs(5);
        outbox.pending.push(later);
        assert!(outbox.take_due(t0).is_empty());
        assert_eq!(outbox.next_due(), Some(t0 + Duration::from_secs(5)));
        assert_eq!(outbox.take_due(t0 + Duration::from_secs(5)).len(), 1);
    }
}

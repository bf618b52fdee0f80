//! Webhook deliveries: the fake POSTs signed events to subscribed endpoints
//! when tool executions, workflow runs and uploads end, retries failures on
//! its clock, and records every attempt. Handlers here are real HTTP servers
//! on 127.0.0.1; every test runs under a time limit.

use std::{
    collections::{HashMap, VecDeque},
    future::Future,
    sync::{Arc, Mutex},
    time::{Duration, UNIX_EPOCH},
};

use axum::{
    body::Bytes,
    extract::{FromRef, State},
    http::{HeaderMap, StatusCode, Uri},
    routing::post,
    Router,
};
use serde_json::Value;
use tokio::{net::TcpListener, sync::mpsc};
use videogen::{
    types::{
        CreateFileUploadRequest, CreateWebhookEndpointRequest, GenerateImageRequest, ScriptToVideoRequest,
        ToolExecutionWebhookEventName, UploadFileType, WebhookEndpoint, WebhookEventName, WorkflowRunWebhookEventName,
        WorkflowType, WorkflowVisualStyle,
    },
    webhooks::{axum::VerifiedEvent, Event, Verifier},
};
use videogen_fake::{Clock, Delivery, FakeVideoGen, WEBHOOK_RETRY_SCHEDULE};

const T0: u64 = 1_900_000_000;
const JOB: Duration = Duration::from_secs(10);

/// Runs a test body under a time limit: no test can hang.
async fn bounded<F: Future<Output = ()>>(body: F) {
    tokio::time::timeout(Duration::from_secs(60), body)
        .await
        .expect("the test took longer than 60 s");
}

/// A fake on a frozen clock, so retries fall due only when told.
async fn frozen_fake() -> FakeVideoGen {
    FakeVideoGen::builder()
        .clock(Clock::frozen(UNIX_EPOCH + Duration::from_secs(T0)))
        .job_duration(JOB)
        .rng_seed(3)
        .start()
        .await
}

/// One request a [`Hook`] received.
#[derive(Clone, Debug)]
struct Received {
    path: String,
    headers: HeaderMap,
    body: Bytes,
}

/// A webhook receiver on 127.0.0.1 that takes any path, records each
/// request and answers the next status scripted for its path (200 once the
/// script runs out).
struct Hook {
    base: String,
    got: mpsc::UnboundedReceiver<Received>,
    script: Arc<Mutex<HashMap<String, VecDeque<u16>>>>,
}

#[derive(Clone)]
struct HookState {
    tx: mpsc::UnboundedSender<Received>,
    script: Arc<Mutex<HashMap<String, VecDeque<u16>>>>,
}

async fn receive(State(state): State<HookState>, uri: Uri, headers: HeaderMap, body: Bytes) -> StatusCode {
    let path = uri.path().to_owned();
    let status = state
        .script
        .lock()
        .unwrap()
        .get_mut(&path)
        .and_then(VecDeque::pop_front)
        .unwrap_or(200);
    let _ = state.tx.send(Received { path, headers, body });
    StatusCode::from_u16(status).unwrap()
}

impl Hook {
    async fn start() -> Hook {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (tx, got) = mpsc::unbounded_channel();
        let script = Arc::new(Mutex::new(HashMap::new()));
        let app = Router::new().fallback(receive).with_state(HookState {
            tx,
            script: script.clone(),
        });
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Hook { base, got, script }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The statuses `path` answers with, in order, before it answers 200.
    fn answer(&self, path: &str, statuses: impl IntoIterator<Item = u16>) {
        self.script
            .lock()
            .unwrap()
            .insert(path.to_owned(), statuses.into_iter().collect());
    }

    /// Everything received so far.
    fn drain(&mut self) -> Vec<Received> {
        std::iter::from_fn(|| self.got.try_recv().ok()).collect()
    }
}

async fn subscribe(
    fake: &FakeVideoGen,
    url: String,
    events: impl IntoIterator<Item = WebhookEventName>,
) -> WebhookEndpoint {
    fake.client()
        .webhooks()
        .create_endpoint(CreateWebhookEndpointRequest::new(
            url,
            events.into_iter().collect::<Vec<_>>(),
        ))
        .await
        .unwrap()
}

fn all_events() -> Vec<WebhookEventName> {
    [
        "tool_execution.succeeded",
        "tool_execution.failed",
        "tool_execution.cancelled",
        "workflow_run.succeeded",
        "workflow_run.failed",
        "workflow_run.cancelled",
        "file.upload.completed",
        "file.upload.failed",
        "file.playback_ready",
        "file.download_ready",
        "file.analysis_completed",
        "file.analysis_failed",
    ]
    .map(WebhookEventName::from)
    .to_vec()
}

fn json(body: &[u8]) -> Value {
    serde_json::from_slice(body).unwrap()
}

/// (endpoint, event, the id the body is about) of each attempt.
fn summary(deliveries: &[Delivery]) -> Vec<(String, String, String)> {
    deliveries
        .iter()
        .map(|d| {
            let body = json(&d.body);
            let about = ["toolExecutionId", "workflowRunId", "fileId"]
                .iter()
                .find_map(|k| body[k].as_str())
                .unwrap_or_default()
                .to_owned();
            (d.endpoint_id.clone(), d.event.clone(), about)
        })
        .collect()
}

fn headers_of(delivery: &Delivery) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("webhook-id", delivery.webhook_id.parse().unwrap());
    headers.insert("webhook-timestamp", delivery.timestamp().to_string().parse().unwrap());
    headers.insert("webhook-signature", delivery.signature.parse().unwrap());
    headers
}

// ---- (1) end to end through the axum extractor ------------------------------

#[derive(Clone)]
struct App {
    verifier: Verifier,
    events: mpsc::UnboundedSender<Event>,
}

impl FromRef<App> for Verifier {
    fn from_ref(app: &App) -> Verifier {
        app.verifier.clone()
    }
}

async fn on_event(State(app): State<App>, VerifiedEvent(event): VerifiedEvent) -> StatusCode {
    let _ = app.events.send(event);
    StatusCode::NO_CONTENT
}

#[tokio::test]
async fn a_finished_tool_job_reaches_an_axum_handler_verified() {
    bounded(async {
        // The wall clock (shifted by advance), so the verifier's 300 s
        // tolerance against the real time holds.
        let fake = FakeVideoGen::builder().job_duration(JOB).start().await;
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/webhooks/videogen", listener.local_addr().unwrap());
        let endpoint = subscribe(&fake, url.clone(), [WebhookEventName::ToolExecutionSucceeded]).await;
        let verifier = Verifier::new(endpoint.signing_secret.as_deref().unwrap()).unwrap();
        let (tx, mut events) = mpsc::unbounded_channel();
        let app = Router::new()
            .route("/webhooks/videogen", post(on_event))
            .with_state(App { verifier, events: tx });
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });

        let job = fake
            .client()
            .tools()
            .generate_image(GenerateImageRequest::new("a red fox in snow"))
            .await
            .unwrap();
        fake.advance(Duration::from_secs(5));
        fake.deliver_now().await;
        assert!(fake.deliveries().is_empty(), "nothing before the job ends");
        fake.advance(Duration::from_secs(5));
        fake.deliver_now().await;
        let answered: Vec<_> = fake.deliveries().iter().map(|d| d.status).collect();
        assert_eq!(answered, [Some(204)], "the extractor accepted the delivery");

        let event = events.try_recv().expect("the handler got the event");
        let Event::ToolExecution { id, payload } = &event else {
            panic!("a tool execution event, not {event:?}");
        };
        assert_eq!(payload.tool_execution_id, job.id());
        assert_eq!(payload.event, ToolExecutionWebhookEventName::ToolExecutionSucceeded);
        assert_eq!(payload.tool_type, "GENERATE_IMAGE");
        assert!(payload.error.is_none());
        let file = payload.results[0].file.as_ref().expect("a hydrated result file");
        assert!(file.download_url().unwrap().starts_with(fake.base_url()));
        assert!(id.starts_with("msg_"));

        let deliveries = fake.deliveries();
        let d = &deliveries[0];
        assert_eq!(
            (d.endpoint_id.as_str(), d.url.as_str(), d.event.as_str()),
            (endpoint.endpoint_id.as_str(), url.as_str(), "tool_execution.succeeded")
        );
        assert_eq!((d.attempt, d.status, d.error.as_deref()), (1, Some(204), None));
        assert!(d.succeeded() && d.next_attempt_at.is_none());
        assert_eq!(&d.webhook_id, id);
        assert_eq!(fake.pending_deliveries(), 0);

        // Exactly once: later reads and clock moves send nothing more.
        job.get().await.unwrap();
        fake.advance(Duration::from_secs(3600));
        fake.deliver_now().await;
        assert_eq!(fake.deliveries().len(), 1);
        assert!(events.try_recv().is_err());
    })
    .await;
}

// ---- (2) retries on the fake's clock ---------------------------------------

#[tokio::test]
async fn a_failing_endpoint_is_retried_after_each_back_off_with_the_same_id() {
    bounded(async {
        let fake = frozen_fake().await;
        let mut hook = Hook::start().await;
        hook.answer("/flaky", [500, 500]);
        let endpoint = subscribe(&fake, hook.url("/flaky"), [WebhookEventName::ToolExecutionSucceeded]).await;
        fake.client()
            .tools()
            .generate_image(GenerateImageRequest::new("a lighthouse"))
            .await
            .unwrap();
        fake.advance(JOB);
        fake.deliver_now().await;
        let ended = fake.clock().now();
        let first = fake.deliveries();
        assert_eq!(first.len(), 1);
        assert_eq!((first[0].status, first[0].attempt), (Some(500), 1));
        assert_eq!(first[0].next_attempt_at, Some(ended + WEBHOOK_RETRY_SCHEDULE[0]));
        assert_eq!(fake.pending_deliveries(), 1);

        fake.advance(WEBHOOK_RETRY_SCHEDULE[0] - Duration::from_millis(1));
        fake.deliver_now().await;
        assert_eq!(fake.deliveries().len(), 1, "no retry before the back-off has passed");
        fake.advance(Duration::from_millis(1));
        fake.deliver_now().await;
        assert_eq!(fake.deliveries().len(), 2);

        fake.advance(WEBHOOK_RETRY_SCHEDULE[1] - Duration::from_secs(1));
        fake.deliver_now().await;
        assert_eq!(fake.deliveries().len(), 2, "the second wait is longer");
        fake.advance(Duration::from_secs(1));
        fake.deliver_now().await;

        let all = fake.deliveries();
        let outcome: Vec<_> = all.iter().map(|d| (d.attempt, d.status)).collect();
        assert_eq!(outcome, [(1, Some(500)), (2, Some(500)), (3, Some(200))]);
        assert!(all
            .iter()
            .all(|d| d.webhook_id == all[0].webhook_id && d.body == all[0].body));
        let stamps: Vec<u64> = all.iter().map(Delivery::timestamp).collect();
        assert_eq!(
            stamps,
            [T0 + 10, T0 + 15, T0 + 315],
            "each attempt is stamped when it is sent"
        );
        assert_eq!(all[2].next_attempt_at, None);
        assert_eq!(fake.pending_deliveries(), 0);

        // What arrived is what was recorded, and each attempt's signature
        // (new timestamp, same id) checks out.
        let received = hook.drain();
        assert_eq!(received.len(), 3);
        let verifier = Verifier::new(endpoint.signing_secret.as_deref().unwrap()).unwrap();
        for (got, sent) in received.iter().zip(&all) {
            assert_eq!(got.headers["webhook-id"], sent.webhook_id.as_str());
            assert_eq!(got.headers["webhook-timestamp"], sent.timestamp().to_string().as_str());
            assert_eq!(got.headers["webhook-signature"], sent.signature.as_str());
            assert_eq!(got.headers["content-type"], "application/json");
            assert_eq!(got.body, sent.body);
            let event = verifier.verify_at(&got.headers, &got.body, sent.at).unwrap();
            assert_eq!(event.id(), sent.webhook_id);
        }
    })
    .await;
}

#[tokio::test]
async fn an_unreachable_endpoint_gets_every_attempt_of_the_schedule_then_none() {
    bounded(async {
        let fake = FakeVideoGen::builder()
            .clock(Clock::frozen(UNIX_EPOCH + Duration::from_secs(T0)))
            .job_duration(JOB)
            .webhook_retry_schedule([Duration::from_secs(1), Duration::from_secs(2)])
            .start()
            .await;
        // A port nobody listens on any more.
        let closed = TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap();
        subscribe(
            &fake,
            format!("http://{closed}/gone"),
            [WebhookEventName::ToolExecutionSucceeded],
        )
        .await;
        fake.client()
            .tools()
            .generate_image(GenerateImageRequest::new("a fox"))
            .await
            .unwrap();
        fake.advance(JOB);
        fake.deliver_now().await;
        for _ in 0..3 {
            fake.advance(Duration::from_secs(2));
            fake.deliver_now().await;
        }
        let all = fake.deliveries();
        assert_eq!(all.iter().map(|d| d.attempt).collect::<Vec<_>>(), [1, 2, 3]);
        assert!(all.iter().all(|d| d.status.is_none() && d.error.is_some()), "{all:?}");
        assert_eq!(all[2].next_attempt_at, None, "given up after the schedule");
        assert_eq!(fake.pending_deliveries(), 0);
    })
    .await;
}

// ---- (3) subscriptions -----------------------------------------------------

#[tokio::test]
async fn each_endpoint_gets_only_the_events_it_subscribed_to() {
    bounded(async {
        let fake = frozen_fake().await;
        let mut hook = Hook::start().await;
        let done = subscribe(&fake, hook.url("/done"), [WebhookEventName::ToolExecutionSucceeded]).await;
        let trouble = subscribe(
            &fake,
            hook.url("/trouble"),
            [
                WebhookEventName::ToolExecutionFailed,
                WebhookEventName::ToolExecutionCancelled,
            ],
        )
        .await;
        let runs = subscribe(&fake, hook.url("/runs"), [WebhookEventName::WorkflowRunSucceeded]).await;
        fake.jobs()
            .prompt("refuse")
            .fail("content_policy", "the prompt was refused");
        let tools = fake.client().tools();
        let good = tools.generate_image(GenerateImageRequest::new("a fox")).await.unwrap();
        let refused = tools
            .generate_image(GenerateImageRequest::new("refuse this"))
            .await
            .unwrap();
        let cancelled = tools.generate_image(GenerateImageRequest::new("an owl")).await.unwrap();

        // A cancel through the API is an end too, delivered at once.
        cancelled.cancel().await.unwrap();
        fake.deliver_now().await;
        assert_eq!(
            summary(&fake.deliveries()),
            [(
                trouble.endpoint_id.clone(),
                "tool_execution.cancelled".to_owned(),
                cancelled.id().to_owned()
            )]
        );

        fake.advance(JOB);
        fake.deliver_now().await;
        let mut got = summary(&fake.deliveries()[1..]);
        got.sort();
        let mut want = vec![
            (
                done.endpoint_id.clone(),
                "tool_execution.succeeded".to_owned(),
                good.id().to_owned(),
            ),
            (
                trouble.endpoint_id.clone(),
                "tool_execution.failed".to_owned(),
                refused.id().to_owned(),
            ),
        ];
        want.sort();
        assert_eq!(got, want);
        assert!(fake.deliveries().iter().all(|d| d.endpoint_id != runs.endpoint_id));

        let failed = fake
            .deliveries()
            .into_iter()
            .find(|d| d.event == "tool_execution.failed")
            .unwrap();
        let body = json(&failed.body);
        assert_eq!(body["error"]["code"], "content_policy");
        assert!(body.get("results").is_none(), "no results on a failure");
        let received = hook.drain();
        assert_eq!(received.len(), 3);
        assert!(received.iter().all(|r| r.path != "/runs"));
    })
    .await;
}

#[tokio::test]
async fn an_endpoint_hears_only_of_what_ended_after_it_was_made() {
    bounded(async {
        let fake = frozen_fake().await;
        let hook = Hook::start().await;
        let tools = fake.client().tools();
        let early = tools.generate_image(GenerateImageRequest::new("early")).await.unwrap();
        fake.advance(JOB);
        let late = tools.generate_image(GenerateImageRequest::new("late")).await.unwrap();
        subscribe(&fake, hook.url("/new"), [WebhookEventName::ToolExecutionSucceeded]).await;
        fake.advance(JOB);
        fake.deliver_now().await;
        let about: Vec<_> = summary(&fake.deliveries()).into_iter().map(|s| s.2).collect();
        assert_eq!(about, [late.id().to_owned()], "not {}", early.id());
    })
    .await;
}

#[tokio::test]
async fn every_endpoint_subscribed_gets_the_same_event_once() {
    bounded(async {
        let fake = frozen_fake().await;
        let hook = Hook::start().await;
        subscribe(&fake, hook.url("/a"), all_events()).await;
        subscribe(&fake, hook.url("/b"), [WebhookEventName::ToolExecutionSucceeded]).await;
        for n in 0..3 {
            fake.client()
                .tools()
                .generate_image(GenerateImageRequest::new(format!("fox {n}")))
                .await
                .unwrap();
        }
        fake.advance(JOB);
        fake.deliver_now().await;
        fake.advance(JOB);
        fake.deliver_now().await;
        let all = fake.deliveries();
        assert_eq!(all.len(), 6, "3 events to 2 endpoints");
        let mut ids: Vec<_> = all.iter().map(|d| d.webhook_id.clone()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 3, "one webhook-id per event, shared by its endpoints");
    })
    .await;
}

// ---- (4) deleted endpoints -------------------------------------------------

#[tokio::test]
async fn a_deleted_endpoint_receives_nothing_and_its_retries_stop() {
    bounded(async {
        let fake = frozen_fake().await;
        let mut hook = Hook::start().await;
        hook.answer("/flaky", [500]);
        let webhooks = fake.client().webhooks();
        let gone = subscribe(&fake, hook.url("/gone"), all_events()).await;
        let kept = subscribe(&fake, hook.url("/kept"), all_events()).await;
        let flaky = subscribe(&fake, hook.url("/flaky"), all_events()).await;
        webhooks.delete_endpoint(&gone.endpoint_id).await.unwrap();

        fake.client()
            .tools()
            .generate_image(GenerateImageRequest::new("a fox"))
            .await
            .unwrap();
        fake.advance(JOB);
        fake.deliver_now().await;
        let endpoints: Vec<_> = fake.deliveries().into_iter().map(|d| d.endpoint_id).collect();
        assert_eq!(endpoints, [kept.endpoint_id.clone(), flaky.endpoint_id.clone()]);
        assert_eq!(fake.pending_deliveries(), 1, "the flaky endpoint's retry");

        webhooks.delete_endpoint(&flaky.endpoint_id).await.unwrap();
        assert_eq!(fake.pending_deliveries(), 0);
        fake.advance(Duration::from_secs(3600));
        fake.deliver_now().await;
        assert_eq!(fake.deliveries().len(), 2);
        let paths: Vec<_> = hook.drain().into_iter().map(|r| r.path).collect();
        assert_eq!(paths.len(), 2);
        assert!(!paths.contains(&"/gone".to_owned()));
    })
    .await;
}

// ---- (5) secrets and subscriptions as the API shows them -----------------------

#[tokio::test]
async fn the_secret_is_shown_whole_once_then_only_its_last_four() {
    bounded(async {
        let fake = frozen_fake().await;
        let created = subscribe(
            &fake,
            "http://127.0.0.1:9/hook".to_owned(),
            [WebhookEventName::FileUploadCompleted],
        )
        .await;
        let secret = created
            .signing_secret
            .clone()
            .expect("the create answer has the secret");
        assert!(secret.starts_with("whsec_"));
        assert!(Verifier::new(&secret).is_ok());
        let last4 = &secret[secret.len() - 4..];
        assert_eq!(created.signing_secret_last4.as_deref(), Some(last4));

        let page = fake.client().webhooks().list_endpoints().send().await.unwrap();
        let listed = &page.endpoints[0];
        assert_eq!(listed.endpoint_id, created.endpoint_id);
        assert_eq!(listed.signing_secret, None, "never again after create");
        assert_eq!(listed.signing_secret_last4.as_deref(), Some(last4));
        assert_eq!(listed.events, created.events);
        let raw = fake.requests_to(videogen::Operation::ListWebhookEndpoints)[0].clone();
        assert_eq!(raw.status, Some(200));
        assert_eq!(
            fake.webhook_endpoints()[0].signing_secret.as_deref(),
            Some(secret.as_str())
        );

        // The document requires at least one event: no "all events" default.
        let empty = fake
            .client()
            .webhooks()
            .create_endpoint(CreateWebhookEndpointRequest::new("http://127.0.0.1:9/x", Vec::new()))
            .await
            .unwrap_err();
        assert_eq!(empty.status().map(|s| s.as_u16()), Some(400), "{empty}");
        let absent = reqwest::Client::new()
            .post(format!("{}/v1/webhooks/endpoints", fake.base_url()))
            .header("authorization", format!("Bearer {}", fake.api_key()))
            .header("content-type", "application/json")
            .body(r#"{"url":"http://127.0.0.1:9/x"}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(absent.status(), 400);
        assert_eq!(fake.webhook_endpoints().len(), 1);
    })
    .await;
}

// ---- (6) workflow runs and uploads -----------------------------------------

#[tokio::test]
async fn workflow_runs_send_their_end_with_the_project() {
    bounded(async {
        let fake = frozen_fake().await;
        let mut hook = Hook::start().await;
        let endpoint = subscribe(
            &fake,
            hook.url("/runs"),
            [
                WebhookEventName::WorkflowRunSucceeded,
                WebhookEventName::WorkflowRunFailed,
                WebhookEventName::WorkflowRunCancelled,
            ],
        )
        .await;
        let style = || WorkflowVisualStyle::new(videogen::types::VisualStyleType::Stock);
        let workflows = fake.client().workflows();
        fake.jobs().prompt("doomed").fail("render_failed", "the render failed");
        let good = workflows
            .script_to_video(ScriptToVideoRequest::new("Foxes in winter.", style()))
            .await
            .unwrap();
        let doomed = workflows
            .script_to_video(ScriptToVideoRequest::new("A doomed film.", style()))
            .await
            .unwrap();
        let stopped = workflows
            .script_to_video(ScriptToVideoRequest::new("Never mind.", style()))
            .await
            .unwrap();
        stopped.cancel().await.unwrap();
        fake.advance(JOB);
        fake.deliver_now().await;

        let verifier = Verifier::new(endpoint.signing_secret.as_deref().unwrap()).unwrap();
        let mut seen = HashMap::new();
        for got in hook.drain() {
            let at = UNIX_EPOCH + Duration::from_secs(T0 + 10);
            let Event::WorkflowRun { payload, .. } = verifier.verify_at(&got.headers, &got.body, at).unwrap() else {
                panic!("a workflow run event");
            };
            assert_eq!(payload.workflow_type, WorkflowType::ScriptToVideo);
            assert!(payload.project_url.starts_with(fake.base_url()));
            assert!(
                json(&got.body)["occurredAt"].is_string(),
                "RFC 3339 text for workflow runs"
            );
            seen.insert(payload.workflow_run_id.clone(), payload);
        }
        assert_eq!(seen.len(), 3);
        let ok = &seen[good.id()];
        assert_eq!(ok.event, WorkflowRunWebhookEventName::WorkflowRunSucceeded);
        assert_eq!(Some(ok.project_id.as_str()), good.project_id());
        assert_eq!(
            ok.occurred_at.to_system_time(),
            UNIX_EPOCH + Duration::from_secs(T0 + 10)
        );
        let bad = &seen[doomed.id()];
        assert_eq!(bad.event, WorkflowRunWebhookEventName::WorkflowRunFailed);
        assert_eq!(bad.error.as_ref().unwrap().code.as_deref(), Some("render_failed"));
        let cancelled = &seen[stopped.id()];
        assert_eq!(cancelled.event, WorkflowRunWebhookEventName::WorkflowRunCancelled);
        assert_eq!(
            cancelled.occurred_at.to_system_time(),
            UNIX_EPOCH + Duration::from_secs(T0),
            "when it was cancelled"
        );
    })
    .await;
}

async fn put(url: &str, content_type: &str, bytes: Vec<u8>) {
    let answer = reqwest::Client::new()
        .put(url)
        .header("content-type", content_type)
        .body(bytes)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
}

#[tokio::test]
async fn uploads_send_their_lifecycle_events_once_processed() {
    bounded(async {
        let fake = FakeVideoGen::builder()
            .clock(Clock::frozen(UNIX_EPOCH + Duration::from_secs(T0)))
            .processing_delay(Duration::from_secs(30))
            .start()
            .await;
        let hook = Hook::start().await;
        let files = subscribe(&fake, hook.url("/files"), all_events()).await;
        let only_failures = subscribe(&fake, hook.url("/failures"), [WebhookEventName::FileUploadFailed]).await;
        let api = fake.client().files();
        let good = api
            .create_upload(CreateFileUploadRequest::new("clip.mp4").file_type(UploadFileType::Video))
            .await
            .unwrap();
        let bad = api
            .create_upload(CreateFileUploadRequest::new("bad.mov"))
            .await
            .unwrap();
        assert!(fake.fail_upload(&bad.file_id));
        put(&good.upload_url, "video/mp4", vec![7; 4096]).await;
        put(&bad.upload_url, "video/quicktime", vec![1; 100]).await;
        fake.advance(Duration::from_secs(29));
        fake.deliver_now().await;
        assert!(fake.deliveries().is_empty(), "still processing");
        fake.advance(Duration::from_secs(1));
        fake.deliver_now().await;

        let all = fake.deliveries();
        let to = |endpoint: &WebhookEndpoint, file: &str| -> Vec<String> {
            summary(&all)
                .into_iter()
                .filter(|(e, _, f)| *e == endpoint.endpoint_id && f == file)
                .map(|(_, event, _)| event)
                .collect()
        };
        assert_eq!(
            to(&files, &good.file_id),
            [
                "file.upload.completed",
                "file.download_ready",
                "file.playback_ready",
                "file.analysis_completed"
            ]
        );
        assert_eq!(to(&files, &bad.file_id), ["file.upload.failed", "file.analysis_failed"]);
        assert_eq!(to(&only_failures, &bad.file_id), ["file.upload.failed"]);
        assert!(to(&only_failures, &good.file_id).is_empty());

        let verifier = Verifier::new(files.signing_secret.as_deref().unwrap()).unwrap();
        let completed = all.iter().find(|d| d.event == "file.upload.completed").unwrap();
        let event = verifier
            .verify_at(&headers_of(completed), &completed.body, completed.at)
            .unwrap();
        let Event::File { payload, .. } = event else {
            panic!("a file event");
        };
        assert_eq!(payload.file_id, good.file_id);
        assert!(payload.error.is_none());
        assert!(payload.file.download_url().is_some(), "the file comes hydrated");
        assert_eq!(
            payload.occurred_at.to_system_time(),
            UNIX_EPOCH + Duration::from_secs(T0 + 30)
        );
        assert!(json(&completed.body)["occurredAt"].is_number());
        let failed = all.iter().find(|d| d.event == "file.upload.failed").unwrap();
        assert_eq!(json(&failed.body)["error"]["code"], "upload_failed");

        // Reading the files again sends nothing more.
        api.hydrate(&good.file_id).await.unwrap();
        fake.advance(Duration::from_secs(60));
        fake.deliver_now().await;
        assert_eq!(fake.deliveries().len(), all.len());
    })
    .await;
}

// ---- time that passes by itself --------------------------------------------

#[tokio::test]
async fn a_running_clock_delivers_without_being_told() {
    bounded(async {
        let fake = FakeVideoGen::builder()
            .job_duration(Duration::from_millis(300))
            .start()
            .await;
        let mut hook = Hook::start().await;
        subscribe(&fake, hook.url("/live"), [WebhookEventName::ToolExecutionSucceeded]).await;
        let job = fake
            .client()
            .tools()
            .generate_image(GenerateImageRequest::new("a fox"))
            .await
            .unwrap();
        let got = tokio::time::timeout(Duration::from_secs(10), hook.got.recv())
            .await
            .expect("delivered within 10 s")
            .unwrap();
        assert_eq!(json(&got.body)["toolExecutionId"], job.id());
        assert_eq!(
            fake.count(videogen::Operation::GetToolExecutionInfo),
            0,
            "nobody polled"
        );
    })
    .await;
}

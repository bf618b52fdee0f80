//! `wait()` on job handles against a scripted server: success with
//! progress, failure with the server's error, cancellation, a job that never
//! ends, transient poll errors, and a 404.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use serde_json::{json, Value};
use tokio::{io::AsyncWriteExt, net::TcpListener};
use videogen::{Error, JobKind, TimeoutKind};

mod common;
use common::bounded;

const ID: &str = "vg_tool_wait";
const PATH: &str = "/v1/tools/executions/vg_tool_wait";
const FAST: Duration = Duration::from_millis(20);

fn execution(status: &str, progress: f64) -> Value {
    json!({
        "toolExecutionId": ID, "status": status, "toolType": "GENERATE_IMAGE",
        "progressPercentage": progress, "attemptIndex": 0, "results": []
    })
}

/// A server that answers each request with the next state (repeating the
/// last) and counts them: deterministic, unlike swapping mocks.
struct Script {
    base_url: String,
    polls: Arc<Mutex<usize>>,
}

async fn scripted(states: Vec<(u16, Value)>) -> Script {
    serve(move |path, n| {
        assert!(path.starts_with(PATH), "unexpected request {path}");
        states[n.min(states.len() - 1)].clone()
    })
    .await
}

/// A server answering request `n` (from 0) for `path` with `answer(path, n)`.
async fn serve(answer: impl Fn(&str, usize) -> (u16, Value) + Send + Sync + 'static) -> Script {
    serve_with_headers(move |path, n| {
        let (status, body) = answer(path, n);
        (status, "", body)
    })
    .await
}

/// The same, with extra header lines (each ending in `\r\n`) in the answer.
async fn serve_with_headers(
    answer: impl Fn(&str, usize) -> (u16, &'static str, Value) + Send + Sync + 'static,
) -> Script {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let polls = Arc::new(Mutex::new(0));
    let count = polls.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let head = common::read_request_head(&mut socket).await;
            let path = head.split(' ').nth(1).unwrap_or_default().to_owned();
            let n = {
                let mut count = count.lock().unwrap();
                *count += 1;
                *count - 1
            };
            let (status, headers, body) = answer(&path, n);
            let body = body.to_string();
            let response = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n{headers}\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(response.as_bytes()).await;
        }
    });
    Script { base_url, polls }
}

fn client(script: &Script) -> videogen::Client {
    // Retries off: each poll is one request.
    videogen::Client::builder()
        .api_key("k")
        .base_url(&script.base_url)
        .disable_retries()
        .build()
        .unwrap()
}

#[tokio::test]
async fn timeouts_of_duration_max_mean_no_limit_not_a_panic() {
    let script = scripted(vec![
        (200, execution("running", 10.0)),
        (200, execution("succeeded", 100.0)),
    ])
    .await;
    let client = videogen::Client::builder()
        .api_key("k")
        .base_url(&script.base_url)
        .call_timeout(Duration::MAX)
        .timeout(Duration::MAX)
        .hydration_margin(Duration::MAX)
        .build()
        .unwrap();
    let job = client.tools().job(ID);
    let done = bounded(job.wait().poll_interval(FAST).timeout(Duration::MAX))
        .await
        .unwrap();
    assert_eq!(done.status.as_str(), "succeeded");
}

#[tokio::test]
async fn a_job_is_polled_until_it_succeeds_and_progress_is_reported_when_it_changes() {
    let script = scripted(vec![
        (200, execution("pending", 0.0)),
        (200, execution("running", 40.0)),
        (200, execution("running", 40.0)),
        (200, execution("running", 80.0)),
        (200, execution("succeeded", 100.0)),
    ])
    .await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let job = client(&script).tools().job(ID);
    let done = bounded(
        job.wait()
            .poll_interval(FAST)
            .on_progress(move |p| record.lock().unwrap().push(p)),
    )
    .await
    .unwrap();
    assert_eq!(done.status.as_str(), "succeeded");
    assert_eq!(
        *seen.lock().unwrap(),
        vec![0.0, 40.0, 80.0],
        "each change once, in order"
    );
    assert_eq!(
        *script.polls.lock().unwrap(),
        5,
        "one GET per state, none after the end"
    );
}

#[tokio::test]
async fn failed_and_cancelled_end_the_wait_with_the_job_and_the_servers_error() {
    for status in ["failed", "cancelled"] {
        let mut end = execution(status, 30.0);
        end["error"] = json!({"message": "the prompt was refused", "code": "content_policy"});
        let script = scripted(vec![(200, execution("running", 30.0)), (200, end)]).await;
        let job = client(&script).tools().job(ID);
        let err = bounded(job.wait().poll_interval(FAST)).await.unwrap_err();
        let Error::JobFailed(failure) = &err else {
            panic!("{status}: {err}")
        };
        assert_eq!(
            (failure.kind, failure.id.as_str(), failure.status.as_str()),
            (JobKind::ToolExecution, ID, status)
        );
        assert_eq!(err.code(), Some("content_policy"));
        let shown = err.to_string();
        for part in [ID, status, "the prompt was refused", "content_policy"] {
            assert!(shown.contains(part), "{shown:?} lacks {part}");
        }
    }
}

#[tokio::test]
async fn a_job_that_never_ends_times_out_as_a_wait_timeout() {
    let script = scripted(vec![(200, execution("running", 10.0))]).await;
    let job = client(&script).tools().job(ID);
    let timeout = Duration::from_millis(200);
    let err = bounded(job.wait().poll_interval(FAST).timeout(timeout))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Timeout { kind: TimeoutKind::Wait, after } if after == timeout),
        "{err}"
    );
    let polls = *script.polls.lock().unwrap();
    assert!(
        (2..=15).contains(&polls),
        "polled at the interval, not in a busy loop: {polls}"
    );
}

#[tokio::test]
async fn transient_poll_errors_do_not_end_the_wait() {
    let busy = json!({"message": "slow down"});
    let script = scripted(vec![
        (503, busy.clone()),
        (429, busy),
        (200, execution("running", 50.0)),
        (200, execution("succeeded", 100.0)),
    ])
    .await;
    let job = client(&script).tools().job(ID); // retries off: each poll is one request
    let done = bounded(job.wait().poll_interval(FAST)).await.unwrap();
    assert_eq!(done.status.as_str(), "succeeded");
    assert_eq!(*script.polls.lock().unwrap(), 4);
}

#[tokio::test]
async fn a_404_ends_the_wait_at_once() {
    let script = scripted(vec![(404, json!({"message": "no such execution"}))]).await;
    let job = client(&script).tools().job(ID);
    let err = bounded(job.wait().poll_interval(FAST)).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404), "{err}");
    assert_eq!(*script.polls.lock().unwrap(), 1, "no poll after a non-retryable error");
}

fn execution_of(id: &str, status: &str) -> Value {
    let mut body = execution(status, if status == "running" { 50.0 } else { 100.0 });
    body["toolExecutionId"] = json!(id);
    if status == "failed" {
        body["error"] = json!({"message": "boom"});
    }
    body
}

#[tokio::test]
async fn wait_many_sweeps_the_list_and_resolves_every_job_once_with_its_own_state() {
    use futures_util::StreamExt;
    let ids = tool_ids(10);
    let on_page = ids.clone();
    let lists = Arc::new(Mutex::new(0));
    let seen_lists = lists.clone();
    let script = serve(move |path, _| {
        assert!(
            path.starts_with("/v1/tools/executions?"),
            "only list sweeps expected, got {path}"
        );
        assert!(path.contains("limit=200"), "{path}");
        let round = {
            let mut lists = seen_lists.lock().unwrap();
            *lists += 1;
            *lists
        };
        // Round 1: all running; round 2: 0..5 succeed, 5 fails; round 3: the rest succeed.
        let status = |i: usize| match (round, i) {
            (1, _) => "running",
            (2, 0..=4) | (3.., 0..=4) => "succeeded",
            (_, 5) => "failed",
            (2, _) => "running",
            _ => "succeeded",
        };
        let page: Vec<Value> = on_page
            .iter()
            .enumerate()
            .map(|(i, id)| execution_of(id, status(i)))
            .collect();
        (
            200,
            json!({"toolExecutions": page, "hasMore": false, "nextCursor": null}),
        )
    })
    .await;
    let tools = client(&script).tools();
    let mut jobs: Vec<String> = ids.clone();
    jobs.push(ids[3].clone()); // a duplicate resolves once
    let results: Vec<_> = bounded(tools.wait_many(jobs).poll_interval(FAST).collect::<Vec<_>>()).await;
    assert_eq!(results.len(), 10, "each job exactly once");
    for (id, result) in &results {
        let index: usize = id.trim_start_matches("vg_tool_").parse().unwrap();
        match (index, result) {
            (5, Err(Error::JobFailed(failure))) => assert_eq!(failure.id, *id),
            (5, other) => panic!("job 5 should have failed: {other:?}"),
            (_, Ok(done)) => assert_eq!(
                (done.tool_execution_id.as_str(), done.status.as_str()),
                (id.as_str(), "succeeded")
            ),
            (_, Err(error)) => panic!("{id}: {error}"),
        }
    }
    assert_eq!(*lists.lock().unwrap(), 3, "one list request per round, no per-job GETs");
    assert_eq!(*script.polls.lock().unwrap(), 3);
}

#[tokio::test]
async fn jobs_the_list_does_not_reach_are_polled_one_by_one() {
    use futures_util::StreamExt;
    let ids = tool_ids(5);
    let script = serve(move |path, _| {
        if path.starts_with("/v1/tools/executions?") {
            // The newest page shows only jobs 0..4, all done.
            (200, listed(&tool_ids(4), "succeeded", false, None))
        } else {
            assert_eq!(path, "/v1/tools/executions/vg_tool_4");
            (200, execution_of("vg_tool_4", "succeeded"))
        }
    })
    .await;
    let results: Vec<_> = bounded(
        client(&script)
            .tools()
            .wait_many(&ids)
            .poll_interval(FAST)
            .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(results.len(), 5);
    assert!(results.iter().all(|(_, r)| r.is_ok()));
    assert_eq!(*script.polls.lock().unwrap(), 2, "one sweep and one GET");
}

#[tokio::test]
async fn a_delivered_webhook_ends_a_webhook_driven_wait_at_once() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let finished = Arc::new(AtomicBool::new(false));
    let state = finished.clone();
    let script = serve(move |_, _| {
        let status = if state.load(Ordering::SeqCst) {
            "succeeded"
        } else {
            "running"
        };
        (200, execution(status, 50.0))
    })
    .await;
    let client = videogen::Client::builder()
        .api_key("k")
        .base_url(&script.base_url)
        .disable_retries()
        .webhook_driven(true)
        .build()
        .unwrap();
    let waiting = tokio::spawn(std::future::IntoFuture::into_future(client.tools().job(ID).wait()));
    while *script.polls.lock().unwrap() == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    finished.store(true, Ordering::SeqCst);
    let body = json!({"event": "tool_execution.succeeded", "toolExecutionId": ID, "occurredAt": 1, "toolType": "X"});
    let event = videogen::webhooks::Event::parse("msg_1", body.to_string().as_bytes()).unwrap();
    let started = std::time::Instant::now();
    assert!(client.deliver(&event).await, "a wait was registered for the job");
    let done = bounded(async { waiting.await.unwrap() }).await.unwrap();
    assert_eq!(done.status.as_str(), "succeeded");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "ended by the event, not the 60 s fallback poll"
    );
    assert_eq!(
        *script.polls.lock().unwrap(),
        2,
        "the first poll, then one look after the event"
    );
    assert!(!client.deliver(&event).await, "nothing waits any more");
}

/// A list page of `ids`, all in `status`.
fn listed(ids: &[String], status: &str, has_more: bool, next: Option<&str>) -> Value {
    let page: Vec<Value> = ids.iter().map(|id| execution_of(id, status)).collect();
    json!({"toolExecutions": page, "hasMore": has_more, "nextCursor": next})
}

/// `n` tool ids: `vg_tool_0`, `vg_tool_1`, ...
fn tool_ids(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("vg_tool_{i}")).collect()
}

#[tokio::test]
async fn wait_many_pauses_as_long_as_a_failed_sweep_asks() {
    use futures_util::StreamExt;
    let ids = tool_ids(5);
    let page = ids.clone();
    let times = Arc::new(Mutex::new(Vec::new()));
    let seen = times.clone();
    let script = serve_with_headers(move |path, n| {
        assert!(
            path.starts_with("/v1/tools/executions?"),
            "only sweeps expected: {path}"
        );
        seen.lock().unwrap().push(std::time::Instant::now());
        match n {
            0 => (503, "retry-after: 1\r\n", json!({"message": "busy"})),
            _ => (200, "", listed(&page, "succeeded", false, None)),
        }
    })
    .await;
    let waiting = client(&script).tools().wait_many(&ids).poll_interval(FAST);
    let results: Vec<_> = bounded(waiting.collect::<Vec<_>>()).await;
    assert!(results.iter().all(|(_, r)| r.is_ok()), "{results:?}");
    let times = times.lock().unwrap();
    assert_eq!(times.len(), 2, "one refused sweep, one that saw every job");
    let pause = times[1] - times[0];
    assert!(
        pause >= Duration::from_millis(950),
        "the next sweep waited out the 1 s Retry-After, not the 20 ms interval: {pause:?}"
    );
}

#[tokio::test]
async fn a_sweep_the_server_refuses_falls_back_to_one_get_per_job() {
    use futures_util::StreamExt;
    let ids = tool_ids(5);
    let script = serve(move |path, _| {
        if path.starts_with("/v1/tools/executions?") {
            (
                400,
                json!({"message": "no listing for you", "code": "invalid_parameters"}),
            )
        } else {
            let id = path.trim_start_matches("/v1/tools/executions/");
            (200, execution_of(id, "succeeded"))
        }
    })
    .await;
    let waiting = client(&script).tools().wait_many(&ids).poll_interval(FAST);
    let results: Vec<_> = bounded(waiting.collect::<Vec<_>>()).await;
    assert_eq!(results.len(), 5);
    assert!(results.iter().all(|(_, r)| r.is_ok()), "{results:?}");
    assert_eq!(*script.polls.lock().unwrap(), 6, "one refused sweep, then five GETs");
}

#[tokio::test]
async fn a_get_that_fails_transiently_is_tried_again_next_round() {
    use futures_util::StreamExt;
    let ids = tool_ids(1);
    let script = serve(move |path, n| {
        assert_eq!(path, "/v1/tools/executions/vg_tool_0", "one job: GETs, no sweep");
        match n {
            0 => (503, json!({"message": "busy"})),
            _ => (200, execution_of("vg_tool_0", "succeeded")),
        }
    })
    .await;
    let waiting = client(&script).tools().wait_many(&ids).poll_interval(FAST);
    let results: Vec<_> = bounded(waiting.collect::<Vec<_>>()).await;
    assert_eq!(results.len(), 1);
    assert!(results[0].1.is_ok(), "a 503 does not end the wait: {results:?}");
    assert_eq!(*script.polls.lock().unwrap(), 2);
}

#[tokio::test]
async fn a_sweep_reads_no_further_pages_once_it_has_seen_every_job() {
    use futures_util::StreamExt;
    let ids = tool_ids(5);
    let page = ids.clone();
    let script = serve(move |path, n| {
        assert!(
            path.starts_with("/v1/tools/executions?"),
            "only sweeps expected: {path}"
        );
        // More pages exist, but the first already shows every waiting job.
        match n {
            0 => (200, listed(&page, "running", true, Some("c2"))),
            _ => (200, listed(&page, "succeeded", true, Some("c3"))),
        }
    })
    .await;
    let waiting = client(&script).tools().wait_many(&ids).poll_interval(FAST);
    let results: Vec<_> = bounded(waiting.collect::<Vec<_>>()).await;
    assert!(results.iter().all(|(_, r)| r.is_ok()), "{results:?}");
    assert_eq!(*script.polls.lock().unwrap(), 2, "one page per round");
}

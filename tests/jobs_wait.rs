//! `wait()` on job handles against a scripted server: success with
//! progress, failure with the server's error, cancellation, a job that never
//! ends, transient poll errors, and a 404.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use serde_json::{json, Value};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};
use videogen::{Error, JobKind, TimeoutKind};

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
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let polls = Arc::new(Mutex::new(0));
    let count = polls.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let mut request = Vec::new();
            let mut buffer = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match socket.read(&mut buffer).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buffer[..n]),
                }
            }
            assert!(
                request.starts_with(format!("GET {PATH} ").as_bytes()),
                "unexpected request"
            );
            let index = {
                let mut count = count.lock().unwrap();
                *count += 1;
                (*count - 1).min(states.len() - 1)
            };
            let (status, body) = &states[index];
            let body = body.to_string();
            let response = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
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

async fn bounded<T>(future: impl std::future::IntoFuture<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(20), future.into_future())
        .await
        .expect("the wait hung")
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

//! Waiting on jobs against `videogen-fake`, whose jobs run on its own clock:
//! success with hydrated files, failure with the server's error,
//! cancellation, a job that never ends, polls answered 429 and 503, a 404,
//! re-attaching by id, `wait_many` over tool executions and workflow runs,
//! and an export's download.
//!
//! The client's poll timer runs on real time, so waits poll every 20 ms and
//! the tests move the fake's (frozen) clock to make jobs progress and end.
//! Polls are counted on the fake's side of the wire. Every test is bounded.

use std::{
    future::IntoFuture,
    sync::{Arc, Mutex},
    time::{Duration, Instant, UNIX_EPOCH},
};

use futures_util::StreamExt;
use videogen::{
    types::{
        ExportProjectRequest, GenerateImageRequest, GenerateMusicRequest, RemixAction, RemixActionDisableCaptions,
        RemixActionGenerateMusic, RemixProjectRequest, ScriptToVideoRequest, VisualStyleType, WorkflowVisualStyle,
    },
    Error, JobKind, Operation, TimeoutKind,
};
use videogen_fake::{Clock, FakeVideoGen, Fault, JobKind as FakeKind, JobStatus, Route};

mod common;
use common::bounded;

const FAST: Duration = Duration::from_millis(20);
const T0: u64 = 1_900_000_000;
const GET_TOOL: Operation = Operation::GetToolExecutionInfo;

/// A fake whose clock stands still until a test moves it; jobs take 10 s.
async fn fake() -> FakeVideoGen {
    FakeVideoGen::builder()
        .clock(Clock::frozen(UNIX_EPOCH + Duration::from_secs(T0)))
        .job_duration(Duration::from_secs(10))
        .rng_seed(14)
        .export_bytes(256 << 10)
        .start()
        .await
}

/// Waits (really) until `ready` holds; panics after 10 s.
async fn until(what: &str, ready: impl Fn() -> bool) {
    let started = Instant::now();
    while !ready() {
        assert!(started.elapsed() < Duration::from_secs(10), "gave up waiting: {what}");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

fn stock() -> WorkflowVisualStyle {
    WorkflowVisualStyle::new(VisualStyleType::Stock)
}

fn job_failure(err: &Error) -> &videogen::JobFailure {
    match err {
        Error::JobFailed(failure) => failure,
        other => panic!("expected JobFailed, got {other:?}"),
    }
}

#[tokio::test]
async fn a_tool_job_is_waited_through_pending_and_running_then_gives_hydrated_files() {
    let fake = fake().await;
    let client = fake.client();
    let job = client
        .tools()
        .generate_image(GenerateImageRequest::new("a red fox in snow").num_results(2))
        .await
        .unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let waiting = tokio::spawn(
        job.wait()
            .poll_interval(FAST)
            .on_progress(move |p| record.lock().unwrap().push(p))
            .into_future(),
    );
    until("two polls while pending", || fake.count(GET_TOOL) >= 2).await;
    fake.advance(Duration::from_secs(5));
    until("a poll while running", || seen.lock().unwrap().len() >= 2).await;
    fake.advance(Duration::from_secs(5));
    let done = bounded(waiting).await.unwrap().unwrap();
    assert_eq!(
        (done.tool_execution_id.as_str(), done.status.as_str()),
        (job.id(), "succeeded")
    );
    assert_eq!(done.results.len(), 2);
    let progress = seen.lock().unwrap().clone();
    assert_eq!(progress[0], 0.0, "pending first: {progress:?}");
    assert!(progress[1] > 0.0 && progress[1] < 100.0, "then running: {progress:?}");
    assert!(
        progress.windows(2).all(|w| w[0] != w[1]),
        "reported only when it changes: {progress:?}"
    );
    let polls = fake.count(GET_TOOL);
    tokio::time::sleep(FAST * 5).await;
    assert_eq!(fake.count(GET_TOOL), polls, "no poll after the end");

    let files = bounded(job.files()).await.unwrap();
    let ids: Vec<_> = files.iter().map(|f| f.file_id.clone()).collect();
    let expected: Vec<_> = done.results.iter().map(|r| r.file_id.clone()).collect();
    assert_eq!(ids, expected, "the outputs, in order");
    for file in &files {
        let url = file.download_url().expect("a signed download URL");
        assert!(url.starts_with(fake.base_url()), "{url}");
        assert_eq!(file.source_tool_execution_id.as_deref(), Some(job.id()));
    }
    assert_eq!(
        fake.count(Route::HydrateFile),
        0,
        "the results carried fresh files: nothing to hydrate"
    );
}

#[tokio::test]
async fn files_of_a_running_job_wait_for_it_first() {
    let fake = fake().await;
    let job = fake
        .client()
        .tools()
        .generate_image(GenerateImageRequest::new("an owl").num_results(3))
        .await
        .unwrap();
    let job_again = job.clone();
    // `files()` waits at the client's default interval (1.5 s).
    let files = tokio::spawn(async move { job_again.files().await });
    until("a poll", || fake.count(GET_TOOL) >= 1).await;
    assert!(!files.is_finished(), "the job is still pending");
    fake.advance(Duration::from_secs(10));
    let files = bounded(files).await.unwrap().unwrap();
    assert_eq!(files.len(), 3, "every output, once the job has ended");
    assert!(files.iter().all(|f| f.download_url().is_some()));
    assert_eq!(fake.count(GET_TOOL), 2, "one poll while running, one after the end");
}

#[tokio::test]
async fn a_failed_job_ends_the_wait_with_its_id_status_and_the_servers_error() {
    let fake = fake().await;
    let client = fake.client();
    fake.jobs()
        .next_of(FakeKind::Tool)
        .fail("content_policy", "the prompt was refused");
    let job = client
        .tools()
        .generate_image(GenerateImageRequest::new("something refused"))
        .await
        .unwrap();
    let waiting = tokio::spawn(job.wait().poll_interval(FAST).into_future());
    until("a poll", || fake.count(GET_TOOL) >= 1).await;
    fake.advance(Duration::from_secs(10));
    let err = bounded(waiting).await.unwrap().unwrap_err();
    let failure = job_failure(&err);
    assert_eq!(
        (failure.kind, failure.id.as_str(), failure.status.as_str()),
        (JobKind::ToolExecution, job.id(), "failed")
    );
    let body = failure.error.as_ref().expect("the server's error");
    assert_eq!(
        (body.code.as_deref(), body.message.as_str()),
        (Some("content_policy"), "the prompt was refused")
    );
    assert_eq!(err.code(), Some("content_policy"));
    let shown = err.to_string();
    for part in [job.id(), "failed", "the prompt was refused", "content_policy"] {
        assert!(shown.contains(part), "{shown:?} lacks {part:?}");
    }

    // A workflow run and an export fail the same way, each with its kind.
    fake.jobs()
        .next_of(FakeKind::Workflow)
        .fail("script_too_long", "the script is too long");
    let run = client
        .workflows()
        .script_to_video(ScriptToVideoRequest::new("A film.", stock()))
        .await
        .unwrap();
    fake.advance(Duration::from_secs(10));
    let err = bounded(run.wait().poll_interval(FAST)).await.unwrap_err();
    let failure = job_failure(&err);
    assert_eq!(
        (failure.kind, failure.id.as_str(), err.code()),
        (JobKind::WorkflowRun, run.id(), Some("script_too_long"))
    );
    assert!(err.to_string().contains("workflow run"), "{err}");

    let project = fake.add_project("Ready", (16, 9), false);
    fake.jobs()
        .next_of(FakeKind::Export)
        .fail("render_failed", "the renderer crashed");
    let export = client
        .projects()
        .export(&project, ExportProjectRequest::new())
        .await
        .unwrap();
    fake.advance(Duration::from_secs(10));
    let err = bounded(export.wait().poll_interval(FAST)).await.unwrap_err();
    let failure = job_failure(&err);
    assert_eq!(
        (failure.kind, failure.id.as_str(), failure.status.as_str(), err.code()),
        (JobKind::Export, export.id(), "failed", Some("render_failed"))
    );
}

#[tokio::test]
async fn cancelling_a_job_or_the_server_cancelling_it_ends_the_wait_as_cancelled() {
    let fake = fake().await;
    let client = fake.client();

    // Our cancel, while a wait runs.
    let job = client
        .tools()
        .generate_music(GenerateMusicRequest::new("a slow waltz"))
        .await
        .unwrap();
    let waiting = tokio::spawn(job.wait().poll_interval(FAST).into_future());
    until("a poll", || fake.count(GET_TOOL) >= 1).await;
    let answer = bounded(job.cancel()).await.unwrap();
    assert_eq!(answer.tool_execution_id, job.id());
    let err = bounded(waiting).await.unwrap().unwrap_err();
    let failure = job_failure(&err);
    assert_eq!((failure.id.as_str(), failure.status.as_str()), (job.id(), "cancelled"));
    assert!(err.to_string().contains("cancelled"), "{err}");
    assert_eq!(fake.job(job.id()).unwrap().status, JobStatus::Cancelled);

    // Cancelled elsewhere (the fake ends it so when it would have finished).
    fake.jobs().next_of(FakeKind::Tool).cancel();
    let other = client
        .tools()
        .generate_music(GenerateMusicRequest::new("jazz"))
        .await
        .unwrap();
    fake.advance(Duration::from_secs(10));
    let err = bounded(other.wait().poll_interval(FAST)).await.unwrap_err();
    assert_eq!(job_failure(&err).status, "cancelled");

    // A workflow run's cancel.
    let run = client
        .workflows()
        .script_to_video(ScriptToVideoRequest::new("Never mind.", stock()))
        .await
        .unwrap();
    bounded(run.cancel()).await.unwrap();
    let err = bounded(run.wait().poll_interval(FAST)).await.unwrap_err();
    let failure = job_failure(&err);
    assert_eq!(
        (failure.kind, failure.status.as_str()),
        (JobKind::WorkflowRun, "cancelled")
    );
}

#[tokio::test]
async fn a_job_that_never_ends_times_out_as_a_wait_timeout_and_keeps_running() {
    let fake = fake().await;
    let client = fake.client();
    fake.jobs().next().stall();
    let job = client
        .tools()
        .generate_image(GenerateImageRequest::new("stuck"))
        .await
        .unwrap();
    fake.advance(Duration::from_secs(3600));
    let limit = Duration::from_millis(300);
    let started = Instant::now();
    let err = bounded(job.wait().poll_interval(FAST).timeout(limit))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Timeout { kind: TimeoutKind::Wait, after } if after == limit),
        "{err:?}"
    );
    assert!(started.elapsed() >= limit, "not before the timeout");
    let polls = fake.count(GET_TOOL);
    // 300 ms at 20 ms (±10%) is about 15 polls; a busy loop would be thousands.
    assert!((2..=25).contains(&polls), "polled at the interval: {polls}");
    let state = fake.job(job.id()).unwrap();
    assert_eq!(
        state.status,
        JobStatus::Running,
        "a wait that gives up leaves the job alone"
    );
    assert_eq!(fake.count(Operation::CancelToolExecution), 0);

    // wait_many: every job still going ends with the same timeout.
    let ids = [job.id().to_owned()];
    let results: Vec<_> = bounded(
        client
            .tools()
            .wait_many(&ids)
            .poll_interval(FAST)
            .timeout(limit)
            .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(results.len(), 1);
    assert!(
        matches!(
            results[0].1,
            Err(Error::Timeout {
                kind: TimeoutKind::Wait,
                ..
            })
        ),
        "{:?}",
        results[0].1
    );
}

#[tokio::test]
async fn dropping_a_wait_stops_polling_and_leaves_the_job_running() {
    let fake = fake().await;
    let job = fake
        .client()
        .tools()
        .generate_image(GenerateImageRequest::new("a fox"))
        .await
        .unwrap();
    let waiting = tokio::spawn(job.wait().poll_interval(FAST).into_future());
    until("two polls", || fake.count(GET_TOOL) >= 2).await;
    waiting.abort();
    let _ = waiting.await;
    let polls = fake.count(GET_TOOL);
    tokio::time::sleep(FAST * 10).await;
    assert!(fake.count(GET_TOOL) <= polls + 1, "at most the poll in flight");
    assert!(!fake.job(job.id()).unwrap().status.is_terminal());
    assert_eq!(fake.count(Operation::CancelToolExecution), 0);
}

#[tokio::test]
async fn polls_answered_429_and_503_do_not_end_the_wait() {
    let fake = fake().await;
    // Retries off: each poll is one request, so the wait's own handling shows.
    let client = fake.client_builder().disable_retries().build().unwrap();
    let job = client
        .tools()
        .generate_image(GenerateImageRequest::new("a fox"))
        .await
        .unwrap();
    fake.faults().on(GET_TOOL).for_id(job.id()).sequence([
        Fault::rate_limited(Duration::from_secs(1)),
        Fault::status(503),
        Fault::Unavailable {
            retry_after: Duration::from_secs(1),
        },
        Fault::status(502),
    ]);
    fake.advance(Duration::from_secs(10));
    let started = Instant::now();
    let done = bounded(job.wait().poll_interval(FAST)).await.unwrap();
    assert_eq!(done.status.as_str(), "succeeded");
    assert_eq!(
        fake.count(GET_TOOL),
        5,
        "four failed polls, then the one that saw the end"
    );
    assert!(
        started.elapsed() >= Duration::from_millis(1900),
        "each Retry-After (1 s) was waited out before polling again: {:?}",
        started.elapsed()
    );

    // With the client's retries on (the default), the call itself rides
    // out the 429 (Retry-After first) and the wait sees one poll.
    let client = fake.client();
    let job = client
        .tools()
        .generate_image(GenerateImageRequest::new("an owl"))
        .await
        .unwrap();
    fake.advance(Duration::from_secs(10));
    fake.reset_log();
    fake.faults()
        .on(GET_TOOL)
        .for_id(job.id())
        .sequence([Fault::rate_limited(Duration::from_secs(1)), Fault::status(503)]);
    let started = Instant::now();
    let done = bounded(job.wait().poll_interval(FAST)).await.unwrap();
    assert_eq!(done.status.as_str(), "succeeded");
    assert_eq!(fake.count(GET_TOOL), 3, "429, 503, then the answer");
    assert!(started.elapsed() >= Duration::from_millis(950), "Retry-After honoured");
}

#[tokio::test]
async fn a_429_on_one_poll_holds_back_every_waiter_of_the_client() {
    a_429_holds_back_other_waiters(true).await;
}

#[tokio::test]
async fn with_retries_off_a_429_on_one_poll_still_holds_back_every_waiter() {
    a_429_holds_back_other_waiters(false).await;
}

async fn a_429_holds_back_other_waiters(retries: bool) {
    let fake = fake().await;
    let client = match retries {
        true => fake.client(),
        false => fake.client_builder().disable_retries().build().unwrap(),
    };
    let tools = client.tools();
    let a = tools.generate_image(GenerateImageRequest::new("a")).await.unwrap();
    let b = tools.generate_image(GenerateImageRequest::new("b")).await.unwrap();
    let wait_b = tokio::spawn(
        b.wait()
            .poll_interval(FAST)
            .timeout(Duration::from_secs(20))
            .into_future(),
    );
    until("b polls", || fake.count(GET_TOOL) >= 2).await;
    fake.faults()
        .on(GET_TOOL)
        .for_id(a.id())
        .once(Fault::rate_limited(Duration::from_secs(2)));
    let wait_a = tokio::spawn(
        a.wait()
            .poll_interval(FAST)
            .timeout(Duration::from_secs(20))
            .into_future(),
    );
    until("a's 429", || {
        fake.requests_to(GET_TOOL).iter().any(|r| r.status == Some(429))
    })
    .await;
    let polls_b = |fake: &FakeVideoGen| {
        fake.requests_to(GET_TOOL)
            .iter()
            .filter(|r| r.ids.first().map(String::as_str) == Some(b.id()))
            .count()
    };
    let before = polls_b(&fake);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let during = polls_b(&fake) - before;
    // Unheld, b would poll about 70 times in 1.5 s.
    assert!(during <= 2, "b kept polling through a's rate limit: {during}");
    fake.advance(Duration::from_secs(10));
    bounded(wait_a).await.unwrap().unwrap();
    bounded(wait_b).await.unwrap().unwrap();
}

#[tokio::test]
async fn a_404_for_an_unknown_id_ends_the_wait_at_once() {
    let fake = fake().await;
    let client = fake.client();
    let not_found = |err: &Error| err.status().map(|s| s.as_u16()) == Some(404);

    let err = bounded(client.tools().job("vg_tool_unknown").wait().poll_interval(FAST))
        .await
        .unwrap_err();
    assert!(not_found(&err), "{err}");
    assert_eq!(fake.count(GET_TOOL), 1, "one poll, no retry");

    let err = bounded(client.workflows().job("vg_work_unknown").wait().poll_interval(FAST))
        .await
        .unwrap_err();
    assert!(not_found(&err), "{err}");
    assert_eq!(fake.count(Operation::GetWorkflowRun), 1);

    let project = fake.add_project("Ready", (16, 9), false);
    let err = bounded(
        client
            .projects()
            .export_job(&project, "vg_expo_unknown")
            .wait()
            .poll_interval(FAST),
    )
    .await
    .unwrap_err();
    assert!(not_found(&err), "{err}");
    assert_eq!(fake.count(Operation::GetProjectExport), 1);

    let err = bounded(
        client
            .projects()
            .remix_job("vg_proj_unknown", vec!["vg_rmix_x".to_owned()])
            .wait()
            .poll_interval(FAST),
    )
    .await
    .unwrap_err();
    assert!(not_found(&err), "{err}");
    assert_eq!(fake.count(Operation::ListProjectRemixActions), 1);

    // In wait_many, the unknown id fails alone; the others go on.
    fake.reset_log();
    let tools = client.tools();
    let mut ids = Vec::new();
    for i in 0..4 {
        let job = tools
            .generate_image(GenerateImageRequest::new(format!("fox {i}")))
            .await
            .unwrap();
        ids.push(job.id().to_owned());
    }
    ids.push("vg_tool_unknown".to_owned());
    fake.advance(Duration::from_secs(10));
    let results: Vec<_> = bounded(tools.wait_many(&ids).poll_interval(FAST).collect::<Vec<_>>()).await;
    assert_eq!(results.len(), 5);
    for (id, result) in results {
        if id == "vg_tool_unknown" {
            assert!(not_found(result.as_ref().unwrap_err()), "{result:?}");
        } else {
            assert_eq!(result.unwrap().status.as_str(), "succeeded");
        }
    }
    assert_eq!(fake.count(GET_TOOL), 1, "only the id the list does not show is fetched");
}

#[tokio::test]
async fn jobs_reattached_by_id_wait_like_the_originals() {
    let fake = fake().await;
    let client = fake.client();
    let tool = client
        .tools()
        .generate_image(GenerateImageRequest::new("a fox"))
        .await
        .unwrap();
    let run = client
        .workflows()
        .script_to_video(
            ScriptToVideoRequest::new("A short film about foxes.", stock())
                .remix_actions(vec![RemixAction::from(RemixActionDisableCaptions::new())]),
        )
        .await
        .unwrap();
    let project = run.project_id().unwrap().to_owned();
    let remix_ids = run.remix_action_ids().to_vec();
    let export = client
        .projects()
        .export(&project, ExportProjectRequest::new())
        .await
        .unwrap();

    // A new client, as after a restart, with only the stored ids.
    let later = fake.client();
    let tool_again = later.tools().job(tool.id());
    let run_again = later.workflows().job(run.id());
    assert_eq!(run_again.project_id(), None, "known from a get, not from the id");
    let export_again = later.projects().export_job(&project, export.id());
    let remix_again = later.projects().remix_job(&project, remix_ids.clone());
    let waits = tokio::spawn(async move {
        let tool = tool_again.wait().poll_interval(FAST).await;
        let run = run_again.wait().poll_interval(FAST).await;
        let export = export_again.wait().poll_interval(FAST).await;
        let remix = remix_again.wait().poll_interval(FAST).await;
        (tool, run, export, remix)
    });
    until("a poll", || fake.count(GET_TOOL) >= 1).await;
    for _ in 0..4 {
        fake.advance(Duration::from_secs(10));
        tokio::time::sleep(FAST * 3).await;
    }
    let (tool_done, run_done, export_done, remix_done) = bounded(waits).await.unwrap();
    let tool_done = tool_done.unwrap();
    assert_eq!(
        (tool_done.tool_execution_id.as_str(), tool_done.status.as_str()),
        (tool.id(), "succeeded")
    );
    let run_done = run_done.unwrap();
    assert_eq!(
        (run_done.workflow_run_id.as_str(), run_done.status.as_str()),
        (run.id(), "succeeded")
    );
    assert_eq!(run_done.project_id, project);
    let export_done = export_done.unwrap();
    assert_eq!(export_done.status.as_str(), "succeeded");
    assert!(export_done.download_url.is_some(), "a finished export has its MP4 URL");
    let remix_done = remix_done.unwrap();
    let got: Vec<_> = remix_done.iter().map(|a| a.remix_action_id.clone()).collect();
    assert_eq!(got, remix_ids);
    assert!(remix_done.iter().all(|a| a.status.as_str() == "succeeded"));
}

#[tokio::test]
async fn a_remix_job_ends_when_every_action_has_ended_and_returns_them_all() {
    let fake = fake().await;
    let client = fake.client();
    let project = fake.add_project("Launch video", (16, 9), false);
    fake.jobs()
        .prompt("upbeat")
        .fail("music_failed", "no music for that prompt");
    // The actions run in order: captions end at 10 s, the music fails at 20 s.
    let actions = vec![
        RemixAction::from(RemixActionDisableCaptions::new()),
        RemixAction::from(RemixActionGenerateMusic::new("upbeat")),
    ];
    let remix = client
        .projects()
        .remix(&project, RemixProjectRequest::new(actions))
        .await
        .unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let waiting = tokio::spawn(
        remix
            .wait()
            .poll_interval(FAST)
            .on_progress(move |p| record.lock().unwrap().push(p))
            .into_future(),
    );
    let polls = || fake.count(Operation::ListProjectRemixActions);
    until("a poll", || polls() >= 1).await;
    fake.advance(Duration::from_secs(10));
    let after_first = polls();
    until("three polls after the first action ended", || {
        polls() >= after_first + 3
    })
    .await;
    assert!(!waiting.is_finished(), "one action of two has ended: still waiting");
    assert!(
        seen.lock().unwrap().contains(&50.0),
        "progress is the mean over the actions: {:?}",
        seen.lock().unwrap()
    );
    fake.advance(Duration::from_secs(10));
    let runs = bounded(waiting).await.unwrap().unwrap();
    let ids: Vec<_> = runs.iter().map(|r| r.remix_action_id.clone()).collect();
    assert_eq!(ids, remix.ids(), "every action, in the job's order");
    assert_eq!(runs[0].status.as_str(), "succeeded");
    assert_eq!(runs[1].status.as_str(), "failed", "each with its own state");
    assert_eq!(
        runs[1].error.as_ref().and_then(|e| e.code.as_deref()),
        Some("music_failed")
    );
}

/// What a job ended as, by the fake, for comparing with what a wait returned.
fn ended_as(fake: &FakeVideoGen, id: &str) -> &'static str {
    fake.job(id).map_or("unknown", |job| job.status.as_str())
}

#[tokio::test]
async fn wait_many_resolves_every_tool_job_once_with_its_own_state() {
    let fake = fake().await;
    let client = fake.client();
    let tools = client.tools();
    fake.jobs()
        .prompt("doomed")
        .fail("render_failed", "the renderer crashed");
    fake.jobs().prompt("halted").cancel();
    fake.jobs().prompt("slow").take(Duration::from_secs(20));
    let mut jobs = Vec::new();
    for prompt in [
        "fox",
        "owl",
        "doomed cat",
        "halted dog",
        "slow hare",
        "elk",
        "doomed bee",
        "slow, to cancel",
    ] {
        jobs.push(tools.generate_image(GenerateImageRequest::new(prompt)).await.unwrap());
    }
    let mut ids: Vec<String> = jobs.iter().map(|j| j.id().to_owned()).collect();
    ids.push(ids[1].clone()); // the same id twice resolves once
    let results = Arc::new(Mutex::new(Vec::new()));
    let sink = results.clone();
    let mut stream = tools.wait_many(&ids).poll_interval(FAST);
    let collecting = tokio::spawn(async move {
        while let Some(item) = stream.next().await {
            sink.lock().unwrap().push(item);
        }
    });
    let lists = || fake.count(Operation::ListToolExecutions);
    until("a first sweep", || lists() >= 1).await;
    assert!(results.lock().unwrap().is_empty(), "nothing has ended yet");
    fake.advance(Duration::from_secs(10));
    until("six jobs end", || results.lock().unwrap().len() >= 6).await;
    bounded(jobs[7].cancel()).await.unwrap();
    until("the cancelled job", || results.lock().unwrap().len() >= 7).await;
    fake.advance(Duration::from_secs(10));
    bounded(collecting).await.unwrap();

    let results = results.lock().unwrap();
    let mut resolved: Vec<&str> = results.iter().map(|(id, _)| id.as_str()).collect();
    resolved.sort_unstable();
    let mut expected: Vec<&str> = jobs.iter().map(|j| j.id()).collect();
    expected.sort_unstable();
    assert_eq!(resolved, expected, "every job exactly once");
    for (id, result) in results.iter() {
        match (ended_as(&fake, id), result) {
            ("succeeded", Ok(done)) => {
                assert_eq!(
                    (done.tool_execution_id.as_str(), done.status.as_str()),
                    (id.as_str(), "succeeded")
                );
                assert_eq!(done.results.len(), 1, "{id}: its own results");
            }
            (status @ ("failed" | "cancelled"), Err(err)) => {
                let failure = job_failure(err);
                assert_eq!((failure.id.as_str(), failure.status.as_str()), (id.as_str(), status));
                if status == "failed" {
                    assert_eq!(err.code(), Some("render_failed"));
                }
            }
            (status, other) => panic!("{id} ended {status} but resolved as {other:?}"),
        }
    }
    let order: Vec<&str> = results.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(order[6], jobs[7].id(), "in the order they ended");
    assert_eq!(order[7], jobs[4].id());
    // All jobs sit on the list's first page: one request a round. Once
    // fewer than 4 are left, a GET each costs no more, so the two slow jobs
    // are polled on their own at the end.
    let gets = fake.requests_to(GET_TOOL);
    let left = [jobs[4].id(), jobs[7].id()];
    assert!(
        gets.iter()
            .all(|r| r.ids.first().is_some_and(|id| left.contains(&id.as_str()))),
        "per-job GETs only for the jobs left at the end"
    );
    assert!(
        lists() >= 2,
        "a list request per round while 4 or more wait: {}",
        lists()
    );
}

#[tokio::test]
async fn wait_many_resolves_every_workflow_run_once_with_its_own_state() {
    let fake = fake().await;
    let client = fake.client();
    let workflows = client.workflows();
    fake.jobs()
        .prompt("doomed")
        .fail("script_rejected", "the script was rejected");
    let mut runs = Vec::new();
    for script in ["One.", "Two doomed.", "Three.", "Four.", "Five."] {
        runs.push(
            workflows
                .script_to_video(ScriptToVideoRequest::new(script, stock()))
                .await
                .unwrap(),
        );
    }
    bounded(runs[3].cancel()).await.unwrap();
    let ids: Vec<String> = runs.iter().map(|r| r.id().to_owned()).collect();
    let collecting = tokio::spawn(workflows.wait_many(&ids).poll_interval(FAST).collect::<Vec<_>>());
    until("a sweep", || fake.count(Operation::ListWorkflowRuns) >= 1).await;
    fake.advance(Duration::from_secs(10));
    let results = bounded(collecting).await.unwrap();
    assert_eq!(results.len(), 5);
    let mut resolved: Vec<&str> = results.iter().map(|(id, _)| id.as_str()).collect();
    resolved.sort_unstable();
    let mut expected: Vec<&str> = ids.iter().map(String::as_str).collect();
    expected.sort_unstable();
    assert_eq!(resolved, expected, "every run exactly once");
    for (id, result) in &results {
        match (ended_as(&fake, id), result) {
            ("succeeded", Ok(done)) => assert_eq!(done.workflow_run_id, *id),
            (status @ ("failed" | "cancelled"), Err(err)) => {
                let failure = job_failure(err);
                assert_eq!(
                    (failure.kind, failure.id.as_str(), failure.status.as_str()),
                    (JobKind::WorkflowRun, id.as_str(), status)
                );
            }
            (status, other) => panic!("{id} ended {status} but resolved as {other:?}"),
        }
    }
    assert_eq!(fake.count(Operation::GetWorkflowRun), 0, "no per-run GETs");
}

#[tokio::test]
async fn wait_many_rides_out_a_rate_limited_sweep_without_a_get_per_job() {
    let fake = fake().await;
    let client = fake.client_builder().disable_retries().build().unwrap();
    let tools = client.tools();
    let mut ids = Vec::new();
    for i in 0..6 {
        let job = tools
            .generate_image(GenerateImageRequest::new(format!("fox {i}")))
            .await
            .unwrap();
        ids.push(job.id().to_owned());
    }
    fake.advance(Duration::from_secs(10));
    fake.faults()
        .on(Operation::ListToolExecutions)
        .sequence([Fault::rate_limited(Duration::from_secs(1)), Fault::status(503)]);
    let started = Instant::now();
    let results: Vec<_> = bounded(tools.wait_many(&ids).poll_interval(FAST).collect::<Vec<_>>()).await;
    assert_eq!(results.len(), 6);
    assert!(results.iter().all(|(_, r)| r.is_ok()), "{results:?}");
    assert_eq!(fake.count(Operation::ListToolExecutions), 3, "429, 503, then the sweep");
    assert_eq!(fake.count(GET_TOOL), 0, "a failed sweep is not replaced by six GETs");
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "the sweep after the 429 waited for Retry-After: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn wait_many_polls_one_by_one_the_jobs_the_pages_do_not_reach() {
    let fake = fake().await;
    let client = fake.client();
    let tools = client.tools();
    let mut waited = Vec::new();
    for i in 0..4 {
        let job = tools
            .generate_image(GenerateImageRequest::new(format!("old {i}")))
            .await
            .unwrap();
        waited.push(job.id().to_owned());
    }
    // Enough newer jobs that a sweep's pages (1 + 2 extra, 200 each) end
    // before the waited ones.
    for i in 0..601 {
        tools
            .generate_music(GenerateMusicRequest::new(format!("newer {i}")))
            .await
            .unwrap();
    }
    fake.advance(Duration::from_secs(10));
    let results: Vec<_> = bounded(tools.wait_many(&waited).poll_interval(FAST).collect::<Vec<_>>()).await;
    assert_eq!(results.len(), 4);
    assert!(results.iter().all(|(_, r)| r.is_ok()), "{results:?}");
    assert_eq!(fake.count(Operation::ListToolExecutions), 3, "the sweep's page limit");
    assert_eq!(fake.count(GET_TOOL), 4, "then one GET per job not reached");
}

#[tokio::test]
async fn an_export_job_downloads_its_mp4_after_waiting() {
    let fake = fake().await;
    let client = fake.client();
    let project = fake.add_project("Launch video", (16, 9), false);
    let export = client
        .projects()
        .export(&project, ExportProjectRequest::new())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("launch.mp4");
    // The first download of the signed URL is refused as expired, and the
    // next breaks mid-body: the download gets a fresh URL, then resumes.
    fake.faults()
        .on(Route::ExportDownload)
        .sequence([Fault::status(403), Fault::DropMidBody]);
    let progress = Arc::new(Mutex::new(0u64));
    let seen = progress.clone();
    let downloading = tokio::spawn(
        export
            .download(&dest)
            .on_progress(move |p| *seen.lock().unwrap() = p.bytes_done)
            .into_future(),
    );
    until("a poll of the export", || fake.count(Operation::GetProjectExport) >= 1).await;
    assert!(!dest.exists(), "nothing written while the export runs");
    fake.advance(Duration::from_secs(10));
    let done = bounded(downloading).await.unwrap().unwrap();
    assert_eq!(done.path, dest);
    assert_eq!(done.bytes, 256 << 10);
    assert_eq!((done.rehydrations, done.resumes), (1, 1));
    assert_eq!(*progress.lock().unwrap(), 256 << 10);
    let bytes = std::fs::read(&dest).unwrap();
    assert_eq!(bytes.len(), 256 << 10);
    assert_eq!(&bytes[4..8], b"ftyp", "an MP4");
    let entries: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(entries.len(), 1, "no temporary file left behind");
}

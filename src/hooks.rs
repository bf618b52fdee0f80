//! The seam between the generated client and ours: `ClientHooks`.
//!
//! `pre` sets auth and user agent, `exec` runs the retry loop with per-attempt
//! timeouts, shared rate-limit back-off and tracing. Each call gets its own
//! [`CallContext`] (the generated client's inner value), which records what
//! the wrapper needs to build a precise error afterwards.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant, SystemTime},
};

use http::{header, HeaderMap, StatusCode};
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use tracing::Instrument;

use crate::{
    client::Shared,
    generated,
    operation::Operation,
    retry::{Decision, Outcome},
};

/// Per-call state handed to the generated client (which wants it `Clone`
/// and `Debug`).
#[derive(Clone)]
pub(crate) struct CallContext {
    pub(crate) shared: Arc<Shared>,
    pub(crate) operation: Operation,
    pub(crate) record: Arc<Mutex<CallRecord>>,
}

impl std::fmt::Debug for CallContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallContext")
            .field("operation", &self.operation)
            .finish_non_exhaustive()
    }
}

/// What the last attempt of a call saw.
#[derive(Default, Debug)]
pub(crate) struct CallRecord {
    pub(crate) attempts: u32,
    pub(crate) status: Option<StatusCode>,
    pub(crate) request_id: Option<String>,
    /// The per-attempt timeout fired on the last attempt.
    pub(crate) attempt_timed_out: bool,
}

impl ClientHooks<CallContext> for generated::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let shared = &self.inner().shared;
        let headers = request.headers_mut();
        // progenitor sends `api-version: <info.version>`; VideoGen defines no such header.
        headers.remove("api-version");
        headers.insert(header::AUTHORIZATION, shared.auth.clone());
        headers.insert(header::USER_AGENT, shared.user_agent.clone());
        Ok(())
    }

    async fn exec(&self, request: reqwest::Request, _info: &OperationInfo) -> reqwest::Result<reqwest::Response> {
        let ctx = self.inner();
        let span = tracing::debug_span!(
            "videogen.call",
            operation = ctx.operation.id(),
            method = %request.method(),
            path = request.url().path(),
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        // Boxed so that the retry loop's state (request, response, timers)
        // is allocated once instead of moved with every enclosing future.
        Box::pin(send_with_retries(self.client(), ctx, request).instrument(span)).await
    }
}

/// Sends `request`, retrying per the client's policy. Bodies are read here,
/// inside the loop, so a connection cut mid-body counts as a failed attempt.
async fn send_with_retries(
    http: &reqwest::Client,
    ctx: &CallContext,
    request: reqwest::Request,
) -> reqwest::Result<reqwest::Response> {
    let config = &ctx.shared.config;
    let started = Instant::now();
    let deadline = started + config.call_timeout;
    let mut retries_done = 0;
    let no_headers = HeaderMap::new(); // allocates nothing
    loop {
        ctx.shared.backoff.wait(ctx.operation).await;
        let attempt_started = Instant::now();
        let mut attempt = request.try_clone().expect("API requests have in-memory bodies");
        let remaining = deadline.saturating_duration_since(attempt_started);
        *attempt.timeout_mut() = Some(config.attempt_timeout.min(remaining));

        let result = attempt_once(http, attempt).await;
        let (outcome, headers) = match &result {
            Ok(response) => (Outcome::Status(response.status()), response.headers()),
            Err(error) => (classify(error), &no_headers),
        };
        record_attempt(ctx, &result, outcome, retries_done + 1, started);

        let decision = config.retry.decide(
            ctx.operation.idempotency(),
            outcome,
            headers,
            retries_done,
            SystemTime::now(),
            fastrand::f64(),
        );
        let wait = match decision {
            Decision::GiveUp => return result,
            Decision::RetryAfter(wait) => wait,
        };
        if outcome == Outcome::Status(StatusCode::TOO_MANY_REQUESTS) {
            // Everyone calling this endpoint through this client waits too.
            ctx.shared.backoff.hold(ctx.operation, wait);
        }
        // A retry that could not start before the deadline would only turn a
        // real error into a timeout.
        if Instant::now() + wait >= deadline {
            tracing::debug!(?wait, "not retrying: the wait would pass the call deadline");
            return result;
        }
        tracing::debug!(attempt = retries_done + 1, ?outcome, ?wait, "retrying");
        tokio::time::sleep(wait).await;
        retries_done += 1;
    }
}

/// One request, its body read in full. The parts move into the rebuilt
/// response (no header copies), and the URL is carried over so reqwest does
/// not parse a placeholder.
async fn attempt_once(http: &reqwest::Client, request: reqwest::Request) -> reqwest::Result<reqwest::Response> {
    use http_body_util::BodyExt;
    use reqwest::ResponseBuilderExt;

    let response = http.execute(request).await?;
    let url = response.url().clone();
    let (parts, body) = http::Response::from(response).into_parts();
    let bytes = body.collect().await?.to_bytes();
    let mut builder = http::Response::builder()
        .status(parts.status)
        .version(parts.version)
        .url(url);
    if let Some(headers) = builder.headers_mut() {
        *headers = parts.headers;
    }
    Ok(reqwest::Response::from(
        builder
            .body(bytes)
            .expect("status and headers came from a valid response"),
    ))
}

fn classify(error: &reqwest::Error) -> Outcome {
    if error.is_connect() {
        Outcome::ConnectFailed
    } else if error.is_timeout() {
        Outcome::TimedOut
    } else {
        Outcome::Interrupted
    }
}

fn record_attempt(
    ctx: &CallContext,
    result: &reqwest::Result<reqwest::Response>,
    outcome: Outcome,
    attempts: u32,
    started: Instant,
) {
    let status = result.as_ref().ok().map(|r| r.status());
    let request_id = result
        .as_ref()
        .ok()
        .and_then(|r| r.headers().get("x-request-id"))
        .and_then(|v| v.to_str().ok());
    let span = tracing::Span::current();
    span.record("attempts", attempts);
    span.record("elapsed_ms", started.elapsed().as_millis() as u64);
    if let Some(status) = status {
        span.record("status", status.as_u16());
    }
    if let Some(id) = request_id {
        span.record("request_id", id);
    }
    tracing::trace!(attempt = attempts, ?outcome, "attempt finished");
    let mut record = ctx.record.lock().unwrap_or_else(|e| e.into_inner());
    record.attempts = attempts;
    record.status = status;
    // Only errors report the request id: no allocation on success.
    record.request_id = request_id
        .filter(|_| !status.is_some_and(|s| s.is_success()))
        .map(str::to_owned);
    record.attempt_timed_out = outcome == Outcome::TimedOut;
}

/// Client-wide "not before" times per operation, set by 429 responses, so a
/// batch of concurrent calls slows down together instead of each hammering
/// the limit on its own.
#[derive(Default)]
pub(crate) struct Backoff {
    until: Mutex<[Option<Instant>; Operation::COUNT]>,
}

impl Backoff {
    pub(crate) fn hold(&self, operation: Operation, wait: Duration) {
        let until = Instant::now() + wait;
        let mut slots = self.until.lock().unwrap_or_else(|e| e.into_inner());
        let slot = &mut slots[operation as usize];
        if slot.is_none_or(|current| current < until) {
            *slot = Some(until);
        }
    }

    pub(crate) async fn wait(&self, operation: Operation) {
        let until = self.until.lock().unwrap_or_else(|e| e.into_inner())[operation as usize];
        if let Some(until) = until {
            if until > Instant::now() {
                tokio::time::sleep_until(until.into()).await;
            }
        }
    }
}

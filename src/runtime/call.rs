//! One API call: the retry loop around the generated method, the call
//! deadline, the tracing span, and the mapping of generated-client results
//! into our [`Error`].
//!
//! The loop re-runs the generated method, so the request is rebuilt per
//! attempt and the response body is read by the generated code: nothing is
//! copied on the common path of one successful attempt.

/// Runs one operation through the runtime's call path (retries, deadline,
/// rate-limit hold, tracing, error mapping):
/// `call!(runtime, HydrateFile, |g| g.hydrate_file(&id))`, where `g` is the
/// runtime's one generated client.
///
/// The call's state (retry loop, the generated request future) lives in one
/// heap allocation, so the future a handle method returns stays a few
/// hundred bytes: callers move it around (into `join_all`,
/// `buffer_unordered`, a spawned task), and moving kilobytes per call showed
/// up as memcpy time in profiles with many calls in flight.
macro_rules! call {
    ($rt:expr, $op:ident, |$g:ident| $send:expr) => {
        call!($rt, operation = $crate::Operation::$op, |$g| $send)
    };
    ($rt:expr, operation = $op:expr, |$g:ident| $send:expr) => {{
        let rt = &$rt;
        let $g = &rt.generated;
        // Allocated before the call's state is built, so the state can be
        // written straight into the box (`Box::pin(state)` builds it on the
        // stack and copies its two kilobytes over).
        let slot = ::std::boxed::Box::new_uninit();
        ::std::boxed::Box::into_pin(::std::boxed::Box::write(slot, rt.call($op, || $send))).await
    }};
}

use std::{
    future::Future,
    ops::ControlFlow,
    time::{Duration, Instant, SystemTime},
};

use http::{HeaderMap, StatusCode};
use progenitor_client::{Error as Generated, ResponseValue};

use super::{
    hooks::AttemptRecord,
    in_call::{take_record, InCall},
    Runtime,
};
use crate::{
    error::{ApiFailure, Error, TimeoutKind},
    operation::Operation,
    redact,
    retry::{Decision, Outcome},
    types::ApiError,
};

type GeneratedResult<T> = Result<ResponseValue<T>, Generated<ApiError>>;

/// What the retry loop and the error mapping know of the call they run.
#[derive(Clone, Copy)]
struct Call {
    operation: Operation,
    /// When the call began (for the span's `elapsed_ms`).
    started: Instant,
    /// No attempt may run past this.
    deadline: Instant,
}

impl Runtime {
    /// Runs `send` (one method of the generated client) until it succeeds,
    /// the retry policy gives up, or the call's deadline would pass.
    // Inlined into `call!`, so that LLVM builds the state in its box.
    #[inline(always)]
    pub(crate) fn call<'a, T, F, S>(
        &'a self,
        operation: Operation,
        send: S,
    ) -> InCall<impl Future<Output = Result<T, Error>> + 'a>
    where
        T: serde::de::DeserializeOwned + 'a,
        F: Future<Output = GeneratedResult<T>> + 'a,
        S: Fn() -> F + 'a,
    {
        let started = Instant::now();
        let call = Call {
            operation,
            started,
            deadline: started + super::bounded(self.config.call_timeout),
        };
        let span = tracing::debug_span!(
            "videogen.call",
            operation = operation.id(),
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        // A plain function returning the wrapper, not an `async fn`: one
        // layer less for the result to be moved through.
        InCall::new(span.clone(), self.attempts(call, send, span))
    }

    /// The retry loop of [`call`](Self::call), polled inside [`InCall`];
    /// `span` receives each attempt's outcome.
    async fn attempts<T: serde::de::DeserializeOwned, F: Future<Output = GeneratedResult<T>>>(
        &self,
        call: Call,
        send: impl Fn() -> F,
        span: tracing::Span,
    ) -> Result<T, Error> {
        let config = &self.config;
        let Call {
            operation, deadline, ..
        } = call;
        let note = |attempt: u32, status: Option<StatusCode>, request_id: Option<&str>| {
            note_attempt(&span, attempt, status, request_id, call.started)
        };
        let mut retries_done = 0;
        loop {
            if !self.backoff.wait(operation, deadline).await {
                return Err(Error::Timeout {
                    kind: TimeoutKind::Call,
                    after: config.call_timeout,
                });
            }
            // The attempt's budget covers the response body too and never
            // reaches past the call's deadline. (A tokio timer: much
            // cheaper per call than reqwest's per-request timeout.)
            let budget = config
                .attempt_timeout
                .min(deadline.saturating_duration_since(Instant::now()));
            // Not boxed: the whole call already lives in one allocation (`call!`).
            // `Break`: a success status the spec does not list, to be read.
            let attempt = match tokio::time::timeout(budget, send()).await {
                Ok(Ok(value)) => {
                    note(retries_done + 1, Some(value.status()), None);
                    return Ok(value.into_inner());
                }
                Ok(Err(Generated::UnexpectedResponse(response))) if response.status().is_success() => {
                    ControlFlow::Break(Box::new(response))
                }
                Ok(Err(error)) => ControlFlow::Continue(Failure::Generated(Box::new(error))),
                Err(_elapsed) => ControlFlow::Continue(Failure::TimedOut),
            };
            // The undocumented success is read here, not in the match above:
            // an await there would keep the attempt's whole result (a
            // kilobyte and more) in every call's state.
            let failure = match attempt {
                ControlFlow::Continue(failure) => failure,
                ControlFlow::Break(response) => {
                    note(retries_done + 1, Some(response.status()), None);
                    // Boxed: a rare path whose body read would otherwise
                    // enlarge every call's state.
                    return Box::pin(other_success(*response)).await;
                }
            };
            let (outcome, wait) = {
                // Taken, not borrowed: the slot is left empty for the next
                // attempt (one cut off by its timeout never reaches `post`).
                let record = take_record();
                let (outcome, headers) = failure.outcome(&record);
                note(retries_done + 1, record.status, record.request_id.as_deref());
                let none = HeaderMap::new(); // allocates nothing
                let decision = outcome.map(|outcome| {
                    let headers = headers.unwrap_or(&none);
                    let (now, jitter) = (SystemTime::now(), fastrand::f64());
                    config
                        .retry
                        .decide(operation.idempotency(), outcome, headers, retries_done, now, jitter)
                });
                match decision {
                    Some(Decision::RetryAfter(wait)) if Instant::now() + wait < deadline => (outcome, wait),
                    // A retry that could not start before the deadline would
                    // only turn a real error into a timeout.
                    _ => return Err(self.convert_error(call, &record, failure)),
                }
            };
            if outcome == Some(Outcome::Status(StatusCode::TOO_MANY_REQUESTS)) {
                // Everyone calling this endpoint through this client waits too.
                self.backoff.hold(operation, wait);
            }
            tracing::debug!(attempt = retries_done + 1, ?outcome, ?wait, "retrying");
            tokio::time::sleep(wait).await;
            retries_done += 1;
        }
    }

    /// An attempt ran out of time: the call's deadline if that is what cut
    /// it short, else the per-attempt timeout.
    fn timeout_error(&self, deadline: Instant) -> Error {
        let config = &self.config;
        if Instant::now() + Duration::from_millis(1) >= deadline {
            Error::Timeout {
                kind: TimeoutKind::Call,
                after: config.call_timeout,
            }
        } else {
            Error::Timeout {
                kind: TimeoutKind::Attempt,
                after: config.attempt_timeout,
            }
        }
    }

    fn convert_error(&self, call: Call, record: &AttemptRecord, failure: Failure) -> Error {
        let error = match failure {
            Failure::Generated(error) => *error,
            Failure::TimedOut => return self.timeout_error(call.deadline),
        };
        let operation = call.operation.id();
        let retry_after = record
            .error_headers
            .as_ref()
            .and_then(|headers| crate::retry::hinted_wait(headers, SystemTime::now()));
        if let (Some(wait), Some(StatusCode::TOO_MANY_REQUESTS)) = (retry_after, record.status) {
            // A 429 the call gives up on (retries off, or no time left) still
            // holds back this endpoint for the client's other callers.
            self.backoff
                .hold(call.operation, wait.min(self.config.retry.longest_wait()));
        }
        let failure = |status: StatusCode, body: Option<ApiError>, raw: Option<String>| {
            let request_id = record.request_id.clone();
            Error::Api(Box::new(ApiFailure {
                status,
                body,
                request_id,
                operation,
                raw_snippet: raw,
                retry_after,
            }))
        };
        match error {
            Generated::ErrorResponse(value) => failure(value.status(), Some(value.into_inner()), None),
            Generated::InvalidResponsePayload(bytes, source) => {
                let status = record.status.unwrap_or(StatusCode::OK);
                let snippet = redact::snippet(&bytes, 200);
                if status.is_success() {
                    Error::Decode {
                        status,
                        snippet,
                        source,
                    }
                } else {
                    // An error page that is not the documented JSON (a gateway's
                    // HTML 502): the status is the signal, the body a hint.
                    failure(status, None, Some(snippet))
                }
            }
            Generated::UnexpectedResponse(response) => failure(response.status(), None, None),
            Generated::CommunicationError(e) | Generated::ResponseBodyError(e) | Generated::InvalidUpgrade(e) => {
                if e.is_timeout() {
                    self.timeout_error(call.deadline)
                } else {
                    Error::transport(&format!("{operation} request"), e)
                }
            }
            Generated::InvalidRequest(message) | Generated::Custom(message) => Error::invalid_input(message),
        }
    }
}

/// A success status the spec does not list for the operation (a 200 where
/// it documents 202, say). The server did act, so the answer is read rather
/// than reported as an error: a start's job id must not be lost, or a caller
/// would start the (paid) job again.
async fn other_success<T: serde::de::DeserializeOwned>(response: reqwest::Response) -> Result<T, Error> {
    let status = response.status();
    let bytes = response
        .bytes()
        .await
        .map_err(|e| Error::transport("reading a response body", e))?;
    // An empty body reads as `null`, which is what `()` (a 204 operation) takes.
    let body: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        &bytes
    };
    serde_json::from_slice(body).map_err(|source| Error::Decode {
        status,
        snippet: redact::snippet(&bytes, 200),
        source,
    })
}

/// How an attempt failed: as the generated client reports it, or cut off by
/// the attempt's timeout.
enum Failure {
    /// Boxed: failures are the rare path, and the error is large.
    Generated(Box<Generated<ApiError>>),
    TimedOut,
}

impl Failure {
    /// What the attempt came to for the retry policy (`None`: never retry),
    /// and the response headers that may carry a wait.
    fn outcome<'a>(&'a self, record: &'a AttemptRecord) -> (Option<Outcome>, Option<&'a HeaderMap>) {
        let error = match self {
            Failure::TimedOut => return (Some(Outcome::TimedOut), None),
            Failure::Generated(error) => error,
        };
        match &**error {
            Generated::ErrorResponse(value) => (Some(Outcome::Status(value.status())), Some(value.headers())),
            Generated::UnexpectedResponse(response) => {
                (Some(Outcome::Status(response.status())), Some(response.headers()))
            }
            Generated::InvalidResponsePayload(..) => {
                (record.status.map(Outcome::Status), record.error_headers.as_deref())
            }
            Generated::CommunicationError(e) if e.is_connect() => (Some(Outcome::ConnectFailed), None),
            Generated::CommunicationError(e) | Generated::ResponseBodyError(e) if e.is_timeout() => {
                (Some(Outcome::TimedOut), None)
            }
            Generated::CommunicationError(_) | Generated::ResponseBodyError(_) => (Some(Outcome::Interrupted), None),
            Generated::InvalidUpgrade(_) | Generated::InvalidRequest(_) | Generated::Custom(_) => (None, None),
        }
    }
}

/// Records an attempt on the call's span (when anything listens) and as a
/// trace event.
fn note_attempt(
    span: &tracing::Span,
    attempts: u32,
    status: Option<StatusCode>,
    request_id: Option<&str>,
    started: Instant,
) {
    if !span.is_disabled() {
        span.record("attempts", attempts);
        span.record("elapsed_ms", started.elapsed().as_millis() as u64);
        if let Some(status) = status {
            span.record("status", status.as_u16());
        }
        if let Some(id) = request_id {
            span.record("request_id", id);
        }
    }
    tracing::trace!(
        attempt = attempts,
        status = status.map(|s| s.as_u16()),
        "attempt finished"
    );
}

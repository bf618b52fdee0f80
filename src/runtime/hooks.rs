//! The seam between the generated client and ours: `ClientHooks`.
//!
//! One generated client serves every call of a `Client`: its inner value
//! ([`RequestHeaders`]) holds only what every request carries. `pre` sets
//! auth and the user agent; `post` records what the attempt saw (status,
//! request id, headers of error responses) in the current call's record
//! (`in_call.rs`), which the retry loop and the error mapping in `call.rs`
//! read when the generated client reports only a decode failure.

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::{Duration, Instant},
};

use http::{header, HeaderMap, HeaderValue, StatusCode};
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};

use crate::{generated, operation::Operation};

/// A constant name: removing by `&str` would parse and hash the name on every call.
const API_VERSION: header::HeaderName = header::HeaderName::from_static("api-version");

/// The generated client's inner value: the headers every request carries.
#[derive(Clone)]
pub struct RequestHeaders {
    /// `Bearer <key>`, marked sensitive.
    pub(crate) auth: HeaderValue,
    pub(crate) user_agent: HeaderValue,
}

impl std::fmt::Debug for RequestHeaders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestHeaders")
            .field("authorization", &"<redacted>")
            .field("user_agent", &self.user_agent)
            .finish()
    }
}

/// What the last attempt of a call received.
#[derive(Default, Debug)]
pub(crate) struct AttemptRecord {
    pub(crate) status: Option<StatusCode>,
    /// `x-request-id` of an error response (not kept for successes).
    pub(crate) request_id: Option<String>,
    /// Headers of an error response, for `Retry-After` when its body is not
    /// JSON. Boxed: every call carries a record, few an error.
    pub(crate) error_headers: Option<Box<HeaderMap>>,
}

impl ClientHooks<RequestHeaders> for generated::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let common = self.inner();
        let headers = request.headers_mut();
        // progenitor sends `api-version: <info.version>`; VideoGen defines no such header.
        headers.remove(API_VERSION);
        headers.insert(header::AUTHORIZATION, common.auth.clone());
        headers.insert(header::USER_AGENT, common.user_agent.clone());
        Ok(())
    }

    async fn post<E>(
        &self,
        result: &reqwest::Result<reqwest::Response>,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let mut seen = AttemptRecord::default();
        if let Ok(response) = result {
            seen.status = Some(response.status());
            if !response.status().is_success() {
                let headers = response.headers();
                seen.request_id = headers
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                seen.error_headers = Some(Box::new(headers.clone()));
            }
        }
        // Per call, not state in the generated client: one client (built
        // once) serves every call, and nothing per call needs a lock.
        super::in_call::set_record(seen);
        Ok(())
    }
}

/// Client-wide "not before" times per operation, set by 429 responses, so a
/// batch of concurrent calls slows down together instead of each hammering
/// the limit on its own. Atomics, not a lock: every call reads its slot, and
/// with many calls in flight a shared lock would be contended.
pub(crate) struct Backoff {
    /// What the hold times count from.
    epoch: Instant,
    /// Per operation: the end of its hold, in nanoseconds after `epoch` (0: none).
    until: [AtomicU64; Operation::COUNT],
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            epoch: Instant::now(),
            until: std::array::from_fn(|_| AtomicU64::new(0)),
        }
    }
}

impl Backoff {
    pub(crate) fn hold(&self, operation: Operation, wait: Duration) {
        let until = (Instant::now() + wait).saturating_duration_since(self.epoch);
        let nanos = u64::try_from(until.as_nanos()).unwrap_or(u64::MAX).max(1);
        // Only ever lengthens a hold: a shorter Retry-After must not cut one short.
        self.until[operation as usize].fetch_max(nanos, Ordering::Relaxed);
    }

    /// Waits out a hold on `operation`; false when the hold outlasts `deadline`.
    pub(crate) async fn wait(&self, operation: Operation, deadline: Instant) -> bool {
        let nanos = self.until[operation as usize].load(Ordering::Relaxed);
        if nanos == 0 {
            return true;
        }
        let until = self.epoch + Duration::from_nanos(nanos);
        if until >= deadline {
            return false;
        }
        if until > Instant::now() {
            tokio::time::sleep_until(until.into()).await;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OP: Operation = Operation::HydrateFile;

    #[test]
    fn the_hooks_state_never_shows_the_key() {
        let client = crate::Client::builder()
            .api_key("sk_live_hidden")
            .user_agent("probe/1")
            .build()
            .unwrap();
        let shown = format!("{:?}", client.runtime.generated.inner);
        assert!(shown.contains("probe/1"), "{shown}");
        assert!(!shown.contains("sk_live_hidden"), "{shown}");
    }

    #[tokio::test]
    async fn no_hold_lets_a_call_through_at_once() {
        let backoff = Backoff::default();
        let started = Instant::now();
        assert!(backoff.wait(OP, started + Duration::from_secs(1)).await);
        assert!(started.elapsed() < Duration::from_millis(500));
    }

    #[tokio::test]
    async fn a_hold_past_the_deadline_refuses_and_a_shorter_one_never_shortens_it() {
        let backoff = Backoff::default();
        backoff.hold(OP, Duration::from_secs(10));
        backoff.hold(OP, Duration::from_millis(1));
        assert!(!backoff.wait(OP, Instant::now() + Duration::from_secs(5)).await);
        // Other operations are not held.
        assert!(
            backoff
                .wait(Operation::GetFile, Instant::now() + Duration::from_secs(5))
                .await
        );
    }

    #[tokio::test]
    async fn a_short_hold_is_waited_out() {
        let backoff = Backoff::default();
        backoff.hold(OP, Duration::from_millis(60));
        let started = Instant::now();
        assert!(backoff.wait(OP, started + Duration::from_secs(5)).await);
        assert!(
            started.elapsed() >= Duration::from_millis(40),
            "{:?}",
            started.elapsed()
        );
    }
}

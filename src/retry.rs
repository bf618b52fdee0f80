//! When to try a call again: a pure function of what happened, so every rule
//! is a unit test away.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};

/// Whether repeating an operation can do harm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Idempotency {
    /// Repeating it leaves the same state (hydrate, get, archive, list, ...).
    Idempotent,
    /// Each success creates something (create_upload): repeat only when the
    /// server cannot have acted.
    CreatesResource,
}

/// What one attempt came to, as far as retrying is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// A complete response with this status.
    Status(StatusCode),
    /// The connection could not be made: nothing reached the server.
    ConnectFailed,
    /// The request was sent but no complete response came back in time.
    TimedOut,
    /// The connection broke after the request was sent (mid-body, reset).
    Interrupted,
}

/// The verdict of [`RetryPolicy::decide`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Wait this long, then try again.
    RetryAfter(Duration),
    /// Return the outcome to the caller.
    GiveUp,
}

/// How failed attempts are retried.
///
/// Retried: 408, 429, 500, 502, 503, 504, connection failures, and (for
/// idempotent operations) timeouts and connections cut mid-response. Never
/// retried: any other status, 400/401/403/404/409/422 included. The wait is
/// `Retry-After` (seconds or HTTP date), else `X-RateLimit-Reset` (Unix
/// seconds), else exponential backoff with jitter; always at most
/// [`max_wait`](RetryPolicy::max_wait).
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_wait: Duration,
}

impl Default for RetryPolicy {
    /// Three retries (four attempts): enough to ride out a deploy blip or a
    /// short rate-limit window, while a dead endpoint still fails within seconds.
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(10),
            max_wait: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn disabled() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// How many times a failed attempt is retried. This counts retries, not
    /// attempts: `3` means at most four requests.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The first backoff delay (doubled for each further retry).
    pub fn initial_backoff(mut self, delay: Duration) -> Self {
        self.initial_backoff = delay;
        self
    }

    /// The largest backoff delay when the server gave no hint.
    pub fn max_backoff(mut self, delay: Duration) -> Self {
        self.max_backoff = delay;
        self
    }

    /// The longest the client waits before a retry, whatever the server asks
    /// for in `Retry-After` or `X-RateLimit-Reset`. Default 60 s.
    pub fn max_wait(mut self, wait: Duration) -> Self {
        self.max_wait = wait;
        self
    }

    /// The cap on any wait, hinted by the server or not.
    pub(crate) fn longest_wait(&self) -> Duration {
        self.max_wait
    }

    /// The configured number of retries.
    pub fn retries(&self) -> u32 {
        self.max_retries
    }

    /// Decides whether to retry after the attempt that just ended.
    ///
    /// `retries_done` is how many retries already happened (0 after the first
    /// attempt), `now` is the wall clock used for HTTP-date and reset headers,
    /// and `jitter` is a number in `[0, 1)` that spreads backoff delays.
    pub fn decide(
        &self,
        idempotency: Idempotency,
        outcome: Outcome,
        headers: &HeaderMap,
        retries_done: u32,
        now: SystemTime,
        jitter: f64,
    ) -> Decision {
        if retries_done >= self.max_retries {
            return Decision::GiveUp;
        }
        let retry = match (outcome, idempotency) {
            (Outcome::ConnectFailed, _) => true,
            (Outcome::TimedOut | Outcome::Interrupted, Idempotency::Idempotent) => true,
            (Outcome::TimedOut | Outcome::Interrupted, Idempotency::CreatesResource) => false,
            (Outcome::Status(status), Idempotency::Idempotent) => is_retryable_status(status),
            // The server refused before acting: a rate limit, or an outage it
            // announced with a time to come back.
            (Outcome::Status(status), Idempotency::CreatesResource) => {
                status == StatusCode::TOO_MANY_REQUESTS
                    || (status == StatusCode::SERVICE_UNAVAILABLE && headers.contains_key(http::header::RETRY_AFTER))
            }
        };
        if !retry {
            return Decision::GiveUp;
        }
        let hinted = hinted_wait(headers, now);
        let wait = hinted.unwrap_or_else(|| self.backoff(retries_done, jitter));
        Decision::RetryAfter(wait.min(self.max_wait))
    }

    /// Exponential backoff with "equal jitter": half fixed, half random, so
    /// clients spread out but never retry instantly.
    fn backoff(&self, retries_done: u32, jitter: f64) -> Duration {
        let exp = self.initial_backoff.saturating_mul(1u32 << retries_done.min(20));
        let capped = exp.min(self.max_backoff);
        capped / 2 + capped.mul_f64(jitter.clamp(0.0, 1.0) / 2.0)
    }
}

/// Statuses worth another try: the server may answer differently later.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

/// The wait a response asks for: `Retry-After`, else `X-RateLimit-Reset`.
pub(crate) fn hinted_wait(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    retry_after(headers, now).or_else(|| rate_limit_reset(headers, now))
}

/// `Retry-After` as a delay: delta-seconds or an HTTP date. Unparseable values
/// are ignored rather than trusted.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(http::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// `X-RateLimit-Reset` (Unix seconds, possibly fractional) as a delay.
fn rate_limit_reset(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get("x-ratelimit-reset")?.to_str().ok()?.trim();
    let seconds: f64 = value.parse().ok().filter(|s: &f64| s.is_finite() && *s >= 0.0)?;
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs_f64(seconds);
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;
    use Decision::*;
    use Idempotency::*;

    const NOW_SECS: u64 = 1_700_000_000;

    fn now() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(NOW_SECS)
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn decide(kind: Idempotency, outcome: Outcome, h: &HeaderMap, done: u32) -> Decision {
        RetryPolicy::default().decide(kind, outcome, h, done, now(), 0.5)
    }

    fn status(code: u16) -> Outcome {
        Outcome::Status(StatusCode::from_u16(code).unwrap())
    }

    #[test]
    fn retryable_statuses_are_retried_for_idempotent_operations() {
        for code in [408, 429, 500, 502, 503, 504] {
            assert!(
                matches!(decide(Idempotent, status(code), &HeaderMap::new(), 0), RetryAfter(_)),
                "{code}"
            );
        }
    }

    #[test]
    fn client_errors_and_successes_are_never_retried() {
        for code in [200, 201, 301, 400, 401, 403, 404, 409, 422, 501, 505] {
            assert_eq!(decide(Idempotent, status(code), &HeaderMap::new(), 0), GiveUp, "{code}");
            assert_eq!(
                decide(CreatesResource, status(code), &HeaderMap::new(), 0),
                GiveUp,
                "{code}"
            );
        }
    }

    #[test]
    fn create_upload_retries_only_where_the_server_cannot_have_acted() {
        let none = HeaderMap::new();
        let announced = headers(&[("retry-after", "2")]);
        assert_eq!(
            decide(CreatesResource, status(429), &none, 0),
            RetryAfter(Duration::from_micros(187_500))
        );
        assert_eq!(
            decide(CreatesResource, status(503), &announced, 0),
            RetryAfter(Duration::from_secs(2))
        );
        assert!(matches!(
            decide(CreatesResource, Outcome::ConnectFailed, &none, 0),
            RetryAfter(_)
        ));
        for outcome in [status(500), status(502), status(503), status(504), status(408)] {
            assert_eq!(decide(CreatesResource, outcome, &none, 0), GiveUp, "{outcome:?}");
        }
        assert_eq!(decide(CreatesResource, Outcome::TimedOut, &none, 0), GiveUp);
        assert_eq!(decide(CreatesResource, Outcome::Interrupted, &none, 0), GiveUp);
    }

    #[test]
    fn transport_outcomes_are_retried_for_idempotent_operations() {
        for outcome in [Outcome::ConnectFailed, Outcome::TimedOut, Outcome::Interrupted] {
            assert!(matches!(
                decide(Idempotent, outcome, &HeaderMap::new(), 0),
                RetryAfter(_)
            ));
        }
    }

    #[test]
    fn retry_after_seconds_and_http_date_are_honoured() {
        let secs = headers(&[("retry-after", "7")]);
        assert_eq!(
            decide(Idempotent, status(429), &secs, 0),
            RetryAfter(Duration::from_secs(7))
        );
        let date = httpdate::fmt_http_date(now() + Duration::from_secs(12));
        let dated = headers(&[("retry-after", &date)]);
        assert_eq!(
            decide(Idempotent, status(503), &dated, 0),
            RetryAfter(Duration::from_secs(12))
        );
        let past = httpdate::fmt_http_date(now() - Duration::from_secs(30));
        assert_eq!(
            decide(Idempotent, status(503), &headers(&[("retry-after", &past)]), 0),
            RetryAfter(Duration::ZERO)
        );
    }

    #[test]
    fn rate_limit_reset_is_used_when_retry_after_is_absent_or_unparseable() {
        let reset = (NOW_SECS + 9).to_string();
        let h = headers(&[("x-ratelimit-reset", &reset)]);
        assert_eq!(
            decide(Idempotent, status(429), &h, 0),
            RetryAfter(Duration::from_secs(9))
        );
        let h = headers(&[("retry-after", "soon-ish"), ("x-ratelimit-reset", &reset)]);
        assert_eq!(
            decide(Idempotent, status(429), &h, 0),
            RetryAfter(Duration::from_secs(9))
        );
        let h = headers(&[("retry-after", "3"), ("x-ratelimit-reset", &reset)]);
        assert_eq!(
            decide(Idempotent, status(429), &h, 0),
            RetryAfter(Duration::from_secs(3))
        );
    }

    #[test]
    fn unparseable_hints_fall_back_to_backoff() {
        let h = headers(&[("retry-after", "-5"), ("x-ratelimit-reset", "never")]);
        assert_eq!(
            decide(Idempotent, status(429), &h, 0),
            RetryAfter(Duration::from_micros(187_500))
        );
    }

    #[test]
    fn longest_wait_is_the_max_wait_setting() {
        assert_eq!(RetryPolicy::default().longest_wait(), Duration::from_secs(60));
        let short = RetryPolicy::default().max_wait(Duration::from_secs(5));
        assert_eq!(short.longest_wait(), Duration::from_secs(5));
    }

    #[test]
    fn server_hints_are_capped_at_max_wait() {
        let h = headers(&[("retry-after", "3600")]);
        assert_eq!(
            decide(Idempotent, status(429), &h, 0),
            RetryAfter(Duration::from_secs(60))
        );
        let policy = RetryPolicy::default().max_wait(Duration::from_secs(5));
        assert_eq!(
            policy.decide(Idempotent, status(429), &h, 0, now(), 0.0),
            RetryAfter(Duration::from_secs(5))
        );
    }

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        let p = RetryPolicy::default().max_retries(30);
        let none = HeaderMap::new();
        let delay = |done, jitter| match p.decide(Idempotent, status(503), &none, done, now(), jitter) {
            RetryAfter(d) => d,
            GiveUp => panic!("gave up"),
        };
        assert_eq!(delay(0, 0.0), Duration::from_millis(125));
        let high = delay(0, 0.999_999);
        assert!(
            high > Duration::from_millis(249) && high < Duration::from_millis(250),
            "{high:?}"
        );
        assert_eq!(delay(1, 0.0), Duration::from_millis(250));
        assert_eq!(delay(2, 0.0), Duration::from_millis(500));
        assert_eq!(delay(25, 1.0), Duration::from_secs(10));
    }

    #[test]
    fn a_negative_or_infinite_rate_limit_reset_falls_back_to_backoff() {
        for reset in ["-5", "-0.5", "inf", "-inf", "NaN", "1e400"] {
            let h = headers(&[("x-ratelimit-reset", reset)]);
            assert_eq!(
                decide(Idempotent, status(429), &h, 0),
                RetryAfter(Duration::from_micros(187_500)),
                "X-RateLimit-Reset: {reset}"
            );
        }
        let past = headers(&[("x-ratelimit-reset", "0")]);
        assert_eq!(decide(Idempotent, status(429), &past, 0), RetryAfter(Duration::ZERO));
        let fractional = headers(&[("x-ratelimit-reset", &format!("{NOW_SECS}.25"))]);
        assert_eq!(
            decide(Idempotent, status(429), &fractional, 0),
            RetryAfter(Duration::from_millis(250))
        );
    }

    #[test]
    fn every_builder_setting_takes_effect() {
        let none = HeaderMap::new();
        let delay = |p: &RetryPolicy, done, jitter| match p.decide(Idempotent, status(503), &none, done, now(), jitter)
        {
            RetryAfter(d) => d,
            GiveUp => panic!("gave up"),
        };
        let fast = RetryPolicy::default().initial_backoff(Duration::from_millis(10));
        assert_eq!(delay(&fast, 0, 0.0), Duration::from_millis(5));
        assert_eq!(delay(&fast, 2, 1.0), Duration::from_millis(40));
        let capped = RetryPolicy::default()
            .max_retries(20)
            .max_backoff(Duration::from_secs(1));
        assert_eq!(delay(&capped, 10, 1.0), Duration::from_secs(1));
        assert_eq!(delay(&capped, 10, 0.0), Duration::from_millis(500));
        let short = RetryPolicy::default().max_wait(Duration::from_millis(100));
        assert_eq!(delay(&short, 2, 1.0), Duration::from_millis(100));
        assert_eq!(RetryPolicy::default().retries(), 3);
        assert_eq!(RetryPolicy::default().max_retries(7).retries(), 7);
        assert_eq!(RetryPolicy::disabled().retries(), 0);
        assert_eq!(
            RetryPolicy::disabled().max_retries(2),
            RetryPolicy::default().max_retries(2),
            "disabled() changes nothing but the count"
        );
    }

    #[test]
    fn max_retries_counts_retries_not_attempts() {
        let p = RetryPolicy::default().max_retries(2);
        let none = HeaderMap::new();
        assert!(matches!(
            p.decide(Idempotent, status(503), &none, 0, now(), 0.5),
            RetryAfter(_)
        ));
        assert!(matches!(
            p.decide(Idempotent, status(503), &none, 1, now(), 0.5),
            RetryAfter(_)
        ));
        assert_eq!(p.decide(Idempotent, status(503), &none, 2, now(), 0.5), GiveUp);
        assert_eq!(
            RetryPolicy::disabled().decide(Idempotent, status(503), &none, 0, now(), 0.5),
            GiveUp
        );
    }
}

//! Scripted failures: per route or per file, in sequence or always, and a
//! per-key rate limit.

use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex, MutexGuard, PoisonError},
    time::{Duration, SystemTime},
};

use crate::route::Route;

/// One scripted outcome for one request.
///
/// Status faults answer with the documented `ApiError` JSON body (and an
/// `x-request-id`) before the API key is even looked at, as a gateway
/// would. Body faults ([`DropMidBody`](Fault::DropMidBody),
/// [`Truncate`](Fault::Truncate), ...) let the request through and break its
/// response: on the API routes and on downloads alike.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer normally (a placeholder inside a sequence).
    Pass,
    /// Answer with this status and an `ApiError` JSON body whose `code`
    /// suits the status (`service_unavailable` for 503, ...).
    Status(u16),
    /// 429 `rate_limited` with `Retry-After` in whole seconds (rounded up).
    RateLimited {
        /// What `Retry-After` says.
        retry_after: Duration,
    },
    /// 429 `rate_limited` with no `Retry-After` but `X-RateLimit-Reset`: the
    /// Unix second (by the fake's clock) when the limit lifts.
    RateLimitReset {
        /// How far after now the reset lies.
        reset_after: Duration,
    },
    /// 503 `service_unavailable` with `Retry-After` in whole seconds.
    Unavailable {
        /// What `Retry-After` says.
        retry_after: Duration,
    },
    /// A non-JSON error page (`text/html`) with this status, as a gateway sends.
    HtmlPage(u16),
    /// Wait this long (real time), then answer normally.
    Latency(Duration),
    /// Send the status, the headers (with the full `Content-Length`) and
    /// half of the body, then abort the connection.
    DropMidBody,
    /// Like [`DropMidBody`](Fault::DropMidBody), but after this many body bytes.
    DropAfter(u64),
    /// Announce the full `Content-Length`, send half of the body, and end
    /// the response there; the server closes the connection.
    Truncate,
    /// Send half of the body, go silent this long, then send the rest (for
    /// read timeouts).
    StallMidBody(Duration),
}

impl Fault {
    /// [`Fault::Status`].
    pub fn status(status: u16) -> Fault {
        Fault::Status(status)
    }

    /// [`Fault::RateLimited`].
    pub fn rate_limited(retry_after: Duration) -> Fault {
        Fault::RateLimited { retry_after }
    }

    /// [`Fault::Latency`].
    pub fn latency(delay: Duration) -> Fault {
        Fault::Latency(delay)
    }

    /// [`Fault::HtmlPage`].
    pub fn html(status: u16) -> Fault {
        Fault::HtmlPage(status)
    }
}

/// Where a rule applies.
#[derive(Clone, Debug, Default)]
struct Target {
    route: Option<Route>,
    file_id: Option<String>,
}

impl Target {
    fn matches(&self, route: Route, ids: &[String]) -> bool {
        self.route.is_none_or(|r| r == route) && self.file_id.as_deref().is_none_or(|id| ids.iter().any(|i| i == id))
    }
}

#[derive(Debug)]
struct Rule {
    target: Target,
    /// Outcomes still to hand out, in order.
    queue: VecDeque<Fault>,
    /// Handed out to every match once the queue is empty (`always` rules).
    forever: Option<Fault>,
}

#[derive(Debug, Clone, Copy)]
struct RateLimit {
    requests: u32,
    window: Duration,
}

/// The shared fault state.
#[derive(Debug, Default)]
pub(crate) struct FaultState {
    rules: Vec<Rule>,
    rate_limit: Option<RateLimit>,
    /// Per key: when its window started and how many requests it has seen.
    windows: HashMap<String, (SystemTime, u32)>,
}

impl FaultState {
    /// The fault for this request, if any. Sequences come first (oldest
    /// rule first); `always` rules apply only when no sequence matches.
    pub fn next(&mut self, route: Route, ids: &[String]) -> Option<Fault> {
        if let Some(index) = self
            .rules
            .iter()
            .position(|r| !r.queue.is_empty() && r.target.matches(route, ids))
        {
            let rule = &mut self.rules[index];
            let fault = rule.queue.pop_front();
            if rule.queue.is_empty() && rule.forever.is_none() {
                self.rules.remove(index);
            }
            return fault;
        }
        self.rules
            .iter()
            .filter(|r| r.target.matches(route, ids))
            .find_map(|r| r.forever.clone())
    }

    /// Counts a request of `key` against the rate limit; `Some(wait)` when
    /// it is over the limit, with the time until the window resets.
    pub fn check_rate(&mut self, key: &str, now: SystemTime) -> Option<Duration> {
        let limit = self.rate_limit?;
        let (start, count) = self.windows.entry(key.to_owned()).or_insert((now, 0));
        let elapsed = now.duration_since(*start).unwrap_or_default();
        if elapsed >= limit.window {
            *start = now;
            *count = 0;
        }
        *count += 1;
        (*count > limit.requests).then(|| {
            limit
                .window
                .saturating_sub(now.duration_since(*start).unwrap_or_default())
        })
    }
}

/// Scripts failures. Get one from [`FakeVideoGen::faults`](crate::FakeVideoGen::faults).
///
/// ```no_run
/// # async fn run() {
/// use std::time::Duration;
/// use videogen_fake::{FakeVideoGen, Fault, Route};
/// let fake = FakeVideoGen::start().await;
/// // The next two hydrations of this file fail with 503, then all is well.
/// fake.faults().on(Route::HydrateFile).for_file("vg_file_x").sequence([Fault::status(503), Fault::status(503)]);
/// // Every request, on every route, takes 5 ms longer.
/// fake.faults().on_any().always(Fault::latency(Duration::from_millis(5)));
/// // At most 100 API requests per key per minute; then 429 with Retry-After.
/// fake.faults().rate_limit(100, Duration::from_secs(60));
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Faults {
    pub(crate) state: Arc<Mutex<FaultState>>,
}

impl Faults {
    pub(crate) fn lock(&self) -> MutexGuard<'_, FaultState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts a rule for one route (a [`Route`] or a [`videogen::Operation`]).
    pub fn on(&self, route: impl Into<Route>) -> FaultRule {
        FaultRule {
            faults: self.clone(),
            target: Target {
                route: Some(route.into()),
                file_id: None,
            },
        }
    }

    /// Starts a rule for every route, API and URLs alike.
    pub fn on_any(&self) -> FaultRule {
        FaultRule {
            faults: self.clone(),
            target: Target::default(),
        }
    }

    /// Limits every API key to `requests` API requests per `window` (by the
    /// fake's clock). Requests over the limit get 429 `rate_limited` with
    /// `Retry-After`: the whole seconds until the key's window resets.
    /// Signed download and upload URLs are not limited.
    pub fn rate_limit(&self, requests: u32, window: Duration) {
        let mut state = self.lock();
        state.rate_limit = Some(RateLimit { requests, window });
        state.windows.clear();
    }

    /// Removes the rate limit.
    pub fn clear_rate_limit(&self) {
        let mut state = self.lock();
        state.rate_limit = None;
        state.windows.clear();
    }

    /// Removes every rule (not the rate limit).
    pub fn clear(&self) {
        self.lock().rules.clear();
    }

    /// How many scripted outcomes are still waiting in sequences: 0 once
    /// every sequence has been used up.
    pub fn pending(&self) -> usize {
        self.lock().rules.iter().map(|r| r.queue.len()).sum()
    }
}

/// A rule being built: pick the target, then install it with
/// [`sequence`](Self::sequence), [`once`](Self::once),
/// [`times`](Self::times) or [`always`](Self::always).
#[derive(Debug)]
#[must_use = "a fault rule does nothing until installed with sequence, once, times or always"]
pub struct FaultRule {
    faults: Faults,
    target: Target,
}

impl FaultRule {
    /// Only requests about this file id (API operations on it, and its
    /// download, upload and public URLs).
    pub fn for_file(mut self, file_id: impl Into<String>) -> Self {
        self.target.file_id = Some(file_id.into());
        self
    }

    /// Only requests whose path names this id: a tool execution, workflow
    /// run, project, export, entity, endpoint or file id.
    pub fn for_id(self, id: impl Into<String>) -> Self {
        self.for_file(id)
    }

    /// The next matching requests get these outcomes, one each, in order;
    /// later ones are answered normally.
    pub fn sequence(self, faults: impl IntoIterator<Item = Fault>) {
        self.install(faults.into_iter().collect(), None);
    }

    /// The next matching request gets `fault`.
    pub fn once(self, fault: Fault) {
        self.times(1, fault);
    }

    /// The next `n` matching requests get `fault`.
    pub fn times(self, n: usize, fault: Fault) {
        self.install(std::iter::repeat_n(fault, n).collect(), None);
    }

    /// Every matching request gets `fault` (when no sequence applies) until
    /// [`Faults::clear`].
    pub fn always(self, fault: Fault) {
        self.install(VecDeque::new(), Some(fault));
    }

    fn install(self, queue: VecDeque<Fault>, forever: Option<Fault>) {
        if queue.is_empty() && forever.is_none() {
            return;
        }
        self.faults.lock().rules.push(Rule {
            target: self.target,
            queue,
            forever,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn faults() -> Faults {
        Faults { state: Arc::default() }
    }

    #[test]
    fn sequences_run_out_and_take_priority_over_always_rules() {
        let faults = faults();
        faults.on_any().always(Fault::Latency(Duration::from_millis(1)));
        faults
            .on(Route::HydrateFile)
            .for_file("a")
            .sequence([Fault::Status(503), Fault::Pass]);
        let mut state = faults.lock();
        assert_eq!(
            state.next(Route::HydrateFile, &["b".to_owned()]),
            Some(Fault::Latency(Duration::from_millis(1)))
        );
        assert_eq!(
            state.next(Route::HydrateFile, &["a".to_owned()]),
            Some(Fault::Status(503))
        );
        assert_eq!(state.next(Route::HydrateFile, &["a".to_owned()]), Some(Fault::Pass));
        assert_eq!(
            state.next(Route::HydrateFile, &["a".to_owned()]),
            Some(Fault::Latency(Duration::from_millis(1)))
        );
        drop(state);
        assert_eq!(faults.pending(), 0);
        faults.clear();
        assert_eq!(faults.lock().next(Route::GetFile, &[]), None);
    }

    #[test]
    fn the_rate_limit_counts_per_key_and_window() {
        let faults = faults();
        faults.rate_limit(2, Duration::from_secs(60));
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let mut state = faults.lock();
        assert_eq!(state.check_rate("k", t0), None);
        assert_eq!(state.check_rate("k", t0 + Duration::from_secs(1)), None);
        assert_eq!(
            state.check_rate("k", t0 + Duration::from_secs(10)),
            Some(Duration::from_secs(50))
        );
        assert_eq!(state.check_rate("other", t0 + Duration::from_secs(10)), None);
        assert_eq!(
            state.check_rate("k", t0 + Duration::from_secs(60)),
            None,
            "a new window"
        );
    }
}

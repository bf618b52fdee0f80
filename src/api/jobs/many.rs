//! Waiting for many jobs of one client at once: instead of one GET per job
//! per interval, sweep the paged list endpoint (newest first, 200 a page)
//! and fall back to per-job GETs only for jobs the pages did not reach.

use std::{
    collections::{HashMap, VecDeque},
    pin::Pin,
    task::{Context, Poll},
    time::{Duration, Instant},
};

use std::sync::Arc;

use futures_util::{stream, Stream, StreamExt};
use tokio::sync::Notify;

use super::wait::{jittered, pause_after_error, Pollable, Polled, DEFAULT_WAIT_TIMEOUT};
use crate::{
    runtime::{
        paging::{ListRequest, Paged},
        wakers::Registration,
        Runtime,
    },
    Error, TimeoutKind,
};

/// A job kind whose jobs also appear in a paged list.
pub trait Listed: Pollable {
    /// The list's query.
    #[doc(hidden)]
    type Query: Paged<Item = Self::Output>;
    /// The id of a listed item.
    #[doc(hidden)]
    fn item_id(item: &Self::Output) -> &str;
    /// Where a listed item stands.
    #[doc(hidden)]
    fn classify(item: Self::Output) -> Polled<Self::Output>;
}

/// With this many jobs or fewer, per-job GETs cost no more than a sweep.
const SWEEP_FROM: usize = 4;
/// Most pages one sweep reads beyond what the waiting jobs could fill.
const EXTRA_PAGES: usize = 2;
const PAGE: u32 = 200;
/// Per-job GETs in flight at once.
const CONCURRENT_GETS: usize = 16;

type Item<J> = (String, Result<<J as Pollable>::Output, Error>);

/// A stream of `(id, result)`, one per job, in the order the jobs end. Set
/// options before polling it.
#[must_use = "streams do nothing unless polled"]
pub struct WaitMany<J: Listed> {
    config: Option<(Runtime, Vec<J>, Duration, Duration)>,
    inner: Option<Pin<Box<dyn Stream<Item = Item<J>> + Send>>>,
}

impl<J: Listed> WaitMany<J> {
    pub(crate) fn new(runtime: Runtime, jobs: Vec<J>) -> Self {
        WaitMany {
            config: Some((
                runtime.clone(),
                jobs,
                runtime.config.poll_interval,
                DEFAULT_WAIT_TIMEOUT,
            )),
            inner: None,
        }
    }

    /// Time between sweeps; default 1.5 s, jittered by ±10%.
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        if let Some(config) = self.config.as_mut() {
            config.2 = interval;
        }
        self
    }

    /// Longest wait; jobs still going then end with `TimeoutKind::Wait`. Default 1 hour.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        if let Some(config) = self.config.as_mut() {
            config.3 = timeout;
        }
        self
    }
}

// Nothing in it is pinned in place: the inner stream is boxed.
impl<J: Listed> Unpin for WaitMany<J> {}

impl<J: Listed> Stream for WaitMany<J> {
    type Item = Item<J>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if let Some((runtime, jobs, interval, timeout)) = this.config.take() {
            this.inner = Some(Box::pin(run(runtime, jobs, interval, timeout)));
        }
        match this.inner.as_mut() {
            Some(inner) => inner.poll_next_unpin(cx),
            None => Poll::Ready(None),
        }
    }
}

struct State<J: Listed> {
    runtime: Runtime,
    wake: Arc<Notify>,
    /// A delivered webhook for any waiting job starts the next round at once.
    _registered: Registration,
    pending: HashMap<String, J>,
    ready: VecDeque<Item<J>>,
    interval: Duration,
    timeout: Duration,
    deadline: Instant,
    first: bool,
    /// Set by a round whose requests failed: how long to pause before the
    /// next (at least the interval; longer when the server asked).
    pause: Option<Duration>,
}

fn run<J: Listed>(
    runtime: Runtime,
    jobs: Vec<J>,
    interval: Duration,
    timeout: Duration,
) -> impl Stream<Item = Item<J>> {
    let mut pending = HashMap::new();
    for job in jobs {
        // The same id twice resolves once.
        pending.entry(job.job_id().to_owned()).or_insert(job);
    }
    let wake = Arc::new(Notify::new());
    let _registered = runtime.register_wait(pending.keys().cloned().collect(), wake.clone());
    let state = State {
        runtime,
        wake,
        _registered,
        pending,
        ready: VecDeque::new(),
        interval,
        timeout,
        deadline: Instant::now() + crate::runtime::bounded(timeout),
        first: true,
        pause: None,
    };
    stream::unfold(state, |mut state| async move {
        loop {
            if let Some(item) = state.ready.pop_front() {
                return Some((item, state));
            }
            if state.pending.is_empty() {
                return None;
            }
            if !state.first {
                let left = state.deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    for (id, _) in state.pending.drain() {
                        let after = state.timeout;
                        state.ready.push_back((
                            id,
                            Err(Error::Timeout {
                                kind: TimeoutKind::Wait,
                                after,
                            }),
                        ));
                    }
                    continue;
                }
                let pause = state.pause.take().unwrap_or_else(|| jittered(state.interval));
                tokio::select! {
                    _ = tokio::time::sleep(pause.min(left)) => {}
                    _ = state.wake.notified() => {}
                }
            }
            state.first = false;
            round(&mut state).await;
        }
    })
}

impl<J: Listed> State<J> {
    /// A request of this round failed but may work later: the next round
    /// waits as long as the longest pause any failure asks for.
    fn note_failure(&mut self, error: &Error) {
        let pause = pause_after_error(&self.runtime, error, self.interval);
        self.pause = Some(self.pause.map_or(pause, |p| p.max(pause)));
    }
}

/// One look at every waiting job: a sweep of the list when it pays, then
/// GETs for the jobs the sweep did not see.
async fn round<J: Listed>(state: &mut State<J>) {
    let mut unseen: Vec<String> = state.pending.keys().cloned().collect();
    if state.pending.len() >= SWEEP_FROM {
        match sweep(state).await {
            Ok(seen) => unseen.retain(|id| !seen.contains(id) && state.pending.contains_key(id)),
            // A rate limit or outage: look again next round, not with N GETs now.
            Err(error) if error.is_retryable() => {
                state.note_failure(&error);
                return;
            }
            Err(_) => {}
        }
    }
    let jobs: Vec<J> = unseen.iter().filter_map(|id| state.pending.get(id).cloned()).collect();
    let mut polls = stream::iter(jobs)
        .map(|job| async move { (job.job_id().to_owned(), job.poll_once().await) })
        .buffer_unordered(CONCURRENT_GETS);
    while let Some((id, polled)) = polls.next().await {
        match polled {
            Ok(Polled::Running(_)) => {}
            Err(error) if error.is_retryable() => state.note_failure(&error),
            other => {
                state.pending.remove(&id);
                state.ready.push_back((id, finish(other)));
            }
        }
    }
}

/// Reads list pages until every waiting job was seen or the pages run out.
/// Returns the ids seen still running; ended ones go to `ready`.
async fn sweep<J: Listed>(state: &mut State<J>) -> Result<Vec<String>, Error> {
    let mut seen = Vec::new();
    let most_pages = state.pending.len().div_ceil(PAGE as usize) + EXTRA_PAGES;
    let mut cursor: Option<String> = None;
    for _ in 0..most_pages {
        let mut request = ListRequest::<J::Query>::new(state.runtime.clone()).limit(PAGE);
        if let Some(cursor) = cursor.take() {
            request = request.cursor(cursor);
        }
        let (items, has_more, next) = J::Query::into_parts(request.send().await?);
        for item in items {
            let id = J::item_id(&item).to_owned();
            if !state.pending.contains_key(&id) {
                continue;
            }
            match J::classify(item) {
                Polled::Running(_) => seen.push(id),
                ended => {
                    state.pending.remove(&id);
                    state.ready.push_back((id, finish(Ok(ended))));
                }
            }
        }
        if seen.len() == state.pending.len() || !has_more {
            break;
        }
        match next.filter(|c| !c.is_empty()) {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    Ok(seen)
}

fn finish<T>(polled: Result<Polled<T>, Error>) -> Result<T, Error> {
    match polled? {
        Polled::Done(output) => Ok(output),
        Polled::Failed(failure) => Err(Error::JobFailed(Box::new(failure))),
        // Never passed in: only ended jobs are finished.
        Polled::Running(_) => Err(Error::Protocol {
            message: "a job was reported as ended while still running".into(),
        }),
    }
}

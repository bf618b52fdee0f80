//! Waiting for a job to end: poll at an interval (jittered), ride out
//! transient errors, report progress when it changes, give up at a deadline.

use std::{
    future::{Future, IntoFuture},
    sync::Arc,
    time::{Duration, Instant},
};

use tokio::sync::Notify;

use crate::{api::BoxFuture, runtime::Runtime, Error, JobFailure, TimeoutKind};

/// Default time between polls.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_millis(1500);
/// Default longest wait.
pub const DEFAULT_WAIT_TIMEOUT: Duration = Duration::from_secs(3600);

/// Where a job stands after one poll.
#[doc(hidden)]
pub enum Polled<T> {
    /// Still going, at this percentage.
    Running(f64),
    /// Ended well.
    Done(T),
    /// Ended `failed` or `cancelled`.
    Failed(JobFailure),
}

/// A job that can be polled. Implemented by the job handles.
pub trait Pollable: Clone + Send + Sync + 'static {
    /// What a successful wait returns.
    type Output: Send + 'static;

    /// The job's id, as the API returned it.
    #[doc(hidden)]
    fn job_id(&self) -> &str;

    /// The client state the job polls through.
    #[doc(hidden)]
    fn runtime(&self) -> &Runtime;

    /// Fetches the job's state once.
    #[doc(hidden)]
    fn poll_once(&self) -> impl Future<Output = Result<Polled<Self::Output>, Error>> + Send;
}

type ProgressFn = Box<dyn FnMut(f64) + Send>;

/// A wait for a job to end; set options, then `.await` it.
///
/// `failed` and `cancelled` end it with [`Error::JobFailed`]; a wait that
/// outlasts its timeout ends with `Error::Timeout { kind: TimeoutKind::Wait }`.
/// A poll that fails with a retryable error (429, 5xx, a dropped connection)
/// does not end it: it waits (`Retry-After` first) and polls again. Dropping
/// the future stops polling; the job goes on on the server.
#[must_use = "a wait does nothing until awaited"]
pub struct Wait<J: Pollable> {
    job: J,
    interval: Duration,
    timeout: Duration,
    on_progress: Option<ProgressFn>,
}

impl<J: Pollable> Wait<J> {
    pub(crate) fn new(job: J) -> Self {
        Wait {
            interval: job.runtime().config.poll_interval,
            job,
            timeout: DEFAULT_WAIT_TIMEOUT,
            on_progress: None,
        }
    }

    /// Time between polls; default 1.5 s (60 s on a client built with
    /// [`webhook_driven`](crate::ClientBuilder::webhook_driven)). Each wait is
    /// jittered by up to ±10% so that many waiters do not poll in step.
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// Longest wait; default 1 hour.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Called with the progress percentage (0 to 100) whenever it changes.
    pub fn on_progress(mut self, callback: impl FnMut(f64) + Send + 'static) -> Self {
        self.on_progress = Some(Box::new(callback));
        self
    }

    async fn run(mut self) -> Result<J::Output, Error> {
        let deadline = Instant::now() + crate::runtime::bounded(self.timeout);
        // A webhook delivered to the client wakes this wait at once.
        let wake = Arc::new(Notify::new());
        let _registered = self
            .job
            .runtime()
            .register_wait(vec![self.job.job_id().to_owned()], wake.clone());
        let mut last_progress = None;
        loop {
            let pause = match self.job.poll_once().await {
                Ok(Polled::Done(output)) => return Ok(output),
                Ok(Polled::Failed(failure)) => return Err(Error::JobFailed(Box::new(failure))),
                Ok(Polled::Running(percent)) => {
                    if last_progress != Some(percent) {
                        last_progress = Some(percent);
                        if let Some(callback) = self.on_progress.as_mut() {
                            callback(percent);
                        }
                    }
                    jittered(self.interval)
                }
                // The call already retried per the client's policy; the
                // wait keeps going until its own deadline, no sooner than
                // the server asked.
                Err(error) if error.is_retryable() => pause_after_error(self.job.runtime(), &error, self.interval),
                Err(error) => return Err(error),
            };
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Error::Timeout {
                    kind: TimeoutKind::Wait,
                    after: self.timeout,
                });
            }
            // The last pause ends at the deadline, for one final look.
            tokio::select! {
                _ = tokio::time::sleep(pause.min(left)) => {}
                _ = wake.notified() => {}
            }
        }
    }
}

pub(crate) fn jittered(interval: Duration) -> Duration {
    interval.mul_f64(0.9 + 0.2 * fastrand::f64())
}

/// The pause after a poll failed with a retryable error: the interval, or
/// what the server asked for (`Retry-After`, capped as the retry policy caps
/// it) when that is longer. A 429's hold on the endpoint for the client's
/// other callers is set by the call itself.
pub(crate) fn pause_after_error(runtime: &Runtime, error: &Error, interval: Duration) -> Duration {
    let asked = error.retry_after().unwrap_or_default();
    jittered(interval).max(asked.min(runtime.config.retry.longest_wait()))
}

impl<J: Pollable> IntoFuture for Wait<J> {
    type Output = Result<J::Output, Error>;
    type IntoFuture = BoxFuture<Self::Output>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_within_ten_percent_either_way_and_uses_the_range() {
        let interval = Duration::from_secs(10);
        let waits: Vec<Duration> = (0..2_000).map(|_| jittered(interval)).collect();
        for wait in &waits {
            assert!(
                (Duration::from_secs(9)..=Duration::from_secs(11)).contains(wait),
                "{wait:?}"
            );
        }
        // Both halves of the range occur: waiters spread out, not in step.
        assert!(waits.iter().any(|w| *w < Duration::from_millis(9_500)));
        assert!(waits.iter().any(|w| *w > Duration::from_millis(10_500)));
    }
}

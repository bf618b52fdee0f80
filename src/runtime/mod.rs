//! The bottom layer: what every call shares (connection pool, key, settings,
//! rate-limit state, hydration cache) and the one generic call path. The
//! per-tag handles (src/api/) sit on top of it; the `Client` facade on them.

#[macro_use]
pub(crate) mod call;
pub(crate) mod hooks;
pub(crate) mod ids;
pub(crate) mod in_call;
pub(crate) mod paging;
pub(crate) mod tls;
pub(crate) mod wakers;

use std::{fmt, ops::Deref, sync::Arc, time::Duration};

use progenitor_client::ClientInfo;

use crate::{api::files::hydration::HydrationCache, retry::RetryPolicy};
use hooks::Backoff;

/// A cheap handle on the shared state; every API handle holds one.
#[derive(Clone)]
pub struct Runtime(Arc<Shared>);

pub struct Shared {
    /// The one generated client every call goes through (its hooks add the
    /// key and user agent). It also holds the pool and the base URL.
    pub(crate) generated: crate::generated::Client,
    pub(crate) config: Config,
    pub(crate) backoff: Backoff,
    pub(crate) cache: Option<HydrationCache>,
    /// Waits in progress, by job id, so a delivered webhook can end them.
    pub(crate) wakers: wakers::Wakers,
}

/// Settings fixed at build time.
#[derive(Clone, Debug)]
pub(crate) struct Config {
    pub(crate) retry: RetryPolicy,
    pub(crate) attempt_timeout: Duration,
    pub(crate) call_timeout: Duration,
    pub(crate) hydration_margin: Duration,
    /// Default poll interval of waits (longer when webhooks drive them).
    pub(crate) poll_interval: Duration,
}

/// A user's timeout, capped at 30 years so that `now + timeout` cannot
/// overflow (on std's clock or tokio's): `Duration::MAX` means "no limit",
/// not a panic.
pub(crate) fn bounded(timeout: Duration) -> Duration {
    timeout.min(Duration::from_secs(30 * 365 * 86_400))
}

impl Runtime {
    pub(crate) fn new(shared: Shared) -> Self {
        Runtime(Arc::new(shared))
    }

    /// True when both handles share one state (clones of one client).
    #[cfg(test)]
    pub(crate) fn same(&self, other: &Runtime) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

// Through progenitor's `ClientInfo`, the generated client's public accessors,
// rather than its fields.
impl Shared {
    /// The connection pool (also for requests outside the API: downloads
    /// and uploads to signed URLs).
    pub(crate) fn http(&self) -> &reqwest::Client {
        self.generated.client()
    }

    /// The API's base URL, normalised at build time.
    pub(crate) fn base_url(&self) -> &str {
        self.generated.baseurl()
    }
}

impl Deref for Runtime {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url())
            .field("api_key", &"<redacted>")
            .field("config", &self.config)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_timeouts_pass_through_and_only_past_thirty_years_are_capped() {
        let year = Duration::from_secs(365 * 86_400);
        for timeout in [Duration::from_secs(2 * 86_400), year, 29 * year] {
            assert_eq!(bounded(timeout), timeout);
        }
        assert_eq!(bounded(31 * year), 30 * year);
        assert_eq!(bounded(Duration::MAX), 30 * year);
    }
}

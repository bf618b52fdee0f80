//! The top layer: `Client`, the facade that hands out one handle per tag,
//! and `ClientBuilder`. (The shared state and the call path are in
//! src/runtime/, the handles in src/api/.)

use std::{fmt, time::Duration};

use http::HeaderValue;

use crate::{
    api::{
        account::Account, entities::Entities, files::hydration::HydrationCache, files::Files, projects::Projects,
        resources::Resources, text::Text, tools::Tools, webhook_endpoints::WebhookEndpoints, workflows::Workflows,
    },
    error::Error,
    generated,
    retry::RetryPolicy,
    runtime::{
        hooks::{Backoff, RequestHeaders},
        Config, Runtime, Shared,
    },
    webhooks::Event,
};

/// The production API.
pub const DEFAULT_BASE_URL: &str = "https://api.videogen.io";
/// Environment variable holding the API key.
pub const API_KEY_ENV: &str = "VIDEOGEN_API_KEY";
/// Environment variable overriding the base URL.
pub const BASE_URL_ENV: &str = "VIDEOGEN_BASE_URL";

const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(120);
/// Poll interval of waits on a [`webhook_driven`](ClientBuilder::webhook_driven) client.
pub const WEBHOOK_DRIVEN_POLL_INTERVAL: Duration = Duration::from_secs(60);

/// A VideoGen API client.
///
/// Cheap to clone (one `Arc`): clones share the connection pool, the
/// configuration and the rate-limit state, so make one and pass it around.
///
/// ```no_run
/// # async fn run() -> Result<(), videogen::Error> {
/// let client = videogen::Client::from_env()?;
/// let file = client.files().hydrate("vg_file_abc").await?;
/// println!("{}", file.download_url().unwrap_or("-"));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) runtime: Runtime,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.runtime.fmt(f)
    }
}

impl Client {
    /// A client configured from the environment: the key from
    /// `VIDEOGEN_API_KEY`, the base URL from `VIDEOGEN_BASE_URL` if set.
    pub fn from_env() -> Result<Client, Error> {
        Client::builder().from_env().build()
    }

    /// A builder with the defaults and no key.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The Files resource: get, hydrate, list, search, upload, download.
    pub fn files(&self) -> Files {
        Files::new(self.runtime.clone())
    }

    /// The Tools resource: image, clip, speech, music, avatar, ... jobs.
    pub fn tools(&self) -> Tools {
        Tools::new(self.runtime.clone())
    }

    /// The Workflows resource: script, voiceover, slideshow and storyboard to video.
    pub fn workflows(&self) -> Workflows {
        Workflows::new(self.runtime.clone())
    }

    /// The Projects resource: projects, exports and remixes.
    pub fn projects(&self) -> Projects {
        Projects::new(self.runtime.clone())
    }

    /// The Entities resource: actors, products and visual styles.
    pub fn entities(&self) -> Entities {
        Entities::new(self.runtime.clone())
    }

    /// The Resources resource: voices, presenters, languages.
    pub fn resources(&self) -> Resources {
        Resources::new(self.runtime.clone())
    }

    /// Webhook endpoint management.
    pub fn webhooks(&self) -> WebhookEndpoints {
        WebhookEndpoints::new(self.runtime.clone())
    }

    /// Text generation.
    pub fn text(&self) -> Text {
        Text::new(self.runtime.clone())
    }

    /// The account behind the key.
    pub fn account(&self) -> Account {
        Account::new(self.runtime.clone())
    }

    /// Hands a verified webhook event to the client: a `wait()` or
    /// `wait_many` on its job looks at once instead of at its next interval,
    /// and the hydrated files the event carries go into the hydration cache
    /// (when it is on). Returns whether a wait was waiting for it.
    ///
    /// ```no_run
    /// # async fn handle(client: videogen::Client, verifier: videogen::webhooks::Verifier,
    /// #                 headers: http::HeaderMap, body: bytes::Bytes) -> Result<(), videogen::webhooks::VerifyError> {
    /// let event = verifier.verify(&headers, &body)?;
    /// client.deliver(&event).await;
    /// # Ok(()) }
    /// ```
    pub async fn deliver(&self, event: &Event) -> bool {
        let files = self.files();
        match event {
            Event::ToolExecution { payload, .. } => {
                for file in payload.results.iter().filter_map(|r| r.file.as_ref()) {
                    files.remember(file);
                }
                self.runtime.wakers.wake(&payload.tool_execution_id)
            }
            Event::WorkflowRun { payload, .. } => self.runtime.wakers.wake(&payload.workflow_run_id),
            Event::File { payload, .. } => {
                files.remember(&payload.file);
                false
            }
            _ => false,
        }
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.runtime.base_url()
    }
}

/// Builds a [`Client`]. Every setting has a default except the API key.
#[derive(Default)]
pub struct ClientBuilder {
    api_key: Option<String>,
    base_url: Option<String>,
    user_agent: Option<String>,
    http_client: Option<reqwest::Client>,
    connect_timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    call_timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    cache_entries: Option<u64>,
    hydration_margin: Option<Duration>,
    webhook_driven: bool,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("base_url", &self.base_url)
            .field("user_agent", &self.user_agent)
            .field("custom_http_client", &self.http_client.is_some())
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.attempt_timeout)
            .field("call_timeout", &self.call_timeout)
            .field("retry", &self.retry)
            .field("hydration_cache", &self.cache_entries)
            .field("hydration_margin", &self.hydration_margin)
            .field("webhook_driven", &self.webhook_driven)
            .finish()
    }
}

impl ClientBuilder {
    /// Takes `VIDEOGEN_API_KEY` and `VIDEOGEN_BASE_URL` from the environment
    /// where they are set (values set before stay otherwise).
    pub fn from_env(mut self) -> Self {
        if let Some(key) = std::env::var(API_KEY_ENV).ok().filter(|k| !k.trim().is_empty()) {
            self.api_key = Some(key);
        }
        if let Some(url) = std::env::var(BASE_URL_ENV).ok().filter(|u| !u.trim().is_empty()) {
            self.base_url = Some(url);
        }
        self
    }

    /// The API key, sent as `Authorization: Bearer <key>`.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// Where to send requests; default `https://api.videogen.io`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Per-attempt timeout: the longest one HTTP request may take, response
    /// body included. Default 30 s. Retries each get a fresh one; see
    /// [`call_timeout`](Self::call_timeout) for the bound on the whole call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// Overall deadline of one call, all attempts and waits included.
    /// Default 120 s. No retry starts that could not finish before it.
    pub fn call_timeout(mut self, timeout: Duration) -> Self {
        self.call_timeout = Some(timeout);
        self
    }

    /// Longest wait for a TCP/TLS connection. Default 10 s. Ignored with
    /// [`http_client`](Self::http_client): configure that client instead.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Prepended to the `User-Agent`, which always names this crate and version.
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = Some(agent.into());
        self
    }

    /// Uses this reqwest client (its pool, proxy and TLS settings) instead of
    /// building one. Its own timeouts apply in addition to ours.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// How many times a failed attempt is retried: retries, not attempts
    /// (`3`, the default, allows four requests). `0` switches retries off.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry = Some(self.retry.unwrap_or_default().max_retries(retries));
        self
    }

    /// Replaces the whole retry policy.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Switches retries off: every call makes exactly one request.
    pub fn disable_retries(self) -> Self {
        self.retry_policy(RetryPolicy::disabled())
    }

    /// Turns on the hydration cache, holding up to `max_entries` files (the
    /// bound is kept per shard of the cache: at most `max_entries` rounded up
    /// to a multiple of the shard count). When full, less used files make room.
    ///
    /// [`Files::get_hydrated`], [`Files::ensure_hydrated`] and
    /// [`Files::hydrate_many`] then serve a file without any request while
    /// its signed URLs stay valid beyond the margin (files without expiring
    /// URLs: for 5 minutes); concurrent calls for one id share one request,
    /// and its error if it fails; errors are never cached. Off by default.
    pub fn hydration_cache(mut self, max_entries: u64) -> Self {
        self.cache_entries = Some(max_entries);
        self
    }

    /// How close to `expiresAt` a signed URL counts as expired. Default 60 s.
    pub fn hydration_margin(mut self, margin: Duration) -> Self {
        self.hydration_margin = Some(margin);
        self
    }

    /// For services that receive VideoGen's webhooks and hand each event to
    /// [`Client::deliver`]: waits then end as soon as their job's event
    /// arrives, and poll only as a slow fallback (every 60 s unless a wait
    /// sets its own interval). Off by default.
    pub fn webhook_driven(mut self, driven: bool) -> Self {
        self.webhook_driven = driven;
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let key = self.api_key.as_deref().map(str::trim).unwrap_or_default();
        if key.is_empty() {
            return Err(Error::config(format!(
                "no API key: set {API_KEY_ENV} or call ClientBuilder::api_key \
                 (keys are created at app.videogen.io/developers)"
            )));
        }
        let mut auth = HeaderValue::from_str(&format!("Bearer {key}"))
            .map_err(|_| Error::config("the API key contains characters that cannot be sent in an HTTP header"))?;
        auth.set_sensitive(true);

        let base_url = normalize_base_url(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
        let crate_agent = concat!("videogen-rust/", env!("CARGO_PKG_VERSION"));
        let agent = match &self.user_agent {
            Some(custom) => format!("{custom} {crate_agent}"),
            None => crate_agent.to_owned(),
        };
        let user_agent = HeaderValue::from_str(&agent)
            .map_err(|_| Error::config("the user agent is not a valid HTTP header value"))?;

        let http = match self.http_client {
            Some(client) => client,
            None => crate::runtime::tls::configure(reqwest::Client::builder())?
                .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                .pool_idle_timeout(Duration::from_secs(60))
                .build()
                .map_err(|e| Error::config(format!("building the HTTP client failed: {e}")))?,
        };
        let config = Config {
            retry: self.retry.unwrap_or_default(),
            attempt_timeout: self.attempt_timeout.unwrap_or(DEFAULT_ATTEMPT_TIMEOUT),
            call_timeout: self.call_timeout.unwrap_or(DEFAULT_CALL_TIMEOUT),
            hydration_margin: self.hydration_margin.unwrap_or(crate::DEFAULT_EXPIRY_MARGIN),
            poll_interval: if self.webhook_driven {
                WEBHOOK_DRIVEN_POLL_INTERVAL
            } else {
                crate::DEFAULT_POLL_INTERVAL
            },
        };
        let cache = self
            .cache_entries
            .map(|max| HydrationCache::new(max, config.hydration_margin));
        let backoff = Backoff::default();
        Ok(Client {
            runtime: Runtime::new(Shared {
                generated: generated::Client::new_with_client(&base_url, http, RequestHeaders { auth, user_agent }),
                config,
                backoff,
                cache,
                wakers: Default::default(),
            }),
        })
    }
}

fn normalize_base_url(raw: &str) -> Result<String, Error> {
    let url = reqwest::Url::parse(raw.trim()).map_err(|e| {
        Error::config(format!(
            "base URL {raw:?} is not a URL ({e}); expected e.g. {DEFAULT_BASE_URL}"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(Error::config(format!(
            "base URL {raw:?} must be an http(s) URL with a host"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(format!(
            "base URL {raw:?} must not have a query or fragment"
        )));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_never_shows_in_debug_output() {
        let builder = Client::builder().api_key("sk_live_SECRET123");
        assert!(!format!("{builder:?}").contains("SECRET123"));
        let client = builder.build().unwrap();
        let shown = format!("{client:?}");
        assert!(!shown.contains("SECRET123") && shown.contains("<redacted>"), "{shown}");
    }

    #[test]
    fn builds_need_a_key_and_a_sane_base_url() {
        let err = Client::builder().build().unwrap_err();
        assert!(
            matches!(err, Error::Config { .. }) && err.to_string().contains(API_KEY_ENV),
            "{err}"
        );
        let err = Client::builder().api_key("k").base_url("ftp://x").build().unwrap_err();
        assert!(err.to_string().contains("http(s)"), "{err}");
        let client = Client::builder()
            .api_key("k")
            .base_url("http://127.0.0.1:9/api/")
            .build()
            .unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:9/api");
        assert_eq!(
            Client::builder().api_key("k").build().unwrap().base_url(),
            DEFAULT_BASE_URL
        );
    }

    #[test]
    fn clients_are_cheap_shared_handles() {
        fn assert_traits<T: Clone + Send + Sync + 'static>() {}
        assert_traits::<Client>();
        let a = Client::builder().api_key("k").build().unwrap();
        let b = a.clone();
        assert!(a.runtime.same(&b.runtime));
    }
}

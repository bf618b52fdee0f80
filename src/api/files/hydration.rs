//! Fresh signed URLs with as few API calls as possible: hydrate only when the
//! rule says so, remember hydrated files until their URLs near expiry, share
//! one request among concurrent callers, and hydrate in bulk.

use std::{
    collections::HashSet,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
    time::{Duration, Instant, SystemTime},
};

use futures_util::{stream::BoxStream, Stream, StreamExt};
use std::future::Future;

use super::Files;
use crate::{error::Error, File};

/// Concurrent requests of [`Files::hydrate_many`] unless told otherwise.
pub const DEFAULT_HYDRATE_CONCURRENCY: usize = 16;

/// The opt-in cache of hydrated files (see `ClientBuilder::hydration_cache`).
pub(crate) struct HydrationCache {
    entries: moka::future::Cache<String, File>,
    margin: Duration,
}

/// Entries live until their earliest signed URL comes within the margin of
/// expiring, so an entry never outlives its usefulness.
struct UntilUrlsExpire {
    margin: Duration,
}

impl moka::Expiry<String, File> for UntilUrlsExpire {
    fn expire_after_create(&self, _: &String, file: &File, _: Instant) -> Option<Duration> {
        Some(usable_for(file, self.margin, SystemTime::now()))
    }

    fn expire_after_update(&self, _: &String, file: &File, _: Instant, _: Option<Duration>) -> Option<Duration> {
        Some(usable_for(file, self.margin, SystemTime::now()))
    }
}

/// How long `file` can be served before it needs hydrating again. Files with
/// no expiring URL are kept for a bounded time: their state may still change.
fn usable_for(file: &File, margin: Duration, now: SystemTime) -> Duration {
    const NO_EXPIRY_TTL: Duration = Duration::from_secs(300);
    if file.needs_hydration_with_margin(now, margin) {
        return Duration::ZERO;
    }
    match file.expires_at() {
        Some(at) => at.duration_since(now + margin).unwrap_or(Duration::ZERO),
        None => NO_EXPIRY_TTL,
    }
}

impl HydrationCache {
    pub(crate) fn new(max_entries: u64, margin: Duration) -> Self {
        let entries = moka::future::Cache::builder()
            .max_capacity(max_entries)
            .expire_after(UntilUrlsExpire { margin })
            .build();
        HydrationCache { entries, margin }
    }

    /// A cached file whose URLs are still good beyond the margin.
    async fn fresh(&self, id: &str) -> Option<File> {
        let file = self.entries.get(id).await?;
        if file.needs_hydration_with_margin(SystemTime::now(), self.margin) {
            self.entries.invalidate(id).await;
            return None;
        }
        Some(file)
    }

    async fn store(&self, file: &File) {
        if !file.needs_hydration_with_margin(SystemTime::now(), self.margin) {
            self.entries.insert(file.file_id.clone(), file.clone()).await;
        }
    }
}

impl Files {
    fn margin(&self) -> Duration {
        self.runtime.config.hydration_margin
    }

    fn cache(&self) -> Option<&HydrationCache> {
        self.runtime.cache.as_ref()
    }

    /// The file with usable signed URLs: a GET, then a hydrate only when
    /// [`File::needs_hydration`] says so. With the hydration cache on, a file
    /// hydrated earlier is served without any request while its URLs last,
    /// and concurrent calls for one id share a single GET (and hydrate).
    pub fn get_hydrated(&self, file_id: impl AsRef<str>) -> impl Future<Output = Result<File, Error>> + Send + 'static {
        let (files, id) = (self.clone(), file_id.as_ref().to_owned());
        async move {
            files
                .cached_or(&id, async {
                    let file = files.get(&id).await?;
                    files.hydrate_if_needed(file).await
                })
                .await
        }
    }

    /// The same as [`get_hydrated`](Self::get_hydrated) for a file already in
    /// hand (from a webhook, a list page, a search): no GET; a hydrate only
    /// when its URLs are missing, pending or about to expire.
    pub fn ensure_hydrated(&self, file: File) -> impl Future<Output = Result<File, Error>> + Send + 'static {
        let files = self.clone();
        async move {
            if !file.needs_hydration_with_margin(SystemTime::now(), files.margin()) {
                return Ok(file);
            }
            files.hydrate_cached(&file.file_id).await
        }
    }

    /// Drops the cached copy of a file, so the next call fetches it again.
    /// Does nothing without the hydration cache.
    pub async fn invalidate(&self, file_id: impl AsRef<str>) {
        if let Some(cache) = self.cache() {
            cache.entries.invalidate(file_id.as_ref()).await;
        }
    }

    /// Hydrates many files, `concurrency` at a time (default 16), yielding
    /// `(id, result)` as each finishes. Duplicate ids are hydrated once.
    /// Rate limits are shared: a 429 on one request holds back the whole
    /// batch for the server's `Retry-After`, so the batch slows down instead
    /// of failing. With the hydration cache on, fresh cached files are used.
    pub fn hydrate_many<I, S>(&self, ids: I) -> HydrateMany
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut seen = HashSet::new();
        let ids = ids
            .into_iter()
            .map(Into::into)
            .filter(|id: &String| seen.insert(id.clone()))
            .collect();
        HydrateMany {
            files: self.clone(),
            ids,
            concurrency: DEFAULT_HYDRATE_CONCURRENCY,
            running: None,
        }
    }

    /// Keeps a freshly hydrated file in the cache, if there is one.
    pub(crate) async fn remember(&self, file: &File) {
        if let Some(cache) = self.cache() {
            cache.store(file).await;
        }
    }

    /// A cached file still good beyond the margin, else one hydrate shared
    /// by all concurrent callers (without a cache: a plain hydrate).
    async fn hydrate_cached(&self, id: &str) -> Result<File, Error> {
        self.cached_or(id, self.hydrate_uncached(id)).await
    }

    async fn hydrate_if_needed(&self, file: File) -> Result<File, Error> {
        if file.needs_hydration_with_margin(SystemTime::now(), self.margin()) {
            self.hydrate_uncached(&file.file_id).await
        } else {
            Ok(file)
        }
    }

    /// Serves `id` from the cache, or runs `load` once for all concurrent
    /// callers and caches what it returns. Errors are returned, not cached.
    async fn cached_or(&self, id: &str, load: impl Future<Output = Result<File, Error>>) -> Result<File, Error> {
        let Some(cache) = self.cache() else {
            return load.await;
        };
        if let Some(file) = cache.fresh(id).await {
            return Ok(file);
        }
        crate::runtime::ids::check("fileId", id)?;
        let shared = cache.entries.try_get_with(id.to_owned(), load).await;
        shared.map_err(|error: Arc<Error>| Arc::try_unwrap(error).unwrap_or_else(|shared| shared.duplicate()))
    }
}

/// The stream returned by [`Files::hydrate_many`]; set
/// [`concurrency`](Self::concurrency) before polling it.
#[must_use = "streams do nothing unless polled"]
pub struct HydrateMany {
    files: Files,
    ids: Vec<String>,
    concurrency: usize,
    running: Option<BoxStream<'static, (String, Result<File, Error>)>>,
}

impl HydrateMany {
    /// How many hydrations run at once (at least 1).
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency.max(1);
        self
    }

    /// How many distinct ids the batch holds.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the batch is empty.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

impl std::fmt::Debug for HydrateMany {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HydrateMany")
            .field("ids", &self.ids.len())
            .field("concurrency", &self.concurrency)
            .field("started", &self.running.is_some())
            .finish()
    }
}

impl Stream for HydrateMany {
    type Item = (String, Result<File, Error>);

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        let running = this.running.get_or_insert_with(|| {
            let files = this.files.clone();
            futures_util::stream::iter(std::mem::take(&mut this.ids))
                .map(move |id| {
                    let files = files.clone();
                    async move {
                        let result = files.hydrate_cached(&id).await;
                        (id, result)
                    }
                })
                .buffer_unordered(this.concurrency)
                .boxed()
        });
        running.poll_next_unpin(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{types::FileSource, FileScope, FileSourceStatus};

    fn file_expiring_in(secs: i64) -> File {
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs_f64();
        serde_json::from_value(serde_json::json!({
            "fileId": "f", "scope": FileScope::Global,
            "downloadSource": FileSource { status: FileSourceStatus::Ready, url: Some("https://x/y".into()),
                expires_at: crate::Timestamp::from_unix_seconds(now + secs as f64), width: None, height: None, file_bytes: None },
        }))
        .unwrap()
    }

    #[test]
    fn entries_live_until_the_margin_before_expiry() {
        let now = SystemTime::now();
        let margin = Duration::from_secs(60);
        let lifetime = usable_for(&file_expiring_in(3600), margin, now);
        assert!(
            lifetime > Duration::from_secs(3530) && lifetime <= Duration::from_secs(3541),
            "{lifetime:?}"
        );
        assert_eq!(usable_for(&file_expiring_in(30), margin, now), Duration::ZERO);
    }
}

//! Fresh signed URLs with as few API calls as possible: hydrate only when the
//! rule says so, remember hydrated files until their URLs near expiry, share
//! one request among concurrent callers, and hydrate in bulk.

use std::{
    collections::{HashMap, HashSet},
    pin::Pin,
    sync::{Arc, Mutex, PoisonError},
    task::{Context, Poll},
    time::{Duration, Instant, SystemTime},
};

use futures_util::{
    future::{BoxFuture, Shared, WeakShared},
    stream::BoxStream,
    FutureExt, Stream, StreamExt,
};
use std::future::Future;

use super::Files;
use crate::{error::Error, File};

/// Concurrent requests of [`Files::hydrate_many`] unless told otherwise.
pub const DEFAULT_HYDRATE_CONCURRENCY: usize = 16;

/// One load (GET and/or hydrate) awaited by every concurrent caller for an
/// id; the error is an `Arc` so that each of them gets it.
type Load = Shared<LoadFuture>;
type LoadFuture = BoxFuture<'static, Result<File, Arc<Error>>>;

/// The opt-in cache of hydrated files (see `ClientBuilder::hydration_cache`).
#[derive(Clone)]
pub(crate) struct HydrationCache {
    entries: Arc<quick_cache::sync::Cache<String, Entry>>,
    loading: Arc<Mutex<InFlight>>,
    margin: Duration,
}

/// A cached file and the instant it stops being served.
#[derive(Clone)]
struct Entry {
    file: File,
    until: Instant,
}

/// Loads in flight, by id. Held weakly: a load lives only while a caller
/// awaits it, so dropping every caller cancels its requests, as without a
/// cache. Each load has a number so that it only ever removes itself.
#[derive(Default)]
struct InFlight {
    next: u64,
    loads: HashMap<String, (u64, WeakShared<LoadFuture>)>,
}

/// How long `file` can be served before it needs hydrating again: until its
/// earliest signed URL comes within the margin of expiring. Files with no
/// expiring URL are kept for a bounded time: their state may still change.
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
        // quick_cache allocates as entries arrive, so a huge bound costs nothing up front.
        let entries = quick_cache::sync::Cache::new(usize::try_from(max_entries).unwrap_or(usize::MAX));
        HydrationCache {
            entries: Arc::new(entries),
            loading: Arc::default(),
            margin,
        }
    }

    /// A cached file that may still be served; a stale entry is removed.
    fn fresh(&self, id: &str) -> Option<File> {
        let entry = self.entries.get(id)?;
        if self.serves(&entry) {
            return Some(entry.file);
        }
        // Unless a fresh copy replaced it meanwhile.
        self.entries.remove_if(id, |entry| !self.serves(entry));
        None
    }

    /// Before its deadline (a monotonic clock, which also bounds files with
    /// no expiring URL) and, checked again on the wall clock the URLs'
    /// `expiresAt` is measured in, with URLs good beyond the margin.
    fn serves(&self, entry: &Entry) -> bool {
        Instant::now() < entry.until && !entry.file.needs_hydration_with_margin(SystemTime::now(), self.margin)
    }

    /// Keeps `file` under `id`: the id it was asked for, which is what the
    /// next lookup uses (an honest server answers with the same `fileId`).
    fn store(&self, id: &str, file: &File) {
        let lifetime = usable_for(file, self.margin, SystemTime::now());
        if !lifetime.is_zero() {
            let until = Instant::now() + lifetime;
            let entry = Entry {
                file: file.clone(),
                until,
            };
            self.entries.insert(id.to_owned(), entry);
        }
    }

    fn invalidate(&self, id: &str) {
        self.entries.remove(id);
    }

    /// The cached file, else the load in flight for `id`, else a new one
    /// running `load`, which caches its file and leaves the in-flight map
    /// when it finishes or is dropped.
    fn lookup(&self, id: &str, load: impl Future<Output = Result<File, Error>> + Send + 'static) -> Lookup {
        let mut in_flight = self.loading.lock().unwrap_or_else(PoisonError::into_inner);
        // Checked again under the lock: a load stores its file before it
        // leaves the map, so a caller finds one or the other, never neither.
        if let Some(file) = self.fresh(id) {
            return Lookup::Cached(Box::new(file));
        }
        if let Some(running) = in_flight.loads.get(id).and_then(|(_, load)| load.upgrade()) {
            return Lookup::Loading(running);
        }
        let number = in_flight.next;
        in_flight.next += 1;
        let done = LeaveOnDrop {
            loading: self.loading.clone(),
            id: id.to_owned(),
            number,
        };
        let (cache, key) = (self.clone(), id.to_owned());
        let shared = async move {
            let _done = done; // dropped after the store below, or with the load
            let file = load.await.map_err(Arc::new)?;
            cache.store(&key, &file);
            Ok(file)
        }
        .boxed()
        .shared();
        if let Some(weak) = shared.downgrade() {
            in_flight.loads.insert(id.to_owned(), (number, weak));
        }
        Lookup::Loading(shared)
    }
}

enum Lookup {
    Cached(Box<File>), // boxed: a File is large, and this case is rare
    Loading(Load),
}

/// Owned by a load: removes it from the in-flight map when the load finishes
/// (errors are not cached: the next caller loads again) or is dropped.
struct LeaveOnDrop {
    loading: Arc<Mutex<InFlight>>,
    id: String,
    number: u64,
}

impl Drop for LeaveOnDrop {
    fn drop(&mut self) {
        let mut in_flight = self.loading.lock().unwrap_or_else(PoisonError::into_inner);
        if in_flight
            .loads
            .get(&self.id)
            .is_some_and(|(number, _)| *number == self.number)
        {
            in_flight.loads.remove(&self.id);
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
            // Owned: the load may outlive this caller (it is shared).
            let load = {
                let (files, id) = (files.clone(), id.clone());
                async move {
                    let file = files.get(&id).await?;
                    files.hydrate_if_needed(file).await
                }
            };
            // Boxed: the load holds a whole File across an await; the
            // returned future stays small (see `call!`).
            Box::pin(files.cached_or(&id, load)).await
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
            cache.invalidate(file_id.as_ref());
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
    pub(crate) fn remember(&self, file: &File) {
        if let Some(cache) = self.cache() {
            cache.store(&file.file_id, file);
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
    async fn cached_or(
        &self,
        id: &str,
        load: impl Future<Output = Result<File, Error>> + Send + 'static,
    ) -> Result<File, Error> {
        let Some(cache) = self.cache() else {
            return load.await;
        };
        if let Some(file) = cache.fresh(id) {
            return Ok(file);
        }
        crate::runtime::ids::check("fileId", id)?;
        let shared = match cache.lookup(id, load) {
            Lookup::Cached(file) => return Ok(*file),
            Lookup::Loading(shared) => shared,
        };
        shared
            .await
            .map_err(|error: Arc<Error>| Arc::try_unwrap(error).unwrap_or_else(|shared| shared.duplicate()))
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

    /// A load that counts its runs, so a test can tell a shared load from a second one.
    fn counted(
        runs: &Arc<std::sync::atomic::AtomicUsize>,
        result: Result<File, Error>,
    ) -> impl Future<Output = Result<File, Error>> + Send + 'static {
        let runs = runs.clone();
        async move {
            runs.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            result
        }
    }

    fn loading(lookup: Lookup) -> Load {
        match lookup {
            Lookup::Loading(load) => load,
            Lookup::Cached(_) => panic!("served from the cache"),
        }
    }

    fn in_flight(cache: &HydrationCache) -> usize {
        cache.loading.lock().unwrap().loads.len()
    }

    #[tokio::test]
    async fn a_failed_shared_load_reaches_every_caller_and_is_not_kept() {
        let cache = HydrationCache::new(10, Duration::from_secs(60));
        let runs = Arc::default();
        let first = loading(cache.lookup("f", counted(&runs, Err(Error::config("boom")))));
        let second = loading(cache.lookup("f", counted(&runs, Ok(file_expiring_in(3600)))));
        let (first, second) = tokio::join!(first, second);
        assert_eq!(
            runs.load(std::sync::atomic::Ordering::SeqCst),
            1,
            "one load for both callers"
        );
        let (first, second) = (first.unwrap_err(), second.unwrap_err());
        assert!(Arc::ptr_eq(&first, &second), "both callers got the one error");
        assert_eq!(in_flight(&cache), 0, "the failed load left the in-flight map");
        assert!(cache.fresh("f").is_none(), "the failure stored nothing");

        // The next caller loads again; its file is cached.
        let good = file_expiring_in(3600);
        let file = loading(cache.lookup("f", counted(&runs, Ok(good.clone()))));
        assert_eq!(file.await.unwrap(), good);
        assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 2);
        assert_eq!(in_flight(&cache), 0);
        assert!(matches!(
            cache.lookup("f", counted(&runs, Err(Error::config("no")))),
            Lookup::Cached(_)
        ));
    }

    #[tokio::test]
    async fn a_load_nobody_awaits_any_more_leaves_the_in_flight_map() {
        let cache = HydrationCache::new(10, Duration::from_secs(60));
        let runs = Arc::default();
        let abandoned = loading(cache.lookup("f", std::future::pending()));
        assert_eq!(in_flight(&cache), 1);
        drop(abandoned);
        assert_eq!(in_flight(&cache), 0);
        let file = loading(cache.lookup("f", counted(&runs, Ok(file_expiring_in(3600)))));
        assert!(file.await.is_ok(), "a new load, not the abandoned one");
    }

    /// The race this guards is a load whose last caller has gone but whose
    /// drop has not yet taken the lock while a newer load for the same id
    /// registers: the old one's leaving must not remove the newer entry.
    #[tokio::test]
    async fn a_leaving_load_removes_only_its_own_entry() {
        let cache = HydrationCache::new(10, Duration::from_secs(60));
        let old = loading(cache.lookup("f", std::future::pending()));
        let newer = loading(cache.lookup("g", std::future::pending()));
        // Stage the race: "f" now maps to the newer load, as if it had
        // registered after the old one's last caller left.
        {
            let mut in_flight = cache.loading.lock().unwrap();
            let entry = in_flight.loads.remove("g").unwrap();
            in_flight.loads.insert("f".into(), entry);
        }
        drop(old);
        assert_eq!(in_flight(&cache), 1, "the newer load's entry stays");
        drop(newer);
        assert_eq!(
            in_flight(&cache),
            1,
            "registered under another id, it cannot remove \"f\""
        );
    }

    #[test]
    fn max_entries_bounds_the_cache() {
        let cache = HydrationCache::new(10, Duration::from_secs(60));
        let file = file_expiring_in(3600);
        for n in 0..100 {
            let id = format!("f{n}");
            cache.store(
                &id,
                &File {
                    file_id: id.clone(),
                    ..file.clone()
                },
            );
        }
        assert!(cache.entries.len() <= 10, "{} entries", cache.entries.len());
        assert!(cache.fresh("f99").is_some(), "the newest stays");
    }

    #[test]
    fn stale_entries_are_not_served_and_are_removed() {
        let cache = HydrationCache::new(10, Duration::from_secs(60));
        let good = file_expiring_in(3600);
        let entry = |file: &File, until| Entry {
            file: file.clone(),
            until,
        };
        // Past its deadline, though its URLs are still good.
        cache.entries.insert("f".into(), entry(&good, Instant::now()));
        assert!(cache.fresh("f").is_none());
        assert!(cache.entries.is_empty(), "the stale entry was removed");
        // Before its deadline, but its URLs now expire within the margin.
        let later = Instant::now() + Duration::from_secs(3600);
        cache.entries.insert("f".into(), entry(&file_expiring_in(30), later));
        assert!(matches!(cache.lookup("f", std::future::pending()), Lookup::Loading(_)));
        assert!(cache.entries.is_empty());
        // A file that cannot be served is not stored; one that can is.
        cache.store("f", &file_expiring_in(30));
        assert!(cache.entries.is_empty());
        cache.store("f", &good);
        assert_eq!(cache.fresh("f"), Some(good));
    }
}

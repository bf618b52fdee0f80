//! `client.files()`: the eight Files operations, one page or all of them.

use std::{
    future::{Future, IntoFuture},
    num::NonZeroU64,
    pin::Pin,
};

use futures_util::{stream, Stream};

use crate::{
    client::Client,
    error::Error,
    operation::Operation,
    types::{CreateFileUploadRequest, FileUploadResponse, GetFilesResponse, SearchFilesRequest, SearchFilesResult},
    File,
};

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The Files resource. Get one from [`Client::files`]; cheap to clone.
#[derive(Clone, Debug)]
pub struct Files {
    client: Client,
}

impl Files {
    pub(crate) fn new(client: Client) -> Self {
        Files { client }
    }

    /// The client this handle uses.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The file's stored metadata. Its signed URLs may be missing or expired;
    /// use [`hydrate`](Self::hydrate) for fresh ones.
    pub fn get(&self, file_id: impl AsRef<str>) -> impl Future<Output = Result<File, Error>> + Send + 'static {
        self.file_call(Operation::GetFile, file_id.as_ref())
    }

    /// Mints fresh signed URLs for every rendition and returns the whole file.
    /// Always asks the API; with the hydration cache on, the result is cached.
    pub fn hydrate(&self, file_id: impl AsRef<str>) -> impl Future<Output = Result<File, Error>> + Send + 'static {
        let (files, call) = (self.clone(), self.hydrate_uncached(file_id.as_ref()));
        async move {
            let file = call.await?;
            files.remember(&file).await;
            Ok(file)
        }
    }

    /// The hydrate call alone, for loads that the cache stores itself.
    pub(crate) fn hydrate_uncached(&self, file_id: &str) -> impl Future<Output = Result<File, Error>> + Send + 'static {
        self.file_call(Operation::HydrateFile, file_id)
    }

    /// Archives the file: it no longer appears in listings.
    pub fn archive(&self, file_id: impl AsRef<str>) -> impl Future<Output = Result<File, Error>> + Send + 'static {
        self.file_call(Operation::ArchiveFile, file_id.as_ref())
    }

    /// Publishes a permanent public copy (`staticPublicPreviewSource`) and,
    /// for media, a public playback id.
    pub fn enable_public_preview(
        &self,
        file_id: impl AsRef<str>,
    ) -> impl Future<Output = Result<File, Error>> + Send + 'static {
        self.file_call(Operation::EnablePublicPreview, file_id.as_ref())
    }

    /// Withdraws the public copy; signed URLs keep working.
    pub fn disable_public_preview(
        &self,
        file_id: impl AsRef<str>,
    ) -> impl Future<Output = Result<File, Error>> + Send + 'static {
        self.file_call(Operation::DisablePublicPreview, file_id.as_ref())
    }

    /// One of the operations on a single file id. The returned future owns
    /// what it needs, so it can be stored or spawned.
    fn file_call(
        &self,
        operation: Operation,
        file_id: &str,
    ) -> impl Future<Output = Result<File, Error>> + Send + 'static {
        let client = self.client.clone();
        let checked = check_file_id(file_id).map(str::to_owned);
        async move {
            let id = checked?;
            let g = client.generated(operation);
            match operation {
                Operation::GetFile => client.call(&g, || g.get_file(&id)).await,
                Operation::HydrateFile => client.call(&g, || g.hydrate_file(&id)).await,
                Operation::ArchiveFile => client.call(&g, || g.archive_file(&id)).await,
                Operation::EnablePublicPreview => client.call(&g, || g.enable_public_preview(&id)).await,
                Operation::DisablePublicPreview => client.call(&g, || g.disable_public_preview(&id)).await,
                other => unreachable!("{other:?} does not take a file id alone"),
            }
        }
    }

    /// Registers a new file and returns its id and a presigned upload URL.
    ///
    /// Accepts a display name or a full [`CreateFileUploadRequest`]:
    /// `files.create_upload("clip.mp4")`. Retried only where the server
    /// cannot have created the file (429, refused connection, 503 with
    /// `Retry-After`).
    pub fn create_upload(
        &self,
        request: impl Into<CreateFileUploadRequest>,
    ) -> BoxFuture<'static, Result<FileUploadResponse, Error>> {
        // Boxed: an `impl Future` here would capture the borrow of `self`
        // (edition 2021 rules with a generic argument), and the future must
        // be free to outlive the `Files` handle.
        let request = request.into();
        let client = self.client.clone();
        Box::pin(async move {
            if request.display_name.trim().is_empty() {
                return Err(Error::invalid_input(
                    "the upload's display name is empty; give the file a name",
                ));
            }
            let g = client.generated(Operation::CreateFileUpload);
            client.call(&g, || g.create_file_upload(&request)).await
        })
    }

    /// A semantic search over the team's indexed files. Set options on the
    /// returned request, then `.await` it.
    pub fn search(&self, query: impl Into<String>) -> SearchRequest {
        SearchRequest {
            files: self.clone(),
            query: query.into(),
            num_results: None,
            self_only: false,
        }
    }

    /// One page of files, newest update first. Set options, then `.await`.
    pub fn list(&self) -> ListRequest {
        ListRequest {
            files: self.clone(),
            limit: None,
            cursor: None,
        }
    }

    /// Every file, page after page, as a stream.
    ///
    /// Follows `nextCursor` while `hasMore` is true and stops with an error if
    /// the server repeats a cursor or sends an empty one while claiming more,
    /// rather than looping forever.
    pub fn list_all(&self) -> impl Stream<Item = Result<File, Error>> + Send + 'static {
        struct State {
            files: Files,
            cursor: Option<String>,
            seen: std::collections::HashSet<String>,
            done: bool,
        }
        let state = State {
            files: self.clone(),
            cursor: None,
            seen: Default::default(),
            done: false,
        };
        let pages = stream::unfold(state, |mut state| async move {
            if state.done {
                return None;
            }
            let mut request = state.files.list();
            request.cursor = state.cursor.take();
            let page = match request.send().await {
                Ok(page) => page,
                Err(error) => {
                    state.done = true;
                    return Some((vec![Err(error)], state));
                }
            };
            let mut items: Vec<Result<File, Error>> = page.files.into_iter().map(Ok).collect();
            match (page.has_more, page.next_cursor) {
                (false, _) => state.done = true,
                (true, Some(next)) if !next.is_empty() && state.seen.insert(next.clone()) => state.cursor = Some(next),
                (true, next) => {
                    state.done = true;
                    let what = if next.as_deref().unwrap_or_default().is_empty() {
                        "no"
                    } else {
                        "a repeated"
                    };
                    items.push(Err(Error::Protocol {
                        message: format!(
                            "the server said more files follow but sent {what} cursor; stopped listing to avoid a loop"
                        ),
                    }));
                }
            }
            Some((items, state))
        });
        futures_util::StreamExt::flat_map(pages, stream::iter)
    }
}

/// Checks a file id before it goes into a URL path.
///
/// Ids are opaque, so little is rejected: the empty id and `.`/`..` (which
/// would change the path after URL normalisation) and control characters.
/// Everything else is percent-encoded by the generated client.
pub(crate) fn check_file_id(id: &str) -> Result<&str, Error> {
    let problem = if id.is_empty() {
        "is empty"
    } else if id == "." || id == ".." {
        "is a path segment (`.` or `..`)"
    } else if id.chars().any(char::is_control) {
        "contains control characters"
    } else {
        return Ok(id);
    };
    let shown: String = id.escape_debug().take(40).collect();
    Err(Error::invalid_input(format!(
        "file id \"{shown}\" {problem}; pass the `fileId` exactly as VideoGen returned it (e.g. vg_file_...)"
    )))
}

/// A request for one page of files; `.await` it or call [`send`](Self::send).
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until awaited"]
pub struct ListRequest {
    files: Files,
    limit: Option<u32>,
    cursor: Option<String>,
}

impl ListRequest {
    /// Page size, 1 to 200 (the server's default is 50).
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Continue after a previous page: pass its `next_cursor` unchanged.
    pub fn cursor(mut self, cursor: impl Into<String>) -> Self {
        self.cursor = Some(cursor.into());
        self
    }

    /// Sends the request.
    pub async fn send(self) -> Result<GetFilesResponse, Error> {
        let limit = match self.limit {
            None => None,
            Some(n @ 1..=200) => NonZeroU64::new(u64::from(n)),
            Some(n) => {
                return Err(Error::invalid_input(format!(
                    "list limit {n} is out of range; use 1 to 200"
                )))
            }
        };
        let client = &self.files.client;
        let g = client.generated(Operation::GetFiles);
        client.call(&g, || g.get_files(self.cursor.as_deref(), limit)).await
    }
}

impl IntoFuture for ListRequest {
    type Output = Result<GetFilesResponse, Error>;
    type IntoFuture = BoxFuture<'static, Self::Output>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// A search request; `.await` it or call [`send`](Self::send).
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until awaited"]
pub struct SearchRequest {
    files: Files,
    query: String,
    num_results: Option<u32>,
    self_only: bool,
}

impl SearchRequest {
    /// How many matches to return, 1 to 100 (server default 10).
    pub fn num_results(mut self, n: u32) -> Self {
        self.num_results = Some(n);
        self
    }

    /// Only files created by the key's own user, not the whole team.
    pub fn self_only(mut self, self_only: bool) -> Self {
        self.self_only = self_only;
        self
    }

    /// Sends the request; matches come best first.
    pub async fn send(self) -> Result<Vec<SearchFilesResult>, Error> {
        let query = self
            .query
            .as_str()
            .try_into()
            .map_err(|_| Error::invalid_input("the search query is empty; give at least one character"))?;
        let num_results = match self.num_results {
            None => NonZeroU64::new(10).expect("non-zero"),
            Some(n @ 1..=100) => NonZeroU64::new(u64::from(n)).expect("in range"),
            Some(n) => {
                return Err(Error::invalid_input(format!(
                    "num_results {n} is out of range; use 1 to 100"
                )))
            }
        };
        let body = SearchFilesRequest {
            query,
            num_results,
            self_only: self.self_only,
        };
        let client = &self.files.client;
        let g = client.generated(Operation::SearchFiles);
        Ok(client.call(&g, || g.search_files(&body)).await?.results)
    }
}

impl IntoFuture for SearchRequest {
    type Output = Result<Vec<SearchFilesResult>, Error>;
    type IntoFuture = BoxFuture<'static, Self::Output>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

impl From<&str> for CreateFileUploadRequest {
    fn from(display_name: &str) -> Self {
        CreateFileUploadRequest::new(display_name)
    }
}

impl From<String> for CreateFileUploadRequest {
    fn from(display_name: String) -> Self {
        CreateFileUploadRequest::new(display_name)
    }
}

impl CreateFileUploadRequest {
    /// A request for a permanent file of unannounced type.
    pub fn new(display_name: impl Into<String>) -> Self {
        CreateFileUploadRequest {
            display_name: display_name.into(),
            is_temporary: false,
            type_: None,
        }
    }

    /// Announces the media type (otherwise inferred after processing).
    pub fn file_type(mut self, file_type: crate::UploadFileType) -> Self {
        self.type_ = Some(file_type);
        self
    }

    /// Makes the file temporary: kept at least 24 hours, never analysed.
    pub fn temporary(mut self, temporary: bool) -> Self {
        self.is_temporary = temporary;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::check_file_id;

    #[test]
    fn ids_that_would_change_the_path_are_rejected() {
        for bad in ["", ".", "..", "a\nb", "\u{7f}x", "tab\there"] {
            let err = check_file_id(bad).unwrap_err();
            assert!(err.to_string().contains("file id"), "{err}");
        }
        for ok in ["vg_file_abc", "a/b", "%2e%2e", " spaced ", "ünï", "...", ".a"] {
            assert_eq!(check_file_id(ok).unwrap(), ok);
        }
    }
}

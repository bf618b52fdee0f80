//! `client.files()`: the eight Files operations, hydration, transfers.

pub(crate) mod hydration;
pub(crate) mod transfer;

use std::{
    future::{Future, IntoFuture},
    num::NonZeroU64,
};

use crate::{
    generated::paging::GetFilesQuery,
    runtime::{ids, paging::ListRequest, Runtime},
    types::{CreateFileUploadRequest, FileUploadResponse, SearchFilesRequest, SearchFilesResult},
    Error, File,
};

use super::BoxFuture;

/// The Files resource. Get one from [`Client::files`](crate::Client::files); cheap to clone.
#[derive(Clone, Debug)]
pub struct Files {
    pub(crate) runtime: Runtime,
}

impl Files {
    pub(crate) fn new(runtime: Runtime) -> Self {
        Files { runtime }
    }

    /// The file's stored metadata. Its signed URLs may be missing or expired;
    /// use [`hydrate`](Self::hydrate) for fresh ones.
    #[doc(alias = "getFile")]
    pub fn get(&self, file_id: impl AsRef<str>) -> impl Future<Output = Result<File, Error>> + Send + 'static {
        let (rt, id) = (self.runtime.clone(), ids::owned("fileId", file_id.as_ref()));
        async move {
            let id = id?;
            call!(rt, GetFile, |g| g.get_file(&id))
        }
    }

    /// Mints fresh signed URLs for every rendition and returns the whole file.
    /// Always asks the API; with the hydration cache on, the result is cached.
    #[doc(alias = "hydrateFile")]
    pub fn hydrate(&self, file_id: impl AsRef<str>) -> impl Future<Output = Result<File, Error>> + Send + 'static {
        let (files, call) = (self.clone(), self.hydrate_uncached(file_id.as_ref()));
        async move {
            let file = call.await?;
            files.remember(&file);
            Ok(file)
        }
    }

    /// The hydrate call alone, for loads that the cache stores itself.
    pub(crate) fn hydrate_uncached(&self, file_id: &str) -> impl Future<Output = Result<File, Error>> + Send + 'static {
        let (rt, id) = (self.runtime.clone(), ids::owned("fileId", file_id));
        async move {
            let id = id?;
            call!(rt, HydrateFile, |g| g.hydrate_file(&id))
        }
    }

    /// Archives the file: it no longer appears in listings.
    #[doc(alias = "archiveFile")]
    pub fn archive(&self, file_id: impl AsRef<str>) -> impl Future<Output = Result<File, Error>> + Send + 'static {
        let (rt, id) = (self.runtime.clone(), ids::owned("fileId", file_id.as_ref()));
        async move {
            let id = id?;
            call!(rt, ArchiveFile, |g| g.archive_file(&id))
        }
    }

    /// Publishes a permanent public copy (`staticPublicPreviewSource`) and,
    /// for media, a public playback id.
    #[doc(alias = "enablePublicPreview")]
    pub fn enable_public_preview(
        &self,
        file_id: impl AsRef<str>,
    ) -> impl Future<Output = Result<File, Error>> + Send + 'static {
        let (rt, id) = (self.runtime.clone(), ids::owned("fileId", file_id.as_ref()));
        async move {
            let id = id?;
            call!(rt, EnablePublicPreview, |g| g.enable_public_preview(&id))
        }
    }

    /// Withdraws the public copy; signed URLs keep working.
    #[doc(alias = "disablePublicPreview")]
    pub fn disable_public_preview(
        &self,
        file_id: impl AsRef<str>,
    ) -> impl Future<Output = Result<File, Error>> + Send + 'static {
        let (rt, id) = (self.runtime.clone(), ids::owned("fileId", file_id.as_ref()));
        async move {
            let id = id?;
            call!(rt, DisablePublicPreview, |g| g.disable_public_preview(&id))
        }
    }

    /// Registers a new file and returns its id and a presigned upload URL.
    ///
    /// Accepts a display name or a full [`CreateFileUploadRequest`]:
    /// `files.create_upload("clip.mp4")`. Retried only where the server
    /// cannot have created the file (429, refused connection, 503 with
    /// `Retry-After`).
    #[doc(alias = "createFileUpload")]
    pub fn create_upload(
        &self,
        request: impl Into<CreateFileUploadRequest>,
    ) -> BoxFuture<Result<FileUploadResponse, Error>> {
        let (rt, request) = (self.runtime.clone(), request.into());
        Box::pin(async move {
            if request.display_name.trim().is_empty() {
                return Err(Error::invalid_input(
                    "the upload's display name is empty; give the file a name",
                ));
            }
            call!(rt, CreateFileUpload, |g| g.create_file_upload(&request))
        })
    }

    /// A semantic search over the team's indexed files. Set options on the
    /// returned request, then `.await` it.
    #[doc(alias = "searchFiles")]
    pub fn search(&self, query: impl Into<String>) -> SearchRequest {
        SearchRequest {
            files: self.clone(),
            query: query.into(),
            num_results: None,
            self_only: false,
        }
    }

    /// One page of files, newest update first. Set options, then `.await`.
    #[doc(alias = "getFiles")]
    pub fn list(&self) -> ListRequest<GetFilesQuery> {
        ListRequest::new(self.runtime.clone())
    }

    /// Every file, page after page, as a stream (see [`ListRequest::all`]).
    pub fn list_all(&self) -> impl futures_util::Stream<Item = Result<File, Error>> + Send + 'static {
        self.list().all()
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
        if self.query.is_empty() {
            return Err(Error::invalid_input(
                "the search query is empty; give at least one character",
            ));
        }
        let query = self.query;
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
        let rt = &self.files.runtime;
        Ok(call!(rt, SearchFiles, |g| g.search_files(&body))?.results)
    }
}

impl IntoFuture for SearchRequest {
    type Output = Result<Vec<SearchFilesResult>, Error>;
    type IntoFuture = BoxFuture<Self::Output>;
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

//! `files.upload(source, options)`: create, stream the bytes, wait until ready.

use std::{
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};

use futures_util::StreamExt;
use http::header;
use tokio::{
    io::{AsyncRead, AsyncReadExt},
    // tokio's clock (the system's unless a test pauses it), like the sleeps it bounds.
    time::Instant,
};

use super::{storage_error, Progress, ProgressFn};
use crate::{
    api::files::Files, error::TimeoutKind, types::CreateFileUploadRequest, Error, File, FileSourceStatus, Rendition,
    UploadFileType,
};

/// How long [`Files::upload`] waits for processing unless told otherwise.
pub const DEFAULT_PROCESSING_TIMEOUT: Duration = Duration::from_secs(3600);
const DEFAULT_POLL_INTERVAL: Duration = Duration::from_millis(1500);
const MAX_POLL_INTERVAL: Duration = Duration::from_secs(15);

/// What to upload: a file on disk, or a reader of known length.
///
/// A path converts into a source directly: `files.upload("clip.mp4", options)`.
pub struct UploadSource {
    kind: SourceKind,
}

enum SourceKind {
    /// Opened when the upload starts; name and type come from the path.
    Path(PathBuf),
    Reader {
        reader: Box<dyn AsyncRead + Send + Unpin>,
        len: u64,
    },
}

/// An opened source, ready to stream.
struct Opened {
    reader: Box<dyn AsyncRead + Send + Unpin>,
    len: u64,
    name: Option<String>,
    content_type: Option<String>,
}

impl std::fmt::Debug for UploadSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kind {
            SourceKind::Path(path) => f.debug_tuple("UploadSource::Path").field(path).finish(),
            SourceKind::Reader { len, .. } => f.debug_struct("UploadSource::Reader").field("len", len).finish(),
        }
    }
}

impl UploadSource {
    /// A file on disk, opened when the upload starts. Its name becomes the
    /// display name and its extension gives the Content-Type (common image,
    /// video, audio, subtitle and document types; none is sent for others),
    /// unless the options say otherwise.
    pub fn path(path: impl AsRef<Path>) -> UploadSource {
        UploadSource {
            kind: SourceKind::Path(path.as_ref().to_path_buf()),
        }
    }

    /// Any reader that yields exactly `len` bytes. Give the display name in
    /// the options.
    pub fn reader(reader: impl AsyncRead + Send + Unpin + 'static, len: u64) -> UploadSource {
        UploadSource {
            kind: SourceKind::Reader {
                reader: Box::new(reader),
                len,
            },
        }
    }

    /// The number of bytes that will be sent, when it can be told now (a
    /// path that cannot be read yet gives `None`; the upload reports why).
    pub fn byte_len(&self) -> Option<u64> {
        match &self.kind {
            SourceKind::Path(path) => std::fs::metadata(path).ok().map(|m| m.len()),
            SourceKind::Reader { len, .. } => Some(*len),
        }
    }

    async fn open(self) -> Result<Opened, Error> {
        match self.kind {
            SourceKind::Reader { reader, len } => Ok(Opened {
                reader,
                len,
                name: None,
                content_type: None,
            }),
            SourceKind::Path(path) => {
                let file = tokio::fs::File::open(&path)
                    .await
                    .map_err(|e| Error::io(format!("opening {} for upload", path.display()), e))?;
                let metadata = file
                    .metadata()
                    .await
                    .map_err(|e| Error::io(format!("reading the size of {}", path.display()), e))?;
                Ok(Opened {
                    reader: Box::new(file),
                    len: metadata.len(),
                    name: path.file_name().map(|n| n.to_string_lossy().into_owned()),
                    content_type: super::content_type::content_type_for(&path).map(str::to_owned),
                })
            }
        }
    }
}

impl From<PathBuf> for UploadSource {
    fn from(path: PathBuf) -> Self {
        UploadSource::path(path)
    }
}

impl From<&Path> for UploadSource {
    fn from(path: &Path) -> Self {
        UploadSource::path(path)
    }
}

impl From<&PathBuf> for UploadSource {
    fn from(path: &PathBuf) -> Self {
        UploadSource::path(path)
    }
}

impl From<&str> for UploadSource {
    fn from(path: &str) -> Self {
        UploadSource::path(path)
    }
}

impl From<String> for UploadSource {
    fn from(path: String) -> Self {
        UploadSource::path(path)
    }
}

/// Settings of an upload; every one has a default.
#[derive(Clone)]
pub struct UploadOptions {
    display_name: Option<String>,
    file_type: Option<UploadFileType>,
    content_type: Option<String>,
    temporary: bool,
    timeout: Duration,
    poll_interval: Duration,
    progress: Option<ProgressFn>,
}

impl Default for UploadOptions {
    fn default() -> Self {
        UploadOptions {
            display_name: None,
            file_type: None,
            content_type: None,
            temporary: false,
            timeout: DEFAULT_PROCESSING_TIMEOUT,
            poll_interval: DEFAULT_POLL_INTERVAL,
            progress: None,
        }
    }
}

impl std::fmt::Debug for UploadOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UploadOptions")
            .field("display_name", &self.display_name)
            .field("file_type", &self.file_type)
            .field("content_type", &self.content_type)
            .field("temporary", &self.temporary)
            .field("timeout", &self.timeout)
            .field("poll_interval", &self.poll_interval)
            .finish_non_exhaustive()
    }
}

impl UploadOptions {
    /// Defaults: name from the path, type inferred, permanent, 1 h to process.
    pub fn new() -> Self {
        Self::default()
    }

    /// The file's display name (required for reader sources).
    pub fn display_name(mut self, name: impl Into<String>) -> Self {
        self.display_name = Some(name.into());
        self
    }

    /// Announces the media type.
    pub fn file_type(mut self, file_type: UploadFileType) -> Self {
        self.file_type = Some(file_type);
        self
    }

    /// The Content-Type sent with the bytes (default: from the extension).
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// Makes the file temporary (kept at least 24 h, not analysed).
    pub fn temporary(mut self, temporary: bool) -> Self {
        self.temporary = temporary;
        self
    }

    /// How long to wait for processing after the bytes are sent (default 1 h).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// First wait between status checks (default 1.5 s; grows by half each
    /// time up to 15 s).
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    /// Called as bytes are sent.
    pub fn on_progress(mut self, progress: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }
}

impl Files {
    /// Uploads bytes and waits until VideoGen has processed them.
    ///
    /// Creates the file, streams the bytes to the presigned URL (a PUT
    /// without the API key), then hydrates every 1.5 s (backing off) until a
    /// rendition is ready. Fails with [`Error::UploadFailed`] when processing
    /// failed, or [`Error::Timeout`] after the options' timeout (1 h).
    pub async fn upload(&self, source: impl Into<UploadSource>, options: UploadOptions) -> Result<File, Error> {
        let source = source.into().open().await?;
        let display_name = options
            .display_name
            .clone()
            .or_else(|| source.name.clone())
            .ok_or_else(|| {
                Error::invalid_input("an upload from a reader needs a name: set UploadOptions::display_name")
            })?;
        let mut request = CreateFileUploadRequest::new(display_name).temporary(options.temporary);
        request.type_ = options.file_type.clone();
        let created = self.create_upload(request).await?;
        let content_type = options.content_type.clone().or_else(|| source.content_type.clone());
        self.put_bytes(&created.upload_url, source, content_type, options.progress.clone())
            .await?;
        self.wait_until_processed(&created.file_id, &options).await
    }

    async fn put_bytes(
        &self,
        upload_url: &str,
        source: Opened,
        content_type: Option<String>,
        progress: Option<ProgressFn>,
    ) -> Result<(), Error> {
        let len = source.len;
        let mut sent = 0u64;
        let chunks =
            tokio_util::io::ReaderStream::with_capacity(source.reader.take(len), 64 * 1024).inspect(move |chunk| {
                if let (Ok(chunk), Some(progress)) = (chunk, &progress) {
                    sent += chunk.len() as u64;
                    progress(Progress {
                        bytes_done: sent,
                        total: Some(len),
                    });
                }
            });
        // No Authorization: the URL is its own credential, and the API key
        // must never reach a storage host.
        let mut request = self
            .runtime
            .http()
            .put(upload_url)
            .header(header::CONTENT_LENGTH, len)
            .body(reqwest::Body::wrap_stream(chunks));
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        let response = request.send().await.map_err(|e| Error::transport("upload", e))?;
        if !response.status().is_success() {
            let status = response.status();
            let body = response.bytes().await.unwrap_or_default();
            return Err(storage_error("upload", status, &body));
        }
        Ok(())
    }

    async fn wait_until_processed(&self, file_id: &str, options: &UploadOptions) -> Result<File, Error> {
        let deadline = Instant::now() + crate::runtime::bounded(options.timeout);
        let mut interval = options.poll_interval;
        loop {
            // GET does not attach signed sources; hydrate does.
            let file = self.hydrate(file_id).await?;
            let statuses: Vec<_> = Rendition::SIGNED
                .into_iter()
                .filter_map(|r| file.source(r).map(|s| (r, &s.status)))
                .collect();
            if statuses.iter().any(|(_, status)| **status == FileSourceStatus::Ready) {
                return Ok(file);
            }
            let failed: Vec<_> = statuses
                .iter()
                .filter(|(_, status)| **status == FileSourceStatus::Failed)
                .map(|(r, _)| r.field_name())
                .collect();
            if !failed.is_empty() {
                return Err(Error::UploadFailed {
                    file_id: file_id.to_owned(),
                    reason: format!("{} failed and no rendition is ready", failed.join(", ")),
                });
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(Error::Timeout {
                    kind: TimeoutKind::Processing,
                    after: options.timeout,
                });
            }
            tokio::time::sleep(interval.min(deadline - now)).await;
            interval = interval.mul_f64(1.5).min(MAX_POLL_INTERVAL);
        }
    }
}

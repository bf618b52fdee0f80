//! `files.download(id, dest)`: a signed URL streamed into `dest`, whole or not at all.

use std::{
    future::IntoFuture,
    io::SeekFrom,
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};

use http::{header, StatusCode};
use tokio::io::{AsyncSeekExt, AsyncWriteExt, BufWriter};

use super::{part_file::PartFile, storage_error, Progress, ProgressFn};
use crate::{
    api::{files::Files, jobs::ExportJob},
    error::TimeoutKind,
    types::ProjectExport,
    Error, File, Rendition,
};

/// Longest silence from the storage server before a download attempt is abandoned.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_MAX_RESUMES: u32 = 5;
const WRITE_BUFFER: usize = 256 * 1024;

/// What a finished download did.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Downloaded {
    /// Where the file now is.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// How many times a broken transfer was picked up again.
    pub resumes: u32,
    /// How many times the file was hydrated again because its URL had expired.
    pub rehydrations: u32,
}

/// A download; set options, then `.await` it (or call [`send`](Self::send)).
#[must_use = "a download does nothing until awaited"]
pub struct DownloadRequest {
    source: Source,
    http: reqwest::Client,
    dest: PathBuf,
    rendition: Rendition,
    progress: Option<ProgressFn>,
    read_timeout: Duration,
    max_resumes: u32,
}

impl std::fmt::Debug for DownloadRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DownloadRequest")
            .field("source", &self.source)
            .field("dest", &self.dest)
            .field("rendition", &self.rendition)
            .field("read_timeout", &self.read_timeout)
            .field("max_resumes", &self.max_resumes)
            .finish_non_exhaustive()
    }
}

impl Files {
    /// Downloads a rendition of a file (by default the best quality) to `dest`.
    ///
    /// Hydrates first when needed. Bytes stream into a temporary file next to
    /// `dest` that is renamed into place only once complete and checked
    /// against the announced size, so `dest` never holds a partial file. An
    /// expired URL (403) is re-hydrated once; a dropped connection resumes
    /// with `Range` where the server supports it. Memory use does not depend
    /// on the file's size.
    pub fn download(&self, file_id: impl Into<String>, dest: impl AsRef<Path>) -> DownloadRequest {
        DownloadRequest::new(
            Source::File {
                files: self.clone(),
                file_id: file_id.into(),
            },
            self.runtime.http().clone(),
            dest,
        )
    }
}

/// Where a download's signed URL comes from.
#[derive(Debug)]
enum Source {
    /// A stored file's rendition, hydrated when needed.
    File { files: Files, file_id: String },
    /// A finished project export's `downloadUrl`.
    Export(ExportJob),
}

impl DownloadRequest {
    fn new(source: Source, http: reqwest::Client, dest: impl AsRef<Path>) -> Self {
        DownloadRequest {
            source,
            http,
            dest: dest.as_ref().to_path_buf(),
            rendition: Rendition::Download,
            progress: None,
            read_timeout: DEFAULT_READ_TIMEOUT,
            max_resumes: DEFAULT_MAX_RESUMES,
        }
    }

    pub(crate) fn export(job: ExportJob, http: reqwest::Client, dest: impl AsRef<Path>) -> Self {
        DownloadRequest::new(Source::Export(job), http, dest)
    }

    /// The URL to start with, and the size it should have when known.
    async fn first_url(&self) -> Result<(String, Option<u64>), Error> {
        match &self.source {
            Source::File { files, file_id } => {
                let file = files.get_hydrated(file_id).await?;
                let expected = file
                    .source(self.rendition)
                    .and_then(|s| s.file_bytes)
                    .and_then(|n| u64::try_from(n).ok());
                Ok((ready_url(&file, self.rendition)?, expected))
            }
            Source::Export(job) => Ok((export_url(job.wait().await?)?, None)),
        }
    }

    /// A fresh URL after the last one expired (403).
    async fn fresh_url(&self) -> Result<String, Error> {
        match &self.source {
            Source::File { files, file_id } => {
                files.invalidate(file_id).await;
                ready_url(&files.hydrate(file_id).await?, self.rendition)
            }
            Source::Export(job) => export_url(job.get().await?),
        }
    }
    /// Which rendition to fetch: download (default), preview or thumbnail.
    /// (An export has one MP4: this does not apply.)
    pub fn rendition(mut self, rendition: Rendition) -> Self {
        self.rendition = rendition;
        self
    }

    /// Called after every chunk written, with bytes done and the total.
    pub fn on_progress(mut self, progress: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// Longest wait for the next bytes before the attempt counts as broken
    /// (default 30 s). Independent of the API call timeouts: a large file may
    /// take hours as long as bytes keep coming.
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// How many times in a row a broken transfer may be resumed without
    /// receiving new bytes before the download fails (default 5). Breaks
    /// after progress reset the count.
    pub fn max_resumes(mut self, resumes: u32) -> Self {
        self.max_resumes = resumes;
        self
    }

    /// Runs the download.
    pub async fn send(self) -> Result<Downloaded, Error> {
        let (mut url, expected) = self.first_url().await?;

        let dir = match self.dest.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let temp = PartFile::create_in(&dir)
            .map_err(|e| Error::io(format!("creating a temporary file in {}", dir.display()), e))?;
        let handle = temp
            .as_file()
            .try_clone()
            .map_err(|e| Error::io("opening the temporary file", e))?;
        let mut out = BufWriter::with_capacity(WRITE_BUFFER, tokio::fs::File::from_std(handle));

        let http = self.http.clone();
        let mut state = Transfer {
            done: 0,
            total: None,
            resumes: 0,
            rehydrations: 0,
            fruitless: 0,
            done_at_last_break: 0,
        };
        loop {
            let mut request = http.get(&url);
            if state.done > 0 {
                request = request.header(header::RANGE, format!("bytes={}-", state.done));
            }
            let response = match tokio::time::timeout(self.read_timeout, request.send()).await {
                Err(_) => {
                    state.resume_or(
                        self.max_resumes,
                        Error::Timeout {
                            kind: TimeoutKind::Read,
                            after: self.read_timeout,
                        },
                    )?;
                    continue;
                }
                Ok(Err(e)) => {
                    state.resume_or(self.max_resumes, Error::transport("download", e))?;
                    continue;
                }
                Ok(Ok(response)) => response,
            };
            match response.status() {
                StatusCode::OK => {
                    if state.done > 0 {
                        // The server ignored our Range: start over from byte 0.
                        restart(&mut out, &mut state).await?;
                    }
                    state.total = response.content_length();
                }
                StatusCode::PARTIAL_CONTENT => match content_range(&response) {
                    Some((start, total)) if start == state.done => state.total = total.or(state.total),
                    _ => {
                        // A range we did not ask for counts as a break, so a
                        // server that keeps doing it cannot loop us forever.
                        let odd = Error::Transport {
                            message: format!("asked for bytes from {}, got a different range", state.done),
                            source: "unexpected Content-Range".into(),
                        };
                        state.resume_or(self.max_resumes, odd)?;
                        restart(&mut out, &mut state).await?;
                        continue;
                    }
                },
                StatusCode::RANGE_NOT_SATISFIABLE if state.total == Some(state.done) => break,
                StatusCode::FORBIDDEN if state.rehydrations == 0 => {
                    // Signed URLs expire; a fresh one picks up where we are.
                    state.rehydrations += 1;
                    url = self.fresh_url().await?;
                    continue;
                }
                status => {
                    let body = response.bytes().await.unwrap_or_default();
                    return Err(storage_error("download", status, &body));
                }
            }
            match self.stream_body(response, &mut out, &mut state).await {
                Ok(()) if state.total.is_none_or(|total| total == state.done) => break,
                Ok(()) => {
                    let short = Error::Transport {
                        message: format!("download ended after {} of {:?} bytes", state.done, state.total),
                        source: "body shorter than announced".into(),
                    };
                    state.resume_or(self.max_resumes, short)?;
                }
                Err(StreamError::Local(error)) => return Err(error),
                Err(StreamError::Remote(error)) => state.resume_or(self.max_resumes, error)?,
            }
        }

        out.flush().await.map_err(|e| Error::io("writing the download", e))?;
        out.get_ref()
            .sync_all()
            .await
            .map_err(|e| Error::io("flushing the download to disk", e))?;
        if let Some(expected) = expected.filter(|_| state.total.is_none()) {
            if expected != state.done {
                return Err(Error::Transport {
                    message: format!(
                        "download has {} bytes but the file's fileBytes says {expected}",
                        state.done
                    ),
                    source: "size mismatch".into(),
                });
            }
        }
        temp.persist(&self.dest)
            .map_err(|e| Error::io(format!("moving the download into place at {}", self.dest.display()), e))?;
        Ok(Downloaded {
            path: self.dest,
            bytes: state.done,
            resumes: state.resumes,
            rehydrations: state.rehydrations,
        })
    }

    async fn stream_body(
        &self,
        mut response: reqwest::Response,
        out: &mut BufWriter<tokio::fs::File>,
        state: &mut Transfer,
    ) -> Result<(), StreamError> {
        loop {
            let chunk = match tokio::time::timeout(self.read_timeout, response.chunk()).await {
                Err(_) => {
                    return Err(StreamError::Remote(Error::Timeout {
                        kind: TimeoutKind::Read,
                        after: self.read_timeout,
                    }))
                }
                Ok(Err(e)) => return Err(StreamError::Remote(Error::transport("download", e))),
                Ok(Ok(None)) => return Ok(()),
                Ok(Ok(Some(chunk))) => chunk,
            };
            out.write_all(&chunk)
                .await
                .map_err(|e| StreamError::Local(Error::io("writing the download", e)))?;
            state.done += chunk.len() as u64;
            if let Some(progress) = &self.progress {
                progress(Progress {
                    bytes_done: state.done,
                    total: state.total,
                });
            }
        }
    }
}

impl IntoFuture for DownloadRequest {
    type Output = Result<Downloaded, Error>;
    type IntoFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Self::Output> + Send>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

struct Transfer {
    done: u64,
    total: Option<u64>,
    resumes: u32,
    rehydrations: u32,
    /// Breaks in a row without new bytes, and where the last one happened.
    fruitless: u32,
    done_at_last_break: u64,
}

impl Transfer {
    /// Counts a broken attempt; the error once `max_resumes` attempts in a
    /// row brought no new bytes. A link that drops now and then but makes
    /// progress is followed to the end.
    fn resume_or(&mut self, max_resumes: u32, error: Error) -> Result<(), Error> {
        if self.done > self.done_at_last_break {
            self.fruitless = 0;
        }
        self.done_at_last_break = self.done;
        if self.fruitless >= max_resumes {
            return Err(error);
        }
        self.fruitless += 1;
        self.resumes += 1;
        tracing::debug!(resumes = self.resumes, done = self.done, "resuming download: {error}");
        Ok(())
    }
}

/// A failure on our side (disk) ends the download; one on the wire may be resumed.
enum StreamError {
    Local(Error),
    Remote(Error),
}

async fn restart(out: &mut BufWriter<tokio::fs::File>, state: &mut Transfer) -> Result<(), Error> {
    out.flush().await.map_err(|e| Error::io("writing the download", e))?;
    out.get_mut()
        .set_len(0)
        .await
        .map_err(|e| Error::io("truncating the temporary file", e))?;
    out.get_mut()
        .seek(SeekFrom::Start(0))
        .await
        .map_err(|e| Error::io("rewinding the temporary file", e))?;
    state.done = 0;
    state.total = None;
    Ok(())
}

fn ready_url(file: &File, rendition: Rendition) -> Result<String, Error> {
    match file.source(rendition) {
        Some(source) => source.ready_url().map(str::to_owned).ok_or_else(|| Error::Unavailable {
            file_id: file.file_id.clone(),
            rendition,
            status: source.status.to_string(),
        }),
        None => Err(Error::Unavailable {
            file_id: file.file_id.clone(),
            rendition,
            status: "absent".into(),
        }),
    }
}

/// `Content-Range: bytes start-end/total` as (start, total).
fn content_range(response: &reqwest::Response) -> Option<(u64, Option<u64>)> {
    let value = response.headers().get(header::CONTENT_RANGE)?.to_str().ok()?;
    let (range, total) = value.strip_prefix("bytes ")?.split_once('/')?;
    let start = range.split_once('-')?.0.trim().parse().ok()?;
    Some((start, total.trim().parse().ok()))
}

/// The signed MP4 URL of a finished export.
fn export_url(export: ProjectExport) -> Result<String, Error> {
    export
        .download_url
        .filter(|url| !url.is_empty())
        .ok_or_else(|| Error::Protocol {
            message: format!(
                "export {} of project {} succeeded without a downloadUrl",
                export.export_id, export.project_id
            ),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn export(download_url: Option<&str>) -> ProjectExport {
        serde_json::from_value(serde_json::json!({
            "attemptIndex": 0, "exportId": "ex_1", "progressPercentage": 100.0,
            "projectId": "pr_1", "status": "succeeded", "downloadUrl": download_url,
        }))
        .unwrap()
    }

    #[test]
    fn a_finished_export_downloads_from_its_url_and_one_without_is_a_protocol_error() {
        let url = "https://exports.example/ex_1.mp4?sig=1";
        assert_eq!(export_url(export(Some(url))).unwrap(), url);
        for missing in [None, Some("")] {
            let error = export_url(export(missing)).unwrap_err();
            assert!(
                matches!(&error, Error::Protocol { message } if message.contains("ex_1") && message.contains("pr_1")),
                "{missing:?}: {error:?}"
            );
        }
    }
}

//! The in-memory state: files, their bytes, uploads, and the eight
//! operations on them. Payloads are `videogen` types, so they match the spec.

use std::{
    collections::{BTreeSet, HashMap},
    time::{Duration, SystemTime},
};

use bytes::Bytes;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use videogen::{
    types::{
        CreateFileUploadRequest, FileAnalysisMetadata, FileUploadResponse, GetFilesResponse, SearchFilesRequest,
        SearchFilesResult,
    },
    AnalysisLoadingState, File, FileScope, FileSource, FileSourceStatus, FileType, Rendition,
};

use crate::{
    clock::unix_millis,
    content::{fnv1a, Content, Data},
    seed::SeedFile,
    sign::Signer,
    Settings, UrlsOnRead,
};

/// Characters escaped in a path segment: all but RFC 3986 unreserved ones.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Why a request was refused: becomes an `ApiError` response.
#[derive(Debug)]
pub(crate) struct Reject {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

impl Reject {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> Reject {
        Reject {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Reject {
        Reject::new(400, "invalid_parameters", message)
    }

    pub fn not_found(id: &str) -> Reject {
        Reject::new(404, "not_found", format!("no file with id {id:?}"))
    }
}

/// What a finished upload received, for tests to inspect through
/// [`FakeVideoGen::upload`](crate::FakeVideoGen::upload).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReceivedUpload {
    /// How many bytes the PUT carried.
    pub len: u64,
    /// SHA-256 of those bytes, lowercase hex.
    pub sha256: String,
    /// The request's `Content-Type`, if any.
    pub content_type: Option<String>,
    /// The bytes themselves, unless larger than the fake keeps
    /// ([`Builder::max_kept_upload`](crate::Builder::max_kept_upload)).
    pub bytes: Option<Bytes>,
}

/// A pending change of status: upload processing or a seeded delay.
#[derive(Debug)]
struct Processing {
    /// When it completes; `None` while an upload's bytes have not arrived.
    done_at: Option<SystemTime>,
    /// Each rendition's status once done (before any failure is applied).
    outcome: HashMap<Rendition, FileSourceStatus>,
    /// Fails however the fake-wide switch is set.
    fail: bool,
    /// Created by an upload, so `fail_uploads` applies.
    upload: bool,
    /// The type the file gets once processed (uploads learn it from the
    /// announced type or the Content-Type).
    file_type: Option<FileType>,
}

/// An upload whose processing ended, for the webhook sender.
#[derive(Clone, Debug)]
pub(crate) struct UploadEnd {
    pub file_id: String,
    pub at: SystemTime,
    pub failed: bool,
}

/// One file and everything the fake knows about it.
#[derive(Debug)]
pub(crate) struct Record {
    /// The canonical state, without signed URLs.
    file: File,
    contents: HashMap<Rendition, Content>,
    /// The last URL minted per rendition, with its expiry.
    minted: HashMap<Rendition, (String, f64)>,
    /// Update order: lists show the highest first.
    seq: u64,
    archived: bool,
    created_by_self: bool,
    processing: Option<Processing>,
    /// An upload URL's expiry (Unix milliseconds) and, once PUT, what it received.
    upload: Option<(u64, Option<ReceivedUpload>)>,
}

/// All state of one fake server.
#[derive(Debug)]
pub(crate) struct Store {
    files: HashMap<String, Record>,
    next_seq: u64,
    rng: fastrand::Rng,
    pub signer: Signer,
    pub base_url: String,
    pub settings: Settings,
    fail_uploads: bool,
    /// Uploads whose bytes arrived and whose processing has not ended.
    processing_uploads: BTreeSet<String>,
    /// Uploads that ended since the webhook sender last looked.
    upload_ends: Vec<UploadEnd>,
}

impl Store {
    pub fn new(base_url: String, settings: Settings) -> Store {
        let mut rng = settings
            .rng_seed
            .map_or_else(fastrand::Rng::new, fastrand::Rng::with_seed);
        let signer = Signer::new(&mut rng);
        let fail_uploads = settings.fail_uploads;
        Store {
            files: HashMap::new(),
            next_seq: 0,
            rng,
            signer,
            base_url,
            settings,
            fail_uploads,
            processing_uploads: BTreeSet::new(),
            upload_ends: Vec::new(),
        }
    }

    fn bump(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    pub fn set_fail_uploads(&mut self, fail: bool) {
        self.fail_uploads = fail;
    }

    /// Adds (or replaces) a seeded file.
    pub fn seed(&mut self, seed: SeedFile, now: SystemTime) -> String {
        let id = seed.id.clone();
        let seq = self.bump();
        let mut record = record_from_seed(seed, seq, now);
        if record.file.is_public_preview_enabled == Some(true) {
            record.publish(&self.base_url);
        }
        self.files.insert(id.clone(), record);
        id
    }

    /// Whether a file with this id exists (archived or not).
    pub fn contains(&self, id: &str) -> bool {
        self.files.contains_key(id)
    }

    /// The file as stored, without settling processing or adding URLs.
    pub fn peek_file(&self, id: &str) -> Option<File> {
        self.files.get(id).map(|r| r.file.clone())
    }

    pub fn remove(&mut self, id: &str) -> bool {
        self.files.remove(id).is_some()
    }

    /// A file by id, with any finished processing applied.
    fn record(&mut self, id: &str, now: SystemTime) -> Result<&mut Record, Reject> {
        let record = self.files.get_mut(id).ok_or_else(|| Reject::not_found(id))?;
        self.upload_ends
            .extend(record.settle(now, self.fail_uploads, &self.base_url));
        Ok(record)
    }

    fn settle_all(&mut self, now: SystemTime) {
        let (fail_uploads, base, ends) = (self.fail_uploads, &self.base_url, &mut self.upload_ends);
        self.files
            .values_mut()
            .for_each(|r| ends.extend(r.settle(now, fail_uploads, base)));
    }

    /// Ends the uploads whose processing is due and hands over every upload
    /// that ended since the last call (each exactly once).
    pub fn take_upload_ends(&mut self, now: SystemTime) -> Vec<UploadEnd> {
        let (fail_uploads, base, ends) = (self.fail_uploads, &self.base_url, &mut self.upload_ends);
        let files = &mut self.files;
        self.processing_uploads.retain(|id| match files.get_mut(id) {
            Some(record) => {
                ends.extend(record.settle(now, fail_uploads, base));
                record.processing.is_some()
            }
            None => false,
        });
        std::mem::take(&mut self.upload_ends)
    }

    /// Whether uploads ended that the webhook sender has not seen.
    pub fn has_upload_ends(&self) -> bool {
        !self.upload_ends.is_empty()
    }

    /// Drops ended uploads nobody will be told about (no endpoints).
    pub fn forget_upload_ends(&mut self) {
        self.upload_ends.clear();
    }

    /// When the next upload's processing ends.
    pub fn next_upload_due(&self) -> Option<SystemTime> {
        self.processing_uploads
            .iter()
            .filter_map(|id| self.files.get(id)?.processing.as_ref()?.done_at)
            .min()
    }

    /// The file as the API shows it outside hydrate.
    fn read_view(&mut self, id: &str, now: SystemTime) -> Result<File, Reject> {
        match self.settings.urls_on_read {
            UrlsOnRead::Fresh => self.hydrate(id, now),
            UrlsOnRead::LastMinted => Ok(self.record(id, now)?.view(true)),
            UrlsOnRead::Omit => Ok(self.record(id, now)?.view(false)),
        }
    }

    /// The file without any signed URL (for tests).
    pub fn peek(&mut self, id: &str, now: SystemTime) -> Option<File> {
        self.record(id, now).ok().map(|r| r.view(false))
    }

    pub fn get(&mut self, id: &str, now: SystemTime) -> Result<File, Reject> {
        self.read_view(id, now)
    }

    /// Mints fresh signed URLs for every ready signed rendition.
    pub fn hydrate(&mut self, id: &str, now: SystemTime) -> Result<File, Reject> {
        let expires = unix_millis(now + self.settings.url_ttl);
        let base = &self.base_url;
        let record = self.files.get_mut(id).ok_or_else(|| Reject::not_found(id))?;
        self.upload_ends.extend(record.settle(now, self.fail_uploads, base));
        for rendition in Rendition::SIGNED {
            let ready = record.file.source(rendition).is_some_and(FileSource::is_ready);
            if ready && record.contents.contains_key(&rendition) {
                let segment = segment(rendition);
                let sig = self.signer.sign(&format!("download/{id}/{segment}"), expires);
                let url = format!("{base}/download/{}/{segment}?expires={expires}&sig={sig}", encode(id));
                record.minted.insert(rendition, (url, expires as f64 / 1000.0));
            }
        }
        Ok(record.view(true))
    }

    pub fn archive(&mut self, id: &str, now: SystemTime) -> Result<File, Reject> {
        let seq = self.bump();
        let record = self.record(id, now)?;
        record.archived = true;
        record.seq = seq;
        self.read_view(id, now)
    }

    pub fn set_public_preview(&mut self, id: &str, enabled: bool, now: SystemTime) -> Result<File, Reject> {
        let seq = self.bump();
        let base = self.base_url.clone();
        let record = self.record(id, now)?;
        record.seq = seq;
        if enabled {
            record.publish(&base);
        } else {
            record.file.is_public_preview_enabled = Some(false);
            record.file.static_public_preview_source = None;
            record.file.public_playback_id = None;
            record.file.public_hls_url = None;
        }
        self.read_view(id, now)
    }

    /// One page, newest update first. Cursors carry the last item's update
    /// number, so pages stay consistent while files are added.
    pub fn list(&mut self, now: SystemTime, limit: usize, cursor: Option<&str>) -> Result<GetFilesResponse, Reject> {
        self.settle_all(now);
        let visible = self
            .files
            .values()
            .filter(|r| !r.archived)
            .map(|r| (r.seq, r.file.file_id.clone()));
        let found = crate::paging::page("files", visible, limit, cursor)?;
        let files = found
            .items
            .iter()
            .map(|id| self.read_view(id, now))
            .collect::<Result<_, _>>()?;
        Ok(GetFilesResponse {
            files,
            has_more: found.has_more,
            next_cursor: found.next_cursor,
        })
    }

    /// Files ranked by the share of query words found in their name,
    /// description and transcript; ties newest first.
    pub fn search(&mut self, now: SystemTime, request: &SearchFilesRequest) -> Result<Vec<SearchFilesResult>, Reject> {
        let query = words(&request.query);
        self.settle_all(now);
        let mut scored: Vec<(f32, u64, String)> = self
            .files
            .values()
            .filter(|r| !r.archived && (r.created_by_self || !request.self_only))
            .filter_map(|r| {
                let f = &r.file;
                let text = [&f.display_name, &f.description, &f.transcript].map(|t| t.as_deref().unwrap_or_default());
                let found = words(&text.join(" "));
                let hits = query.iter().filter(|w| found.contains(*w)).count();
                (hits > 0).then(|| (hits as f32 / query.len() as f32, r.seq, f.file_id.clone()))
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
        scored.truncate(request.num_results.get() as usize);
        scored
            .into_iter()
            .map(|(similarity, _, id)| {
                Ok(SearchFilesResult {
                    similarity,
                    file: self.read_view(&id, now)?,
                })
            })
            .collect()
    }

    /// Registers a file awaiting its bytes; returns its presigned upload URL.
    pub fn create_upload(&mut self, request: CreateFileUploadRequest, now: SystemTime) -> FileUploadResponse {
        let id = format!(
            "vg_file_{}",
            (0..20).map(|_| self.rng.alphanumeric()).collect::<String>()
        );
        let expires = unix_millis(now + self.settings.upload_url_ttl);
        let sig = self.signer.sign(&format!("upload/{id}"), expires);
        let upload_url = format!("{}/upload/{}?expires={expires}&sig={sig}", self.base_url, encode(&id));
        let scope = if request.is_temporary {
            FileScope::Temporary
        } else {
            FileScope::Global
        };
        let file_type = request.type_.map(|t| FileType::from(t.as_str()));
        let mut file = empty_file(&id, scope, file_type);
        file.display_name = Some(request.display_name);
        for rendition in Rendition::SIGNED {
            *slot(&mut file, rendition) = Some(source(FileSourceStatus::Pending));
        }
        file.file_analysis_metadata = Some(analysis(AnalysisLoadingState::Unattempted, 0.0));
        let seq = self.bump();
        let processing = Processing {
            done_at: None,
            outcome: HashMap::new(),
            fail: false,
            upload: true,
            file_type: None,
        };
        let record = Record {
            file,
            contents: HashMap::new(),
            minted: HashMap::new(),
            seq,
            archived: false,
            created_by_self: true,
            processing: Some(processing),
            upload: Some((expires, None)),
        };
        self.files.insert(id.clone(), record);
        FileUploadResponse {
            file_id: id,
            upload_url,
        }
    }

    /// Checks an upload URL before its body is read.
    pub fn check_upload(&self, id: &str, expires: u64, sig: &str, now: SystemTime) -> Result<(), Reject> {
        if !self.signer.verify(&format!("upload/{id}"), expires, sig) {
            return Err(Reject::new(
                403,
                "signature_mismatch",
                "the upload URL's signature does not match",
            ));
        }
        if unix_millis(now) >= expires {
            return Err(Reject::new(403, "expired", "the upload URL has expired"));
        }
        match self.files.get(id).and_then(|r| r.upload.as_ref()) {
            None => Err(Reject::not_found(id)),
            Some((_, Some(_))) if self.files[id].processing.is_none() => Err(Reject::new(
                409,
                "already_processed",
                "this upload was already received and processed",
            )),
            Some(_) => Ok(()),
        }
    }

    /// Stores an upload's bytes and starts processing.
    pub fn finish_upload(&mut self, id: &str, received: ReceivedUpload, now: SystemTime) -> Result<(), Reject> {
        let delay = self.settings.processing_delay;
        let seq = self.bump();
        let record = self.files.get_mut(id).ok_or_else(|| Reject::not_found(id))?;
        let file_type = record
            .file
            .type_
            .clone()
            .unwrap_or_else(|| type_from_mime(received.content_type.as_deref()));
        let seed = fnv1a(id.as_bytes());
        let main = Content {
            data: match &received.bytes {
                Some(bytes) => Data::Stored(bytes.clone()),
                None => Data::Generated {
                    seed,
                    len: received.len,
                },
            },
            content_type: received
                .content_type
                .clone()
                .unwrap_or_else(|| mime(&file_type, Rendition::Download).into()),
        };
        let mut outcome = HashMap::new();
        record.contents.clear();
        for rendition in Rendition::SIGNED {
            let status = if applies(Some(&file_type), rendition) {
                let content = match rendition {
                    Rendition::Download | Rendition::Preview => main.clone(),
                    _ => Content::generated(
                        seed ^ fnv1a(segment(rendition).as_bytes()),
                        default_size(rendition, received.len),
                        mime(&file_type, rendition),
                    ),
                };
                record.contents.insert(rendition, content);
                FileSourceStatus::Ready
            } else {
                FileSourceStatus::Skipped
            };
            outcome.insert(rendition, status);
        }
        record.seq = seq;
        if let Some((_, slot)) = &mut record.upload {
            *slot = Some(received);
        }
        let processing = record.processing.get_or_insert(Processing {
            done_at: None,
            outcome: HashMap::new(),
            fail: false,
            upload: true,
            file_type: None,
        });
        processing.done_at = Some(now + delay);
        processing.outcome = outcome;
        processing.file_type = Some(file_type);
        self.processing_uploads.insert(id.to_owned());
        Ok(())
    }

    pub fn set_fail(&mut self, id: &str) -> bool {
        match self.files.get_mut(id) {
            Some(Record {
                processing: Some(processing),
                ..
            }) => {
                processing.fail = true;
                true
            }
            _ => false,
        }
    }

    pub fn set_status(&mut self, id: &str, rendition: Rendition, status: FileSourceStatus) -> bool {
        let Some(record) = self.files.get_mut(id) else {
            return false;
        };
        match slot(&mut record.file, rendition) {
            Some(source) => source.status = status,
            none => *none = Some(self::source(status)),
        }
        if !record.contents.contains_key(&rendition) {
            let len = default_size(rendition, 1 << 20);
            let mime = mime(record.file.type_.as_ref().unwrap_or(&FileType::Video), rendition);
            record
                .contents
                .insert(rendition, Content::generated(fnv1a(id.as_bytes()), len, mime));
        }
        true
    }

    pub fn received(&self, id: &str) -> Option<ReceivedUpload> {
        self.files.get(id)?.upload.as_ref()?.1.clone()
    }

    /// The content behind a signed download URL, after checking it.
    pub fn download(
        &mut self,
        id: &str,
        segment_name: &str,
        expires: u64,
        sig: &str,
        now: SystemTime,
    ) -> Result<Content, Reject> {
        if !self
            .signer
            .verify(&format!("download/{id}/{segment_name}"), expires, sig)
        {
            return Err(Reject::new(
                403,
                "signature_mismatch",
                "the URL's signature does not match",
            ));
        }
        if unix_millis(now) >= expires {
            return Err(Reject::new(
                403,
                "expired",
                "the signed URL has expired; hydrate the file for a fresh one",
            ));
        }
        let rendition = Rendition::SIGNED.into_iter().find(|r| segment(*r) == segment_name);
        let record = self.record(id, now)?;
        rendition
            .filter(|r| record.file.source(*r).is_some_and(FileSource::is_ready))
            .and_then(|r| record.contents.get(&r).cloned())
            .ok_or_else(|| Reject::new(404, "not_found", format!("rendition {segment_name:?} is not ready")))
    }

    /// The content of a public preview copy, while public preview is on.
    pub fn public_copy(&mut self, id: &str, hls: bool, now: SystemTime) -> Result<Content, Reject> {
        let record = self.record(id, now)?;
        let wanted: &[Rendition] = if hls {
            &[Rendition::Hls]
        } else {
            &[Rendition::Preview, Rendition::Download]
        };
        let content = wanted
            .iter()
            .find(|r| record.file.source(**r).is_some_and(FileSource::is_ready))
            .and_then(|r| record.contents.get(r));
        match content {
            Some(content) if record.file.is_public_preview_enabled == Some(true) => Ok(content.clone()),
            _ => Err(Reject::new(
                404,
                "not_found",
                "public preview is not enabled for this file",
            )),
        }
    }

    /// Bytes of one rendition, whatever its status (for tests).
    pub fn content(&self, id: &str, rendition: Rendition) -> Option<Content> {
        self.files.get(id)?.contents.get(&rendition).cloned()
    }
}

impl Record {
    /// Applies finished processing; says so when it ended an upload's.
    fn settle(&mut self, now: SystemTime, fail_uploads: bool, base: &str) -> Option<UploadEnd> {
        let done_at = self.processing.as_ref()?.done_at.filter(|at| *at <= now)?;
        let processing = self.processing.take()?;
        let fail = processing.fail || (processing.upload && fail_uploads);
        let ended = processing.upload.then(|| UploadEnd {
            file_id: self.file.file_id.clone(),
            at: done_at,
            failed: fail,
        });
        if let Some(file_type) = processing.file_type {
            self.file.type_ = Some(file_type);
        }
        for (rendition, status) in processing.outcome {
            let status = match status {
                FileSourceStatus::Ready if fail => FileSourceStatus::Failed,
                other => other,
            };
            if let Some(source) = slot(&mut self.file, rendition) {
                source.status = status;
                source.file_bytes = self.contents.get(&rendition).map(|c| c.len() as i64);
            }
        }
        let temporary = self.file.scope == FileScope::Temporary;
        self.file.file_analysis_metadata = Some(match (fail, temporary) {
            (true, _) => analysis(AnalysisLoadingState::Rejected, 0.0),
            (false, true) => analysis(AnalysisLoadingState::Unattempted, 0.0),
            (false, false) => analysis(AnalysisLoadingState::Fulfilled, 100.0),
        });
        if self.file.is_public_preview_enabled == Some(true) {
            self.publish(base);
        }
        ended
    }

    /// Publishes the public preview (on seeding, enabling, and again when
    /// processing ends): a permanent, unsigned copy of the preview
    /// (or, lacking one, the download) and, for media, a playback id.
    fn publish(&mut self, base: &str) {
        let id = self.file.file_id.clone();
        let copy = [Rendition::Preview, Rendition::Download]
            .into_iter()
            .find_map(|r| self.file.source(r))
            .cloned();
        let status = copy.as_ref().map_or(FileSourceStatus::Pending, |s| s.status.clone());
        let ready = status == FileSourceStatus::Ready;
        let file = &mut self.file;
        file.is_public_preview_enabled = Some(true);
        file.static_public_preview_source = Some(FileSource {
            url: ready.then(|| format!("{base}/public/{}", encode(&id))),
            expires_at: None,
            status,
            width: copy.as_ref().and_then(|s| s.width),
            height: copy.as_ref().and_then(|s| s.height),
            file_bytes: copy.as_ref().and_then(|s| s.file_bytes),
        });
        if matches!(file.type_, Some(FileType::Video | FileType::Audio)) {
            file.public_playback_id = Some(format!("vg_play_{:016x}", fnv1a(id.as_bytes())));
            let hls_ready = file.source(Rendition::Hls).is_some_and(FileSource::is_ready);
            file.public_hls_url = hls_ready.then(|| format!("{base}/public/{}/hls", encode(&id)));
        }
    }

    /// The file as sent: with the last minted URLs of ready renditions, or none.
    fn view(&self, with_urls: bool) -> File {
        let mut file = self.file.clone();
        if with_urls {
            for (rendition, (url, expires)) in &self.minted {
                if let Some(source) = slot(&mut file, *rendition).as_mut().filter(|s| s.is_ready()) {
                    source.url = Some(url.clone());
                    source.expires_at = videogen::Timestamp::from_unix_seconds(*expires);
                }
            }
        }
        file
    }
}

fn record_from_seed(seed: SeedFile, seq: u64, now: SystemTime) -> Record {
    let id = seed.id;
    let file_type = seed.file_type;
    let base_seed = fnv1a(id.as_bytes());
    let mut file = empty_file(&id, seed.scope.clone(), file_type.clone());
    let kind = file_type.clone().unwrap_or(FileType::Video);
    file.display_name = Some(
        seed.display_name
            .unwrap_or_else(|| format!("{id}.{}", extension(&kind))),
    );
    file.description = seed.description;
    file.transcript = seed.transcript;
    let media = matches!(kind, FileType::Video | FileType::Audio);
    file.duration_seconds = seed.duration_seconds.or(media.then_some(12.5));
    if let Some((tool, execution)) = seed.source_tool {
        file.source_tool_type = Some(tool);
        file.source_tool_execution_id = Some(execution);
    }
    let visual = !matches!(kind, FileType::Audio);
    let (width, height) = seed.dimensions.unwrap_or((1920, 1080));
    let mut contents = HashMap::new();
    let mut outcome = HashMap::new();
    for rendition in Rendition::SIGNED {
        if seed.absent.contains(&rendition) {
            continue;
        }
        let status = seed.statuses.get(&rendition).cloned().unwrap_or_else(|| {
            if applies(file_type.as_ref(), rendition) {
                seed.status.clone()
            } else {
                FileSourceStatus::Skipped
            }
        });
        let len = seed
            .sizes
            .get(&rendition)
            .copied()
            .unwrap_or_else(|| default_size(rendition, seed.bytes));
        let content = match (&seed.content, rendition) {
            (Some(bytes), Rendition::Download | Rendition::Preview) => Content {
                data: Data::Stored(bytes.clone()),
                content_type: mime(&kind, rendition).into(),
            },
            _ => Content::generated(
                base_seed ^ fnv1a(segment(rendition).as_bytes()),
                len,
                mime(&kind, rendition),
            ),
        };
        let mut source = source(status.clone());
        if status != FileSourceStatus::Skipped {
            source.file_bytes = Some(content.len() as i64);
            if visual && rendition != Rendition::Hls {
                let target = match rendition {
                    Rendition::Thumbnail => 180,
                    Rendition::Preview => 720,
                    _ => height,
                }
                .min(height);
                source.width = Some(width * target / height.max(1));
                source.height = Some(target);
            }
            contents.insert(rendition, content);
        }
        outcome.insert(rendition, status);
        *slot(&mut file, rendition) = Some(source);
    }
    let state = match (&seed.status, &seed.scope) {
        (_, FileScope::Temporary) => analysis(AnalysisLoadingState::Unattempted, 0.0),
        (FileSourceStatus::Ready, _) => analysis(AnalysisLoadingState::Fulfilled, 100.0),
        (FileSourceStatus::Pending, _) => analysis(AnalysisLoadingState::Loading, 40.0),
        _ => analysis(AnalysisLoadingState::Rejected, 0.0),
    };
    file.file_analysis_metadata = Some(match seed.analysis {
        Some((state, percent)) => analysis(state, percent),
        None => state,
    });
    let processing = seed.processing.map(|(delay, fail)| {
        for rendition in Rendition::SIGNED {
            if let Some(source) = slot(&mut file, rendition)
                .as_mut()
                .filter(|s| s.status != FileSourceStatus::Skipped)
            {
                source.status = FileSourceStatus::Pending;
            }
        }
        Processing {
            done_at: Some(now + delay),
            outcome,
            fail,
            upload: false,
            file_type: None,
        }
    });
    file.is_public_preview_enabled = Some(seed.public_preview);
    Record {
        file,
        contents,
        minted: HashMap::new(),
        seq,
        archived: seed.archived,
        created_by_self: seed.created_by_self,
        processing,
        upload: None,
    }
}

fn empty_file(id: &str, scope: FileScope, file_type: Option<FileType>) -> File {
    File {
        description: None,
        display_name: None,
        download_source: None,
        duration_seconds: None,
        file_analysis_metadata: None,
        file_id: id.to_owned(),
        hls_source: None,
        is_public_preview_enabled: Some(false),
        preview_source: None,
        public_hls_url: None,
        public_playback_id: None,
        scope,
        source_tool_execution_id: None,
        source_tool_type: None,
        static_public_preview_source: None,
        thumbnail_source: None,
        transcript: None,
        type_: file_type,
    }
}

fn source(status: FileSourceStatus) -> FileSource {
    FileSource {
        status,
        url: None,
        expires_at: None,
        width: None,
        height: None,
        file_bytes: None,
    }
}

fn analysis(state: AnalysisLoadingState, percent: f64) -> FileAnalysisMetadata {
    FileAnalysisMetadata {
        analysis_attempt_index: (state == AnalysisLoadingState::Loading).then_some(0),
        analysis_loading_state: state,
        analysis_progress_percentage: percent,
    }
}

/// The field of a rendition's source.
fn slot(file: &mut File, rendition: Rendition) -> &mut Option<FileSource> {
    match rendition {
        Rendition::Thumbnail => &mut file.thumbnail_source,
        Rendition::Preview => &mut file.preview_source,
        Rendition::Download => &mut file.download_source,
        Rendition::Hls => &mut file.hls_source,
        _ => &mut file.static_public_preview_source,
    }
}

/// The path segment of a rendition in download URLs.
pub(crate) fn segment(rendition: Rendition) -> &'static str {
    match rendition {
        Rendition::Thumbnail => "thumbnail",
        Rendition::Preview => "preview",
        Rendition::Download => "download",
        Rendition::Hls => "hls",
        _ => "public",
    }
}

/// A file id as one URL path segment.
pub(crate) fn encode(id: &str) -> String {
    utf8_percent_encode(id, SEGMENT).to_string()
}

/// Whether files of this type have the rendition (otherwise it is `skipped`).
fn applies(file_type: Option<&FileType>, rendition: Rendition) -> bool {
    match file_type {
        None | Some(FileType::Video) => true,
        Some(FileType::Audio) => rendition != Rendition::Thumbnail,
        Some(FileType::Image | FileType::Pdf | FileType::Slideshow) => rendition != Rendition::Hls,
        Some(_) => matches!(rendition, Rendition::Thumbnail | Rendition::Download),
    }
}

fn default_size(rendition: Rendition, bytes: u64) -> u64 {
    match rendition {
        Rendition::Thumbnail => bytes.min(16 << 10),
        Rendition::Preview => (bytes / 4).max(bytes.min(1)),
        Rendition::Hls => bytes.min(2 << 10),
        _ => bytes,
    }
}

fn mime(file_type: &FileType, rendition: Rendition) -> &'static str {
    match (rendition, file_type) {
        (Rendition::Thumbnail, _) => "image/jpeg",
        (Rendition::Hls, _) => "application/vnd.apple.mpegurl",
        (_, FileType::Video) => "video/mp4",
        (_, FileType::Image) => "image/png",
        (_, FileType::Audio) => "audio/mpeg",
        (_, FileType::Pdf) => "application/pdf",
        (_, FileType::Slideshow) => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _ => "application/octet-stream",
    }
}

fn extension(file_type: &FileType) -> &'static str {
    match file_type {
        FileType::Video => "mp4",
        FileType::Image => "png",
        FileType::Audio => "mp3",
        FileType::Pdf => "pdf",
        FileType::Slideshow => "pptx",
        _ => "bin",
    }
}

fn type_from_mime(content_type: Option<&str>) -> FileType {
    match content_type.unwrap_or_default().split('/').next().unwrap_or_default() {
        "image" => FileType::Image,
        "audio" => FileType::Audio,
        _ if content_type == Some("application/pdf") => FileType::Pdf,
        _ => FileType::Video,
    }
}

/// Lowercase alphanumeric words.
fn words(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// A duration in whole seconds, rounded up (for `Retry-After`).
pub(crate) fn ceil_seconds(duration: Duration) -> u64 {
    duration.as_secs() + u64::from(duration.subsec_nanos() > 0)
}

//! Helpers on [`File`] and [`FileSource`]: URLs, expiry, and when to hydrate.

use std::time::{Duration, SystemTime};

use crate::{enums::FileSourceStatus, types::FileSource, File};

/// How long before `expiresAt` a URL counts as expired: a URL handed to a
/// browser or a worker must survive the trip. The vendor SDKs use 60 s too.
pub const DEFAULT_EXPIRY_MARGIN: Duration = Duration::from_secs(60);

/// One rendition of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rendition {
    /// `thumbnailSource`: a small still.
    Thumbnail,
    /// `previewSource`: 720p video or a resized image.
    Preview,
    /// `downloadSource`: the best quality.
    Download,
    /// `hlsSource`: a private HLS stream.
    Hls,
    /// `staticPublicPreviewSource`: the permanent public copy.
    StaticPublicPreview,
}

impl Rendition {
    /// Every rendition, in the order the API lists them.
    pub const ALL: [Rendition; 5] = [
        Rendition::Thumbnail,
        Rendition::Preview,
        Rendition::Download,
        Rendition::Hls,
        Rendition::StaticPublicPreview,
    ];

    /// The signed renditions hydration refreshes (all but the public copy).
    pub const SIGNED: [Rendition; 4] = [
        Rendition::Thumbnail,
        Rendition::Preview,
        Rendition::Download,
        Rendition::Hls,
    ];

    /// The JSON field that holds this rendition.
    pub fn field_name(self) -> &'static str {
        match self {
            Rendition::Thumbnail => "thumbnailSource",
            Rendition::Preview => "previewSource",
            Rendition::Download => "downloadSource",
            Rendition::Hls => "hlsSource",
            Rendition::StaticPublicPreview => "staticPublicPreviewSource",
        }
    }
}

impl File {
    /// The id to store and pass back (`vg_file_...`).
    pub fn id(&self) -> &str {
        &self.file_id
    }

    /// One rendition's source, if the file has it.
    pub fn source(&self, rendition: Rendition) -> Option<&FileSource> {
        match rendition {
            Rendition::Thumbnail => self.thumbnail_source.as_ref(),
            Rendition::Preview => self.preview_source.as_ref(),
            Rendition::Download => self.download_source.as_ref(),
            Rendition::Hls => self.hls_source.as_ref(),
            Rendition::StaticPublicPreview => self.static_public_preview_source.as_ref(),
        }
    }

    /// Every source the file has, with its rendition.
    pub fn sources(&self) -> impl Iterator<Item = (Rendition, &FileSource)> {
        Rendition::ALL
            .into_iter()
            .filter_map(|r| self.source(r).map(|s| (r, s)))
    }

    /// The URL of a ready rendition.
    pub fn url(&self, rendition: Rendition) -> Option<&str> {
        self.source(rendition)?.ready_url()
    }

    /// The best-quality URL, when ready and hydrated.
    pub fn download_url(&self) -> Option<&str> {
        self.url(Rendition::Download)
    }

    /// The preview URL, when ready and hydrated.
    pub fn preview_url(&self) -> Option<&str> {
        self.url(Rendition::Preview)
    }

    /// The thumbnail URL, when ready and hydrated.
    pub fn thumbnail_url(&self) -> Option<&str> {
        self.url(Rendition::Thumbnail)
    }

    /// The private HLS URL, when ready and hydrated.
    pub fn hls_url(&self) -> Option<&str> {
        self.url(Rendition::Hls)
    }

    /// The permanent public URL, while public preview is enabled.
    pub fn public_preview_url(&self) -> Option<&str> {
        self.url(Rendition::StaticPublicPreview)
    }

    /// The earliest expiry among ready signed URLs: after this, at least one
    /// URL of the file stops working. `None` when no ready URL expires.
    pub fn expires_at(&self) -> Option<SystemTime> {
        Rendition::SIGNED
            .into_iter()
            .filter_map(|r| self.source(r))
            .filter(|s| s.ready_url().is_some())
            .filter_map(FileSource::expires_at)
            .min()
    }

    /// Whether the signed URLs must be refreshed before use, with the default
    /// 60-second margin. See [`needs_hydration_with_margin`](Self::needs_hydration_with_margin).
    pub fn needs_hydration(&self, now: SystemTime) -> bool {
        self.needs_hydration_with_margin(now, DEFAULT_EXPIRY_MARGIN)
    }

    /// Whether to hydrate, by the vendor SDKs' rule: any of thumbnail,
    /// preview, download or HLS is `pending`, or `ready` without a URL, or
    /// `ready` with a URL expiring at or before `now + margin`; or no source at
    /// all is ready with a URL. Failed and skipped sources are otherwise ignored.
    pub fn needs_hydration_with_margin(&self, now: SystemTime, margin: Duration) -> bool {
        let horizon = now + margin;
        let mut any_usable = false;
        for source in Rendition::SIGNED.into_iter().filter_map(|r| self.source(r)) {
            match source.status {
                FileSourceStatus::Pending => return true,
                FileSourceStatus::Ready => match source.ready_url() {
                    None => return true,
                    Some(_) if source.expires_at().is_some_and(|at| at <= horizon) => return true,
                    Some(_) => any_usable = true,
                },
                _ => {}
            }
        }
        !any_usable && self.public_preview_url().is_none()
    }
}

impl FileSource {
    /// Whether the rendition is ready.
    pub fn is_ready(&self) -> bool {
        self.status == FileSourceStatus::Ready
    }

    /// The URL, if the rendition is ready and the URL is not empty.
    pub fn ready_url(&self) -> Option<&str> {
        self.url.as_deref().filter(|url| self.is_ready() && !url.is_empty())
    }

    /// When the signed URL stops working; `None` for URLs that do not expire
    /// (or an `expiresAt` that is not a usable time).
    pub fn expires_at(&self) -> Option<SystemTime> {
        let seconds = self.expires_at.filter(|s| s.is_finite() && *s > 0.0)?;
        Duration::try_from_secs_f64(seconds)
            .ok()
            .and_then(|d| SystemTime::UNIX_EPOCH.checked_add(d))
    }

    /// Whether the URL expires at or before `at`.
    pub fn is_expired_at(&self, at: SystemTime) -> bool {
        self.expires_at().is_some_and(|expiry| expiry <= at)
    }
}

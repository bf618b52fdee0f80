//! Helpers on [`File`] and [`FileSource`]: URLs, expiry, and when to hydrate.

use std::time::{Duration, SystemTime};

use crate::{types::FileSource, File, FileSourceStatus};

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
        // A margin past the end of representable time: every URL expires within it.
        let Some(horizon) = now.checked_add(margin) else {
            return true;
        };
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
        // A zero or negative `expiresAt` is no usable time: treat as none.
        let at = self.expires_at.as_ref()?.to_system_time();
        (at > SystemTime::UNIX_EPOCH).then_some(at)
    }

    /// Whether the URL expires at or before `at`.
    pub fn is_expired_at(&self, at: SystemTime) -> bool {
        self.expires_at().is_some_and(|expiry| expiry <= at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FileScope;

    const NOW: u64 = 1_800_000_000;

    fn now() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(NOW)
    }

    fn source(status: &str, url: Option<&str>, expires_in: Option<i64>) -> FileSource {
        FileSource {
            status: status.into(),
            url: url.map(str::to_owned),
            expires_at: expires_in.and_then(|s| crate::Timestamp::from_unix_seconds((NOW as i64 + s) as f64)),
            width: None,
            height: None,
            file_bytes: None,
        }
    }

    fn file(sources: &[(Rendition, FileSource)]) -> File {
        let mut file: File =
            serde_json::from_value(serde_json::json!({"fileId": "f", "scope": FileScope::Global})).unwrap();
        for (rendition, source) in sources.iter().cloned() {
            let slot = match rendition {
                Rendition::Thumbnail => &mut file.thumbnail_source,
                Rendition::Preview => &mut file.preview_source,
                Rendition::Download => &mut file.download_source,
                Rendition::Hls => &mut file.hls_source,
                Rendition::StaticPublicPreview => &mut file.static_public_preview_source,
            };
            *slot = Some(source);
        }
        file
    }

    fn ready(expires_in: i64) -> FileSource {
        source("ready", Some("https://cdn/x?sig=1"), Some(expires_in))
    }

    #[test]
    fn a_margin_beyond_representable_time_means_every_url_needs_hydrating() {
        let fresh = file(&[(Rendition::Download, ready(3600))]);
        assert!(!fresh.needs_hydration_with_margin(now(), Duration::from_secs(60)));
        assert!(fresh.needs_hydration_with_margin(now(), Duration::MAX));
    }

    #[test]
    fn the_hydration_rule_across_its_table() {
        use Rendition::*;
        let cases: Vec<(&str, File, bool)> = vec![
            ("no sources at all", file(&[]), true),
            (
                "one ready URL valid for an hour",
                file(&[(Download, ready(3600))]),
                false,
            ),
            ("ready URL past expiry", file(&[(Download, ready(-1))]), true),
            (
                "ready URL expiring exactly at the margin",
                file(&[(Download, ready(60))]),
                true,
            ),
            (
                "ready URL expiring just beyond the margin",
                file(&[(Download, ready(61))]),
                false,
            ),
            (
                "ready URL without expiry",
                file(&[(Download, source("ready", Some("https://x"), None))]),
                false,
            ),
            (
                "ready without a URL",
                file(&[(Download, ready(3600)), (Preview, source("ready", None, None))]),
                true,
            ),
            (
                "ready with an empty URL",
                file(&[(Download, source("ready", Some(""), Some(3600)))]),
                true,
            ),
            (
                "a pending source",
                file(&[(Download, ready(3600)), (Hls, source("pending", None, None))]),
                true,
            ),
            (
                "pending thumbnail",
                file(&[(Download, ready(3600)), (Thumbnail, source("pending", None, None))]),
                true,
            ),
            (
                "failed and skipped are ignored",
                file(&[
                    (Download, ready(3600)),
                    (Hls, source("failed", None, None)),
                    (Thumbnail, source("skipped", None, None)),
                ]),
                false,
            ),
            (
                "only failed and skipped sources",
                file(&[
                    (Hls, source("failed", None, None)),
                    (Thumbnail, source("skipped", None, None)),
                ]),
                true,
            ),
            (
                "one of several near expiry",
                file(&[(Download, ready(3600)), (Preview, ready(20))]),
                true,
            ),
            (
                "unknown status is ignored like failed",
                file(&[(Download, ready(3600)), (Hls, source("transcoding", None, None))]),
                false,
            ),
            (
                "only a permanent public copy",
                file(&[(StaticPublicPreview, source("ready", Some("https://pub/x"), None))]),
                false,
            ),
        ];
        for (what, file, expected) in cases {
            assert_eq!(file.needs_hydration(now()), expected, "{what}");
        }
        let soon = file(&[(Download, ready(100))]);
        assert!(!soon.needs_hydration(now()));
        assert!(
            soon.needs_hydration_with_margin(now(), Duration::from_secs(120)),
            "a wider margin"
        );
    }

    #[test]
    fn each_url_helper_reads_its_own_rendition() {
        use Rendition::*;
        let url = |r: Rendition| format!("https://cdn/{}?sig=1", r.field_name());
        let urls = Rendition::ALL.map(url);
        let all = file(&Rendition::ALL.map(|r| (r, source("ready", Some(&urls[r as usize]), Some(3600)))));
        type Helper = fn(&File) -> Option<&str>;
        let helpers: [(Rendition, Helper); 5] = [
            (Thumbnail, File::thumbnail_url),
            (Preview, File::preview_url),
            (Download, File::download_url),
            (Hls, File::hls_url),
            (StaticPublicPreview, File::public_preview_url),
        ];
        for (rendition, helper) in helpers {
            assert_eq!(helper(&all), Some(url(rendition).as_str()), "{rendition:?}");
            assert_eq!(all.url(rendition), Some(url(rendition).as_str()), "{rendition:?}");
            let only = file(&[(rendition, source("ready", Some("https://only"), None))]);
            assert_eq!(helper(&only), Some("https://only"), "{rendition:?}");
            let pending = file(&[(rendition, source("pending", Some("https://soon"), None))]);
            assert_eq!(helper(&pending), None, "{rendition:?}: not ready, no URL");
            assert_eq!(helper(&file(&[])), None, "{rendition:?}: absent");
        }
    }

    #[test]
    fn renditions_name_their_api_fields_and_files_their_id() {
        assert_eq!(
            Rendition::ALL.map(Rendition::field_name),
            [
                "thumbnailSource",
                "previewSource",
                "downloadSource",
                "hlsSource",
                "staticPublicPreviewSource"
            ]
        );
        assert_eq!(file(&[]).id(), "f");
    }

    #[test]
    fn an_expiry_of_zero_or_less_is_no_expiry() {
        for nonsense in [0.0, -0.0, -1.0, f64::NEG_INFINITY, f64::INFINITY] {
            let odd = FileSource {
                expires_at: crate::Timestamp::from_unix_seconds(nonsense),
                ..source("ready", Some("u"), None)
            };
            assert_eq!(odd.expires_at(), None, "expiresAt {nonsense}");
            assert!(!odd.is_expired_at(now()), "expiresAt {nonsense}");
        }
        let never = source("ready", Some("u"), None);
        assert!(!never.is_expired_at(now()), "no expiry: never expired");
        let later = source("ready", Some("u"), Some(10));
        assert!(!later.is_expired_at(now()));
        assert!(later.is_expired_at(now() + Duration::from_secs(10)));
        assert_eq!(
            FileSource {
                expires_at: crate::Timestamp::from_unix_seconds(1.5),
                ..never
            }
            .expires_at(),
            Some(SystemTime::UNIX_EPOCH + Duration::from_millis(1500))
        );
    }

    #[test]
    fn urls_and_expiry_come_from_ready_sources_only() {
        use Rendition::*;
        let f = file(&[
            (Download, ready(500)),
            (Preview, ready(200)),
            (Hls, source("pending", Some("https://h"), Some(10))),
        ]);
        assert_eq!(f.download_url(), Some("https://cdn/x?sig=1"));
        assert_eq!(f.hls_url(), None);
        assert_eq!(f.expires_at(), Some(now() + Duration::from_secs(200)));
        assert_eq!(f.sources().count(), 3);
        assert!(f
            .source(Preview)
            .unwrap()
            .is_expired_at(now() + Duration::from_secs(200)));
        let odd = source("ready", Some("u"), None);
        for nonsense in [f64::NAN, 1e300, f64::INFINITY] {
            assert!(
                crate::Timestamp::from_unix_seconds(nonsense).is_none(),
                "{nonsense}: not a time, not a panic"
            );
        }
        let zero = FileSource {
            expires_at: crate::Timestamp::from_unix_seconds(0.0),
            ..odd
        };
        assert_eq!(zero.expires_at(), None, "a zero expiry is no expiry");
    }
}

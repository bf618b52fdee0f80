//! Seeded files: a builder covering every type, scope and source status.

use std::{collections::HashMap, time::Duration};

use bytes::Bytes;
use videogen::{AnalysisLoadingState, FileScope, FileSourceStatus, FileType, Rendition};

/// A file to put in the fake before (or while) tests run: pass it to
/// [`Builder::file`](crate::Builder::file) or
/// [`FakeVideoGen::add_file`](crate::FakeVideoGen::add_file).
///
/// Start from a type ([`video`](Self::video), [`image`](Self::image),
/// [`audio`](Self::audio), [`pdf`](Self::pdf), [`slideshow`](Self::slideshow),
/// or [`of_type`](Self::of_type) for any value, `LOTTIE` included) and adjust.
/// The defaults make a ready, analysed `GLOBAL` file of 1 MiB whose
/// renditions suit its type (audio has no thumbnail, stills no HLS: those
/// sources are `skipped`). Bytes are generated from the id on demand, never
/// stored, so a 1 GiB file costs nothing until it is downloaded.
///
/// ```
/// use videogen::{FileScope, FileSourceStatus, Rendition};
/// use videogen_fake::SeedFile;
/// let clip = SeedFile::video("vg_file_big")
///     .bytes(1 << 30)
///     .scope(FileScope::Project)
///     .rendition(Rendition::Hls, FileSourceStatus::Pending);
/// # let _ = clip;
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct SeedFile {
    pub(crate) id: String,
    pub(crate) file_type: Option<FileType>,
    pub(crate) scope: FileScope,
    pub(crate) display_name: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) transcript: Option<String>,
    pub(crate) duration_seconds: Option<f64>,
    pub(crate) bytes: u64,
    pub(crate) status: FileSourceStatus,
    pub(crate) statuses: HashMap<Rendition, FileSourceStatus>,
    pub(crate) sizes: HashMap<Rendition, u64>,
    pub(crate) absent: Vec<Rendition>,
    pub(crate) dimensions: Option<(i64, i64)>,
    pub(crate) public_preview: bool,
    pub(crate) archived: bool,
    pub(crate) created_by_self: bool,
    pub(crate) analysis: Option<(AnalysisLoadingState, f64)>,
    pub(crate) source_tool: Option<(String, String)>,
    pub(crate) content: Option<Bytes>,
    pub(crate) processing: Option<(Duration, bool)>,
}

impl SeedFile {
    /// A file of this type (any value, including ones the spec does not list yet).
    pub fn of_type(id: impl Into<String>, file_type: FileType) -> SeedFile {
        SeedFile {
            id: id.into(),
            file_type: Some(file_type),
            scope: FileScope::Global,
            display_name: None,
            description: None,
            transcript: None,
            duration_seconds: None,
            bytes: 1 << 20,
            status: FileSourceStatus::Ready,
            statuses: HashMap::new(),
            sizes: HashMap::new(),
            absent: Vec::new(),
            dimensions: None,
            public_preview: false,
            archived: false,
            created_by_self: true,
            analysis: None,
            source_tool: None,
            content: None,
            processing: None,
        }
    }

    /// A video: thumbnail, preview, download and HLS.
    pub fn video(id: impl Into<String>) -> SeedFile {
        SeedFile::of_type(id, FileType::Video)
    }

    /// An image: thumbnail, preview and download; HLS skipped.
    pub fn image(id: impl Into<String>) -> SeedFile {
        SeedFile::of_type(id, FileType::Image)
    }

    /// Audio: preview, download and HLS; thumbnail skipped.
    pub fn audio(id: impl Into<String>) -> SeedFile {
        SeedFile::of_type(id, FileType::Audio)
    }

    /// A PDF: thumbnail, preview and download; HLS skipped.
    pub fn pdf(id: impl Into<String>) -> SeedFile {
        SeedFile::of_type(id, FileType::Pdf)
    }

    /// A slideshow: thumbnail, preview and download; HLS skipped.
    pub fn slideshow(id: impl Into<String>) -> SeedFile {
        SeedFile::of_type(id, FileType::Slideshow)
    }

    /// No type yet (`type` absent), as while the API is still processing.
    pub fn untyped(mut self) -> Self {
        self.file_type = None;
        self
    }

    /// The scope (default `GLOBAL`).
    pub fn scope(mut self, scope: FileScope) -> Self {
        self.scope = scope;
        self
    }

    /// The display name (default: the id with an extension for the type).
    pub fn display_name(mut self, name: impl Into<String>) -> Self {
        self.display_name = Some(name.into());
        self
    }

    /// The analysis summary, which search matches against.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = Some(text.into());
        self
    }

    /// The transcript (searched too).
    pub fn transcript(mut self, text: impl Into<String>) -> Self {
        self.transcript = Some(text.into());
        self
    }

    /// `durationSeconds` (default 12.5 for video and audio, absent otherwise).
    pub fn duration_seconds(mut self, seconds: f64) -> Self {
        self.duration_seconds = Some(seconds);
        self
    }

    /// Size of the download rendition in bytes (default 1 MiB). The preview
    /// is a quarter of it, the thumbnail at most 16 KiB, the HLS playlist at
    /// most 2 KiB, unless set with [`rendition_bytes`](Self::rendition_bytes).
    pub fn bytes(mut self, bytes: u64) -> Self {
        self.bytes = bytes;
        self
    }

    /// The exact bytes of the download and preview renditions (instead of
    /// generated ones).
    pub fn content(mut self, bytes: impl Into<Bytes>) -> Self {
        let bytes = bytes.into();
        self.bytes = bytes.len() as u64;
        self.content = Some(bytes);
        self
    }

    /// The status of every rendition the type has (default `ready`).
    pub fn status(mut self, status: FileSourceStatus) -> Self {
        self.status = status;
        self
    }

    /// The status of one rendition, whatever the type. (The public preview
    /// copy is set with [`public_preview`](Self::public_preview) instead.)
    pub fn rendition(mut self, rendition: Rendition, status: FileSourceStatus) -> Self {
        self.statuses.insert(rendition, status);
        self.absent.retain(|r| *r != rendition);
        self
    }

    /// The size of one rendition in bytes.
    pub fn rendition_bytes(mut self, rendition: Rendition, bytes: u64) -> Self {
        self.sizes.insert(rendition, bytes);
        self
    }

    /// Leaves this rendition's source out (`null`), as for files that never had one.
    pub fn without(mut self, rendition: Rendition) -> Self {
        self.statuses.remove(&rendition);
        self.absent.push(rendition);
        self
    }

    /// Pixel size of the download rendition (default 1920x1080 for visual
    /// types); preview and thumbnail are scaled from it.
    pub fn dimensions(mut self, width: i64, height: i64) -> Self {
        self.dimensions = Some((width, height));
        self
    }

    /// Starts with public preview enabled (`staticPublicPreviewSource` set).
    pub fn public_preview(mut self, enabled: bool) -> Self {
        self.public_preview = enabled;
        self
    }

    /// Starts archived: hidden from list and search, still readable by id.
    pub fn archived(mut self, archived: bool) -> Self {
        self.archived = archived;
        self
    }

    /// Whether the key's own user made it (default true); search with
    /// `selfOnly` returns only those.
    pub fn created_by_self(mut self, mine: bool) -> Self {
        self.created_by_self = mine;
        self
    }

    /// The analysis state and progress (default `FULFILLED`/100 for ready
    /// files, `LOADING` for pending ones, `UNATTEMPTED` for temporary ones).
    pub fn analysis(mut self, state: AnalysisLoadingState, percent: f64) -> Self {
        self.analysis = Some((state, percent));
        self
    }

    /// `sourceToolType` and `sourceToolExecutionId`.
    pub fn source_tool(mut self, tool_type: impl Into<String>, execution_id: impl Into<String>) -> Self {
        self.source_tool = Some((tool_type.into(), execution_id.into()));
        self
    }

    /// Starts `pending` and turns to the configured statuses once `delay`
    /// has passed on the fake's clock (checked whenever the file is read).
    pub fn ready_after(mut self, delay: Duration) -> Self {
        self.processing = Some((delay, false));
        self
    }

    /// Starts `pending` and fails (ready renditions become `failed`) once
    /// `delay` has passed on the fake's clock.
    pub fn fail_after(mut self, delay: Duration) -> Self {
        self.processing = Some((delay, true));
        self
    }

    /// A file whose type is newer than the published document
    /// (`vg_file_demo_lottie`, type `LOTTIE`): for testing that code keeps
    /// working when the API adds a type. Not in [`demo_set`](Self::demo_set).
    pub fn future_types() -> Vec<SeedFile> {
        vec![
            SeedFile::of_type("vg_file_demo_lottie", FileType::Unknown("LOTTIE".into()))
                .display_name("Animated logo.json")
                .description("Animated company logo (a type newer than the spec)"),
        ]
    }

    /// The demo files: `vg_file_demo` (a ready video) and one file of every
    /// other type, scope and source status the published document lists.
    pub fn demo_set() -> Vec<SeedFile> {
        vec![
            SeedFile::video("vg_file_demo")
                .display_name("Coastline at sunset.mp4")
                .description("Drone shot over a rocky coastline at sunset, waves breaking below")
                .transcript("Welcome to the VideoGen demo. This clip was made for testing.")
                .duration_seconds(42.0)
                .bytes(8 << 20)
                .source_tool("VIDEO_GENERATOR", "vg_exec_demo"),
            SeedFile::image("vg_file_demo_image")
                .scope(FileScope::Project)
                .display_name("Product still.png")
                .description("A white sneaker on a blue background, studio lighting")
                .bytes(512 << 10),
            SeedFile::audio("vg_file_demo_audio")
                .scope(FileScope::Export)
                .display_name("Narration.mp3")
                .description("Calm voice-over narration for a product video")
                .duration_seconds(95.5),
            SeedFile::pdf("vg_file_demo_pdf")
                .scope(FileScope::Entity)
                .display_name("Brand guide.pdf")
                .description("Brand guidelines: logo, colours and typography"),
            SeedFile::slideshow("vg_file_demo_slides")
                .scope(FileScope::Temporary)
                .display_name("Pitch deck.pptx")
                .description("Quarterly pitch deck with sales charts"),
            SeedFile::video("vg_file_demo_public")
                .display_name("Launch teaser.mp4")
                .description("Short launch teaser with upbeat music")
                .public_preview(true),
            SeedFile::video("vg_file_demo_processing")
                .display_name("Still processing.mp4")
                .status(FileSourceStatus::Pending)
                .untyped(),
            SeedFile::video("vg_file_demo_failed")
                .display_name("Corrupt upload.mov")
                .status(FileSourceStatus::Failed)
                .analysis(AnalysisLoadingState::Rejected, 0.0),
        ]
    }
}

//! How a service that uses `videogen` tests itself with `videogen-fake`:
//! only the public API of both crates, no network, no API key.
//!
//! `MediaLibrary` stands for the user's own code; the tests drive it against
//! the fake and check both what it returns and what it sent.

use std::{path::PathBuf, time::Duration};

use videogen::{Client, Error, FileSourceStatus, Rendition, RetryPolicy, UploadOptions, UploadSource};
use videogen_fake::{FakeVideoGen, Fault, Route, SeedFile};

/// The user's service: shows thumbnails, imports clips, archives exports.
struct MediaLibrary {
    videogen: Client,
}

#[derive(Debug, PartialEq)]
enum LibraryError {
    NoSuchClip,
    NotReady,
    Upstream(String),
}

impl From<Error> for LibraryError {
    fn from(error: Error) -> Self {
        match error.status().map(|s| s.as_u16()) {
            Some(404) => LibraryError::NoSuchClip,
            _ => LibraryError::Upstream(error.to_string()),
        }
    }
}

impl MediaLibrary {
    /// The URL to put in an `<img>` tag for a clip.
    async fn thumbnail_url(&self, clip: &str) -> Result<String, LibraryError> {
        let file = self.videogen.files().get_hydrated(clip).await?;
        file.thumbnail_url().map(str::to_owned).ok_or(LibraryError::NotReady)
    }

    /// Imports a clip from memory; returns its id once VideoGen has processed it.
    async fn import(&self, name: &str, bytes: Vec<u8>) -> Result<String, LibraryError> {
        let len = bytes.len() as u64;
        let options = UploadOptions::new()
            .display_name(name)
            .content_type("video/mp4")
            .poll_interval(Duration::from_millis(20))
            .timeout(Duration::from_secs(30));
        let file = self
            .videogen
            .files()
            .upload(UploadSource::reader(std::io::Cursor::new(bytes), len), options)
            .await?;
        Ok(file.file_id)
    }

    /// Saves a clip's best rendition to disk.
    async fn export(&self, clip: &str, dest: PathBuf) -> Result<u64, LibraryError> {
        Ok(self.videogen.files().download(clip, dest).send().await?.bytes)
    }
}

fn library(fake: &FakeVideoGen) -> MediaLibrary {
    let retries = RetryPolicy::default()
        .initial_backoff(Duration::from_millis(1))
        .max_wait(Duration::from_millis(10));
    MediaLibrary {
        videogen: fake.client_builder().retry_policy(retries).build().unwrap(),
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("videogen-downstream-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("clip.mp4")
}

#[tokio::test]
async fn thumbnails_come_from_one_get_and_one_hydrate() {
    let fake = FakeVideoGen::builder().with_demo_files().start().await;
    let url = library(&fake).thumbnail_url("vg_file_demo").await.unwrap();
    assert!(
        url.starts_with(&format!("{}/download/vg_file_demo/thumbnail?", fake.base_url())),
        "{url}"
    );
    assert_eq!((fake.count(Route::GetFile), fake.count(Route::HydrateFile)), (1, 1));
    let sent = &fake.requests()[0];
    assert_eq!(
        sent.header("authorization"),
        Some(format!("Bearer {}", fake.api_key()).as_str())
    );

    // The URL really serves an image.
    let response = reqwest_get(&url).await;
    assert_eq!(
        response,
        (
            "image/jpeg".to_owned(),
            fake.rendition_bytes("vg_file_demo", Rendition::Thumbnail)
                .unwrap()
                .len()
        )
    );
}

#[tokio::test]
async fn the_service_maps_upstream_failures_to_its_own_errors() {
    let fake = FakeVideoGen::builder()
        .file(SeedFile::video("vg_file_wip").status(FileSourceStatus::Pending))
        .start()
        .await;
    let library = library(&fake);
    assert_eq!(
        library.thumbnail_url("vg_file_nope").await,
        Err(LibraryError::NoSuchClip)
    );
    assert_eq!(library.thumbnail_url("vg_file_wip").await, Err(LibraryError::NotReady));

    // A deploy blip upstream is invisible to the service's callers...
    fake.add_file(SeedFile::image("vg_file_still"));
    fake.faults()
        .on(Route::GetFile)
        .for_file("vg_file_still")
        .sequence([Fault::status(503), Fault::html(502)]);
    assert!(library.thumbnail_url("vg_file_still").await.is_ok());
    assert_eq!(
        fake.requests_to(Route::GetFile)
            .iter()
            .filter(|r| r.file_id.as_deref() == Some("vg_file_still"))
            .count(),
        3
    );

    // ...while an outage that outlasts the retries is reported.
    fake.faults().on(Route::HydrateFile).always(Fault::status(500));
    fake.add_file(SeedFile::video("vg_file_down"));
    match library.thumbnail_url("vg_file_down").await {
        Err(LibraryError::Upstream(message)) => assert!(message.contains("500"), "{message}"),
        other => panic!("expected an upstream error, got {other:?}"),
    }
}

#[tokio::test]
async fn imports_wait_for_processing_and_never_send_the_key_to_storage() {
    let fake = FakeVideoGen::builder()
        .processing_delay(Duration::from_millis(100))
        .start()
        .await;
    let clip: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let id = library(&fake).import("holiday.mp4", clip.clone()).await.unwrap();

    let received = fake.upload(&id).expect("the bytes arrived");
    assert_eq!(received.bytes.as_deref(), Some(clip.as_slice()));
    assert_eq!(received.content_type.as_deref(), Some("video/mp4"));
    let put = &fake.requests_to(Route::Upload)[0];
    assert_eq!(
        put.header("authorization"),
        None,
        "the API key must not reach the storage host"
    );
    assert_eq!(
        fake.file(&id).unwrap().download_source.unwrap().status,
        FileSourceStatus::Ready
    );
    assert!(fake.count(Route::HydrateFile) >= 1);

    fake.fail_uploads(true);
    match library(&fake).import("broken.mp4", vec![1, 2, 3]).await {
        Err(LibraryError::Upstream(message)) => assert!(message.contains("could not process"), "{message}"),
        other => panic!("expected a failed upload, got {other:?}"),
    }
}

#[tokio::test]
async fn exports_survive_a_dropped_connection_and_an_expired_url() {
    let fake = FakeVideoGen::builder()
        .file(SeedFile::video("vg_file_long").bytes(3 << 20))
        .start()
        .await;
    fake.faults()
        .on(Route::Download)
        .for_file("vg_file_long")
        .sequence([Fault::status(403), Fault::DropAfter(1 << 20)]);
    let dest = scratch("export");
    let bytes = library(&fake).export("vg_file_long", dest.clone()).await.unwrap();

    assert_eq!(bytes, 3 << 20);
    let expected = fake.rendition_bytes("vg_file_long", Rendition::Download).unwrap();
    assert!(
        std::fs::read(&dest).unwrap() == expected,
        "the file on disk is the file served"
    );
    let ranges = fake.download_ranges("vg_file_long");
    assert_eq!(
        ranges.len(),
        3,
        "403, then a download cut after 1 MiB, then its resumption: {ranges:?}"
    );
    assert_eq!(ranges[2].as_deref(), Some("bytes=1048576-"));
    assert!(
        fake.count(Route::HydrateFile) >= 2,
        "the 403 made the client mint a fresh URL"
    );
    std::fs::remove_dir_all(dest.parent().unwrap()).ok();
}

/// A plain GET, as a browser would fetch the thumbnail: content type and length.
async fn reqwest_get(url: &str) -> (String, usize) {
    let response = reqwest::get(url).await.unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    (content_type, response.bytes().await.unwrap().len())
}

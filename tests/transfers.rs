//! Downloads and uploads against videogen-fake: whole-or-absent files,
//! resume after a dropped connection, re-hydration of an expired URL, and
//! uploads that finish or fail processing.

use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};

mod common;

use common::within;
use videogen::{Error, FileSourceStatus, Rendition, UploadOptions, UploadSource};
use videogen_fake::{FakeVideoGen, Fault, Route, SeedFile};

const MIB: u64 = 1 << 20;

fn no_partial_files(dir: &std::path::Path) -> bool {
    std::fs::read_dir(dir)
        .unwrap()
        .all(|e| !e.unwrap().file_name().to_string_lossy().ends_with(".part"))
}

#[tokio::test]
async fn a_64_mib_download_survives_a_dropped_connection() {
    let fake = FakeVideoGen::builder()
        .file(SeedFile::video("vg_file_big").bytes(64 * MIB))
        .start()
        .await;
    fake.faults()
        .on(Route::Download)
        .for_file("vg_file_big")
        .once(Fault::DropAfter(20 * MIB));
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("big.mp4");
    let seen = Arc::new(AtomicU64::new(0));
    let progress = seen.clone();
    let download = fake
        .client()
        .files()
        .download("vg_file_big", &dest)
        .on_progress(move |p| progress.store(p.bytes_done, Ordering::Relaxed))
        .send();
    let done = within(60, download).await.unwrap();
    assert_eq!(done.bytes, 64 * MIB);
    assert_eq!(done.resumes, 1);
    assert_eq!(seen.load(Ordering::Relaxed), 64 * MIB, "progress reached the total");
    let expected = fake.rendition_bytes("vg_file_big", Rendition::Download).unwrap();
    assert!(std::fs::read(&dest).unwrap() == expected, "the right bytes, in order");
    let ranges = fake.download_ranges("vg_file_big");
    assert_eq!(ranges.len(), 2);
    assert_eq!(ranges[0], None);
    let resumed_at: u64 = ranges[1]
        .as_deref()
        .unwrap()
        .trim_start_matches("bytes=")
        .trim_end_matches('-')
        .parse()
        .unwrap();
    assert!(
        (19 * MIB..=20 * MIB).contains(&resumed_at),
        "resumed near the drop: {resumed_at}"
    );
    assert!(no_partial_files(dir.path()));
}

#[tokio::test]
async fn an_expired_url_is_rehydrated_once_and_the_download_carries_on() {
    let fake = FakeVideoGen::builder()
        .file(SeedFile::video("vg_file_exp").bytes(4 * MIB))
        .url_ttl(Duration::from_secs(3600))
        .start()
        .await;
    let client = fake.client_builder().hydration_cache(100).build().unwrap();
    let files = client.files();
    files.hydrate("vg_file_exp").await.unwrap();
    // Cached by the client, but by the fake's clock the URL has now expired.
    files.get_hydrated("vg_file_exp").await.unwrap();
    fake.clock().advance(Duration::from_secs(2 * 3600));
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("exp.mp4");
    let done = within(30, files.download("vg_file_exp", &dest).send()).await.unwrap();
    assert_eq!(done.rehydrations, 1);
    assert_eq!(std::fs::metadata(&dest).unwrap().len(), 4 * MIB);
    let statuses: Vec<_> = fake.requests_to(Route::Download).iter().map(|r| r.status).collect();
    assert_eq!(statuses, [Some(403), Some(200)]);
    assert_eq!(
        fake.count(Route::HydrateFile),
        2,
        "the first hydrate, and one re-hydrate"
    );
}

#[tokio::test]
async fn expiry_mid_transfer_resumes_with_range_on_a_fresh_url() {
    let fake = FakeVideoGen::builder()
        .file(SeedFile::video("vg_file_mid").bytes(8 * MIB))
        .start()
        .await;
    fake.faults()
        .on(Route::Download)
        .for_file("vg_file_mid")
        .once(Fault::DropAfter(3 * MIB));
    let clock = fake.clock();
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("mid.mp4");
    let advanced = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = advanced.clone();
    let download = fake
        .client()
        .files()
        .download("vg_file_mid", &dest)
        .on_progress(move |p| {
            if p.bytes_done >= MIB && !flag.swap(true, Ordering::Relaxed) {
                clock.advance(Duration::from_secs(24 * 3600));
            }
        })
        .send();
    let done = within(30, download).await.unwrap();
    assert_eq!((done.resumes, done.rehydrations), (1, 1));
    assert!(std::fs::read(&dest).unwrap() == fake.rendition_bytes("vg_file_mid", Rendition::Download).unwrap());
    let ranges = fake.download_ranges("vg_file_mid");
    assert_eq!(
        ranges.len(),
        3,
        "first try, the 403 on resume, the resume on a fresh URL"
    );
    assert!(ranges[1].is_some() && ranges[1] == ranges[2], "{ranges:?}");
}

#[tokio::test]
async fn a_failed_download_leaves_nothing_at_dest() {
    let fake = FakeVideoGen::builder()
        .file(SeedFile::video("vg_file_fail").bytes(2 * MIB))
        .start()
        .await;
    fake.faults().on(Route::Download).always(Fault::DropAfter(0));
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("fail.mp4");
    let download = fake.client().files().download("vg_file_fail", &dest).max_resumes(2);
    let err = within(30, download.send()).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(
        !err.to_string().contains("sig="),
        "no signed query in the message: {err}"
    );
    assert!(!dest.exists());
    assert!(no_partial_files(dir.path()));
    assert_eq!(
        fake.count(Route::Download),
        3,
        "the first attempt and two fruitless resumes"
    );
}

#[tokio::test]
async fn a_link_that_keeps_dropping_but_progresses_is_followed_to_the_end() {
    let fake = FakeVideoGen::builder()
        .file(SeedFile::video("vg_file_flaky").bytes(8 * MIB))
        .start()
        .await;
    fake.faults().on(Route::Download).always(Fault::DropAfter(MIB));
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("flaky.mp4");
    let download = fake.client().files().download("vg_file_flaky", &dest).max_resumes(2);
    let done = within(30, download.send()).await.unwrap();
    assert_eq!(done.resumes, 7, "one break per MiB, each after progress");
    assert!(std::fs::read(&dest).unwrap() == fake.rendition_bytes("vg_file_flaky", Rendition::Download).unwrap());
}

#[tokio::test]
async fn a_rendition_that_is_not_ready_is_a_typed_error() {
    let fake = FakeVideoGen::builder()
        .file(SeedFile::audio("vg_file_audio").rendition(Rendition::Thumbnail, FileSourceStatus::Skipped))
        .start()
        .await;
    let dir = tempfile::tempdir().unwrap();
    let err = fake
        .client()
        .files()
        .download("vg_file_audio", dir.path().join("t.jpg"))
        .rendition(Rendition::Thumbnail)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Unavailable {
                rendition: Rendition::Thumbnail,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("thumbnailSource"), "{err}");
}

#[tokio::test]
async fn an_upload_goes_from_pending_to_ready() {
    let fake = FakeVideoGen::builder()
        .processing_delay(Duration::from_millis(300))
        .start()
        .await;
    let payload: Vec<u8> = (0..MIB as u32).map(|i| (i % 251) as u8).collect();
    let sent = Arc::new(AtomicU64::new(0));
    let progress = sent.clone();
    let options = UploadOptions::new()
        .display_name("clip.mp4")
        .content_type("video/mp4")
        .poll_interval(Duration::from_millis(50))
        .on_progress(move |p| progress.store(p.bytes_done, Ordering::Relaxed));
    let files = fake.client().files();
    let upload = files.upload(
        UploadSource::reader(std::io::Cursor::new(payload.clone()), MIB),
        options,
    );
    let file = within(30, upload).await.unwrap();
    assert!(file.download_url().is_some(), "ready and hydrated");
    assert_eq!(sent.load(Ordering::Relaxed), MIB);
    let received = fake.upload(file.id()).unwrap();
    assert_eq!(received.len, MIB);
    assert_eq!(received.bytes.as_deref(), Some(&payload[..]));
    assert_eq!(received.content_type.as_deref(), Some("video/mp4"));
    let put = &fake.requests_to(Route::Upload)[0];
    assert_eq!(
        put.header("authorization"),
        None,
        "the API key never goes to the storage URL"
    );
    assert!(fake.count(Route::HydrateFile) >= 2, "polled while pending");
}

#[tokio::test]
async fn an_upload_from_a_path_takes_its_name_and_type_from_the_file() {
    let fake = FakeVideoGen::builder().processing_delay(Duration::ZERO).start().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("poster.png");
    std::fs::write(&path, b"\x89PNG fake image").unwrap();
    let options = UploadOptions::new().poll_interval(Duration::from_millis(20));
    let file = within(30, fake.client().files().upload(&path, options)).await.unwrap();
    assert_eq!(file.display_name.as_deref(), Some("poster.png"));
    assert_eq!(
        fake.upload(file.id()).unwrap().content_type.as_deref(),
        Some("image/png")
    );
}

#[tokio::test]
async fn a_failed_upload_is_a_typed_error() {
    let fake = FakeVideoGen::builder()
        .processing_delay(Duration::from_millis(100))
        .fail_uploads(true)
        .start()
        .await;
    let options = UploadOptions::new()
        .display_name("broken.mov")
        .poll_interval(Duration::from_millis(20));
    let files = fake.client().files();
    let upload = files.upload(UploadSource::reader(&b"not a movie"[..], 11), options);
    let err = within(30, upload).await.unwrap_err();
    let Error::UploadFailed { file_id, reason } = &err else {
        panic!("{err:?}")
    };
    assert!(file_id.starts_with("vg_file_"), "{file_id}");
    assert!(reason.contains("failed"), "{reason}");
}

#[tokio::test]
async fn an_upload_that_never_finishes_times_out() {
    let fake = FakeVideoGen::builder()
        .processing_delay(Duration::from_secs(3600))
        .start()
        .await;
    let options = UploadOptions::new()
        .display_name("slow.mp4")
        .poll_interval(Duration::from_millis(20))
        .timeout(Duration::from_millis(300));
    let files = fake.client().files();
    let upload = files.upload(UploadSource::reader(&b"bytes"[..], 5), options);
    let err = within(30, upload).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                kind: videogen::TimeoutKind::Processing,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_server_that_keeps_sending_the_wrong_range_cannot_loop_the_download() {
    use httpmock::prelude::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    // Storage that answers every request, ranged or not, with bytes 5-9 of 10.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let storage = format!("http://{}", listener.local_addr().unwrap());
    let served = Arc::new(AtomicU64::new(0));
    let count = served.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::Relaxed);
            let mut request = [0u8; 4096];
            let _ = socket.read(&mut request).await;
            let reply = "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 5-9/10\r\n\
                         Content-Length: 5\r\nConnection: close\r\n\r\nhello";
            let _ = socket.write_all(reply.as_bytes()).await;
        }
    });
    let api = MockServer::start_async().await;
    api.mock_async(|when, then| {
        when.method(GET).path("/v1/files/vg_file_odd");
        then.status(200).json_body(serde_json::json!({"fileId": "vg_file_odd", "scope": "GLOBAL",
            "downloadSource": {"status": "ready", "url": format!("{storage}/odd.bin?sig=S"), "expiresAt": 4102444800.0}}));
    })
    .await;
    let client = videogen::Client::builder()
        .api_key("k")
        .base_url(api.base_url())
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("odd.bin");
    let download = client.files().download("vg_file_odd", &dest).max_resumes(3).send();
    let err = within(20, download).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err.to_string().contains("different range"), "{err}");
    assert_eq!(
        served.load(Ordering::Relaxed),
        4,
        "the first request and three counted breaks"
    );
    assert!(!dest.exists() && no_partial_files(dir.path()));
}

/// A storage server that answers every request with `head` and `body`, then
/// closes the connection; its address, and a counter of requests.
async fn raw_storage(head: &'static str, body: Vec<u8>) -> (String, Arc<AtomicU64>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let served = Arc::new(AtomicU64::new(0));
    let count = served.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::Relaxed);
            let mut request = [0u8; 4096];
            let _ = socket.read(&mut request).await;
            let _ = socket.write_all(head.as_bytes()).await;
            let _ = socket.write_all(&body).await;
            let _ = socket.shutdown().await;
        }
    });
    (url, served)
}

/// An API whose file `vg_file_sized` says `fileBytes: announced` and points
/// at `storage`; a client for it.
async fn api_announcing(storage: &str, announced: u64) -> (httpmock::MockServer, videogen::Client) {
    use httpmock::prelude::*;
    let api = MockServer::start_async().await;
    let url = format!("{storage}/sized.bin?sig=S");
    api.mock_async(|when, then| {
        when.method(GET).path("/v1/files/vg_file_sized");
        then.status(200)
            .json_body(serde_json::json!({"fileId": "vg_file_sized", "scope": "GLOBAL",
            "downloadSource": {"status": "ready", "url": url, "expiresAt": 4102444800.0, "fileBytes": announced}}));
    })
    .await;
    let client = videogen::Client::builder()
        .api_key("k")
        .base_url(api.base_url())
        .build()
        .unwrap();
    (api, client)
}

const NO_LENGTH: &str = "HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nConnection: close\r\n\r\n";

#[tokio::test]
async fn without_content_length_a_body_shorter_than_file_bytes_is_refused() {
    let (storage, served) = raw_storage(NO_LENGTH, vec![7u8; 1000]).await;
    let (_api, client) = api_announcing(&storage, 4096).await;
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("sized.bin");
    let err = common::within(20, client.files().download("vg_file_sized", &dest).send())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("1000") && text.contains("fileBytes") && text.contains("4096"),
        "{text}"
    );
    assert!(!text.contains("sig="), "{text}");
    assert!(!dest.exists(), "nothing at dest");
    assert!(no_partial_files(dir.path()));
    assert_eq!(served.load(Ordering::Relaxed), 1, "a complete body is not resumed");
}

#[tokio::test]
async fn without_content_length_a_body_of_file_bytes_is_kept() {
    let body: Vec<u8> = (0..4096u32).map(|i| (i % 251) as u8).collect();
    let (storage, _) = raw_storage(NO_LENGTH, body.clone()).await;
    let (_api, client) = api_announcing(&storage, 4096).await;
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("sized.bin");
    let done = common::within(20, client.files().download("vg_file_sized", &dest).send())
        .await
        .unwrap();
    assert_eq!(done.bytes, 4096);
    assert_eq!(std::fs::read(&dest).unwrap(), body);

    // A longer body than announced is as wrong as a shorter one.
    let (storage, _) = raw_storage(NO_LENGTH, vec![1u8; 5000]).await;
    let (_api, client) = api_announcing(&storage, 4096).await;
    let dest = dir.path().join("long.bin");
    let err = common::within(20, client.files().download("vg_file_sized", &dest).send())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("5000"), "{err}");
    assert!(!dest.exists());
}

#[tokio::test]
async fn a_chunked_body_shorter_than_file_bytes_is_refused() {
    let head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    let body = b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n".to_vec();
    let (storage, _) = raw_storage(head, body).await;
    let (_api, client) = api_announcing(&storage, 64).await;
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("chunked.bin");
    let err = common::within(20, client.files().download("vg_file_sized", &dest).send())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("11 bytes"), "{err}");
    assert!(!dest.exists() && no_partial_files(dir.path()));
}

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
    api_announcing_via(storage, announced, None).await
}

/// [`api_announcing`], the client built on `http` when given.
async fn api_announcing_via(
    storage: &str,
    announced: u64,
    http: Option<reqwest::Client>,
) -> (httpmock::MockServer, videogen::Client) {
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
    let builder = videogen::Client::builder().api_key("k").base_url(api.base_url());
    let client = match http {
        Some(http) => builder.http_client(http),
        None => builder,
    }
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

/// A storage server that answers the n-th connection (from 0) with what
/// `reply(n, request)` returns, then closes it; the requests it saw.
async fn scripted_storage(
    reply: impl Fn(usize, &str) -> Vec<u8> + Send + Sync + 'static,
) -> (String, Arc<std::sync::Mutex<Vec<String>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        let mut n = 0;
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut request = vec![0u8; 8192];
            let len = socket.read(&mut request).await.unwrap_or(0);
            let request = String::from_utf8_lossy(&request[..len]).to_lowercase();
            log.lock().unwrap().push(request.clone());
            let _ = socket.write_all(&reply(n, &request)).await;
            let _ = socket.shutdown().await;
            n += 1;
        }
    });
    (url, seen)
}

/// The `Range` start of a request, if it has one.
fn range_start(request: &str) -> Option<u64> {
    let line = request.lines().find_map(|l| l.strip_prefix("range: bytes="))?;
    line.trim().trim_end_matches('-').parse().ok()
}

fn payload(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

fn response(head: &str, body: &[u8]) -> Vec<u8> {
    let mut bytes = head.as_bytes().to_vec();
    bytes.extend_from_slice(body);
    bytes
}

async fn download_sized(
    storage: &str,
    announced: u64,
) -> (
    tempfile::TempDir,
    std::path::PathBuf,
    Result<videogen::Downloaded, Error>,
) {
    download_sized_via(storage, announced, None).await
}

/// [`download_sized`], the client built on `http` when given.
async fn download_sized_via(
    storage: &str,
    announced: u64,
    http: Option<reqwest::Client>,
) -> (
    tempfile::TempDir,
    std::path::PathBuf,
    Result<videogen::Downloaded, Error>,
) {
    let (api, client) = api_announcing_via(storage, announced, http).await;
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("out.bin");
    let result = within(
        20,
        client.files().download("vg_file_sized", &dest).max_resumes(3).send(),
    )
    .await;
    drop(api);
    (dir, dest, result)
}

#[tokio::test]
async fn a_server_that_ignores_range_makes_the_download_start_over() {
    let body = payload(1000);
    let served = body.clone();
    // First: 400 of 1000 bytes, then the connection ends. Then: the whole
    // file with a 200, whatever the Range asked for.
    let (storage, seen) = scripted_storage(move |n, _| match n {
        0 => response("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", &served[..400]),
        _ => response("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", &served),
    })
    .await;
    let (_dir, dest, result) = download_sized(&storage, 1000).await;
    let done = result.unwrap();
    assert_eq!((done.bytes, done.resumes), (1000, 1));
    assert_eq!(std::fs::read(&dest).unwrap(), body, "started over, not appended");
    assert_eq!(range_start(&seen.lock().unwrap()[1]), Some(400), "it did ask to resume");
}

#[tokio::test]
async fn a_file_served_in_partial_ranges_is_assembled() {
    let body = payload(1000);
    let served = body.clone();
    // Every answer is a 206 of at most 300 bytes from where the client asks.
    let (storage, seen) = scripted_storage(move |_, request| {
        let start = range_start(request).unwrap_or(0) as usize;
        let end = (start + 300).min(1000);
        let head = format!(
            "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes {start}-{}/1000\r\nContent-Length: {}\r\n\r\n",
            end - 1,
            end - start
        );
        response(&head, &served[start..end])
    })
    .await;
    let (_dir, dest, result) = download_sized(&storage, 1000).await;
    let done = result.unwrap();
    assert_eq!((done.bytes, done.resumes), (1000, 3));
    assert_eq!(std::fs::read(&dest).unwrap(), body);
    let starts: Vec<_> = seen.lock().unwrap().iter().map(|r| range_start(r)).collect();
    assert_eq!(starts, [None, Some(300), Some(600), Some(900)]);
}

#[tokio::test]
async fn a_416_ends_a_download_only_when_every_byte_is_there() {
    let body = payload(1000);
    // Bytes 0-999 of 1000 in chunks, but the connection ends before the
    // closing chunk: a break with every byte in hand. The resume from byte
    // 1000 is answered 416: the file is complete.
    let served = body.clone();
    let (storage, seen) = scripted_storage(move |n, _| match n {
        0 => {
            let mut reply = b"HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-999/1000\r\n\
                              Transfer-Encoding: chunked\r\n\r\n3e8\r\n"
                .to_vec();
            reply.extend_from_slice(&served);
            reply.extend_from_slice(b"\r\n");
            reply
        }
        _ => b"HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */1000\r\nContent-Length: 0\r\n\r\n".to_vec(),
    })
    .await;
    let (_dir, dest, result) = download_sized(&storage, 1000).await;
    let done = result.unwrap();
    assert_eq!((done.bytes, done.resumes), (1000, 1));
    assert_eq!(std::fs::read(&dest).unwrap(), body);
    assert_eq!(range_start(&seen.lock().unwrap()[1]), Some(1000));

    // All 1000 bytes, then the connection breaks before the response ends
    // cleanly; the resume is answered 416: the file is complete.
    let served = body.clone();
    let (storage, _) = scripted_storage(move |n, _| match n {
        0 => response("HTTP/1.1 200 OK\r\nContent-Length: 1001\r\n\r\n", &served),
        _ => b"HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */1000\r\nContent-Length: 0\r\n\r\n".to_vec(),
    })
    .await;
    let (_dir, dest, result) = download_sized(&storage, 1000).await;
    let err = result.unwrap_err();
    assert_eq!(
        err.status().map(|s| s.as_u16()),
        Some(416),
        "1000 of 1001 announced: {err:?}"
    );
    assert!(!dest.exists());

    let served = body.clone();
    let (storage, _) = scripted_storage(move |n, _| match n {
        0 => response("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", &served[..600]),
        _ => b"HTTP/1.1 416 Range Not Satisfiable\r\nContent-Length: 0\r\n\r\n".to_vec(),
    })
    .await;
    let (_dir, dest, result) = download_sized(&storage, 1000).await;
    let err = result.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(416), "{err:?}");
    assert!(!dest.exists(), "600 of 1000 bytes is not a download");
}

#[tokio::test]
async fn a_break_right_after_the_last_byte_leaves_a_complete_download() {
    let fake = FakeVideoGen::builder()
        .file(SeedFile::video("vg_file_edge").bytes(MIB))
        .start()
        .await;
    fake.faults()
        .on(Route::Download)
        .for_file("vg_file_edge")
        .once(Fault::DropAfter(MIB));
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("edge.mp4");
    let done = within(20, fake.client().files().download("vg_file_edge", &dest).send())
        .await
        .unwrap();
    assert_eq!(done.bytes, MIB);
    assert_eq!(
        std::fs::read(&dest).unwrap(),
        fake.rendition_bytes("vg_file_edge", Rendition::Download).unwrap()
    );
}

#[tokio::test]
async fn a_url_still_refused_after_one_rehydration_is_an_error() {
    let fake = FakeVideoGen::builder()
        .file(SeedFile::video("vg_file_denied").bytes(4096))
        .start()
        .await;
    fake.faults().on(Route::Download).always(Fault::status(403));
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("denied.mp4");
    let err = within(20, fake.client().files().download("vg_file_denied", &dest).send())
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403), "{err:?}");
    assert_eq!(fake.count(Route::Download), 2, "the first URL and one fresh one");
    assert_eq!(fake.count(Route::HydrateFile), 2, "the first hydrate and one more");
    assert!(!dest.exists());
}

#[tokio::test]
async fn upload_options_reach_the_create_call_and_polling_follows_the_interval() {
    let fake = FakeVideoGen::builder()
        .processing_delay(Duration::from_millis(1200))
        .start()
        .await;
    let options = UploadOptions::new()
        .display_name("typed.mp4")
        .file_type(videogen::UploadFileType::Video)
        .temporary(true)
        .poll_interval(Duration::from_millis(40));
    let files = fake.client().files();
    let file = within(30, files.upload(UploadSource::reader(&b"frames"[..], 6), options))
        .await
        .unwrap();
    let create = &fake.requests_to(Route::CreateFileUpload)[0];
    let body: serde_json::Value = serde_json::from_slice(&create.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"displayName": "typed.mp4", "type": "VIDEO", "isTemporary": true})
    );
    assert!(file.download_url().is_some());
    // Every 40 ms, growing by half: 0, 40, 100, 190, 325, 527, 831 ms, ...
    // before the file is ready at 1.2 s. (The default 1.5 s would poll twice.)
    let polls = fake.count(Route::HydrateFile);
    assert!(polls >= 3, "{polls} polls");
}

#[test]
fn transfer_settings_show_in_debug_and_sources_know_their_length() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ten.bin");
    std::fs::write(&path, [0u8; 10]).unwrap();
    assert_eq!(UploadSource::path(&path).byte_len(), Some(10));
    assert_eq!(UploadSource::from(path.clone()).byte_len(), Some(10));
    assert_eq!(UploadSource::reader(&b"abc"[..], 42).byte_len(), Some(42));
    assert_eq!(UploadSource::path(dir.path().join("missing")).byte_len(), None);
    let shown = format!("{:?}", UploadSource::path(&path));
    assert!(
        shown.contains("UploadSource::Path") && shown.contains("ten.bin"),
        "{shown}"
    );
    let shown = format!("{:?}", UploadSource::reader(&b"abc"[..], 42));
    assert!(shown.contains("Reader") && shown.contains("42"), "{shown}");

    let options = UploadOptions::new()
        .display_name("n.mp4")
        .timeout(Duration::from_secs(7))
        .poll_interval(Duration::from_millis(30));
    let shown = format!("{options:?}");
    for part in [
        "display_name: Some(\"n.mp4\")",
        "timeout: 7s",
        "poll_interval: 30ms",
        "temporary: false",
    ] {
        assert!(shown.contains(part), "{part} in {shown}");
    }

    let client = videogen::Client::builder().api_key("k").build().unwrap();
    let request = client
        .files()
        .download("vg_file_dbg", dir.path().join("d.mp4"))
        .rendition(Rendition::Preview)
        .read_timeout(Duration::from_secs(9))
        .max_resumes(2);
    let shown = format!("{request:?}");
    for part in ["vg_file_dbg", "d.mp4", "Preview", "read_timeout: 9s", "max_resumes: 2"] {
        assert!(shown.contains(part), "{part} in {shown}");
    }
}

/// `ClientBuilder::http_client`: "its pool, proxy and TLS settings" serve
/// downloads from signed URLs too, not only API calls. Here the user's client
/// adds a header that the storage server requires.
#[tokio::test]
async fn a_download_goes_through_the_users_http_client() {
    use httpmock::prelude::*;
    let storage = MockServer::start_async().await;
    let blob = storage
        .mock_async(|when, then| {
            when.method(GET).path("/sized.bin").header("x-egress", "corp-proxy");
            then.status(200).body(vec![9u8; 4096]);
        })
        .await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-egress", reqwest::header::HeaderValue::from_static("corp-proxy"));
    let http = reqwest::Client::builder().default_headers(headers).build().unwrap();
    let (_dir, _dest, result) = download_sized_via(&storage.base_url(), 4096, Some(http)).await;
    assert_eq!(result.unwrap().bytes, 4096);
    blob.assert_calls_async(1).await;
}

//! Everything the crate and its HTTP stack log at TRACE, captured during
//! calls, retries, errors, a download and an upload: neither the API key nor
//! any signed URL's query string may appear.

mod common;

use std::{
    io::Write,
    sync::{Arc, Mutex},
    time::Duration,
};

use httpmock::prelude::*;
use serde_json::json;
use tracing_subscriber::{filter, layer::SubscriberExt, util::SubscriberInitExt, Layer};
use videogen::{Client, RetryPolicy, UploadOptions, UploadSource};

const KEY: &str = "sk_live_NEVER_LOG_THIS_KEY";
const DOWNLOAD_SECRET: &str = "SIGNED_DOWNLOAD_SECRET";
const UPLOAD_SECRET: &str = "SIGNED_UPLOAD_SECRET";

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn trace_output_never_contains_the_key_or_signed_queries() {
    let capture = Capture::default();
    let writer = capture.clone();
    // Everything at TRACE (log records from the `log` crate included), except
    // the mock server's own records: it prints the requests it receives.
    let layer = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .with_filter(filter::filter_fn(|meta| !meta.target().starts_with("httpmock")))
        .with_filter(filter::LevelFilter::TRACE);
    tracing_subscriber::registry().with(layer).init();

    let server = MockServer::start_async().await;
    let base = server.base_url();
    let file = json!({
        "fileId": "vg_file_log", "scope": "GLOBAL",
        "downloadSource": {"status": "ready", "url": format!("{base}/cdn/file.bin?token={DOWNLOAD_SECRET}"),
                           "expiresAt": 4102444800.0, "fileBytes": 11}
    });
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/files/vg_file_log");
            then.status(200).json_body(file.clone());
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/files/vg_file_log/hydrate");
            then.status(200).json_body(file.clone());
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/cdn/file.bin")
                .query_param("token", DOWNLOAD_SECRET)
                .header_missing("authorization");
            then.status(200).body("hello bytes");
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/files/limited/hydrate");
            then.status(429)
                .header("retry-after", "0")
                .json_body(json!({"message": "slow"}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/files/upload");
            then.status(200)
                .json_body(json!({"fileId": "vg_file_log", "uploadUrl": format!("{base}/put?sig={UPLOAD_SECRET}")}));
        })
        .await;
    let put = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path("/put")
                .header_missing("authorization")
                .body("12345");
            then.status(200);
        })
        .await;

    let policy = RetryPolicy::default()
        .max_retries(1)
        .initial_backoff(Duration::from_millis(1));
    let client = Client::builder()
        .api_key(KEY)
        .base_url(base.as_str())
        .retry_policy(policy)
        .build()
        .unwrap();
    let files = client.files();
    files.hydrate("vg_file_log").await.unwrap();
    assert!(files.hydrate("limited").await.is_err());
    let dir = tempfile::tempdir().unwrap();
    let downloaded = files.download("vg_file_log", dir.path().join("out.bin")).await.unwrap();
    assert_eq!(std::fs::read(&downloaded.path).unwrap(), b"hello bytes");
    let source = UploadSource::reader(&b"12345"[..], 5);
    let uploaded = files
        .upload(source, UploadOptions::new().display_name("log.txt"))
        .await
        .unwrap();
    assert_eq!(uploaded.id(), "vg_file_log");
    put.assert_async().await;
    let bad_key = Client::builder()
        .api_key(KEY)
        .base_url("http://127.0.0.1:1")
        .disable_retries()
        .build()
        .unwrap();
    assert!(bad_key.files().get("x").await.is_err());

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("videogen.call") && logs.contains("hydrateFile"),
        "the capture saw our spans:\n{logs}"
    );
    assert!(logs.contains("retrying"), "the retry was logged");
    assert!(logs.contains("hyper"), "the HTTP stack's own records were captured too");
    for secret in [KEY, DOWNLOAD_SECRET, UPLOAD_SECRET] {
        assert!(!logs.contains(secret), "{secret} leaked into the logs:\n{logs}");
    }
}

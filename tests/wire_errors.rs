//! Error responses: status, ApiError body, request id and retryability, and
//! bodies that are not what the spec promises.

mod common;

use common::{client, retrying_client, video_json, KEY};
use httpmock::prelude::*;
use serde_json::json;
use videogen::{Error, FileScope, FileType};

async fn failing_hydrate(status: u16, body: serde_json::Value) -> Error {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/files/vg_file_e/hydrate");
            then.status(status).header("x-request-id", "req_42").json_body(body);
        })
        .await;
    client(&server).files().hydrate("vg_file_e").await.unwrap_err()
}

#[tokio::test]
async fn api_errors_carry_status_code_body_and_request_id() {
    let cases = [
        (400, "invalid_parameters", false),
        (401, "invalid_api_key", false),
        (403, "forbidden", false),
        (404, "not_found", false),
        (429, "rate_limited", true),
        (500, "internal_error", true),
    ];
    for (status, code, retryable) in cases {
        let err = failing_hydrate(
            status,
            json!({"message": format!("went wrong {status}"), "code": code, "internalErrorCode": "ie_9"}),
        )
        .await;
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(err.code(), Some(code));
        assert_eq!(err.request_id(), Some("req_42"));
        assert_eq!(err.is_retryable(), retryable, "{status}");
        let Error::Api(failure) = &err else {
            panic!("not an API error: {err:?}")
        };
        assert_eq!(failure.internal_error_code(), Some("ie_9"));
        assert_eq!(failure.operation, "hydrateFile");
        let text = err.to_string();
        assert!(
            text.contains(&status.to_string()) && text.contains(&format!("went wrong {status}")),
            "{text}"
        );
        assert!(text.contains("req_42"), "{text}");
    }
}

#[tokio::test]
async fn a_requirement_in_the_error_body_is_exposed() {
    let err = failing_hydrate(
        403,
        json!({"message": "needs add-on", "code": "insufficient_credits",
               "requirement": {"type": "purchase_add_on", "details": {"addOn": "video-pro"}}}),
    )
    .await;
    let Error::Api(failure) = &err else { panic!("{err:?}") };
    let requirement = failure.requirement().expect("requirement parsed");
    assert_eq!(requirement.type_, "purchase_add_on");
    assert_eq!(requirement.details.get("addOn").map(String::as_str), Some("video-pro"));
    assert!(err.api_error().unwrap().code.as_deref() == Some("insufficient_credits"));
}

#[tokio::test]
async fn an_error_body_without_a_code_still_gives_the_status() {
    let err = failing_hydrate(404, json!({"message": "File not found"})).await;
    assert_eq!(err.status().unwrap().as_u16(), 404);
    assert_eq!(err.code(), None);
    assert!(err.to_string().contains("File not found"));
}

#[tokio::test]
async fn a_non_json_502_page_is_an_api_error_with_its_status() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/files/vg_file_g");
            then.status(502)
                .header("content-type", "text/html")
                .header("x-request-id", "req_gw")
                .body("<html><body><h1>502 Bad Gateway</h1></body></html>");
        })
        .await;
    let err = client(&server).files().get("vg_file_g").await.unwrap_err();
    assert_eq!(err.status().unwrap().as_u16(), 502);
    assert!(err.is_retryable());
    assert_eq!(err.request_id(), Some("req_gw"));
    assert_eq!(err.code(), None);
    let text = err.to_string();
    assert!(text.contains("502") && text.contains("Bad Gateway"), "{text}");
}

/// A server whose answer to `GET /v1/files/vg_file_c<i>` is an HTML error
/// page whose status and request id depend on `i`. It sends the headers at once
/// and the body 100 ms later, so that every call of a batch has seen its
/// headers before any has its body.
async fn slow_body_server() -> String {
    use tokio::io::AsyncWriteExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let head = common::read_request_head(&mut socket).await;
                let i: usize = head
                    .split("vg_file_c")
                    .nth(1)
                    .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
                    .and_then(|digits| digits.parse().ok())
                    .unwrap_or(0);
                let status = CONCURRENT_STATUSES[i % CONCURRENT_STATUSES.len()];
                let body = format!("<html><body>gateway page {i}</body></html>");
                let headers = format!(
                    "HTTP/1.1 {status} Error\r\ncontent-type: text/html\r\nx-request-id: req_c{i}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(headers.as_bytes()).await;
                let _ = socket.flush().await;
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                let _ = socket.write_all(body.as_bytes()).await;
            });
        }
    });
    url
}

const CONCURRENT_STATUSES: [u16; 4] = [500, 502, 503, 504];

/// What an attempt saw (status, request id) is kept per call, even when
/// many calls share one task: each error reports its own response, never a
/// neighbour's. The bodies are HTML, so status and request id can only come
/// from that per-call record. All sixteen calls see their headers before any
/// body arrives.
#[tokio::test]
async fn concurrent_calls_in_one_task_each_report_their_own_response() {
    let client = videogen::Client::builder()
        .api_key(KEY)
        .base_url(slow_body_server().await)
        .disable_retries()
        .build()
        .unwrap();
    let files = client.files();
    let calls = (0..16).map(|i| files.get(format!("vg_file_c{i}")));
    let results = common::within(10, futures_util::future::join_all(calls)).await;
    for (i, result) in results.into_iter().enumerate() {
        let err = result.unwrap_err();
        let status = CONCURRENT_STATUSES[i % CONCURRENT_STATUSES.len()];
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "call {i}: {err}");
        let expected = format!("req_c{i}");
        assert_eq!(err.request_id(), Some(expected.as_str()), "call {i}: {err}");
        assert!(
            err.to_string().contains(&format!("gateway page {i}")),
            "call {i}: {err}"
        );
    }
}

#[tokio::test]
async fn an_undecodable_success_body_is_a_decode_error_with_a_redacted_snippet() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/files/vg_file_d/hydrate");
            then.status(200)
                .body(r#"{"fileId": 7, "downloadSource": {"url": "https://cdn.example/x?token=SIGNED"}}"#);
        })
        .await;
    let err = client(&server).files().hydrate("vg_file_d").await.unwrap_err();
    let Error::Decode { status, snippet, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(status.as_u16(), 200);
    assert!(snippet.contains("fileId"), "{snippet}");
    let text = format!("{err} {err:?}");
    assert!(!text.contains("SIGNED"), "signed query leaked: {text}");
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn unknown_enum_values_and_unknown_fields_do_not_fail_the_file() {
    let server = MockServer::start_async().await;
    let mut body = video_json("vg_file_n");
    body["type"] = json!("LOTTIE");
    body["scope"] = json!("WORKSPACE");
    body["hlsSource"]["status"] = json!("transcoding");
    body["brandNewField"] = json!({"nested": [1, 2, 3]});
    body["fileAnalysisMetadata"] = json!({"analysisLoadingState": "QUEUED", "analysisProgressPercentage": 0});
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/files/vg_file_n/hydrate");
            then.status(200).json_body(body);
        })
        .await;
    let file = client(&server).files().hydrate("vg_file_n").await.unwrap();
    assert_eq!(file.type_, Some(FileType::Unknown("LOTTIE".into())));
    assert_eq!(file.scope, FileScope::Unknown("WORKSPACE".into()));
    assert_eq!(file.hls_source.as_ref().unwrap().status.as_str(), "transcoding");
    assert_eq!(
        file.file_analysis_metadata
            .as_ref()
            .unwrap()
            .analysis_loading_state
            .as_str(),
        "QUEUED"
    );
    let back = serde_json::to_value(&file).unwrap();
    assert_eq!(back["type"], "LOTTIE");
    assert_eq!(back["scope"], "WORKSPACE");
    assert_eq!(back["hlsSource"]["status"], "transcoding");
}

#[tokio::test]
async fn null_and_absent_fields_both_read_as_none() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/files/with_nulls");
            then.status(200).json_body(json!({
                "fileId": "with_nulls", "scope": "TEMPORARY", "type": null, "description": null,
                "durationSeconds": null, "transcript": null, "thumbnailSource": null, "previewSource": null,
                "downloadSource": {"status": "ready", "url": null, "expiresAt": null, "width": null, "height": null, "fileBytes": null},
                "hlsSource": null, "staticPublicPreviewSource": null, "publicHlsUrl": null, "publicPlaybackId": null
            }));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/files/absent");
            then.status(200)
                .json_body(json!({"fileId": "absent", "scope": "TEMPORARY", "downloadSource": {"status": "ready"}}));
        })
        .await;
    let files = client(&server).files();
    let mut with_nulls = files.get("with_nulls").await.unwrap();
    let absent = files.get("absent").await.unwrap();
    assert_eq!(with_nulls.type_, None);
    assert_eq!(with_nulls.description, None);
    assert_eq!(with_nulls.download_source.as_ref().unwrap().url, None);
    with_nulls.file_id = "absent".into();
    assert_eq!(with_nulls, absent, "null and absent decode to the same value");
    assert!(
        absent.needs_hydration(std::time::SystemTime::now()),
        "ready without a URL needs hydration"
    );
}

#[tokio::test]
async fn a_missing_required_field_is_a_decode_error_naming_it() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/files/noscope");
            then.status(200).json_body(json!({"fileId": "noscope"}));
        })
        .await;
    let err = client(&server).files().get("noscope").await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(err.to_string().contains("scope"), "{err}");
}

#[tokio::test]
async fn retryable_statuses_are_retried_and_others_are_not() {
    let server = MockServer::start_async().await;
    let unavailable = server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/files/busy/hydrate");
            then.status(503).json_body(json!({"message": "busy"}));
        })
        .await;
    let missing = server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/files/gone/hydrate");
            then.status(404)
                .json_body(json!({"message": "nope", "code": "not_found"}));
        })
        .await;
    let files = retrying_client(&server, 2).files();
    let busy = common::within(30, files.hydrate("busy")).await.unwrap_err();
    assert_eq!(busy.status().unwrap().as_u16(), 503);
    assert_eq!(
        unavailable.calls_async().await,
        3,
        "max_retries(2) means three attempts"
    );
    assert_eq!(files.hydrate("gone").await.unwrap_err().code(), Some("not_found"));
    assert_eq!(missing.calls_async().await, 1);
}

#[tokio::test]
async fn the_api_key_never_appears_in_errors() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(401)
                .json_body(json!({"message": "Invalid API key", "code": "invalid_api_key"}));
        })
        .await;
    let err = client(&server).files().get("x").await.unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(!text.contains(KEY), "{text}");
    assert!(
        text.contains("VIDEOGEN_API_KEY"),
        "a 401 says where the key comes from: {text}"
    );
    let refused = videogen::Client::builder()
        .api_key(KEY)
        .base_url("http://127.0.0.1:1")
        .disable_retries()
        .build()
        .unwrap()
        .files()
        .get("x")
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::Transport { .. }), "{refused:?}");
    assert!(!format!("{refused} {refused:?}").contains(KEY));
}

#[test]
fn the_error_type_travels_across_threads_and_into_anyhow_style_boxes() {
    fn assert_error<E: std::error::Error + Send + Sync + 'static>() {}
    assert_error::<Error>();
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(Error::InvalidInput { message: "x".into() });
    assert!(boxed.to_string().contains("invalid input"));
}

#[tokio::test]
async fn an_undocumented_success_status_is_read_not_reported_as_an_error() {
    // A start documented as 202 answered with 200: the job exists, so its id
    // must come back (else a caller would start the paid job again).
    let server = common::generate_image_answering(200, "vg_tool_200").await;
    server
        .mock_async(|when, then| {
            when.method(httpmock::Method::DELETE)
                .path("/v1/webhooks/endpoints/ep_1");
            then.status(200);
        })
        .await;
    let job = common::generate_a_fox(&server).await.unwrap();
    assert_eq!(job.id(), "vg_tool_200");
    common::client(&server)
        .webhooks()
        .delete_endpoint("ep_1")
        .await
        .unwrap();
}

#[tokio::test]
async fn a_redirect_status_that_is_not_followed_is_an_error_not_a_success() {
    // 300 carries no redirect reqwest follows; even with a body that reads
    // as the operation's answer, a non-2xx status is never a success.
    let server = common::generate_image_answering(300, "vg_tool_300").await;
    let err = common::generate_a_fox(&server).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(300), "{err:?}");
    assert!(matches!(err, Error::Api(_)), "{err:?}");
}

/// Resolves every name to one address and counts the lookups: each
/// connection attempt resolves once, so the count is the number of attempts
/// even when no connection is ever made.
struct CountingResolver {
    /// `None`: the name does not resolve.
    addr: Option<std::net::SocketAddr>,
    lookups: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl reqwest::dns::Resolve for CountingResolver {
    fn resolve(&self, _: reqwest::dns::Name) -> reqwest::dns::Resolving {
        self.lookups.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let addr = self.addr;
        Box::pin(async move {
            let addr = addr.ok_or("no such host")?;
            let addrs: reqwest::dns::Addrs = Box::new(std::iter::once(addr));
            Ok(addrs)
        })
    }
}

/// A client with retries on whose every connection is refused, and the
/// counter of its connection attempts.
fn refusing_client(retries: u32) -> (videogen::Client, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    // A port that was free a moment ago: nothing listens there.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    resolving_client(Some(addr), retries)
}

fn resolving_client(
    addr: Option<std::net::SocketAddr>,
    retries: u32,
) -> (videogen::Client, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let lookups = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let http = reqwest::Client::builder()
        .dns_resolver(CountingResolver {
            addr,
            lookups: lookups.clone(),
        })
        .build()
        .unwrap();
    let policy = match retries {
        0 => videogen::RetryPolicy::disabled(),
        n => videogen::RetryPolicy::default().max_retries(n),
    }
    .initial_backoff(std::time::Duration::from_millis(1));
    let client = videogen::Client::builder()
        .api_key(KEY)
        .base_url("http://videogen.invalid")
        .http_client(http)
        .retry_policy(policy)
        .build()
        .unwrap();
    (client, lookups)
}

#[tokio::test]
async fn a_refused_connection_is_retried_for_every_operation_create_upload_included() {
    let attempts = |lookups: &std::sync::atomic::AtomicUsize| lookups.load(std::sync::atomic::Ordering::SeqCst);

    let (client, lookups) = refusing_client(3);
    let err = common::within(30, client.files().get("vg_file_x")).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(attempts(&lookups), 4, "the first attempt and three retries");

    // Nothing reached the server, so even the call that creates a file is
    // retried (a timeout or a cut connection would not be).
    let (client, lookups) = refusing_client(3);
    let err = common::within(30, client.files().create_upload("clip.mp4"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(
        attempts(&lookups),
        4,
        "create_upload: the first attempt and three retries"
    );

    let (client, lookups) = refusing_client(0);
    common::within(30, client.files().create_upload("clip.mp4"))
        .await
        .unwrap_err();
    assert_eq!(attempts(&lookups), 1, "retries off: one attempt");

    // A name that does not resolve fails before anything is sent, too.
    let (client, lookups) = resolving_client(None, 2);
    let err = common::within(30, client.files().create_upload("clip.mp4"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err.to_string().contains("no such host"), "{err}");
    assert_eq!(attempts(&lookups), 3, "DNS failure: the first attempt and two retries");
}

#[tokio::test]
async fn a_server_message_echoing_a_signed_url_is_redacted_in_display_and_debug() {
    let secret = "Signature=SERVER_ECHOED_SECRET";
    let message = format!("the URL https://cdn.example/v/clip.mp4?Expires=1&{secret} has expired");
    let err = failing_hydrate(
        403,
        json!({"message": message, "code": "url_expired",
               "requirement": {"type": "refresh", "details": {"url": format!("https://cdn.example/x?{secret}")}}}),
    )
    .await;
    for (how, text) in [
        ("Display", format!("{err}")),
        ("Debug", format!("{err:?}")),
        ("Debug (pretty)", format!("{err:#?}")),
    ] {
        assert!(
            !text.contains("SERVER_ECHOED_SECRET"),
            "{how} leaks the signature: {text}"
        );
        assert!(
            text.contains("https://cdn.example/v/clip.mp4?<redacted>"),
            "{how} keeps the URL's path: {text}"
        );
    }
    let Error::Api(failure) = &err else { panic!("{err:?}") };
    assert!(
        !failure.message().contains("SERVER_ECHOED_SECRET"),
        "{}",
        failure.message()
    );
    assert!(failure.message().ends_with("has expired"));
    assert_eq!(err.code(), Some("url_expired"), "the rest of the body is intact");
    assert_eq!(err.request_id(), Some("req_42"));
}

/// A server that reads each request and closes the connection without a
/// word; the number of connections it saw.
async fn hang_up_server() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use tokio::io::AsyncReadExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut request = [0u8; 8192];
            let _ = socket.read(&mut request).await;
            drop(socket);
        }
    });
    (url, seen)
}

#[tokio::test]
async fn a_connection_closed_without_an_answer_is_retried_except_for_create_upload() {
    let (url, seen) = hang_up_server().await;
    let policy = videogen::RetryPolicy::default().initial_backoff(std::time::Duration::from_millis(1));
    let client = videogen::Client::builder()
        .api_key(KEY)
        .base_url(url)
        .retry_policy(policy)
        .build()
        .unwrap();
    let err = common::within(20, client.files().create_upload("clip.mp4"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(
        seen.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "the request reached the server: the file may exist"
    );
    common::within(20, client.files().get("vg_file_x")).await.unwrap_err();
    assert_eq!(
        seen.load(std::sync::atomic::Ordering::SeqCst),
        1 + 4,
        "get: four attempts"
    );
}

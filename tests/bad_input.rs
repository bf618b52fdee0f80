//! Hostile or broken input, from the caller and from the network: each case
//! ends in a correct value or a typed error a person can act on, never a panic.

mod common;

use common::{client, retrying_client, within};
use httpmock::prelude::*;
use serde_json::json;
use videogen::Error;

/// What a case must come to.
enum Expect {
    Ok,
    InvalidInput,
    Decode,
    ApiStatus(u16),
}

fn check(case: &str, result: Result<videogen::File, Error>, expect: Expect) {
    match (expect, &result) {
        (Expect::Ok, Ok(_)) => {}
        (Expect::InvalidInput, Err(Error::InvalidInput { message })) => {
            assert!(message.len() > 20, "{case}: message too thin to act on: {message}")
        }
        (Expect::Decode, Err(err @ Error::Decode { snippet, .. })) => {
            assert!(err.to_string().contains("cannot decode"), "{case}: {err}");
            assert!(snippet.chars().count() <= 201, "{case}: snippet is bounded");
        }
        (Expect::ApiStatus(code), Err(err @ Error::Api(_))) => {
            assert_eq!(err.status().unwrap().as_u16(), code, "{case}")
        }
        (_, other) => panic!("{case}: unexpected result {other:?}"),
    }
}

#[tokio::test]
async fn hostile_ids_are_rejected_or_sent_as_one_encoded_segment() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.method(POST).path_matches(r"^/v1/files/[^/]+/hydrate$");
            then.status(200).json_body(json!({"fileId": "echo", "scope": "GLOBAL"}));
        })
        .await;
    let files = client(&server).files();
    let long = "x".repeat(10 * 1024);
    let cases: Vec<(&str, String, Expect)> = vec![
        ("empty", String::new(), Expect::InvalidInput),
        ("dot", ".".into(), Expect::InvalidInput),
        ("dot dot", "..".into(), Expect::InvalidInput),
        ("NUL", "vg\0".into(), Expect::InvalidInput),
        ("newline", "vg_file\n".into(), Expect::InvalidInput),
        ("escape", "\u{1b}[31m".into(), Expect::InvalidInput),
        ("slash", "a/b".into(), Expect::Ok),
        ("encoded dots", "%2e%2e".into(), Expect::Ok),
        ("spaces", "  vg file  ".into(), Expect::Ok),
        ("query and fragment", "a?b=c#d".into(), Expect::Ok),
        ("10 kB", long, Expect::Ok),
        ("non-ASCII", "vg_fïlé_日本".into(), Expect::Ok),
        ("three dots", "...".into(), Expect::Ok),
    ];
    let expected_sent = cases.iter().filter(|(_, _, e)| matches!(e, Expect::Ok)).count();
    for (case, id, expect) in cases {
        check(case, files.hydrate(&id).await, expect);
    }
    assert_eq!(
        any.calls_async().await,
        expected_sent,
        "each valid id is one request to the hydrate path"
    );
}

async fn body_case(case: &str, status: u16, content_type: Option<&str>, body: impl Into<Vec<u8>>, expect: Expect) {
    let body = body.into();
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/files/f");
            let then = then.status(status).body(body);
            if let Some(content_type) = content_type {
                then.header("content-type", content_type);
            }
        })
        .await;
    check(case, client(&server).files().get("f").await, expect);
}

#[tokio::test]
async fn broken_bodies_are_decode_errors_and_odd_ones_decode() {
    let json_type = Some("application/json");
    let valid = |extra: serde_json::Value| {
        let mut file = json!({"fileId": "f", "scope": "GLOBAL"});
        file.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        file.to_string()
    };
    let cases: Vec<(&str, Option<&str>, String, Expect)> = vec![
        (
            "malformed JSON",
            json_type,
            r#"{"fileId": "f", "scope": "#.into(),
            Expect::Decode,
        ),
        ("empty body", json_type, String::new(), Expect::Decode),
        ("a JSON array", json_type, "[]".into(), Expect::Decode),
        (
            "wrong type for fileId",
            json_type,
            r#"{"fileId": 12, "scope": "GLOBAL"}"#.into(),
            Expect::Decode,
        ),
        (
            "wrong type for a source",
            json_type,
            valid(json!({"downloadSource": "ready"})),
            Expect::Decode,
        ),
        (
            "string for a number",
            json_type,
            valid(json!({"durationSeconds": "12.5"})),
            Expect::Decode,
        ),
        (
            "missing fileId",
            json_type,
            r#"{"scope": "GLOBAL"}"#.into(),
            Expect::Decode,
        ),
        ("missing scope", json_type, r#"{"fileId": "f"}"#.into(), Expect::Decode),
        (
            "source without status",
            json_type,
            valid(json!({"previewSource": {"url": "https://x"}})),
            Expect::Decode,
        ),
        (
            "5 MB transcript",
            json_type,
            valid(json!({"transcript": "word ".repeat(1_000_000)})),
            Expect::Ok,
        ),
        (
            "unknown enum values",
            json_type,
            valid(json!({"type": "HOLOGRAM", "hlsSource": {"status": "queued"}})),
            Expect::Ok,
        ),
        (
            "unknown fields",
            json_type,
            valid(json!({"futureThing": {"a": [1, null]}, "x": null})),
            Expect::Ok,
        ),
        (
            "nulls everywhere",
            json_type,
            valid(
                json!({"type": null, "displayName": null, "description": null, "durationSeconds": null,
                "transcript": null, "thumbnailSource": null, "previewSource": null, "downloadSource": null,
                "hlsSource": null, "isPublicPreviewEnabled": null, "staticPublicPreviewSource": null,
                "publicHlsUrl": null, "publicPlaybackId": null, "sourceToolType": null,
                "sourceToolExecutionId": null, "fileAnalysisMetadata": null}),
            ),
            Expect::Ok,
        ),
        (
            "null for required scope",
            json_type,
            r#"{"fileId": "f", "scope": null}"#.into(),
            Expect::Decode,
        ),
        (
            "huge numbers",
            json_type,
            valid(json!({"downloadSource": {"status": "ready", "fileBytes": 1e300}})),
            Expect::Decode,
        ),
        ("missing content type", None, valid(json!({})), Expect::Ok),
        ("wrong content type", Some("text/plain"), valid(json!({})), Expect::Ok),
        (
            "HTML with a 200",
            Some("text/html"),
            "<html>maintenance</html>".into(),
            Expect::Decode,
        ),
    ];
    for (case, content_type, body, expect) in cases {
        body_case(case, 200, content_type, body, expect).await;
    }
    let invalid_utf8 = b"{\"fileId\": \"\xff\", \"scope\": \"GLOBAL\"}".to_vec();
    body_case("invalid UTF-8", 200, json_type, invalid_utf8, Expect::Decode).await;
    body_case(
        "error status with an empty body",
        404,
        None,
        String::new(),
        Expect::ApiStatus(404),
    )
    .await;
    body_case(
        "error status with a plain-text body",
        400,
        Some("text/plain"),
        "bad",
        Expect::ApiStatus(400),
    )
    .await;
    body_case(
        "error body of the wrong shape",
        403,
        json_type,
        r#"{"error": "nope"}"#,
        Expect::ApiStatus(403),
    )
    .await;
}

#[tokio::test]
async fn unparseable_retry_after_falls_back_to_backoff() {
    let server = MockServer::start_async().await;
    let limited = server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/files/rl/hydrate");
            then.status(429)
                .header("retry-after", "tomorrow-ish")
                .json_body(json!({"message": "slow down"}));
        })
        .await;
    let started = std::time::Instant::now();
    // Bounded: a retry loop that never gives up must fail, not hang.
    let err = within(30, retrying_client(&server, 2).files().hydrate("rl"))
        .await
        .unwrap_err();
    assert_eq!(err.status().unwrap().as_u16(), 429);
    assert_eq!(
        limited.calls_async().await,
        3,
        "retried on backoff despite the junk header"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "the junk header was not read as a long wait"
    );
}

#[tokio::test]
async fn a_bad_content_length_or_encoding_claim_is_a_typed_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/files/gz");
            then.status(200)
                .header("content-encoding", "gzip")
                .body("not gzip at all");
        })
        .await;
    let result = client(&server).files().get("gz").await;
    assert!(matches!(result, Err(Error::Decode { .. })), "{result:?}");
}

//! Each Files operation on the wire: method, path, headers, query and body
//! sent, and the response decoded.

mod common;

use common::{client, video_json, within, KEY};
use futures_util::TryStreamExt;
use httpmock::prelude::*;
use serde_json::json;
use videogen::{types::CreateFileUploadRequest, FileScope, FileSourceStatus, FileType, UploadFileType};

fn auth() -> String {
    format!("Bearer {KEY}")
}

#[tokio::test]
async fn hydrate_posts_to_the_hydrate_path_with_auth_and_user_agent() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/files/vg_file_abc/hydrate")
                .header("authorization", auth())
                .header("accept", "application/json")
                .header_missing("api-version")
                .is_true(|req| {
                    let headers = req.headers();
                    let agent = headers.get("user-agent").and_then(|v| v.to_str().ok()).unwrap_or("");
                    agent.starts_with(concat!("videogen-rust/", env!("CARGO_PKG_VERSION")))
                });
            then.status(200)
                .header("content-type", "application/json")
                .json_body(video_json("vg_file_abc"));
        })
        .await;
    let file = client(&server).files().hydrate("vg_file_abc").await.unwrap();
    mock.assert_async().await;
    assert_eq!(file.id(), "vg_file_abc");
    assert_eq!(file.type_, Some(FileType::Video));
    assert_eq!(file.scope, FileScope::Global);
    assert_eq!(file.download_url(), Some("https://cdn.example/d.mp4?token=D"));
    assert_eq!(file.hls_url(), None, "a pending source has no usable URL");
    assert_eq!(file.hls_source.as_ref().unwrap().status, FileSourceStatus::Pending);
    let earliest = file
        .expires_at()
        .unwrap()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    assert_eq!(earliest.as_secs(), 4102444700, "earliest expiry among ready URLs");
}

#[tokio::test]
async fn get_archive_and_preview_toggles_use_their_own_method_and_path() {
    let server = MockServer::start_async().await;
    let cases = [
        (GET, "/v1/files/vg_file_1"),
        (POST, "/v1/files/vg_file_1/archive"),
        (POST, "/v1/files/vg_file_1/enable-public-preview"),
        (POST, "/v1/files/vg_file_1/disable-public-preview"),
    ];
    let mut mocks = Vec::new();
    for (method, path) in cases {
        mocks.push(
            server
                .mock_async(move |when, then| {
                    when.method(method).path(path).header("authorization", auth());
                    then.status(200)
                        .json_body(json!({"fileId": "vg_file_1", "scope": "PROJECT"}));
                })
                .await,
        );
    }
    let files = client(&server).files();
    assert_eq!(files.get("vg_file_1").await.unwrap().scope, FileScope::Project);
    assert_eq!(files.archive("vg_file_1").await.unwrap().id(), "vg_file_1");
    files.enable_public_preview("vg_file_1").await.unwrap();
    files.disable_public_preview("vg_file_1").await.unwrap();
    for mock in mocks {
        mock.assert_async().await;
    }
}

#[tokio::test]
async fn list_sends_limit_and_cursor_as_query_parameters() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1/files")
                .query_param("limit", "25")
                .query_param("cursor", "c/2+x");
            then.status(200).json_body(json!({
                "files": [video_json("vg_file_a")],
                "hasMore": true,
                "nextCursor": "c3"
            }));
        })
        .await;
    let page = client(&server).files().list().limit(25).cursor("c/2+x").await.unwrap();
    mock.assert_async().await;
    assert_eq!(page.files.len(), 1);
    assert!(page.has_more);
    assert_eq!(page.next_cursor.as_deref(), Some("c3"));
}

#[tokio::test]
async fn list_without_options_sends_no_query_and_rejects_bad_limits_locally() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1/files")
                .query_param_missing("limit")
                .query_param_missing("cursor");
            then.status(200)
                .json_body(json!({"files": [], "hasMore": false, "nextCursor": null}));
        })
        .await;
    let files = client(&server).files();
    assert!(files.list().await.unwrap().files.is_empty());
    for bad in [0, 201] {
        let err = files.list().limit(bad).await.unwrap_err();
        assert!(matches!(err, videogen::Error::InvalidInput { .. }), "{err}");
        assert!(err.to_string().contains("1 to 200"), "{err}");
    }
    assert_eq!(mock.calls_async().await, 1);
}

#[tokio::test]
async fn search_posts_the_query_and_options_as_json() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/files/search")
                .header("content-type", "application/json")
                .json_body(json!({"query": "sunset", "numResults": 5, "selfOnly": true}));
            then.status(200)
                .json_body(json!({"results": [{"similarity": 0.87, "file": video_json("vg_file_s")}]}));
        })
        .await;
    let files = client(&server).files();
    let results = files.search("sunset").num_results(5).self_only(true).await.unwrap();
    mock.assert_async().await;
    assert_eq!(results.len(), 1);
    assert!((results[0].similarity - 0.87).abs() < 1e-6);
    assert_eq!(results[0].file.id(), "vg_file_s");
    assert!(files.search("").await.unwrap_err().to_string().contains("empty"));
    assert!(files.search("x").num_results(101).await.is_err());
    assert_eq!(mock.calls_async().await, 1);
}

#[tokio::test]
async fn search_defaults_to_ten_results_for_the_whole_team() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/files/search")
                .json_body(json!({"query": "q", "numResults": 10, "selfOnly": false}));
            then.status(200).json_body(json!({"results": []}));
        })
        .await;
    assert!(client(&server).files().search("q").await.unwrap().is_empty());
    mock.assert_async().await;
}

#[tokio::test]
async fn create_upload_sends_name_type_and_temporary_flag() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/files/upload")
                .json_body(json!({"displayName": "clip.mp4", "type": "VIDEO", "isTemporary": true}));
            then.status(200)
                .json_body(json!({"fileId": "vg_file_up", "uploadUrl": "https://up.example/x?sig=S"}));
        })
        .await;
    let files = client(&server).files();
    let request = CreateFileUploadRequest::new("clip.mp4")
        .file_type(UploadFileType::Video)
        .temporary(true);
    let created = files.create_upload(request).await.unwrap();
    mock.assert_async().await;
    assert_eq!(created.file_id, "vg_file_up");
    assert_eq!(created.upload_url, "https://up.example/x?sig=S");
    let err = files.create_upload("  ").await.unwrap_err();
    assert!(matches!(err, videogen::Error::InvalidInput { .. }));
}

#[tokio::test]
async fn create_upload_accepts_a_bare_display_name() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/files/upload")
                .json_body(json!({"displayName": "a.png", "isTemporary": false}));
            then.status(200)
                .json_body(json!({"fileId": "vg_file_p", "uploadUrl": "https://up.example/p"}));
        })
        .await;
    assert_eq!(
        client(&server).files().create_upload("a.png").await.unwrap().file_id,
        "vg_file_p"
    );
    mock.assert_async().await;
}

#[tokio::test]
async fn ids_are_percent_encoded_into_one_path_segment() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).is_true(|req| {
                let uri = req.uri();
                let path = uri.path();
                path == "/v1/files/a%2Fb%20c%3F%23%25%C3%BC/hydrate" || path == "/v1/files/a%2Fb%20c%3F%23%25ü/hydrate"
            });
            then.status(200)
                .json_body(json!({"fileId": "a/b c?#%ü", "scope": "GLOBAL"}));
        })
        .await;
    let file = client(&server).files().hydrate("a/b c?#%ü").await.unwrap();
    assert_eq!(file.id(), "a/b c?#%ü");
    mock.assert_async().await;
}

#[tokio::test]
async fn invalid_ids_are_rejected_before_any_request() {
    let server = MockServer::start_async().await;
    let any = server.mock_async(|when, then| {
        when.any_request();
        then.status(200).json_body(json!({"fileId": "x", "scope": "GLOBAL"}));
    });
    let any = any.await;
    let files = client(&server).files();
    for bad in ["", ".", "..", "vg\u{0}file", "line\nbreak", "del\u{7f}"] {
        for result in [
            files.get(bad).await,
            files.hydrate(bad).await,
            files.archive(bad).await,
            files.enable_public_preview(bad).await,
            files.disable_public_preview(bad).await,
        ] {
            let err = result.unwrap_err();
            assert!(matches!(err, videogen::Error::InvalidInput { .. }), "{bad:?}: {err}");
            assert!(err.to_string().contains("file id"), "{err}");
        }
    }
    assert_eq!(any.calls_async().await, 0, "nothing may be sent for an invalid id");
}

#[tokio::test]
async fn list_all_follows_cursors_across_three_pages() {
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/files").query_param_missing("cursor");
            then.status(200)
                .json_body(json!({"files": [video_json("f1"), video_json("f2")], "hasMore": true, "nextCursor": "p2"}));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/files").query_param("cursor", "p2");
            then.status(200)
                .json_body(json!({"files": [video_json("f3")], "hasMore": true, "nextCursor": "p3"}));
        })
        .await;
    let third = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/files").query_param("cursor", "p3");
            then.status(200)
                .json_body(json!({"files": [video_json("f4")], "hasMore": false, "nextCursor": null}));
        })
        .await;
    let all: Vec<_> = within(10, client(&server).files().list_all().try_collect())
        .await
        .unwrap();
    let ids: Vec<_> = all.iter().map(|f| f.id().to_owned()).collect();
    assert_eq!(ids, ["f1", "f2", "f3", "f4"]);
    for mock in [first, second, third] {
        assert_eq!(mock.calls_async().await, 1);
    }
}

#[tokio::test]
async fn list_all_stops_on_a_repeated_cursor_instead_of_looping() {
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/files").query_param_missing("cursor");
            then.status(200)
                .json_body(json!({"files": [video_json("f1")], "hasMore": true, "nextCursor": "same"}));
        })
        .await;
    let again = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/files").query_param("cursor", "same");
            then.status(200)
                .json_body(json!({"files": [video_json("f2")], "hasMore": true, "nextCursor": "same"}));
        })
        .await;
    let items: Vec<_> = within(10, futures_util::StreamExt::collect(client(&server).files().list_all())).await;
    assert_eq!(items.len(), 3, "two files, then the loop error");
    assert_eq!(items[0].as_ref().unwrap().id(), "f1");
    assert_eq!(items[1].as_ref().unwrap().id(), "f2");
    let err = items[2].as_ref().unwrap_err();
    assert!(err.to_string().contains("repeated cursor"), "{err}");
    assert!(
        matches!(err, videogen::Error::Protocol { .. }),
        "the server's fault, not the caller's: {err:?}"
    );
    assert_eq!(first.calls_async().await, 1);
    assert_eq!(again.calls_async().await, 1);
}

#[tokio::test]
async fn list_all_stops_when_more_is_claimed_without_a_cursor() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/files");
            then.status(200)
                .json_body(json!({"files": [video_json("f1")], "hasMore": true, "nextCursor": ""}));
        })
        .await;
    let items: Vec<_> = within(10, futures_util::StreamExt::collect(client(&server).files().list_all())).await;
    assert_eq!(items.len(), 2);
    assert!(items[1].as_ref().unwrap_err().to_string().contains("no cursor"));
    assert_eq!(mock.calls_async().await, 1);
}

//! Lib tests, written against the public API only, of the id checks and the
//! paging of `list_all`.
//!
//! They sit in the library (not in `tests/`) so that the mutation measure
//! `cargo mutants --file <module> -- --lib` sees them, and they call nothing
//! but public items so that they keep working when the functions they cover
//! move to other modules. Every stream that follows server data runs under
//! [`within`], so a paging regression fails in seconds instead of hanging.

use std::time::Duration;

use futures_util::StreamExt;
use httpmock::prelude::*;
use serde_json::{json, Value};

use crate::{Client, Error, Files};

/// Long enough for any honest run on a loaded machine, short enough that a
/// loop on server data fails the test quickly.
async fn within<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), future)
        .await
        .expect("did not finish within 10 s: a loop on server data?")
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key("sk_test_api")
        .base_url(server.base_url())
        .disable_retries()
        .build()
        .unwrap()
}

fn files(server: &MockServer) -> Files {
    client(server).files()
}

fn file(id: &str) -> Value {
    json!({"fileId": id, "scope": "GLOBAL"})
}

fn page(ids: &[&str], has_more: bool, next: Option<&str>) -> Value {
    json!({"files": ids.iter().map(|id| file(id)).collect::<Vec<_>>(), "hasMore": has_more, "nextCursor": next})
}

/// The ids of the items, with `Err` for an error item.
fn ids(items: &[Result<crate::File, Error>]) -> Vec<String> {
    items
        .iter()
        .map(|item| match item {
            Ok(file) => file.id().to_owned(),
            Err(_) => "Err".to_owned(),
        })
        .collect()
}

#[tokio::test]
async fn list_all_follows_every_cursor_to_the_last_page() {
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/files").query_param_missing("cursor");
            then.status(200).json_body(page(&["f1", "f2"], true, Some("p2")));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/files").query_param("cursor", "p2");
            then.status(200).json_body(page(&["f3"], true, Some("p3")));
        })
        .await;
    let last = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/files").query_param("cursor", "p3");
            // A cursor on the last page is not followed: hasMore decides.
            then.status(200).json_body(page(&["f4"], false, Some("p4")));
        })
        .await;
    let items: Vec<_> = within(files(&server).list_all().collect()).await;
    assert_eq!(ids(&items), ["f1", "f2", "f3", "f4"]);
    for mock in [first, second, last] {
        assert_eq!(mock.calls_async().await, 1);
    }
}

#[tokio::test]
async fn list_all_stops_with_a_protocol_error_on_a_repeated_cursor() {
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/files").query_param_missing("cursor");
            then.status(200).json_body(page(&["f1"], true, Some("c1")));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/files").query_param("cursor", "c1");
            then.status(200).json_body(page(&["f2"], true, Some("c2")));
        })
        .await;
    // The third page points back at the second one.
    let third = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/files").query_param("cursor", "c2");
            then.status(200).json_body(page(&["f3"], true, Some("c1")));
        })
        .await;
    let items: Vec<_> = within(files(&server).list_all().collect()).await;
    assert_eq!(ids(&items), ["f1", "f2", "f3", "Err"]);
    let err = items[3].as_ref().unwrap_err();
    assert!(matches!(err, Error::Protocol { .. }), "{err:?}");
    assert!(err.to_string().contains("a repeated cursor"), "{err}");
    for mock in [first, second, third] {
        assert_eq!(mock.calls_async().await, 1);
    }
}

#[tokio::test]
async fn list_all_stops_when_more_is_claimed_without_a_cursor() {
    for next in [Some(""), None] {
        let server = MockServer::start_async().await;
        let any = server
            .mock_async(|when, then| {
                when.method(GET).path("/v1/files");
                then.status(200).json_body(page(&["f1"], true, next));
            })
            .await;
        let items: Vec<_> = within(files(&server).list_all().collect()).await;
        assert_eq!(ids(&items), ["f1", "Err"], "nextCursor {next:?}");
        let err = items[1].as_ref().unwrap_err();
        assert!(matches!(err, Error::Protocol { .. }), "{err:?}");
        assert!(err.to_string().contains("no cursor"), "{err}");
        assert_eq!(any.calls_async().await, 1, "nextCursor {next:?}");
    }
}

#[tokio::test]
async fn list_all_ends_after_an_error_page() {
    let server = MockServer::start_async().await;
    let failing = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/files");
            then.status(500).json_body(json!({"message": "down"}));
        })
        .await;
    let items: Vec<_> = within(files(&server).list_all().collect()).await;
    assert_eq!(ids(&items), ["Err"]);
    assert_eq!(items[0].as_ref().unwrap_err().status().unwrap().as_u16(), 500);
    assert_eq!(failing.calls_async().await, 1);
}

#[tokio::test]
async fn ids_that_would_change_the_path_are_rejected_before_anything_is_sent() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(file("x"));
        })
        .await;
    let files = files(&server);
    for bad in ["", ".", "..", "a\nb", "\u{7f}x", "tab\there", "nul\0"] {
        for result in [
            files.get(bad).await,
            files.hydrate(bad).await,
            files.archive(bad).await,
            files.enable_public_preview(bad).await,
            files.disable_public_preview(bad).await,
            files.get_hydrated(bad).await,
        ] {
            let err = result.unwrap_err();
            assert!(matches!(err, Error::InvalidInput { .. }), "{bad:?}: {err:?}");
            assert!(err.to_string().contains("file id"), "{err}");
        }
    }
    assert_eq!(any.calls_async().await, 0, "nothing is sent for an invalid id");
}

#[tokio::test]
async fn every_other_id_reaches_its_own_path_unchanged() {
    let server = MockServer::start_async().await;
    let files = files(&server);
    // (id, the path segment it must arrive as)
    let cases = [
        ("vg_file_abc", "vg_file_abc"),
        ("...", "..."),
        (".a", ".a"),
        ("a.", "a."),
        ("a/b", "a%2Fb"),
        ("%2e%2e", "%252e%252e"),
        (" spaced ", "%20spaced%20"),
    ];
    for (id, segment) in cases {
        let echoed = id.to_owned();
        let hydrate = server
            .mock_async(|when, then| {
                when.method(POST).path(format!("/v1/files/{segment}/hydrate"));
                then.status(200).json_body(file(&echoed));
            })
            .await;
        let got = files.hydrate(id).await.unwrap_or_else(|e| panic!("{id:?}: {e}"));
        assert_eq!(got.id(), id);
        assert_eq!(
            hydrate.calls_async().await,
            1,
            "{id:?} went to /v1/files/{segment}/hydrate"
        );
    }
}

#[tokio::test]
async fn search_returns_the_servers_matches() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/files/search");
            then.status(200).json_body(json!({"results": [
                {"similarity": 0.9, "file": file("s1")},
                {"similarity": 0.5, "file": file("s2")},
            ]}));
        })
        .await;
    let results = files(&server).search("sunset").await.unwrap();
    let ids: Vec<_> = results.iter().map(|r| r.file.id()).collect();
    assert_eq!(ids, ["s1", "s2"]);
}

#[tokio::test]
async fn a_list_option_set_on_the_request_reaches_the_query_string() {
    let server = MockServer::start_async().await;
    let with_option = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1/tools/executions")
                .query_param("selfOnly", "true");
            then.status(200)
                .json_body(json!({"toolExecutions": [], "hasMore": false, "nextCursor": null}));
        })
        .await;
    let client = client(&server);
    within(client.tools().list().self_only(true).send()).await.unwrap();
    with_option.assert_calls_async(1).await;
}

#[test]
fn a_list_request_shows_its_options_in_debug() {
    let client = Client::builder().api_key("sk_test_api").build().unwrap();
    let shown = format!("{:?}", client.files().list().limit(7).cursor("c_after"));
    assert!(shown.starts_with("ListRequest"), "{shown}");
    assert!(shown.contains("limit: Some(7)") && shown.contains("c_after"), "{shown}");
}

#[test]
fn every_job_kind_is_known_by_the_id_the_api_gave_it() {
    // The id a wait registers under (for webhook wake-ups) and polls by.
    use crate::Pollable;
    let client = Client::builder().api_key("sk_test_api").build().unwrap();
    let projects = client.projects();
    assert_eq!(Pollable::job_id(&client.tools().job("vg_tool_1")), "vg_tool_1");
    assert_eq!(Pollable::job_id(&client.workflows().job("vg_run_1")), "vg_run_1");
    // As `AsRef<str>`, so a slice of jobs can go where ids are asked for.
    assert_eq!(client.tools().job("vg_tool_1").as_ref(), "vg_tool_1");
    assert_eq!(client.workflows().job("vg_run_1").as_ref(), "vg_run_1");
    assert_eq!(Pollable::job_id(&projects.export_job("pr_1", "ex_1")), "ex_1");
    // A remix has no id of its own: its project's stands for it.
    assert_eq!(
        Pollable::job_id(&projects.remix_job("pr_1", vec!["ra_1".to_owned()])),
        "pr_1"
    );
}

#[tokio::test]
async fn started_jobs_report_their_start_and_reattached_ones_what_they_were_given() {
    use crate::types::{
        RemixAction, RemixActionDisableCaptions, RemixProjectRequest, ScriptToVideoRequest, VisualStyleType,
        WorkflowVisualStyle,
    };
    let server = MockServer::start_async().await;
    let run = json!({"workflowRunId": "vg_work_1", "projectId": "vg_proj_1",
        "projectUrl": "https://app.videogen.io/p/1", "remixActionIds": ["vg_rmix_1", "vg_rmix_2"]});
    let remix = json!({"projectId": "vg_proj_2", "projectUrl": "https://app.videogen.io/p/2",
        "remixActionIds": ["vg_rmix_3"]});
    let (run_body, remix_body) = (run.clone(), remix.clone());
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/workflows/script-to-video");
            then.status(202).json_body(run_body);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/projects/vg_proj_1/remix");
            then.status(202).json_body(remix_body);
        })
        .await;
    let client = client(&server);

    let style = WorkflowVisualStyle::new(VisualStyleType::Stock);
    let job = within(
        client
            .workflows()
            .script_to_video(ScriptToVideoRequest::new("Foxes.", style)),
    )
    .await
    .unwrap();
    assert_eq!(job.id(), "vg_work_1");
    assert_eq!(job.project_id(), Some("vg_proj_1"));
    assert_eq!(job.project_url(), Some("https://app.videogen.io/p/1"));
    assert_eq!(job.remix_action_ids(), ["vg_rmix_1", "vg_rmix_2"]);
    assert_eq!(serde_json::to_value(job.start_response().unwrap()).unwrap(), run);
    let again = client.workflows().job("vg_work_1");
    assert_eq!((again.project_id(), again.project_url()), (None, None));
    assert!(again.remix_action_ids().is_empty() && again.start_response().is_none());

    let actions = vec![RemixAction::from(RemixActionDisableCaptions::new())];
    let remixed = within(client.projects().remix("vg_proj_1", RemixProjectRequest::new(actions)))
        .await
        .unwrap();
    assert_eq!(remixed.project_id(), "vg_proj_2", "a saved copy is its own project");
    assert_eq!(remixed.project_url(), Some("https://app.videogen.io/p/2"));
    assert_eq!(remixed.ids(), ["vg_rmix_3"]);
    let reattached = client.projects().remix_job("vg_proj_2", vec!["vg_rmix_3".to_owned()]);
    assert_eq!((reattached.project_id(), reattached.project_url()), ("vg_proj_2", None));

    let export = client.projects().export_job("vg_proj_1", "vg_expo_1");
    assert_eq!((export.project_id(), export.id()), ("vg_proj_1", "vg_expo_1"));
}

//! Verified bodies read as typed events: each payload family, the two ways
//! of writing `occurredAt`, unknown events kept, bodies that are not events.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::HeaderMap;
use serde_json::json;
use videogen::webhooks::{Event, Verifier, VerifyError};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const NOW: u64 = 1_779_537_600; // 2026-05-23T12:00:00Z

fn signed(verifier: &Verifier, id: &str, body: &[u8]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("webhook-id", id.parse().unwrap());
    headers.insert("webhook-timestamp", NOW.to_string().parse().unwrap());
    headers.insert("webhook-signature", verifier.sign(id, NOW, body).parse().unwrap());
    headers
}

fn verify(body: serde_json::Value) -> Result<Event, VerifyError> {
    let verifier = Verifier::new(SECRET).unwrap();
    let body = body.to_string().into_bytes();
    let headers = signed(&verifier, "msg_1", &body);
    verifier.verify_at(&headers, &body, UNIX_EPOCH + Duration::from_secs(NOW))
}

#[test]
fn each_family_reads_typed_and_occurred_at_reads_the_same_either_way() {
    let at = UNIX_EPOCH + Duration::from_secs(NOW);
    let tool = verify(json!({
        "event": "tool_execution.succeeded", "toolExecutionId": "vg_tool_1", "occurredAt": NOW,
        "toolType": "GENERATE_IMAGE",
        "results": [{"fileId": "vg_file_1", "type": "IMAGE", "file": {"fileId": "vg_file_1", "scope": "GLOBAL"}}]
    }))
    .unwrap();
    assert!(matches!(&tool, Event::ToolExecution { payload, .. } if payload.tool_execution_id == "vg_tool_1"));
    assert_eq!(
        (tool.id(), tool.name(), tool.occurred_at()),
        ("msg_1", "tool_execution.succeeded", Some(at))
    );

    let run = verify(json!({
        "event": "workflow_run.failed", "workflowRunId": "vg_work_1", "occurredAt": "2026-05-23T12:00:00Z",
        "workflowType": "SCRIPT_TO_VIDEO", "projectId": "vg_proj_1", "projectUrl": "https://app.videogen.io/p/1",
        "error": {"message": "no credits", "code": "insufficient_credits"}
    }))
    .unwrap();
    assert!(matches!(&run, Event::WorkflowRun { payload, .. } if payload.workflow_run_id == "vg_work_1"));
    assert_eq!(
        (run.name(), run.occurred_at()),
        ("workflow_run.failed", Some(at)),
        "RFC 3339 and seconds agree"
    );

    let file = verify(json!({
        "event": "file.playback_ready", "fileId": "vg_file_2", "occurredAt": NOW as f64 + 0.5,
        "file": {"fileId": "vg_file_2", "scope": "GLOBAL"}
    }))
    .unwrap();
    assert!(matches!(&file, Event::File { payload, .. } if payload.file.file_id == "vg_file_2"));
    assert_eq!(file.occurred_at(), Some(at + Duration::from_millis(500)));
}

#[test]
fn an_event_of_another_family_is_kept_with_its_json() {
    let event = verify(json!({"event": "billing.updated", "occurredAt": NOW, "plan": "pro"})).unwrap();
    let Event::Unknown { name, payload, .. } = &event else {
        panic!("{event:?}")
    };
    assert_eq!((name.as_str(), &payload["plan"]), ("billing.updated", &json!("pro")));
    assert_eq!(event.occurred_at(), Some(UNIX_EPOCH + Duration::from_secs(NOW)));
    // A new name in a known family still reads typed.
    let newer =
        verify(json!({"event": "tool_execution.paused", "toolExecutionId": "t", "occurredAt": NOW, "toolType": "X"}));
    assert_eq!(newer.unwrap().name(), "tool_execution.paused");
}

#[test]
fn authentic_bodies_that_are_not_events_are_invalid_body_errors() {
    let verifier = Verifier::new(SECRET).unwrap();
    let now = UNIX_EPOCH + Duration::from_secs(NOW);
    for body in [
        &b"\xff\xfe not json"[..],
        b"{\"no\": \"event\"}",
        b"{\"event\": \"tool_execution.failed\"}",
    ] {
        let headers = signed(&verifier, "msg_2", body);
        let err = verifier.verify_at(&headers, body, now).unwrap_err();
        assert!(matches!(err, VerifyError::InvalidBody { .. }), "{err}");
    }
    // The signature is still checked first: a forged body never gets parsed.
    let headers = signed(&verifier, "msg_3", b"{}");
    let err = verifier.verify_at(&headers, b"{\"event\": \"x\"}", now).unwrap_err();
    assert!(!matches!(err, VerifyError::InvalidBody { .. }), "{err}");
    let _ = SystemTime::now();
}

//! Typed webhook events: a verified body, read by its event name.

use std::time::SystemTime;

use serde_json::Value;

use super::{Verified, Verifier, VerifyError};
use crate::types::{FileUploadWebhookPayload, ToolExecutionWebhookPayload, WorkflowRunWebhookPayload};

/// One webhook delivery, verified and typed.
///
/// The variant follows the event name's family (`tool_execution.*`,
/// `workflow_run.*`, `file.*`), so a new name in a known family still
/// arrives typed; a name of another family arrives as [`Event::Unknown`]
/// with its JSON.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// A tool execution ended (`tool_execution.succeeded`, `.failed`, `.cancelled`).
    ToolExecution {
        /// The delivery's `webhook-id`.
        id: String,
        /// The payload (boxed: payloads differ a lot in size).
        payload: Box<ToolExecutionWebhookPayload>,
    },
    /// A workflow run ended (`workflow_run.succeeded`, `.failed`, `.cancelled`).
    WorkflowRun {
        /// The delivery's `webhook-id`.
        id: String,
        /// The payload.
        payload: Box<WorkflowRunWebhookPayload>,
    },
    /// Something happened to an uploaded file (`file.upload.completed`,
    /// `file.playback_ready`, ...); the payload carries the hydrated file.
    File {
        /// The delivery's `webhook-id`.
        id: String,
        /// The payload.
        payload: Box<FileUploadWebhookPayload>,
    },
    /// An event this version of the crate does not know, kept as sent.
    Unknown {
        /// The delivery's `webhook-id`.
        id: String,
        /// The event name (`event` field), or empty when there was none.
        name: String,
        /// The whole body.
        payload: Value,
    },
}

impl Event {
    /// Reads a verified body. Fails with [`VerifyError::InvalidBody`] when it
    /// is not JSON, has no `event` name, or does not fit its family's payload.
    pub fn parse(id: &str, body: &[u8]) -> Result<Event, VerifyError> {
        let invalid = |source: Box<dyn std::error::Error + Send + Sync>| VerifyError::InvalidBody { source };
        let value: Value = serde_json::from_slice(body).map_err(|e| invalid(Box::new(e)))?;
        let name = value
            .get("event")
            .and_then(Value::as_str)
            .ok_or_else(|| invalid("the body has no string `event` field".into()))?
            .to_owned();
        let id = id.to_owned();
        let typed =
            |e: serde_json::Error| invalid(format!("a `{name}` event that does not fit its payload: {e}").into());
        Ok(if name.starts_with("tool_execution.") {
            Event::ToolExecution {
                id,
                payload: serde_json::from_value(value).map_err(typed)?,
            }
        } else if name.starts_with("workflow_run.") {
            Event::WorkflowRun {
                id,
                payload: serde_json::from_value(value).map_err(typed)?,
            }
        } else if name.starts_with("file.") {
            Event::File {
                id,
                payload: serde_json::from_value(value).map_err(typed)?,
            }
        } else {
            Event::Unknown {
                id,
                name,
                payload: value,
            }
        })
    }

    /// The delivery's `webhook-id`: the same on every retry of one delivery,
    /// so it is the key to deduplicate on.
    pub fn id(&self) -> &str {
        match self {
            Event::ToolExecution { id, .. }
            | Event::WorkflowRun { id, .. }
            | Event::File { id, .. }
            | Event::Unknown { id, .. } => id,
        }
    }

    /// The event name, e.g. `tool_execution.succeeded`.
    pub fn name(&self) -> &str {
        match self {
            Event::ToolExecution { payload, .. } => payload.event.as_str(),
            Event::WorkflowRun { payload, .. } => payload.event.as_str(),
            Event::File { payload, .. } => payload.event.as_str(),
            Event::Unknown { name, .. } => name,
        }
    }

    /// When it happened. The payloads write this as Unix seconds or RFC 3339
    /// text; both read the same here. `None` for an unknown event without a
    /// readable `occurredAt`.
    pub fn occurred_at(&self) -> Option<SystemTime> {
        match self {
            Event::ToolExecution { payload, .. } => Some(payload.occurred_at.to_system_time()),
            Event::WorkflowRun { payload, .. } => Some(payload.occurred_at.to_system_time()),
            Event::File { payload, .. } => Some(payload.occurred_at.to_system_time()),
            Event::Unknown { payload, .. } => payload
                .get("occurredAt")
                .and_then(|v| serde_json::from_value::<crate::Timestamp>(v.clone()).ok())
                .map(|t| t.to_system_time()),
        }
    }
}

impl Verifier {
    /// Checks the signature (see [`verify_signature`](Self::verify_signature)),
    /// then reads the body as an [`Event`].
    pub fn verify(&self, headers: &http::HeaderMap, body: &[u8]) -> Result<Event, VerifyError> {
        let verified = self.verify_signature(headers, body)?;
        Event::parse(verified.id(), verified.body())
    }

    /// [`verify`](Self::verify) with an explicit clock, for tests.
    pub fn verify_at(&self, headers: &http::HeaderMap, body: &[u8], now: SystemTime) -> Result<Event, VerifyError> {
        let verified: Verified<'_> = self.verify_signature_at(headers, body, now)?;
        Event::parse(verified.id(), verified.body())
    }
}

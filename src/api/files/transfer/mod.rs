//! Moving bytes: streaming downloads of signed URLs and streaming uploads.
//!
//! These talk to storage URLs, not to the API, so they never send the API key
//! and never put a signed URL's query string in an error.

mod content_type;
pub(crate) mod download;
mod part_file;
pub(crate) mod upload;

use std::sync::Arc;

/// How far a transfer has got, passed to progress callbacks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// Bytes transferred so far.
    pub bytes_done: u64,
    /// Total bytes, when known.
    pub total: Option<u64>,
}

pub(crate) type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

/// A failure of a storage URL (not the API): status and a redacted body.
pub(crate) fn storage_error(what: &'static str, status: http::StatusCode, body: &[u8]) -> crate::Error {
    crate::Error::Api(Box::new(crate::ApiFailure {
        status,
        body: None,
        request_id: None,
        operation: what,
        raw_snippet: Some(crate::redact::snippet(body, 200)),
        retry_after: None,
    }))
}

//! The crate's one error type.

use std::{fmt, time::Duration};

use http::StatusCode;

use crate::types::{ApiError, ApiErrorRequirement};

type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong in a call to VideoGen.
///
/// Match on the variant for the broad class, or use the accessors
/// ([`status`](Error::status), [`code`](Error::code),
/// [`request_id`](Error::request_id), [`is_retryable`](Error::is_retryable))
/// that work across classes. Messages never contain the API key or the query
/// string of a signed URL.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with an error status (4xx or 5xx, or another status
    /// the operation does not define).
    Api(Box<ApiFailure>),
    /// No complete response arrived: the connection was refused, reset, or
    /// closed mid-body, or TLS or DNS failed.
    Transport {
        /// What went wrong, for people.
        message: String,
        /// The underlying error.
        source: BoxError,
    },
    /// A time limit ran out.
    Timeout {
        /// Which limit it was.
        kind: TimeoutKind,
        /// The limit that was reached.
        after: Duration,
    },
    /// A success response whose body does not match the API's schema.
    Decode {
        /// HTTP status of the response.
        status: StatusCode,
        /// The first bytes of the body (URL query strings removed).
        snippet: String,
        /// Where decoding failed.
        source: serde_json::Error,
    },
    /// The server broke the API's contract in a way no decoder can see (a
    /// repeated pagination cursor, say); the call was stopped rather than
    /// looping.
    Protocol {
        /// What the server did.
        message: String,
    },
    /// An argument was rejected before anything was sent.
    InvalidInput {
        /// What is wrong and how to fix it.
        message: String,
    },
    /// The client could not be configured (missing key, bad base URL, ...).
    Config {
        /// What is wrong and how to fix it.
        message: String,
    },
    /// Reading or writing a local file failed.
    Io {
        /// What was being done, e.g. "creating a temporary file in /data".
        context: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The requested rendition has no URL to fetch: it is pending, failed,
    /// skipped or absent.
    Unavailable {
        /// The file asked for.
        file_id: String,
        /// The rendition asked for.
        rendition: crate::Rendition,
        /// Its status, or "absent".
        status: String,
    },
    /// A job (tool execution, workflow run, export, remix action) ended as
    /// `failed` or `cancelled`.
    JobFailed(Box<JobFailure>),
    /// An upload was processed by VideoGen, but processing failed.
    UploadFailed {
        /// The id of the file that failed.
        file_id: String,
        /// Which renditions failed, e.g. "downloadSource failed".
        reason: String,
    },
}

/// Which time limit ran out in an [`Error::Timeout`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// One attempt took longer than the per-attempt timeout.
    Attempt,
    /// The whole call, retries included, passed its deadline.
    Call,
    /// A download received no bytes for longer than its read timeout.
    Read,
    /// Waiting for an upload to finish processing took too long.
    Processing,
    /// Waiting for a job to end took longer than the wait's timeout.
    Wait,
}

/// What kind of job an [`Error::JobFailed`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum JobKind {
    /// A tool execution (`vg_tool_...`).
    ToolExecution,
    /// A workflow run (`vg_work_...`).
    WorkflowRun,
    /// A project export (`vg_expo_...`).
    Export,
    /// A remix action (`vg_rmix_...`).
    RemixAction,
}

impl JobKind {
    fn noun(self) -> &'static str {
        match self {
            JobKind::ToolExecution => "tool execution",
            JobKind::WorkflowRun => "workflow run",
            JobKind::Export => "export",
            JobKind::RemixAction => "remix action",
        }
    }
}

/// The details of an [`Error::JobFailed`]: which job, how it ended, and the
/// server's error when it sent one.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct JobFailure {
    /// The kind of job.
    pub kind: JobKind,
    /// The job's id.
    pub id: String,
    /// The terminal status as sent (`failed`, `cancelled`).
    pub status: String,
    /// The server's error (message, code), when it sent one.
    pub error: Option<ApiError>,
}

/// The details of an [`Error::Api`]: status, parsed body and request id.
///
/// Its `Debug` output and [`message`](ApiFailure::message) remove the query
/// string of any URL the server put in its error body (a server may echo the
/// signed URL it refused); the fields themselves hold what the server sent.
#[derive(Clone)]
#[non_exhaustive]
pub struct ApiFailure {
    /// HTTP status of the response.
    pub status: StatusCode,
    /// The error body, when the server sent one in the documented format.
    pub body: Option<ApiError>,
    /// The `x-request-id` response header, for support requests.
    pub request_id: Option<String>,
    /// The operation that failed, as named in the spec (`hydrateFile`, ...).
    pub operation: &'static str,
    /// The start of a body that was not the documented JSON (a gateway's HTML
    /// page, say), URL query strings removed.
    pub raw_snippet: Option<String>,
    /// How long the server asked callers to wait (`Retry-After`, else
    /// `X-RateLimit-Reset`), counted from when the response arrived.
    pub retry_after: Option<Duration>,
}

impl fmt::Debug for ApiFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let body = match (&self.body, f.alternate()) {
            (Some(body), false) => format!("Some({body:?})"),
            (Some(body), true) => format!("Some({body:#?})"),
            (None, _) => "None".to_owned(),
        };
        f.debug_struct("ApiFailure")
            .field("status", &self.status)
            .field("body", &format_args!("{}", crate::redact::redact_urls(&body)))
            .field("request_id", &self.request_id)
            .field("operation", &self.operation)
            .field("raw_snippet", &self.raw_snippet)
            .field("retry_after", &self.retry_after)
            .finish()
    }
}

impl ApiFailure {
    /// The server's message, or a description of the status when it sent
    /// none. URL query strings are removed.
    pub fn message(&self) -> String {
        match &self.body {
            Some(body) => crate::redact::redact_urls(&body.message),
            None => match &self.raw_snippet {
                Some(raw) if !raw.trim().is_empty() => format!("non-JSON body: {}", raw.trim()),
                _ => "no error body".to_owned(),
            },
        }
    }

    /// What the account needs before the call can succeed, when the server says.
    pub fn requirement(&self) -> Option<&ApiErrorRequirement> {
        self.body.as_ref()?.requirement.as_ref()
    }

    /// The opaque internal code to quote to VideoGen support.
    pub fn internal_error_code(&self) -> Option<&str> {
        self.body.as_ref()?.internal_error_code.as_deref()
    }

    fn hint(&self) -> &'static str {
        match self.status.as_u16() {
            401 => " (check the API key: VIDEOGEN_API_KEY or ClientBuilder::api_key)",
            403 => " (the key's team has no access to this resource)",
            404 => " (no such id for this key's team; ids are case-sensitive)",
            429 => " (rate limited; retried automatically up to max_retries)",
            _ => "",
        }
    }
}

impl Error {
    /// The HTTP status, for errors that carry a response.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(failure) => Some(failure.status),
            Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The API's machine-readable error code (`invalid_api_key`, ...), when sent.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Api(failure) => failure.body.as_ref()?.code.as_deref(),
            Error::JobFailed(failure) => failure.error.as_ref()?.code.as_deref(),
            _ => None,
        }
    }

    /// The `x-request-id` of the failed response, when there was one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(failure) => failure.request_id.as_deref(),
            _ => None,
        }
    }

    /// How long the server asked to wait before trying again (`Retry-After`
    /// or `X-RateLimit-Reset` of the last response), when it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api(failure) => failure.retry_after,
            _ => None,
        }
    }

    /// The parsed API error body, when the server sent one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(failure) => failure.body.as_ref(),
            _ => None,
        }
    }

    /// Whether trying the same call again later may succeed: rate limits,
    /// server errors, timeouts and transport failures. (The client already
    /// retried these per its policy before returning the error.)
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(failure) => crate::retry::is_retryable_status(failure.status),
            Error::Transport { .. } | Error::Timeout { .. } => true,
            _ => false,
        }
    }

    /// An owned copy, for errors shared between callers (the cache's
    /// single-flight hands one error to every waiter). Sources that cannot be
    /// cloned are kept as their message.
    pub(crate) fn duplicate(&self) -> Error {
        match self {
            Error::Api(failure) => Error::Api(failure.clone()),
            Error::JobFailed(failure) => Error::JobFailed(failure.clone()),
            Error::Transport { message, source } => Error::Transport {
                message: message.clone(),
                source: source.to_string().into(),
            },
            Error::Timeout { kind, after } => Error::Timeout {
                kind: *kind,
                after: *after,
            },
            Error::Decode {
                status,
                snippet,
                source,
            } => Error::Decode {
                status: *status,
                snippet: snippet.clone(),
                source: serde::de::Error::custom(source.to_string()),
            },
            Error::InvalidInput { message } => Error::InvalidInput {
                message: message.clone(),
            },
            Error::Config { message } => Error::Config {
                message: message.clone(),
            },
            Error::Protocol { message } => Error::Protocol {
                message: message.clone(),
            },
            Error::Io { context, source } => Error::Io {
                context: context.clone(),
                source: std::io::Error::new(source.kind(), source.to_string()),
            },
            Error::UploadFailed { file_id, reason } => Error::UploadFailed {
                file_id: file_id.clone(),
                reason: reason.clone(),
            },
            Error::Unavailable {
                file_id,
                rendition,
                status,
            } => Error::Unavailable {
                file_id: file_id.clone(),
                rendition: *rendition,
                status: status.clone(),
            },
        }
    }

    pub(crate) fn invalid_input(message: impl Into<String>) -> Self {
        Error::InvalidInput {
            message: message.into(),
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Error::Config {
            message: message.into(),
        }
    }

    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    /// A transport failure from reqwest, with any URL (and its query) stripped.
    pub(crate) fn transport(what: &str, error: reqwest::Error) -> Self {
        let error = error.without_url();
        let mut message = format!("{what}: {error}");
        let mut cause = std::error::Error::source(&error);
        while let Some(inner) = cause {
            message.push_str(&format!(": {inner}"));
            cause = inner.source();
        }
        Error::Transport {
            message: crate::redact::redact_urls(&message),
            source: Box::new(error),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(failure) => {
                write!(f, "VideoGen {} failed with HTTP {}", failure.operation, failure.status)?;
                if let Some(code) = failure.body.as_ref().and_then(|b| b.code.as_deref()) {
                    write!(f, " ({code})")?;
                }
                write!(f, ": {}{}", failure.message(), failure.hint())?;
                if let Some(id) = &failure.request_id {
                    write!(f, " [request id {id}]")?;
                }
                Ok(())
            }
            Error::Transport { message, .. } => write!(f, "connection to VideoGen failed: {message}"),
            Error::Timeout { kind, after } => {
                let what = match kind {
                    TimeoutKind::Attempt => "an attempt exceeded the per-attempt timeout",
                    TimeoutKind::Call => "the call exceeded its overall deadline",
                    TimeoutKind::Read => "the download stalled past its read timeout",
                    TimeoutKind::Processing => "the upload was not processed in time",
                    TimeoutKind::Wait => "the job did not end within the wait's timeout",
                };
                write!(f, "{what} of {after:?}")
            }
            Error::Decode {
                status,
                snippet,
                source,
            } => write!(
                f,
                "VideoGen answered HTTP {status} with a body this client cannot decode ({source}); \
                 body starts: {snippet}"
            ),
            Error::InvalidInput { message } => write!(f, "invalid input: {message}"),
            Error::Protocol { message } => write!(f, "VideoGen broke the API contract: {message}"),
            Error::Config { message } => write!(f, "client configuration: {message}"),
            Error::Io { context, source } => write!(f, "{context}: {source}"),
            Error::UploadFailed { file_id, reason } => {
                write!(f, "VideoGen could not process upload {file_id}: {reason}")
            }
            Error::JobFailed(failure) => {
                write!(f, "{} {} ended {}", failure.kind.noun(), failure.id, failure.status)?;
                if let Some(error) = &failure.error {
                    write!(f, ": {}", crate::redact::redact_urls(&error.message))?;
                    if let Some(code) = &error.code {
                        write!(f, " ({code})")?;
                    }
                }
                Ok(())
            }
            Error::Unavailable {
                file_id,
                rendition,
                status,
            } => write!(
                f,
                "{file_id} has no {} to fetch (status: {status}); wait for processing or pick another rendition",
                rendition.field_name()
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } => Some(source.as_ref()),
            Error::Decode { source, .. } => Some(source),
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

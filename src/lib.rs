#![doc = include_str!("../README.md")]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// Bottom: data helpers and the shared runtime; middle: one handle per tag;
// top: the `Client` facade. Each layer uses only the ones below it.
#[cfg(test)]
mod api_tests;
mod enums;
mod error;
mod file;
mod nullable;
mod operation;
mod redact;
mod retry;
#[macro_use]
mod runtime;
mod timestamp;

mod api;

mod client;

#[cfg(feature = "schemars")]
pub mod schema;
pub mod webhooks;

/// Code generated from `spec/openapi.yaml` by `cargo xtask regen`. Not edited
/// by hand, not formatted by rustfmt (its layout is the generator's).
#[rustfmt::skip]
#[allow(missing_docs, clippy::all, unused)]
mod generated;

/// The API's data types, generated from `spec/openapi.yaml`: request and
/// response structs (with `new(..)` and chained setters on request types),
/// open enums that keep unknown values, and tagged unions.
pub mod types {
    pub use crate::generated::enums::*;
    pub use crate::generated::types::*;
    pub use crate::generated::unions::*;
    pub use crate::nullable::Nullable;
    pub use crate::timestamp::Timestamp;
}

/// The query options of each paged list (see [`ListRequest`]).
pub mod paging {
    pub use crate::generated::paging::*;
    pub use crate::runtime::paging::{ListRequest, Paged};
}

pub use api::{
    account::Account,
    entities::Entities,
    files::{
        hydration::{HydrateMany, DEFAULT_HYDRATE_CONCURRENCY},
        transfer::{
            download::{DownloadRequest, Downloaded, DEFAULT_READ_TIMEOUT},
            upload::{UploadOptions, UploadSource, DEFAULT_PROCESSING_TIMEOUT},
            Progress,
        },
        Files, SearchRequest,
    },
    jobs::{
        many::{Listed, WaitMany},
        wait::{Pollable, Wait, DEFAULT_POLL_INTERVAL, DEFAULT_WAIT_TIMEOUT},
        ExportJob, RemixJob, ToolJob, WorkflowJob,
    },
    projects::Projects,
    resources::Resources,
    text::Text,
    tools::Tools,
    webhook_endpoints::WebhookEndpoints,
    workflows::Workflows,
    BoxFuture,
};
pub use client::{Client, ClientBuilder, API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL, WEBHOOK_DRIVEN_POLL_INTERVAL};
pub use error::{ApiFailure, Error, JobFailure, JobKind, TimeoutKind};
pub use file::{Rendition, DEFAULT_EXPIRY_MARGIN};
pub use nullable::Nullable;
pub use operation::{Operation, OperationInfo};
pub use retry::{Decision, Idempotency, Outcome, RetryPolicy};
pub use runtime::paging::{ListRequest, Paged};
pub use timestamp::Timestamp;
pub use types::{AnalysisLoadingState, FileScope, FileSource, FileSourceStatus, FileType, UploadFileType};

/// A stored file: the API's `StorageFile`, with helpers for its signed URLs.
pub type File = types::StorageFile;

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

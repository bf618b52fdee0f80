#![doc = include_str!("../README.md")]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(test)]
mod api_tests;
mod call;
mod client;
mod enums;
mod error;
mod file;
mod files;
mod hooks;
mod hydration;
mod operation;
mod redact;
mod retry;
#[cfg(feature = "schemars")]
pub mod schema;
mod transfer;

/// Code generated from `spec/openapi.yaml` by `cargo xtask regen`. Not edited
/// by hand, not formatted by rustfmt (its layout is the generator's).
#[rustfmt::skip]
#[allow(missing_docs, clippy::all, unused)]
mod generated;

/// The API's data types, generated from `spec/openapi.yaml`.
pub mod types {
    pub use crate::enums::{AnalysisLoadingState, FileScope, FileSourceStatus, FileType, UploadFileType};
    pub use crate::generated::types::*;
}

pub use client::{Client, ClientBuilder, API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL};
pub use enums::{AnalysisLoadingState, FileScope, FileSourceStatus, FileType, UploadFileType};
pub use error::{ApiFailure, Error, TimeoutKind};
pub use file::{Rendition, DEFAULT_EXPIRY_MARGIN};
pub use files::{Files, ListRequest, SearchRequest};
pub use hydration::{HydrateMany, DEFAULT_HYDRATE_CONCURRENCY};
pub use retry::{Decision, Idempotency, Outcome, RetryPolicy};
pub use transfer::{
    download::{DownloadRequest, Downloaded, DEFAULT_READ_TIMEOUT},
    upload::{UploadOptions, UploadSource, DEFAULT_PROCESSING_TIMEOUT},
    Progress,
};
pub use types::FileSource;

/// A stored file: the API's `StorageFile`, with helpers for its signed URLs.
pub type File = types::StorageFile;

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

//! The eight Files operations and what the retry policy must know of each.

use crate::retry::Idempotency;

/// One operation of the Files API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Operation {
    GetFiles,
    SearchFiles,
    GetFile,
    CreateFileUpload,
    HydrateFile,
    ArchiveFile,
    EnablePublicPreview,
    DisablePublicPreview,
}

impl Operation {
    pub(crate) const COUNT: usize = 8;

    /// The spec's `operationId`.
    pub(crate) fn id(self) -> &'static str {
        match self {
            Operation::GetFiles => "getFiles",
            Operation::SearchFiles => "searchFiles",
            Operation::GetFile => "getFile",
            Operation::CreateFileUpload => "createFileUpload",
            Operation::HydrateFile => "hydrateFile",
            Operation::ArchiveFile => "archiveFile",
            Operation::EnablePublicPreview => "enablePublicPreview",
            Operation::DisablePublicPreview => "disablePublicPreview",
        }
    }

    /// Search is a POST but reads only; creating an upload is the one call
    /// whose repetition would leave a second file behind.
    pub(crate) fn idempotency(self) -> Idempotency {
        match self {
            Operation::CreateFileUpload => Idempotency::CreatesResource,
            _ => Idempotency::Idempotent,
        }
    }
}

//! The API's operations and their facts, as generated from the spec
//! (src/generated/operations.rs): no per-operation tables by hand.

pub use crate::generated::operations::Operation;
use crate::retry::Idempotency;

/// What the crate knows of one operation, from spec/openapi.yaml.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct OperationInfo {
    /// The operation this row describes.
    pub operation: Operation,
    /// The spec's `operationId`, e.g. `hydrateFile`.
    pub id: &'static str,
    /// The spec's first tag, e.g. `Files`.
    pub tag: &'static str,
    /// The HTTP method.
    pub method: http::Method,
    /// The path template, e.g. `/v1/files/{fileId}/hydrate`.
    pub path: &'static str,
    /// Names of the path parameters, in path order.
    pub path_params: &'static [&'static str],
    /// Names of the query parameters.
    pub query_params: &'static [&'static str],
    /// Schema of the JSON request body, if the operation takes one.
    pub request_body: Option<&'static str>,
    /// Schema of the JSON success body, if there is one.
    pub response_body: Option<&'static str>,
    /// The documented success status (200, 201, 202 or 204).
    pub success_status: u16,
    /// Whether sending it twice can do harm (see [`RetryPolicy`](crate::RetryPolicy)).
    pub idempotency: Idempotency,
    /// Whether it is a cursor-paged list.
    pub paged: bool,
    /// Whether the spec marks it deprecated.
    pub deprecated: bool,
}

impl Operation {
    /// This operation's facts.
    pub fn info(self) -> &'static OperationInfo {
        &crate::generated::operations::TABLE[self as usize]
    }

    /// The spec's `operationId`.
    pub fn id(self) -> &'static str {
        self.info().id
    }

    /// Whether repeating it can do harm.
    pub fn idempotency(self) -> Idempotency {
        self.info().idempotency
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_indexed_by_the_enum() {
        for (index, op) in Operation::ALL.iter().enumerate() {
            assert_eq!(*op as usize, index);
            assert_eq!(op.info().operation, *op, "row {index} describes another operation");
        }
        assert_eq!(Operation::HydrateFile.id(), "hydrateFile");
        assert_eq!(Operation::CreateFileUpload.idempotency(), Idempotency::CreatesResource);
        assert_eq!(Operation::SearchFiles.idempotency(), Idempotency::Idempotent);
    }
}

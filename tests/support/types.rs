//! Our type for each schema of the published document that is a body (or
//! carries a component-level example), by the schema's name.

use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;
use videogen::types;

/// Decodes `value` as `T`, writes it back through text (as a service would
/// pass it on), and returns what was written.
pub fn through<T: DeserializeOwned + Serialize>(what: &str, value: &Value) -> Value {
    let decoded: T = serde_json::from_value(value.clone()).unwrap_or_else(|e| {
        panic!(
            "{what} does not decode as {}: {e}\n{value:#}",
            std::any::type_name::<T>()
        )
    });
    serde_json::from_str(&serde_json::to_string(&decoded).unwrap()).unwrap()
}

/// Our type for each schema of the document that is a body or carries an
/// example: `round_trip_as` decodes and writes back through it.
macro_rules! our_types {
    ($($schema:ident)*) => {
        /// Whether a schema name has one of our types.
        pub fn has_type(schema: &str) -> bool {
            matches!(schema, $(stringify!($schema))|*)
        }

        /// Whether `value` decodes as our type for `schema` (the error if not).
        pub fn decode_as(schema: &str, value: &Value) -> Result<(), String> {
            match schema {
                $(stringify!($schema) => serde_json::from_value::<types::$schema>(value.clone())
                    .map(|_| ())
                    .map_err(|e| e.to_string()),)*
                other => Err(format!("no type of ours is mapped to schema {other}")),
            }
        }

        /// Round-trips `value` through our type for `schema`.
        pub fn round_trip_as(schema: &str, what: &str, value: &Value) -> Value {
            match schema {
                $(stringify!($schema) => through::<types::$schema>(what, value),)*
                other => panic!("{what}: no type of ours is mapped to schema {other}; add it to tests/support/types.rs"),
            }
        }
    };
}

our_types! {
    // request bodies
    ScriptToVideoRequest VoiceoverToVideoRequest SlideshowToVideoRequest StoryboardToVideoRequest
    ExportProjectRequest RemixProjectRequest GenerateImageRequest GenerateVideoClipRequest TextToSpeechRequest
    GenerateSoundEffectRequest GenerateMusicRequest GenerateAvatarRequest ImageAssetRequest VideoAssetRequest
    SearchFilesRequest CreateFileUploadRequest CreateEntityRequest UpdateEntityRequest AddEntityReferenceRequest
    RemoveEntityReferenceRequest GenerateTextRequest CreateWebhookEndpointRequest
    // response bodies
    StartWorkflowRunResponse WorkflowRunListResponse WorkflowRun ListProjectsResponse ProjectResponse
    ExportProjectResponse ProjectExport RemixProjectResponse ListRemixActionsResponse StartToolExecutionResponse
    ToolExecutionListResponse ExecutedTool GetFilesResponse SearchFilesResponse StorageFile FileUploadResponse
    ListEntitiesResponse Entity EntityArchiveResponse GenerateTextResponse AvatarPresenterListResponse
    TtsVoiceListResponse LanguageListResponse WebhookEndpointListResponse WebhookEndpoint MeResponse
    // webhook payloads, and schemas that carry component-level examples
    ToolExecutionWebhookPayload WorkflowRunWebhookPayload FileUploadWebhookPayload SearchFilesResult
}

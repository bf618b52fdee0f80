//! Proof that the drift check catches drift in the Files tag: each class of
//! change is planted in a copy of the published document (and, reversed, in a
//! copy of our spec), and the report must name exactly that change and
//! nothing else. The other tags and the webhooks: `mutations_api.rs`.

mod support;

use serde_json::{json, Value};
use support::{
    drift, mutation_bases,
    plant::{at, drop_value, harmless, planted, planted_all, push, remove, Side},
    render, spec,
};

const STORAGE: &str = "/components/schemas/StorageFile/properties";
const SOURCE: &str = "/components/schemas/FileSource/properties";
const LIMIT: &str = "/components/parameters/PaginationLimit/schema";
const ARCHIVE: &str = "/v1/files/{fileId}/archive";

fn add_duration_ms(doc: &mut Value) {
    at(doc, SOURCE)["durationMs"] = json!({"type": "integer"});
}

fn add_scope_parameter(doc: &mut Value) {
    push(
        doc,
        "/paths/~1v1~1files/get/parameters",
        json!({"name": "scope", "in": "query", "schema": {"type": "string"}}),
    );
}

fn add_restore_operation(doc: &mut Value, tag: &str) {
    let op = json!({
        "tags": [tag],
        "operationId": "restoreFile",
        "parameters": [{"$ref": "#/components/parameters/FileIdPath"}],
        "responses": {"200": {
            "description": "restored",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/StorageFile"}}}
        }}
    });
    at(doc, "/paths")["/v1/files/{fileId}/restore"] = json!({"post": op});
}

fn rename_archive_path(doc: &mut Value) {
    let paths = at(doc, "/paths").as_object_mut().expect("paths");
    let item = paths.remove(ARCHIVE).expect("archive path");
    paths.insert(format!("{ARCHIVE}d"), item);
}

const STORAGE_GROUP: &str = "schema StorageFile";
const LIST_GROUP: &str = "operation GET /v1/files (getFiles)";

/// The operations sharing the `PaginationLimit` parameter: a change to it
/// is named in each of them.
const LISTS: [&str; 8] = [
    "operation GET /v1/entities (listEntities)",
    LIST_GROUP,
    "operation GET /v1/projects (listProjects)",
    "operation GET /v1/resources/avatar-presenters (listAvatarPresenters)",
    "operation GET /v1/resources/tts-voices (listTtsVoices)",
    "operation GET /v1/tools/executions (listToolExecutions)",
    "operation GET /v1/webhooks/endpoints (listWebhookEndpoints)",
    "operation GET /v1/workflows/runs (listWorkflowRuns)",
];

fn in_every_list(line: &str) -> Vec<(&str, &str)> {
    LISTS.iter().map(|group| (*group, line)).collect()
}

// ---- planted in the published document -------------------------------------

#[test]
fn published_property_removed() {
    planted(
        Side::Published,
        |d| remove(d, STORAGE, "transcript"),
        STORAGE_GROUP,
        "- property `transcript` removed (was: type string, nullable, optional)",
    );
}

#[test]
fn published_property_added() {
    planted(
        Side::Published,
        add_duration_ms,
        "schema FileSource",
        "+ property `durationMs` added: type integer, optional",
    );
}

#[test]
fn published_type_changed() {
    planted(
        Side::Published,
        |d| at(d, STORAGE)["durationSeconds"]["type"] = json!(["integer", "null"]),
        STORAGE_GROUP,
        "~ property `durationSeconds`: type number -> integer",
    );
}

#[test]
fn published_format_changed() {
    planted(
        Side::Published,
        |d| {
            at(
                d,
                "/components/schemas/FileAnalysisMetadata/properties/analysisProgressPercentage",
            )["format"] = json!("float")
        },
        "schema FileAnalysisMetadata",
        "~ property `analysisProgressPercentage`: format double -> float",
    );
}

#[test]
fn published_nullability_changed() {
    planted(
        Side::Published,
        |d| at(d, STORAGE)["publicHlsUrl"]["type"] = json!("string"),
        STORAGE_GROUP,
        "~ property `publicHlsUrl`: nullable true -> false",
    );
}

#[test]
fn published_nullability_of_a_reference_changed() {
    planted(
        Side::Published,
        |d| at(d, STORAGE)["thumbnailSource"] = json!({"$ref": "#/components/schemas/FileSource"}),
        STORAGE_GROUP,
        "~ property `thumbnailSource`: nullable true -> false",
    );
}

#[test]
fn published_required_changed() {
    planted(
        Side::Published,
        |d| push(d, "/components/schemas/StorageFile/required", json!("displayName")),
        STORAGE_GROUP,
        "~ property `displayName`: required false -> true",
    );
}

#[test]
fn published_enum_value_added() {
    planted(
        Side::Published,
        |d| {
            let values = at(d, &format!("{STORAGE}/type/enum")).as_array_mut().expect("enum");
            values.insert(0, json!("LOTTIE"));
        },
        STORAGE_GROUP,
        "+ property `type`: enum value LOTTIE added",
    );
}

#[test]
fn published_enum_value_removed() {
    planted(
        Side::Published,
        |d| drop_value(d, &format!("{STORAGE}/scope/enum"), "ENTITY"),
        STORAGE_GROUP,
        "- property `scope`: enum value ENTITY removed",
    );
}

#[test]
fn published_parameter_bound_changed() {
    planted_all(
        Side::Published,
        |d| at(d, LIMIT)["maximum"] = json!(500),
        &in_every_list("~ parameter `limit` (query): maximum 200 -> 500"),
    );
}

#[test]
fn published_parameter_default_changed() {
    planted_all(
        Side::Published,
        |d| at(d, LIMIT)["default"] = json!(100),
        &in_every_list("~ parameter `limit` (query): default 50 -> 100"),
    );
}

#[test]
fn published_body_field_bound_changed() {
    planted(
        Side::Published,
        |d| at(d, "/components/schemas/SearchFilesRequest/properties/numResults")["maximum"] = json!(50),
        "schema SearchFilesRequest",
        "~ property `numResults`: maximum 100 -> 50",
    );
}

#[test]
fn published_parameter_added() {
    planted(
        Side::Published,
        add_scope_parameter,
        LIST_GROUP,
        "+ parameter `scope` (query) added: type string, optional",
    );
}

#[test]
fn published_operation_added_to_files() {
    planted(
        Side::Published,
        |d| add_restore_operation(d, "Files"),
        "operation POST /v1/files/{fileId}/restore (restoreFile)",
        "+ operation POST /v1/files/{fileId}/restore (restoreFile): only in published",
    );
}

#[test]
fn published_path_changed() {
    planted(
        Side::Published,
        rename_archive_path,
        "operation POST /v1/files/{fileId}/archived (archiveFile)",
        "~ operation: method and path POST /v1/files/{fileId}/archive -> POST /v1/files/{fileId}/archived",
    );
}

#[test]
fn published_descriptions_are_not_drift() {
    harmless(|d| {
        at(d, &format!("{STORAGE}/fileId"))["description"] = json!("reworded");
        at(d, "/components/parameters/PaginationLimit")["description"] = json!("reworded");
    });
}

// ---- the same classes planted in our spec ----------------------------------
// Old is still our spec, so what we dropped reads as "added" by the vendor.

const OUR_LIMIT: &str = "/components/parameters/PaginationLimit/schema";

#[test]
fn ours_property_removed() {
    planted(
        Side::Ours,
        |d| remove(d, STORAGE, "transcript"),
        STORAGE_GROUP,
        "+ property `transcript` added: type string, nullable, optional",
    );
}

#[test]
fn ours_property_added() {
    planted(
        Side::Ours,
        add_duration_ms,
        "schema FileSource",
        "- property `durationMs` removed (was: type integer, optional)",
    );
}

#[test]
fn ours_type_changed() {
    planted(
        Side::Ours,
        |d| at(d, STORAGE)["durationSeconds"]["type"] = json!("integer"),
        STORAGE_GROUP,
        "~ property `durationSeconds`: type integer -> number",
    );
}

#[test]
fn ours_format_changed() {
    planted(
        Side::Ours,
        |d| {
            at(
                d,
                "/components/schemas/FileAnalysisMetadata/properties/analysisProgressPercentage",
            )["format"] = json!("float")
        },
        "schema FileAnalysisMetadata",
        "~ property `analysisProgressPercentage`: format float -> double",
    );
}

#[test]
fn ours_nullability_changed() {
    planted(
        Side::Ours,
        |d| remove(d, &format!("{STORAGE}/publicHlsUrl"), "nullable"),
        STORAGE_GROUP,
        "~ property `publicHlsUrl`: nullable false -> true",
    );
}

#[test]
fn ours_nullability_of_a_reference_changed() {
    planted(
        Side::Ours,
        |d| remove(d, &format!("{STORAGE}/thumbnailSource"), "nullable"),
        STORAGE_GROUP,
        "~ property `thumbnailSource`: nullable false -> true",
    );
}

#[test]
fn ours_required_changed() {
    planted(
        Side::Ours,
        |d| push(d, "/components/schemas/StorageFile/required", json!("displayName")),
        STORAGE_GROUP,
        "~ property `displayName`: required true -> false",
    );
}

#[test]
fn ours_enum_value_added() {
    planted(
        Side::Ours,
        |d| push(d, "/components/schemas/FileScope/enum", json!("ARCHIVE")),
        STORAGE_GROUP,
        "- property `scope`: enum value ARCHIVE removed",
    );
}

#[test]
fn ours_enum_value_removed() {
    // FileType is also the type of a tool result: both places are named.
    let line = "+ property `type`: enum value PDF added";
    planted_all(
        Side::Ours,
        |d| drop_value(d, "/components/schemas/FileType/enum", "PDF"),
        &[(STORAGE_GROUP, line), ("schema ToolSuccessResult", line)],
    );
}

#[test]
fn ours_parameter_bound_changed() {
    planted_all(
        Side::Ours,
        |d| at(d, OUR_LIMIT)["maximum"] = json!(100),
        &in_every_list("~ parameter `limit` (query): maximum 100 -> 200"),
    );
}

#[test]
fn ours_parameter_default_changed() {
    planted_all(
        Side::Ours,
        |d| at(d, OUR_LIMIT)["default"] = json!(20),
        &in_every_list("~ parameter `limit` (query): default 20 -> 50"),
    );
}

#[test]
fn ours_parameter_added() {
    planted(
        Side::Ours,
        add_scope_parameter,
        LIST_GROUP,
        "- parameter `scope` (query) removed (was: type string, optional)",
    );
}

#[test]
fn ours_operation_added() {
    planted(
        Side::Ours,
        |d| add_restore_operation(d, "Files"),
        "operation POST /v1/files/{fileId}/restore (restoreFile)",
        "- operation POST /v1/files/{fileId}/restore (restoreFile): only in spec",
    );
}

#[test]
fn ours_path_changed() {
    planted(
        Side::Ours,
        rename_archive_path,
        "operation POST /v1/files/{fileId}/archive (archiveFile)",
        "~ operation: method and path POST /v1/files/{fileId}/archived -> POST /v1/files/{fileId}/archive",
    );
}

// ---- the README's worked example -------------------------------------------

#[test]
fn spec_written_from_the_older_docs_page_is_caught() {
    // The "Hydrate file" docs page predates ENTITY and two StorageFile properties.
    // A spec written from it has no FileAnalysisMetadata schema either.
    let mut ours = spec().value;
    remove(&mut ours, STORAGE, "staticPublicPreviewSource");
    remove(&mut ours, STORAGE, "fileAnalysisMetadata");
    remove(&mut ours, "/components/schemas", "FileAnalysisMetadata");
    remove(&mut ours, "/components/schemas", "AnalysisLoadingState");
    drop_value(&mut ours, "/components/schemas/FileScope/enum", "ENTITY");
    for (base, theirs) in mutation_bases() {
        let report = render(&drift(&ours, &theirs));
        for line in [
            "+ schema FileAnalysisMetadata: only in published",
            "  + property `fileAnalysisMetadata` added: -> FileAnalysisMetadata, optional",
            "  + property `scope`: enum value ENTITY added",
            "  + property `staticPublicPreviewSource` added: -> FileSource, nullable, optional",
        ] {
            assert!(report.contains(line), "({base}) missing `{line}` in:\n{report}");
        }
        assert!(
            report.starts_with("4 difference(s) in 2 group(s)"),
            "({base}):\n{report}"
        );
    }
}

//! JSON Schema of the API types, for your own API documents and validators.
//!
//! Available with the `schemars` cargo feature, which also implements
//! [`schemars::JsonSchema`] for every public API type: every component schema
//! of `spec/openapi.yaml` (requests, responses, webhook payloads, the
//! forward-compatible enums), plus [`Timestamp`](crate::Timestamp) and
//! [`Nullable`](crate::Nullable).
//!
//! The forward-compatible enums ([`FileType`](crate::FileType),
//! [`FileScope`](crate::FileScope), ...) describe themselves as *a string that is
//! one of the known values, or any other string*:
//!
//! ```json
//! { "type": "string", "anyOf": [{ "enum": ["IMAGE", "VIDEO", "AUDIO", "PDF", "SLIDESHOW"] }, { "type": "string" }] }
//! ```
//!
//! A validator therefore admits a value the API adds later (as this crate does,
//! keeping it in `Unknown`), while a reader, or a code generator, still sees the
//! known values.
//!
//! `tests/schema_matches_spec.rs` holds these schemas to `spec/openapi.yaml`:
//! property names, types, formats, nullability, required lists, defaults and
//! known enum values.
//!
//! ```
//! use schemars::generate::SchemaSettings;
//!
//! // OpenAPI 3.0: `nullable: true`, references to `#/components/schemas/...`.
//! let schemas = videogen::schema::schemas(SchemaSettings::openapi3());
//! let file = serde_json::to_value(&schemas["StorageFile"]).unwrap();
//! assert_eq!(file["properties"]["durationSeconds"]["nullable"], true);
//! // A documented reference: `allOf: [{$ref}]` carries the description beside it.
//! assert_eq!(file["properties"]["scope"]["allOf"][0]["$ref"], "#/components/schemas/FileScope");
//! assert_eq!(file["required"], serde_json::json!(["fileId", "scope"]));
//! ```

use std::collections::BTreeMap;

use schemars::{generate::SchemaSettings, json_schema, Schema, SchemaGenerator};
use serde_json::Value;

/// Where [`schemas`] points its references: `#/components/schemas/{name}`.
pub const DEFINITIONS_PATH: &str = "/components/schemas";

/// The schema of a forward-compatible enum: a string that is one of `known`,
/// or any other string (kept as sent, in the enum's `Unknown` variant), with
/// the value the API assumes when the field is absent.
pub(crate) fn open_enum_schema(known: &[&str], default: Option<&str>) -> Schema {
    let mut schema = json_schema!({
        "type": "string",
        "anyOf": [
            { "enum": known },
            { "type": "string" }
        ]
    });
    if let Some(default) = default {
        schema.insert("default".into(), default.into());
    }
    schema
}

/// The JSON Schema of every public API type, keyed by its name in the spec
/// (`StorageFile`, `FileSource`, `FileType`, ...), ready to merge into the
/// `components.schemas` of an OpenAPI document.
///
/// References between the schemas take the form `#/components/schemas/{name}`
/// ([`DEFINITIONS_PATH`]), whatever `settings.definitions_path` says, so the map
/// can be pasted whole. Two helper types the spec writes inline appear under
/// their own names: `ApiErrorRequirement` (`ApiError.requirement`) and
/// `SearchFilesRequestQuery` (`SearchFilesRequest.query`).
///
/// Pick the dialect with `settings`:
/// - [`SchemaSettings::openapi3`] for an OpenAPI 3.0 document: `nullable: true`,
///   and a nullable reference written `allOf: [{$ref}], nullable: true`, the
///   form 3.0 tools read (schemars on its own writes an `anyOf` with a null
///   branch there);
/// - [`SchemaSettings::draft2020_12`] for OpenAPI 3.1: `type: [T, "null"]`.
///
/// The schemas describe what the types accept when deserializing, unless
/// `settings.contract` says otherwise.
pub fn schemas(settings: SchemaSettings) -> BTreeMap<String, Schema> {
    let mut generator = settings
        .with(|s| s.definitions_path = DEFINITIONS_PATH.into())
        .into_generator();
    register_all(&mut generator);
    generator
        .take_definitions(true)
        .into_iter()
        .map(|(name, mut value)| {
            nullable_anyof_as_allof(&mut value);
            let schema = Schema::try_from(value).expect("schemars stores every definition as a schema");
            (name, schema)
        })
        .collect()
}

/// Adds every public API type to `generator`'s definitions: the list is
/// generated from the spec's component schemas.
fn register_all(generator: &mut SchemaGenerator) {
    crate::generated::schemas::register_all(generator);
}

/// Rewrites schemars' OpenAPI 3.0 form of a nullable reference,
/// `anyOf: [X, {enum: [null], nullable: true}]`, as `allOf: [X], nullable: true`,
/// the form OpenAPI 3.0 tools (and `spec/openapi.yaml`) use. The pattern only
/// arises under [`SchemaSettings::openapi3`]; other dialects are left alone.
fn nullable_anyof_as_allof(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let null_branch = serde_json::json!({ "enum": [null], "nullable": true });
            let rewrite = match map.get("anyOf") {
                Some(Value::Array(branches)) if branches.len() == 2 && !map.contains_key("allOf") => branches
                    .iter()
                    .position(|b| *b == null_branch)
                    .map(|i| branches[1 - i].clone()),
                _ => None,
            };
            if let Some(other) = rewrite {
                map.remove("anyOf");
                map.insert("allOf".into(), Value::Array(vec![other]));
                map.insert("nullable".into(), Value::Bool(true));
            }
            map.values_mut().for_each(nullable_anyof_as_allof);
        }
        Value::Array(items) => items.iter_mut().for_each(nullable_anyof_as_allof),
        _ => {}
    }
}

//! Drift outside the Files tag: changes planted in the other tags, in the
//! RemixAction union and in the webhook payloads, on the published side and
//! on ours, must each be named in the report, and nothing else.

mod support;

use serde_json::{json, Value};
use support::{
    mutation_bases,
    plant::{at, drop_value, escape, planted, planted_all, push, remove, take, Side},
    spec,
};
use xtask::{
    diff::{compare, Kind},
    source::Document,
};

const SCHEMAS: &str = "/components/schemas";
const IMAGE_REQUEST: &str = "/components/schemas/GenerateImageRequest/properties";
const EXECUTIONS: &str = "/v1/tools/executions";
const EXECUTIONS_GROUP: &str = "operation GET /v1/tools/executions (listToolExecutions)";
const REMIX_GROUP: &str = "schema RemixAction";
const NEW_VARIANT: &str = "RemixActionAddWatermark";

fn parameters_of(path: &str, method: &str) -> String {
    format!("/paths/{}/{method}/parameters", escape(path))
}

/// Adds `value` to the enum our spec names `name`, wherever `doc` spells it:
/// as that named schema, or inline at every place with the same values.
fn add_enum_value(doc: &mut Value, name: &str, value: &str) {
    if let Some(Value::Array(values)) = doc.pointer_mut(&format!("{SCHEMAS}/{name}/enum")) {
        values.push(json!(value));
        return;
    }
    let ours = spec().value["components"]["schemas"][name]["enum"].clone();
    let found = add_where_inline(doc, &ours, value);
    assert!(found > 0, "no inline copy of {name} found");
}

fn add_where_inline(node: &mut Value, values: &Value, value: &str) -> usize {
    match node {
        Value::Object(map) => {
            let same = map.get("enum").and_then(Value::as_array).is_some_and(|list| {
                let known: Vec<&Value> = list.iter().filter(|v| !v.is_null()).collect();
                Some(known) == values.as_array().map(|l| l.iter().collect())
            });
            if same {
                map["enum"].as_array_mut().expect("an enum").push(json!(value));
            }
            usize::from(same)
                + map
                    .values_mut()
                    .map(|v| add_where_inline(v, values, value))
                    .sum::<usize>()
        }
        Value::Array(list) => list.iter_mut().map(|v| add_where_inline(v, values, value)).sum(),
        _ => 0,
    }
}

fn add_image_seed(doc: &mut Value) {
    at(doc, IMAGE_REQUEST)["seed"] = json!({"type": "integer", "minimum": 0});
}

fn add_tool_type_filter(doc: &mut Value) {
    let param = json!({"name": "toolType", "in": "query", "schema": {"type": "string"}});
    push(doc, &parameters_of(EXECUTIONS, "get"), param);
}

/// listToolExecutions alone gets its own copy of `limit`, capped at 100.
fn cap_tool_executions_limit(doc: &mut Value) {
    let mut limit = at(doc, "/components/parameters/PaginationLimit").clone();
    limit["schema"]["maximum"] = json!(100);
    let params = at(doc, &parameters_of(EXECUTIONS, "get"))
        .as_array_mut()
        .expect("a list");
    let shared = json!({"$ref": "#/components/parameters/PaginationLimit"});
    let slot = params.iter_mut().find(|p| **p == shared).expect("the shared limit");
    *slot = limit;
}

fn add_remix_variant(doc: &mut Value) {
    at(doc, SCHEMAS)[NEW_VARIANT] = json!({
        "type": "object",
        "required": ["type"],
        "properties": {
            "type": {"type": "string", "enum": ["ADD_WATERMARK"]},
            "text": {"type": "string"}
        }
    });
    let reference = format!("#/components/schemas/{NEW_VARIANT}");
    push(
        doc,
        "/components/schemas/RemixAction/oneOf",
        json!({ "$ref": reference }),
    );
    at(doc, "/components/schemas/RemixAction/discriminator/mapping")["ADD_WATERMARK"] = json!(reference);
}

fn add_duplicate_project(doc: &mut Value) {
    let op = json!({
        "tags": ["Projects"],
        "operationId": "duplicateProject",
        "parameters": [{"$ref": "#/components/parameters/ProjectIdPath"}],
        "responses": {"202": {
            "description": "accepted",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ProjectResponse"}}}
        }}
    });
    at(doc, "/paths")["/v1/projects/{projectId}/duplicate"] = json!({"post": op});
}

fn remove_path(doc: &mut Value, path: &str) {
    remove(doc, "/paths", path);
}

// ---- planted in the published document -------------------------------------

#[test]
fn published_tools_request_property_removed() {
    planted(
        Side::Published,
        |d| remove(d, IMAGE_REQUEST, "numResults"),
        "schema GenerateImageRequest",
        "- property `numResults` removed (was: type integer, default 1, maximum 100, minimum 1, optional)",
    );
}

#[test]
fn published_workflow_type_value_added() {
    let line = "+ property `workflowType`: enum value AVATAR_TO_VIDEO added";
    planted_all(
        Side::Published,
        |d| add_enum_value(d, "WorkflowType", "AVATAR_TO_VIDEO"),
        &[("schema WorkflowRun", line), ("schema WorkflowRunWebhookPayload", line)],
    );
}

#[test]
fn published_inline_enum_hoisted_by_us_gains_a_value() {
    planted(
        Side::Published,
        |d| {
            push(
                d,
                "/components/schemas/WorkflowVisualStyle/properties/type/enum",
                json!("VIDEO"),
            )
        },
        "schema WorkflowVisualStyle",
        "+ property `type`: enum value VIDEO added",
    );
}

#[test]
fn published_parameter_enum_hoisted_by_us_gains_a_value() {
    planted(
        Side::Published,
        |d| push(d, "/components/parameters/EntityTypeQuery/schema/enum", json!("VOICE")),
        "operation GET /v1/entities (listEntities)",
        "+ parameter `entityType` (query): enum value VOICE added",
    );
}

#[test]
fn published_remix_variant_added() {
    planted_all(
        Side::Published,
        add_remix_variant,
        &[
            (
                REMIX_GROUP,
                "+ schema oneOf[RemixActionAddWatermark] added: -> RemixActionAddWatermark",
            ),
            (
                REMIX_GROUP,
                "+ schema: discriminator mapping value ADD_WATERMARK -> RemixActionAddWatermark added",
            ),
            (
                "schema RemixActionAddWatermark",
                "+ schema RemixActionAddWatermark: only in published",
            ),
        ],
    );
}

#[test]
fn published_webhook_payload_field_type_changed() {
    planted(
        Side::Published,
        |d| {
            at(
                d,
                "/components/schemas/ToolExecutionWebhookPayload/properties/occurredAt",
            )["type"] = json!("string")
        },
        "schema ToolExecutionWebhookPayload",
        "~ property `occurredAt`: type number -> string",
    );
}

#[test]
fn published_webhook_event_name_added() {
    planted(
        Side::Published,
        |d| add_enum_value(d, "FileUploadWebhookEventName", "file.deleted"),
        "schema FileUploadWebhookPayload",
        "+ property `event`: enum value file.deleted added",
    );
}

#[test]
fn published_list_query_parameter_added() {
    planted(
        Side::Published,
        add_tool_type_filter,
        EXECUTIONS_GROUP,
        "+ parameter `toolType` (query) added: type string, optional",
    );
}

#[test]
fn published_list_limit_bound_changed() {
    planted(
        Side::Published,
        cap_tool_executions_limit,
        EXECUTIONS_GROUP,
        "~ parameter `limit` (query): maximum 200 -> 100",
    );
}

#[test]
fn published_operation_added_in_another_tag() {
    let group = "operation POST /v1/projects/{projectId}/duplicate (duplicateProject)";
    planted(
        Side::Published,
        add_duplicate_project,
        group,
        &format!("+ {group}: only in published"),
    );
}

#[test]
fn published_operation_removed() {
    let group = "operation GET /v1/me (getMe)";
    planted(
        Side::Published,
        |d| remove_path(d, "/v1/me"),
        group,
        &format!("- {group}: only in spec"),
    );
}

#[test]
fn published_operation_moved_to_another_tag() {
    planted_all(
        Side::Published,
        |d| at(d, "/paths/~1v1~1me/get")["tags"] = json!(["Resources"]),
        &[
            ("operation GET /v1/me (getMe)", "+ operation: tag value Resources added"),
            ("operation GET /v1/me (getMe)", "- operation: tag value Account removed"),
        ],
    );
}

#[test]
fn published_deprecation_lifted() {
    let path = "/paths/~1v1~1workflows~1generate-scenes-from-storyboard/post";
    planted(
        Side::Published,
        |d| remove(d, path, "deprecated"),
        "operation POST /v1/workflows/generate-scenes-from-storyboard (generateScenesFromStoryboard)",
        "~ operation: deprecated true -> false",
    );
}

// ---- the same classes planted in our spec ----------------------------------
// Old is still our spec, so what we dropped reads as "added" by the vendor.

#[test]
fn ours_tools_request_property_added() {
    planted(
        Side::Ours,
        add_image_seed,
        "schema GenerateImageRequest",
        "- property `seed` removed (was: type integer, minimum 0, optional)",
    );
}

#[test]
fn ours_workflow_type_value_added() {
    let line = "- property `workflowType`: enum value AVATAR_TO_VIDEO removed";
    planted_all(
        Side::Ours,
        |d| add_enum_value(d, "WorkflowType", "AVATAR_TO_VIDEO"),
        &[("schema WorkflowRun", line), ("schema WorkflowRunWebhookPayload", line)],
    );
}

#[test]
fn ours_hoisted_enum_value_removed() {
    planted(
        Side::Ours,
        |d| drop_value(d, "/components/schemas/VisualStyleType/enum", "ENTITY"),
        "schema WorkflowVisualStyle",
        "+ property `type`: enum value ENTITY added",
    );
}

#[test]
fn ours_remix_variant_added() {
    planted_all(
        Side::Ours,
        add_remix_variant,
        &[
            (
                REMIX_GROUP,
                "- schema oneOf[RemixActionAddWatermark] removed (was: -> RemixActionAddWatermark)",
            ),
            (
                REMIX_GROUP,
                "- schema: discriminator mapping value ADD_WATERMARK -> RemixActionAddWatermark removed",
            ),
            (
                "schema RemixActionAddWatermark",
                "- schema RemixActionAddWatermark: only in spec",
            ),
        ],
    );
}

#[test]
fn ours_remix_variant_dropped() {
    planted_all(
        Side::Ours,
        |d| {
            let union = "/components/schemas/RemixAction";
            let logo = json!({"$ref": "#/components/schemas/RemixActionSetLogo"});
            at(d, &format!("{union}/oneOf"))
                .as_array_mut()
                .expect("members")
                .retain(|m| *m != logo);
            take(d, &format!("{union}/discriminator/mapping"), "SET_LOGO");
        },
        &[
            (
                REMIX_GROUP,
                "+ schema oneOf[RemixActionSetLogo] added: -> RemixActionSetLogo",
            ),
            (
                REMIX_GROUP,
                "+ schema: discriminator mapping value SET_LOGO -> RemixActionSetLogo added",
            ),
        ],
    );
}

#[test]
fn ours_webhook_payload_field_type_changed() {
    planted(
        Side::Ours,
        |d| {
            at(
                d,
                "/components/schemas/ToolExecutionWebhookPayload/properties/occurredAt",
            )["type"] = json!("integer")
        },
        "schema ToolExecutionWebhookPayload",
        "~ property `occurredAt`: type integer -> number",
    );
}

#[test]
fn ours_webhook_event_name_dropped() {
    planted(
        Side::Ours,
        |d| {
            drop_value(
                d,
                "/components/schemas/ToolExecutionWebhookEventName/enum",
                "tool_execution.cancelled",
            )
        },
        "schema ToolExecutionWebhookPayload",
        "+ property `event`: enum value tool_execution.cancelled added",
    );
}

#[test]
fn ours_list_query_parameter_added() {
    planted(
        Side::Ours,
        add_tool_type_filter,
        EXECUTIONS_GROUP,
        "- parameter `toolType` (query) removed (was: type string, optional)",
    );
}

#[test]
fn ours_list_limit_bound_changed() {
    planted(
        Side::Ours,
        cap_tool_executions_limit,
        EXECUTIONS_GROUP,
        "~ parameter `limit` (query): maximum 100 -> 200",
    );
}

#[test]
fn ours_operation_added_in_another_tag() {
    let group = "operation POST /v1/projects/{projectId}/duplicate (duplicateProject)";
    planted(
        Side::Ours,
        add_duplicate_project,
        group,
        &format!("- {group}: only in spec"),
    );
}

#[test]
fn ours_operation_removed() {
    let group = "operation POST /v1/tools/image-3d-effect (image3dEffect)";
    planted(
        Side::Ours,
        |d| remove_path(d, "/v1/tools/image-3d-effect"),
        group,
        &format!("+ {group}: only in published"),
    );
}

// ---- webhooks: the vendor's list against the record ------------------------
// Our 3.0 spec cannot list webhooks, so a new event reaches us through the
// record (spec/published.lock.json), which holds the published list.

#[test]
fn published_webhook_added_is_named_against_the_record_only() {
    for (base, published) in mutation_bases() {
        let mut changed = published.clone();
        let event = json!({"post": {
            "operationId": "fileDeleted",
            "requestBody": {"required": true, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/FileUploadWebhookPayload"}
            }}},
            "responses": {"200": {"description": "ok"}}
        }});
        at(&mut changed, "")
            .as_object_mut()
            .expect("a document")
            .entry("webhooks")
            .or_insert_with(|| json!({}))["file.deleted"] = event;
        let contract = |doc: &Value| Document::from_value(base, doc.clone()).contract().expect("normalises");
        let against_record = compare(&contract(&published), &contract(&changed));
        let group = "webhook POST file.deleted (fileDeleted)";
        assert!(
            matches!(against_record.as_slice(), [c] if c.group == group && c.kind == Kind::Added),
            "({base}) {against_record:?}"
        );
        assert!(
            compare(&contract(&spec().value), &contract(&changed)).is_empty(),
            "({base})"
        );
    }
}

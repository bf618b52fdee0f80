//! What the normaliser takes in: every operation of every tag, the 3.1
//! `webhooks`, and the webhook payloads on both sides (through `webhooks`
//! there, as plain components in a 3.0 document).

use serde_json::{json, Value};
use xtask::{diff::compare, normalize::normalize};

/// Two operations in two tags; `extra` is merged into the document.
fn doc(version: &str, errors: Value, extra: Value) -> Value {
    let op = |tag: &str, id: &str| {
        json!({
            "tags": [tag], "operationId": id, "x-videogen-retry": "idempotent",
            "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}}
            }
        })
    };
    let mut doc = json!({
        "openapi": version,
        "info": {"version": "1"},
        "paths": {"/a": {"get": op("Files", "getA")}, "/b": {"get": op("Tools", "getB")}},
        "components": {"schemas": {
            "Error": {"type": "object", "properties": {"message": {"type": "string"}}},
            "Payload": {"type": "object", "properties": {
                "event": {"type": "string", "enum": ["x.done", "x.failed"]},
                "at": {"type": "number", "x-videogen-unix-seconds": true}
            }}
        }}
    });
    for item in doc["paths"].as_object_mut().unwrap().values_mut() {
        let responses = item["get"]["responses"].as_object_mut().unwrap();
        responses.extend(errors.as_object().unwrap().clone());
    }
    doc.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    doc
}

fn error_ref() -> Value {
    json!({"description": "e", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
}

fn published() -> Value {
    let webhook = json!({"post": {
        "operationId": "xDone",
        "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Payload"}}}},
        "responses": {"200": {"description": "ok"}}
    }});
    doc(
        "3.1.0",
        json!({"default": error_ref()}),
        json!({"webhooks": {"x.done": webhook}}),
    )
}

fn ours() -> Value {
    doc("3.0.3", json!({"4XX": error_ref(), "5XX": error_ref()}), json!({}))
}

#[test]
fn every_tag_counts() {
    let contract = normalize(&published()).unwrap();
    let keys: Vec<&String> = contract.operations.keys().collect();
    assert_eq!(keys, ["GET /a", "GET /b"]);
}

#[test]
fn webhooks_are_listed_in_3_1_only() {
    let theirs = normalize(&published()).unwrap();
    assert_eq!(theirs.webhooks.unwrap().keys().collect::<Vec<_>>(), ["POST x.done"]);
    assert!(normalize(&ours()).unwrap().webhooks.is_none());
}

#[test]
fn webhook_payloads_count_on_both_sides() {
    let (theirs, ours) = (normalize(&published()).unwrap(), normalize(&ours()).unwrap());
    assert!(theirs.schemas.contains_key("Payload"));
    assert_eq!(theirs.schemas.get("Payload"), ours.schemas.get("Payload"));
}

#[test]
fn default_errors_equal_4xx_and_5xx_and_extensions_are_ignored() {
    let changes = compare(&normalize(&ours()).unwrap(), &normalize(&published()).unwrap());
    assert!(changes.is_empty(), "{changes:#?}");
}

#[test]
fn a_changed_webhook_payload_is_drift() {
    let mut theirs = published();
    theirs["components"]["schemas"]["Payload"]["properties"]["at"]["type"] = json!("string");
    let changes = compare(&normalize(&ours()).unwrap(), &normalize(&theirs).unwrap());
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert_eq!(changes[0].line(), "~ property `at`: type number -> string");
}

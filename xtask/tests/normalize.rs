//! The 3.0 and 3.1 spellings of the same schema normalise to the same facts.

use serde_json::{json, Value};
use xtask::{model::Shape, normalize::normalize};

/// Normalises `property` as the only property of a one-operation document.
fn property(version: &str, property: Value, extra_schemas: Value) -> Shape {
    let mut schemas = json!({"Thing": {"type": "object", "properties": {"p": property}}});
    schemas
        .as_object_mut()
        .unwrap()
        .extend(extra_schemas.as_object().unwrap().clone());
    let doc = json!({
        "openapi": version,
        "info": {"version": "1"},
        "paths": {"/t": {"get": {"responses": {"200": {
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}
        }}}}},
        "components": {"schemas": schemas}
    });
    let contract = normalize(&doc).expect("normalises");
    contract.schemas["Thing"].properties["p"].clone()
}

fn same(a: (&str, Value), b: (&str, Value)) {
    let targets = json!({
        "Target": {"type": "object", "properties": {"x": {"type": "string"}}},
        "Kind": {"type": "string", "enum": ["A", "B"]}
    });
    assert_eq!(property(a.0, a.1, targets.clone()), property(b.0, b.1, targets));
}

#[test]
fn type_array_with_null_is_nullable() {
    same(
        ("3.1.0", json!({"type": ["string", "null"]})),
        ("3.0.3", json!({"type": "string", "nullable": true})),
    );
}

#[test]
fn null_in_enum_is_nullable() {
    same(
        ("3.1.0", json!({"type": ["string", "null"], "enum": ["A", "B", null]})),
        ("3.0.3", json!({"type": "string", "nullable": true, "enum": ["A", "B"]})),
    );
}

#[test]
fn any_of_reference_and_null_is_a_nullable_reference() {
    same(
        (
            "3.1.0",
            json!({"anyOf": [{"$ref": "#/components/schemas/Target"}, {"type": "null"}]}),
        ),
        (
            "3.0.3",
            json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/Target"}]}),
        ),
    );
}

#[test]
fn const_is_a_one_value_enum() {
    same(
        ("3.1.0", json!({"type": "string", "const": "A"})),
        ("3.0.3", json!({"type": "string", "enum": ["A"]})),
    );
}

#[test]
fn named_scalar_enum_is_inlined() {
    same(
        ("3.1.0", json!({"type": "string", "enum": ["A", "B"]})),
        ("3.0.3", json!({"$ref": "#/components/schemas/Kind"})),
    );
    same(
        ("3.1.0", json!({"type": ["string", "null"], "enum": ["A", "B", null]})),
        (
            "3.0.3",
            json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/Kind"}]}),
        ),
    );
}

#[test]
fn object_reference_compares_by_name() {
    let shape = property(
        "3.1.0",
        json!({"$ref": "#/components/schemas/Target"}),
        json!({"Target": {"type": "object"}}),
    );
    assert_eq!(shape.reference.as_deref(), Some("Target"));
}

#[test]
fn exclusive_bounds_take_the_3_1_form() {
    same(
        ("3.1.0", json!({"type": "integer", "exclusiveMinimum": 0})),
        (
            "3.0.3",
            json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true}),
        ),
    );
}

#[test]
fn reference_siblings_count_in_3_1_only() {
    let beside = json!({"$ref": "#/components/schemas/Target", "nullable": true});
    assert!(!property("3.0.3", beside.clone(), json!({"Target": {"type": "object"}})).nullable);
    let beside = json!({"$ref": "#/components/schemas/Target", "description": "prose only"});
    assert_eq!(
        property("3.1.0", beside, json!({"Target": {"type": "object"}}))
            .reference
            .as_deref(),
        Some("Target")
    );
}

#[test]
fn descriptions_and_examples_are_not_facts() {
    same(
        (
            "3.1.0",
            json!({"type": "number", "description": "one", "example": 1, "x-vendor": true}),
        ),
        ("3.0.3", json!({"type": "number", "description": "two", "example": 2})),
    );
}

#[test]
fn a_swagger_2_document_is_refused() {
    let err = normalize(&json!({"swagger": "2.0"})).unwrap_err();
    assert!(err.contains("not an OpenAPI 3 document"), "{err}");
}

/// Normalises `schema` as the schema of the only (query) parameter.
fn parameter(version: &str, schema: Value) -> Shape {
    let doc = json!({
        "openapi": version,
        "info": {"version": "1"},
        "paths": {"/t": {"get": {
            "parameters": [{"name": "q", "in": "query", "schema": schema}],
            "responses": {"204": {"description": "none"}}
        }}},
        "components": {
            "schemas": {"Kind": {"type": "string", "enum": ["A", "B"]}},
            "parameters": {"Q": {"name": "q", "in": "query", "schema": {"$ref": "#/components/schemas/Kind"}}}
        }
    });
    let contract = normalize(&doc).expect("normalises");
    contract.operations["GET /t"].parameters["query q"].schema.clone()
}

#[test]
fn named_enum_under_a_parameter_is_inlined_nullable_or_not() {
    assert_eq!(
        parameter("3.1.0", json!({"type": "string", "enum": ["A", "B"], "default": "A"})),
        parameter(
            "3.0.3",
            json!({"default": "A", "allOf": [{"$ref": "#/components/schemas/Kind"}]})
        ),
    );
    assert_eq!(
        parameter("3.1.0", json!({"type": ["string", "null"], "enum": ["A", "B", null]})),
        parameter(
            "3.0.3",
            json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/Kind"}]})
        ),
    );
}

#[test]
fn discriminator_mappings_compare_by_schema_name() {
    let union = |mapping: &str| {
        json!({
            "oneOf": [{"$ref": "#/components/schemas/Target"}],
            "discriminator": {"propertyName": "type", "mapping": {"T": mapping}}
        })
    };
    let targets = json!({"Target": {"type": "object", "properties": {"x": {"type": "string"}}}});
    assert_eq!(
        property("3.1.0", union("#/components/schemas/Target"), targets.clone()),
        property("3.0.3", union("Target"), targets),
    );
}

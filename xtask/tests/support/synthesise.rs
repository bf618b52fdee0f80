//! A stand-in for the published document when no copy is at hand: our 3.0
//! spec rewritten in the vendor's 3.1 style (type arrays, `null` in enums,
//! `anyOf` with `{type: null}`, scalar enums inlined, `default` errors), so
//! the mutation tests still exercise the 3.1 side of the normaliser.

use serde_json::{json, Map, Value};

pub fn as_published(spec: &Value) -> Value {
    let mut doc = spec.clone();
    doc["openapi"] = json!("3.1.0");
    let schemas = spec["components"]["schemas"].as_object().cloned().unwrap_or_default();
    let scalar = |name: &str| schemas.get(name).filter(|s| is_scalar(s)).cloned();
    rewrite(&mut doc["paths"], &scalar);
    rewrite(&mut doc["components"]["parameters"], &scalar);
    let components = doc["components"]["schemas"].as_object_mut().expect("schemas");
    components.retain(|name, _| scalar(name).is_none());
    for schema in components.values_mut() {
        rewrite(schema, &scalar);
    }
    for item in doc["paths"].as_object_mut().into_iter().flatten().map(|(_, v)| v) {
        for op in item.as_object_mut().into_iter().flatten().map(|(_, v)| v) {
            if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
                let error = responses.remove("4XX");
                responses.remove("5XX");
                if let Some(error) = error {
                    responses.insert("default".to_owned(), error);
                }
            }
        }
    }
    doc
}

/// A bare string/number/... schema such as an enum: unions and objects stay.
fn is_scalar(schema: &Value) -> bool {
    let structural = ["properties", "items", "allOf", "anyOf", "oneOf", "additionalProperties"];
    let scalar_type = matches!(
        schema.get("type").and_then(Value::as_str),
        Some("string" | "number" | "integer" | "boolean")
    );
    scalar_type && structural.iter().all(|k| schema.get(k).is_none())
}

fn rewrite(node: &mut Value, scalar: &dyn Fn(&str) -> Option<Value>) {
    match node {
        Value::Array(list) => list.iter_mut().for_each(|v| rewrite(v, scalar)),
        Value::Object(map) => {
            inline_scalar(map, scalar);
            map.values_mut().for_each(|v| rewrite(v, scalar));
            nullable_31(map);
        }
        _ => {}
    }
}

fn inline_scalar(map: &mut Map<String, Value>, scalar: &dyn Fn(&str) -> Option<Value>) {
    let target = map
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.rsplit('/').next());
    if let Some(Value::Object(body)) = target.and_then(scalar) {
        map.remove("$ref");
        map.extend(body);
    }
    // `allOf: [scalar enum]` flattens the same way once its member is inlined.
    if let Some(Value::Array(members)) = map.get("allOf") {
        if let [Value::Object(member)] = members.as_slice() {
            let mut member = member.clone();
            inline_scalar(&mut member, scalar);
            if !member.contains_key("$ref") {
                map.remove("allOf");
                map.extend(member);
            }
        }
    }
}

fn nullable_31(map: &mut Map<String, Value>) {
    if map.remove("nullable") != Some(Value::Bool(true)) {
        return;
    }
    if let Some(Value::Array(members)) = map.remove("allOf") {
        let mut members = members;
        members.push(json!({"type": "null"}));
        map.insert("anyOf".to_owned(), Value::Array(members));
        return;
    }
    if let Some(Value::String(ty)) = map.get("type").cloned() {
        map.insert("type".to_owned(), json!([ty, "null"]));
    }
    if let Some(Value::Array(values)) = map.get_mut("enum") {
        values.push(Value::Null);
    }
}

//! `src/spec.json` is the structure of `spec/openapi.yaml` (schemas without
//! prose, each operation's query parameters and whether its body is
//! required): what the fake validates requests against. This test derives it
//! again and fails when the copy is stale; run it with
//! `VIDEOGEN_FAKE_BLESS=1` to rewrite the copy after `cargo xtask regen`.

use std::{fs, path::Path};

use serde_json::{json, Map, Value};

/// Drops descriptions, examples and `x-` extensions (outside `properties`,
/// where keys are field names).
fn strip(value: &Value, in_properties: bool) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| {
                    in_properties
                        || !(matches!(k.as_str(), "description" | "title" | "example" | "examples" | "summary")
                            || k.starts_with("x-"))
                })
                .map(|(k, v)| (k.clone(), strip(v, !in_properties && k == "properties")))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|v| strip(v, false)).collect()),
        other => other.clone(),
    }
}

/// Compact JSON with object keys sorted, whatever order the map keeps
/// (serde_json's `preserve_order` may be on in a workspace build).
fn canonical(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let fields: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{}:{}", Value::String(k.clone()), canonical(&map[k])))
                .collect();
            format!("{{{}}}", fields.join(","))
        }
        Value::Array(items) => format!("[{}]", items.iter().map(canonical).collect::<Vec<_>>().join(",")),
        other => other.to_string(),
    }
}

fn derive(doc: &Value) -> String {
    let parameters = &doc["components"]["parameters"];
    let mut operations = Map::new();
    for (_, item) in doc["paths"].as_object().unwrap() {
        for (_, op) in item.as_object().unwrap() {
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let mut query = Map::new();
            for param in op["parameters"].as_array().into_iter().flatten() {
                let param = match param.get("$ref").and_then(Value::as_str) {
                    Some(r) => &parameters[r.rsplit('/').next().unwrap()],
                    None => param,
                };
                if param["in"] == "query" {
                    query.insert(
                        param["name"].as_str().unwrap().to_owned(),
                        json!({
                            "required": param.get("required").cloned().unwrap_or(json!(false)),
                            "schema": strip(&param["schema"], false),
                        }),
                    );
                }
            }
            let body_required = op.get("requestBody").map(|b| b.get("required") == Some(&json!(true)));
            operations.insert(
                id.to_owned(),
                json!({ "query": query, "bodyRequired": body_required.unwrap_or(false) }),
            );
        }
    }
    let mut out = String::from("{\"operations\": {\n");
    let mut ops: Vec<String> = operations
        .iter()
        .map(|(k, v)| format!("{}: {}", json!(k), canonical(v)))
        .collect();
    ops.sort();
    out.push_str(&ops.join(",\n"));
    out.push_str("\n},\n\"schemas\": {\n");
    let mut schemas: Vec<String> = doc["components"]["schemas"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| format!("{}: {}", json!(k), canonical(&strip(v, false))))
        .collect();
    schemas.sort();
    out.push_str(&schemas.join(",\n"));
    out.push_str("\n}}\n");
    out
}

#[test]
fn the_embedded_spec_extract_matches_spec_openapi_yaml() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let Ok(yaml) = fs::read_to_string(root.join("../spec/openapi.yaml")) else {
        eprintln!("no ../spec/openapi.yaml (a packaged copy): nothing to compare");
        return;
    };
    let doc: Value = serde_yaml_ng::from_str(&yaml).expect("spec/openapi.yaml parses");
    let derived = derive(&doc);
    let copy = root.join("src/spec.json");
    if std::env::var_os("VIDEOGEN_FAKE_BLESS").is_some() {
        fs::write(&copy, &derived).unwrap();
        return;
    }
    let current = fs::read_to_string(&copy).unwrap_or_default();
    assert!(
        current == derived,
        "fake/src/spec.json is stale: run `VIDEOGEN_FAKE_BLESS=1 cargo test -p videogen-fake --test spec_extract`"
    );
    let parsed: Value = serde_json::from_str(&current).unwrap();
    assert_eq!(
        parsed["operations"].as_object().unwrap().len(),
        videogen::Operation::COUNT
    );
}

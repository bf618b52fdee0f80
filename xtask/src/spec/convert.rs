//! OpenAPI 3.1 spellings -> 3.0.3 (what openapiv3 and progenitor read), and
//! removal of the vendor's prose.

use serde_json::{json, Map, Value};

/// Drops every human-facing text and vendor extension, recursively. Property
/// maps are walked into but their keys (which may be named `description` or
/// `title`) are kept.
pub fn strip_prose(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let is_schema_map = |key: &str| matches!(key, "properties" | "mapping");
            map.retain(|key, _| {
                !(key.starts_with("x-")
                    || matches!(
                        key.as_str(),
                        "description" | "summary" | "title" | "example" | "examples" | "externalDocs"
                    ))
            });
            for (key, child) in map.iter_mut() {
                if is_schema_map(key) {
                    if let Value::Object(entries) = child {
                        entries.values_mut().for_each(strip_prose);
                    }
                } else {
                    strip_prose(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip_prose),
        _ => {}
    }
}

/// Rewrites one schema (and everything inside it) from 3.1 to 3.0 forms:
/// `type: [T, "null"]` and `null` in `enum` -> `nullable`; `anyOf`/`oneOf`
/// of one schema and `{type: null}` -> that schema + `nullable` (a `$ref`
/// goes into `allOf`, since 3.0 ignores siblings of `$ref`); `const` -> a
/// one-value `enum`.
pub fn to_openapi_30(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for child in map.values_mut() {
                to_openapi_30(child);
            }
            fold(map);
        }
        Value::Array(items) => items.iter_mut().for_each(to_openapi_30),
        _ => {}
    }
}

fn fold(map: &mut Map<String, Value>) {
    if let Some(Value::Array(types)) = map.get("type") {
        let rest: Vec<Value> = types.iter().filter(|t| t.as_str() != Some("null")).cloned().collect();
        let had_null = rest.len() < types.len();
        if rest.len() == 1 {
            map.insert("type".into(), rest[0].clone());
        }
        if had_null {
            map.insert("nullable".into(), json!(true));
        }
    }
    if let Some(Value::Array(values)) = map.get_mut("enum") {
        let before = values.len();
        values.retain(|v| !v.is_null());
        if values.len() < before {
            map.insert("nullable".into(), json!(true));
        }
    }
    if let Some(value) = map.remove("const") {
        map.insert("enum".into(), json!([value]));
    }
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(options)) = map.get(key) else {
            continue;
        };
        let is_null = |v: &Value| v.get("type").and_then(Value::as_str) == Some("null");
        if options.len() != 2 || options.iter().filter(|v| is_null(v)).count() != 1 {
            continue;
        }
        let other = options.iter().find(|v| !is_null(v)).cloned().unwrap_or_default();
        map.remove(key);
        map.insert("nullable".into(), json!(true));
        match other {
            Value::Object(inner) if inner.contains_key("$ref") => {
                map.insert("allOf".into(), json!([Value::Object(inner)]));
            }
            Value::Object(inner) => {
                for (k, v) in inner {
                    map.entry(k).or_insert(v);
                }
            }
            _ => {}
        }
    }
    // A `$ref` with siblings (3.1 allows it; 3.0 ignores the siblings): keep
    // the siblings by moving the reference into `allOf`.
    if map.contains_key("$ref") && map.len() > 1 {
        let reference = map.remove("$ref").unwrap_or_default();
        map.insert("allOf".into(), json!([{ "$ref": reference }]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(mut value: Value) -> Value {
        to_openapi_30(&mut value);
        value
    }

    #[test]
    fn every_31_form_becomes_its_30_form() {
        assert_eq!(
            folded(json!({"type": ["string", "null"]})),
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(
            folded(json!({"type": ["string", "null"], "enum": ["A", null]})),
            json!({"type": "string", "nullable": true, "enum": ["A"]})
        );
        assert_eq!(
            folded(json!({"anyOf": [{"$ref": "#/x"}, {"type": "null"}]})),
            json!({"nullable": true, "allOf": [{"$ref": "#/x"}]})
        );
        assert_eq!(
            folded(json!({"oneOf": [{"type": "null"}, {"type": "integer"}]})),
            json!({"nullable": true, "type": "integer"})
        );
        assert_eq!(folded(json!({"const": "A"})), json!({"enum": ["A"]}));
        assert_eq!(
            folded(json!({"$ref": "#/x", "default": 1})),
            json!({"default": 1, "allOf": [{"$ref": "#/x"}]})
        );
        // A real union is left alone.
        let union = json!({"oneOf": [{"$ref": "#/a"}, {"$ref": "#/b"}]});
        assert_eq!(folded(union.clone()), union);
    }

    #[test]
    fn prose_goes_but_properties_named_like_prose_stay() {
        let mut value = json!({
            "description": "theirs", "x-fern-audiences": ["rest"], "example": 1,
            "properties": {"description": {"type": "string", "description": "theirs"}}
        });
        strip_prose(&mut value);
        assert_eq!(value, json!({"properties": {"description": {"type": "string"}}}));
    }
}

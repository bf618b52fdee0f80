//! Structural decisions: inline enums get names, some properties get marks
//! for the generator.

use serde_json::{json, Map, Value};

use super::{Overlay, NULL_IS_VALUE_EXT, UNIX_SECONDS_EXT};

const REF_PREFIX: &str = "#/components/schemas/";

/// Calls `visit(location, property)` for every property of every schema,
/// nested inline objects included (`Schema.a.b`), stepping through arrays
/// and `allOf`/`anyOf`/`oneOf`.
fn each_property(schema: &mut Value, location: &str, visit: &mut dyn FnMut(&str, &mut Value)) {
    let Value::Object(map) = schema else { return };
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        for (name, property) in properties.iter_mut() {
            let here = format!("{location}.{name}");
            visit(&here, property);
            each_property(property, &here, visit);
        }
    }
    if let Some(items) = map.get_mut("items") {
        each_property(items, location, visit);
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(options)) = map.get_mut(key) {
            for option in options {
                each_property(option, location, visit);
            }
        }
    }
}

/// Marks Unix-seconds numbers and the fields where `null` is a value.
pub fn mark_properties(schemas: &mut Map<String, Value>, overlay: &Overlay) {
    for (name, schema) in schemas.iter_mut() {
        each_property(schema, name, &mut |location, property| {
            let Value::Object(map) = property else { return };
            let numeric = matches!(map.get("type").and_then(Value::as_str), Some("number" | "integer"));
            let leaf = location.rsplit('.').next().unwrap_or_default();
            if numeric && (leaf.ends_with("At") || overlay.unix_seconds.iter().any(|l| l == location)) {
                map.insert(UNIX_SECONDS_EXT.into(), json!(true));
            }
            if overlay.null_is_value.iter().any(|l| l == location) {
                map.insert(NULL_IS_VALUE_EXT.into(), json!(true));
            }
        });
    }
}

fn pascal(text: &str) -> String {
    let mut out = String::new();
    for word in text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    out
}

fn string_enum(map: &Map<String, Value>) -> Option<Vec<Value>> {
    let values = map.get("enum")?.as_array()?;
    let strings = values.iter().all(Value::is_string);
    (strings && values.len() > 1 && map.get("type").and_then(Value::as_str) == Some("string")).then(|| values.clone())
}

/// Gives every inline string enum of two or more values a named schema (the
/// overlay's name, or Schema+Property) and references it, keeping `nullable`
/// and `default` on the referring side. One-value enums stay: they are the
/// tags of discriminated unions.
pub fn hoist_enums(
    schemas: &mut Map<String, Value>,
    parameters: &mut Map<String, Value>,
    overlay: &Overlay,
    notes: &mut Vec<String>,
) -> Result<(), String> {
    let mut found: Vec<(String, Vec<Value>)> = Vec::new();
    let hoist = |location: &str, property: &mut Value, found: &mut Vec<(String, Vec<Value>)>| {
        let Value::Object(map) = property else { return };
        let Some(values) = string_enum(map) else { return };
        let name = overlay.enum_names.get(location).cloned().unwrap_or_else(|| {
            let plain = location.trim_start_matches("parameter:");
            plain.split('.').map(pascal).collect::<String>()
        });
        let mut replacement = Map::new();
        for key in ["nullable", "default"] {
            if let Some(v) = map.get(key) {
                replacement.insert(key.into(), v.clone());
            }
        }
        let reference = json!({ "$ref": format!("{REF_PREFIX}{name}") });
        if replacement.is_empty() {
            *property = reference;
        } else {
            replacement.insert("allOf".into(), json!([reference]));
            *property = Value::Object(replacement);
        }
        found.push((name, values));
    };
    for (name, schema) in schemas.iter_mut() {
        each_property(schema, name, &mut |location, property| {
            hoist(location, property, &mut found)
        });
    }
    for (name, parameter) in parameters.iter_mut() {
        if let Some(schema) = parameter.get_mut("schema") {
            hoist(&format!("parameter:{name}"), schema, &mut found);
        }
    }
    for (name, values) in found {
        match schemas.get(&name) {
            Some(existing) => {
                let known = existing.get("enum").and_then(Value::as_array);
                if known != Some(&values) {
                    return Err(format!(
                        "enum {name} is used with values {values:?} but the schema of that name has {known:?}; \
                         give one of them another name in spec/overlay/overlay.yaml (enum_names)"
                    ));
                }
            }
            None => {
                if !overlay.enum_names.values().any(|n| n == &name) {
                    notes.push(format!(
                        "inline enum named {name} by default (enum_names can rename it)"
                    ));
                }
                schemas.insert(name, json!({ "type": "string", "enum": values }));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_inline_enum_becomes_a_named_schema_keeping_nullable_and_default() {
        let mut schemas: Map<String, Value> = serde_json::from_value(json!({
            "A": {"type": "object", "properties": {
                "kind": {"type": "string", "enum": ["X", "Y"], "nullable": true, "default": "X"},
                "tag": {"type": "string", "enum": ["ONLY"]}
            }}
        }))
        .unwrap();
        let overlay = Overlay::default();
        let mut notes = Vec::new();
        hoist_enums(&mut schemas, &mut Map::new(), &overlay, &mut notes).unwrap();
        assert_eq!(
            schemas["A"]["properties"]["kind"],
            json!({"nullable": true, "default": "X", "allOf": [{"$ref": "#/components/schemas/AKind"}]})
        );
        assert_eq!(schemas["AKind"], json!({"type": "string", "enum": ["X", "Y"]}));
        assert_eq!(
            schemas["A"]["properties"]["tag"]["enum"],
            json!(["ONLY"]),
            "a union tag stays inline"
        );
    }

    #[test]
    fn a_name_reused_with_other_values_is_an_error() {
        let mut schemas: Map<String, Value> = serde_json::from_value(json!({
            "Q": {"type": "string", "enum": ["LOW", "HIGH"]},
            "A": {"type": "object", "properties": {"q": {"type": "string", "enum": ["LOW", "MAX"]}}}
        }))
        .unwrap();
        let mut overlay = Overlay::default();
        overlay.enum_names.insert("A.q".into(), "Q".into());
        let err = hoist_enums(&mut schemas, &mut Map::new(), &overlay, &mut Vec::new()).unwrap_err();
        assert!(err.contains("enum Q"), "{err}");
    }
}

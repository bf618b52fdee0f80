//! Our descriptions into the derived schemas and parameters.

use serde_json::{json, Map, Value};

use super::Overlay;

/// Sets `description` on each schema and property the overlay describes. A
/// described property that is a bare `$ref` is wrapped in `allOf` so that the
/// description survives (3.0 ignores siblings of `$ref`).
pub fn schemas(schemas: &mut Map<String, Value>, overlay: &Overlay, notes: &mut Vec<String>) {
    for (name, schema) in schemas.iter_mut() {
        let Some(text) = overlay.schemas.get(name) else {
            notes.push(format!("schema {name} has no description"));
            continue;
        };
        if let Value::Object(map) = schema {
            if !text.description.is_empty() {
                map.insert("description".into(), json!(text.description));
            }
        }
        for (path, description) in &text.properties {
            match property_mut(schema, path) {
                Some(Value::Object(property)) => {
                    if property.contains_key("$ref") {
                        let reference = property.remove("$ref").unwrap_or_default();
                        property.insert("allOf".into(), json!([{ "$ref": reference }]));
                    }
                    property.insert("description".into(), json!(description));
                }
                _ => notes.push(format!("described property {name}.{path} does not exist")),
            }
        }
    }
}

pub fn parameters(parameters: &mut Map<String, Value>, overlay: &Overlay, notes: &mut Vec<String>) {
    for (name, parameter) in parameters.iter_mut() {
        match (overlay.parameters.get(name), parameter) {
            (Some(text), Value::Object(map)) => {
                map.insert("description".into(), json!(text));
            }
            _ => notes.push(format!("parameter {name} has no description")),
        }
    }
}

/// The property at a dotted path, stepping through arrays and single-schema
/// wrappers like the writers of the descriptions do.
fn property_mut<'a>(schema: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    let mut here = schema;
    for segment in path.split('.') {
        here = object_with_properties(here)?.get_mut("properties")?.get_mut(segment)?;
    }
    Some(here)
}

fn object_with_properties(value: &mut Value) -> Option<&mut Map<String, Value>> {
    let has_properties = value.get("properties").is_some();
    if has_properties {
        return value.as_object_mut();
    }
    if value.get("items").is_some() {
        return object_with_properties(value.get_mut("items")?);
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(options)) = value.get(key) {
            let index = options
                .iter()
                .position(|o| o.get("properties").is_some() || o.get("items").is_some())?;
            return object_with_properties(value.get_mut(key)?.get_mut(index)?);
        }
    }
    None
}

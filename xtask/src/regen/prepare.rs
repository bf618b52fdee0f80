//! The spec as the generators see it: parsed once, with the facts each
//! generator needs collected, and the rewrites progenitor needs applied in
//! memory (spec/openapi.yaml itself stays faithful to the published shape).

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::spec::NULL_IS_VALUE_EXT;

const REF_PREFIX: &str = "#/components/schemas/";

pub struct Prepared {
    /// The spec as written.
    pub raw: Value,
    /// The spec progenitor reads (rewritten in memory).
    pub spec: openapiv3::OpenAPI,
    /// Synthetic schema name -> the Rust type it stands for: fields where
    /// `null` is a value of its own become `Nullable<T>`.
    pub nullable: BTreeMap<String, String>,
    /// Discriminated unions: name -> (tag property, [(tag value, variant schema)]).
    pub unions: BTreeMap<String, Union>,
}

#[derive(Debug, Clone)]
pub struct Union {
    pub tag: String,
    pub variants: Vec<(String, String)>,
}

impl Prepared {
    pub fn new(spec_bytes: &[u8]) -> Result<Prepared, String> {
        let raw: Value = serde_yaml_ng::from_slice(spec_bytes).map_err(|e| format!("parsing {}: {e}", super::SPEC))?;
        let mut rewritten = raw.clone();
        let schemas = rewritten
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
            .ok_or("the spec has no components.schemas")?;
        let nullable = null_is_value(schemas)?;
        for schema in schemas.values_mut() {
            plain_strings(schema);
        }
        let unions = unions(schemas)?;
        let spec = serde_json::from_value(rewritten).map_err(|e| format!("{} is not OpenAPI 3.0: {e}", super::SPEC))?;
        Ok(Prepared {
            raw,
            spec,
            nullable,
            unions,
        })
    }

    pub fn schemas(&self) -> &Map<String, Value> {
        static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
        self.raw
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .unwrap_or_else(|| EMPTY.get_or_init(Map::new))
    }
}

/// The schema name a `$ref` points to.
pub fn ref_name(value: &Value) -> Option<&str> {
    value.get("$ref")?.as_str()?.strip_prefix(REF_PREFIX)
}

/// Each property marked `x-videogen-null-is-value` is pointed at a synthetic
/// schema that regen replaces with `crate::Nullable<T>`.
fn null_is_value(schemas: &mut Map<String, Value>) -> Result<BTreeMap<String, String>, String> {
    let mut found = BTreeMap::new();
    let mut extra = Vec::new();
    for (owner, schema) in schemas.iter_mut() {
        let Some(Value::Object(properties)) = schema.get_mut("properties") else {
            continue;
        };
        for (name, property) in properties.iter_mut() {
            if property.get(NULL_IS_VALUE_EXT) != Some(&Value::Bool(true)) {
                continue;
            }
            let inner = match (
                property.get("allOf").and_then(|a| a.get(0)).and_then(ref_name),
                property.get("type"),
            ) {
                (Some(target), _) => format!("crate::generated::types::{target}"),
                (None, Some(Value::String(t))) if t == "string" => "::std::string::String".to_owned(),
                _ => return Err(format!("{owner}.{name}: null-is-value needs a string or a single $ref")),
            };
            let synthetic = format!("{owner}{}Nullable", upper_first(name));
            extra.push((synthetic.clone(), property.clone()));
            *property = json!({ "$ref": format!("{REF_PREFIX}{synthetic}") });
            found.insert(synthetic, format!("crate::Nullable<{inner}>"));
        }
    }
    for (name, schema) in extra {
        schemas.insert(name, schema);
    }
    Ok(found)
}

/// Schemas with a discriminator over `$ref` variants. Regen generates their
/// enum itself (dispatch on the tag, unknown tags kept), so progenitor gets
/// them replaced.
fn unions(schemas: &Map<String, Value>) -> Result<BTreeMap<String, Union>, String> {
    let mut found = BTreeMap::new();
    for (name, schema) in schemas {
        let Some(tag) = schema.pointer("/discriminator/propertyName").and_then(Value::as_str) else {
            continue;
        };
        let options = schema
            .get("oneOf")
            .and_then(Value::as_array)
            .ok_or_else(|| format!("{name}: a discriminator without oneOf"))?;
        let mut variants = Vec::new();
        for option in options {
            let variant = ref_name(option).ok_or_else(|| format!("{name}: every oneOf option must be a $ref"))?;
            let value = schemas
                .get(variant)
                .and_then(|v| v.pointer(&format!("/properties/{tag}/enum/0")))
                .and_then(Value::as_str)
                .ok_or_else(|| format!("{name}: variant {variant} has no single-value `{tag}`"))?;
            variants.push((value.to_owned(), variant.to_owned()));
        }
        found.insert(
            name.clone(),
            Union {
                tag: tag.to_owned(),
                variants,
            },
        );
    }
    Ok(found)
}

/// Drops length and pattern bounds from string schemas, in memory only:
/// typify would turn each bounded string into a newtype that can only be
/// built fallibly, so `CreateEntityRequest::new(kind, "Ada")` could not take
/// a `&str`. The server still enforces the bounds (a 400 says which).
fn plain_strings(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("type").and_then(Value::as_str) == Some("string") {
                for key in ["minLength", "maxLength", "pattern"] {
                    map.remove(key);
                }
            }
            map.values_mut().for_each(plain_strings);
        }
        Value::Array(items) => items.iter_mut().for_each(plain_strings),
        _ => {}
    }
}

pub fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

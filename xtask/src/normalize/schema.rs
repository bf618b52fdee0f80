//! One schema node -> [`Shape`]: the 3.0/3.1 spellings folded, named scalar
//! schemas inlined, named object schemas kept as references (and queued).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{Normalizer, SCHEMA_PREFIX};
use crate::model::Shape;

const SCALARS: [&str; 4] = ["string", "number", "integer", "boolean"];

/// Keys that only explain things to people: never compared.
pub(super) fn is_annotation(key: &str) -> bool {
    key.starts_with("x-")
        || matches!(
            key,
            "description" | "summary" | "title" | "example" | "examples" | "externalDocs" | "$comment" | "xml"
        )
}

impl<'a> Normalizer<'a> {
    pub(super) fn shape(&mut self, node: &'a Value) -> Result<Shape, String> {
        let Some(obj) = node.as_object() else {
            // 3.1 allows `true` / `false` as whole schemas.
            let mut shape = Shape::default();
            shape.keywords.insert("schema".to_owned(), node.clone());
            return Ok(shape);
        };
        let Some(pointer) = obj.get("$ref").and_then(Value::as_str) else {
            return self.plain(obj);
        };
        let mut shape = self.reference(pointer)?;
        if self.dialect_31 {
            let siblings = self.plain(obj)?;
            merge(&mut shape, siblings);
        }
        Ok(shape)
    }

    /// A `$ref`: scalar targets are inlined, object-like ones compare by name.
    fn reference(&mut self, pointer: &str) -> Result<Shape, String> {
        let target = self.resolve(self.lookup(pointer)?)?;
        if is_scalar(target) {
            return self.shape(target);
        }
        let name = pointer.strip_prefix(SCHEMA_PREFIX).unwrap_or(pointer).to_owned();
        if self.seen.insert(name.clone()) {
            self.pending.push((name.clone(), pointer.to_owned()));
        }
        Ok(Shape {
            reference: Some(name),
            ..Shape::default()
        })
    }

    fn plain(&mut self, obj: &'a Map<String, Value>) -> Result<Shape, String> {
        let mut shape = Shape::default();
        let mut types = Vec::new();
        for (key, value) in obj {
            match key.as_str() {
                k if is_annotation(k) || k == "$ref" => {}
                "type" => {
                    for t in value.as_array().map_or_else(|| vec![value], |a| a.iter().collect()) {
                        match t.as_str() {
                            Some("null") => shape.nullable = true,
                            Some(t) => types.push(t.to_owned()),
                            None => return Err(format!("odd `type` value {value}")),
                        }
                    }
                }
                "nullable" => shape.nullable |= value == &Value::Bool(true),
                "format" => shape.format = value.as_str().map(str::to_owned),
                "enum" | "const" => {
                    let values = value.as_array().map_or_else(|| vec![value], |a| a.iter().collect());
                    let list = shape.enum_values.get_or_insert_with(Vec::new);
                    for v in values {
                        if v.is_null() {
                            shape.nullable = true;
                        } else {
                            list.push(v.clone());
                        }
                    }
                }
                "items" if value.is_object() => shape.items = Some(Box::new(self.shape(value)?)),
                "properties" => {
                    for (name, prop) in value.as_object().into_iter().flatten() {
                        shape.properties.insert(name.clone(), self.shape(prop)?);
                    }
                }
                "required" if value.is_array() => {
                    shape.required = value
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect();
                }
                "additionalProperties" => match value {
                    Value::Bool(true) => {}
                    Value::Object(_) => shape.additional_properties = Some(Box::new(self.shape(value)?)),
                    _ => {
                        shape.keywords.insert(key.clone(), value.clone());
                    }
                },
                "allOf" | "anyOf" | "oneOf" => {
                    let mut members = Vec::new();
                    for member in value.as_array().into_iter().flatten() {
                        members.push(self.shape(member)?);
                    }
                    shape.composition.insert(key.clone(), members);
                }
                "discriminator" => {
                    shape.keywords.insert(key.clone(), discriminator(value));
                }
                _ => {
                    shape.keywords.insert(key.clone(), value.clone());
                }
            }
        }
        types.sort();
        if !types.is_empty() {
            shape.ty = Some(types.join(" | "));
        }
        exclusive_bounds_30(&mut shape.keywords);
        Ok(unwrap_nullable_wrapper(shape))
    }
}

/// A component that is a bare string/number/... with no structure of its own.
pub(super) fn is_scalar(target: &Value) -> bool {
    let structural = ["properties", "items", "allOf", "anyOf", "oneOf", "additionalProperties"];
    if structural.iter().any(|k| target.get(k).is_some()) {
        return false;
    }
    let types: Vec<&str> = match target.get("type") {
        Some(Value::String(t)) => vec![t],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => return false,
    };
    let real: Vec<&&str> = types.iter().filter(|t| **t != "null").collect();
    !real.is_empty() && real.iter().all(|t| SCALARS.contains(t))
}

/// `allOf: [X]` (3.0's way to make a `$ref` nullable) and
/// `anyOf`/`oneOf: [X, {type: null}]` (3.1's way) both mean "X, nullable".
fn unwrap_nullable_wrapper(mut shape: Shape) -> Shape {
    if shape.composition.len() != 1 {
        return shape;
    }
    let (kind, members) = shape.composition.pop_first().expect("one entry");
    let null_only = Shape {
        nullable: true,
        ..Shape::default()
    };
    let mut rest: Vec<Shape> = members.iter().filter(|m| **m != null_only).cloned().collect();
    let had_null = rest.len() < members.len();
    let collapses = rest.len() == 1 && (kind == "allOf" || had_null);
    if !collapses {
        shape.composition.insert(kind, members);
        return shape;
    }
    let mut inner = rest.pop().expect("one member");
    inner.nullable |= had_null;
    merge(&mut inner, shape);
    inner
}

/// Adds what `extra` says to `base`, keeping `base` where both speak.
fn merge(base: &mut Shape, extra: Shape) {
    base.nullable |= extra.nullable;
    base.reference = base.reference.take().or(extra.reference);
    base.ty = base.ty.take().or(extra.ty);
    base.format = base.format.take().or(extra.format);
    base.enum_values = base.enum_values.take().or(extra.enum_values);
    base.items = base.items.take().or(extra.items);
    base.additional_properties = base.additional_properties.take().or(extra.additional_properties);
    for (k, v) in extra.properties {
        base.properties.entry(k).or_insert(v);
    }
    base.required.extend(extra.required);
    for (k, v) in extra.composition {
        base.composition.entry(k).or_insert(v);
    }
    for (k, v) in extra.keywords {
        base.keywords.entry(k).or_insert(v);
    }
}

/// 3.0 writes `minimum: 1, exclusiveMinimum: true`; 3.1 writes `exclusiveMinimum: 1`.
fn exclusive_bounds_30(keywords: &mut BTreeMap<String, Value>) {
    for (flag, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        match keywords.get(flag) {
            Some(Value::Bool(true)) => {
                if let Some(value) = keywords.remove(bound) {
                    keywords.insert(flag.to_owned(), value);
                }
            }
            Some(Value::Bool(false)) => {
                keywords.remove(flag);
            }
            _ => {}
        }
    }
}

/// A discriminator with its mapping pointing at schema names, so that
/// `#/components/schemas/X` and a bare `X` compare equal.
fn discriminator(value: &Value) -> Value {
    let mut value = value.clone();
    if let Some(Value::Object(mapping)) = value.get_mut("mapping") {
        for target in mapping.values_mut() {
            if let Some(name) = target.as_str().and_then(|t| t.strip_prefix(SCHEMA_PREFIX)) {
                *target = Value::String(name.to_owned());
            }
        }
    }
    value
}

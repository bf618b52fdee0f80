//! An OpenAPI 3.0 or 3.1 document (as JSON values) -> [`Contract`].
//!
//! The 3.1 spellings are folded into one form so that the two dialects compare
//! equal when they mean the same: `type: [T, "null"]`, `null` inside `enum`,
//! `anyOf: [X, {type: null}]` and 3.0's `allOf: [X]` + `nullable` all become
//! "X, nullable"; `const` becomes a one-value enum. Named schemas that are
//! plain scalars (our FileType, FileScope, ...) are inlined where they are
//! used, because the published document writes those enums inline.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::model::{Body, Contract, Operation, Parameter, Shape};

/// Which operations of a document count as covered.
#[derive(Debug, Clone, Copy)]
pub enum Select<'a> {
    /// Every operation (our spec covers exactly what it lists).
    All,
    /// Operations carrying this tag (the published document has many more).
    Tag(&'a str),
}

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const SCALARS: [&str; 4] = ["string", "number", "integer", "boolean"];
const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// Keys that only explain things to people: never compared.
fn is_annotation(key: &str) -> bool {
    key.starts_with("x-")
        || matches!(
            key,
            "description" | "summary" | "title" | "example" | "examples" | "externalDocs" | "$comment" | "xml"
        )
}

pub fn normalize(doc: &Value, select: Select) -> Result<Contract, String> {
    let version = doc.get("openapi").and_then(Value::as_str).unwrap_or_default();
    if !version.starts_with("3.") {
        return Err(format!("not an OpenAPI 3 document (openapi: {version:?})"));
    }
    let mut n = Normalizer {
        doc,
        dialect_31: version.starts_with("3.1"),
        pending: Vec::new(),
        seen: BTreeSet::new(),
    };
    let mut contract = Contract {
        info_version: doc.pointer("/info/version").and_then(Value::as_str).map(str::to_owned),
        servers: doc
            .get("servers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|server| server.get("url").and_then(Value::as_str).map(str::to_owned))
            .collect(),
        security: security(doc, doc.get("security")),
        ..Contract::default()
    };
    let paths = doc.get("paths").and_then(Value::as_object).cloned().unwrap_or_default();
    for (path, item) in &paths {
        let item = n.resolve(item)?;
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            if selected(op, select) {
                let key = format!("{} {path}", method.to_uppercase());
                contract.operations.insert(key, n.operation(item, op)?);
            }
        }
    }
    // Reaching one schema can reach others: work until nothing new turns up.
    while let Some((name, pointer)) = n.pending.pop() {
        let target = n.lookup(&pointer)?;
        let shape = n.shape(target)?;
        contract.schemas.insert(name, shape);
    }
    Ok(contract)
}

fn selected(op: &Value, select: Select) -> bool {
    match select {
        Select::All => true,
        Select::Tag(tag) => op
            .get("tags")
            .and_then(Value::as_array)
            .is_some_and(|tags| tags.iter().any(|t| t == tag)),
    }
}

struct Normalizer<'a> {
    doc: &'a Value,
    /// 3.1 applies keywords beside a `$ref`; 3.0 tools ignore them.
    dialect_31: bool,
    /// Component schemas reached but not normalised yet: (name, pointer).
    pending: Vec<(String, String)>,
    seen: BTreeSet<String>,
}

impl<'a> Normalizer<'a> {
    fn lookup(&self, pointer: &str) -> Result<&'a Value, String> {
        let local = pointer
            .strip_prefix('#')
            .ok_or_else(|| format!("only local references are supported, found {pointer:?}"))?;
        self.doc
            .pointer(local)
            .ok_or_else(|| format!("unresolved reference {pointer:?}"))
    }

    /// Follows `$ref` chains of parameters, bodies, responses and path items.
    fn resolve(&self, mut node: &'a Value) -> Result<&'a Value, String> {
        for _ in 0..16 {
            match node.get("$ref").and_then(Value::as_str) {
                Some(pointer) => node = self.lookup(pointer)?,
                None => return Ok(node),
            }
        }
        Err("reference chain too long (a cycle?)".to_owned())
    }

    fn operation(&mut self, item: &'a Value, op: &'a Value) -> Result<Operation, String> {
        let mut out = Operation {
            operation_id: op.get("operationId").and_then(Value::as_str).map(str::to_owned),
            security: op.get("security").map(|list| security(self.doc, Some(list))),
            ..Operation::default()
        };
        // Operation-level parameters override path-level ones of the same key.
        for list in [item.get("parameters"), op.get("parameters")].into_iter().flatten() {
            for param in list.as_array().into_iter().flatten() {
                let (key, param) = self.parameter(param)?;
                out.parameters.insert(key, param);
            }
        }
        if let Some(body) = op.get("requestBody") {
            let body = self.resolve(body)?;
            out.request_body = Some(Body {
                required: body.get("required") == Some(&Value::Bool(true)),
                content: self.content(body)?,
            });
        }
        for (status, response) in op.get("responses").and_then(Value::as_object).into_iter().flatten() {
            let response = self.resolve(response)?;
            let content = self.content(response)?;
            if status == "default" || status.starts_with('4') || status.starts_with('5') {
                out.error_schemas.extend(content.values().map(shape_name));
            } else {
                out.responses.insert(
                    status.clone(),
                    Body {
                        required: false,
                        content,
                    },
                );
            }
        }
        Ok(out)
    }

    fn parameter(&mut self, param: &'a Value) -> Result<(String, Parameter), String> {
        let param = self.resolve(param)?;
        let text = |key: &str| param.get(key).and_then(Value::as_str).unwrap_or_default();
        let key = format!("{} {}", text("in"), text("name"));
        let mut out = Parameter {
            required: param.get("required") == Some(&Value::Bool(true)),
            schema: match param.get("schema") {
                Some(schema) => self.shape(schema)?,
                None => Shape::default(),
            },
            keywords: BTreeMap::new(),
        };
        for (k, v) in param.as_object().into_iter().flatten() {
            if !is_annotation(k) && !matches!(k.as_str(), "name" | "in" | "required" | "schema") {
                out.keywords.insert(k.clone(), v.clone());
            }
        }
        Ok((key, out))
    }

    fn content(&mut self, holder: &'a Value) -> Result<BTreeMap<String, Shape>, String> {
        let mut out = BTreeMap::new();
        for (media, entry) in holder.get("content").and_then(Value::as_object).into_iter().flatten() {
            let shape = match entry.get("schema") {
                Some(schema) => self.shape(schema)?,
                None => Shape::default(),
            };
            out.insert(media.clone(), shape);
        }
        Ok(out)
    }

    fn shape(&mut self, node: &'a Value) -> Result<Shape, String> {
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

/// Each required scheme as `name: type scheme` (or `name: apiKey in name`),
/// so a switch from bearer tokens to something else shows up.
fn security(doc: &Value, requirements: Option<&Value>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for requirement in requirements.and_then(Value::as_array).into_iter().flatten() {
        for name in requirement.as_object().into_iter().flatten().map(|(name, _)| name) {
            let scheme = doc.pointer(&format!("/components/securitySchemes/{name}"));
            let field = |key: &str| {
                scheme
                    .and_then(|s| s.get(key))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
            };
            let how = match field("type") {
                "http" => field("scheme").to_owned(),
                "apiKey" => format!("in {} {}", field("in"), field("name")),
                _ => String::new(),
            };
            out.insert(format!("{name}: {} {how}", field("type")).trim_end().to_owned());
        }
    }
    out
}

/// A component that is a bare string/number/... with no structure of its own.
fn is_scalar(target: &Value) -> bool {
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

/// How an error body is summarised: its schema's name, or its type.
fn shape_name(shape: &Shape) -> String {
    shape
        .reference
        .clone()
        .or_else(|| shape.ty.clone())
        .unwrap_or_else(|| "(untyped)".to_owned())
}

//! An OpenAPI 3.0 or 3.1 document (as JSON values) -> [`Contract`].
//!
//! The whole document counts: every operation of every tag, the 3.1
//! top-level `webhooks`, and every named schema they reach. A 3.0 document
//! (ours) keeps webhook payloads as plain components that no operation
//! reaches, so named non-scalar components that nothing reaches are taken in
//! too, on both sides alike.
//!
//! The 3.1 spellings are folded into one form so that the two dialects compare
//! equal when they mean the same: `type: [T, "null"]`, `null` inside `enum`,
//! `anyOf: [X, {type: null}]` and 3.0's `allOf: [X]` + `nullable` all become
//! "X, nullable"; `const` becomes a one-value enum. Named schemas that are
//! plain scalars (our hoisted FileType, VisualStyleType, ...) are inlined where
//! they are used, because the published document mostly writes those enums
//! inline. Annotations (`description`, `x-*` extensions, ...) never count.

mod schema;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::model::{Body, Contract, Operation, Parameter, Shape};
use schema::{is_annotation, is_scalar};

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const SCHEMA_PREFIX: &str = "#/components/schemas/";

pub fn normalize(doc: &Value) -> Result<Contract, String> {
    let version = doc.get("openapi").and_then(Value::as_str).unwrap_or_default();
    if !version.starts_with("3.") {
        return Err(format!("not an OpenAPI 3 document (openapi: {version:?})"));
    }
    let dialect_31 = version.starts_with("3.1");
    let mut n = Normalizer {
        doc,
        dialect_31,
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
        operations: n.operations(doc.get("paths"), |method, path| format!("{method} {path}"))?,
        ..Contract::default()
    };
    if dialect_31 {
        contract.webhooks = Some(n.operations(doc.get("webhooks"), |method, event| format!("{method} {event}"))?);
    }
    n.reach_orphans();
    // Reaching one schema can reach others: work until nothing new turns up.
    while let Some((name, pointer)) = n.pending.pop() {
        let target = n.lookup(&pointer)?;
        let shape = n.shape(target)?;
        contract.schemas.insert(name, shape);
    }
    Ok(contract)
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

    /// Every operation of a `paths` or `webhooks` map, keyed by `key(METHOD, name)`.
    fn operations(
        &mut self,
        items: Option<&'a Value>,
        key: impl Fn(&str, &str) -> String,
    ) -> Result<BTreeMap<String, Operation>, String> {
        let mut out = BTreeMap::new();
        for (name, item) in items.and_then(Value::as_object).into_iter().flatten() {
            let item = self.resolve(item)?;
            for method in METHODS {
                if let Some(op) = item.get(method) {
                    out.insert(key(&method.to_uppercase(), name), self.operation(item, op)?);
                }
            }
        }
        Ok(out)
    }

    /// Queues the named non-scalar components that nothing has reached yet.
    fn reach_orphans(&mut self) {
        let schemas = self.doc.pointer("/components/schemas").and_then(Value::as_object);
        for (name, schema) in schemas.into_iter().flatten() {
            if !is_scalar(schema) && self.seen.insert(name.clone()) {
                self.pending.push((name.clone(), format!("{SCHEMA_PREFIX}{name}")));
            }
        }
    }

    fn operation(&mut self, item: &'a Value, op: &'a Value) -> Result<Operation, String> {
        let mut out = Operation {
            operation_id: op.get("operationId").and_then(Value::as_str).map(str::to_owned),
            tags: op
                .get("tags")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            deprecated: op.get("deprecated") == Some(&Value::Bool(true)),
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
            // Error bodies differ by design (`default` there, `4XX`/`5XX` here).
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

/// How an error body is summarised: its schema's name, or its type.
fn shape_name(shape: &Shape) -> String {
    shape
        .reference
        .clone()
        .or_else(|| shape.ty.clone())
        .unwrap_or_else(|| "(untyped)".to_owned())
}

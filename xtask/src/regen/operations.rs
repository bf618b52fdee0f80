//! src/generated/operations.rs: the `Operation` enum and one row of facts per
//! operation (id, tag, method, path, parameters, bodies, retry class, paging),
//! so that the handwritten layer holds no per-operation tables.

use std::fmt::Write;

use serde_json::Value;

use super::{
    prepare::{ref_name, upper_first},
    Prepared,
};
use crate::spec::RETRY_EXT;

const METHODS: [&str; 5] = ["get", "post", "put", "delete", "patch"];

/// One operation as the table records it.
pub struct Row {
    pub id: String,
    pub variant: String,
    pub tag: String,
    pub method: String,
    pub path: String,
    pub path_params: Vec<String>,
    pub query_params: Vec<String>,
    pub body: Option<String>,
    pub response: Option<String>,
    pub status: u16,
    pub idempotent: bool,
    pub paged: bool,
    pub deprecated: bool,
}

pub fn rows(prepared: &Prepared) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    let paths = prepared
        .raw
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("the spec has no paths")?;
    let parameters = prepared.raw.pointer("/components/parameters");
    for (path, item) in paths {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let id = op
                .get("operationId")
                .and_then(Value::as_str)
                .ok_or_else(|| format!("{method} {path}: no operationId"))?;
            let (mut path_params, mut query_params) = (Vec::new(), Vec::new());
            for param in op.get("parameters").and_then(Value::as_array).into_iter().flatten() {
                let param = match param.get("$ref").and_then(Value::as_str) {
                    Some(r) => parameters
                        .and_then(|p| p.get(r.trim_start_matches("#/components/parameters/")))
                        .ok_or_else(|| format!("{id}: missing parameter {r}"))?,
                    None => param,
                };
                let name = param.get("name").and_then(Value::as_str).unwrap_or_default().to_owned();
                match param.get("in").and_then(Value::as_str) {
                    Some("path") => path_params.push(name),
                    Some("query") => query_params.push(name),
                    _ => {}
                }
            }
            let body = op
                .pointer("/requestBody/content/application~1json/schema")
                .and_then(ref_name)
                .map(str::to_owned);
            let (status, response) = op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .find(|(code, _)| code.starts_with('2'))
                .map(|(code, r)| {
                    let schema = r.pointer("/content/application~1json/schema").and_then(ref_name);
                    (code.parse().unwrap_or(200), schema.map(str::to_owned))
                })
                .ok_or_else(|| format!("{id}: no success response"))?;
            let paged = query_params.iter().any(|p| p == "cursor")
                && response
                    .as_deref()
                    .and_then(|r| prepared.schemas().get(r))
                    .is_some_and(|s| {
                        s.pointer("/properties/nextCursor").is_some() && s.pointer("/properties/hasMore").is_some()
                    });
            rows.push(Row {
                variant: upper_first(id),
                id: id.to_owned(),
                tag: op
                    .pointer("/tags/0")
                    .and_then(Value::as_str)
                    .unwrap_or("Default")
                    .to_owned(),
                method: method.to_uppercase(),
                path: path.clone(),
                path_params,
                query_params,
                body,
                response,
                status,
                idempotent: op.get(RETRY_EXT).and_then(Value::as_str) != Some("creates"),
                paged,
                deprecated: op.get("deprecated") == Some(&Value::Bool(true)),
            });
        }
    }
    Ok(rows)
}

pub fn generate(prepared: &Prepared) -> Result<String, String> {
    let rows = rows(prepared)?;
    let mut out = String::from(
        "use crate::operation::OperationInfo;\nuse crate::retry::Idempotency;\n\n\
         /// One operation of the VideoGen API (its `operationId`, in PascalCase).\n\
         #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]\n#[non_exhaustive]\npub enum Operation {\n",
    );
    for row in &rows {
        writeln!(
            out,
            "    #[doc = \"`{} {}` (`{}`)\"]\n    {},",
            row.method, row.path, row.id, row.variant
        )
        .unwrap();
    }
    out.push_str("}\n\nimpl Operation {\n");
    writeln!(
        out,
        "    /// How many operations the spec has.\n    pub const COUNT: usize = {};",
        rows.len()
    )
    .unwrap();
    out.push_str("    /// Every operation, in the spec's order.\n    pub const ALL: [Operation; Self::COUNT] = [\n");
    for row in &rows {
        writeln!(out, "        Operation::{},", row.variant).unwrap();
    }
    out.push_str("    ];\n}\n\n/// The facts of each operation, indexed by `Operation as usize`.\npub(crate) static TABLE: [OperationInfo; Operation::COUNT] = [\n");
    let list = |items: &[String]| items.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join(", ");
    let opt = |item: &Option<String>| item.as_ref().map_or("None".to_owned(), |s| format!("Some({s:?})"));
    for row in &rows {
        writeln!(
            out,
            "    OperationInfo {{\n        operation: Operation::{},\n        id: {:?},\n        tag: {:?},\n        method: http::Method::{},\n        path: {:?},\n        path_params: &[{}],\n        query_params: &[{}],\n        request_body: {},\n        response_body: {},\n        success_status: {},\n        idempotency: Idempotency::{},\n        paged: {},\n        deprecated: {},\n    }},",
            row.variant,
            row.id,
            row.tag,
            row.method,
            row.path,
            list(&row.path_params),
            list(&row.query_params),
            opt(&row.body),
            opt(&row.response),
            row.status,
            if row.idempotent { "Idempotent" } else { "CreatesResource" },
            row.paged,
            row.deprecated,
        )
        .unwrap();
    }
    out.push_str("];\n");
    Ok(out)
}

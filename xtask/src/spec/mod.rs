//! `cargo xtask spec`: the vendor's published document + our overlay ->
//! spec/openapi.yaml, the reviewed input of `cargo xtask regen`.
//!
//! The published document gives the structure (paths, names, types, bounds,
//! enum values). Its prose is dropped; descriptions come from
//! spec/overlay/descriptions/*.yaml, decisions from spec/overlay/overlay.yaml.
//! A new operation or field needs no overlay entry: it is carried over with
//! defaults, and the report lists what still lacks a description.

mod convert;
mod describe;
mod hoist;
mod overlay;

use std::{fs, process::ExitCode};

use serde_json::{json, Map, Value};

use crate::{
    source::{self, PUBLISHED_DEFAULT},
    workspace_root,
};
pub use overlay::Overlay;

pub const OUTPUT: &str = "spec/openapi.yaml";
const USAGE: &str = "usage: cargo xtask spec [--published PATH] [--check]";

/// The extension marking which POSTs are safe to repeat (`idempotent`) and
/// which create or start something (`creates`). Read by `regen`.
pub const RETRY_EXT: &str = "x-videogen-retry";
/// Marks a number that holds Unix seconds (regen maps it to `Timestamp`).
pub const UNIX_SECONDS_EXT: &str = "x-videogen-unix-seconds";
/// Marks an optional field where `null` is a value of its own.
pub const NULL_IS_VALUE_EXT: &str = "x-videogen-null-is-value";

pub fn run(args: &[String]) -> Result<ExitCode, String> {
    let mut check = false;
    let mut published = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--published" => published = Some(args.next().ok_or(USAGE)?.clone()),
            other => return Err(format!("unexpected argument {other:?}\n{USAGE}")),
        }
    }
    let root = workspace_root();
    let published = match published {
        Some(path) => source::load(&path)?,
        None => source::load(&root.join(PUBLISHED_DEFAULT).display().to_string())?,
    };
    let overlay = Overlay::load(&root.join("spec/overlay"))?;
    let (text, report) = derive(&published.value, &overlay, &published.sha256)?;
    for line in &report {
        eprintln!("note: {line}");
    }
    let path = root.join(OUTPUT);
    let committed = fs::read_to_string(&path).unwrap_or_default();
    if check {
        if committed == text {
            println!("{OUTPUT} is what the published document and the overlay give");
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!("{OUTPUT} differs from what `cargo xtask spec` derives; run it and commit the result");
        return Ok(ExitCode::FAILURE);
    }
    if committed != text {
        fs::write(&path, &text).map_err(|e| format!("writing {OUTPUT}: {e}"))?;
    }
    println!("wrote {OUTPUT} ({} lines)", text.lines().count());
    Ok(ExitCode::SUCCESS)
}

/// The whole derivation, a pure function of its inputs. Returns the YAML text
/// and notes for the maintainer (missing descriptions and the like).
pub fn derive(published: &Value, overlay: &Overlay, published_sha: &str) -> Result<(String, Vec<String>), String> {
    let mut notes = Vec::new();
    let mut schemas = published
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
        .ok_or("the published document has no components.schemas")?;
    let mut parameters = published
        .pointer("/components/parameters")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();

    // Prose out, 3.1 spellings folded into 3.0 ones.
    for schema in schemas.values_mut().chain(parameters.values_mut()) {
        convert::strip_prose(schema);
        convert::to_openapi_30(schema);
    }
    hoist::mark_properties(&mut schemas, overlay);
    hoist::hoist_enums(&mut schemas, &mut parameters, overlay, &mut notes)?;
    describe::schemas(&mut schemas, overlay, &mut notes);
    describe::parameters(&mut parameters, overlay, &mut notes);

    let mut paths = Map::new();
    let published_paths = published
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("the published document has no paths")?;
    for (path, item) in published_paths {
        let mut out = Map::new();
        for (method, op) in item.as_object().into_iter().flatten() {
            out.insert(method.clone(), operation(method, op, overlay, &mut notes)?);
        }
        paths.insert(path.clone(), Value::Object(out));
    }

    let tags: Vec<Value> = published
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|tag| tag.get("name").and_then(Value::as_str))
        .filter(|name| overlay.tags.contains_key(*name))
        .map(|name| json!({"name": name, "description": overlay.tags[name]}))
        .collect();
    let version = published.pointer("/info/version").cloned().unwrap_or(json!("0"));
    let servers: Vec<Value> = published
        .get("servers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|s| s.get("url").cloned())
        .map(|url| json!({ "url": url }))
        .collect();

    let doc = json!({
        "openapi": "3.0.3",
        "info": {
            "title": overlay.info.title,
            "version": version,
            "description": overlay.info.description,
        },
        "servers": servers,
        "security": [{"bearerAuth": []}],
        "tags": tags,
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The account's API key, sent as a bearer token.",
                }
            },
            "parameters": parameters,
            "responses": {
                "Error": {
                    "description": "The request failed; the body says why.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}},
                }
            },
            "schemas": schemas,
        },
    });
    let yaml = serde_yaml_ng::to_string(&doc).map_err(|e| format!("writing YAML: {e}"))?;
    let header = format!(
        "# The VideoGen API contract this crate is generated from: OpenAPI 3.0.3.\n\
         # @generated by `cargo xtask spec` from the vendor's published document\n\
         # (sha256 {published_sha}) and spec/overlay/. Structure is theirs, every\n\
         # description ours. Change the overlay, not this file, then run\n\
         # `cargo xtask spec && cargo xtask regen`.\n"
    );
    Ok((header + &yaml, notes))
}

/// One operation: structure kept, prose replaced, `default` errors split
/// into 4XX/5XX (progenitor cannot take `default`), retry class recorded.
fn operation(method: &str, op: &Value, overlay: &Overlay, notes: &mut Vec<String>) -> Result<Value, String> {
    let id = op
        .get("operationId")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("a {method} operation has no operationId"))?;
    let text = overlay.operations.get(id);
    if text.is_none() {
        notes.push(format!(
            "operation {id} has no description in spec/overlay/descriptions"
        ));
    }
    let mut out = Map::new();
    if let Some(tags) = op.get("tags") {
        out.insert("tags".into(), tags.clone());
    }
    out.insert("operationId".into(), json!(id));
    if let Some(text) = text {
        out.insert("summary".into(), json!(text.summary));
        out.insert("description".into(), json!(text.description));
    }
    if op.get("deprecated") == Some(&Value::Bool(true)) {
        out.insert("deprecated".into(), json!(true));
    }
    let class = match method {
        "get" | "head" | "delete" | "put" | "options" => "idempotent",
        _ if overlay.idempotent_posts.iter().any(|p| p == id) => "idempotent",
        _ => "creates",
    };
    out.insert(RETRY_EXT.into(), json!(class));
    if let Some(params) = op.get("parameters").and_then(Value::as_array) {
        let params: Vec<Value> = params
            .iter()
            .map(|p| {
                let mut p = p.clone();
                convert::strip_prose(&mut p);
                convert::to_openapi_30(&mut p);
                p
            })
            .collect();
        out.insert("parameters".into(), json!(params));
    }
    if let Some(body) = op.get("requestBody") {
        let mut body = body.clone();
        convert::strip_prose(&mut body);
        out.insert("requestBody".into(), body);
    }
    let mut responses = Map::new();
    for (code, response) in op.get("responses").and_then(Value::as_object).into_iter().flatten() {
        if code == "default" || code.starts_with('4') || code.starts_with('5') {
            continue;
        }
        let mut response = response.clone();
        convert::strip_prose(&mut response);
        let said = text.map(|t| t.response.clone()).filter(|r| !r.is_empty());
        let mut described = Map::new();
        described.insert("description".into(), json!(said.unwrap_or_else(|| "Success.".into())));
        if let Some(content) = response.get("content") {
            described.insert("content".into(), content.clone());
        }
        responses.insert(code.clone(), Value::Object(described));
    }
    for code in ["4XX", "5XX"] {
        responses.insert(code.into(), json!({"$ref": "#/components/responses/Error"}));
    }
    out.insert("responses".into(), Value::Object(responses));
    Ok(Value::Object(out))
}

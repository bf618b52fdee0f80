//! Request validation against the spec's structure (`spec.json`, derived
//! from `spec/openapi.yaml` by `tests/spec_extract.rs`): the fake accepts
//! exactly what the document allows and answers everything else with the
//! documented `ApiError` 400.
//!
//! Bodies are checked as JSON, then normalised (an integer written `53.0`
//! becomes `53`) so that the `videogen` request types read them.

use std::{collections::HashMap, sync::OnceLock};

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use videogen::Operation;

use crate::store::Reject;

/// The parsed `spec.json`.
struct Spec {
    schemas: Map<String, Value>,
    operations: HashMap<String, OperationSpec>,
}

struct OperationSpec {
    query: Vec<(String, bool, Value)>,
    body_required: bool,
}

fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| {
        let raw: Value = serde_json::from_str(include_str!("spec.json")).expect("spec.json is valid JSON");
        let schemas = raw["schemas"].as_object().cloned().unwrap_or_default();
        let operations = raw["operations"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(id, op)| {
                let query = op["query"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(name, p)| (name.clone(), p["required"] == Value::Bool(true), p["schema"].clone()))
                    .collect();
                let body_required = op["bodyRequired"] == Value::Bool(true);
                (id.clone(), OperationSpec { query, body_required })
            })
            .collect();
        Spec { schemas, operations }
    })
}

/// Parses and checks the request body of `op` into its `videogen` type.
/// An absent body is `None` when the operation allows that.
pub(crate) fn body<T: DeserializeOwned>(op: Operation, raw: &[u8]) -> Result<Option<T>, Reject> {
    let info = op.info();
    let Some(schema_name) = info.request_body else {
        return Ok(None);
    };
    let required = spec().operations.get(info.id).is_none_or(|o| o.body_required);
    if raw.iter().all(u8::is_ascii_whitespace) {
        return if required {
            Err(Reject::bad_request("a JSON request body is required"))
        } else {
            Ok(None)
        };
    }
    let mut value: Value =
        serde_json::from_slice(raw).map_err(|e| Reject::bad_request(format!("the request body is not JSON: {e}")))?;
    let schema = serde_json::json!({ "$ref": format!("#/components/schemas/{schema_name}") });
    check(&schema, &mut value, "body").map_err(Reject::bad_request)?;
    serde_json::from_value(value)
        .map(Some)
        .map_err(|e| Reject::bad_request(format!("invalid request body: {e}")))
}

/// The query parameters of `op`, checked against their schemas; values are
/// returned as sent (an empty value counts as given).
pub(crate) fn query(op: Operation, raw: Option<&str>) -> Result<Query, Reject> {
    if op.info().query_params.is_empty() {
        return Ok(Query::default());
    }
    let mut given: HashMap<String, String> = HashMap::new();
    for (key, value) in form_urlencoded(raw.unwrap_or_default()) {
        given.insert(key, value);
    }
    let mut out = Query::default();
    let Some(op_spec) = spec().operations.get(op.id()) else {
        return Ok(out);
    };
    for (name, required, schema) in &op_spec.query {
        let Some(text) = given.get(name) else {
            if *required {
                return Err(Reject::bad_request(format!("query parameter {name} is required")));
            }
            continue;
        };
        let mut value = from_query(schema, text);
        check(schema, &mut value, name).map_err(Reject::bad_request)?;
        out.values.insert(name.clone(), value);
    }
    Ok(out)
}

/// Checked query parameters.
#[derive(Debug, Default)]
pub(crate) struct Query {
    values: HashMap<String, Value>,
}

impl Query {
    pub fn str(&self, name: &str) -> Option<&str> {
        self.values.get(name).and_then(Value::as_str)
    }

    pub fn bool(&self, name: &str) -> bool {
        self.values.get(name).and_then(Value::as_bool).unwrap_or(false)
    }

    pub fn u64(&self, name: &str) -> Option<u64> {
        self.values.get(name).and_then(Value::as_u64)
    }

    /// `limit` (default 50) and `cursor` (an empty one counts as none).
    pub fn page(&self) -> (usize, Option<&str>) {
        let limit = self.u64("limit").map_or(50, |n| n as usize);
        (limit, self.str("cursor").filter(|c| !c.is_empty()))
    }
}

fn form_urlencoded(raw: &str) -> impl Iterator<Item = (String, String)> + '_ {
    raw.split('&').filter(|p| !p.is_empty()).map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (decode(k), decode(v))
    })
}

fn decode(raw: &str) -> String {
    let spaced = raw.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8_lossy()
        .into_owned()
}

/// A query string value as the JSON value its schema expects, when it reads as one.
fn from_query(schema: &Value, text: &str) -> Value {
    let schema = resolve(schema);
    match schema.get("type").and_then(Value::as_str) {
        Some("integer" | "number") => text
            .parse::<serde_json::Number>()
            .ok()
            .filter(|_| !text.starts_with('+'))
            .map(Value::Number)
            .unwrap_or_else(|| Value::String(text.to_owned())),
        Some("boolean") => match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::String(text.to_owned()),
        },
        _ => Value::String(text.to_owned()),
    }
}

fn resolve(schema: &Value) -> &Value {
    let mut schema = schema;
    for _ in 0..16 {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => match r
                .strip_prefix("#/components/schemas/")
                .and_then(|n| spec().schemas.get(n))
            {
                Some(target) => schema = target,
                None => break,
            },
            None => break,
        }
    }
    schema
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Checks `value` against `schema` (the OpenAPI 3.0 subset the spec uses),
/// normalising integral numbers in place. The error names the JSON path.
fn check(schema: &Value, value: &mut Value, path: &str) -> Result<(), String> {
    if let Some(target) = schema.get("$ref") {
        let name = target.as_str().and_then(|r| r.strip_prefix("#/components/schemas/"));
        let Some(target) = name.and_then(|n| spec().schemas.get(n)) else {
            return Ok(());
        };
        return check(target, value, path);
    }
    if value.is_null() {
        if schema.get("nullable") == Some(&Value::Bool(true)) {
            return Ok(());
        }
        let constrained = ["type", "allOf", "oneOf", "anyOf", "enum", "properties"]
            .iter()
            .any(|k| schema.get(*k).is_some());
        return if constrained {
            Err(format!("{path} must not be null"))
        } else {
            Ok(())
        };
    }
    for sub in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        check(sub, value, path)?;
    }
    if let Some(branches) = schema.get("oneOf").and_then(Value::as_array) {
        check_one_of(schema, branches, value, path)?;
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => {
            let Value::String(text) = value else {
                return Err(format!("{path} must be a string, not {}", describe(value)));
            };
            let chars = text.chars().count() as u64;
            if let Some(min) = schema.get("minLength").and_then(Value::as_u64) {
                if chars < min {
                    return Err(format!("{path} must be at least {min} characters long"));
                }
            }
            if let Some(max) = schema.get("maxLength").and_then(Value::as_u64) {
                if chars > max {
                    return Err(format!("{path} must be at most {max} characters long"));
                }
            }
            if schema.get("format").and_then(Value::as_str) == Some("uri") && !is_uri(text) {
                return Err(format!("{path} must be an absolute URI"));
            }
        }
        Some("integer") => {
            integral(value).ok_or_else(|| format!("{path} must be an integer, not {value}"))?;
            bounds(schema, value, path)?;
        }
        Some("number") => {
            if !value.is_number() {
                return Err(format!("{path} must be a number, not {}", describe(value)));
            }
            bounds(schema, value, path)?;
        }
        Some("boolean") if !value.is_boolean() => {
            return Err(format!("{path} must be true or false, not {}", describe(value)));
        }
        Some("array") => {
            let Value::Array(items) = value else {
                return Err(format!("{path} must be an array, not {}", describe(value)));
            };
            let len = items.len() as u64;
            if let Some(min) = schema.get("minItems").and_then(Value::as_u64) {
                if len < min {
                    return Err(format!("{path} must have at least {min} items"));
                }
            }
            if let Some(max) = schema.get("maxItems").and_then(Value::as_u64) {
                if len > max {
                    return Err(format!("{path} must have at most {max} items"));
                }
            }
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter_mut().enumerate() {
                    check(item_schema, item, &format!("{path}[{i}]"))?;
                }
            }
        }
        Some("object") => {
            let Value::Object(fields) = value else {
                return Err(format!("{path} must be an object, not {}", describe(value)));
            };
            for name in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
                let name = name.as_str().unwrap_or_default();
                if !fields.contains_key(name) {
                    return Err(format!("{path}.{name} is required"));
                }
            }
            if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                for (name, field) in fields.iter_mut() {
                    if let Some(field_schema) = properties.get(name) {
                        check(field_schema, field, &format!("{path}.{name}"))?;
                    }
                }
            }
        }
        _ => {}
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        let same = |a: &Value| match (a.as_f64(), value.as_f64()) {
            (Some(x), Some(y)) => x == y,
            _ => a == value,
        };
        if !allowed.iter().any(same) {
            let listed: Vec<String> = allowed.iter().map(Value::to_string).collect();
            return Err(format!("{path} must be one of {}, not {value}", listed.join(", ")));
        }
    }
    Ok(())
}

fn check_one_of(schema: &Value, branches: &[Value], value: &mut Value, path: &str) -> Result<(), String> {
    if let Some(discriminator) = schema.get("discriminator") {
        let property = discriminator["propertyName"].as_str().unwrap_or("type");
        let Some(tag) = value.get(property).and_then(Value::as_str).map(str::to_owned) else {
            if !value.is_object() {
                return Err(format!("{path} must be an object, not {}", describe(value)));
            }
            return Err(format!("{path}.{property} is required"));
        };
        let Some(target) = discriminator["mapping"].get(&tag) else {
            let known: Vec<&str> = discriminator["mapping"]
                .as_object()
                .map(|m| m.keys().map(String::as_str).collect())
                .unwrap_or_default();
            return Err(format!(
                "{path}.{property} must be one of {}, not {tag:?}",
                known.join(", ")
            ));
        };
        return check(&serde_json::json!({ "$ref": target }), value, path);
    }
    let mut matched = Vec::new();
    let mut last_error = String::new();
    for branch in branches {
        let mut candidate = value.clone();
        match check(branch, &mut candidate, path) {
            Ok(()) => matched.push(candidate),
            Err(e) => last_error = e,
        }
    }
    match matched.len() {
        1 => {
            *value = matched.remove(0);
            Ok(())
        }
        0 => Err(last_error),
        _ => Err(format!("{path} matches more than one of its alternatives")),
    }
}

/// Rewrites an integral JSON number as an integer (`53.0` -> `53`; values past
/// the 64-bit range are clamped, which no field of the fake depends on).
fn integral(value: &mut Value) -> Option<()> {
    let number = value.as_number()?;
    if number.is_i64() || number.is_u64() {
        return Some(());
    }
    let float = number.as_f64()?;
    if !float.is_finite() || float.fract() != 0.0 {
        return None;
    }
    *value = if float >= u64::MAX as f64 {
        Value::from(u64::MAX)
    } else if float >= 0.0 {
        Value::from(float as u64)
    } else if float <= i64::MIN as f64 {
        Value::from(i64::MIN)
    } else {
        Value::from(float as i64)
    };
    Some(())
}

fn bounds(schema: &Value, value: &Value, path: &str) -> Result<(), String> {
    let Some(number) = value.as_f64() else {
        return Ok(());
    };
    // Integers past 2^53 compare approximately; bounds in the spec are small.
    if let Some(min) = schema.get("minimum").and_then(Value::as_f64) {
        let below = match (value.as_i64(), value.as_u64()) {
            (Some(i), _) => (i as f64) < min,
            (None, Some(_)) => false,
            _ => number < min,
        };
        if below {
            return Err(format!("{path} must be at least {min}, not {value}"));
        }
    }
    if let Some(max) = schema.get("maximum").and_then(Value::as_f64) {
        let above = match (value.as_u64(), value.as_i64()) {
            (Some(u), _) => (u as f64) > max,
            (None, Some(_)) => false,
            _ => number > max,
        };
        if above {
            return Err(format!("{path} must be at most {max}, not {value}"));
        }
    }
    Ok(())
}

/// An RFC 3986 URI: `scheme ":" hier-part ["?" query] ["#" fragment]`,
/// with the authority (user info, host, port) and IP literals checked, as
/// JSON Schema's `uri` format asks.
pub(crate) fn is_uri(text: &str) -> bool {
    fn unreserved(c: u8) -> bool {
        c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~')
    }
    fn sub_delim(c: u8) -> bool {
        b"!$&'()*+,;=".contains(&c)
    }
    /// Every byte is allowed by `ok` or starts a well-formed `%XX`.
    fn chars(text: &str, ok: impl Fn(u8) -> bool) -> bool {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                let hex = |j: usize| bytes.get(j).is_some_and(u8::is_ascii_hexdigit);
                if !(hex(i + 1) && hex(i + 2)) {
                    return false;
                }
                i += 3;
            } else if ok(bytes[i]) {
                i += 1;
            } else {
                return false;
            }
        }
        true
    }
    let pchar = |c: u8| unreserved(c) || sub_delim(c) || c == b':' || c == b'@';
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    let mut scheme_bytes = scheme.bytes();
    if !(scheme_bytes.next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme_bytes.all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.')))
    {
        return false;
    }
    let (rest, fragment) = rest.split_once('#').unwrap_or((rest, ""));
    let (hier, query) = rest.split_once('?').unwrap_or((rest, ""));
    let query_ok = |q: &str| chars(q, |c| pchar(c) || c == b'/' || c == b'?');
    if !query_ok(fragment) || !query_ok(query) {
        return false;
    }
    let Some(after) = hier.strip_prefix("//") else {
        return chars(hier, |c| pchar(c) || c == b'/');
    };
    let (authority, path) = match after.find('/') {
        Some(at) => after.split_at(at),
        None => (after, ""),
    };
    if !chars(path, |c| pchar(c) || c == b'/') {
        return false;
    }
    let (userinfo, host_port) = match authority.split_once('@') {
        Some((user, host)) => (user, host),
        None => ("", authority),
    };
    if !chars(userinfo, |c| unreserved(c) || sub_delim(c) || c == b':') {
        return false;
    }
    let (host, port) = if let Some(literal) = host_port.strip_prefix('[') {
        let Some((inside, after)) = literal.split_once(']') else {
            return false;
        };
        let ip_ok = inside.parse::<std::net::Ipv6Addr>().is_ok()
            || inside
                .strip_prefix(['v', 'V'])
                .and_then(|f| f.split_once('.'))
                .is_some_and(|(hex, tail)| {
                    !hex.is_empty()
                        && hex.bytes().all(|c| c.is_ascii_hexdigit())
                        && !tail.is_empty()
                        && tail.bytes().all(|c| unreserved(c) || sub_delim(c) || c == b':')
                });
        if !ip_ok {
            return false;
        }
        match after.strip_prefix(':') {
            Some(port) => ("", port),
            None if after.is_empty() => ("", ""),
            None => return false,
        }
    } else {
        host_port.split_once(':').unwrap_or((host_port, ""))
    };
    chars(host, |c| unreserved(c) || sub_delim(c)) && port.bytes().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use videogen::types::{CreateFileUploadRequest, GenerateImageRequest, SearchFilesRequest};

    #[test]
    fn what_the_document_allows_is_accepted() {
        let search: SearchFilesRequest = body(Operation::SearchFiles, br#"{"query":"fox","numResults":53.0}"#)
            .unwrap()
            .unwrap();
        assert_eq!(search.num_results.get(), 53);
        let upload: CreateFileUploadRequest = body(Operation::CreateFileUpload, br#"{"displayName":""}"#)
            .unwrap()
            .unwrap();
        assert_eq!(upload.display_name, "");
        let export: Option<videogen::types::ExportProjectRequest> = body(Operation::ExportProject, b"").unwrap();
        assert!(export.is_none());
        let q = query(Operation::GetFiles, Some("cursor=&limit=53.0")).unwrap();
        assert_eq!(q.page(), (53, None));
    }

    #[test]
    fn what_it_does_not_allow_is_a_400() {
        let cases: &[(Operation, &str)] = &[
            (Operation::SearchFiles, r#"{"query":""}"#),
            (Operation::SearchFiles, r#"{"query":"a","numResults":101}"#),
            (Operation::SearchFiles, r#"{"query":"a","numResults":1.5}"#),
            (Operation::SearchFiles, r#"{"query":"a","selfOnly":null}"#),
            (Operation::CreateFileUpload, r#"{"displayName":"a","type":"LOTTIE"}"#),
            (Operation::GenerateImage, r#"{"prompt":"a"}"#),
            (
                Operation::GenerateImage,
                r#"{"prompt":"a","quality":"LOW","imageFileIds":["1","2","3","4","5"]}"#,
            ),
            (Operation::RemixProject, r#"{"remixActions":[{"type":"NOPE"}]}"#),
            (Operation::RemixProject, r#"{"remixActions":[]}"#),
            (
                Operation::CreateWebhookEndpoint,
                r#"{"url":"not a uri","events":["file.upload.completed"]}"#,
            ),
            (Operation::GenerateText, "[]"),
            (Operation::GenerateText, ""),
        ];
        for (op, raw) in cases {
            let result = body::<serde_json::Value>(*op, raw.as_bytes());
            assert!(result.is_err(), "{op:?} {raw} was accepted");
        }
        let accepted: Result<Option<GenerateImageRequest>, _> =
            body(Operation::GenerateImage, br#"{"prompt":"a","quality":"LOW","extra":1}"#);
        assert!(accepted.is_ok());
        for raw in ["limit=0", "limit=201", "limit=abc", "limit=1.5", "limit=+5"] {
            assert!(query(Operation::GetFiles, Some(raw)).is_err(), "{raw}");
        }
        assert!(query(Operation::ListEntities, Some("entityType=NOPE")).is_err());
        assert!(query(Operation::ListProjects, Some("selfOnly=yes")).is_err());
        assert!(query(Operation::ListProjects, Some("selfOnly=true&includeUiProjects=false")).is_ok());
    }

    #[test]
    fn uris_are_read_as_rfc_3986_says() {
        // Verdicts of the `uri` format checker Schemathesis validates with.
        let cases: &[(&str, bool)] = &[
            ("a:b", true),
            ("http://x", true),
            ("a:", true),
            ("https://example.com/a b", false),
            ("https://ex.com/%zz", false),
            ("https://ex.com/%41", true),
            ("http://[::1]/", true),
            ("http://[::1", false),
            ("a:é", false),
            ("a:[", false),
            ("a:]", false),
            ("a:#a#b", false),
            ("a:?x#y", true),
            ("A+1-.:x", true),
            ("1a:b", false),
            ("http://a:b@c:99999/", true),
            ("http://a:xyz/", false),
            ("mailto:a@b", true),
            ("a:{}", false),
            ("http://a/b?c=%", false),
            ("a://", true),
            ("a:/a//b", true),
            ("a://[v1.x]/", true),
            ("a://[1.2.3.4]", false),
            ("a://1.2.3.4:80", true),
            ("a://h_o~st!$&'()*+,;=", true),
            ("a://[::ffff:1.2.3.4]", true),
            ("a://[zz::1]", false),
            ("no scheme", false),
        ];
        for (text, valid) in cases {
            assert_eq!(is_uri(text), *valid, "{text:?}");
        }
    }
}

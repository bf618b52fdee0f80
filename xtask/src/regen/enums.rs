//! src/generated/enums.rs: one open enum per string-enum schema, through the
//! `open_enum!` macro of src/enums.rs (unknown values are kept as sent).

use std::fmt::Write;

use serde_json::Value;

use super::{settings::string_enums, Prepared};

pub fn generate(prepared: &Prepared) -> Result<String, String> {
    let mut out = String::from("use crate::enums::open_enum;\n");
    for name in string_enums(prepared) {
        let schema = &prepared.schemas()[&name];
        let values: Vec<&str> = schema
            .get("enum")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let doc = schema
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or("A value of the API.");
        // The default, when the spec gives one, names a variant: a typo in the
        // spec fails the build of the generated code rather than passing.
        let default = match schema.get("default") {
            Some(Value::String(value)) => format!(" default {}", variant_name(value)),
            Some(other) => return Err(format!("enum {name}: default {other} is not a string")),
            None => String::new(),
        };
        writeln!(out, "\nopen_enum! {{\n    #[doc = {doc:?}]\n    {name}{default} {{").unwrap();
        let mut seen = Vec::new();
        for value in values {
            let variant = variant_name(value);
            if seen.contains(&variant) {
                return Err(format!("enum {name}: two values map to the variant {variant}"));
            }
            writeln!(out, "        #[doc = \"`{value}`\"]\n        {variant} => {value:?},").unwrap();
            seen.push(variant);
        }
        out.push_str("    }\n}\n");
    }
    Ok(out)
}

/// `IMAGE` -> `Image`, `tool_execution.succeeded` -> `ToolExecutionSucceeded`,
/// `1080p` -> `V1080p`.
pub fn variant_name(value: &str) -> String {
    let mut out = String::new();
    for word in value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    out
}

//! src/generated/builders.rs: for every type that goes into a request,
//! `new(required..)` and one chained setter per other field, read off the
//! structs progenitor generated (so the Rust types always match).
//!
//! A required field with a published default (`quality`) takes that default
//! in `new`; a union's tag field is filled in; optional fields start absent.

use std::{collections::BTreeSet, fmt::Write};

use quote::ToTokens;
use serde_json::Value;

use super::{enums::variant_name, prepare::ref_name, settings::string_enums, Prepared};

/// Names of every type in the generated `types` module.
pub fn type_names(file: &syn::File) -> Vec<String> {
    types_items(file)
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect()
}

fn types_items(file: &syn::File) -> &[syn::Item] {
    file.items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, items)| items.as_slice()),
            _ => None,
        })
        .unwrap_or_default()
}

/// Component schemas reachable from request bodies.
fn request_types(prepared: &Prepared) -> BTreeSet<String> {
    let mut todo: Vec<String> = Vec::new();
    let find_refs = |value: &Value, todo: &mut Vec<String>| {
        fn walk(value: &Value, todo: &mut Vec<String>) {
            match value {
                Value::Object(map) => {
                    if let Some(name) = ref_name(value) {
                        todo.push(name.to_owned());
                    }
                    map.values().for_each(|v| walk(v, todo));
                }
                Value::Array(items) => items.iter().for_each(|v| walk(v, todo)),
                _ => {}
            }
        }
        walk(value, todo)
    };
    for item in prepared
        .raw
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for op in item.1.as_object().into_iter().flatten() {
            if let Some(body) = op.1.get("requestBody") {
                find_refs(body, &mut todo);
            }
        }
    }
    let mut seen = BTreeSet::new();
    while let Some(name) = todo.pop() {
        if seen.insert(name.clone()) {
            if let Some(schema) = prepared.schemas().get(&name) {
                find_refs(schema, &mut todo);
            }
        }
    }
    seen
}

pub fn generate(prepared: &Prepared, file: &syn::File) -> Result<String, String> {
    let items = types_items(file);
    let wanted = request_types(prepared);
    let open_enums = string_enums(prepared);
    // Enums with a single variant (union tags): their one value.
    let single = |ty: &str| {
        items.iter().find_map(|item| match item {
            syn::Item::Enum(e) if e.ident == ty && e.variants.len() == 1 => {
                Some(format!("{ty}::{}", e.variants[0].ident))
            }
            _ => None,
        })
    };
    let mut out = String::from("use super::types::*;\n");
    for item in items {
        let syn::Item::Struct(s) = item else { continue };
        let name = s.ident.to_string();
        if !wanted.contains(&name) {
            continue;
        }
        let syn::Fields::Named(fields) = &s.fields else {
            continue;
        };
        let schema = &prepared.schemas()[&name];
        let (mut args, mut inits, mut setters) = (Vec::new(), Vec::new(), Vec::new());
        let order = |wire: &str| {
            schema
                .get("required")
                .and_then(Value::as_array)
                .and_then(|r| r.iter().position(|v| v.as_str() == Some(wire)))
                .unwrap_or(usize::MAX)
        };
        for field in &fields.named {
            let ident = field.ident.as_ref().expect("named").to_string();
            let ty = field.ty.to_token_stream().to_string().replace(' ', "");
            let wire = serde_rename(field).unwrap_or_else(|| ident.trim_end_matches('_').to_owned());
            let property = schema.pointer(&format!("/properties/{wire}"));
            let has_serde_default = serde_attr(field).contains("default");
            let required = schema
                .get("required")
                .and_then(Value::as_array)
                .is_some_and(|r| r.iter().any(|v| v.as_str() == Some(&wire)));
            let doc = property
                .and_then(|p| p.get("description"))
                .and_then(Value::as_str)
                .unwrap_or("Sets this field.");
            let setter_ty = option_inner(&ty).unwrap_or(&ty).to_owned();
            let is_option = option_inner(&ty).is_some();
            if let Some(value) = single(&ty) {
                inits.push(format!("{ident}: {value}"));
                continue;
            }
            let default = property.and_then(|p| p.get("default"));
            if is_option {
                inits.push(format!("{ident}: None"));
            } else if let Some(default) = default {
                inits.push(format!("{ident}: {}", default_expr(&ty, default, &open_enums)?));
            } else if has_serde_default {
                inits.push(format!("{ident}: Default::default()"));
            } else if required {
                let (arg_ty, convert) = accept(&ty, &ident);
                args.push((order(&wire), format!("{ident}: {arg_ty}")));
                inits.push(format!("{ident}: {convert}"));
                continue;
            } else {
                return Err(format!(
                    "{name}.{ident}: an optional field of type {ty} without a default"
                ));
            }
            let (value_ty, convert) = accept(&setter_ty, "value");
            let store = if is_option { format!("Some({convert})") } else { convert };
            setters.push(format!(
                "    #[doc = {doc:?}]\n    pub fn {setter}(mut self, value: {value_ty}) -> Self {{\n        self.{ident} = {store};\n        self\n    }}\n",
                setter = if ident == "new" { "new_" } else { &ident },
            ));
        }
        writeln!(
            out,
            "\nimpl {name} {{\n    /// A value with the required fields; set others with the chained setters.\n    \
             #[allow(clippy::new_without_default, clippy::too_many_arguments)]\n    pub fn new({}) -> Self {{\n        {name} {{ {} }}\n    }}\n\n{}}}",
            {
                args.sort_by_key(|(position, _)| *position);
                args.into_iter().map(|(_, arg)| arg).collect::<Vec<_>>().join(", ")
            },
            inits.join(", "),
            setters.join("\n"),
        )
        .unwrap();
    }
    Ok(out)
}

/// The parameter type a builder takes for a field type, and the expression
/// that stores `name`. `NonZero` counts take a plain integer: 0 becomes 1,
/// the smallest value the API accepts, so that `new(16, 9)` reads naturally.
fn accept(ty: &str, name: &str) -> (String, String) {
    match ty {
        "::std::num::NonZeroU64" => ("u64".into(), format!("{ty}::new({name}).unwrap_or({ty}::MIN)")),
        _ => (format!("impl Into<{ty}>"), format!("{name}.into()")),
    }
}

/// `Option<T>` -> `T`, from the token text of a type.
fn option_inner(ty: &str) -> Option<&str> {
    ty.strip_prefix("::std::option::Option<")?.strip_suffix('>')
}

fn serde_attr(field: &syn::Field) -> String {
    field
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .map(|a| a.to_token_stream().to_string())
        .collect()
}

fn serde_rename(field: &syn::Field) -> Option<String> {
    let attr = serde_attr(field);
    let start = attr.find("rename = \"")? + "rename = \"".len();
    Some(attr[start..].split('"').next()?.to_owned())
}

/// A Rust expression for a published default of a required field.
fn default_expr(ty: &str, default: &Value, open_enums: &[String]) -> Result<String, String> {
    let enum_name = ty.rsplit("::").next().unwrap_or(ty);
    match default {
        Value::String(s) if open_enums.iter().any(|e| e == enum_name) => Ok(format!("{ty}::{}", variant_name(s))),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) if ty == "f64" => Ok(format!("{n}_f64")),
        Value::Number(n) if ty.starts_with("::std::num::NonZero") => Ok(format!("const {{ {ty}::new({n}).unwrap() }}")),
        Value::Number(n) if ty.starts_with("i") || ty.starts_with("u") => Ok(n.to_string()),
        _ => Err(format!(
            "no Rust expression for the default {default} of a {ty}; extend default_expr"
        )),
    }
}

//! src/generated/paging.rs: for each cursor-paged list operation, a query
//! type with the operation's own options, its `Paged` impl (which generated
//! method to call, which field holds the items), and the options' setters on
//! `ListRequest`. The paging itself (limits, cursors, the stream and its loop
//! guards) is handwritten once in src/runtime/paging.rs.

use std::fmt::Write;

use quote::ToTokens;
use serde_json::Value;

use super::{operations::Row, prepare::upper_first, Prepared};

/// The generated method of an operation, by name.
fn method<'a>(file: &'a syn::File, name: &str) -> Option<&'a syn::ImplItemFn> {
    file.items.iter().find_map(|item| match item {
        syn::Item::Impl(block) => block.items.iter().find_map(|i| match i {
            syn::ImplItem::Fn(f) if f.sig.ident == name => Some(f),
            _ => None,
        }),
        _ => None,
    })
}

fn snake(id: &str) -> String {
    let mut out = String::new();
    for (i, c) in id.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

pub fn generate(prepared: &Prepared, file: &syn::File, rows: &[Row]) -> Result<String, String> {
    let mut out = String::from(
        "use super::{operations::Operation, types, Client, Error, ResponseValue};\n\
         use crate::runtime::paging::{ListRequest, Paged};\n",
    );
    let parameters = prepared.raw.pointer("/components/parameters");
    for row in rows.iter().filter(|r| r.paged) {
        let fn_name = snake(&row.id);
        let method = method(file, &fn_name).ok_or_else(|| format!("no generated method {fn_name}"))?;
        let page = row
            .response
            .as_deref()
            .ok_or_else(|| format!("{}: no response body", row.id))?;
        let items_field = prepared.schemas()[page]
            .get("properties")
            .and_then(Value::as_object)
            .and_then(|p| {
                p.iter()
                    .find(|(_, s)| s.get("type").and_then(Value::as_str) == Some("array"))
            })
            .map(|(name, s)| {
                (
                    snake(name),
                    s.pointer("/items")
                        .and_then(super::prepare::ref_name)
                        .map(str::to_owned),
                )
            })
            .ok_or_else(|| format!("{page}: no array of items"))?;
        let item = items_field
            .1
            .ok_or_else(|| format!("{page}: items are not a named schema"))?;
        let query = format!("{}Query", upper_first(&row.id));

        let (mut fields, mut args, mut setters) = (Vec::new(), Vec::new(), Vec::new());
        for input in method.sig.inputs.iter().skip(1) {
            let syn::FnArg::Typed(arg) = input else { continue };
            let name = arg.pat.to_token_stream().to_string();
            let ty = arg.ty.to_token_stream().to_string().replace(' ', "");
            match name.as_str() {
                "cursor" => args.push("cursor".to_owned()),
                "limit" => args.push("limit".to_owned()),
                _ => {
                    let (owned, pass) = if ty == "Option<&'astr>" {
                        ("::std::string::String".to_owned(), format!("self.{name}.as_deref()"))
                    } else if let Some(inner) = ty.strip_prefix("Option<&'a").and_then(|t| t.strip_suffix('>')) {
                        (inner.to_owned(), format!("self.{name}.as_ref()"))
                    } else if let Some(inner) = ty.strip_prefix("Option<").and_then(|t| t.strip_suffix('>')) {
                        (inner.to_owned(), format!("self.{name}"))
                    } else {
                        return Err(format!("{}: parameter {name}: {ty} is not optional", row.id));
                    };
                    let doc = param_doc(parameters, &row.query_params, &name);
                    fields.push(format!("    #[doc = {doc:?}]\n    pub {name}: Option<{owned}>,"));
                    args.push(pass);
                    setters.push(format!(
                        "    #[doc = {doc:?}]\n    pub fn {name}(mut self, value: impl Into<{owned}>) -> Self {{\n        self.query_mut().{name} = Some(value.into());\n        self\n    }}"
                    ));
                }
            }
        }
        writeln!(
            out,
            "\n/// The options of `{id}` beyond `limit` and `cursor`.\n#[derive(Clone, Debug, Default, PartialEq)]\n#[non_exhaustive]\npub struct {query} {{\n{}\n}}\n\n\
             impl Paged for {query} {{\n    type Page = types::{page};\n    type Item = types::{item};\n    const OPERATION: Operation = Operation::{variant};\n\n    \
             fn send<'a>(&'a self, client: &'a Client, cursor: Option<&'a str>, limit: Option<::std::num::NonZeroU64>)\n        \
             -> impl ::std::future::Future<Output = Result<ResponseValue<Self::Page>, Error<types::ApiError>>> + Send + 'a {{\n        \
             client.{fn_name}({})\n    }}\n\n    fn into_parts(page: Self::Page) -> (Vec<Self::Item>, bool, Option<String>) {{\n        \
             (page.{items}, page.has_more, page.next_cursor)\n    }}\n}}",
            fields.join("\n"),
            args.join(", "),
            id = row.id,
            variant = row.variant,
            items = items_field.0,
        )
        .unwrap();
        if !setters.is_empty() {
            writeln!(out, "\nimpl ListRequest<{query}> {{\n{}\n}}", setters.join("\n")).unwrap();
        }
    }
    Ok(out)
}

/// Our description of a query parameter, found by its Rust name.
fn param_doc(parameters: Option<&Value>, _names: &[String], rust_name: &str) -> String {
    parameters
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .find(|(_, p)| p.get("name").and_then(Value::as_str).map(snake).as_deref() == Some(rust_name))
        .and_then(|(_, p)| p.get("description").and_then(Value::as_str))
        .unwrap_or("An option of this list.")
        .to_owned()
}

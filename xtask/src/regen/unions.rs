//! src/generated/unions.rs: discriminated unions as Rust enums that dispatch
//! on their tag. typify ignores discriminators (an untagged enum gives one
//! opaque error for a bad field and an unknown kind alike); here a known tag
//! decodes into its variant with that variant's own errors, and an unknown
//! tag keeps its JSON in `Unknown` instead of failing the whole response.

use std::fmt::Write;

use serde_json::Value;

use super::{enums::variant_name, Prepared};

pub fn generate(prepared: &Prepared, _types: &syn::File) -> Result<String, String> {
    let mut out = String::from("use crate::generated::types;\n");
    for (name, union) in &prepared.unions {
        let doc = prepared.schemas()[name]
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or("One of several kinds, chosen by a tag.");
        let tag = &union.tag;
        let variants: Vec<(String, &str, &str)> = union
            .variants
            .iter()
            .map(|(value, schema)| (variant_name(value), value.as_str(), schema.as_str()))
            .collect();
        writeln!(
            out,
            "\n#[doc = {doc:?}]\n///\n/// Build one from its variant's type (`{first}::new(..).into()`); a kind\n/// this crate does not know arrives as `Unknown` with its JSON.\n\
             #[derive(Clone, Debug, PartialEq)]\n#[non_exhaustive]\npub enum {name} {{",
            first = variants.first().map(|v| v.2).unwrap_or(name)
        )
        .unwrap();
        for (variant, value, schema) in &variants {
            writeln!(
                out,
                "    #[doc = \"`{tag}: {value}`\"]\n    {variant}(types::{schema}),"
            )
            .unwrap();
        }
        out.push_str("    /// A kind this version of the crate does not know, kept as sent.\n    Unknown(::serde_json::Value),\n}\n");

        let tags: Vec<String> = variants.iter().map(|v| format!("{:?}", v.1)).collect();
        writeln!(
            out,
            "\nimpl {name} {{\n    /// Every `{tag}` value the spec lists.\n    pub const KNOWN: &'static [&'static str] = &[{}];\n\n    \
             /// The `{tag}` value, as sent.\n    pub fn tag(&self) -> &str {{\n        match self {{",
            tags.join(", ")
        )
        .unwrap();
        for (variant, value, _) in &variants {
            writeln!(out, "            Self::{variant}(_) => {value:?},").unwrap();
        }
        writeln!(
            out,
            "            Self::Unknown(raw) => raw.get({tag:?}).and_then(::serde_json::Value::as_str).unwrap_or_default(),\n        }}\n    }}\n\n    \
             /// True for a kind this crate does not know.\n    pub fn is_unknown(&self) -> bool {{\n        matches!(self, Self::Unknown(_))\n    }}\n}}"
        )
        .unwrap();
        for (variant, _, schema) in &variants {
            writeln!(
                out,
                "\nimpl From<types::{schema}> for {name} {{\n    fn from(value: types::{schema}) -> Self {{\n        Self::{variant}(value)\n    }}\n}}"
            )
            .unwrap();
        }
        writeln!(
            out,
            "\nimpl ::serde::Serialize for {name} {{\n    fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {{\n        match self {{"
        )
        .unwrap();
        for (variant, _, _) in &variants {
            writeln!(out, "            Self::{variant}(value) => value.serialize(s),").unwrap();
        }
        writeln!(
            out,
            "            Self::Unknown(raw) => raw.serialize(s),\n        }}\n    }}\n}}\n\n\
             impl<'de> ::serde::Deserialize<'de> for {name} {{\n    fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {{\n        \
             use ::serde::de::Error as _;\n        let value = ::serde_json::Value::deserialize(d)?;\n        \
             let tag = value.get({tag:?}).and_then(::serde_json::Value::as_str).map(str::to_owned).ok_or_else(|| {{\n            \
             D::Error::custom(\"a {name} needs a string `{tag}`\")\n        }})?;\n        \
             let known = |e: ::serde_json::Error| D::Error::custom(format!(\"{name} `{tag}: {{tag}}`: {{e}}\"));\n        match tag.as_str() {{"
        )
        .unwrap();
        for (variant, value, _) in &variants {
            writeln!(
                out,
                "            {value:?} => ::serde_json::from_value(value).map(Self::{variant}).map_err(known),"
            )
            .unwrap();
        }
        writeln!(
            out,
            "            _ => Ok(Self::Unknown(value)),\n        }}\n    }}\n}}"
        )
        .unwrap();
        writeln!(
            out,
            "\n#[cfg(feature = \"schemars\")]\nimpl ::schemars::JsonSchema for {name} {{\n    fn schema_name() -> ::std::borrow::Cow<'static, str> {{\n        {name:?}.into()\n    }}\n\n    \
             fn json_schema(generator: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {{\n        \
             let variants = [{}];\n        \
             ::schemars::json_schema!({{ \"oneOf\": variants, \"discriminator\": {{ \"propertyName\": {tag:?}, \"mapping\": {{ {} }} }} }})\n    }}\n}}",
            variants
                .iter()
                .map(|v| format!("generator.subschema_for::<types::{}>()", v.2))
                .collect::<Vec<_>>()
                .join(", "),
            variants
                .iter()
                .map(|v| format!("{:?}: \"#/components/schemas/{}\"", v.1, v.2))
                .collect::<Vec<_>>()
                .join(", ")
        )
        .unwrap();
    }
    Ok(out)
}

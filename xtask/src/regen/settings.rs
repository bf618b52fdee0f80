//! progenitor/typify settings: which schemas become handwritten or
//! separately generated types, and the derives every type gets.

use progenitor::{GenerationSettings, HooksMode, InterfaceStyle, TypeImpl, TypePatch};
use schemars::schema::{InstanceType, SchemaObject};
use serde_json::Value;

use super::Prepared;
use crate::spec::UNIX_SECONDS_EXT;

/// Path of the open enums that regen writes to src/generated/enums.rs.
pub const ENUMS: &str = "crate::generated::enums";
/// Path of the unions that regen writes to src/generated/unions.rs.
pub const UNIONS: &str = "crate::generated::unions";

/// The names of the spec's string enums (each becomes an open enum).
pub fn string_enums(prepared: &Prepared) -> Vec<String> {
    prepared
        .schemas()
        .iter()
        .filter(|(_, s)| s.get("type").and_then(Value::as_str) == Some("string") && s.get("enum").is_some())
        .map(|(name, _)| name.clone())
        .collect()
}

pub fn settings(prepared: &Prepared, type_names: &[String]) -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Positional)
        .with_inner_type(quote_path("crate::runtime::hooks::RequestHeaders"))
        .with_hooks(HooksMode::Expected)
        .with_derive("PartialEq");
    let open_enums = string_enums(prepared);
    for name in &open_enums {
        settings.with_replacement(
            name,
            format!("{ENUMS}::{name}"),
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    }
    for name in prepared.unions.keys() {
        settings.with_replacement(name, format!("{UNIONS}::{name}"), std::iter::empty());
    }
    for (name, rust) in &prepared.nullable {
        settings.with_replacement(name, rust, std::iter::empty());
    }
    // Timestamps read the same whichever way the document writes them.
    let timestamp = "crate::Timestamp";
    let date_time = SchemaObject {
        instance_type: Some(InstanceType::String.into()),
        format: Some("date-time".into()),
        ..Default::default()
    };
    settings.with_conversion(date_time, timestamp, std::iter::empty());
    for numeric in [InstanceType::Number, InstanceType::Integer] {
        let mut unix = SchemaObject {
            instance_type: Some(numeric.into()),
            ..Default::default()
        };
        unix.extensions.insert(UNIX_SECONDS_EXT.into(), Value::Bool(true));
        settings.with_conversion(unix, timestamp, std::iter::empty());
    }
    // Every generated type derives JsonSchema behind the `schemars` feature,
    // so the shipped types can be checked against the spec.
    let mut schema_patch = TypePatch::default();
    schema_patch.with_attr("#[cfg_attr(feature = \"schemars\", derive(::schemars::JsonSchema))]");
    for name in type_names {
        settings.with_patch(name, &schema_patch);
    }
    settings
}

fn quote_path(path: &str) -> proc_macro2::TokenStream {
    path.parse().expect("a valid Rust path")
}

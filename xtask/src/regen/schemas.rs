//! src/generated/schemas.rs: the list of every component schema, so that
//! `videogen::schema::schemas()` covers the whole spec without a hand-kept
//! list that falls behind when the spec grows.

use std::fmt::Write;

use super::Prepared;

pub fn generate(prepared: &Prepared) -> String {
    let mut out = String::from(
        "/// Adds the JSON Schema of every component schema of the spec to the\n\
         /// generator's definitions, under the spec's names.\n\
         pub(crate) fn register_all(generator: &mut ::schemars::SchemaGenerator) {\n",
    );
    for name in prepared.schemas().keys() {
        writeln!(out, "    generator.subschema_for::<crate::types::{name}>();").unwrap();
    }
    out.push_str("}\n");
    out
}

//! Writes the JSON Schema of every public API type as the `components.schemas`
//! of an OpenAPI document, ready to merge into your own.
//!
//! ```sh
//! cargo run --example schema --features schemars            # OpenAPI 3.0 form, to stdout
//! cargo run --example schema --features schemars -- OUT_DIR # both forms, as files in OUT_DIR
//! ```
//!
//! In OUT_DIR it writes `components-openapi-3.0.json` (`nullable: true`) and
//! `components-openapi-3.1.json` (JSON Schema 2020-12, `type: [T, "null"]`).

use std::{collections::BTreeMap, env, fs, path::PathBuf, process::ExitCode};

use schemars::{generate::SchemaSettings, Schema};

/// `{"components": {"schemas": {...}}}` for the given dialect.
fn components(settings: SchemaSettings) -> serde_json::Value {
    let schemas: BTreeMap<String, Schema> = videogen::schema::schemas(settings);
    serde_json::json!({ "components": { "schemas": schemas } })
}

fn pretty(value: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("a JSON value serializes");
    text.push('\n');
    text
}

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    match args.as_slice() {
        [] => {
            print!("{}", pretty(&components(SchemaSettings::openapi3())));
            ExitCode::SUCCESS
        }
        [dir] if !dir.starts_with('-') => {
            let dir = PathBuf::from(dir);
            if let Err(e) = fs::create_dir_all(&dir) {
                eprintln!("creating {}: {e}", dir.display());
                return ExitCode::FAILURE;
            }
            let files = [
                ("components-openapi-3.0.json", SchemaSettings::openapi3()),
                ("components-openapi-3.1.json", SchemaSettings::draft2020_12()),
            ];
            for (name, settings) in files {
                let path = dir.join(name);
                let value = components(settings);
                if let Err(e) = fs::write(&path, pretty(&value)) {
                    eprintln!("writing {}: {e}", path.display());
                    return ExitCode::FAILURE;
                }
                let count = value["components"]["schemas"].as_object().map_or(0, |m| m.len());
                println!("wrote {} ({count} schemas)", path.display());
            }
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("usage: cargo run --example schema --features schemars [-- OUT_DIR]");
            ExitCode::FAILURE
        }
    }
}

//! Maintainer tasks for the videogen workspace, run as `cargo xtask <task>`.

use std::process::ExitCode;

mod regen;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  regen [--check]   generate src/generated/ from spec/openapi.yaml
                    (--check: fail with a diff when the committed code is stale)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("regen") => regen::run(&args[1..]),
        _ => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: xtask lives one level below it.
pub fn workspace_root() -> std::path::PathBuf {
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().expect("xtask sits inside the workspace").to_path_buf()
}

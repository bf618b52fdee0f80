//! `cargo xtask <task>`: a thin front over the xtask library.

use std::process::ExitCode;

use xtask::{drift, regen, spec};

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  spec [--published PATH] [--check]
                    derive spec/openapi.yaml from the published document and spec/overlay/
  regen [--check]   generate src/generated/ from spec/openapi.yaml
                    (--check: fail with a diff when the committed code is stale)
  drift [--published PATH|URL] [--update-lock]
                    compare spec/openapi.yaml with the vendor's published document,
                    spec/published.lock.json and the generated code; fail on any drift
                    (--update-lock: record the published document once the spec agrees)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("regen") => regen::run(&args[1..]),
        Some("drift") => drift::run(&args[1..]),
        Some("spec") => spec::run(&args[1..]),
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

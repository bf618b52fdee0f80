//! Guards the pairing of spec/openapi.yaml and src/generated/mod.rs.
//!
//! Deliberately tiny and dependency-free: users of the crate compile only
//! this file and `build/sha256.rs`, never the generator or a hashing crate. When the spec changed but the generated code did not, the
//! build stops with the command that fixes it.

use std::{fs, path::Path};

#[path = "build/sha256.rs"]
mod sha256;

const SPEC: &str = "spec/openapi.yaml";
const GENERATED: &str = "src/generated/mod.rs";

fn main() {
    println!("cargo:rerun-if-changed={SPEC}");
    println!("cargo:rerun-if-changed={GENERATED}");
    // A packaged copy without the spec has nothing to compare: trust the code.
    let Ok(spec) = fs::read(Path::new(SPEC)) else {
        return;
    };
    let generated = fs::read_to_string(GENERATED).unwrap_or_default();
    let recorded = generated
        .lines()
        .take(10)
        .find_map(|line| line.strip_prefix("// spec-sha256: "))
        .map(str::trim);
    let actual = sha256::hex_digest(&spec);
    match recorded {
        Some(hash) if hash == actual => {}
        Some(hash) => panic!(
            "\n{GENERATED} was generated from a different {SPEC}\n  \
             header says sha256 {hash}\n  spec is     sha256 {actual}\n\
             Run `cargo xtask regen` to regenerate it, then commit both files.\n"
        ),
        None => panic!(
            "\n{GENERATED} is missing or has no `// spec-sha256:` header.\n\
             Run `cargo xtask regen` to generate it from {SPEC}.\n"
        ),
    }
}

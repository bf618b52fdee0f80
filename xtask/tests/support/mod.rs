//! Shared by the drift and mutation tests: the two documents, and a way to
//! say something in `cargo test` output even when the test passes. Under CI
//! a missing published document fails the test instead.

#![allow(dead_code)] // each test file uses its own part

use std::{
    io::Write,
    path::Path,
    sync::{Once, OnceLock},
};

use serde_json::Value;
use xtask::{
    diff::{compare, Change},
    model::Contract,
    normalize::normalize,
    report,
    source::{self, Document, Located},
    workspace_root,
};

pub mod plant;
mod synthesise;

/// Written straight to the process's stderr: libtest captures `eprintln!`
/// of passing tests, and a missing document must never go unmentioned.
pub fn notice(message: &str) {
    let _ = writeln!(std::io::stderr(), "NOTE: {message}");
}

/// Our spec, parsed once per test binary.
pub fn spec() -> Document {
    static LOADED: OnceLock<Document> = OnceLock::new();
    LOADED
        .get_or_init(|| source::load_spec(&workspace_root()).expect("spec/openapi.yaml loads"))
        .clone()
}

/// Whether the tests run under CI: `CI` set to anything but empty, `0` or `false`.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim().to_ascii_lowercase().as_str(), "" | "0" | "false"))
}

/// What a missing published document means: a note outside CI (`Ok`), a
/// failure under CI (`Err`), where every drift test must really run.
pub fn missing_document(path: &Path, ci: bool) -> Result<String, String> {
    let what = format!(
        "no published document at {} and {} is unset",
        path.display(),
        source::PUBLISHED_ENV
    );
    if ci {
        Err(format!(
            "{what}: under CI (CI is set) the drift tests must not be skipped; \
             put the vendor's document there or point {}=PATH at it",
            source::PUBLISHED_ENV
        ))
    } else {
        Ok(what)
    }
}

/// The vendor's document when one is at hand, else `None` (after saying, once
/// per test binary, where it was looked for). Panics under CI when missing.
pub fn published() -> Option<Document> {
    static LOADED: OnceLock<Option<Document>> = OnceLock::new();
    LOADED
        .get_or_init(|| match source::locate_published(&workspace_root()) {
            Located::Env(path) => Some(source::load(&path).expect("the document VIDEOGEN_PUBLISHED_SPEC names loads")),
            Located::Shared(path) => Some(source::load(&path.display().to_string()).expect("the shared copy loads")),
            Located::Missing(path) => match missing_document(&path, in_ci()) {
                Ok(note) => {
                    notice(&note);
                    None
                }
                Err(failure) => panic!("{failure}"),
            },
        })
        .clone()
}

/// The documents mutations are planted in: always a 3.1 rewrite of our own
/// spec, and the published document too when one is at hand.
pub fn mutation_bases() -> Vec<(&'static str, Value)> {
    static REWRITTEN: OnceLock<Value> = OnceLock::new();
    let rewritten = REWRITTEN.get_or_init(|| synthesise::as_published(&spec().value));
    let mut bases = vec![("3.1 rewrite of our spec", rewritten.clone())];
    match published() {
        Some(doc) => bases.push(("published document", doc.value)),
        None => {
            static SAID: Once = Once::new();
            SAID.call_once(|| notice("mutations are planted only in the 3.1 rewrite of spec/openapi.yaml"));
        }
    }
    bases
}

pub fn contract(doc: &Value) -> Contract {
    normalize(doc).expect("the document normalises")
}

/// Differences from our spec (old) to the published side (new).
pub fn drift(ours: &Value, theirs: &Value) -> Vec<Change> {
    compare(&contract(ours), &contract(theirs))
}

pub fn render(changes: &[Change]) -> String {
    report::render(changes, "spec", "published")
}

//! Shared by the drift and mutation tests: the two documents, and a way to
//! say something in `cargo test` output even when the test passes.

#![allow(dead_code)] // each test file uses its own part

use std::{
    io::Write,
    sync::{Once, OnceLock},
};

use serde_json::Value;
use xtask::{
    diff::{compare, Change},
    report,
    source::{self, Document, Located},
    workspace_root,
};

mod synthesise;

/// Written straight to the process's stderr: libtest captures `eprintln!`
/// of passing tests, and a missing document must never go unmentioned.
pub fn notice(message: &str) {
    let _ = writeln!(std::io::stderr(), "NOTE: {message}");
}

/// Whether this is a CI run (`CI=true`, as CI services and `.ci/run` set it).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

pub fn spec() -> Document {
    source::load_spec(&workspace_root()).expect("spec/openapi.yaml loads")
}

/// The vendor's document when one is at hand, else `None` (after saying, once
/// per test binary, where it was looked for).
pub fn published() -> Option<Document> {
    static LOADED: OnceLock<Option<Document>> = OnceLock::new();
    LOADED
        .get_or_init(|| match source::locate_published(&workspace_root()) {
            Located::Env(path) => Some(source::load(&path).expect("the document VIDEOGEN_PUBLISHED_SPEC names loads")),
            Located::Shared(path) => Some(source::load(&path.display().to_string()).expect("the shared copy loads")),
            Located::Missing(path) => {
                let missing = format!(
                    "no published document at {} and {} is unset",
                    path.display(),
                    source::PUBLISHED_ENV
                );
                // In CI a check that cannot run is a failure, not a note.
                assert!(!in_ci(), "CI: {missing}; the drift checks against it cannot run");
                notice(&missing);
                None
            }
        })
        .clone()
}

/// The documents mutations are planted in: always a 3.1 rewrite of our own
/// spec, and the published document too when one is at hand.
pub fn mutation_bases() -> Vec<(&'static str, Value)> {
    let mut bases = vec![("3.1 rewrite of our spec", synthesise::as_published(&spec().value))];
    match published() {
        Some(doc) => bases.push(("published document", doc.value)),
        None => {
            static SAID: Once = Once::new();
            SAID.call_once(|| notice("mutations are planted only in the 3.1 rewrite of spec/openapi.yaml"));
        }
    }
    bases
}

/// Differences from our spec (old) to the published side (new).
pub fn drift(ours: &Value, theirs: &Value) -> Vec<Change> {
    let ours = Document::from_value("spec", ours.clone())
        .spec_contract()
        .expect("spec normalises");
    let theirs = Document::from_value("published", theirs.clone())
        .published_contract()
        .expect("published normalises");
    compare(&ours, &theirs)
}

pub fn render(changes: &[Change]) -> String {
    report::render(changes, "spec", "published")
}

//! The drift check as part of `cargo test`, with no network: our spec against
//! the recorded published contract, the published document (when at hand)
//! against the record, and the generated code against the spec.

mod support;

use std::{path::Path, process::ExitCode};

use serde_json::{json, Value};
use support::{missing_document, notice, published, render, spec};
use xtask::{
    diff::compare,
    drift,
    record::{self, RECORD},
    regen, source, workspace_root,
};

#[test]
fn spec_agrees_with_the_record() {
    let record = record::read(&workspace_root()).expect("the record reads");
    let ours = spec().contract().expect("spec normalises");
    let changes = compare(&ours, &record.contract);
    assert!(
        changes.is_empty(),
        "spec/openapi.yaml no longer matches {RECORD}:\n{}\n\
         Reconcile the spec with the published document (README, \"When the API changes\").",
        render(&changes)
    );
}

#[test]
fn published_document_agrees_with_the_record() {
    let Some(doc) = published() else {
        notice(&format!(
            "the published document was not checked against {RECORD}; set {}=PATH to check it",
            source::PUBLISHED_ENV
        ));
        return;
    };
    let record = record::read(&workspace_root()).expect("the record reads");
    let theirs = doc.contract().expect("published document normalises");
    let changes = compare(&record.contract, &theirs);
    assert!(
        changes.is_empty(),
        "{} moved away from {RECORD}:\n{}\nRun `cargo xtask drift` for the full report.",
        doc.label,
        render(&changes)
    );
    if record.sha256 != doc.sha256 {
        notice(&format!(
            "{} differs in bytes from the recorded one, not in covered structure; \
             `cargo xtask drift --update-lock` records it",
            doc.label
        ));
    }
    assert_eq!(record.openapi, doc.openapi());
}

#[test]
fn a_missing_document_fails_under_ci_only() {
    let nowhere = Path::new("/nowhere/videogen-openapi.json");
    let note = missing_document(nowhere, false).expect("outside CI: a note");
    assert!(note.contains("/nowhere/videogen-openapi.json"), "{note}");
    let failure = missing_document(nowhere, true).expect_err("under CI: a failure");
    assert!(
        failure.contains("CI") && failure.contains(source::PUBLISHED_ENV),
        "{failure}"
    );
}

#[test]
fn record_covers_the_whole_published_document() {
    let record = record::read(&workspace_root()).expect("the record reads");
    let tags: std::collections::BTreeSet<&str> = record
        .contract
        .operations
        .values()
        .flat_map(|op| op.tags.iter().map(String::as_str))
        .collect();
    assert!(tags.len() > 1, "{RECORD} covers only the tags {tags:?}");
    assert!(
        record.contract.webhooks.as_ref().is_some_and(|w| !w.is_empty()),
        "{RECORD} lists no webhooks"
    );
}

#[test]
fn record_holds_facts_only() {
    let text = std::fs::read_to_string(workspace_root().join(RECORD)).expect("the record exists");
    let value: Value = serde_json::from_str(&text).expect("the record is JSON");
    let mut prose = Vec::new();
    find_prose(&value, "", &mut prose);
    assert!(prose.is_empty(), "{RECORD} carries prose at {prose:?}");
}

fn find_prose(value: &Value, at: &str, found: &mut Vec<String>) {
    let prose_keys = ["description", "summary", "title", "example", "examples"];
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                // A property may well be *named* `description`; its schema is not prose.
                let under_properties = at.ends_with("/properties");
                if prose_keys.contains(&key.as_str()) && !under_properties {
                    found.push(format!("{at}/{key}"));
                }
                find_prose(child, &format!("{at}/{key}"), found);
            }
        }
        Value::Array(list) => list.iter().for_each(|v| find_prose(v, at, found)),
        _ => {}
    }
}

#[test]
fn generated_code_matches_the_spec() {
    let root = workspace_root();
    let spec_bytes = std::fs::read(root.join(regen::SPEC)).expect("spec reads");
    let generated = regen::generate(&spec_bytes).expect("spec generates");
    let committed = std::fs::read_to_string(root.join(regen::OUTPUT)).expect("generated code exists");
    assert!(
        committed == generated,
        "{} is stale; run `cargo xtask regen`",
        regen::OUTPUT
    );
}

#[test]
fn command_fails_on_a_planted_change() {
    let Some(doc) = published() else {
        notice("`cargo xtask drift` was not run end to end: no published document");
        return;
    };
    let mut changed = doc.value.clone();
    changed["components"]["schemas"]["StorageFile"]["properties"]["fileId"]["type"] = json!("integer");
    let path = std::env::temp_dir().join(format!("videogen-drift-{}.json", std::process::id()));
    std::fs::write(&path, changed.to_string()).expect("temp file writes");
    let result = drift::run(&["--published".to_owned(), path.display().to_string()]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(result, Ok(ExitCode::FAILURE));
}

#[test]
fn update_lock_refuses_while_the_spec_differs() {
    let Some(doc) = published() else {
        notice("--update-lock was not tried: no published document");
        return;
    };
    let mut changed = doc.value.clone();
    changed["components"]["schemas"]["StorageFile"]["properties"]["fileId"]["type"] = json!("integer");
    let path = std::env::temp_dir().join(format!("videogen-update-lock-{}.json", std::process::id()));
    std::fs::write(&path, changed.to_string()).expect("temp file writes");
    let lock = workspace_root().join(RECORD);
    let before = std::fs::read(&lock).expect("the record reads");
    let result = drift::run(&[
        "--published".to_owned(),
        path.display().to_string(),
        "--update-lock".to_owned(),
    ]);
    let _ = std::fs::remove_file(&path);
    let after = std::fs::read(&lock).expect("the record reads");
    if after != before {
        std::fs::write(&lock, &before).expect("the record is restored");
        panic!("--update-lock rewrote {RECORD} although the spec differs (restored)");
    }
    let err = result.expect_err("--update-lock must refuse");
    assert!(err.contains("not updating"), "{err}");
}

#[test]
fn command_passes_on_the_published_document() {
    if published().is_none() {
        return; // already stated by `published()`
    }
    assert_eq!(drift::run(&[]), Ok(ExitCode::SUCCESS));
}

#[test]
fn missing_file_is_a_clean_error() {
    let err = drift::run(&["--published".to_owned(), "/nonexistent/openapi.json".to_owned()]).unwrap_err();
    assert!(err.contains("reading /nonexistent/openapi.json"), "{err}");
}

#[test]
fn unreachable_url_is_a_clean_error() {
    // Nothing listens on the discard port of the loopback address.
    let err = source::load("http://127.0.0.1:9/openapi.json").unwrap_err();
    assert!(err.starts_with("fetching http://127.0.0.1:9/openapi.json"), "{err}");
}

//! Planting a change on one side and checking what the drift report says.

use std::{collections::BTreeSet, sync::OnceLock};

use serde_json::Value;
use xtask::{
    diff::{compare, Change, Kind},
    model::Contract,
};

use super::{contract, drift, mutation_bases, render, spec};

#[derive(Clone, Copy)]
pub enum Side {
    /// The vendor changed their document.
    Published,
    /// Our spec changed (or was written wrong).
    Ours,
}

/// Plants `mutate` on one side and checks the report has `line` under `group`
/// as its one and only difference, for each base document.
pub fn planted(side: Side, mutate: impl Fn(&mut Value), group: &str, line: &str) {
    planted_all(side, mutate, &[(group, line)]);
}

/// Plants `mutate` on one side and checks the report holds exactly the
/// `(group, line)` pairs given, for each base document. A whole operation or
/// schema on one side only is the line `± GROUP: only in spec|published`.
pub fn planted_all(side: Side, mutate: impl Fn(&mut Value), expected: &[(&str, &str)]) {
    for (base, published, theirs) in baselines() {
        let changes = match side {
            Side::Published => {
                let mut doc = published.clone();
                mutate(&mut doc);
                compare(ours(), &contract(&doc))
            }
            Side::Ours => {
                let mut doc = spec().value;
                mutate(&mut doc);
                compare(&contract(&doc), theirs)
            }
        };
        let report = render(&changes);
        let got: BTreeSet<(String, String)> = changes.iter().map(shown).collect();
        let want: BTreeSet<(String, String)> = expected.iter().map(|(g, l)| (g.to_string(), l.to_string())).collect();
        assert_eq!(got, want, "wrong differences ({base}) in:\n{report}");
        for (group, line) in expected {
            assert!(
                report.contains(line),
                "report ({base}) does not say `{line}` for `{group}`:\n{report}"
            );
        }
    }
}

/// Our spec's contract, normalised once per test binary.
fn ours() -> &'static Contract {
    static OURS: OnceLock<Contract> = OnceLock::new();
    OURS.get_or_init(|| contract(&spec().value))
}

/// Each base document with its contract, checked once to agree with ours.
fn baselines() -> &'static [(&'static str, Value, Contract)] {
    static BASES: OnceLock<Vec<(&'static str, Value, Contract)>> = OnceLock::new();
    BASES.get_or_init(|| {
        let mut out = Vec::new();
        for (base, doc) in mutation_bases() {
            let theirs = contract(&doc);
            let before = compare(ours(), &theirs);
            assert!(
                before.is_empty(),
                "the unmutated pair must agree ({base}):\n{}",
                render(&before)
            );
            out.push((base, doc, theirs));
        }
        out
    })
}

/// A change as (group, the line the report prints for it).
fn shown(change: &Change) -> (String, String) {
    let line = if change.subject == change.group {
        match change.kind {
            Kind::Removed => format!("- {}: only in spec", change.group),
            _ => format!("+ {}: only in published", change.group),
        }
    } else {
        change.line()
    };
    (change.group.clone(), line)
}

/// Checks for every base that `mutate` does not count as drift.
pub fn harmless(mutate: impl Fn(&mut Value)) {
    for (base, mut theirs) in mutation_bases() {
        mutate(&mut theirs);
        let changes = drift(&spec().value, &theirs);
        assert!(changes.is_empty(), "({base}):\n{}", render(&changes));
    }
}

pub fn at<'a>(doc: &'a mut Value, pointer: &str) -> &'a mut Value {
    doc.pointer_mut(pointer).unwrap_or_else(|| panic!("{pointer} exists"))
}

pub fn remove(doc: &mut Value, parent: &str, key: &str) {
    take(doc, parent, key);
}

/// Removes `key` from the object at `parent` and returns what it held.
pub fn take(doc: &mut Value, parent: &str, key: &str) -> Value {
    let removed = at(doc, parent).as_object_mut().expect("an object").remove(key);
    removed.unwrap_or_else(|| panic!("{parent}/{key} existed"))
}

pub fn push(doc: &mut Value, pointer: &str, value: Value) {
    at(doc, pointer).as_array_mut().expect("an array").push(value);
}

pub fn drop_value(doc: &mut Value, pointer: &str, value: &str) {
    let list = at(doc, pointer).as_array_mut().expect("an array");
    let before = list.len();
    list.retain(|v| v != value);
    assert!(list.len() < before, "{pointer} held {value}");
}

/// JSON pointer escaping of one path segment (`/v1/files` -> `~1v1~1files`).
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

//! Changes -> the text `cargo xtask drift` prints, grouped by operation and schema.

use crate::diff::{Change, Kind};

/// `old` and `new` name the two sides, e.g. our spec and the published document.
pub fn render(changes: &[Change], old: &str, new: &str) -> String {
    if changes.is_empty() {
        return format!("no drift: {old} and {new} agree\n");
    }
    let groups = {
        let mut titles: Vec<&str> = changes.iter().map(|c| c.group.as_str()).collect();
        titles.dedup();
        titles.len()
    };
    let mut out = format!(
        "{} difference(s) in {groups} group(s), from {old} (old) to {new} (new):\n",
        changes.len()
    );
    let mut heading = "";
    for change in changes {
        if change.subject == change.group {
            out.push_str(&whole_group(change, old, new));
            heading = "";
            continue;
        }
        if change.group != heading {
            heading = &change.group;
            out.push_str(&format!("\n{heading}\n"));
        }
        out.push_str(&format!("  {}\n", change.line()));
    }
    out
}

/// An operation or schema that exists on one side only, with what it holds.
fn whole_group(change: &Change, old: &str, new: &str) -> String {
    let (sign, side, details) = match change.kind {
        Kind::Removed => ("-", format!("only in {old}"), &change.old),
        _ => ("+", format!("only in {new}"), &change.new),
    };
    let mut out = format!("\n{sign} {}: {side}\n", change.group);
    for line in details.as_deref().unwrap_or_default().lines() {
        out.push_str(&format!("    {line}\n"));
    }
    out
}

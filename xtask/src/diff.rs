//! Two contracts -> the list of differences, old side against new side.

use std::collections::{BTreeMap, BTreeSet};

use crate::facts::{groups, Fact, Group, GroupKind, Groups, Subject};
use crate::model::Contract;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Added,
    Removed,
    Changed,
}

/// One difference. `fact` is `None` when a whole subject (or group) was added
/// or removed; `old`/`new` then carry its summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub group: String,
    pub subject: String,
    pub kind: Kind,
    pub fact: Option<String>,
    pub old: Option<String>,
    pub new: Option<String>,
}

impl Change {
    /// The report line, without the group heading.
    pub fn line(&self) -> String {
        let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "(none)".to_owned());
        match (self.kind, self.fact.as_deref()) {
            (Kind::Added, None) => format!("+ {} added: {}", self.subject, show(&self.new)),
            (Kind::Removed, None) => format!("- {} removed (was: {})", self.subject, show(&self.old)),
            (Kind::Added, Some(fact)) => format!("+ {}: {fact} {} added", self.subject, show(&self.new)),
            (Kind::Removed, Some(fact)) => format!("- {}: {fact} {} removed", self.subject, show(&self.old)),
            (Kind::Changed, fact) => format!(
                "~ {}: {} {} -> {}",
                self.subject,
                fact.unwrap_or_default(),
                show(&self.old),
                show(&self.new)
            ),
        }
    }
}

/// Webhooks count only when both sides can list them: a 3.0 document such
/// as ours cannot, and its payload schemas are compared instead.
pub fn compare(old: &Contract, new: &Contract) -> Vec<Change> {
    let both_list_webhooks = old.webhooks.is_some() && new.webhooks.is_some();
    let (mut old, mut new) = (groups(old), groups(new));
    if !both_list_webhooks {
        old.retain(|(kind, _), _| *kind != GroupKind::Webhook);
        new.retain(|(kind, _), _| *kind != GroupKind::Webhook);
    }
    let mut changes = Vec::new();
    for (old_key, new_key) in moved_operations(&old, &new) {
        let (was, now) = (
            old.remove(&old_key).expect("paired"),
            new.remove(&new_key).expect("paired"),
        );
        changes.push(Change {
            group: now.title.clone(),
            subject: "operation".to_owned(),
            kind: Kind::Changed,
            fact: Some("method and path".to_owned()),
            old: Some(old_key.1.clone()),
            new: Some(new_key.1.clone()),
        });
        compare_group(&was, &now, &mut changes);
    }
    let keys: BTreeSet<_> = old.keys().chain(new.keys()).cloned().collect();
    for key in keys {
        match (old.get(&key), new.get(&key)) {
            (Some(was), Some(now)) => compare_group(was, now, &mut changes),
            (Some(was), None) => changes.push(whole_group(was, Kind::Removed)),
            (None, Some(now)) => changes.push(whole_group(now, Kind::Added)),
            (None, None) => unreachable!("key came from one of the maps"),
        }
    }
    // Sorted by group for the report, keeping the order within a group.
    changes.sort_by_key(|c| group_order(&c.group));
    changes
}

fn group_order(title: &str) -> (u8, String) {
    let rank = match title.split(' ').next() {
        Some("document") => 0,
        Some("operation") => 1,
        Some("webhook") => 2,
        _ => 3,
    };
    (rank, title.to_owned())
}

/// Operations present on one side only but sharing an operationId: the same
/// operation under a new method or path.
fn moved_operations(old: &Groups, new: &Groups) -> Vec<((GroupKind, String), (GroupKind, String))> {
    let lonely = |mine: &Groups, other: &Groups| -> Vec<((GroupKind, String), String)> {
        mine.iter()
            .filter(|(k, _)| k.0 == GroupKind::Operation && !other.contains_key(*k))
            .filter_map(|(k, g)| g.operation_id.clone().map(|id| (k.clone(), id)))
            .collect()
    };
    let theirs = lonely(new, old);
    lonely(old, new)
        .into_iter()
        .filter_map(|(old_key, id)| {
            let found = theirs.iter().find(|(_, other)| *other == id)?;
            Some((old_key, found.0.clone()))
        })
        .collect()
}

fn whole_group(group: &Group, kind: Kind) -> Change {
    // Top-level subjects (the schema itself, the operation) lead.
    let mut subjects: Vec<_> = group.subjects.iter().collect();
    subjects.sort_by_key(|(_, subject)| subject.parent.is_some());
    let summary: Vec<String> = subjects
        .into_iter()
        .map(|(key, subject)| format!("{key}: {}", summary(subject)))
        .collect();
    let summary = Some(summary.join("\n"));
    let (old, new) = match kind {
        Kind::Removed => (summary, None),
        _ => (None, summary),
    };
    Change {
        group: group.title.clone(),
        subject: group.title.clone(),
        kind,
        fact: None,
        old,
        new,
    }
}

fn compare_group(old: &Group, new: &Group, changes: &mut Vec<Change>) {
    let keys: BTreeSet<&String> = old.subjects.keys().chain(new.subjects.keys()).collect();
    let gone: BTreeSet<&String> = keys
        .iter()
        .copied()
        .filter(|k| !new.subjects.contains_key(*k))
        .collect();
    let came: BTreeSet<&String> = keys
        .iter()
        .copied()
        .filter(|k| !old.subjects.contains_key(*k))
        .collect();
    for key in keys {
        let mut push = |kind, fact: Option<&str>, was: Option<String>, now: Option<String>| {
            changes.push(Change {
                group: new.title.clone(),
                subject: key.clone(),
                kind,
                fact: fact.map(str::to_owned),
                old: was,
                new: now,
            })
        };
        match (old.subjects.get(key), new.subjects.get(key)) {
            (Some(was), None) if !inside(was, &old.subjects, &gone) => {
                push(Kind::Removed, None, Some(summary(was)), None)
            }
            (None, Some(now)) if !inside(now, &new.subjects, &came) => {
                push(Kind::Added, None, None, Some(summary(now)))
            }
            (Some(was), Some(now)) => compare_facts(was, now, &mut push),
            _ => {}
        }
    }
}

/// Whether some enclosing subject is itself in `set` (already reported whole).
fn inside(subject: &Subject, all: &BTreeMap<String, Subject>, set: &BTreeSet<&String>) -> bool {
    let mut parent = subject.parent.as_ref();
    while let Some(key) = parent {
        if set.contains(key) {
            return true;
        }
        parent = all.get(key).and_then(|s| s.parent.as_ref());
    }
    false
}

fn compare_facts(
    was: &Subject,
    now: &Subject,
    push: &mut impl FnMut(Kind, Option<&str>, Option<String>, Option<String>),
) {
    let names: BTreeSet<&String> = was.facts.keys().chain(now.facts.keys()).collect();
    for name in names {
        match (was.facts.get(name), now.facts.get(name)) {
            (Some(Fact::Set(a)), Some(Fact::Set(b))) => {
                let value = format!("{name} value");
                for v in b.difference(a) {
                    push(Kind::Added, Some(&value), None, Some(v.clone()));
                }
                for v in a.difference(b) {
                    push(Kind::Removed, Some(&value), Some(v.clone()), None);
                }
            }
            (a, b) if a != b => push(Kind::Changed, Some(name), a.map(Fact::show), b.map(Fact::show)),
            _ => {}
        }
    }
}

/// A subject's facts in one line: `type string, format double, nullable, required`.
pub fn summary(subject: &Subject) -> String {
    let rank = |name: &str| match name {
        "$ref" => 0,
        "type" => 1,
        "format" => 2,
        "enum" => 3,
        "nullable" => 5,
        "required" => 6,
        _ => 4,
    };
    let mut facts: Vec<_> = subject.facts.iter().collect();
    facts.sort_by_key(|(name, _)| rank(name));
    let mut parts = Vec::new();
    for (name, fact) in facts {
        match (name.as_str(), fact.show().as_str()) {
            ("nullable" | "deprecated", "false") => {}
            ("nullable", "true") => parts.push("nullable".to_owned()),
            ("deprecated", "true") => parts.push("deprecated".to_owned()),
            ("required", "true") => parts.push("required".to_owned()),
            ("required", "false") => parts.push("optional".to_owned()),
            ("$ref", target) => parts.push(format!("-> {target}")),
            (name, shown) => parts.push(format!("{name} {shown}")),
        }
    }
    if parts.is_empty() {
        "(no facts)".to_owned()
    } else {
        parts.join(", ")
    }
}

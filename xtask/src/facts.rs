//! [`Contract`] -> flat lists of facts, the form the diff walks.
//!
//! Each operation, webhook and schema becomes a group; inside a group every
//! place that can change on its own (the operation, a parameter, a property,
//! an array's items, a union member) is a subject with a small map of facts.
//! Enum values, tags and the like stay sets so a new value shows up as one
//! added value rather than a whole new list.

mod shape;

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Body, Contract, Operation};
use shape::{compact, flag, shape_facts, text, Place};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fact {
    Text(String),
    Set(BTreeSet<String>),
}

impl Fact {
    pub fn show(&self) -> String {
        match self {
            Fact::Text(text) => text.clone(),
            Fact::Set(values) => format!("[{}]", values.iter().cloned().collect::<Vec<_>>().join(", ")),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Subject {
    /// Key of the enclosing subject, so a removed property does not also list
    /// each of its nested properties as removed.
    pub parent: Option<String>,
    pub facts: BTreeMap<String, Fact>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum GroupKind {
    Document,
    Operation,
    Webhook,
    Schema,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Group {
    pub title: String,
    /// The operationId, used to recognise an operation whose path changed.
    pub operation_id: Option<String>,
    pub subjects: BTreeMap<String, Subject>,
}

pub type Groups = BTreeMap<(GroupKind, String), Group>;

pub fn groups(contract: &Contract) -> Groups {
    let mut out = Groups::new();
    let mut document = Group {
        title: "document".to_owned(),
        ..Group::default()
    };
    let version = contract.info_version.clone().unwrap_or_default();
    let facts = [
        ("info.version", text(version)),
        ("server", Fact::Set(contract.servers.clone())),
        ("security scheme", Fact::Set(contract.security.clone())),
    ];
    document.subjects.insert("top level".to_owned(), subject(None, facts));
    out.insert((GroupKind::Document, String::new()), document);
    for (key, op) in &contract.operations {
        let group = operation_group(&format!("operation {key}"), op);
        out.insert((GroupKind::Operation, key.clone()), group);
    }
    for (key, op) in contract.webhooks.iter().flatten() {
        let group = operation_group(&format!("webhook {key}"), op);
        out.insert((GroupKind::Webhook, key.clone()), group);
    }
    for (name, schema) in &contract.schemas {
        let mut group = Group {
            title: format!("schema {name}"),
            ..Group::default()
        };
        shape_facts(&mut group.subjects, &Place::root("schema"), None, schema, None);
        out.insert((GroupKind::Schema, name.clone()), group);
    }
    out
}

fn operation_group(title: &str, op: &Operation) -> Group {
    let mut group = Group {
        title: match &op.operation_id {
            Some(id) => format!("{title} ({id})"),
            None => title.to_owned(),
        },
        operation_id: op.operation_id.clone(),
        ..Group::default()
    };
    let id = op.operation_id.clone().unwrap_or_default();
    let mut root = subject(
        None,
        [
            ("operationId", text(id)),
            ("tag", Fact::Set(op.tags.clone())),
            ("deprecated", flag(op.deprecated)),
            ("error body", Fact::Set(op.error_schemas.clone())),
        ],
    );
    if let Some(security) = &op.security {
        root.facts
            .insert("security scheme".to_owned(), Fact::Set(security.clone()));
    }
    group.subjects.insert("operation".to_owned(), root);
    for (key, param) in &op.parameters {
        let (location, name) = key.split_once(' ').unwrap_or(("", key));
        let place = Place::root(&format!("parameter `{name}` ({location})"));
        shape_facts(&mut group.subjects, &place, None, &param.schema, Some(param.required));
        let facts = &mut group.subjects.get_mut(&place.key()).expect("just added").facts;
        for (k, v) in &param.keywords {
            facts.insert(k.clone(), text(compact(v)));
        }
    }
    if let Some(body) = &op.request_body {
        let required = [("required", flag(body.required))];
        group
            .subjects
            .insert("request body".to_owned(), subject(None, required));
        body_facts(&mut group.subjects, "request body", body);
    }
    for (status, body) in &op.responses {
        let label = format!("response {status}");
        if body.content.is_empty() {
            group
                .subjects
                .insert(label.clone(), subject(None, [("content", text("none".to_owned()))]));
        }
        body_facts(&mut group.subjects, &label, body);
    }
    group
}

fn body_facts(out: &mut BTreeMap<String, Subject>, label: &str, body: &Body) {
    for (media, schema) in &body.content {
        shape_facts(out, &Place::root(&format!("{label} {media}")), None, schema, None);
    }
}

fn subject<const N: usize>(parent: Option<String>, facts: [(&str, Fact); N]) -> Subject {
    Subject {
        parent,
        facts: facts.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
    }
}

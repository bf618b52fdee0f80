//! [`Contract`] -> flat lists of facts, the form the diff walks.
//!
//! Each operation and schema becomes a group; inside a group every place that
//! can change on its own (the operation, a parameter, a property, an array's
//! items) is a subject with a small map of facts. Enum values stay a set so a
//! new value shows up as one added value rather than a whole new list.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::model::{Body, Contract, Operation, Shape};

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
        out.insert((GroupKind::Operation, key.clone()), operation_group(key, op));
    }
    for (name, shape) in &contract.schemas {
        let mut group = Group {
            title: format!("schema {name}"),
            ..Group::default()
        };
        shape_facts(&mut group.subjects, &Place::root("schema"), None, shape, None);
        out.insert((GroupKind::Schema, name.clone()), group);
    }
    out
}

fn operation_group(key: &str, op: &Operation) -> Group {
    let mut group = Group {
        title: match &op.operation_id {
            Some(id) => format!("operation {key} ({id})"),
            None => format!("operation {key}"),
        },
        operation_id: op.operation_id.clone(),
        ..Group::default()
    };
    let id = op.operation_id.clone().unwrap_or_default();
    let errors = Fact::Set(op.error_schemas.clone());
    let mut root = subject(None, [("operationId", text(id)), ("error body", errors)]);
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
    for (media, shape) in &body.content {
        shape_facts(out, &Place::root(&format!("{label} {media}")), None, shape, None);
    }
}

/// Where a subject sits: a root label and a path below it.
struct Place {
    root: String,
    path: String,
}

impl Place {
    fn root(label: &str) -> Place {
        Place {
            root: label.to_owned(),
            path: String::new(),
        }
    }

    fn child(&self, step: &str) -> Place {
        let path = match (self.path.is_empty(), step.starts_with(['[', '{', ' '])) {
            (true, _) | (false, true) => format!("{}{step}", self.path),
            (false, false) => format!("{}.{step}", self.path),
        };
        Place {
            root: self.root.clone(),
            path,
        }
    }

    fn key(&self) -> String {
        match (self.root.as_str(), self.path.as_str()) {
            (root, "") => root.to_owned(),
            ("schema", path) => format!("property `{path}`"),
            (root, path) => format!("{root}, `{path}`"),
        }
    }
}

fn shape_facts(
    out: &mut BTreeMap<String, Subject>,
    place: &Place,
    parent: Option<String>,
    shape: &Shape,
    required: Option<bool>,
) {
    let mut facts = BTreeMap::new();
    let mut put = |k: &str, v: Option<&String>| {
        if let Some(v) = v {
            facts.insert(k.to_owned(), text(v.clone()));
        }
    };
    put("$ref", shape.reference.as_ref());
    put("type", shape.ty.as_ref());
    put("format", shape.format.as_ref());
    facts.insert("nullable".to_owned(), flag(shape.nullable));
    if let Some(required) = required {
        facts.insert("required".to_owned(), flag(required));
    }
    if let Some(values) = &shape.enum_values {
        facts.insert("enum".to_owned(), Fact::Set(values.iter().map(plain).collect()));
    }
    for (k, v) in &shape.keywords {
        facts.insert(k.clone(), text(compact(v)));
    }
    let key = place.key();
    out.insert(key.clone(), Subject { parent, facts });
    let me = Some(key);
    for (name, prop) in &shape.properties {
        let required = shape.required.contains(name);
        shape_facts(out, &place.child(name), me.clone(), prop, Some(required));
    }
    // `required` names with no matching property are facts too.
    for name in shape.required.iter().filter(|n| !shape.properties.contains_key(*n)) {
        let facts = BTreeMap::from([("required".to_owned(), flag(true))]);
        out.insert(
            place.child(name).key(),
            Subject {
                parent: me.clone(),
                facts,
            },
        );
    }
    if let Some(items) = &shape.items {
        shape_facts(out, &place.child("[]"), me.clone(), items, None);
    }
    if let Some(values) = &shape.additional_properties {
        shape_facts(out, &place.child("{}"), me.clone(), values, None);
    }
    for (kind, members) in &shape.composition {
        for (i, member) in members.iter().enumerate() {
            shape_facts(out, &place.child(&format!(" {kind}[{i}]")), me.clone(), member, None);
        }
    }
}

fn subject<const N: usize>(parent: Option<String>, facts: [(&str, Fact); N]) -> Subject {
    Subject {
        parent,
        facts: facts.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
    }
}

fn text(value: String) -> Fact {
    Fact::Text(value)
}

fn flag(value: bool) -> Fact {
    Fact::Text(value.to_string())
}

/// Strings without quotes, everything else as compact JSON.
fn plain(value: &Value) -> String {
    value.as_str().map_or_else(|| compact(value), str::to_owned)
}

fn compact(value: &Value) -> String {
    value.to_string()
}

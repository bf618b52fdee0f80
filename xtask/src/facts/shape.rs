//! One [`Shape`] -> subjects: the node itself, then its properties, items,
//! map values and union members, each keyed by where it sits.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{Fact, Subject};
use crate::model::Shape;

/// Where a subject sits: a root label and a path below it.
pub struct Place {
    root: String,
    path: String,
}

impl Place {
    pub fn root(label: &str) -> Place {
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

    pub fn key(&self) -> String {
        match (self.root.as_str(), self.path.as_str()) {
            (root, "") => root.to_owned(),
            // A union member of the schema itself: `schema oneOf[Name]`.
            ("schema", path) if path.starts_with(' ') => format!("schema{path}"),
            ("schema", path) => format!("property `{path}`"),
            (root, path) => format!("{root}, `{path}`"),
        }
    }
}

pub fn shape_facts(
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
        match k.as_str() {
            "discriminator" => discriminator_facts(v, &mut facts),
            _ => {
                facts.insert(k.clone(), text(compact(v)));
            }
        }
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
        for (label, member) in member_labels(members).iter().zip(members) {
            shape_facts(
                out,
                &place.child(&format!(" {kind}[{label}]")),
                me.clone(),
                member,
                None,
            );
        }
    }
}

/// Union members named by the schema they point at, so that a new variant
/// is one added member whatever its position; by position otherwise.
fn member_labels(members: &[Shape]) -> Vec<String> {
    let names: Vec<Option<&String>> = members.iter().map(|m| m.reference.as_ref()).collect();
    let unique = names.iter().flatten().collect::<BTreeSet<_>>().len() == names.iter().flatten().count();
    names
        .iter()
        .enumerate()
        .map(|(i, name)| match name {
            Some(name) if unique => (*name).clone(),
            _ => i.to_string(),
        })
        .collect()
}

/// `propertyName` as one fact, the mapping as a set of `value -> Schema`.
fn discriminator_facts(value: &Value, facts: &mut BTreeMap<String, Fact>) {
    if let Some(name) = value.get("propertyName") {
        facts.insert("discriminator".to_owned(), text(plain(name)));
    }
    if let Some(mapping) = value.get("mapping").and_then(Value::as_object) {
        let pairs = mapping.iter().map(|(k, v)| format!("{k} -> {}", plain(v))).collect();
        facts.insert("discriminator mapping".to_owned(), Fact::Set(pairs));
    }
    let rest: serde_json::Map<String, Value> = value
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| !matches!(k.as_str(), "propertyName" | "mapping"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if !rest.is_empty() {
        facts.insert(
            "discriminator keywords".to_owned(),
            text(Value::Object(rest).to_string()),
        );
    }
}

pub fn text(value: String) -> Fact {
    Fact::Text(value)
}

pub fn flag(value: bool) -> Fact {
    Fact::Text(value.to_string())
}

/// Strings without quotes, everything else as compact JSON.
fn plain(value: &Value) -> String {
    value.as_str().map_or_else(|| compact(value), str::to_owned)
}

pub fn compact(value: &Value) -> String {
    value.to_string()
}

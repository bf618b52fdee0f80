//! A little JSON Schema over the published document (OpenAPI 3.1, so JSON
//! Schema 2020-12): the parts the document uses, to check examples and mock
//! answers against it and to fill in documented defaults.

use serde_json::{Map, Value};

/// The document and helpers over its schemas.
pub struct Doc {
    /// The document itself.
    pub doc: Value,
}

impl Doc {
    /// Wraps a parsed document.
    pub fn new(doc: Value) -> Doc {
        Doc { doc }
    }

    pub fn schema(&self, name: &str) -> &Value {
        let schema = &self.doc["components"]["schemas"][name];
        assert!(schema.is_object(), "schema {name} is not in the document");
        schema
    }

    /// Follows `$ref`s.
    pub fn resolve<'a>(&'a self, mut schema: &'a Value) -> &'a Value {
        while let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            schema = self.schema(ref_name(reference));
        }
        schema
    }

    /// The branch of a `oneOf`/`anyOf` that `value` is an instance of: by
    /// discriminator when there is one, else the first valid non-null branch.
    pub fn branch<'a>(&'a self, schema: &'a Value, value: &Value) -> Option<&'a Value> {
        let branches = schema.get("oneOf").or_else(|| schema.get("anyOf"))?.as_array()?;
        if let Some(discriminator) = schema.get("discriminator") {
            let tag = value.get(discriminator["propertyName"].as_str()?)?.as_str()?;
            let target = discriminator["mapping"][tag].as_str()?;
            return branches.iter().find(|b| b["$ref"] == target);
        }
        branches
            .iter()
            .filter(|b| b.get("type") != Some(&Value::from("null")))
            .find(|b| self.problems(b, value, "").is_empty())
    }

    /// `value` with every absent member that has a documented `default`
    /// filled in, recursively.
    pub fn with_defaults(&self, schema: &Value, value: &Value) -> Value {
        let schema = self.resolve(schema);
        if let Some(branch) = self.branch(schema, value) {
            return self.with_defaults(branch, value);
        }
        match value {
            Value::Object(map) => {
                let mut out = Map::new();
                let properties = schema.get("properties").and_then(Value::as_object);
                for (key, member) in map {
                    let filled = match properties.and_then(|p| p.get(key)) {
                        Some(sub) => self.with_defaults(sub, member),
                        None => member.clone(),
                    };
                    out.insert(key.clone(), filled);
                }
                for (key, sub) in properties.into_iter().flatten() {
                    if !map.contains_key(key) {
                        let default = sub.get("default").or_else(|| self.resolve(sub).get("default"));
                        if let Some(default) = default {
                            out.insert(key.clone(), default.clone());
                        }
                    }
                }
                Value::Object(out)
            }
            Value::Array(items) => match schema.get("items") {
                Some(item_schema) => Value::Array(items.iter().map(|i| self.with_defaults(item_schema, i)).collect()),
                None => value.clone(),
            },
            other => other.clone(),
        }
    }

    /// Where `value` breaks `schema` (JSON Schema 2020-12, the parts the
    /// document uses; formats are not checked), as (pointer, problem).
    pub fn problems(&self, schema: &Value, value: &Value, at: &str) -> Vec<(String, String)> {
        let schema = self.resolve(schema);
        let mut out = Vec::new();
        let mut fail = |what: String| out.push((at.to_owned(), what));
        if let Some(branches) = schema
            .get("oneOf")
            .or_else(|| schema.get("anyOf"))
            .and_then(Value::as_array)
        {
            let valid = branches
                .iter()
                .filter(|b| self.problems(b, value, at).is_empty())
                .count();
            let one_of = schema.get("oneOf").is_some();
            if valid == 0 || (one_of && valid > 1) {
                fail(format!("matches {valid} of the {} alternatives", branches.len()));
            }
            return out;
        }
        if let Some(types) = schema.get("type") {
            let types: Vec<&str> = match types {
                Value::Array(list) => list.iter().filter_map(Value::as_str).collect(),
                one => vec![one.as_str().unwrap()],
            };
            let fits = types.iter().any(|t| match *t {
                "null" => value.is_null(),
                "string" => value.is_string(),
                "boolean" => value.is_boolean(),
                "number" => value.is_number(),
                "integer" => value.as_f64().is_some_and(|n| n.fract() == 0.0),
                "object" => value.is_object(),
                "array" => value.is_array(),
                other => panic!("unknown type {other}"),
            });
            if !fits {
                fail(format!("{value} is not of type {types:?}"));
                return out;
            }
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
            if !allowed.contains(value) {
                fail(format!("{value} is not one of {allowed:?}"));
            }
        }
        if let (Some(n), Some(min)) = (value.as_f64(), schema.get("minimum").and_then(Value::as_f64)) {
            if n < min {
                fail(format!("{n} < minimum {min}"));
            }
        }
        if let (Some(n), Some(max)) = (value.as_f64(), schema.get("maximum").and_then(Value::as_f64)) {
            if n > max {
                fail(format!("{n} > maximum {max}"));
            }
        }
        if let (Some(s), Some(min)) = (value.as_str(), schema.get("minLength").and_then(Value::as_u64)) {
            if (s.chars().count() as u64) < min {
                fail(format!("shorter than {min}"));
            }
        }
        if let Value::Array(items) = value {
            if let Some(min) = schema.get("minItems").and_then(Value::as_u64) {
                if (items.len() as u64) < min {
                    fail(format!("fewer than {min} items"));
                }
            }
            if let Some(max) = schema.get("maxItems").and_then(Value::as_u64) {
                if items.len() as u64 > max {
                    fail(format!("more than {max} items"));
                }
            }
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    out.extend(self.problems(item_schema, item, &format!("{at}/{i}")));
                }
            }
        }
        if let Value::Object(map) = value {
            for required in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
                if !map.contains_key(required.as_str().unwrap()) {
                    out.push((at.to_owned(), format!("required member {required} is missing")));
                }
            }
            let properties = schema.get("properties").and_then(Value::as_object);
            for (key, member) in map {
                match (properties.and_then(|p| p.get(key)), schema.get("additionalProperties")) {
                    (Some(sub), _) => out.extend(self.problems(sub, member, &format!("{at}/{key}"))),
                    (None, Some(Value::Bool(false))) => {
                        out.push((format!("{at}/{key}"), "member not allowed by the schema".to_owned()))
                    }
                    (None, Some(extra @ Value::Object(_))) => {
                        out.extend(self.problems(extra, member, &format!("{at}/{key}")))
                    }
                    (None, _) => {}
                }
            }
        }
        out
    }

    /// Calls `visit(schema name, value)` for every `$ref`'d schema instance
    /// inside `value`.
    pub fn instances(&self, schema: &Value, value: &Value, visit: &mut dyn FnMut(&str, &Value)) {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            visit(ref_name(reference), value);
        }
        let schema = self.resolve(schema);
        if let Some(branch) = self.branch(schema, value) {
            return self.instances(branch, value, visit);
        }
        match value {
            Value::Object(map) => {
                for (key, member) in map {
                    if let Some(sub) = schema.get("properties").and_then(|p| p.get(key)) {
                        self.instances(sub, member, visit);
                    }
                }
            }
            Value::Array(items) => {
                if let Some(item_schema) = schema.get("items") {
                    for item in items {
                        self.instances(item_schema, item, visit);
                    }
                }
            }
            _ => {}
        }
    }
}

pub fn ref_name(reference: &str) -> &str {
    reference.rsplit('/').next().unwrap()
}

//! Every example in the vendor's published document, for all operations:
//! each request and response example (`x-fern-examples`) and each
//! component-level `example` decodes into our types and writes back the same
//! JSON, up to what the crate documents: `null` and an absent member are the
//! same, a number is its value (`12` equals `12.0`), and an absent member
//! equals the document's `default` for it (our request types write some
//! defaults out, e.g. `numResults: 1`, and leave others out, e.g.
//! `watermarkMode`, whose absence means `AUTO`).
//!
//! The examples are also checked against the document's own schemas; the few
//! that break them are listed in `KNOWN_INCONSISTENT` with the reason, and the
//! test fails when that list and the document disagree either way.

mod support;

use std::collections::BTreeSet;

use serde_json::Value;
use support::{
    canonical, published_document,
    schema::{ref_name, Doc},
    types::{has_type, round_trip_as},
};

/// Examples that contradict the document's own schema: (where, member, why).
const KNOWN_INCONSISTENT: &[(&str, &str, &str)] = &[(
    "listWebhookEndpoints response",
    "/endpoints/0/signingSecret",
    "null, but WebhookEndpoint.signingSecret is `type: string` (not nullable): the list shows secrets only \
     as `signingSecretLast4`, and the example writes the absent secret as null. Our type reads both as None.",
)];

/// The schema name of a request or response body (`None`: no JSON body).
fn body_schema(content: &Value) -> Option<&str> {
    content["content"]["application/json"]["schema"]["$ref"]
        .as_str()
        .map(ref_name)
}

/// One example to check.
struct Example {
    what: String,
    schema: String,
    value: Value,
}

fn operation_examples(doc: &Value) -> (Vec<Example>, usize) {
    let mut examples = Vec::new();
    let mut without_payload = 0;
    let groups = [&doc["paths"], &doc["webhooks"]];
    for group in groups {
        for (_, item) in group.as_object().into_iter().flatten() {
            for (_, op) in item.as_object().unwrap() {
                let Some(id) = op["operationId"].as_str() else { continue };
                for (n, example) in op["x-fern-examples"].as_array().into_iter().flatten().enumerate() {
                    let mut payloads = 0;
                    if let Some(request) = example.get("request") {
                        let schema =
                            body_schema(&op["requestBody"]).unwrap_or_else(|| panic!("{id}: no request schema"));
                        examples.push(Example {
                            what: format!("{id} request"),
                            schema: schema.to_owned(),
                            value: request.clone(),
                        });
                        payloads += 1;
                    }
                    if let Some(body) = example["response"].get("body") {
                        let responses = op["responses"].as_object().unwrap();
                        let (_, success) = responses.iter().find(|(code, _)| code.starts_with('2')).unwrap();
                        let schema = body_schema(success).unwrap_or_else(|| panic!("{id}: no response schema"));
                        examples.push(Example {
                            what: format!("{id} response"),
                            schema: schema.to_owned(),
                            value: body.clone(),
                        });
                        payloads += 1;
                    }
                    if payloads == 0 {
                        // deleteWebhookEndpoint: path parameters only (a 204 has no body).
                        assert!(example.get("path-parameters").is_some(), "{id} example {n} has nothing");
                        without_payload += 1;
                    }
                }
            }
        }
    }
    (examples, without_payload)
}

/// Component-level examples: (schema, property, example).
fn component_examples(doc: &Value) -> Vec<(String, String, Value)> {
    let mut found = Vec::new();
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
        if let Some(example) = schema.get("example") {
            found.push((name.clone(), String::new(), example.clone()));
        }
        for (property, sub) in schema["properties"].as_object().into_iter().flatten() {
            if let Some(example) = sub.get("example") {
                found.push((name.clone(), property.clone(), example.clone()));
            }
        }
    }
    found
}

#[test]
fn every_published_example_round_trips() {
    let Some(raw) = published_document() else { return };
    let doc = Doc::new(raw);
    let (examples, without_payload) = operation_examples(&doc.doc);
    let mut inconsistent = BTreeSet::new();
    let (mut requests, mut responses) = (0, 0);
    for example in &examples {
        let schema = doc.schema(&example.schema);
        for (at, problem) in doc.problems(schema, &example.value, "") {
            eprintln!("note: {} breaks its own schema at {at}: {problem}", example.what);
            inconsistent.insert((example.what.clone(), at));
        }
        let written = round_trip_as(&example.schema, &example.what, &example.value);
        let expected = doc.with_defaults(schema, &example.value);
        assert_eq!(
            canonical(&doc.with_defaults(schema, &written)),
            canonical(&expected),
            "{} ({}) did not survive a round trip\n  example {}\n  written {}",
            example.what,
            example.schema,
            example.value,
            written
        );
        if example.what.ends_with("request") {
            requests += 1;
        } else {
            responses += 1;
        }
    }

    // Component-level examples: put each into an instance of its schema
    // taken from the operation examples, and round-trip that.
    let mut components = 0;
    for (schema_name, property, example) in component_examples(&doc.doc) {
        let what = format!("components.schemas.{schema_name}.{property} example");
        let property_schema = &doc.schema(&schema_name)["properties"][&property];
        let problems = doc.problems(property_schema, &example, "");
        assert!(problems.is_empty(), "{what} breaks its own schema: {problems:?}");
        let mut carrier = None;
        for host in &examples {
            doc.instances(
                &serde_json::json!({ "$ref": format!("#/components/schemas/{}", host.schema) }),
                &host.value,
                &mut |name, value| {
                    if name == schema_name && carrier.is_none() {
                        carrier = Some(value.clone());
                    }
                },
            );
        }
        let mut instance =
            carrier.unwrap_or_else(|| panic!("{what}: no instance of {schema_name} in the examples to carry it"));
        if property.is_empty() {
            instance = example.clone();
        } else {
            instance[&property] = example.clone();
        }
        let written = round_trip_as(&schema_name, &what, &instance);
        let expected = doc.with_defaults(doc.schema(&schema_name), &instance);
        let written = doc.with_defaults(doc.schema(&schema_name), &written);
        assert_eq!(
            canonical(&written),
            canonical(&expected),
            "{what} did not survive a round trip"
        );
        components += 1;
    }

    let known: BTreeSet<(String, String)> = KNOWN_INCONSISTENT
        .iter()
        .map(|(what, at, _)| (what.to_string(), at.to_string()))
        .collect();
    assert_eq!(
        inconsistent, known,
        "examples that break the document's own schema changed; update KNOWN_INCONSISTENT (with the reason)"
    );
    eprintln!(
        "{} examples decoded and round-tripped: {requests} requests, {responses} responses, {components} component-level \
         ({without_payload} example(s) with path parameters only)",
        requests + responses + components
    );
    // The document as of 2026-08 (info.version 1.0.0): fewer means the walk missed some.
    assert!(
        requests >= 28 && responses >= 47 && components >= 4,
        "examples found: {requests}/{responses}/{components}"
    );
}

#[test]
fn every_example_schema_has_one_of_our_types() {
    // The same mapping covers every request and response body schema of the
    // document, with or without examples, so a new operation's types are
    // listed here before its first example arrives.
    let Some(doc) = published_document() else { return };
    let mut schemas = BTreeSet::new();
    for group in [&doc["paths"], &doc["webhooks"]] {
        for (_, item) in group.as_object().into_iter().flatten() {
            for (_, op) in item.as_object().unwrap() {
                if let Some(name) = body_schema(&op["requestBody"]) {
                    schemas.insert(name.to_owned());
                }
                for (_, response) in op["responses"].as_object().into_iter().flatten() {
                    if let Some(name) = body_schema(response) {
                        schemas.insert(name.to_owned());
                    }
                }
            }
        }
    }
    schemas.remove("ApiError"); // decoded by the error path (tests/wire_errors.rs)
    let missing: Vec<&String> = schemas.iter().filter(|name| !has_type(name)).collect();
    assert!(
        missing.is_empty(),
        "body schemas without a type of ours in tests/support/types.rs: {missing:?}"
    );
    assert!(schemas.len() >= 45, "{} body schemas", schemas.len());
}

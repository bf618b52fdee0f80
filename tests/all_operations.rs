//! Every operation of the API through the public handles, driven by the
//! operation table (`videogen::Operation::ALL`) and the call table in
//! tests/support: what goes on the wire (method, encoded path, query, JSON
//! body, bearer key), how the documented success status and a realistic
//! answer (the published document's example where it has one) come back, and
//! that bad path ids never leave the process.

mod support;

use std::{
    collections::BTreeSet,
    sync::{Arc, Mutex},
};

use httpmock::{HttpMockRequest, MockServer};
use serde_json::Value;
use support::{canonical, case, client, fill_path, ids_for, published_document, published_operation, run, Source};
use videogen::{Error, Operation};

/// What the mock server saw of one request.
#[derive(Clone, Debug)]
struct Seen {
    method: String,
    /// As sent, still percent-encoded.
    path: String,
    /// Decoded pairs, in order.
    query: Vec<(String, String)>,
    authorization: Option<String>,
    content_type: Option<String>,
    body: Vec<u8>,
}

impl Seen {
    fn of(request: &HttpMockRequest) -> Seen {
        let headers = request.headers();
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        Seen {
            method: request.method().to_string(),
            path: request.uri().path().to_owned(),
            query: request.query_params(),
            authorization: header("authorization"),
            content_type: header("content-type"),
            body: request.body_vec(),
        }
    }
}

/// A mock server that answers every request with `status` (and `body`) and
/// records what it received.
async fn recording_server(status: u16, body: Option<&Value>) -> (MockServer, Arc<Mutex<Vec<Seen>>>) {
    let server = MockServer::start_async().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let body = body.map(|b| serde_json::to_vec(b).unwrap());
    server
        .mock_async(move |when, then| {
            when.is_true(move |request| {
                record.lock().unwrap().push(Seen::of(request));
                true
            });
            let then = then.status(status);
            if let Some(body) = body {
                then.header("content-type", "application/json").body(body);
            }
        })
        .await;
    (server, seen)
}

#[test]
fn the_table_covers_every_operation() {
    let mut missing = Vec::new();
    for op in Operation::ALL {
        let Some(case) = case(op) else {
            missing.push(op.id());
            continue;
        };
        assert_eq!(case.op, op, "the row for {} describes another operation", op.id());
        assert!(!case.calls.is_empty(), "{}: the row has no call", op.id());
        assert_eq!(
            case.body.is_some(),
            op.info().request_body.is_some(),
            "{}: a request body in the row if and only if the operation takes one",
            op.id()
        );
        assert_eq!(
            matches!(case.response, Source::Empty),
            op.info().response_body.is_none(),
            "{}: an empty answer if and only if the operation has no response body",
            op.id()
        );
        // Every path parameter has test ids.
        ids_for(op, support::tricky_id);
        ids_for(op, support::plain_id);
    }
    assert!(
        missing.is_empty(),
        "operations without a row in tests/support/mod.rs `case`: {missing:?}"
    );
    assert_eq!(Operation::ALL.len(), 55, "the published document has 55 operations");
}

#[test]
fn operation_facts_match_the_published_document() {
    let Some(doc) = published_document() else { return };
    let mut documented = BTreeSet::new();
    for (_, item) in doc["paths"].as_object().unwrap() {
        for (_, op) in item.as_object().unwrap() {
            if let Some(id) = op["operationId"].as_str() {
                documented.insert(id.to_owned());
            }
        }
    }
    let ours: BTreeSet<String> = Operation::ALL.iter().map(|op| op.id().to_owned()).collect();
    assert_eq!(
        ours, documented,
        "Operation::ALL and the published document's operations"
    );

    for op in Operation::ALL {
        let info = op.info();
        let (path, method, published) = published_operation(&doc, info.id).unwrap();
        assert_eq!(info.path, path, "{}: path", info.id);
        assert_eq!(info.method.as_str(), method.to_uppercase(), "{}: method", info.id);
        let template_params: Vec<&str> = path
            .split('{')
            .skip(1)
            .map(|rest| rest.split('}').next().unwrap())
            .collect();
        assert_eq!(
            info.path_params,
            template_params.as_slice(),
            "{}: path parameters",
            info.id
        );
        let query: BTreeSet<String> = parameters(&doc, published)
            .filter(|p| p["in"] == "query")
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .collect();
        let our_query: BTreeSet<String> = info.query_params.iter().map(|s| s.to_string()).collect();
        assert_eq!(our_query, query, "{}: query parameters", info.id);
        let success: Vec<&String> = published["responses"]
            .as_object()
            .unwrap()
            .keys()
            .filter(|code| code.starts_with('2'))
            .collect();
        assert_eq!(success.len(), 1, "{}: one documented success status", info.id);
        assert_eq!(
            info.success_status.to_string(),
            *success[0],
            "{}: success status",
            info.id
        );
        let response_schema = published["responses"][success[0].as_str()]["content"]["application/json"]["schema"]
            ["$ref"]
            .as_str()
            .map(|r| r.rsplit('/').next().unwrap());
        assert_eq!(info.response_body, response_schema, "{}: response body schema", info.id);
        let request_schema = published["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            .as_str()
            .map(|r| r.rsplit('/').next().unwrap());
        assert_eq!(info.request_body, request_schema, "{}: request body schema", info.id);
        assert_eq!(
            info.deprecated,
            published["deprecated"].as_bool().unwrap_or(false),
            "{}: deprecated",
            info.id
        );
        assert_eq!(info.paged, our_query.contains("cursor"), "{}: paged", info.id);
    }
}

/// An operation's parameters, `$ref`s resolved.
fn parameters<'a>(doc: &'a Value, op: &'a Value) -> impl Iterator<Item = &'a Value> + 'a {
    op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(move |p| match p["$ref"].as_str() {
            Some(reference) => {
                let name = reference.rsplit('/').next().unwrap();
                &doc["components"]["parameters"][name]
            }
            None => p,
        })
}

#[tokio::test]
async fn every_operation_on_the_wire() {
    let Some(doc) = published_document() else { return };
    let mut failures = Vec::new();
    let mut checked = 0;
    for op in Operation::ALL {
        let case = case(op).unwrap_or_else(|| panic!("{} has no row (see the_table_covers_every_operation)", op.id()));
        let info = op.info();
        let (template, _, _) = published_operation(&doc, info.id).unwrap();
        let ids = ids_for(op, support::tricky_id);
        let expected_path = fill_path(template, info.path_params, &ids);
        let answer = support::response_body(&doc, &case.response);
        for (name, call) in &case.calls {
            let (server, seen) = recording_server(info.success_status, answer.as_ref()).await;
            let result = run(call, &client(&server.base_url()), &ids).await;
            let seen = seen.lock().unwrap().clone();
            let mut problems = Vec::new();
            match seen.as_slice() {
                [request] => {
                    if request.method != info.method.as_str() {
                        problems.push(format!("method {} (expected {})", request.method, info.method));
                    }
                    if request.path != expected_path {
                        problems.push(format!("path {} (expected {expected_path})", request.path));
                    }
                    let mut query = request.query.clone();
                    query.sort();
                    let mut expected: Vec<(String, String)> =
                        case.query.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
                    expected.sort();
                    if query != expected {
                        problems.push(format!("query {query:?} (expected {expected:?})"));
                    }
                    let bearer = format!("Bearer {}", support::KEY);
                    if request.authorization.as_deref() != Some(bearer.as_str()) {
                        problems.push(format!("authorization {:?}", request.authorization));
                    }
                    match &case.body {
                        Some(body) => {
                            if !request
                                .content_type
                                .as_deref()
                                .unwrap_or("")
                                .starts_with("application/json")
                            {
                                problems.push(format!("content-type {:?} for a JSON body", request.content_type));
                            }
                            match serde_json::from_slice::<Value>(&request.body) {
                                Ok(sent) if &sent == body => {}
                                Ok(sent) => problems.push(format!("body\n  sent     {sent}\n  expected {body}")),
                                Err(e) => problems.push(format!("body is not JSON: {e}")),
                            }
                        }
                        None if !request.body.is_empty() => problems.push(format!(
                            "a body for an operation without one: {}",
                            String::from_utf8_lossy(&request.body)
                        )),
                        None => {}
                    }
                }
                other => problems.push(format!("{} requests sent (expected 1): {other:?}", other.len())),
            }
            match (result, &answer) {
                (Ok(decoded), Some(answer)) if canonical(&decoded) == canonical(answer) => {}
                (Ok(Value::Null), None) => {}
                (Ok(decoded), answer) => problems.push(format!(
                    "decoded answer differs\n  decoded {decoded}\n  answer  {}",
                    answer.as_ref().map_or("(no body)".to_owned(), Value::to_string)
                )),
                (Err(error), _) => problems.push(format!(
                    "call failed on a {} answer: {error} ({error:?})",
                    info.success_status
                )),
            }
            if !problems.is_empty() {
                failures.push(format!("{} via {name}:\n  {}", info.id, problems.join("\n  ")));
            }
            checked += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} calls wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked >= Operation::ALL.len(), "every operation called at least once");
    eprintln!(
        "{} operations, {checked} calls checked on the wire",
        Operation::ALL.len()
    );
}

#[tokio::test]
async fn bad_path_ids_are_rejected_before_anything_is_sent() {
    const BAD: [&str; 4] = ["", ".", "..", "a\nb"];
    let (server, seen) = recording_server(200, Some(&serde_json::json!({}))).await;
    let client = client(&server.base_url());
    let mut failures = Vec::new();
    let (mut operations, mut calls) = (0, 0);
    for op in Operation::ALL {
        let params = op.info().path_params;
        if params.is_empty() {
            continue;
        }
        operations += 1;
        let case = case(op).unwrap();
        for (name, call) in &case.calls {
            for (index, param) in params.iter().enumerate() {
                for bad in BAD {
                    let mut ids = ids_for(op, support::plain_id);
                    ids[index] = bad.to_owned();
                    calls += 1;
                    match run(call, &client, &ids).await {
                        Err(Error::InvalidInput { message }) => {
                            assert!(!message.is_empty());
                        }
                        other => failures.push(format!(
                            "{} via {name}, {param} = {bad:?}: {other:?} (expected Error::InvalidInput)",
                            op.id()
                        )),
                    }
                }
            }
        }
    }
    let sent = seen.lock().unwrap().clone();
    assert!(failures.is_empty(), "bad ids not rejected:\n{}", failures.join("\n"));
    assert!(
        sent.is_empty(),
        "{} request(s) left with a bad id: {:?}",
        sent.len(),
        sent.iter()
            .map(|s| format!("{} {}", s.method, s.path))
            .collect::<Vec<_>>()
    );
    assert_eq!(operations, 20, "operations with path parameters");
    eprintln!("{calls} calls with bad ids over {operations} operations: all rejected, nothing sent");
}

//! Every operation against Stoplight Prism mocking the vendor's published
//! document in dynamic mode (`bash .ci/prism.sh` starts it and sets
//! `VIDEOGEN_PRISM_URL`).
//!
//! Prism validates each request against the document (a 400/422 with its
//! `sl-violations` header is a request the real API would refuse) and answers
//! with a random schema-valid body: random strings, nulls where nullable,
//! optional members present or not, any listed enum value, extra members. Each
//! call is made several times (`VIDEOGEN_PRISM_ROUNDS`, default 5), and every
//! answer must decode. The calls go through a small recording proxy so that a
//! failure shows Prism's verdict and the exact body, checked against the
//! document's schema to tell our bug from Prism's.
//!
//! Each decoded answer is also `Debug`-formatted, as a log line would be.
//!
//! Two outcomes are not failures, and are counted and named in the output:
//! answers that meet a reported client bug (`PRE_1970_DATE_TIME`,
//! `PRE_1970_DEBUG_PANIC`; an answer meeting the first must decode once its
//! pre-1970 years are moved, so the rest of it is still checked), and list
//! pages whose `hasMore`/`nextCursor` contradict each other, which Prism draws
//! independently (`INCOHERENT_PAGE`). Everything else fails the test.
//!
//! Without `VIDEOGEN_PRISM_URL`: a note and a pass, except under `CI=true`,
//! where it fails (CI must run it through .ci/prism.sh).

mod support;

use std::{
    convert::Infallible,
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{body::Incoming, Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use support::{case, ids_for, in_ci, published_document, run, schema::Doc};

use videogen::{Error, Operation};

/// One request through the proxy and Prism's answer.
#[derive(Clone, Debug)]
struct Exchange {
    method: String,
    uri: String,
    request_body: Bytes,
    status: u16,
    /// Prism's list of what it found wrong with the request, if anything.
    violations: Option<String>,
    response_body: Bytes,
}

/// A recording HTTP/1 proxy on 127.0.0.1 in front of Prism.
struct Proxy {
    addr: SocketAddr,
    log: Arc<Mutex<Vec<Exchange>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    async fn start(upstream: String) -> Proxy {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(15))
            .build()
            .unwrap();
        let upstream = Arc::new(upstream.trim_end_matches('/').to_owned());
        let shared = log.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let (http, upstream, log) = (http.clone(), upstream.clone(), shared.clone());
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request| {
                        forward(request, http.clone(), upstream.clone(), log.clone())
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Proxy { addr, log, task }
    }

    fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn take(&self) -> Vec<Exchange> {
        std::mem::take(&mut *self.log.lock().unwrap())
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn forward(
    request: Request<Incoming>,
    http: reqwest::Client,
    upstream: Arc<String>,
    log: Arc<Mutex<Vec<Exchange>>>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = request.into_parts();
    let request_body = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    let uri = parts.uri.path_and_query().map_or("/", |pq| pq.as_str()).to_owned();
    let mut outgoing = http.request(parts.method.clone(), format!("{upstream}{uri}"));
    for (name, value) in &parts.headers {
        if name != http::header::HOST && name != http::header::CONTENT_LENGTH {
            outgoing = outgoing.header(name, value);
        }
    }
    let mut exchange = Exchange {
        method: parts.method.to_string(),
        uri,
        request_body: request_body.clone(),
        status: 502,
        violations: None,
        response_body: Bytes::new(),
    };
    let response = match outgoing.body(request_body).send().await {
        Ok(answer) => {
            exchange.status = answer.status().as_u16();
            exchange.violations = answer
                .headers()
                .get("sl-violations")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let mut response = Response::builder().status(answer.status());
            for (name, value) in answer.headers() {
                if name != http::header::CONTENT_LENGTH
                    && name != http::header::TRANSFER_ENCODING
                    && name != http::header::CONNECTION
                {
                    response = response.header(name, value);
                }
            }
            exchange.response_body = answer.bytes().await.unwrap_or_default();
            response.body(Full::new(exchange.response_body.clone())).unwrap()
        }
        Err(e) => {
            exchange.response_body = Bytes::from(format!("proxy: Prism did not answer: {e}"));
            Response::builder()
                .status(502)
                .body(Full::new(exchange.response_body.clone()))
                .unwrap()
        }
    };
    log.lock().unwrap().push(exchange);
    Ok(response)
}

fn prism_url() -> Option<String> {
    match std::env::var("VIDEOGEN_PRISM_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if in_ci() => panic!(
            "CI=true but VIDEOGEN_PRISM_URL is not set: the Prism contract test must run in CI \
             (`bash .ci/prism.sh` starts Prism and runs it)"
        ),
        _ => {
            eprintln!(
                "note: VIDEOGEN_PRISM_URL is not set; skipping the Prism contract test (run `bash .ci/prism.sh`)"
            );
            None
        }
    }
}

/// What one call came to.
enum Outcome {
    /// Prism accepted the request and the answer decoded.
    Passed,
    /// Prism's random answer contradicts the document's prose, and the client
    /// refused it as documented (see `incoherent_page`).
    IncoherentAnswer(&'static str),
    /// Anything else: a test failure, with everything Prism said.
    Failed(String),
}

/// Runs a call, bounded, catching a panic (as its message).
async fn run_catching(
    call: &support::Call,
    client: &videogen::Client,
    ids: &[String],
) -> Result<Result<Value, Error>, String> {
    use futures_util::FutureExt;
    let future = std::panic::AssertUnwindSafe(run(call, client, ids)).catch_unwind();
    future.await.map_err(|panic| {
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "(a panic without a message)".to_owned())
    })
}

/// A page saying `hasMore: true` with no `nextCursor`. The schema cannot
/// forbid it, but the document says `nextCursor` is "`null` when `hasMore` is
/// false" and that the next page is fetched with it; Prism draws the two
/// members independently. `ListRequest::all` stops with `Error::Protocol`
/// rather than loop or stop silently, as documented.
const INCOHERENT_PAGE: &str = "page with hasMore: true and no nextCursor";

fn incoherent_page(exchange: &Exchange) -> bool {
    serde_json::from_slice::<Value>(&exchange.response_body)
        .is_ok_and(|page| page["hasMore"] == true && page["nextCursor"].as_str().is_none_or(str::is_empty))
}

fn classify(
    doc: Option<&Doc>,
    op: Operation,
    name: &str,
    round: usize,
    result: Result<Result<Value, Error>, String>,
    seen: &[Exchange],
) -> Outcome {
    if let Some(rejected) = seen.iter().find(|e| e.violations.is_some()) {
        let error = result.ok().and_then(Result::err);
        return Outcome::Failed(describe(
            doc,
            op,
            name,
            round,
            error.as_ref(),
            std::slice::from_ref(rejected),
        ));
    }
    let error = match result {
        Ok(Ok(_)) => return Outcome::Passed,
        Ok(Err(error)) => error,
        Err(panic) => {
            return Outcome::Failed(format!(
                "{}\n    PANICKED: {panic}",
                describe(doc, op, name, round, None, seen)
            ))
        }
    };
    let last = seen.last();
    match &error {
        Error::Protocol { .. } if last.is_some_and(incoherent_page) => {
            return Outcome::IncoherentAnswer(INCOHERENT_PAGE);
        }
        _ => {}
    }
    Outcome::Failed(describe(doc, op, name, round, Some(&error), seen))
}

/// Why a call failed, with everything Prism said.
fn describe(
    doc: Option<&Doc>,
    op: Operation,
    name: &str,
    round: usize,
    error: Option<&Error>,
    seen: &[Exchange],
) -> String {
    let mut out = match error {
        Some(error) => format!("{} via {name} (round {round}): {error}", op.id()),
        None => format!("{} via {name} (round {round})", op.id()),
    };
    let Some(last) = seen.last() else {
        out.push_str("\n    nothing reached Prism");
        return out;
    };
    out.push_str(&format!("\n    request   {} {}", last.method, last.uri));
    if !last.request_body.is_empty() {
        out.push_str(&format!(
            "\n    body      {}",
            String::from_utf8_lossy(&last.request_body)
        ));
    }
    out.push_str(&format!("\n    status    {}", last.status));
    if let Some(violations) = &last.violations {
        out.push_str(&format!("\n    REQUEST REJECTED by Prism: {violations}"));
    }
    out.push_str(&format!(
        "\n    answer    {}",
        String::from_utf8_lossy(&last.response_body)
    ));
    // A decode failure: does the answer break the document too?
    if let (Some(doc), Some(Error::Decode { .. })) = (doc, error) {
        if let (Some(schema), Ok(body)) = (
            op.info().response_body,
            serde_json::from_slice::<Value>(&last.response_body),
        ) {
            let problems = doc.problems(doc.schema(schema), &body, "");
            if problems.is_empty() {
                out.push_str(&format!(
                    "\n    verdict   the answer is valid for {schema} in the published document: OUR TYPES ARE WRONG"
                ));
            } else {
                out.push_str(&format!(
                    "\n    verdict   the answer breaks the published document ({schema}): {problems:?}"
                ));
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_against_prism() {
    let Some(url) = prism_url() else { return };
    let rounds: usize = std::env::var("VIDEOGEN_PRISM_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let doc = published_document().map(Doc::new);
    let proxy = Proxy::start(url).await;
    let client = support::client(&proxy.base_url());

    // Prism's request validation is on: an invalid body is refused, so an
    // accepted request below means something.
    let refused = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(format!("{}/v1/tools/generate-image", proxy.base_url()))
        .bearer_auth(support::KEY)
        .json(&serde_json::json!({ "numResults": 0 }))
        .send();
    let refused = tokio::time::timeout(support::CALL_LIMIT, refused)
        .await
        .expect("Prism answers in time")
        .expect("Prism answers");
    assert!(
        matches!(refused.status().as_u16(), 400 | 422),
        "Prism accepted an invalid request ({}): is it validating requests?",
        refused.status()
    );
    assert!(refused.headers().contains_key("sl-violations"));
    proxy.take();

    // The whole run is bounded too (each call already is, by CALL_LIMIT).
    let budget = Duration::from_secs(
        std::env::var("VIDEOGEN_PRISM_BUDGET_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(240),
    );
    let started = std::time::Instant::now();
    let mut failures = Vec::new();
    let mut lines = Vec::new();
    let mut noted: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    let (mut calls, mut operations) = (0, 0);
    for op in Operation::ALL {
        let case = case(op).unwrap_or_else(|| panic!("{} has no row in tests/support", op.id()));
        let ids = ids_for(op, support::plain_id);
        operations += 1;
        let (mut passed, mut made) = (0, 0);
        for (name, call) in &case.calls {
            for round in 0..rounds {
                assert!(
                    started.elapsed() < budget,
                    "the Prism run passed its budget of {budget:?} (VIDEOGEN_PRISM_BUDGET_SECS) at {} via {name}; \
                     failures so far:\n{}",
                    op.id(),
                    failures.join("\n")
                );
                made += 1;
                let result = run_catching(call, &client, &ids).await;
                let seen = proxy.take();
                match classify(doc.as_ref(), op, name, round, result, &seen) {
                    Outcome::Passed => passed += 1,
                    Outcome::IncoherentAnswer(what) => {
                        noted.entry(what).or_default().push(format!("{} via {name}", op.id()));
                    }
                    Outcome::Failed(report) => failures.push(report),
                }
            }
        }
        calls += made;
        lines.push(format!("  {:<48} {passed}/{made} fully decoded", op.id()));
    }
    eprintln!("Prism ({rounds} rounds per call):\n{}", lines.join("\n"));
    for (what, hits) in &noted {
        let mut distinct = hits.clone();
        distinct.dedup();
        eprintln!("note: {} call(s) met a {what}: {}", hits.len(), distinct.join(", "));
    }
    assert_eq!(operations, Operation::ALL.len());
    assert!(
        failures.is_empty(),
        "{} of {calls} calls failed against Prism:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("{calls} calls over {operations} operations: every request accepted by Prism; every answer decoded or explained above");
}

//! The HTTP side: routes, the gate every request passes (log, counters,
//! rate limit, faults, auth, request ids) and the handlers.

use std::{
    collections::{BTreeMap, HashMap},
    sync::{atomic::Ordering, Arc},
};

use axum::{
    body::{Body, Bytes, HttpBody},
    extract::{rejection::QueryRejection, MatchedPath, Path, Query, Request, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::{get, put, MethodFilter, MethodRouter},
    Json, Router,
};
use bytes::BytesMut;
use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use videogen::{types::ApiError, Operation};

use crate::{
    api, catalog,
    content::{cut_body, parse_range, Content, Cut, RangeRequest},
    faults::Fault,
    log::RecordedRequest,
    route::Route,
    sign::hex,
    store::{ceil_seconds, ReceivedUpload, Reject},
    Shared,
};

/// The largest API request body the fake reads.
const MAX_API_BODY: usize = 1 << 20;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    // One route per path template of the operation table, each method of
    // that path bound to its operation.
    let mut paths: BTreeMap<&'static str, MethodRouter<Arc<Shared>>> = BTreeMap::new();
    for op in Operation::ALL {
        let info = op.info();
        let filter = MethodFilter::try_from(info.method.clone()).unwrap_or(MethodFilter::GET);
        let handler = move |State(shared): State<Arc<Shared>>, headers: HeaderMap, uri: Uri, body: Bytes| async move {
            let params = path_params(Route::Api(op), uri.path());
            let key = bearer(&headers).unwrap_or_default();
            api::handle(&shared, op, key, &params, uri.query(), &body)
        };
        let entry = paths.remove(info.path).unwrap_or_default();
        paths.insert(info.path, entry.on(filter, handler));
    }
    let mut router = Router::new();
    for (path, methods) in paths {
        router = router.route(path, methods);
    }
    router
        .route("/download/{fileId}/{rendition}", get(download))
        .route("/upload/{fileId}", put(upload))
        .route("/public/{fileId}", get(public_preview))
        .route("/public/{fileId}/hls", get(public_hls))
        .route("/exports/{exportId}/{name}", get(export_download))
        .route("/assets/{*path}", get(asset))
        .fallback(unknown_route)
        .method_not_allowed_fallback(wrong_method)
        .layer(middleware::from_fn_with_state(shared.clone(), gate))
        .with_state(shared)
}

/// The path parameters of a request on `route`, percent-decoded, by name.
pub(crate) fn path_params(route: Route, path: &str) -> Vec<(&'static str, String)> {
    let names = route.path_params();
    if names.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::with_capacity(names.len());
    let mut names = names.iter();
    for (pattern, actual) in route.path().split('/').zip(path.split('/')) {
        if pattern.starts_with('{') {
            if let Some(name) = names.next() {
                let value = percent_encoding::percent_decode_str(actual)
                    .decode_utf8_lossy()
                    .into_owned();
                out.push((*name, value));
            }
        }
    }
    out
}

impl IntoResponse for Reject {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = ApiError {
            message: self.message,
            code: Some(self.code.to_owned()),
            internal_error_code: None,
            requirement: None,
        };
        (status, Json(body)).into_response()
    }
}

/// The `code` an error of this status carries.
fn code_for(status: u16) -> &'static str {
    match status {
        400 => "invalid_parameters",
        401 => "invalid_api_key",
        403 => "forbidden",
        404 => "not_found",
        408 => "request_timeout",
        409 => "conflict",
        429 => "rate_limited",
        500 => "internal_error",
        502 => "bad_gateway",
        503 => "service_unavailable",
        504 => "gateway_timeout",
        _ => "error",
    }
}

/// Every request passes here: it gets a request id, a log entry and a
/// count, then the rate limit, scripted faults and (for API routes) the key
/// check decide whether the handler runs.
async fn gate(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let request_id = format!("req_fake_{:08x}", shared.requests.fetch_add(1, Ordering::Relaxed) + 1);
    let matched = request.extensions().get::<MatchedPath>();
    let route = matched.and_then(|m| Route::from_pattern(request.method(), m.as_str()));
    let params = route.map(|r| path_params(r, request.uri().path())).unwrap_or_default();
    let file_id = params.iter().find(|(n, _)| *n == "fileId").map(|(_, v)| v.clone());
    let ids: Vec<String> = params.into_iter().map(|(_, v)| v).collect();
    let (parts, body) = request.into_parts();
    let (body, logged) = match route {
        Some(route) if route.is_api() => match axum::body::to_bytes(body, MAX_API_BODY).await {
            Ok(bytes) => (Body::from(bytes.clone()), bytes),
            Err(_) => (Body::empty(), Bytes::new()),
        },
        _ => (body, Bytes::new()),
    };
    let ticket = shared.log().record(RecordedRequest {
        method: parts.method.clone(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers.clone(),
        body: logged,
        at: shared.clock.now(),
        route,
        file_id,
        ids: ids.clone(),
        request_id: request_id.clone(),
        status: None,
        fault: None,
    });
    let request = Request::from_parts(parts, body);
    let (mut response, fault) = match route {
        Some(route) => respond(&shared, route, &ids, request, next).await,
        None => (next.run(request).await, None),
    };
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", value);
    }
    shared.log().complete(ticket, response.status().as_u16(), fault);
    response
}

async fn respond(
    shared: &Shared,
    route: Route,
    ids: &[String],
    request: Request,
    next: Next,
) -> (Response, Option<Fault>) {
    if route.is_api() {
        let key = bearer(request.headers()).unwrap_or_default().to_owned();
        let over = shared.faults.lock().check_rate(&key, shared.clock.now());
        if let Some(wait) = over {
            let reject = Reject::new(429, "rate_limited", "too many requests for this API key; retry later");
            let response = with_header(reject.into_response(), header::RETRY_AFTER, ceil_seconds(wait).max(1));
            return (response, Some(Fault::RateLimited { retry_after: wait }));
        }
    }
    let fault = shared.faults.lock().next(route, ids);
    let cut = match &fault {
        None | Some(Fault::Pass) => None,
        Some(Fault::Latency(delay)) => {
            tokio::time::sleep(*delay).await;
            None
        }
        Some(Fault::DropMidBody) => Some(Cut::Abort(u64::MAX)),
        Some(Fault::DropAfter(bytes)) => Some(Cut::Abort(*bytes)),
        Some(Fault::Truncate) => Some(Cut::End(u64::MAX)),
        Some(Fault::StallMidBody(pause)) => Some(Cut::Stall(u64::MAX, *pause)),
        Some(other) => return (fault_response(other, shared), fault),
    };
    let response = match route.is_api().then(|| authorize(shared, request.headers())) {
        Some(Err(reject)) => reject.into_response(),
        _ => next.run(request).await,
    };
    let response = match cut {
        Some(cut) => break_body(response, cut),
        None => response,
    };
    (response, fault)
}

/// The response of a fault that replaces the real one.
fn fault_response(fault: &Fault, shared: &Shared) -> Response {
    let injected = |status: u16| {
        Reject::new(
            status,
            code_for(status),
            format!("HTTP {status} injected by videogen-fake"),
        )
        .into_response()
    };
    match fault {
        Fault::Status(status) => injected(*status),
        Fault::RateLimited { retry_after } => {
            with_header(injected(429), header::RETRY_AFTER, ceil_seconds(*retry_after))
        }
        Fault::Unavailable { retry_after } => {
            with_header(injected(503), header::RETRY_AFTER, ceil_seconds(*retry_after))
        }
        Fault::RateLimitReset { reset_after } => {
            let reset = crate::clock::unix_seconds(shared.clock.now() + *reset_after);
            with_header(injected(429), "x-ratelimit-reset", reset)
        }
        Fault::HtmlPage(status) => {
            let code = StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_GATEWAY);
            let title = format!("{} {}", code.as_u16(), code.canonical_reason().unwrap_or("Error"));
            let page = format!(
                "<!DOCTYPE html>\n<html><head><title>{title}</title></head>\
                 <body><center><h1>{title}</h1></center><hr><center>nginx</center></body></html>\n"
            );
            (code, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response()
        }
        _ => injected(500),
    }
}

fn with_header(mut response: Response, name: impl header::IntoHeaderName, value: u64) -> Response {
    response.headers_mut().insert(name, HeaderValue::from(value));
    response
}

/// Makes the response break mid-body. `u64::MAX` in `cut` means "half".
fn break_body(response: Response, cut: Cut) -> Response {
    let (mut parts, body) = response.into_parts();
    let announced = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok())
        .or_else(|| body.size_hint().exact())
        .unwrap_or(0);
    let at = |n: u64| if n == u64::MAX { announced / 2 } else { n.min(announced) };
    let cut = match cut {
        Cut::Abort(n) => Cut::Abort(at(n)),
        Cut::End(n) => Cut::End(at(n)),
        Cut::Stall(n, pause) => Cut::Stall(at(n), pause),
    };
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(announced));
    Response::from_parts(parts, cut_body(body, cut))
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

fn authorize(shared: &Shared, headers: &HeaderMap) -> Result<(), Reject> {
    if !headers.contains_key(header::AUTHORIZATION) {
        return Err(Reject::new(
            401,
            "missing_api_key",
            "no API key: send `Authorization: Bearer <key>`",
        ));
    }
    match bearer(headers) {
        Some(key) if shared.api_keys.iter().any(|k| k == key) => Ok(()),
        _ => Err(Reject::new(401, "invalid_api_key", "the API key is not valid")),
    }
}

type Params = Result<Query<HashMap<String, String>>, QueryRejection>;

fn params(query: Params) -> Result<HashMap<String, String>, Reject> {
    query
        .map(|Query(q)| q)
        .map_err(|e| Reject::bad_request(format!("invalid query string: {e}")))
}

/// `expires` and `sig` of a signed URL; 403 when missing.
fn signature(query: Params) -> Result<(u64, String), Reject> {
    let query = params(query)?;
    let expires = query.get("expires").and_then(|e| e.parse().ok());
    match (expires, query.get("sig")) {
        (Some(expires), Some(sig)) => Ok((expires, sig.clone())),
        _ => Err(Reject::new(
            403,
            "forbidden",
            "the URL is not signed (expires and sig are required)",
        )),
    }
}

async fn download(
    State(shared): State<Arc<Shared>>,
    Path((id, rendition)): Path<(String, String)>,
    query: Params,
    headers: HeaderMap,
) -> Response {
    let content = signature(query).and_then(|(expires, sig)| {
        shared
            .store()
            .download(&id, &rendition, expires, &sig, shared.clock.now())
    });
    match content {
        Ok(content) => serve(&content, &headers),
        Err(reject) => reject.into_response(),
    }
}

async fn public_preview(State(shared): State<Arc<Shared>>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    match shared.store().public_copy(&id, false, shared.clock.now()) {
        Ok(content) => serve(&content, &headers),
        Err(reject) => reject.into_response(),
    }
}

async fn public_hls(State(shared): State<Arc<Shared>>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    match shared.store().public_copy(&id, true, shared.clock.now()) {
        Ok(content) => serve(&content, &headers),
        Err(reject) => reject.into_response(),
    }
}

/// Serves content whole or by `Range`, streaming it in chunks.
fn serve(content: &Content, headers: &HeaderMap) -> Response {
    let len = content.len();
    let etag = content.etag();
    let header_str = |name| headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok());
    let range = match header_str(header::IF_RANGE) {
        Some(validator) if validator != etag => RangeRequest::Full,
        _ => parse_range(header_str(header::RANGE), len),
    };
    let common = [
        (header::CONTENT_TYPE, content.content_type.clone()),
        (header::ACCEPT_RANGES, "bytes".to_owned()),
        (header::ETAG, etag),
    ];
    match range {
        RangeRequest::Full => (
            StatusCode::OK,
            common,
            [(header::CONTENT_LENGTH, len.to_string())],
            content.stream(0, len),
        )
            .into_response(),
        RangeRequest::Part { start, end } => {
            let range = [
                (header::CONTENT_LENGTH, (end - start).to_string()),
                (header::CONTENT_RANGE, format!("bytes {start}-{}/{len}", end - 1)),
            ];
            (StatusCode::PARTIAL_CONTENT, common, range, content.stream(start, end)).into_response()
        }
        RangeRequest::Unsatisfiable => {
            let reject = Reject::new(416, "range_not_satisfiable", format!("the file has {len} bytes"));
            (
                StatusCode::RANGE_NOT_SATISFIABLE,
                [(header::CONTENT_RANGE, format!("bytes */{len}"))],
                reject,
            )
                .into_response()
        }
    }
}

async fn export_download(
    State(shared): State<Arc<Shared>>,
    Path((id, name)): Path<(String, String)>,
    query: Params,
    headers: HeaderMap,
) -> Response {
    let checked = signature(query).and_then(|(expires, sig)| {
        let now = shared.clock.now();
        let store = shared.store();
        if !store.signer.verify(&format!("export/{id}/{name}"), expires, &sig) {
            return Err(Reject::new(
                403,
                "signature_mismatch",
                "the URL's signature does not match",
            ));
        }
        if crate::clock::unix_millis(now) >= expires {
            return Err(Reject::new(
                403,
                "expired",
                "the signed URL has expired; get the export again for a fresh one",
            ));
        }
        Ok(())
    });
    if let Err(reject) = checked {
        return reject.into_response();
    }
    if !shared.with_world(|world, _, _| world.export_done(&id)) {
        return Reject::new(404, "not_found", format!("export {id:?} has no video")).into_response();
    }
    let seed = crate::content::fnv1a(id.as_bytes());
    let content = match name.as_str() {
        "video.mp4" => Content::mp4(seed, shared.export_bytes),
        "thumbnail.jpg" => Content::generated(seed ^ 1, 16 << 10, "image/jpeg"),
        _ => return Reject::new(404, "not_found", format!("export {id:?} has no {name:?}")).into_response(),
    };
    serve(&content, &headers)
}

async fn asset(Path(path): Path<String>, headers: HeaderMap) -> Response {
    match catalog::asset_type(&path) {
        Some(kind) => {
            let seed = crate::content::fnv1a(path.as_bytes());
            let len = if kind.starts_with("video") { 256 << 10 } else { 24 << 10 };
            let content = if kind == "video/mp4" {
                Content::mp4(seed, len)
            } else {
                Content::generated(seed, len, kind)
            };
            serve(&content, &headers)
        }
        None => Reject::new(404, "not_found", format!("no asset {path:?}")).into_response(),
    }
}

async fn upload(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    query: Params,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let checked =
        signature(query).and_then(|(expires, sig)| shared.store().check_upload(&id, expires, &sig, shared.clock.now()));
    if let Err(reject) = checked {
        return reject.into_response();
    }
    let mut hash = Sha256::new();
    let mut len = 0u64;
    let mut kept = Some(BytesMut::new());
    let mut chunks = body.into_data_stream();
    while let Some(chunk) = chunks.next().await {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(e) => return Reject::bad_request(format!("reading the upload failed: {e}")).into_response(),
        };
        hash.update(&chunk);
        len += chunk.len() as u64;
        if len > shared.max_kept_upload {
            kept = None;
        }
        if let Some(kept) = &mut kept {
            kept.extend_from_slice(&chunk);
        }
    }
    let sha256 = hex(&hash.finalize());
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let etag = format!("\"{}\"", &sha256[..32]);
    let received = ReceivedUpload {
        len,
        sha256,
        content_type,
        bytes: kept.map(BytesMut::freeze),
    };
    let finished = shared.store().finish_upload(&id, received, shared.clock.now());
    match finished {
        Ok(()) => {
            // Processing ends on the clock: let the webhook sender plan for it.
            shared.kick.notify_one();
            (StatusCode::OK, [(header::ETAG, etag)]).into_response()
        }
        Err(reject) => reject.into_response(),
    }
}

async fn unknown_route(method: Method, uri: Uri) -> Reject {
    Reject::new(404, "not_found", format!("no route for {method} {}", uri.path()))
}

async fn wrong_method(method: Method, uri: Uri) -> Reject {
    Reject::new(
        405,
        "method_not_allowed",
        format!("{method} is not allowed on {}", uri.path()),
    )
}

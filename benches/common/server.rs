//! A minimal local server, far cheaper per request than the full fake, so the
//! client is what gets measured. It runs on its own thread with its own
//! single-threaded runtime; the client under test runs on another.
//!
//! - `POST /v1/files/{id}/hydrate` and `GET /v1/files/{id}`: a canned, fresh
//!   (expires in one hour) `StorageFile`, after an optional non-blocking sleep.
//!   Ids `vg_dl_<n>` get a file whose download rendition is `n` bytes long.
//! - `GET /blob/{n}/{name}?Expires=..&Signature=..`: `n` deterministic bytes,
//!   streamed as slices of one shared 256 KiB chunk (nothing of size `n` is
//!   allocated), with an exact `Content-Length`.

use std::{
    convert::Infallible,
    net::SocketAddr,
    pin::Pin,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    task::{Context, Poll},
    thread::JoinHandle,
    time::Duration,
};

use bytes::Bytes;
use http_body_util::{combinators::BoxBody, BodyExt, Full};
use hyper::{
    body::{Body, Frame, Incoming, SizeHint},
    header, Method, Request, Response, StatusCode,
};
use hyper_util::rt::TokioIo;
use tokio::sync::oneshot;

use super::payload::{self, DOWNLOAD_ID_PREFIX};

const CHUNK: usize = 256 * 1024;

/// A running server; stopped and joined on drop.
pub struct BenchServer {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    state: Arc<State>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

struct State {
    base: String,
    latency: Duration,
    expires_at: f64,
    canned: Bytes,
    chunk: Bytes,
    api_requests: AtomicU64,
}

type ResponseBody = BoxBody<Bytes, Infallible>;

impl BenchServer {
    /// Starts a server whose API routes answer after `latency` (zero: at once).
    pub fn start(latency: Duration) -> BenchServer {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binding 127.0.0.1:0");
        listener.set_nonblocking(true).expect("non-blocking listener");
        let addr: SocketAddr = listener.local_addr().expect("local address");
        let base = format!("http://{addr}");
        let expires_at = payload::unix_now_plus(3600.0);
        let canned = payload::storage_file("vg_file_obLD1OX2eJCrEs0071Z4kA", &base, 48_213_114, expires_at);
        let chunk: Vec<u8> = (0..CHUNK).map(|i| (i % 251) as u8).collect();
        let state = Arc::new(State {
            base: base.clone(),
            latency,
            expires_at,
            canned: Bytes::from(serde_json::to_vec(&canned).expect("serialisable")),
            chunk: Bytes::from(chunk),
            api_requests: AtomicU64::new(0),
        });
        let (shutdown, stop) = oneshot::channel();
        let serving = state.clone();
        let thread = std::thread::Builder::new()
            .name("bench-server".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                runtime.block_on(serve(listener, serving, stop));
            })
            .expect("spawning the server thread");
        BenchServer {
            base,
            state,
            shutdown: Some(shutdown),
            thread: Some(thread),
        }
    }

    /// API requests (not blob downloads) served so far.
    pub fn api_requests(&self) -> u64 {
        self.state.api_requests.load(Ordering::Relaxed)
    }

    /// The canned `StorageFile` body every non-download id gets.
    pub fn canned_body(&self) -> &[u8] {
        &self.state.canned
    }

    /// The id of a file whose download rendition is `bytes` long.
    pub fn download_id(bytes: u64) -> String {
        format!("{DOWNLOAD_ID_PREFIX}{bytes}")
    }
}

impl Drop for BenchServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn serve(listener: std::net::TcpListener, state: Arc<State>, mut stop: oneshot::Receiver<()>) {
    let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
    loop {
        let stream = tokio::select! {
            _ = &mut stop => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => continue,
            },
        };
        let _ = stream.set_nodelay(true);
        let state = state.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| respond(request, state.clone()));
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn respond(request: Request<Incoming>, state: Arc<State>) -> Result<Response<ResponseBody>, Infallible> {
    let path = request.uri().path();
    if let Some(rest) = path.strip_prefix("/blob/") {
        let bytes = rest.split('/').next().and_then(|n| n.parse().ok());
        return Ok(match (request.method(), bytes) {
            (&Method::GET, Some(bytes)) => blob(&state, bytes),
            _ => not_found(),
        });
    }
    let Some(id) = path.strip_prefix("/v1/files/") else {
        return Ok(not_found());
    };
    let id = match (request.method(), id.strip_suffix("/hydrate")) {
        (&Method::POST, Some(id)) => id,
        (&Method::GET, None) if !id.contains('/') => id,
        _ => return Ok(not_found()),
    };
    state.api_requests.fetch_add(1, Ordering::Relaxed);
    let body = match id.strip_prefix(DOWNLOAD_ID_PREFIX).and_then(|n| n.parse().ok()) {
        Some(bytes) => {
            let file = payload::storage_file(id, &state.base, bytes, state.expires_at);
            Bytes::from(serde_json::to_vec(&file).expect("serialisable"))
        }
        None => state.canned.clone(),
    };
    if !state.latency.is_zero() {
        tokio::time::sleep(state.latency).await;
    }
    let response = Response::builder()
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-request-id", "req_bench")
        .body(Full::new(body).boxed())
        .expect("valid response");
    Ok(response)
}

fn blob(state: &State, bytes: u64) -> Response<ResponseBody> {
    let body = Pattern {
        left: bytes,
        chunk: state.chunk.clone(),
    };
    Response::builder()
        .header(header::CONTENT_TYPE, "video/mp4")
        .body(body.boxed())
        .expect("valid response")
}

fn not_found() -> Response<ResponseBody> {
    let mut response = Response::new(Full::new(Bytes::from_static(b"{\"message\":\"not found\"}")).boxed());
    *response.status_mut() = StatusCode::NOT_FOUND;
    response
}

/// `left` deterministic bytes: the shared chunk again and again, each frame a
/// reference-counted slice of it.
struct Pattern {
    left: u64,
    chunk: Bytes,
}

impl Body for Pattern {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if self.left == 0 {
            return Poll::Ready(None);
        }
        let n = self.left.min(self.chunk.len() as u64) as usize;
        self.left -= n as u64;
        Poll::Ready(Some(Ok(Frame::data(self.chunk.slice(..n)))))
    }

    fn is_end_stream(&self) -> bool {
        self.left == 0
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.left)
    }
}

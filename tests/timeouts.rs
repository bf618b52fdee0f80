//! The README's timeout table, each row reached by a test: the defaults
//! (connect 10 s, per attempt 30 s, whole call 120 s, download read 30 s,
//! upload processing 1 h) and every `TimeoutKind`.
//!
//! The long defaults run on tokio's paused clock (`start_paused`): when
//! nothing is left to do but wait, the runtime jumps to the next timer, so a
//! 30 s timeout takes microseconds and `tokio::time::Instant` measures the
//! virtual wait exactly. The servers these tests talk to run on the same
//! runtime (a loopback write is readable at once), so no answer is ever
//! outrun by the jump. `within` bounds them in that virtual time too, so a
//! client that never gives up fails at once instead of hanging.

mod common;

use std::{future::IntoFuture, time::Duration};

use common::{retry_signal, within};
use tokio::{io::AsyncReadExt, net::TcpListener, time::Instant};
use videogen::{Client, Error, RetryPolicy, TimeoutKind, UploadOptions, UploadSource};
use videogen_fake::{FakeVideoGen, Fault, Route, SeedFile};

/// A server that accepts connections, reads the request and never answers.
async fn silent_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0u8; 8192];
                let _ = socket.read(&mut request).await;
                std::future::pending::<()>().await;
                drop(socket);
            });
        }
    });
    url
}

fn timeout_kind(err: &Error) -> Option<(TimeoutKind, Duration)> {
    match err {
        Error::Timeout { kind, after } => Some((*kind, *after)),
        _ => None,
    }
}

/// Asserts a virtual wait of `expected`, to the tokio timer's millisecond.
fn assert_waited(started: Instant, expected: Duration) {
    let waited = started.elapsed();
    assert!(
        waited >= expected && waited < expected + Duration::from_millis(100),
        "waited {waited:?}, expected {expected:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn the_per_attempt_timeout_defaults_to_30_s() {
    let client = Client::builder()
        .api_key("k")
        .base_url(silent_server().await)
        .disable_retries()
        .build()
        .unwrap();
    let started = Instant::now();
    let err = within(600, client.files().get("vg_file_silent")).await.unwrap_err();
    assert_eq!(
        timeout_kind(&err),
        Some((TimeoutKind::Attempt, Duration::from_secs(30))),
        "{err:?}"
    );
    assert_waited(started, Duration::from_secs(30));
}

#[tokio::test(start_paused = true)]
async fn a_timed_out_attempt_is_retried_with_a_fresh_30_s() {
    let client = Client::builder()
        .api_key("k")
        .base_url(silent_server().await)
        .retry_policy(RetryPolicy::default().max_retries(2).initial_backoff(Duration::ZERO))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = within(600, client.files().hydrate("vg_file_silent")).await.unwrap_err();
    assert_eq!(timeout_kind(&err).map(|(kind, _)| kind), Some(TimeoutKind::Attempt));
    assert_waited(started, Duration::from_secs(3 * 30));
}

/// A listener whose accept queue is full: the kernel drops further SYNs,
/// so a connection attempt neither succeeds nor fails until the client
/// gives up. Keep the listener and the stream alive while it is used.
fn unanswered_address() -> (std::net::SocketAddr, TcpListener, std::net::TcpStream) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(0).unwrap();
    let addr = listener.local_addr().unwrap();
    // Backlog 0 holds one connection; this one fills it and is never accepted.
    let filler = std::net::TcpStream::connect(addr).unwrap();
    (addr, listener, filler)
}

#[tokio::test(start_paused = true)]
async fn the_connect_timeout_defaults_to_10_s() {
    let (addr, _listener, _filler) = unanswered_address();
    let client = Client::builder()
        .api_key("k")
        .base_url(format!("http://{addr}"))
        .disable_retries()
        .build()
        .unwrap();
    let started = Instant::now();
    let err = within(600, client.files().get("vg_file_x")).await.unwrap_err();
    assert!(
        matches!(err, Error::Timeout { .. } | Error::Transport { .. }),
        "{err:?}"
    );
    assert_waited(started, Duration::from_secs(10));

    let patient = Client::builder()
        .api_key("k")
        .base_url(format!("http://{addr}"))
        .connect_timeout(Duration::from_secs(2))
        .disable_retries()
        .build()
        .unwrap();
    let started = Instant::now();
    within(600, patient.files().get("vg_file_x")).await.unwrap_err();
    assert_waited(started, Duration::from_secs(2));
}

#[tokio::test]
async fn the_call_deadline_cuts_an_attempt_short_as_a_call_timeout() {
    let client = Client::builder()
        .api_key("k")
        .base_url(silent_server().await)
        .call_timeout(Duration::from_millis(600))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = within(10, client.files().hydrate("vg_file_silent")).await.unwrap_err();
    assert_eq!(
        timeout_kind(&err),
        Some((TimeoutKind::Call, Duration::from_millis(600))),
        "{err:?}"
    );
    assert!(err.is_retryable());
    assert!(err.to_string().contains("overall deadline"), "{err}");
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(590) && took < Duration::from_secs(5),
        "{took:?}"
    );
}

/// The default whole-call deadline is 120 s, and a call whose next attempt
/// would have to wait out a hold reaching past that deadline ends with
/// `TimeoutKind::Call` without sending it.
///
/// Call B is refused with a 503 and `Retry-After: 4`. Two seconds later call
/// A is refused with a 429 and `Retry-After: 118`, which still fits in A's
/// own 120 s (so A holds the endpoint for 118 s) but ends after B's deadline.
/// When B wakes up for its retry, the hold outlasts its deadline.
#[tokio::test]
async fn the_call_deadline_defaults_to_120_s() {
    let fake = FakeVideoGen::builder()
        .files(["vg_file_a", "vg_file_b"].map(SeedFile::video))
        .start()
        .await;
    fake.faults()
        .on(Route::HydrateFile)
        .for_file("vg_file_b")
        .once(Fault::Unavailable {
            retry_after: Duration::from_secs(4),
        });
    fake.faults()
        .on(Route::HydrateFile)
        .for_file("vg_file_a")
        .once(Fault::rate_limited(Duration::from_secs(118)));
    // Server hints are capped at 60 s by default; the default deadline is the subject here.
    let policy = RetryPolicy::default().max_wait(Duration::from_secs(200));
    let client = fake.client_builder().retry_policy(policy).build().unwrap();
    let (retrying, _guard) = retry_signal();

    let b = tokio::spawn(client.files().hydrate("vg_file_b"));
    within(10, retrying.notified()).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let a = tokio::spawn(client.files().hydrate("vg_file_a"));
    let err = within(15, b).await.unwrap().unwrap_err();
    assert_eq!(
        timeout_kind(&err),
        Some((TimeoutKind::Call, Duration::from_secs(120))),
        "{err:?}"
    );
    let sent_for_b = fake
        .requests_to(Route::HydrateFile)
        .iter()
        .filter(|r| r.file_id.as_deref() == Some("vg_file_b"))
        .count();
    assert_eq!(sent_for_b, 1, "the retry that could not happen in time was not sent");
    a.abort();
}

#[tokio::test(start_paused = true)]
async fn the_download_read_timeout_defaults_to_30_s_and_five_resumes() {
    let fake = FakeVideoGen::builder()
        .file(SeedFile::video("vg_file_slow").bytes(4096))
        .start()
        .await;
    fake.faults()
        .on(Route::Download)
        .always(Fault::latency(Duration::from_secs(3600)));
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("slow.mp4");
    let started = Instant::now();
    let download = fake.client().files().download("vg_file_slow", &dest);
    let err = within(3000, download.into_future()).await.unwrap_err();
    assert_eq!(
        timeout_kind(&err),
        Some((TimeoutKind::Read, Duration::from_secs(30))),
        "{err:?}"
    );
    // The first attempt and five fruitless resumes, 30 s each.
    assert_waited(started, Duration::from_secs(6 * 30));
    assert!(!dest.exists());
}

#[tokio::test]
async fn a_download_that_stalls_mid_body_times_out_on_reading() {
    let fake = FakeVideoGen::builder()
        .file(SeedFile::video("vg_file_stall").bytes(1 << 20))
        .start()
        .await;
    fake.faults()
        .on(Route::Download)
        .always(Fault::StallMidBody(Duration::from_secs(30)));
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("stall.mp4");
    let download = fake
        .client()
        .files()
        .download("vg_file_stall", &dest)
        .read_timeout(Duration::from_millis(300))
        .max_resumes(0)
        .send();
    let err = within(10, download).await.unwrap_err();
    assert_eq!(
        timeout_kind(&err),
        Some((TimeoutKind::Read, Duration::from_millis(300))),
        "{err:?}"
    );
    assert!(err.to_string().contains("stalled"), "{err}");
    assert!(!dest.exists());
    assert_eq!(fake.count(Route::Download), 1, "max_resumes(0): no resume");
}

#[tokio::test(start_paused = true)]
async fn an_upload_waits_an_hour_for_processing_by_default() {
    let fake = FakeVideoGen::builder()
        .processing_delay(Duration::from_secs(2 * 3600))
        .start()
        .await;
    let started = Instant::now();
    let files = fake.client().files();
    let upload = files.upload(
        UploadSource::reader(&b"frames"[..], 6),
        UploadOptions::new().display_name("slow.mp4"),
    );
    let err = within(3 * 3600, upload.into_future()).await.unwrap_err();
    assert_eq!(
        timeout_kind(&err),
        Some((TimeoutKind::Processing, Duration::from_secs(3600))),
        "{err:?}"
    );
    assert_waited(started, Duration::from_secs(3600));
    let polls = fake.count(Route::HydrateFile);
    assert!(
        (200..300).contains(&polls),
        "polled every 1.5 s, growing to every 15 s: {polls} polls"
    );
}

//! The server binary: prints where it listens and with which key, serves the
//! API, and stops cleanly on SIGTERM. Bounded: the child is killed if any
//! step takes too long.

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    sync::mpsc,
    time::{Duration, Instant},
};

/// Kills the child if the test fails half-way.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(args: &[&str]) -> (Server, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_videogen-fake"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().unwrap();
    let server = Server(child);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut base_url = None;
    let mut key = None;
    while base_url.is_none() || key.is_none() {
        let line = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("the binary prints its URL and key");
        if let Some(url) = line.strip_prefix("VIDEOGEN_BASE_URL=") {
            base_url = Some(url.to_owned());
        } else if let Some(k) = line.strip_prefix("VIDEOGEN_API_KEY=") {
            key = Some(k.to_owned());
        }
    }
    (server, base_url.unwrap(), key.unwrap())
}

fn wait_exit(server: &mut Server, limit: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Some(status) = server.0.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_serves_the_api_and_stops_on_sigterm() {
    let (mut server, base_url, key) = start(&["--port", "0", "--seed", "1", "--job-duration", "0s", "--demo"]);
    assert!(base_url.starts_with("http://127.0.0.1:"), "{base_url}");
    assert_eq!(key, "vg_test_fake_key");

    let client = videogen::Client::builder()
        .base_url(&base_url)
        .api_key(&key)
        .build()
        .unwrap();
    let work = async {
        let me = client.account().me().await.unwrap();
        assert!(me.api_key_id.starts_with("vg_key_"));
        let demo = client.files().hydrate("vg_file_demo").await.unwrap();
        assert!(demo.download_url().unwrap().starts_with(&base_url));
        let job = client
            .tools()
            .generate_music(videogen::types::GenerateMusicRequest::new("a jingle"))
            .await
            .unwrap();
        let state = job.get().await.unwrap();
        assert_eq!(
            state.status,
            videogen::types::ExecutedToolStatus::Succeeded,
            "--job-duration 0s"
        );
        let projects = client.projects().list().include_ui_projects(true).await.unwrap();
        assert_eq!(projects.projects.len(), 2, "--demo seeds projects");
    };
    tokio::time::timeout(Duration::from_secs(30), work)
        .await
        .expect("requests answered in time");

    let pid = server.0.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    let status = wait_exit(&mut server, Duration::from_secs(10)).expect("it stops within 10 s of SIGTERM");
    assert!(status.success(), "clean exit: {status:?}");
}

#[test]
fn the_same_seed_gives_the_same_ids_across_processes() {
    let mut ids = Vec::new();
    for _ in 0..2 {
        let (mut server, base_url, key) = start(&["--seed", "42"]);
        let output = Command::new("curl")
            .args(["-s", "--max-time", "10", "-X", "POST", "-H"])
            .arg(format!("Authorization: Bearer {key}"))
            .args([
                "-d",
                r#"{"prompt":"x"}"#,
                &format!("{base_url}/v1/tools/generate-music"),
            ])
            .output();
        let Ok(output) = output else {
            eprintln!("no curl: skipped");
            return;
        };
        ids.push(String::from_utf8_lossy(&output.stdout).into_owned());
        let _ = Command::new("kill")
            .args(["-TERM", &server.0.id().to_string()])
            .status();
        wait_exit(&mut server, Duration::from_secs(10)).expect("stops");
    }
    assert!(ids[0].contains("vg_tool_"), "{}", ids[0]);
    assert_eq!(ids[0], ids[1]);
}

#[test]
fn bad_flags_exit_with_status_2_and_help_lists_them() {
    let bad = Command::new(env!("CARGO_BIN_EXE_videogen-fake"))
        .arg("--job-duration=soon")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--job-duration"));
    let help = Command::new(env!("CARGO_BIN_EXE_videogen-fake"))
        .arg("--help")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&help.stdout);
    for flag in ["--port", "--seed", "--job-duration", "--url-ttl", "--latency", "--demo"] {
        assert!(text.contains(flag), "{flag}");
    }
}

#[test]
fn a_sigterm_right_after_start_is_a_clean_stop() {
    for _ in 0..5 {
        let (mut server, _, _) = start(&["--port", "0"]);
        let killed = Command::new("kill")
            .args(["-TERM", &server.0.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = wait_exit(&mut server, Duration::from_secs(10)).expect("it stops");
        assert!(status.success(), "handled, not killed: {status:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_delivers_signed_webhooks_as_jobs_end() {
    use axum::{body::Bytes, http::HeaderMap, Router};
    use videogen::types::{CreateWebhookEndpointRequest, GenerateMusicRequest, WebhookEventName};

    let (mut server, base_url, key) = start(&["--job-duration", "200ms"]);
    let client = videogen::Client::builder()
        .base_url(&base_url)
        .api_key(&key)
        .build()
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let (tx, mut got) = tokio::sync::mpsc::unbounded_channel::<(HeaderMap, Bytes)>();
    let app = Router::new().fallback(move |headers: HeaderMap, body: Bytes| {
        let _ = tx.send((headers, body));
        async { "ok" }
    });
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let work = async {
        let endpoint = client
            .webhooks()
            .create_endpoint(CreateWebhookEndpointRequest::new(
                url,
                vec![WebhookEventName::ToolExecutionSucceeded],
            ))
            .await
            .unwrap();
        let job = client
            .tools()
            .generate_music(GenerateMusicRequest::new("a jingle"))
            .await
            .unwrap();
        // Nobody polls or moves a clock: the process's own clock ends the job.
        let (headers, body) = got.recv().await.unwrap();
        let verifier = videogen::webhooks::Verifier::new(endpoint.signing_secret.as_deref().unwrap()).unwrap();
        let event = verifier.verify(&headers, &body).unwrap();
        assert_eq!(event.name(), "tool_execution.succeeded");
        let videogen::webhooks::Event::ToolExecution { payload, .. } = event else {
            panic!("a tool execution event");
        };
        assert_eq!(payload.tool_execution_id, job.id());
    };
    tokio::time::timeout(Duration::from_secs(30), work)
        .await
        .expect("the delivery arrived in time");

    let pid = server.0.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let status = wait_exit(&mut server, Duration::from_secs(10)).expect("it stops within 10 s of SIGTERM");
    assert!(status.success(), "clean exit: {status:?}");
}

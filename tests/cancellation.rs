//! Dropping a call's future stops it: no request after the drop, no temporary
//! file left behind, and the cache's single-flight recovers.

mod common;

use std::time::Duration;

use common::{default_client, within, KEY};
use httpmock::prelude::*;
use serde_json::json;
use tokio::{io::AsyncWriteExt, net::TcpListener};
use videogen::Client;

#[tokio::test]
async fn a_dropped_call_sends_no_further_retries() {
    let server = MockServer::start_async().await;
    let busy = server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/files/slow/hydrate");
            then.status(503)
                .header("retry-after", "1")
                .json_body(json!({"message": "busy"}));
        })
        .await;
    let client = default_client(&server);
    // Drop the call once its first attempt was answered (it then waits 1 s
    // to retry), however slowly this machine runs.
    let mut call = Box::pin(client.files().hydrate("slow"));
    within(10, async {
        while busy.calls_async().await == 0 {
            tokio::select! {
                done = &mut call => panic!("the call ended before its retry: {done:?}"),
                _ = tokio::time::sleep(Duration::from_millis(5)) => {}
            }
        }
    })
    .await;
    drop(call);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(busy.calls_async().await, 1, "the retry died with the dropped future");
}

#[tokio::test]
async fn a_dropped_cache_leader_does_not_poison_the_cache() {
    let server = MockServer::start_async().await;
    let fresh = json!({"fileId": "lead", "scope": "GLOBAL",
        "downloadSource": {"status": "ready", "url": "https://cdn/x?t=1", "expiresAt": 4102444800.0}});
    let get = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/files/lead");
            then.status(200).json_body(fresh).delay(Duration::from_secs(1));
        })
        .await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .hydration_cache(10)
        .build()
        .unwrap();
    let files = client.files();
    // Drop the leader once its GET has reached the server (which answers
    // a second later), however slowly this machine runs.
    let mut leader = Box::pin(files.get_hydrated("lead"));
    within(10, async {
        while get.calls_async().await == 0 {
            tokio::select! {
                done = &mut leader => panic!("the leader finished before it was dropped: {done:?}"),
                _ = tokio::time::sleep(Duration::from_millis(5)) => {}
            }
        }
    })
    .await;
    drop(leader);
    let file = tokio::time::timeout(Duration::from_secs(10), files.get_hydrated("lead"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(file.id(), "lead");
    assert_eq!(
        get.calls_async().await,
        2,
        "the abandoned load was not awaited forever nor cached"
    );
}

#[tokio::test]
async fn a_dropped_download_leaves_no_partial_file() {
    // A storage server that sends headers and a first chunk, then stalls.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let storage = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let head = "HTTP/1.1 200 OK\r\nContent-Length: 10000000\r\nContent-Type: video/mp4\r\n\r\n";
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(&[7u8; 64 * 1024]).await;
                tokio::time::sleep(Duration::from_secs(30)).await;
            });
        }
    });
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/files/big");
            then.status(200).json_body(json!({"fileId": "big", "scope": "GLOBAL",
                "downloadSource": {"status": "ready", "url": format!("{storage}/big.mp4?sig=S"), "expiresAt": 4102444800.0}}));
        })
        .await;
    let client = default_client(&server);
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("big.mp4");
    let (tx, rx) = tokio::sync::oneshot::channel();
    let tx = std::sync::Mutex::new(Some(tx));
    let download = client.files().download("big", &dest).on_progress(move |_| {
        if let Some(tx) = tx.lock().unwrap().take() {
            let _ = tx.send(());
        }
    });
    let task = tokio::spawn(download.send());
    rx.await.expect("bytes started flowing");
    let leftovers = || std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(leftovers(), 1, "the temporary file exists while downloading");
    task.abort();
    assert!(task.await.unwrap_err().is_cancelled());
    assert_eq!(leftovers(), 0, "no temporary file after the drop");
    assert!(!dest.exists());
}

/// "The crate spawns no tasks": nothing under src/ calls a spawn function,
/// so all of a call's work lives in the future the caller holds (hyper's
/// own connection tasks aside). A file's unit tests (its `#[cfg(test)] mod
/// tests` at the end) are not the crate's code and may.
#[test]
fn the_crate_spawns_no_tasks() {
    fn scan(dir: &std::path::Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                scan(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                let code = text.split("\n#[cfg(test)]\nmod tests {").next().unwrap_or_default();
                for (n, line) in code.lines().enumerate() {
                    let code = line.split("//").next().unwrap_or_default();
                    if ["spawn(", "spawn_blocking(", "spawn_local("]
                        .iter()
                        .any(|f| code.contains(f))
                    {
                        found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                    }
                }
            }
        }
    }
    let mut found = Vec::new();
    scan(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut found,
    );
    assert!(found.is_empty(), "the crate spawns tasks:\n{}", found.join("\n"));
}

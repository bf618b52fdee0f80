//! The eight operations through the `videogen` client, and the error
//! answers checked with raw HTTP.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use videogen::{types::CreateFileUploadRequest, FileScope, FileSourceStatus, FileType, Rendition, UploadFileType};
use videogen_fake::{Clock, FakeVideoGen, Route, SeedFile, UrlsOnRead};

const T0: u64 = 1_900_000_000;

fn frozen() -> Clock {
    Clock::frozen(UNIX_EPOCH + Duration::from_secs(T0))
}

async fn raw(
    fake: &FakeVideoGen,
    method: reqwest::Method,
    path: &str,
    key: Option<&str>,
    body: &str,
) -> (u16, String, serde_json::Value) {
    let mut request = reqwest::Client::new()
        .request(method, format!("{}{path}", fake.base_url()))
        .body(body.to_owned());
    if let Some(key) = key {
        request = request.header("authorization", format!("Bearer {key}"));
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let request_id = response.headers()["x-request-id"].to_str().unwrap().to_owned();
    let body = response.bytes().await.unwrap();
    (
        status,
        request_id,
        serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
    )
}

/// PUTs bytes to an upload URL, as a storage client would; returns the status.
async fn put(url: &str, body: &'static str) -> u16 {
    reqwest::Client::new()
        .put(url)
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn get_omits_urls_and_hydrate_mints_them_with_the_configured_ttl() {
    let fake = FakeVideoGen::builder()
        .clock(frozen())
        .url_ttl(Duration::from_secs(600))
        .file(
            SeedFile::video("vg_file_a")
                .bytes(4096)
                .rendition(Rendition::Hls, FileSourceStatus::Pending),
        )
        .start()
        .await;
    let files = fake.client().files();

    let plain = files.get("vg_file_a").await.unwrap();
    assert!(plain.sources().all(|(_, s)| s.url.is_none() && s.expires_at.is_none()));
    assert_eq!(plain.download_source.as_ref().unwrap().file_bytes, Some(4096));

    let hydrated = files.hydrate("vg_file_a").await.unwrap();
    let download = hydrated.download_source.as_ref().unwrap();
    assert_eq!(
        download.expires_at,
        videogen::Timestamp::from_unix_seconds((T0 + 600) as f64)
    );
    assert!(download
        .url
        .as_deref()
        .unwrap()
        .starts_with(&format!("{}/download/vg_file_a/download?", fake.base_url())));
    assert!(hydrated.preview_url().is_some() && hydrated.thumbnail_url().is_some());
    let hls = hydrated.hls_source.as_ref().unwrap();
    assert_eq!(
        (hls.status.clone(), hls.url.as_deref()),
        (FileSourceStatus::Pending, None),
        "pending stays pending"
    );

    fake.clock().advance(Duration::from_secs(100));
    let again = files.hydrate("vg_file_a").await.unwrap();
    assert_eq!(
        again.download_source.unwrap().expires_at,
        videogen::Timestamp::from_unix_seconds((T0 + 700) as f64),
        "every hydrate mints anew"
    );
    assert_eq!(fake.count(Route::HydrateFile), 2);
    assert_eq!(fake.count(Route::GetFile), 1);
}

#[tokio::test]
async fn reads_can_carry_the_last_minted_urls() {
    let fake = FakeVideoGen::builder()
        .clock(frozen())
        .urls_on_read(UrlsOnRead::LastMinted)
        .file(SeedFile::image("vg_file_img"))
        .start()
        .await;
    let files = fake.client().files();
    assert_eq!(
        files.get("vg_file_img").await.unwrap().download_url(),
        None,
        "nothing minted yet"
    );
    let minted = files.hydrate("vg_file_img").await.unwrap();
    fake.clock().advance(Duration::from_secs(7200));
    let stale = files.get("vg_file_img").await.unwrap();
    assert_eq!(stale.download_url(), minted.download_url());
    assert!(
        stale.needs_hydration(fake.clock().now()),
        "the URL is past its expiry by the fake's clock"
    );
}

#[tokio::test]
async fn seeded_files_cover_every_type_scope_and_status() {
    let fake = FakeVideoGen::builder().with_demo_files().start().await;
    let files = fake.client().files();
    let mut all = Vec::new();
    let mut cursor = None;
    loop {
        let mut request = files.list().limit(2);
        if let Some(c) = cursor.take() {
            request = request.cursor(c);
        }
        let page = request.await.unwrap();
        assert!(page.files.len() <= 2);
        all.extend(page.files);
        match page.next_cursor {
            Some(next) if page.has_more => cursor = Some(next),
            _ => break,
        }
    }
    assert_eq!(all.len(), SeedFile::demo_set().len());
    for scope in FileScope::KNOWN {
        assert!(all.iter().any(|f| f.scope.as_str() == *scope), "no {scope} file");
    }
    for kind in FileType::KNOWN {
        assert!(
            all.iter()
                .any(|f| f.type_.as_ref().is_some_and(|t| t.as_str() == *kind)),
            "no {kind} file"
        );
    }
    // Every type is one the published document lists: the forward-compatibility
    // demo is opt-in.
    assert!(all.iter().all(|f| f.type_.as_ref().is_none_or(|t| !t.is_unknown())));
    let future = FakeVideoGen::builder().with_future_types().start().await;
    let lottie = future.client().files().get("vg_file_demo_lottie").await.unwrap();
    assert_eq!(lottie.type_, Some(FileType::Unknown("LOTTIE".into())));
    for status in ["pending", "ready", "failed", "skipped"] {
        assert!(
            all.iter()
                .flat_map(|f| f.sources())
                .any(|(_, s)| s.status.as_str() == status),
            "no {status} source"
        );
    }
    let audio = all.iter().find(|f| f.type_ == Some(FileType::Audio)).unwrap();
    assert_eq!(
        audio.thumbnail_source.as_ref().unwrap().status,
        FileSourceStatus::Skipped
    );
    let public = all.iter().find(|f| f.file_id == "vg_file_demo_public").unwrap();
    assert!(public
        .public_preview_url()
        .unwrap()
        .ends_with("/public/vg_file_demo_public"));
}

#[tokio::test]
async fn lists_page_newest_first_and_leave_out_archived_files() {
    let fake = FakeVideoGen::start().await;
    for n in 0..5 {
        fake.add_file(SeedFile::video(format!("vg_file_{n}")));
    }
    let files = fake.client().files();
    let first = files.list().limit(3).await.unwrap();
    let ids: Vec<_> = first.files.iter().map(|f| f.file_id.as_str()).collect();
    assert_eq!(ids, ["vg_file_4", "vg_file_3", "vg_file_2"]);
    assert!(first.has_more);
    // A file added between pages does not shift the next page.
    fake.add_file(SeedFile::video("vg_file_new"));
    let second = files.list().limit(3).cursor(first.next_cursor.unwrap()).await.unwrap();
    let ids: Vec<_> = second.files.iter().map(|f| f.file_id.as_str()).collect();
    assert_eq!(ids, ["vg_file_1", "vg_file_0"]);
    assert!(!second.has_more && second.next_cursor.is_none());

    let archived = files.archive("vg_file_2").await.unwrap();
    assert_eq!(archived.file_id, "vg_file_2");
    let everything = files.list().limit(200).await.unwrap();
    assert_eq!(everything.files.len(), 5);
    assert!(everything.files.iter().all(|f| f.file_id != "vg_file_2"));
    assert_eq!(
        files.get("vg_file_2").await.unwrap().file_id,
        "vg_file_2",
        "archived files stay readable"
    );
}

#[tokio::test]
async fn search_ranks_by_shared_words_and_honours_limits() {
    let fake = FakeVideoGen::builder()
        .file(SeedFile::video("vg_file_both").description("sunset over the sea"))
        .file(SeedFile::video("vg_file_one").description("a sunset in the city"))
        .file(
            SeedFile::video("vg_file_theirs")
                .description("sunset sea")
                .created_by_self(false),
        )
        .file(SeedFile::video("vg_file_none").description("mountains"))
        .file(SeedFile::video("vg_file_gone").description("sunset sea").archived(true))
        .start()
        .await;
    let files = fake.client().files();
    let results = files.search("Sunset sea").await.unwrap();
    let ranked: Vec<_> = results
        .iter()
        .map(|r| (r.file.file_id.as_str(), r.similarity))
        .collect();
    assert_eq!(
        ranked,
        [("vg_file_theirs", 1.0), ("vg_file_both", 1.0), ("vg_file_one", 0.5)]
    );
    let mine = files.search("sunset sea").self_only(true).num_results(1).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].file.file_id, "vg_file_both");
    assert!(files.search("volcano").await.unwrap().is_empty());
}

#[tokio::test]
async fn uploads_go_from_pending_to_ready_after_the_processing_delay() {
    let fake = FakeVideoGen::builder()
        .clock(frozen())
        .processing_delay(Duration::from_secs(30))
        .start()
        .await;
    let files = fake.client().files();
    let created = files
        .create_upload(CreateFileUploadRequest::new("clip.mp4").file_type(UploadFileType::Video))
        .await
        .unwrap();
    assert!(created.file_id.starts_with("vg_file_"));
    assert!(created.upload_url.starts_with(&format!("{}/upload/", fake.base_url())));
    let pending = files.hydrate(&created.file_id).await.unwrap();
    assert_eq!(pending.download_source.unwrap().status, FileSourceStatus::Pending);
    assert_eq!(pending.display_name.as_deref(), Some("clip.mp4"));

    let put = reqwest::Client::new()
        .put(&created.upload_url)
        .header("content-type", "video/mp4")
        .body(vec![7u8; 5000])
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 200);
    let received = fake.upload(&created.file_id).unwrap();
    assert_eq!(
        (received.len, received.content_type.as_deref()),
        (5000, Some("video/mp4"))
    );
    assert_eq!(received.bytes.as_deref(), Some(&[7u8; 5000][..]));
    assert!(fake.requests_to(Route::Upload)[0].header("authorization").is_none());
    let processing = files.hydrate(&created.file_id).await.unwrap();
    assert_eq!(processing.type_, Some(FileType::Video), "the announced type");

    fake.clock().advance(Duration::from_secs(29));
    assert_eq!(
        files
            .hydrate(&created.file_id)
            .await
            .unwrap()
            .download_source
            .unwrap()
            .status,
        FileSourceStatus::Pending
    );
    fake.clock().advance(Duration::from_secs(1));
    let ready = files.hydrate(&created.file_id).await.unwrap();
    assert_eq!(ready.type_, Some(FileType::Video));
    let source = ready.download_source.as_ref().unwrap();
    assert_eq!(
        (source.status.clone(), source.file_bytes),
        (FileSourceStatus::Ready, Some(5000))
    );
    let body = reqwest::get(ready.download_url().unwrap())
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&body[..], &[7u8; 5000][..], "downloads serve the uploaded bytes back");
}

#[tokio::test]
async fn uploads_fail_when_told_and_temporary_ones_are_scoped_so() {
    let fake = FakeVideoGen::start().await;
    let files = fake.client().files();
    let created = files
        .create_upload(CreateFileUploadRequest::new("bad.mov").temporary(true))
        .await
        .unwrap();
    assert!(fake.fail_upload(&created.file_id));
    assert_eq!(
        files.get(&created.file_id).await.unwrap().type_,
        None,
        "no type until processed"
    );
    assert_eq!(put(&created.upload_url, "x").await, 200);
    let failed = files.hydrate(&created.file_id).await.unwrap();
    assert_eq!(failed.scope, FileScope::Temporary);
    assert_eq!(failed.download_source.unwrap().status, FileSourceStatus::Failed);

    fake.fail_uploads(true);
    let second = files.create_upload("other.mp4").await.unwrap();
    assert_eq!(put(&second.upload_url, "y").await, 200);
    assert_eq!(
        files
            .get(&second.file_id)
            .await
            .unwrap()
            .download_source
            .unwrap()
            .status,
        FileSourceStatus::Failed
    );
}

#[tokio::test]
async fn upload_urls_are_signed_and_expire() {
    let fake = FakeVideoGen::builder()
        .upload_url_ttl(Duration::from_secs(60))
        .start()
        .await;
    let created = fake.client().files().create_upload("late.mp4").await.unwrap();
    let http = reqwest::Client::new();
    let tampered = created.upload_url.replace("sig=", "sig=0");
    assert_eq!(http.put(&tampered).body("x").send().await.unwrap().status(), 403);
    fake.clock().advance(Duration::from_secs(61));
    assert_eq!(
        http.put(&created.upload_url).body("x").send().await.unwrap().status(),
        403
    );
    assert_eq!(fake.upload(&created.file_id), None);
}

#[tokio::test]
async fn public_preview_toggles_the_static_source() {
    let fake = FakeVideoGen::start().await;
    fake.add_file(SeedFile::video("vg_file_pub"));
    let files = fake.client().files();
    let on = files.enable_public_preview("vg_file_pub").await.unwrap();
    assert_eq!(on.is_public_preview_enabled, Some(true));
    let url = on.public_preview_url().unwrap().to_owned();
    assert_eq!(on.static_public_preview_source.as_ref().unwrap().expires_at, None);
    assert!(on.public_playback_id.as_deref().unwrap().starts_with("vg_play_"));
    assert_eq!(reqwest::get(&url).await.unwrap().status(), 200);

    let off = files.disable_public_preview("vg_file_pub").await.unwrap();
    assert_eq!(off.is_public_preview_enabled, Some(false));
    assert!(off.static_public_preview_source.is_none() && off.public_playback_id.is_none());
    assert_eq!(reqwest::get(&url).await.unwrap().status(), 404);
}

#[tokio::test]
async fn errors_are_api_error_bodies_with_request_ids() {
    let fake = FakeVideoGen::builder().file(SeedFile::video("vg_file_a")).start().await;
    let key = Some(FakeVideoGen::API_KEY);
    use reqwest::Method as M;

    let (status, id, body) = raw(&fake, M::GET, "/v1/files/vg_file_a", None, "").await;
    assert_eq!((status, body["code"].as_str()), (401, Some("missing_api_key")));
    assert!(id.starts_with("req_"));
    let (status, _, body) = raw(&fake, M::GET, "/v1/files/vg_file_a", Some("wrong"), "").await;
    assert_eq!((status, body["code"].as_str()), (401, Some("invalid_api_key")));
    let (status, _, body) = raw(&fake, M::POST, "/v1/files/vg_file_zzz/hydrate", key, "").await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));
    assert!(body["message"].as_str().unwrap().contains("vg_file_zzz"));

    for (method, path, body) in [
        (M::POST, "/v1/files/search", "{not json"),
        (M::POST, "/v1/files/search", r#"{"query":""}"#),
        (M::POST, "/v1/files/search", r#"{"query":"a","numResults":101}"#),
        (M::POST, "/v1/files/search", r#"{"query":"a","numResults":0}"#),
        (M::POST, "/v1/files/upload", r#"{}"#),
        (M::POST, "/v1/files/upload", r#"{"displayName":"x","type":"HOLOGRAM"}"#),
        (M::GET, "/v1/files?limit=0", ""),
        (M::GET, "/v1/files?limit=201", ""),
        (M::GET, "/v1/files?limit=1.5", ""),
    ] {
        let (status, _, error) = raw(&fake, method.clone(), path, key, body).await;
        assert_eq!(
            (status, error["code"].as_str()),
            (400, Some("invalid_parameters")),
            "{method} {path} {body}"
        );
        assert!(!error["message"].as_str().unwrap().is_empty());
    }
    // What the document allows is accepted: an empty cursor, an empty or blank
    // display name, an integer written as 53.0.
    for (method, path, body) in [
        (M::GET, "/v1/files?cursor=", ""),
        (M::GET, "/v1/files?limit=53.0", ""),
        (M::POST, "/v1/files/upload", r#"{"displayName":""}"#),
        (M::POST, "/v1/files/upload", r#"{"displayName":" "}"#),
        (M::POST, "/v1/files/search", r#"{"query":"a","numResults":53.0}"#),
    ] {
        let (status, _, _) = raw(&fake, method.clone(), path, key, body).await;
        assert_eq!(status, 200, "{method} {path} {body}");
    }
    // A cursor this server never issued is a page that does not exist.
    let (status, _, body) = raw(&fake, M::GET, "/v1/files?cursor=bogus", key, "").await;
    assert_eq!((status, body["code"].as_str()), (404, Some("invalid_cursor")));
    let (status, _, body) = raw(&fake, M::GET, "/v2/nothing", key, "").await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));

    // The client surfaces all of it.
    let err = fake.client().files().get("vg_file_missing").await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.code(), Some("not_found"));
    assert!(err.request_id().unwrap().starts_with("req_fake_"));
    let ids: Vec<_> = fake.requests().iter().map(|r| r.request_id.clone()).collect();
    assert_eq!(ids.len(), 20);
    assert!(ids.windows(2).all(|w| w[0] != w[1]), "request ids are unique");
}

#[tokio::test]
async fn other_keys_can_be_accepted_and_the_log_sees_them() {
    let fake = FakeVideoGen::builder()
        .api_key("primary")
        .extra_api_key("secondary")
        .start()
        .await;
    assert_eq!(fake.api_key(), "primary");
    let secondary = videogen::Client::builder()
        .base_url(fake.base_url())
        .api_key("secondary")
        .build()
        .unwrap();
    secondary.files().list().await.unwrap();
    fake.client().files().list().await.unwrap();
    let keys: Vec<_> = fake
        .requests()
        .iter()
        .map(|r| r.header("authorization").unwrap().to_owned())
        .collect();
    assert_eq!(keys, ["Bearer secondary", "Bearer primary"]);
    assert_eq!(fake.hits("getFiles"), 2);
    assert!(fake.requests()[0].at <= SystemTime::now() + Duration::from_secs(1));
    fake.reset_log();
    assert_eq!((fake.requests().len(), fake.hits("getFiles")), (0, 0));
}

#[tokio::test]
async fn unknown_methods_get_api_errors_and_shutdown_stops_the_server() {
    let fake = FakeVideoGen::builder().file(SeedFile::video("vg_file_a")).start().await;
    let (status, id, body) = raw(
        &fake,
        reqwest::Method::DELETE,
        "/v1/files/vg_file_a",
        Some(FakeVideoGen::API_KEY),
        "",
    )
    .await;
    assert_eq!((status, body["code"].as_str()), (405, Some("method_not_allowed")));
    assert!(id.starts_with("req_fake_"));
    assert_eq!(fake.requests()[0].route, None, "not counted as getFile");
    assert_eq!(fake.count(Route::GetFile), 0);

    let client = fake.client_builder().disable_retries().build().unwrap();
    client.files().get("vg_file_a").await.unwrap();
    fake.shutdown().await;
    let err = client.files().get("vg_file_a").await.unwrap_err();
    assert!(matches!(err, videogen::Error::Transport { .. }), "{err:?}");
}

#[tokio::test]
async fn seeded_rngs_give_the_same_ids_and_odd_ids_survive_the_round_trip() {
    let mut ids = Vec::new();
    for _ in 0..2 {
        let fake = FakeVideoGen::builder().rng_seed(7).start().await;
        ids.push(fake.client().files().create_upload("a.mp4").await.unwrap().file_id);
    }
    assert_eq!(ids[0], ids[1]);

    let odd = "vg_file_a/b c%ü";
    let fake = FakeVideoGen::builder()
        .file(SeedFile::audio(odd).bytes(300))
        .start()
        .await;
    let file = fake.client().files().hydrate(odd).await.unwrap();
    assert_eq!(file.file_id, odd);
    let body = reqwest::get(file.download_url().unwrap())
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(body, fake.rendition_bytes(odd, Rendition::Download).unwrap());
    let logged: Vec<_> = fake.requests().iter().map(|r| r.file_id.clone().unwrap()).collect();
    assert_eq!(logged, [odd, odd]);
}

#[tokio::test]
async fn a_public_preview_seeded_while_processing_is_published_once_ready() {
    let fake = FakeVideoGen::builder()
        .clock(frozen())
        .file(
            SeedFile::video("vg_file_soon")
                .public_preview(true)
                .ready_after(Duration::from_secs(10)),
        )
        .start()
        .await;
    let files = fake.client().files();
    let early = files.get("vg_file_soon").await.unwrap();
    let copy = early.static_public_preview_source.unwrap();
    assert_eq!((copy.status, copy.url), (FileSourceStatus::Pending, None));
    fake.clock().advance(Duration::from_secs(10));
    let ready = files.get("vg_file_soon").await.unwrap();
    assert!(ready.public_preview_url().unwrap().ends_with("/public/vg_file_soon"));
    assert!(ready.public_hls_url.is_some());
}

#[tokio::test]
async fn reads_can_mint_fresh_urls_every_time() {
    let fake = FakeVideoGen::builder()
        .clock(frozen())
        .urls_on_read(UrlsOnRead::Fresh)
        .file(SeedFile::pdf("vg_file_doc"))
        .start()
        .await;
    let page = fake.client().files().list().await.unwrap();
    let source = page.files[0].download_source.as_ref().unwrap();
    assert_eq!(
        source.expires_at,
        videogen::Timestamp::from_unix_seconds((T0 + 3600) as f64),
        "the default TTL is an hour"
    );
    assert!(source
        .url
        .as_deref()
        .unwrap()
        .contains("/download/vg_file_doc/download?"));
    assert_eq!(fake.count(Route::HydrateFile), 0);
}

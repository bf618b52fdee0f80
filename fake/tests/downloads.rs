//! Signed download URLs: whole bodies, ranges, expiry and signatures.

use std::time::Duration;

use videogen::Rendition;
use videogen_fake::{FakeVideoGen, Route, SeedFile};

async fn hydrated_url(fake: &FakeVideoGen, id: &str, rendition: Rendition) -> String {
    fake.client()
        .files()
        .hydrate(id)
        .await
        .unwrap()
        .url(rendition)
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn downloads_serve_the_generated_bytes_whole_and_by_range() {
    let fake = FakeVideoGen::builder()
        .file(SeedFile::video("vg_file_a").bytes(100_000))
        .start()
        .await;
    let url = hydrated_url(&fake, "vg_file_a", Rendition::Download).await;
    let expected = fake.rendition_bytes("vg_file_a", Rendition::Download).unwrap();
    assert_eq!(expected.len(), 100_000);
    let http = reqwest::Client::new();

    let whole = http.get(&url).send().await.unwrap();
    assert_eq!(whole.status(), 200);
    assert_eq!(whole.headers()["content-length"], "100000");
    assert_eq!(whole.headers()["accept-ranges"], "bytes");
    assert_eq!(whole.headers()["content-type"], "video/mp4");
    let etag = whole.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(whole.bytes().await.unwrap(), expected);

    let part = http.get(&url).header("range", "bytes=1000-1999").send().await.unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(part.headers()["content-range"], "bytes 1000-1999/100000");
    assert_eq!(part.headers()["content-length"], "1000");
    assert_eq!(part.bytes().await.unwrap(), expected.slice(1000..2000));

    let tail = http.get(&url).header("range", "bytes=99990-").send().await.unwrap();
    assert_eq!(tail.bytes().await.unwrap(), expected.slice(99_990..));

    let stale = http
        .get(&url)
        .header("range", "bytes=10-")
        .header("if-range", "\"other\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 200, "a changed validator gets the whole file");
    let same = http
        .get(&url)
        .header("range", "bytes=10-")
        .header("if-range", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(same.status(), 206);

    let beyond = http.get(&url).header("range", "bytes=100000-").send().await.unwrap();
    assert_eq!(beyond.status(), 416);
    assert_eq!(beyond.headers()["content-range"], "bytes */100000");

    let head = http.head(&url).send().await.unwrap();
    assert_eq!(
        (
            head.status().as_u16(),
            head.headers()["content-length"].to_str().unwrap()
        ),
        (200, "100000")
    );

    let ranges = fake.download_ranges("vg_file_a");
    assert_eq!(
        ranges[..3],
        [
            None,
            Some("bytes=1000-1999".to_owned()),
            Some("bytes=99990-".to_owned())
        ]
    );
    assert_eq!(fake.count(Route::Download), 7);
}

#[tokio::test]
async fn urls_stop_working_when_expired_by_the_fake_clock_or_tampered_with() {
    // The system clock (the default) keeps running; expiry is exact to the
    // millisecond, so a URL checked right after minting has its whole TTL.
    let fake = FakeVideoGen::builder()
        .url_ttl(Duration::from_secs(300))
        .file(SeedFile::image("vg_file_img").bytes(2048))
        .start()
        .await;
    let url = hydrated_url(&fake, "vg_file_img", Rendition::Preview).await;
    let http = reqwest::Client::new();
    assert_eq!(http.get(&url).send().await.unwrap().status(), 200);

    let tampered = url.replace("/preview?", "/download?");
    let response = http.get(&tampered).send().await.unwrap();
    assert_eq!(response.status(), 403);
    assert!(response.headers().contains_key("x-request-id"));
    let unsigned = url.split('?').next().unwrap();
    assert_eq!(http.get(unsigned).send().await.unwrap().status(), 403);

    fake.clock().advance(Duration::from_secs(299));
    assert_eq!(http.get(&url).send().await.unwrap().status(), 200);
    fake.clock().advance(Duration::from_secs(1));
    let expired = http.get(&url).send().await.unwrap();
    assert_eq!(expired.status(), 403);
    let body: serde_json::Value = serde_json::from_slice(&expired.bytes().await.unwrap()).unwrap();
    assert_eq!(body["code"], "expired");

    // Tests can mint URLs directly, e.g. one that expired an hour ago.
    let old = fake.signed_url(
        "vg_file_img",
        Rendition::Download,
        fake.clock().now() - Duration::from_secs(3600),
    );
    assert_eq!(http.get(&old).send().await.unwrap().status(), 403);
    let fresh = fake.signed_url(
        "vg_file_img",
        Rendition::Download,
        fake.clock().now() + Duration::from_secs(86_400),
    );
    assert_eq!(http.get(&fresh).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn a_gibibyte_file_streams_without_being_stored() {
    let fake = FakeVideoGen::builder()
        .file(SeedFile::video("vg_file_big").bytes(1 << 30))
        .start()
        .await;
    let file = fake.client().files().hydrate("vg_file_big").await.unwrap();
    assert_eq!(file.download_source.as_ref().unwrap().file_bytes, Some(1 << 30));
    let url = file.download_url().unwrap();
    let http = reqwest::Client::new();

    let end = http.get(url).header("range", "bytes=-16").send().await.unwrap();
    assert_eq!(
        end.headers()["content-range"],
        format!("bytes {}-{}/{}", (1u64 << 30) - 16, (1u64 << 30) - 1, 1u64 << 30)
    );
    assert_eq!(end.bytes().await.unwrap().len(), 16);

    // Read the first few MiB of the whole-file response, then hang up.
    let mut whole = http.get(url).send().await.unwrap();
    assert_eq!(whole.content_length(), Some(1 << 30));
    let mut read = 0;
    while read < 4 << 20 {
        read += whole.chunk().await.unwrap().unwrap().len();
    }
    drop(whole);
    assert_eq!(fake.count(Route::Download), 2);
}

//! Realistic response bodies, modelled on the published `hydrateFile`,
//! `archiveFile` and `searchFiles` examples: a hydrated video with every
//! rendition signed, analysis metadata, a description and a transcript.

use serde_json::{json, Value};

/// The key every bench client sends as `Authorization: Bearer ...`.
pub const API_KEY: &str = "sk_live_bench_4f9c2a7e81d64b0c9a3e5f17d2b8c640";

/// Ids of the form `vg_dl_<bytes>` name a file whose download is `<bytes>` long.
pub const DOWNLOAD_ID_PREFIX: &str = "vg_dl_";

/// Seconds since the Unix epoch, plus `ahead`.
pub fn unix_now_plus(ahead: f64) -> f64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970");
    now.as_secs_f64() + ahead
}

/// A CDN-style signed query: expiry, a 172-character signature and a key id,
/// the shape and length of the URLs the API hands out.
fn signed_query(expires_at: f64, salt: usize) -> String {
    let signature: String = (0..172)
        .map(|i| b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[(i * 7 + salt * 13) % 64] as char)
        .collect();
    format!(
        "Expires={}&Signature={signature}&Key-Pair-Id=K2JCJMDEHXQW5F",
        expires_at as u64
    )
}

/// A hydrated video file. `blob_base` is where its download rendition lives
/// (`{blob_base}/blob/{bytes}/{id}.mp4?...`, served by the bench server).
pub fn storage_file(id: &str, blob_base: &str, download_bytes: u64, expires_at: f64) -> Value {
    let source = |kind: &str, ext: &str, width: u32, height: u32, bytes: u64, salt: usize| {
        json!({
            "status": "ready",
            "url": format!("{blob_base}/blob/{bytes}/{id}_{kind}.{ext}?{}", signed_query(expires_at, salt)),
            "expiresAt": expires_at,
            "width": width,
            "height": height,
            "fileBytes": bytes,
        })
    };
    json!({
        "fileId": id,
        "type": "VIDEO",
        "scope": "GLOBAL",
        "displayName": "Spring Campaign - Product Teaser (final cut, 16x9).mp4",
        "description": "A 12.5 second product teaser: a close-up of the bottle on a marble counter, a slow push-in \
                        as morning light crosses the frame, then the logo and the tagline on a white background.",
        "durationSeconds": 12.5,
        "transcript": "Mornings start slower now. Fresh, cold-pressed, and ready when you are. \
                       Spring Line, out April first.",
        "thumbnailSource": source("thumbnail", "jpg", 426, 240, 18_532, 1),
        "previewSource": source("720p", "mp4", 1280, 720, 2_431_778, 2),
        "downloadSource": source("1080p", "mp4", 1920, 1080, download_bytes, 3),
        "hlsSource": {
            "status": "ready",
            "url": format!("{blob_base}/blob/0/{id}.m3u8?{}", signed_query(expires_at, 4)),
            "expiresAt": expires_at,
        },
        "fileAnalysisMetadata": {
            "analysisLoadingState": "FULFILLED",
            "analysisProgressPercentage": 100.0,
        },
        "isPublicPreviewEnabled": false,
        "publicHlsUrl": null,
        "publicPlaybackId": null,
        "sourceToolType": "GENERATE_VIDEO_CLIP",
        "sourceToolExecutionId": "vg_tool_9abc789xyzxyz123abc",
    })
}

/// One `GET /v1/files` page of `count` distinct files.
pub fn list_page(count: usize, blob_base: &str, expires_at: f64) -> Value {
    let files: Vec<Value> = (0..count)
        .map(|i| {
            storage_file(
                &format!("vg_file_{i:022}"),
                blob_base,
                48_000_000 + i as u64,
                expires_at,
            )
        })
        .collect();
    json!({ "files": files, "hasMore": true, "nextCursor": "eyJ1cGRhdGVkQXQiOjE3MTIwMDAwMDAsImlkIjoidmdfZmlsZV8yMDAifQ" })
}

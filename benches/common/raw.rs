//! What a user would write without the crate: one shared `reqwest::Client`,
//! the same method, path and headers (`Authorization: Bearer`, `Accept`,
//! `User-Agent`), the body decoded with serde_json into the same
//! `videogen::File` type, so the comparison isolates the crate's own layer.

use std::path::Path;

use futures_util::StreamExt;
use reqwest::header::{HeaderValue, ACCEPT, AUTHORIZATION, USER_AGENT};
use tokio::io::{AsyncWriteExt, BufWriter};

use super::payload::API_KEY;

/// The write buffer a careful user gives a download (the crate's is the same).
pub const WRITE_BUFFER: usize = 256 * 1024;

/// A hand-written client for the same API.
#[derive(Clone)]
pub struct RawClient {
    http: reqwest::Client,
    base: String,
    auth: HeaderValue,
}

impl RawClient {
    pub fn new(base: &str) -> RawClient {
        let mut auth = HeaderValue::from_str(&format!("Bearer {API_KEY}")).expect("ascii key");
        auth.set_sensitive(true);
        RawClient {
            http: reqwest::Client::new(),
            base: base.to_owned(),
            auth,
        }
    }

    fn request(&self, method: reqwest::Method, path: String) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .header(AUTHORIZATION, self.auth.clone())
            .header(ACCEPT, "application/json")
            .header(USER_AGENT, "bench-raw/0.1")
    }

    /// `POST /v1/files/{id}/hydrate`, decoded into `videogen::File`.
    pub async fn hydrate(&self, id: &str) -> reqwest::Result<videogen::File> {
        self.file(reqwest::Method::POST, format!("/v1/files/{id}/hydrate"))
            .await
    }

    /// `GET /v1/files/{id}`, decoded into `videogen::File`.
    pub async fn get(&self, id: &str) -> reqwest::Result<videogen::File> {
        self.file(reqwest::Method::GET, format!("/v1/files/{id}")).await
    }

    async fn file(&self, method: reqwest::Method, path: String) -> reqwest::Result<videogen::File> {
        let response = self.request(method, path).send().await?;
        response.error_for_status()?.json().await
    }

    /// The same work as `files.download(id, dest)` minus the crate: GET the
    /// file for its URL, stream `bytes_stream()` through a 256 KiB
    /// `BufWriter` into `dest`, flush and fsync. Returns the bytes written.
    pub async fn download(&self, id: &str, dest: &Path) -> Result<u64, Box<dyn std::error::Error + Send + Sync>> {
        let file = self.get(id).await?;
        let url = file.download_url().ok_or("no download url")?;
        let response = self.http.get(url).send().await?.error_for_status()?;
        let mut out = BufWriter::with_capacity(WRITE_BUFFER, tokio::fs::File::create(dest).await?);
        let mut body = response.bytes_stream();
        let mut written = 0;
        while let Some(chunk) = body.next().await {
            let chunk = chunk?;
            out.write_all(&chunk).await?;
            written += chunk.len() as u64;
        }
        out.flush().await?;
        out.get_ref().sync_all().await?;
        Ok(written)
    }
}

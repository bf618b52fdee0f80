//! The minimal hand-written types a user in a hurry would declare for a file
//! (its id and the download URL with its expiry): the decode benches'
//! baseline. Also compiled by `benches/decode_ab.sh` (`#[path]`), so both
//! measure against the same struct.

use serde::Deserialize;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // decoded, never read
pub struct MinimalFile {
    file_id: String,
    download_source: Option<MinimalSource>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct MinimalSource {
    url: Option<String>,
    expires_at: Option<f64>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
pub struct MinimalPage {
    files: Vec<MinimalFile>,
}

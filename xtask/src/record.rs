//! spec/published.lock.json: the published contract we last reconciled with.
//!
//! Facts only (hash, versions, normalised structure), no vendor prose, so it
//! can live in the repository and the drift test can run without the
//! published document or a network.

use std::{fs, path::Path};

use serde::{Deserialize, Serialize};

use crate::model::Contract;

pub const RECORD: &str = "spec/published.lock.json";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    /// SHA-256 of the published document's bytes.
    pub sha256: String,
    /// The document's `openapi` field, e.g. `3.1.0`.
    pub openapi: String,
    #[serde(flatten)]
    pub contract: Contract,
}

pub fn read(root: &Path) -> Result<Record, String> {
    let text = fs::read_to_string(root.join(RECORD)).map_err(|e| format!("reading {RECORD}: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("parsing {RECORD}: {e}"))
}

pub fn write(root: &Path, record: &Record) -> Result<(), String> {
    let mut text = serde_json::to_string_pretty(record).map_err(|e| format!("encoding {RECORD}: {e}"))?;
    text.push('\n');
    fs::write(root.join(RECORD), text).map_err(|e| format!("writing {RECORD}: {e}"))
}

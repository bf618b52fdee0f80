//! Loading OpenAPI documents from a path or a URL, and finding the published one.

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use serde_json::Value;

use crate::{model::Contract, normalize::normalize, regen};

/// Where the CI checkout finds the vendor's document, relative to the workspace root.
pub const PUBLISHED_DEFAULT: &str = "../shared/published/videogen-openapi.json";
/// Points the drift test (and `cargo xtask drift`) at another copy.
pub const PUBLISHED_ENV: &str = "VIDEOGEN_PUBLISHED_SPEC";

/// A parsed document with what the record needs to know about it.
#[derive(Debug, Clone)]
pub struct Document {
    /// Path or URL, for messages.
    pub label: String,
    pub sha256: String,
    pub value: Value,
}

impl Document {
    pub fn from_bytes(label: &str, bytes: &[u8]) -> Result<Document, String> {
        // JSON is a subset of YAML, but the JSON parser gives better errors.
        let value = match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{') => serde_json::from_slice(bytes).map_err(|e| format!("parsing {label}: {e}"))?,
            _ => serde_yaml_ng::from_slice(bytes).map_err(|e| format!("parsing {label}: {e}"))?,
        };
        Ok(Document {
            label: label.to_owned(),
            sha256: regen::spec_hash(bytes),
            value,
        })
    }

    /// A document built in memory (tests plant changes this way); its hash is
    /// that of its compact JSON form.
    pub fn from_value(label: &str, value: Value) -> Document {
        Document {
            label: label.to_owned(),
            sha256: regen::spec_hash(value.to_string().as_bytes()),
            value,
        }
    }

    pub fn openapi(&self) -> String {
        self.value
            .get("openapi")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned()
    }

    /// The whole document, normalised for comparison.
    pub fn contract(&self) -> Result<Contract, String> {
        normalize(&self.value).map_err(|e| format!("{}: {e}", self.label))
    }
}

/// Reads a document from a local path or, for `http(s)://`, over the network.
pub fn load(source: &str) -> Result<Document, String> {
    let bytes = if source.starts_with("https://") || source.starts_with("http://") {
        fetch(source)?
    } else {
        std::fs::read(source).map_err(|e| format!("reading {source}: {e}"))?
    };
    Document::from_bytes(source, &bytes)
}

fn fetch(url: &str) -> Result<Vec<u8>, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    let failed = |e: ureq::Error| {
        format!("fetching {url}: {e}\n(without network, download it elsewhere and pass --published PATH)")
    };
    let mut response = agent.get(url).call().map_err(failed)?;
    let text = response.body_mut().read_to_string().map_err(failed)?;
    Ok(text.into_bytes())
}

/// Where the published document was looked for, and what turned up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Located {
    /// Named by `VIDEOGEN_PUBLISHED_SPEC`; may not exist (that is an error).
    Env(String),
    /// The `../shared` copy beside the checkout.
    Shared(PathBuf),
    /// Neither: nothing to compare the record with.
    Missing(PathBuf),
}

pub fn locate_published(root: &Path) -> Located {
    if let Some(value) = std::env::var_os(PUBLISHED_ENV).filter(|v| !v.is_empty()) {
        return Located::Env(value.to_string_lossy().into_owned());
    }
    let shared = root.join(PUBLISHED_DEFAULT);
    if shared.is_file() {
        Located::Shared(shared)
    } else {
        Located::Missing(shared)
    }
}

/// Our spec, parsed.
pub fn load_spec(root: &Path) -> Result<Document, String> {
    let path = root.join(regen::SPEC);
    let bytes = std::fs::read(&path).map_err(|e| format!("reading {}: {e}", regen::SPEC))?;
    Document::from_bytes(regen::SPEC, &bytes)
}

//! spec/overlay/: our decisions (overlay.yaml) and our words (descriptions/*.yaml).

use std::{collections::BTreeMap, fs, path::Path};

use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overlay {
    pub info: Info,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    #[serde(default)]
    pub idempotent_posts: Vec<String>,
    #[serde(default)]
    pub enum_names: BTreeMap<String, String>,
    #[serde(default)]
    pub null_is_value: Vec<String>,
    #[serde(default)]
    pub unix_seconds: Vec<String>,
    /// Merged from descriptions/*.yaml.
    #[serde(skip)]
    pub operations: BTreeMap<String, OperationText>,
    #[serde(skip)]
    pub parameters: BTreeMap<String, String>,
    #[serde(skip)]
    pub schemas: BTreeMap<String, SchemaText>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Info {
    pub title: String,
    pub description: String,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationText {
    pub summary: String,
    pub description: String,
    #[serde(default)]
    pub response: String,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaText {
    #[serde(default)]
    pub description: String,
    /// Property path (dotted for nested inline objects) -> description.
    #[serde(default)]
    pub properties: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Descriptions {
    #[serde(default)]
    operations: BTreeMap<String, OperationText>,
    #[serde(default)]
    parameters: BTreeMap<String, String>,
    #[serde(default)]
    schemas: BTreeMap<String, SchemaText>,
}

impl Overlay {
    pub fn load(dir: &Path) -> Result<Overlay, String> {
        let path = dir.join("overlay.yaml");
        let text = fs::read_to_string(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
        let mut overlay: Overlay =
            serde_yaml_ng::from_str(&text).map_err(|e| format!("parsing {}: {e}", path.display()))?;
        let mut files: Vec<_> = fs::read_dir(dir.join("descriptions"))
            .map_err(|e| format!("reading {}/descriptions: {e}", dir.display()))?
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .collect();
        files.sort();
        for file in files {
            let text = fs::read_to_string(&file).map_err(|e| format!("reading {}: {e}", file.display()))?;
            let more: Descriptions =
                serde_yaml_ng::from_str(&text).map_err(|e| format!("parsing {}: {e}", file.display()))?;
            let clash =
                |kind: &str, key: &str| format!("{kind} {key} is described twice (again in {})", file.display());
            for (k, v) in more.operations {
                if overlay.operations.insert(k.clone(), v).is_some() {
                    return Err(clash("operation", &k));
                }
            }
            for (k, v) in more.parameters {
                if overlay.parameters.insert(k.clone(), v).is_some() {
                    return Err(clash("parameter", &k));
                }
            }
            for (k, v) in more.schemas {
                if overlay.schemas.insert(k.clone(), v).is_some() {
                    return Err(clash("schema", &k));
                }
            }
        }
        Ok(overlay)
    }
}

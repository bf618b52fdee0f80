//! The comparable, facts-only form of an OpenAPI document.
//!
//! Both our 3.0 spec and the vendor's 3.1 document normalise into these types,
//! so equal contracts are equal values. The same types are what
//! spec/published.lock.json stores, hence the serde derives.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Everything the drift check compares. Maps are sorted so the record file
/// and the report come out in a stable order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Contract {
    /// `info.version`: progenitor sends it as the `api-version` header.
    pub info_version: Option<String>,
    /// Base URLs from `servers`.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub servers: BTreeSet<String>,
    /// How every request authenticates, as `name: type scheme`.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub security: BTreeSet<String>,
    /// Keyed by `"METHOD /path"`, every operation of every tag.
    pub operations: BTreeMap<String, Operation>,
    /// The top-level `webhooks` (3.1 only), keyed by `"METHOD event"`.
    /// `None` when the document cannot or does not list them (a 3.0
    /// document such as ours): webhooks are then left out of comparisons,
    /// while their payload schemas still count (see `schemas`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhooks: Option<BTreeMap<String, Operation>>,
    /// Every named schema that operations and webhooks reach, plus any other
    /// named non-scalar component (in a 3.0 document that is where webhook
    /// payloads live). Pure scalar ones are inlined where they are used.
    pub schemas: BTreeMap<String, Shape>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Operation {
    pub operation_id: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub tags: BTreeSet<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    /// Only when the operation overrides the document-wide `security`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security: Option<BTreeSet<String>>,
    /// Keyed by `"location name"`, e.g. `"query limit"`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, Parameter>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_body: Option<Body>,
    /// Success responses only (2xx), keyed by status; error bodies differ by
    /// design (`4XX`/`5XX` here, `default` there) and are summarised below.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub responses: BTreeMap<String, Body>,
    /// Names of the schemas that error responses carry.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub error_schemas: BTreeSet<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Parameter {
    #[serde(default)]
    pub required: bool,
    pub schema: Shape,
    /// `style`, `explode`, `deprecated` and the like, kept raw.
    #[serde(flatten)]
    pub keywords: BTreeMap<String, Value>,
}

/// A request or response body: whether it is required (requests only) and
/// one schema per media type.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Body {
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub content: BTreeMap<String, Shape>,
}

/// One schema node with the 3.0/3.1 differences taken out.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Shape {
    /// Name of the component object schema this node points at.
    #[serde(rename = "$ref", default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub ty: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub nullable: bool,
    #[serde(rename = "enum", default, skip_serializing_if = "Option::is_none")]
    pub enum_values: Option<Vec<Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<Shape>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, Shape>,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub required: BTreeSet<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_properties: Option<Box<Shape>>,
    /// `allOf` / `anyOf` / `oneOf` that are not just a nullable wrapper.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub composition: BTreeMap<String, Vec<Shape>>,
    /// Bounds, defaults, patterns and any other structural keyword, raw.
    #[serde(flatten)]
    pub keywords: BTreeMap<String, Value>,
}

//! The third side of the drift triangle: the JSON Schema of the types this
//! crate ships (derived with schemars, `videogen::schema::schemas()`) held
//! against `spec/openapi.yaml`.
//!
//! Run with `cargo test --features schemars --test schema_matches_spec`.
//!
//! Every component schema of the spec is compared with the Rust schema of the
//! same name, in both dialects `schemas()` offers (JSON Schema 2020-12 for
//! OpenAPI 3.1, and OpenAPI 3.0). Both sides are first reduced to the same
//! facts: `$ref`, `allOf: [X]`, `anyOf` with a null branch, `nullable: true` and
//! `type: [T, "null"]` all mean what they say, and a reference is resolved when
//! only one side uses it (the spec writes `ApiError.requirement` inline, Rust
//! names it `ApiErrorRequirement`). A keyword the reduction does not know fails
//! the test rather than being skipped.
//!
//! Facets and rules, per property (the path in a message is `Type.property`,
//! `[]` for array items, `{*}` for map values):
//! - property names: the same set on both sides;
//! - kind and type: `string`/`integer`/`number`/`boolean`, object, array, map,
//!   string enum, or a reference to a named type (the same name on both sides);
//! - format: where the spec gives one, Rust must give the same. Where the spec
//!   gives none, Rust may add only the widest common representation of the
//!   spec's type (what a JSON number becomes in practice, RFC 8259 section 6):
//!   `double` for `number`, `int64` for `integer`, or `uint64` when the spec's
//!   `minimum` is at least 0. Anything narrower or more specific (`float`,
//!   `int32`, `date-time`, ...) must be in the spec;
//! - required, held per direction: reading (serde's deserialize contract) must
//!   not require a property the spec lets the server leave out, and writing
//!   (serialize contract) must not leave out a property the spec requires;
//! - nullability: a property the spec makes nullable must be nullable in Rust.
//!   Rust may be nullable where the spec is not only for a property that is
//!   optional in the spec and that Rust leaves out when it is `None`: typify
//!   maps every optional property to `Option<T>` with
//!   `skip_serializing_if = "Option::is_none"`, so null is read as absent and
//!   never written. These are printed as notes. Elsewhere (array items, map
//!   values, whole types) nullability must be equal;
//! - `default` values: equal where either side has one;
//! - enums: the known values equal (as a list, order included), and the Rust
//!   enum open, admitting any other string;
//! - map values (`additionalProperties`): compared like properties; an object
//!   closed to unknown properties on one side only is a difference;
//! - moments: `type: string, format: date-time` and a `type: number` marked
//!   `x-videogen-unix-seconds` both match Rust's `Timestamp` (which reads both
//!   forms); anything else is a difference;
//! - unions (`oneOf` of named schemas): the variants in order, the
//!   discriminator's `propertyName` and `mapping` equal. A variant's tag
//!   property may be a closed one-value enum in Rust (the union dispatches on
//!   it; an unknown tag is kept by the union, not the variant);
//! - an integer `enum` may be a Rust integer: typify checks the value when
//!   decoding, which the schema does not show (a note);
//! - `format: uri` may be absent in Rust (URLs stay `String`s); an integer
//!   format Rust implies (`uint8`, ...) must hold the spec's `minimum` and
//!   `maximum`;
//! - a default beside a reference and a default on the named type are the
//!   same fact; Rust's open enums carry theirs on the type.
//!
//! Not compared: descriptions, titles, examples, and bounds (`minimum`,
//! `maximum`, `minLength`, `minItems`, `pattern`, ...), which schemars cannot derive from typify's
//! types except through `NonZero*`.
//!
//! A derived schema cannot see everything serde does (a `deserialize_with`
//! field is required when reading whatever the schema says), so the types are
//! also run: documents built from the spec (only the required properties; every
//! property; each nullable property null; enums set to values the spec does not
//! list yet) must decode, and what the types write back must keep the spec's
//! required properties and write null only where the spec allows it.
//!
//! The `planted_*` tests change a copy of the spec (or of a derived schema) in
//! memory and assert that the checks fail with a message naming the type and
//! property, and nothing else.

#![cfg(feature = "schemars")]

use std::collections::{BTreeMap, BTreeSet};

use schemars::generate::SchemaSettings;
use serde_json::{json, Value};

const SPEC_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/spec/openapi.yaml");
const REF_PREFIX: &str = "#/components/schemas/";

/// How many component schemas the spec has: every one must be compared, so a
/// comparison that silently covers fewer fails.
const SPEC_TYPES: usize = 119;

/// The types the first version of this test held to the spec (the Files tag),
/// named so that a planted change in one of them is known to be reached.
const FILES_TYPES: [&str; 15] = [
    "AnalysisLoadingState",
    "ApiError",
    "CreateFileUploadRequest",
    "FileAnalysisMetadata",
    "FileScope",
    "FileSource",
    "FileSourceStatus",
    "FileType",
    "FileUploadResponse",
    "GetFilesResponse",
    "SearchFilesRequest",
    "SearchFilesResponse",
    "SearchFilesResult",
    "StorageFile",
    "UploadFileType",
];

// ---------------------------------------------------------------- inputs

fn our_spec() -> Value {
    let text = std::fs::read_to_string(SPEC_PATH).unwrap_or_else(|e| panic!("reading {SPEC_PATH}: {e}"));
    serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("parsing {SPEC_PATH}: {e}"))
}

fn spec_schemas(spec: &Value) -> BTreeMap<String, Value> {
    let schemas = spec["components"]["schemas"]
        .as_object()
        .expect("the spec has components.schemas");
    schemas.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// The derived schemas of one dialect, under both serde contracts.
#[derive(Clone)]
struct Rust {
    dialect: &'static str,
    /// What the types accept when reading (deserialize contract).
    read: BTreeMap<String, Value>,
    /// What the types produce when writing (serialize contract).
    write: BTreeMap<String, Value>,
}

fn rust(dialect: &'static str, settings: fn() -> SchemaSettings) -> Rust {
    let as_values = |settings: SchemaSettings| {
        videogen::schema::schemas(settings)
            .into_iter()
            .map(|(name, schema)| (name, schema.to_value()))
            .collect::<BTreeMap<_, _>>()
    };
    Rust {
        dialect,
        read: as_values(settings().for_deserialize()),
        write: as_values(settings().for_serialize()),
    }
}

fn dialects() -> [Rust; 2] {
    [
        rust("JSON Schema 2020-12", SchemaSettings::draft2020_12),
        rust("OpenAPI 3.0", SchemaSettings::openapi3),
    ]
}

// ---------------------------------------------------------------- the facts both sides reduce to

#[derive(Clone, Debug, PartialEq)]
struct Node {
    shape: Shape,
    nullable: bool,
    default: Option<Value>,
}

#[derive(Clone, Debug, PartialEq)]
enum Shape {
    /// A reference to a named schema.
    Ref(String),
    Scalar {
        ty: String,
        format: Option<String>,
        minimum: Option<f64>,
        maximum: Option<f64>,
    },
    /// A moment: RFC 3339 text, Unix seconds, or (Rust's `Timestamp`) either.
    Time(TimeForm),
    /// A discriminated union: its variants (named schemas, in order) and the
    /// property that tells them apart.
    Union {
        variants: Vec<String>,
        tag: Option<String>,
        /// Tag value -> variant name, where the discriminator maps them.
        mapping: BTreeMap<String, String>,
    },
    /// An integer that is one of a few values.
    IntEnum(Vec<i64>),
    Enum {
        known: Vec<String>,
        open: bool,
    },
    Array(Box<Node>),
    Object {
        properties: BTreeMap<String, Node>,
        required: BTreeSet<String>,
        additional: Additional,
    },
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum TimeForm {
    /// `type: string, format: date-time`.
    Rfc3339,
    /// `type: number` marked `x-videogen-unix-seconds`.
    UnixSeconds,
    /// `videogen::Timestamp`, which reads both and writes back the form it read.
    Either,
}

#[derive(Clone, Debug, PartialEq)]
enum Additional {
    /// No `additionalProperties` (or `true`): unknown properties are allowed.
    Any,
    /// `additionalProperties: false`.
    Closed,
    /// A map: every other property has this schema.
    Schema(Box<Node>),
}

impl Shape {
    fn kind(&self) -> String {
        match self {
            Shape::Ref(name) => format!("ref {name}"),
            Shape::Scalar { ty, .. } => ty.clone(),
            Shape::Time(form) => format!("timestamp ({form:?})"),
            Shape::Union { .. } => "union".into(),
            Shape::IntEnum(_) => "integer enum".into(),
            Shape::Enum { .. } => "string enum".into(),
            Shape::Array(_) => "array".into(),
            Shape::Object { properties, .. } if properties.is_empty() => "map".into(),
            Shape::Object { .. } => "object".into(),
        }
    }
}

/// Keywords that carry no facet compared here. `minimum` and `maximum` are
/// read (for the format rule) but not compared. `x-videogen-null-is-value`
/// (null means something other than absent) is carried by nullability, which
/// is compared.
const ANNOTATIONS: &[&str] = &[
    "description",
    "title",
    "example",
    "examples",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "pattern",
    "x-videogen-null-is-value",
    "readOnly",
    "writeOnly",
    "deprecated",
];
const STRUCTURAL: &[&str] = &[
    "type",
    "x-videogen-unix-seconds",
    "discriminator",
    "format",
    "nullable",
    "default",
    "enum",
    "$ref",
    "allOf",
    "anyOf",
    "oneOf",
    "properties",
    "required",
    "additionalProperties",
    "items",
];

fn is_null_branch(schema: &Value) -> bool {
    let Some(map) = schema.as_object() else { return false };
    let rest_is_nullable = |key: &str| map.keys().all(|k| k == key || k == "nullable");
    (map.get("type") == Some(&json!("null")) && rest_is_nullable("type"))
        || (map.get("enum") == Some(&json!([null])) && rest_is_nullable("enum"))
}

/// Reduces one schema to its facts. `at` names the place for error messages.
fn node(schema: &Value, at: &str) -> Result<Node, String> {
    let obj = schema
        .as_object()
        .ok_or_else(|| format!("{at}: a schema that is not an object: {schema}"))?;
    if let Some(key) = obj
        .keys()
        .find(|k| !ANNOTATIONS.contains(&k.as_str()) && !STRUCTURAL.contains(&k.as_str()))
    {
        return Err(format!(
            "{at}: keyword `{key}` is not understood by this comparison; teach it"
        ));
    }
    let mut nullable = obj.get("nullable") == Some(&Value::Bool(true));
    let default = obj.get("default").cloned();
    let with = |inner: Node, nullable: bool| Node {
        nullable: inner.nullable || nullable,
        default: default.clone().or(inner.default.clone()),
        shape: inner.shape,
    };

    // Beside `allOf`, `anyOf` and `$ref`, only these may stand (anything else,
    // `properties` say, would be silently dropped by the reduction).
    let siblings_only = |allowed: &[&str]| match obj
        .keys()
        .find(|k| !ANNOTATIONS.contains(&k.as_str()) && !allowed.contains(&k.as_str()))
    {
        Some(key) => Err(format!("{at}: `{key}` beside a composition or reference: {schema}")),
        None => Ok(()),
    };
    if let Some(all) = obj.get("allOf") {
        siblings_only(&["allOf", "nullable", "default"])?;
        match all.as_array().map(Vec::as_slice) {
            Some([one]) => return Ok(with(node(one, at)?, nullable)),
            _ => return Err(format!("{at}: allOf other than a single wrapped schema: {schema}")),
        }
    }
    // `videogen::Timestamp`: a number (Unix seconds) or RFC 3339 text.
    if obj.get("anyOf") == Some(&json!([{ "type": "number" }, { "type": "string", "format": "date-time" }])) {
        siblings_only(&["anyOf", "nullable", "default"])?;
        return Ok(Node {
            shape: Shape::Time(TimeForm::Either),
            nullable,
            default,
        });
    }
    // A union of named schemas, told apart by `discriminator.propertyName`.
    if let Some(Value::Array(branches)) = obj.get("oneOf") {
        let refs: Option<Vec<String>> = branches
            .iter()
            .map(|b| {
                let only_ref = b.as_object().is_some_and(|m| m.len() == 1);
                let name = b.get("$ref")?.as_str()?.strip_prefix(REF_PREFIX)?;
                only_ref.then(|| name.to_owned())
            })
            .collect();
        if let Some(variants) = refs.filter(|r| r.len() > 1) {
            siblings_only(&["oneOf", "discriminator", "nullable", "default"])?;
            let discriminator = obj.get("discriminator");
            let tag = discriminator
                .and_then(|d| d.get("propertyName"))
                .and_then(Value::as_str);
            let mapping = discriminator.and_then(|d| d.get("mapping"));
            let unknown = discriminator
                .and_then(Value::as_object)
                .and_then(|d| d.keys().find(|k| *k != "propertyName" && *k != "mapping"));
            if let (Some(key), Some(d)) = (unknown, discriminator) {
                return Err(format!("{at}: discriminator keyword `{key}` is not understood: {d}"));
            }
            if discriminator.is_some() && tag.is_none() {
                return Err(format!("{at}: a discriminator without a propertyName"));
            }
            let mapping = match mapping {
                None => BTreeMap::new(),
                Some(m) => m
                    .as_object()
                    .and_then(|m| {
                        m.iter()
                            .map(|(value, target)| {
                                let name = target.as_str()?.strip_prefix(REF_PREFIX)?;
                                Some((value.clone(), name.to_owned()))
                            })
                            .collect()
                    })
                    .ok_or_else(|| format!("{at}: a discriminator mapping other than value -> reference"))?,
            };
            return Ok(Node {
                shape: Shape::Union {
                    variants,
                    tag: tag.map(str::to_owned),
                    mapping,
                },
                nullable,
                default,
            });
        }
    }
    if let Some(any) = obj.get("anyOf").or_else(|| obj.get("oneOf")) {
        let branches = any.as_array().ok_or_else(|| format!("{at}: anyOf is not a list"))?;
        let (nulls, rest): (Vec<&Value>, Vec<&Value>) = branches.iter().partition(|b| is_null_branch(b));
        nullable |= !nulls.is_empty();
        let top_type = obj.get("type");
        siblings_only(&["anyOf", "oneOf", "nullable", "default", "type"])?;
        match rest.as_slice() {
            [one] if top_type.is_none() => return Ok(with(node(one, at)?, nullable)),
            [a, b] if top_type.is_none_or(|t| t == "string") => {
                // A forward-compatible enum: the known values, or any other string.
                let open_string = json!({ "type": "string" });
                let known = |v: &Value| {
                    let map = v.as_object()?;
                    let values = map.get("enum")?.as_array()?;
                    let only_enum =
                        map.keys().all(|k| k == "enum" || k == "type") && map.get("type").is_none_or(|t| t == "string");
                    let strings: Option<Vec<String>> = values.iter().map(|v| v.as_str().map(str::to_owned)).collect();
                    only_enum.then_some(strings).flatten()
                };
                let known = match (known(a), known(b)) {
                    (Some(k), None) if **b == open_string => k,
                    (None, Some(k)) if **a == open_string => k,
                    _ => {
                        return Err(format!(
                            "{at}: anyOf that is neither nullable nor an open enum: {schema}"
                        ))
                    }
                };
                return Ok(Node {
                    shape: Shape::Enum { known, open: true },
                    nullable,
                    default,
                });
            }
            _ => {
                return Err(format!(
                    "{at}: anyOf that is neither nullable nor an open enum: {schema}"
                ))
            }
        }
    }
    if let Some(reference) = obj.get("$ref") {
        siblings_only(&["$ref", "nullable", "default"])?;
        let target = reference.as_str().unwrap_or_default();
        let name = target
            .strip_prefix(REF_PREFIX)
            .ok_or_else(|| format!("{at}: reference outside {REF_PREFIX}: {target}"))?;
        return Ok(Node {
            shape: Shape::Ref(name.to_owned()),
            nullable,
            default,
        });
    }

    let mut types: Vec<&str> = match obj.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        Some(other) => return Err(format!("{at}: type is neither a string nor a list: {other}")),
        None => vec![],
    };
    if types.contains(&"null") {
        nullable = true;
        types.retain(|t| *t != "null");
    }
    if let (Some(Value::Array(values)), ["integer"]) = (obj.get("enum"), types.as_slice()) {
        let known = values
            .iter()
            .map(Value::as_i64)
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| format!("{at}: integer enum with values other than integers: {schema}"))?;
        return Ok(Node {
            shape: Shape::IntEnum(known),
            nullable,
            default,
        });
    }
    if let Some(values) = obj.get("enum") {
        let values = values.as_array().ok_or_else(|| format!("{at}: enum is not a list"))?;
        nullable |= values.contains(&Value::Null);
        let known = values
            .iter()
            .filter(|v| !v.is_null())
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| format!("{at}: enum with values other than strings: {schema}"))?;
        if !matches!(types.as_slice(), [] | ["string"]) {
            return Err(format!("{at}: enum of type {types:?}"));
        }
        return Ok(Node {
            shape: Shape::Enum { known, open: false },
            nullable,
            default,
        });
    }
    let ty = match types.as_slice() {
        [one] => *one,
        _ => return Err(format!("{at}: expected exactly one non-null type, found {types:?}")),
    };
    let shape = match ty {
        "object" => {
            let mut properties = BTreeMap::new();
            if let Some(props) = obj.get("properties") {
                let props = props
                    .as_object()
                    .ok_or_else(|| format!("{at}: properties is not a map"))?;
                for (name, prop) in props {
                    properties.insert(name.clone(), node(prop, &format!("{at}.{name}"))?);
                }
            }
            let required = match obj.get("required") {
                None => BTreeSet::new(),
                Some(list) => list
                    .as_array()
                    .and_then(|l| l.iter().map(|v| v.as_str().map(str::to_owned)).collect())
                    .ok_or_else(|| format!("{at}: required is not a list of names"))?,
            };
            let additional = match obj.get("additionalProperties") {
                None | Some(Value::Bool(true)) => Additional::Any,
                Some(Value::Bool(false)) => Additional::Closed,
                Some(values) => Additional::Schema(Box::new(node(values, &format!("{at}{{*}}"))?)),
            };
            Shape::Object {
                properties,
                required,
                additional,
            }
        }
        "array" => {
            let items = obj.get("items").ok_or_else(|| format!("{at}: array without items"))?;
            Shape::Array(Box::new(node(items, &format!("{at}[]"))?))
        }
        _ if obj.contains_key("x-videogen-unix-seconds") => {
            if ty != "number" || obj.get("x-videogen-unix-seconds") != Some(&json!(true)) || obj.contains_key("format")
            {
                return Err(format!(
                    "{at}: x-videogen-unix-seconds marks a plain `type: number`: {schema}"
                ));
            }
            Shape::Time(TimeForm::UnixSeconds)
        }
        "string" if obj.get("format") == Some(&json!("date-time")) => Shape::Time(TimeForm::Rfc3339),
        "string" | "integer" | "number" | "boolean" => Shape::Scalar {
            ty: ty.to_owned(),
            format: obj.get("format").and_then(Value::as_str).map(str::to_owned),
            minimum: obj.get("minimum").and_then(Value::as_f64),
            maximum: obj.get("maximum").and_then(Value::as_f64),
        },
        other => return Err(format!("{at}: type {other} is not understood by this comparison")),
    };
    Ok(Node {
        shape,
        nullable,
        default,
    })
}

// ---------------------------------------------------------------- the comparison

#[derive(Default, Debug)]
struct Report {
    /// Differences: each names `Type.property` and the facet.
    errors: Vec<String>,
    /// Differences the documented rules accept, for the reader.
    notes: Vec<String>,
    types: Vec<String>,
    properties: usize,
}

struct Sides<'a> {
    /// `Type.property` of every union variant's tag property.
    tags: BTreeSet<String>,
    spec: &'a BTreeMap<String, Value>,
    read: &'a BTreeMap<String, Value>,
    write: &'a BTreeMap<String, Value>,
}

#[derive(Clone, Copy, PartialEq)]
enum Side {
    Spec,
    Read,
    Write,
}

impl Sides<'_> {
    fn resolve(&self, side: Side, name: &str, at: &str) -> Result<Node, String> {
        let defs = match side {
            Side::Spec => self.spec,
            Side::Read => self.read,
            Side::Write => self.write,
        };
        let schema = defs
            .get(name)
            .ok_or_else(|| format!("{at}: reference to missing schema {name}"))?;
        node(schema, at)
    }
}

fn compare_all(spec: &Value, rust: &Rust) -> Report {
    let spec_defs = spec_schemas(spec);
    let sides = Sides {
        tags: tag_properties(&spec_defs),
        spec: &spec_defs,
        read: &rust.read,
        write: &rust.write,
    };
    let mut report = Report::default();
    for (name, schema) in &spec_defs {
        let (Some(read), Some(write)) = (rust.read.get(name), rust.write.get(name)) else {
            report.errors.push(format!(
                "{name}: in the spec, but videogen::schema::schemas() has no schema for it"
            ));
            continue;
        };
        let nodes = (node(schema, name), node(read, name), node(write, name));
        match nodes {
            (Ok(s), Ok(r), Ok(w)) => {
                report.types.push(name.clone());
                compare(&sides, &mut report, name, &s, &r, &w, Nullability::Equal, 0);
            }
            (s, r, w) => report.errors.extend([s.err(), r.err(), w.err()].into_iter().flatten()),
        }
    }
    // A type only Rust names (`ApiErrorRequirement`, `Timestamp`, ...) is one
    // the spec writes inline: it is compared where it is used, so it must be
    // used by some other type.
    let used = referenced_names(&rust.read);
    for name in rust.read.keys() {
        if !spec_defs.contains_key(name) && !used.contains(name) {
            report.errors.push(format!(
                "{name}: videogen::schema::schemas() has it, the spec does not, and no type uses it"
            ));
        }
    }
    report
}

/// The names every `$ref` in `defs` points to.
fn referenced_names(defs: &BTreeMap<String, Value>) -> BTreeSet<String> {
    fn walk(value: &Value, out: &mut BTreeSet<String>) {
        match value {
            Value::Object(map) => {
                if let Some(name) = map
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix(REF_PREFIX))
                {
                    out.insert(name.to_owned());
                }
                map.values().for_each(|v| walk(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    defs.values().for_each(|v| walk(v, &mut out));
    out
}

/// `Variant.tag` for every variant of every union with a discriminator.
fn tag_properties(defs: &BTreeMap<String, Value>) -> BTreeSet<String> {
    let mut tags = BTreeSet::new();
    for schema in defs.values() {
        if let Ok(Node {
            shape:
                Shape::Union {
                    variants,
                    tag: Some(tag),
                    ..
                },
            ..
        }) = node(schema, "")
        {
            tags.extend(variants.iter().map(|v| format!("{v}.{tag}")));
        }
    }
    tags
}

#[derive(Clone, Copy)]
enum Nullability {
    /// Must be equal.
    Equal,
    /// Checked by the caller (object properties have their own rule).
    Checked,
}

#[allow(clippy::too_many_arguments)]
fn compare(sides: &Sides, report: &mut Report, at: &str, s: &Node, r: &Node, w: &Node, nulls: Nullability, depth: u8) {
    if depth > 8 {
        report.errors.push(format!("{at}: references nest too deep to compare"));
        return;
    }
    if matches!(nulls, Nullability::Equal) && s.nullable != r.nullable {
        report
            .errors
            .push(format!("{at}: nullable spec={} rust={}", s.nullable, r.nullable));
    }
    // Resolve a reference that only one side uses, then compare what it names.
    let resolved = |side, node: &Node| -> Result<Option<Node>, String> {
        match &node.shape {
            Shape::Ref(name) => sides.resolve(side, name, at).map(|mut n| {
                n.nullable |= node.nullable;
                n.default = node.default.clone().or(n.default);
                Some(n)
            }),
            _ => Ok(None),
        }
    };
    match (&s.shape, &r.shape) {
        (Shape::Ref(a), Shape::Ref(b)) => {
            if a != b {
                report.errors.push(format!("{at}: refers to spec={a} rust={b}"));
            }
            // A default may stand beside the reference or on the named type
            // (the spec has both; Rust has an open enum's `DEFAULT`): compare
            // what applies.
            let applied = |side, node: &Node, name: &str| {
                let mut node = node.clone();
                if node.default.is_none() {
                    node.default = sides.resolve(side, name, at).ok().and_then(|n| n.default);
                }
                node
            };
            report.errors.extend(default_difference(
                at,
                &applied(Side::Spec, s, a),
                &applied(Side::Read, r, b),
            ));
            // Same name: the named type is compared on its own.
            return;
        }
        (Shape::Ref(_), _) | (_, Shape::Ref(_)) => {
            let all = (
                resolved(Side::Spec, s),
                resolved(Side::Read, r),
                resolved(Side::Write, w),
            );
            match all {
                (Ok(s2), Ok(r2), Ok(w2)) => {
                    let s2 = s2.unwrap_or_else(|| s.clone());
                    let r2 = r2.unwrap_or_else(|| r.clone());
                    let w2 = w2.unwrap_or_else(|| w.clone());
                    compare(sides, report, at, &s2, &r2, &w2, Nullability::Checked, depth + 1);
                }
                (a, b, c) => report.errors.extend([a.err(), b.err(), c.err()].into_iter().flatten()),
            }
            return;
        }
        _ => {}
    }
    report.errors.extend(default_difference(at, s, r));
    match (&s.shape, &r.shape, &w.shape) {
        (
            Shape::Scalar {
                ty: st,
                format: sf,
                minimum,
                maximum,
            },
            Shape::Scalar { ty: rt, format: rf, .. },
            _,
        ) => {
            if st != rt {
                report.errors.push(format!("{at}: type spec={st} rust={rt}"));
            } else if let Some(error) = format_difference(at, st, sf.as_deref(), rf.as_deref(), (*minimum, *maximum)) {
                report.errors.push(error);
            }
        }
        (Shape::Time(sf), Shape::Time(rf), _) => {
            if sf != rf && *rf != TimeForm::Either {
                report.errors.push(format!("{at}: timestamp spec={sf:?} rust={rf:?}"));
            }
        }
        (
            Shape::Union {
                variants: sv,
                tag: st,
                mapping: sm,
            },
            Shape::Union {
                variants: rv,
                tag: rt,
                mapping: rm,
            },
            _,
        ) => {
            if sv != rv {
                report
                    .errors
                    .push(format!("{at}: union variants spec={sv:?} rust={rv:?}"));
            }
            if st != rt {
                report.errors.push(format!("{at}: union tag spec={st:?} rust={rt:?}"));
            }
            if sm != rm {
                report
                    .errors
                    .push(format!("{at}: union mapping spec={sm:?} rust={rm:?}"));
            }
        }
        (Shape::IntEnum(sv), Shape::IntEnum(rv), _) if sv != rv => {
            report
                .errors
                .push(format!("{at}: integer enum spec={sv:?} rust={rv:?}"));
        }
        (Shape::IntEnum(_), Shape::IntEnum(_), _) => {}
        (Shape::IntEnum(_), Shape::Scalar { ty, format, .. }, _) if ty == "integer" => {
            // typify checks the value when decoding (`TryFrom<i64>`); schemars
            // sees only the integer it wraps.
            report.notes.push(format!(
                "{at}: integer enum in the spec, rust integer ({}) checked on decode, accepted",
                format.as_deref().unwrap_or("no format")
            ));
        }
        (Shape::Enum { known: sk, .. }, Shape::Enum { known: rk, open }, _) => {
            if !open && sides.tags.contains(at) && rk.len() == 1 {
                // The union dispatches on this value: within the variant it is a constant.
                report
                    .notes
                    .push(format!("{at}: closed, accepted: the tag of a union variant"));
            } else if !open {
                report.errors.push(format!(
                    "{at}: enum is closed in rust: a value the API adds later would fail to decode"
                ));
            }
            let missing: Vec<&String> = sk.iter().filter(|v| !rk.contains(v)).collect();
            let extra: Vec<&String> = rk.iter().filter(|v| !sk.contains(v)).collect();
            if !missing.is_empty() {
                report.errors.push(format!(
                    "{at}: known enum values differ: spec has {missing:?}, rust does not"
                ));
            }
            if !extra.is_empty() {
                report.errors.push(format!(
                    "{at}: known enum values differ: rust has {extra:?}, the spec does not"
                ));
            }
            if missing.is_empty() && extra.is_empty() && sk != rk {
                report.errors.push(format!(
                    "{at}: known enum values in another order: spec={sk:?} rust={rk:?}"
                ));
            }
        }
        (Shape::Array(si), Shape::Array(ri), Shape::Array(wi)) => {
            compare(
                sides,
                report,
                &format!("{at}[]"),
                si,
                ri,
                wi,
                Nullability::Equal,
                depth + 1,
            );
        }
        (
            Shape::Object {
                properties: sp,
                required: sreq,
                additional: sa,
            },
            Shape::Object {
                properties: rp,
                required: rreq,
                additional: ra,
            },
            Shape::Object {
                properties: wp,
                required: wreq,
                additional: wa,
            },
        ) => {
            let names: BTreeSet<&String> = sp.keys().chain(rp.keys()).collect();
            for name in names {
                let here = format!("{at}.{name}");
                let (sn, rn) = match (sp.get(name), rp.get(name)) {
                    (Some(sn), Some(rn)) => (sn, rn),
                    (Some(_), None) => {
                        report.errors.push(format!("{here}: in the spec, missing in rust"));
                        continue;
                    }
                    (None, _) => {
                        report.errors.push(format!("{here}: in rust, not in the spec"));
                        continue;
                    }
                };
                let Some(wn) = wp.get(name) else {
                    report.errors.push(format!("{here}: missing in rust when writing"));
                    continue;
                };
                report.properties += 1;
                let spec_required = sreq.contains(name);
                let (reads_required, writes_always) = (rreq.contains(name), wreq.contains(name));
                if reads_required && !spec_required {
                    report.errors.push(format!(
                        "{here}: required spec=false rust=true (reading a document without it fails)"
                    ));
                }
                if spec_required && !writes_always {
                    report.errors.push(format!(
                        "{here}: required spec=true rust=false (writing may leave it out)"
                    ));
                }
                let (sn_null, rn_null) = (
                    nullable_through_refs(sides, Side::Spec, sn),
                    nullable_through_refs(sides, Side::Read, rn),
                );
                if sn_null && !rn_null {
                    report.errors.push(format!("{here}: nullable spec=true rust=false"));
                } else if !sn_null && rn_null {
                    if !spec_required && !writes_always {
                        report.notes.push(format!(
                            "{here}: nullable spec=false rust=true, accepted: optional, and None is left out when writing"
                        ));
                    } else {
                        report.errors.push(format!("{here}: nullable spec=false rust=true"));
                    }
                }
                compare(sides, report, &here, sn, rn, wn, Nullability::Checked, depth + 1);
            }
            match (sa, ra, wa) {
                (Additional::Any, Additional::Any, _) | (Additional::Closed, Additional::Closed, _) => {}
                (Additional::Schema(sv), Additional::Schema(rv), Additional::Schema(wv)) => {
                    compare(
                        sides,
                        report,
                        &format!("{at}{{*}}"),
                        sv,
                        rv,
                        wv,
                        Nullability::Equal,
                        depth + 1,
                    );
                }
                (sa, ra, _) => report.errors.push(format!(
                    "{at}: additionalProperties spec={} rust={}",
                    describe_additional(sa),
                    describe_additional(ra)
                )),
            }
        }
        (s_shape, r_shape, w_shape) if std::mem::discriminant(r_shape) != std::mem::discriminant(w_shape) => {
            report.errors.push(format!(
                "{at}: kind spec={} rust={} (rust writes {})",
                s_shape.kind(),
                r_shape.kind(),
                w_shape.kind()
            ));
        }
        (s_shape, r_shape, _) => {
            report
                .errors
                .push(format!("{at}: kind spec={} rust={}", s_shape.kind(), r_shape.kind()))
        }
    }
}

/// Whether `node` admits null, looking through a reference to a named schema
/// on the same side.
fn nullable_through_refs(sides: &Sides, side: Side, node: &Node) -> bool {
    node.nullable
        || match &node.shape {
            Shape::Ref(name) => sides.resolve(side, name, name).is_ok_and(|n| n.nullable),
            _ => false,
        }
}

fn describe_additional(additional: &Additional) -> String {
    match additional {
        Additional::Any => "any".into(),
        Additional::Closed => "none (closed)".into(),
        Additional::Schema(node) => format!("map of {}", node.shape.kind()),
    }
}

/// The format rule in the module docs. `None` when the formats agree.
fn format_difference(
    at: &str,
    ty: &str,
    spec: Option<&str>,
    rust: Option<&str>,
    (minimum, maximum): (Option<f64>, Option<f64>),
) -> Option<String> {
    // The integer formats whose range the spec's bounds can imply.
    const RANGES: [(&str, f64, f64); 4] = [
        ("uint8", 0.0, 255.0),
        ("uint16", 0.0, 65535.0),
        ("uint32", 0.0, 4294967295.0),
        ("uint64", 0.0, f64::MAX),
    ];
    match (spec, rust) {
        (Some(s), Some(r)) if s == r => None,
        // A URL stays a `String`: the crate passes on what the API sends
        // without validating it again.
        (Some("uri"), None) if ty == "string" => None,
        (Some(s), r) => Some(format!("{at}: format spec={s} rust={}", r.unwrap_or("(none)"))),
        (None, None) => None,
        (None, Some(r)) => {
            let fits = |(name, low, high): &(&str, f64, f64)| {
                *name == r && minimum.is_some_and(|m| m >= *low) && maximum.unwrap_or(f64::MAX) <= *high
            };
            let implied = matches!((ty, r), ("number", "double") | ("integer", "int64"))
                || (ty == "integer" && RANGES.iter().any(fits));
            (!implied).then(|| {
                format!(
                    "{at}: format spec=(none) rust={r} (the spec has none: only double, int64, or an unsigned \
                     format whose range holds the spec's minimum and maximum, may be implied)"
                )
            })
        }
    }
}

fn default_difference(at: &str, s: &Node, r: &Node) -> Option<String> {
    let show = |v: Option<&Value>| v.map_or("(none)".to_owned(), Value::to_string);
    (!same_json(s.default.as_ref(), r.default.as_ref())).then(|| {
        format!(
            "{at}: default spec={} rust={}",
            show(s.default.as_ref()),
            show(r.default.as_ref())
        )
    })
}

fn same_json(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a, b) {
        (Some(Value::Number(x)), Some(Value::Number(y))) => x.as_f64() == y.as_f64(),
        (a, b) => a == b,
    }
}

// ---------------------------------------------------------------- behaviour: documents the spec admits

// A derived schema reads `#[serde(...)]` attributes, but not everything serde
// does: a `deserialize_with` field (typify's required + nullable properties,
// such as `GetFilesResponse.nextCursor`) is required when reading although the
// schema says it is not. So the schemas are backed by the types themselves:
// documents the spec admits, built from the spec, must decode, and what the
// types write back must keep the spec's required properties and write null
// only where the spec allows it.

#[derive(Clone, Copy, PartialEq)]
enum Sample {
    /// Only the required properties; enums take their first known value.
    RequiredOnly,
    /// Every property, with a value; enums take their first known value.
    Everything,
    /// Every property with a value; enums take a value the spec does not list.
    UnlistedEnumValues,
}

impl Sample {
    fn describe(self) -> &'static str {
        match self {
            Sample::RequiredOnly => "only the spec's required properties",
            Sample::Everything => "every property",
            Sample::UnlistedEnumValues => "every property, enums set to a value the spec does not list",
        }
    }
}

/// A document the spec admits (for `UnlistedEnumValues`: will admit, once the
/// API adds the value).
fn sample(defs: &BTreeMap<String, Value>, n: &Node, kind: Sample, depth: u8) -> Result<Value, String> {
    if depth > 32 {
        return Err("references nest too deep".into());
    }
    Ok(match &n.shape {
        Shape::Ref(name) => {
            let target = defs.get(name).ok_or_else(|| format!("no schema {name}"))?;
            sample(defs, &node(target, name)?, kind, depth + 1)?
        }
        Shape::Scalar { ty, .. } => match ty.as_str() {
            "string" => json!("x"),
            "integer" => json!(1),
            "number" => json!(0.5),
            _ => json!(true),
        },
        Shape::Time(TimeForm::UnixSeconds) => json!(1767323045),
        Shape::IntEnum(values) => json!(values.first().ok_or("an integer enum without values")?),
        Shape::Time(_) => json!("2026-01-02T03:04:05Z"),
        Shape::Union { variants, .. } => {
            let first = variants.first().ok_or("a union without variants")?;
            let target = defs.get(first).ok_or_else(|| format!("no schema {first}"))?;
            sample(defs, &node(target, first)?, kind, depth + 1)?
        }
        // An enum of one value is a union variant's tag: a constant, kept.
        Shape::Enum { known, .. } if known.len() == 1 => json!(known[0]),
        Shape::Enum { known, .. } => match (kind, known.first()) {
            (Sample::UnlistedEnumValues, _) | (_, None) => json!("UNLISTED_BY_THE_SPEC"),
            (_, Some(first)) => json!(first),
        },
        Shape::Array(items) => json!([sample(defs, items, kind, depth + 1)?]),
        Shape::Object {
            properties,
            required,
            additional,
        } => {
            let mut object = serde_json::Map::new();
            for (name, prop) in properties {
                if kind != Sample::RequiredOnly || required.contains(name) {
                    object.insert(name.clone(), sample(defs, prop, kind, depth + 1)?);
                }
            }
            if let (Additional::Schema(values), true) = (additional, kind != Sample::RequiredOnly) {
                object.insert("extra".into(), sample(defs, values, kind, depth + 1)?);
            }
            Value::Object(object)
        }
    })
}

/// Decodes `doc` as the public type named `name` and writes it back. Every
/// component schema of the spec is listed (a missing one is an error).
fn round_trip(name: &str, doc: Value) -> Option<Result<Value, String>> {
    macro_rules! types {
        ($($ty:ident),* $(,)?) => {
            match name {
                $(stringify!($ty) => Some(
                    serde_json::from_value::<videogen::types::$ty>(doc)
                        .map_err(|e| e.to_string())
                        .and_then(|v| serde_json::to_value(v).map_err(|e| e.to_string())),
                ),)*
                _ => None,
            }
        };
    }
    types!(
        AddEntityReferenceRequest,
        AnalysisLoadingState,
        ApiError,
        AspectRatio,
        AvatarPresenter,
        AvatarPresenterListResponse,
        CaptionBackgroundType,
        CreateEntityRequest,
        CreateFileUploadRequest,
        CreateWebhookEndpointRequest,
        EditWithAgentMode,
        Entity,
        EntityActorConfig,
        EntityArchiveResponse,
        EntityReference,
        EntityType,
        ExecutedTool,
        ExecutedToolStatus,
        ExportProjectQuality,
        ExportProjectRequest,
        ExportProjectResponse,
        FileAnalysisMetadata,
        FileScope,
        FileSource,
        FileSourceStatus,
        FileType,
        FileUploadResponse,
        FileUploadWebhookEventName,
        FileUploadWebhookPayload,
        Gender,
        GenerateAvatarRequest,
        GenerateImageRequest,
        GenerateMusicRequest,
        GenerateSoundEffectRequest,
        GenerateStoryboardScene,
        GenerateTextRequest,
        GenerateTextResponse,
        GenerateVideoClipRequest,
        GetFilesResponse,
        ImageAssetRequest,
        ImageQuality,
        Language,
        LanguageListResponse,
        ListEntitiesResponse,
        ListProjectsResponse,
        ListRemixActionsResponse,
        LogoPosition,
        MeResponse,
        ProjectExport,
        ProjectExportStatus,
        ProjectResponse,
        ProjectStatus,
        PronunciationReplacement,
        RegenerateImagesModelMode,
        RemixAction,
        RemixActionAddTransitions,
        RemixActionChangeNarrator,
        RemixActionCleanUpTranscript,
        RemixActionConvertImagesToVideos,
        RemixActionDisableCaptions,
        RemixActionEditWithAgent,
        RemixActionEnableCaptions,
        RemixActionGenerateMusic,
        RemixActionRegenerateImages,
        RemixActionResizeProject,
        RemixActionRun,
        RemixActionSetBackgroundMusic,
        RemixActionSetLogo,
        RemixActionShuffleStockVisuals,
        RemixActionStatus,
        RemixActionTranslateProject,
        RemixActionType,
        RemixActionUpscaleAssets,
        RemixProjectRequest,
        RemixProjectResponse,
        RemixTransitionStyle,
        RemoveEntityReferenceRequest,
        SceneGeneration,
        SceneGenerationType,
        ScriptToVideoRequest,
        SearchFilesRequest,
        SearchFilesResponse,
        SearchFilesResult,
        SlideshowToVideoRequest,
        StartToolExecutionResponse,
        StartWorkflowRunResponse,
        StorageFile,
        StoryboardToVideoRequest,
        TextJustification,
        TextQuality,
        TextToSpeechRequest,
        ToolExecutionListResponse,
        ToolExecutionWebhookEventName,
        ToolExecutionWebhookPayload,
        ToolSuccessResult,
        TtsVoice,
        TtsVoiceListResponse,
        UpdateEntityRequest,
        UploadFileType,
        VerticalAlignment,
        VideoAssetRequest,
        VideoQuality,
        VisualPacing,
        VisualStyleType,
        VoiceoverToVideoRequest,
        WatermarkMode,
        WebhookEndpoint,
        WebhookEndpointListResponse,
        WebhookEventName,
        WorkflowCaptionBackgroundStyle,
        WorkflowCaptionStyle,
        WorkflowRgbColor,
        WorkflowRun,
        WorkflowRunListResponse,
        WorkflowRunStatus,
        WorkflowRunWebhookEventName,
        WorkflowRunWebhookPayload,
        WorkflowType,
        WorkflowVisualStyle,
    )
}

/// What the types write, held to the spec: required properties present, null
/// only where the spec allows it. Recurses through objects and arrays.
fn check_written(defs: &BTreeMap<String, Value>, at: &str, n: &Node, written: &Value, errors: &mut Vec<String>) {
    if written.is_null() {
        if !n.nullable {
            errors.push(format!("{at}: rust writes null, the spec does not allow it"));
        }
        return;
    }
    match (&n.shape, written) {
        (Shape::Ref(name), _) => {
            if let Some(target) = defs.get(name).and_then(|t| node(t, name).ok()) {
                check_written(defs, at, &target, written, errors);
            }
        }
        (Shape::Array(items), Value::Array(values)) => {
            for value in values {
                check_written(defs, &format!("{at}[]"), items, value, errors);
            }
        }
        (
            Shape::Object {
                properties, required, ..
            },
            Value::Object(map),
        ) => {
            for name in required {
                if !map.contains_key(name) {
                    errors.push(format!(
                        "{at}.{name}: required by the spec, rust leaves it out when writing"
                    ));
                }
            }
            for (name, value) in map {
                if let Some(prop) = properties.get(name) {
                    check_written(defs, &format!("{at}.{name}"), prop, value, errors);
                }
            }
        }
        _ => {}
    }
}

/// Round-trips samples of every spec component through its Rust type: the
/// three [`Sample`]s, and `Everything` with one nullable property set to null,
/// for each property the spec makes nullable.
fn decode_check(spec: &Value) -> Vec<String> {
    let defs = spec_schemas(spec);
    let mut errors = Vec::new();
    for (name, schema) in &defs {
        let n = match node(schema, name) {
            Ok(n) => n,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let mut docs = Vec::new();
        for kind in [Sample::RequiredOnly, Sample::Everything, Sample::UnlistedEnumValues] {
            match sample(&defs, &n, kind, 0) {
                Ok(doc) => docs.push((name.clone(), kind.describe(), kind, doc)),
                Err(e) => errors.push(format!("{name}: cannot build a sample: {e}")),
            }
        }
        if let (Shape::Object { properties, .. }, Some((_, _, _, everything))) = (&n.shape, docs.get(1).cloned()) {
            for (prop, _) in properties.iter().filter(|(_, p)| p.nullable) {
                let mut doc = everything.clone();
                doc[prop] = Value::Null;
                docs.push((
                    format!("{name}.{prop}"),
                    "null there, which the spec allows,",
                    Sample::Everything,
                    doc,
                ));
            }
        }
        for (at, what, kind, doc) in docs {
            match round_trip(name, doc.clone()) {
                None => errors.push(format!("{name}: no Rust type to decode it into")),
                Some(Err(e)) => errors.push(format!("{at}: a document with {what} does not decode: {e}")),
                Some(Ok(written)) => {
                    if kind == Sample::UnlistedEnumValues && written != doc {
                        errors.push(format!(
                            "{at}: a document with {what} is not written back as read: read {doc}, wrote {written}"
                        ));
                    }
                    check_written(&defs, name, &n, &written, &mut errors);
                }
            }
        }
    }
    errors.sort();
    errors.dedup();
    errors
}

// ---------------------------------------------------------------- the checks

/// Every property of every component schema of the spec, inline objects included.
fn spec_property_count(spec: &Value) -> usize {
    fn count(schema: &Value) -> usize {
        let Some(map) = schema.as_object() else { return 0 };
        let own = map.get("properties").and_then(Value::as_object);
        let nested: usize = own.map_or(0, |props| props.values().map(count).sum());
        let items = map.get("items").map_or(0, count);
        let values = map.get("additionalProperties").map_or(0, count);
        own.map_or(0, |p| p.len()) + nested + items + values
    }
    spec_schemas(spec).values().map(count).sum()
}

#[test]
fn every_public_type_matches_the_spec() {
    let spec = our_spec();
    for rust in dialects() {
        let report = compare_all(&spec, &rust);
        assert!(
            report.errors.is_empty(),
            "[{}] the Rust types say something other than spec/openapi.yaml:\n  {}",
            rust.dialect,
            report.errors.join("\n  ")
        );
        assert_eq!(report.types.len(), SPEC_TYPES, "[{}] types compared", rust.dialect);
        for name in FILES_TYPES {
            assert!(
                report.types.iter().any(|t| t == name),
                "[{}] {name} compared",
                rust.dialect
            );
        }
        assert_eq!(
            report.properties,
            spec_property_count(&spec),
            "[{}] every property of the spec is compared",
            rust.dialect
        );
        eprintln!(
            "[{}] {} types, {} properties match the spec; accepted by rule:\n  {}",
            rust.dialect,
            report.types.len(),
            report.properties,
            report.notes.join("\n  ")
        );
    }
}

#[test]
fn open_enums_list_the_known_values_and_admit_any_other_string() {
    let schemas = videogen::schema::schemas(SchemaSettings::draft2020_12());
    let cases: [(&str, &[&str]); 5] = [
        ("FileType", videogen::FileType::KNOWN),
        ("FileScope", videogen::FileScope::KNOWN),
        ("FileSourceStatus", videogen::FileSourceStatus::KNOWN),
        ("AnalysisLoadingState", videogen::AnalysisLoadingState::KNOWN),
        ("UploadFileType", videogen::UploadFileType::KNOWN),
    ];
    for (name, known) in cases {
        let reduced = node(&schemas[name].as_value().clone(), name).unwrap();
        let expected = Shape::Enum {
            known: known.iter().map(|v| v.to_string()).collect(),
            open: true,
        };
        assert_eq!(reduced.shape, expected, "{name}");
    }
}

#[test]
fn openapi3_nullable_references_are_written_as_allof() {
    let schemas = videogen::schema::schemas(SchemaSettings::openapi3());
    let file = schemas["StorageFile"].as_value().clone();
    assert_eq!(
        file["properties"]["type"]["allOf"],
        json!([{ "$ref": "#/components/schemas/FileType" }])
    );
    assert_eq!(file["properties"]["type"]["nullable"], true);
    assert!(file["properties"]["thumbnailSource"].get("anyOf").is_none());
    // 2020-12 keeps the anyOf form, which is correct there.
    let file = videogen::schema::schemas(SchemaSettings::draft2020_12())["StorageFile"]
        .as_value()
        .clone();
    assert_eq!(file["properties"]["type"]["anyOf"][1], json!({ "type": "null" }));
}

// ---------------------------------------------------------------- proof that it bites

/// The spec with one edit applied at a JSON pointer under `components/schemas`.
fn spec_with(edit: impl FnOnce(&mut Value)) -> Value {
    let mut spec = our_spec();
    edit(spec.pointer_mut("/components/schemas").unwrap());
    spec
}

/// The spec with `property` of `ty` added to (`true`) or removed from its type's required list.
fn spec_with_required((ty, property): (&str, &str), required: bool) -> Value {
    spec_with(|s| {
        let list = at(s, &format!("/{ty}/required")).as_array_mut().unwrap();
        list.retain(|v| v != property);
        if required {
            list.push(json!(property));
        }
    })
}

fn at<'a>(schemas: &'a mut Value, pointer: &str) -> &'a mut Value {
    schemas
        .pointer_mut(pointer)
        .unwrap_or_else(|| panic!("the spec has no {pointer}"))
}

/// Asserts that comparing `spec` with every dialect reports exactly `expected`.
fn assert_caught(spec: &Value, expected: &[&str]) {
    for rust in dialects() {
        assert_caught_with(spec, &rust, expected);
    }
}

fn assert_caught_with(spec: &Value, rust: &Rust, expected: &[&str]) {
    let report = compare_all(spec, rust);
    assert_eq!(
        report.errors, expected,
        "[{}] the planted difference must be reported, and nothing else",
        rust.dialect
    );
}

/// The JSON Schema 2020-12 dialect with `edit` applied to both contracts.
fn rust_with(edit: impl Fn(&mut BTreeMap<String, Value>)) -> Rust {
    let mut rust = rust("JSON Schema 2020-12", SchemaSettings::draft2020_12);
    edit(&mut rust.read);
    edit(&mut rust.write);
    rust
}

#[test]
fn planted_type_change_is_caught() {
    let spec = spec_with(|s| *at(s, "/StorageFile/properties/durationSeconds/type") = json!("integer"));
    assert_caught(&spec, &["StorageFile.durationSeconds: type spec=integer rust=number"]);
}

#[test]
fn planted_nullability_changes_are_caught() {
    let spec = spec_with(|s| {
        at(s, "/FileAnalysisMetadata/properties/analysisProgressPercentage")["nullable"] = json!(true);
    });
    assert_caught(
        &spec,
        &["FileAnalysisMetadata.analysisProgressPercentage: nullable spec=true rust=false"],
    );
    assert_eq!(
        decode_check(&spec),
        [
            "FileAnalysisMetadata.analysisProgressPercentage: a document with null there, which the spec allows, \
          does not decode: invalid type: null, expected f64"
        ]
    );

    // Required and no longer nullable: Rust would read and write null.
    let spec = spec_with(|s| {
        at(s, "/GetFilesResponse/properties/nextCursor")
            .as_object_mut()
            .unwrap()
            .remove("nullable");
    });
    assert_caught(&spec, &["GetFilesResponse.nextCursor: nullable spec=false rust=true"]);

    // A nullable reference (allOf + nullable) made plain.
    let spec = spec_with(|s| {
        at(s, "/StorageFile/properties/thumbnailSource")["nullable"] = json!(false);
    });
    assert_accepted_by_rule(&spec, "StorageFile.thumbnailSource");
}

#[test]
fn planted_rust_side_nullability_change_is_caught() {
    let rust = rust_with(|schemas| {
        let file = schemas.get_mut("StorageFile").unwrap();
        file["properties"]["durationSeconds"]["type"] = json!("number");
    });
    assert_caught_with(
        &our_spec(),
        &rust,
        &["StorageFile.durationSeconds: nullable spec=true rust=false"],
    );
}

#[test]
fn optional_non_nullable_in_spec_is_accepted_only_as_documented() {
    // Optional in the spec and skipped when None in Rust: a note, not an error.
    let spec = spec_with(|s| {
        at(s, "/StorageFile/properties/durationSeconds")
            .as_object_mut()
            .unwrap()
            .remove("nullable");
    });
    assert_accepted_by_rule(&spec, "StorageFile.durationSeconds");
}

/// Asserts that `property`, nullable in Rust only, passes as the nullability
/// rule allows, with a note.
fn assert_accepted_by_rule(spec: &Value, property: &str) {
    let note =
        format!("{property}: nullable spec=false rust=true, accepted: optional, and None is left out when writing");
    for rust in dialects() {
        let report = compare_all(spec, &rust);
        assert!(report.errors.is_empty(), "[{}] {:?}", rust.dialect, report.errors);
        assert!(report.notes.contains(&note), "[{}] {:?}", rust.dialect, report.notes);
    }
}

#[test]
fn planted_enum_value_changes_are_caught() {
    let spec = spec_with(|s| {
        at(s, "/FileScope/enum")
            .as_array_mut()
            .unwrap()
            .retain(|v| v != "ENTITY");
    });
    assert_caught(
        &spec,
        &[r#"FileScope: known enum values differ: rust has ["ENTITY"], the spec does not"#],
    );

    let spec = spec_with(|s| at(s, "/FileType/enum").as_array_mut().unwrap().push(json!("LOTTIE")));
    assert_caught(
        &spec,
        &[r#"FileType: known enum values differ: spec has ["LOTTIE"], rust does not"#],
    );

    let rust = rust_with(|schemas| {
        let status = schemas.get_mut("FileSourceStatus").unwrap();
        status["anyOf"][0]["enum"] = json!(["pending", "ready", "failed"]);
    });
    assert_caught_with(
        &our_spec(),
        &rust,
        &[r#"FileSourceStatus: known enum values differ: spec has ["skipped"], rust does not"#],
    );
}

#[test]
fn planted_closed_enum_is_caught() {
    let rust = rust_with(|schemas| {
        let closed = json!({ "type": "string", "enum": videogen::FileType::KNOWN });
        schemas.insert("FileType".into(), closed);
    });
    assert_caught_with(
        &our_spec(),
        &rust,
        &["FileType: enum is closed in rust: a value the API adds later would fail to decode"],
    );
}

#[test]
fn planted_format_changes_are_caught() {
    let spec = spec_with(|s| {
        *at(s, "/FileAnalysisMetadata/properties/analysisProgressPercentage/format") = json!("float");
    });
    assert_caught(
        &spec,
        &["FileAnalysisMetadata.analysisProgressPercentage: format spec=float rust=double"],
    );

    // Without a spec format, a narrower Rust representation is a difference.
    let spec = spec_with(|s| {
        at(s, "/SearchFilesResult/properties/similarity")
            .as_object_mut()
            .unwrap()
            .remove("format");
    });
    assert_caught(
        &spec,
        &[
            "SearchFilesResult.similarity: format spec=(none) rust=float (the spec has none: only double, int64, \
           or an unsigned format whose range holds the spec's minimum and maximum, may be implied)",
        ],
    );

    let rust = rust_with(|schemas| {
        schemas.get_mut("FileSource").unwrap()["properties"]["width"]["format"] = json!("int32");
    });
    assert_caught_with(
        &our_spec(),
        &rust,
        &[
            "FileSource.width: format spec=(none) rust=int32 (the spec has none: only double, int64, \
           or an unsigned format whose range holds the spec's minimum and maximum, may be implied)",
        ],
    );
}

#[test]
fn planted_required_changes_are_caught() {
    let spec = spec_with_required(("StorageFile", "displayName"), true);
    assert_caught(
        &spec,
        &[
            "StorageFile.displayName: required spec=true rust=false (writing may leave it out)",
            // Required now, so Option<String> no longer stands for "absent".
            "StorageFile.displayName: nullable spec=false rust=true",
        ],
    );

    let spec = spec_with_required(("StorageFile", "scope"), false);
    assert_caught(
        &spec,
        &["StorageFile.scope: required spec=false rust=true (reading a document without it fails)"],
    );
}

#[test]
fn planted_property_changes_are_caught() {
    let spec = spec_with(|s| {
        at(s, "/StorageFile/properties")["createdAt"] = json!({ "type": "string", "format": "date-time" });
    });
    assert_caught(&spec, &["StorageFile.createdAt: in the spec, missing in rust"]);

    let spec = spec_with(|s| {
        let props = at(s, "/FileSource/properties").as_object_mut().unwrap();
        let bytes = props.remove("fileBytes").unwrap();
        props.insert("sizeBytes".into(), bytes);
    });
    assert_caught(
        &spec,
        &[
            "FileSource.fileBytes: in rust, not in the spec",
            "FileSource.sizeBytes: in the spec, missing in rust",
        ],
    );
}

#[test]
fn planted_changes_inside_inline_objects_and_references_are_caught() {
    let spec = spec_with(|s| {
        *at(
            s,
            "/ApiError/properties/requirement/properties/details/additionalProperties/type",
        ) = json!("integer");
    });
    assert_caught(
        &spec,
        &["ApiError.requirement.details{*}: type spec=integer rust=string"],
    );

    let spec =
        spec_with(|s| *at(s, "/StorageFile/properties/scope/allOf/0/$ref") = json!("#/components/schemas/FileType"));
    assert_caught(&spec, &["StorageFile.scope: refers to spec=FileType rust=FileScope"]);

    let spec = spec_with(|s| {
        *at(s, "/GetFilesResponse/properties/files/items/$ref") = json!("#/components/schemas/FileSource")
    });
    assert_caught(
        &spec,
        &["GetFilesResponse.files[]: refers to spec=FileSource rust=StorageFile"],
    );

    let rust = rust_with(|schemas| {
        schemas.get_mut("StorageFile").unwrap()["additionalProperties"] = json!(false);
    });
    assert_caught_with(
        &our_spec(),
        &rust,
        &["StorageFile: additionalProperties spec=any rust=none (closed)"],
    );
}

#[test]
fn planted_default_change_is_caught() {
    let spec = spec_with(|s| *at(s, "/SearchFilesRequest/properties/numResults/default") = json!(20));
    assert_caught(&spec, &["SearchFilesRequest.numResults: default spec=20 rust=10"]);
}

#[test]
fn a_type_on_one_side_only_is_caught() {
    let spec = spec_with(|s| s["Folder"] = json!({ "type": "object", "properties": { "id": { "type": "string" } } }));
    assert_caught(
        &spec,
        &["Folder: in the spec, but videogen::schema::schemas() has no schema for it"],
    );

    let rust = rust_with(|schemas| {
        schemas.insert("Folder".into(), json!({ "type": "string" }));
    });
    assert_caught_with(
        &our_spec(),
        &rust,
        &["Folder: videogen::schema::schemas() has it, the spec does not, and no type uses it"],
    );
}

#[test]
fn a_keyword_the_comparison_does_not_know_fails_instead_of_passing() {
    let spec = spec_with(|s| at(s, "/StorageFile/properties/fileId")["contentEncoding"] = json!("base64"));
    assert_caught(
        &spec,
        &["StorageFile.fileId: keyword `contentEncoding` is not understood by this comparison; teach it"],
    );
}

#[test]
fn documents_the_spec_admits_decode_and_are_written_back_within_the_spec() {
    let errors = decode_check(&our_spec());
    assert!(
        errors.is_empty(),
        "the Rust types do not behave as spec/openapi.yaml says:\n  {}",
        errors.join("\n  ")
    );
}

#[test]
fn planted_required_change_that_the_derived_schema_cannot_see_is_caught_by_decoding() {
    // nextCursor made optional: schemars already calls it optional for reading
    // (it cannot see typify's `deserialize_with`), so the schema comparison is
    // blind here...
    let spec = spec_with_required(("GetFilesResponse", "nextCursor"), false);
    for rust in dialects() {
        assert!(compare_all(&spec, &rust).errors.is_empty(), "[{}]", rust.dialect);
    }
    // ...and the decoding check is not.
    assert_eq!(
        decode_check(&spec),
        [
            "GetFilesResponse: a document with only the spec's required properties does not decode: \
          missing field `nextCursor`"
        ]
    );
}

#[test]
fn planted_required_nullable_property_is_caught_by_both_checks() {
    // Required and nullable: the spec then wants `"description": null` written
    // out, but Rust skips a None.
    let spec = spec_with_required(("StorageFile", "description"), true);
    assert_caught(
        &spec,
        &["StorageFile.description: required spec=true rust=false (writing may leave it out)"],
    );
    assert_eq!(
        decode_check(&spec),
        ["StorageFile.description: required by the spec, rust leaves it out when writing"]
    );
}

#[test]
fn planted_changes_in_the_whole_api_rules_are_caught() {
    // A moment written as plain text in the spec: Rust's Timestamp no longer matches.
    let spec = spec_with(|s| {
        at(s, "/Entity/properties/createdAt")
            .as_object_mut()
            .unwrap()
            .remove("format");
    });
    assert_caught(&spec, &["Entity.createdAt: kind spec=string rust=timestamp (Either)"]);
    // Unix seconds no longer marked: a plain number is not a Timestamp.
    let spec = spec_with(|s| {
        at(s, "/WebhookEndpoint/properties/createdAt")
            .as_object_mut()
            .unwrap()
            .remove("x-videogen-unix-seconds");
    });
    assert_caught(
        &spec,
        &["WebhookEndpoint.createdAt: kind spec=number rust=timestamp (Either)"],
    );
    // A union variant the spec drops.
    let spec = spec_with(|s| {
        at(s, "/RemixAction/oneOf").as_array_mut().unwrap().pop();
        at(s, "/RemixAction/discriminator/mapping")
            .as_object_mut()
            .unwrap()
            .remove("EDIT_WITH_AGENT");
    });
    assert_caught(&spec, &["RemixAction: union variants spec=[\"RemixActionSetBackgroundMusic\", \"RemixActionSetLogo\", \"RemixActionEnableCaptions\", \"RemixActionDisableCaptions\", \"RemixActionAddTransitions\", \"RemixActionResizeProject\", \"RemixActionCleanUpTranscript\", \"RemixActionConvertImagesToVideos\", \"RemixActionRegenerateImages\", \"RemixActionUpscaleAssets\", \"RemixActionChangeNarrator\", \"RemixActionShuffleStockVisuals\", \"RemixActionGenerateMusic\", \"RemixActionTranslateProject\"] rust=[\"RemixActionSetBackgroundMusic\", \"RemixActionSetLogo\", \"RemixActionEnableCaptions\", \"RemixActionDisableCaptions\", \"RemixActionAddTransitions\", \"RemixActionResizeProject\", \"RemixActionCleanUpTranscript\", \"RemixActionConvertImagesToVideos\", \"RemixActionRegenerateImages\", \"RemixActionUpscaleAssets\", \"RemixActionChangeNarrator\", \"RemixActionShuffleStockVisuals\", \"RemixActionGenerateMusic\", \"RemixActionTranslateProject\", \"RemixActionEditWithAgent\"]", "RemixAction: union mapping spec={\"ADD_TRANSITIONS\": \"RemixActionAddTransitions\", \"CHANGE_NARRATOR\": \"RemixActionChangeNarrator\", \"CLEAN_UP_TRANSCRIPT\": \"RemixActionCleanUpTranscript\", \"CONVERT_IMAGES_TO_VIDEOS\": \"RemixActionConvertImagesToVideos\", \"DISABLE_CAPTIONS\": \"RemixActionDisableCaptions\", \"ENABLE_CAPTIONS\": \"RemixActionEnableCaptions\", \"GENERATE_MUSIC\": \"RemixActionGenerateMusic\", \"REGENERATE_IMAGES\": \"RemixActionRegenerateImages\", \"RESIZE_PROJECT\": \"RemixActionResizeProject\", \"SET_BACKGROUND_MUSIC\": \"RemixActionSetBackgroundMusic\", \"SET_LOGO\": \"RemixActionSetLogo\", \"SHUFFLE_STOCK_VISUALS\": \"RemixActionShuffleStockVisuals\", \"TRANSLATE_PROJECT\": \"RemixActionTranslateProject\", \"UPSCALE_ASSETS\": \"RemixActionUpscaleAssets\"} rust={\"ADD_TRANSITIONS\": \"RemixActionAddTransitions\", \"CHANGE_NARRATOR\": \"RemixActionChangeNarrator\", \"CLEAN_UP_TRANSCRIPT\": \"RemixActionCleanUpTranscript\", \"CONVERT_IMAGES_TO_VIDEOS\": \"RemixActionConvertImagesToVideos\", \"DISABLE_CAPTIONS\": \"RemixActionDisableCaptions\", \"EDIT_WITH_AGENT\": \"RemixActionEditWithAgent\", \"ENABLE_CAPTIONS\": \"RemixActionEnableCaptions\", \"GENERATE_MUSIC\": \"RemixActionGenerateMusic\", \"REGENERATE_IMAGES\": \"RemixActionRegenerateImages\", \"RESIZE_PROJECT\": \"RemixActionResizeProject\", \"SET_BACKGROUND_MUSIC\": \"RemixActionSetBackgroundMusic\", \"SET_LOGO\": \"RemixActionSetLogo\", \"SHUFFLE_STOCK_VISUALS\": \"RemixActionShuffleStockVisuals\", \"TRANSLATE_PROJECT\": \"RemixActionTranslateProject\", \"UPSCALE_ASSETS\": \"RemixActionUpscaleAssets\"}", "RemixActionEditWithAgent.type: enum is closed in rust: a value the API adds later would fail to decode"]);
    // The tag renamed: reported, and the variants' closed tags are no longer
    // accepted as tags.
    let spec = spec_with(|s| *at(s, "/RemixAction/discriminator/propertyName") = json!("kind"));
    for rust in dialects() {
        let errors = compare_all(&spec, &rust).errors;
        assert_eq!(
            errors[0],
            r#"RemixAction: union tag spec=Some("kind") rust=Some("type")"#
        );
        assert_eq!(errors.len(), 16, "{errors:?}");
        assert!(errors[1..]
            .iter()
            .all(|e| e.ends_with(".type: enum is closed in rust: a value the API adds later would fail to decode")));
    }
    // An integer enum that becomes a string enum.
    let spec = spec_with(|s| {
        *at(s, "/WorkflowCaptionStyle/properties/fontWeight") = json!({ "type": "string", "enum": ["BOLD"] });
    });
    assert_caught(
        &spec,
        &["WorkflowCaptionStyle.fontWeight: kind spec=string enum rust=integer"],
    );
    // A bound that no longer fits the Rust integer.
    let spec = spec_with(|s| *at(s, "/WorkflowRgbColor/properties/red/maximum") = json!(1000));
    assert_caught(&spec, &["WorkflowRgbColor.red: format spec=(none) rust=uint8 (the spec has none: only double, int64, or an unsigned format whose range holds the spec's minimum and maximum, may be implied)"]);
    // A default on a named enum.
    let spec = spec_with(|s| *at(s, "/ImageQuality/default") = json!("HIGH"));
    assert_caught(&spec, &["ImageQuality: default spec=\"HIGH\" rust=\"STANDARD\""]);
    // A closed enum that is not a union's tag.
    let rust = rust_with(|schemas| {
        *schemas.get_mut("ImageQuality").unwrap() =
            json!({ "type": "string", "enum": ["LOW", "STANDARD", "HIGH"], "default": "STANDARD" });
    });
    assert_caught_with(
        &our_spec(),
        &rust,
        &["ImageQuality: enum is closed in rust: a value the API adds later would fail to decode"],
    );
}

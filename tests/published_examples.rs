//! Every example payload of the Files operations in the vendor's published
//! document decodes into our types and writes back the same JSON.

mod common;

use std::path::PathBuf;

use serde_json::Value;
use videogen::types::{FileUploadResponse, GetFilesResponse, SearchFilesRequest, SearchFilesResponse};
use videogen::File;

fn published() -> Value {
    let path = std::env::var_os("VIDEOGEN_PUBLISHED_SPEC")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/published/videogen-openapi.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("the published document is needed at {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(what: &str, payload: &Value) -> usize {
    let decoded: T = serde_json::from_value(payload.clone()).unwrap_or_else(|e| panic!("{what}: {e}\n{payload:#}"));
    // Through text, as a service would send it on (f32 values print short).
    let written: Value = serde_json::from_str(&serde_json::to_string(&decoded).unwrap()).unwrap();
    // Equal up to null == absent (optional nullable members decode both ways
    // to `None`) and 12 == 12.0 (JSON numbers, not their spelling).
    assert_eq!(
        canonical(&written),
        canonical(payload),
        "{what} did not survive a round trip"
    );
    1
}

fn canonical(value: &Value) -> Value {
    match common::without_nulls(value) {
        Value::Number(n) => serde_json::json!(n.as_f64().unwrap()),
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), canonical(v))).collect()),
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        other => other,
    }
}

#[test]
fn every_files_example_round_trips() {
    let doc = published();
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if !op["tags"]
                .as_array()
                .is_some_and(|tags| tags.iter().any(|t| t == "Files"))
            {
                continue;
            }
            let id = op["operationId"].as_str().unwrap();
            for example in op["x-fern-examples"].as_array().into_iter().flatten() {
                let what = format!("{method} {path} ({id})");
                if let Some(request) = example.get("request") {
                    checked += match id {
                        "searchFiles" => {
                            // Our request type fills in the documented defaults.
                            let decoded: SearchFilesRequest = serde_json::from_value(request.clone()).unwrap();
                            assert_eq!(decoded.query.as_str(), request["query"].as_str().unwrap());
                            assert_eq!(decoded.num_results.get(), 10);
                            1
                        }
                        "createFileUpload" => {
                            let decoded: videogen::types::CreateFileUploadRequest =
                                serde_json::from_value(request.clone()).unwrap();
                            assert_eq!(decoded.display_name, request["displayName"].as_str().unwrap());
                            1
                        }
                        other => panic!("unexpected request example for {other}"),
                    };
                }
                let body = &example["response"]["body"];
                checked += match id {
                    "getFiles" => round_trip::<GetFilesResponse>(&what, body),
                    "searchFiles" => round_trip::<SearchFilesResponse>(&what, body),
                    "createFileUpload" => round_trip::<FileUploadResponse>(&what, body),
                    _ => round_trip::<File>(&what, body),
                };
            }
        }
    }
    assert_eq!(checked, 10, "8 response examples and 2 request examples");
}

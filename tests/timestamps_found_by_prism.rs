//! Client bugs found by the whole-API tests (tests/prism.rs met them in
//! Prism's random, schema-valid answers), kept as regression tests now that
//! they are fixed: RFC 3339 text before 1970 or with lowercase `t`/`z`, and
//! formatting instants before 1970.

use videogen::{File, Timestamp};

/// (text, Unix seconds) pairs, all valid RFC 3339 `date-time`s.
const BEFORE_1970: &[(&str, f64)] = &[
    ("1969-12-31T23:59:59Z", -1.0),
    ("1953-05-26T01:15:20.0Z", -523_925_080.0),
    ("1969-12-31T23:30:00-01:00", 1_800.0),
    ("0001-01-01T00:00:00Z", -62_135_596_800.0),
];

#[test]
fn rfc3339_date_times_before_1970_decode() {
    for (text, seconds) in BEFORE_1970 {
        let parsed = Timestamp::parse_rfc3339(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(parsed.unix_seconds(), *seconds, "{text}");
        assert_eq!(
            serde_json::to_string(&parsed).unwrap(),
            format!("\"{text}\""),
            "written back as read"
        );
    }
    // A project whose createdAt is such a date decodes (today the whole page fails).
    let project = serde_json::json!({
        "projectId": "vg_proj_1", "title": "t", "aspectRatio": {"width": 16, "height": 9}, "status": "ready",
        "createdAt": "1953-05-26T01:15:20.0Z", "updatedAt": "2026-05-23T12:00:00Z", "projectUrl": "https://app.videogen.io/p"
    });
    serde_json::from_value::<videogen::types::ProjectResponse>(project).unwrap();
}

#[test]
fn rfc3339_lowercase_t_and_z_decode() {
    let parsed = Timestamp::parse_rfc3339("2026-05-23t12:00:00z").unwrap();
    assert_eq!(parsed.unix_seconds(), 1_779_537_600.0);
}

#[test]
fn debug_of_a_file_with_an_expiry_before_1970_does_not_panic() {
    // The document allows any number for expiresAt (Prism sends negative ones).
    let file: File = serde_json::from_str(
        r#"{"fileId": "vg_file_1", "scope": "GLOBAL",
            "thumbnailSource": {"status": "ready", "url": "https://cdn.example/t.jpg", "expiresAt": -98295961.67}}"#,
    )
    .unwrap();
    let shown = format!("{file:?}");
    assert!(shown.contains("vg_file_1"));
    let before = Timestamp::from_unix_seconds(-1.5).unwrap();
    assert_eq!(before.to_string(), "1969-12-31T23:59:58.500Z");
    assert!(Timestamp::rfc3339(before.to_system_time())
        .to_string()
        .starts_with("1969-12-31T23:59:58"));
}

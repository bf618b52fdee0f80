//! Unit tests of the pieces; the attack matrix and the vectors are in
//! tests/webhooks_verify.rs.

use std::error::Error as _;
use std::time::{Duration, UNIX_EPOCH};

use http::HeaderMap;

use super::*;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const TS: u64 = 1_614_265_330;

fn delivery(verifier: &Verifier, ts: u64) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("webhook-id", "msg_1".parse().unwrap());
    headers.insert("webhook-timestamp", ts.to_string().parse().unwrap());
    headers.insert("webhook-signature", verifier.sign("msg_1", ts, b"{}").parse().unwrap());
    headers
}

fn check_at(tolerance: Duration, ts: u64, now: Duration) -> Result<(), VerifyError> {
    let verifier = Verifier::new(SECRET).unwrap().tolerance(tolerance);
    let headers = delivery(&verifier, ts);
    verifier
        .verify_signature_at(&headers, b"{}", UNIX_EPOCH + now)
        .map(|_| ())
}

#[test]
fn tolerance_boundary_is_inclusive_in_whole_seconds() {
    let t = DEFAULT_TOLERANCE;
    let secs = Duration::from_secs;
    // Exactly 300 s either way: accepted.
    check_at(t, TS, secs(TS + 300)).unwrap();
    check_at(t, TS, secs(TS - 300)).unwrap();
    // The clock is truncated to the second: 300.999 s old still counts as 300.
    check_at(t, TS, secs(TS + 300) + Duration::from_millis(999)).unwrap();
    // 301 s: refused, with direction and distance.
    match check_at(t, TS, secs(TS + 301)) {
        Err(VerifyError::OutsideTolerance {
            direction: Direction::Past,
            skew,
            tolerance,
        }) => {
            assert_eq!((skew, tolerance), (secs(301), t))
        }
        other => panic!("{other:?}"),
    }
    match check_at(t, TS, secs(TS - 301)) {
        Err(VerifyError::OutsideTolerance {
            direction: Direction::Future,
            skew,
            ..
        }) => assert_eq!(skew, secs(301)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn tolerance_is_configurable() {
    let secs = Duration::from_secs;
    check_at(secs(10), TS, secs(TS + 10)).unwrap();
    assert!(check_at(secs(10), TS, secs(TS + 11)).is_err());
    check_at(Duration::ZERO, TS, secs(TS)).unwrap();
    assert!(check_at(Duration::ZERO, TS, secs(TS + 1)).is_err());
    check_at(Duration::MAX, 0, secs(TS)).unwrap();
    // A clock before 1970 reads as 1970, not a panic.
    let verifier = Verifier::new(SECRET).unwrap();
    let headers = delivery(&verifier, 5);
    verifier
        .verify_signature_at(&headers, b"{}", UNIX_EPOCH - secs(1))
        .unwrap();
}

#[test]
fn timestamps_are_plain_digits() {
    for bad in [
        "",
        "abc",
        "+1614265330",
        "-1",
        " 1614265330",
        "1614265330 ",
        "1614265330.0",
        "1e9",
        "0x10",
    ] {
        assert!(
            matches!(
                verify::parse_timestamp(bad.as_bytes()),
                Err(VerifyError::InvalidTimestamp)
            ),
            "{bad:?}"
        );
    }
    // Beyond u64, and beyond what SystemTime holds: refused, not a panic.
    for huge in ["99999999999999999999999", "18446744073709551615"] {
        assert!(verify::parse_timestamp(huge.as_bytes()).is_err(), "{huge}");
    }
    let (secs, at) = verify::parse_timestamp(b"0001614265330").unwrap();
    assert_eq!((secs, at), (TS, UNIX_EPOCH + Duration::from_secs(TS)));
}

#[test]
fn ids_are_visible_ascii_without_dots() {
    for bad in [
        &b""[..],
        b"msg.1",
        b".",
        b"msg 1",
        b"msg\t1",
        b"msg\xff",
        "caf\u{e9}".as_bytes(),
    ] {
        assert!(matches!(verify::parse_id(bad), Err(VerifyError::InvalidId)), "{bad:?}");
    }
    assert_eq!(
        verify::parse_id(b"msg_2KWPBgLlAfxdpx2AI54pPJ85f4W").unwrap(),
        "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"
    );
    assert_eq!(verify::parse_id(b"a-b_c~d:e@f").unwrap(), "a-b_c~d:e@f");
}

#[test]
fn signatures_decode_only_from_canonical_padded_base64_of_32_bytes() {
    let good = "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    assert!(verify::decode_tag(good.as_bytes()).is_some());
    for bad in [
        "",
        "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE",   // unpadded
        "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OF=",  // same bytes, non-zero trailing bits
        "g0hM9SsE-OTPJTGt_tmIKtSyZlE3uFJELVlNIOLJ1OE=",  // URL-safe alphabet
        "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OEA",  // 33 bytes, no padding
        "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1O==",  // 31 bytes
        "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE==", // 45 characters
        "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1\u{e9}=",
    ] {
        assert!(verify::decode_tag(bad.as_bytes()).is_none(), "{bad:?}");
    }
}

#[test]
fn secret_forms() {
    assert!(Verifier::new(SECRET).is_ok());
    // Unpadded secrets decode like padded ones (25 bytes: one `=`).
    let padded = Verifier::new("whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGA==").unwrap();
    let unpadded = Verifier::new("whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGA").unwrap();
    assert_eq!(padded.sign("m", 1, b"x"), unpadded.sign("m", 1, b"x"));
    let cases = [
        ("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", SecretError::MissingPrefix),
        ("", SecretError::MissingPrefix),
        ("WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", SecretError::MissingPrefix),
        ("whsk_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", SecretError::MissingPrefix),
        ("whsec_", SecretError::Empty),
        ("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n", SecretError::NotBase64),
        (" whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", SecretError::MissingPrefix),
        ("whsec_MfKQ9r8G KYqrTwjUPD8ILPZIo2LaLaSw", SecretError::NotBase64),
        ("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwBr", SecretError::NotBase64),
    ];
    for (secret, want) in cases {
        match Verifier::new(secret) {
            Err(err @ VerifyError::InvalidSecret(why)) => {
                assert_eq!(why, want, "{secret:?}");
                let shown = format!("{err} {err:?}");
                assert!(secret.len() < 8 || !shown.contains(&secret[6..]), "{shown}");
            }
            other => panic!("{secret:?}: {other:?}"),
        }
    }
}

#[test]
fn debug_shows_no_key() {
    let verifier = Verifier::new(SECRET).unwrap();
    let shown = format!("{verifier:?} {verifier:#?}");
    assert!(shown.contains("<redacted>") && shown.contains("300s"), "{shown}");
    assert!(!shown.contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), "{shown}");
    // Nor the decoded key, whose first bytes are 0x31 0xf2 0x90, as a list or in hex.
    assert!(!shown.contains("49, 242, 144") && !shown.contains("31f290"), "{shown}");
}

#[test]
fn every_error_displays_its_check() {
    let errors = [
        (
            VerifyError::MissingHeader(Header::Timestamp),
            "no `webhook-timestamp` header",
        ),
        (
            VerifyError::DuplicateHeader(Header::Id),
            "`webhook-id` header sent more than once",
        ),
        (
            VerifyError::HeaderTooLarge {
                header: Header::Signature,
                len: 5000,
                max: MAX_HEADER_LEN,
            },
            "`webhook-signature` header is 5000 bytes, over the 4096-byte limit",
        ),
        (VerifyError::InvalidId, "`webhook-id` is empty"),
        (VerifyError::InvalidTimestamp, "not a decimal number"),
        (
            VerifyError::OutsideTolerance {
                direction: Direction::Future,
                skew: Duration::from_secs(301),
                tolerance: DEFAULT_TOLERANCE,
            },
            "301 s in the future, beyond the 300 s tolerance",
        ),
        (VerifyError::NoSupportedSignature { entries: 0 }, "no `v1,` signature"),
        (
            VerifyError::MalformedSignature { v1_entries: 2 },
            "none of the 2 `v1,` signatures is base64",
        ),
        (
            VerifyError::NoMatchingSignature { tried: 1 },
            "none of the 1 `v1,` signatures matches",
        ),
        (VerifyError::InvalidSecret(SecretError::Empty), "invalid webhook secret"),
    ];
    for (err, text) in errors {
        assert!(err.to_string().contains(text), "{err}");
        assert!(err.source().is_none());
    }
}

#[test]
fn invalid_body_carries_the_parse_error() {
    let parse = serde_json::from_slice::<serde_json::Value>(b"\xff").unwrap_err();
    let err = VerifyError::InvalidBody {
        source: Box::new(parse),
    };
    assert_eq!(err.to_string(), "webhook body is not a valid event");
    assert!(err.source().unwrap().to_string().contains("line 1"));
}

#[test]
fn sign_matches_the_published_vector() {
    let verifier = Verifier::new(SECRET).unwrap();
    assert_eq!(
        verifier.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", TS, br#"{"test": 2432232314}"#),
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    );
}

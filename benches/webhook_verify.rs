//! Cost of checking one webhook delivery with a 2 KB body: the whole of
//! `Verifier::verify_signature_at` (header lookups, timestamp, HMAC-SHA256
//! over id.timestamp.body, constant-time compare). Target: median under 5 µs.
//!
//! ```sh
//! cargo bench --bench webhook_verify
//! # medians: target/criterion/webhook_verify/*/new/estimates.json, "median"
//! ```

use std::hint::black_box;
use std::time::{Duration, UNIX_EPOCH};

use criterion::{criterion_group, criterion_main, Criterion};
use http::HeaderMap;
use videogen::webhooks::Verifier;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ID: &str = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
const TS: u64 = 1_674_087_231;

/// A 2048-byte JSON-ish event body.
fn body() -> Vec<u8> {
    let mut body = br#"{"type":"file.upload.completed","occurredAt":1674087231,"data":{"pad":""#.to_vec();
    while body.len() < 2048 - 3 {
        body.push(b'a' + (body.len() % 26) as u8);
    }
    body.extend_from_slice(b"\"}}");
    body
}

fn delivery(signature: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("webhook-id", ID.parse().unwrap());
    headers.insert("webhook-timestamp", TS.to_string().parse().unwrap());
    headers.insert("webhook-signature", signature.parse().unwrap());
    headers
}

fn bench(c: &mut Criterion) {
    let verifier = Verifier::new(SECRET).unwrap();
    let body = body();
    assert_eq!(body.len(), 2048);
    let now = UNIX_EPOCH + Duration::from_secs(TS + 1);
    let good = verifier.sign(ID, TS, &body);
    let old = Verifier::new("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD")
        .unwrap()
        .sign(ID, TS, &body);

    let mut group = c.benchmark_group("webhook_verify");
    let one = delivery(&good);
    verifier.verify_signature_at(&one, &body, now).unwrap();
    group.bench_function("2KB, one signature", |b| {
        b.iter(|| {
            verifier
                .verify_signature_at(black_box(&one), black_box(&body), now)
                .is_ok()
        })
    });
    let rotating = delivery(&format!("{old} {good}"));
    verifier.verify_signature_at(&rotating, &body, now).unwrap();
    group.bench_function("2KB, second of two signatures", |b| {
        b.iter(|| {
            verifier
                .verify_signature_at(black_box(&rotating), black_box(&body), now)
                .is_ok()
        })
    });
    let forged = delivery(&old);
    group.bench_function("2KB, forged (rejected)", |b| {
        b.iter(|| {
            verifier
                .verify_signature_at(black_box(&forged), black_box(&body), now)
                .is_err()
        })
    });
    group.bench_function("2KB, sign", |b| b.iter(|| verifier.sign(ID, TS, black_box(&body))));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

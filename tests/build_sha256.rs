//! `build.rs` hashes the spec with its own SHA-256 (no hashing crate in
//! users' builds); it must agree with the `sha2` crate that
//! `cargo xtask regen` writes the header with, at every padding boundary.

#[path = "../build/sha256.rs"]
mod sha256;

use sha2::{Digest, Sha256};

#[test]
fn agrees_with_the_sha2_crate_around_every_block_boundary() {
    let data: Vec<u8> = (0..1100u32).map(|i| (i * 31 % 251) as u8).collect();
    for len in (0..=130).chain([447, 448, 511, 512, 1000, 1100]) {
        let expected: String = Sha256::digest(&data[..len])
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(sha256::hex_digest(&data[..len]), expected, "length {len}");
    }
}

#[test]
fn matches_the_published_test_vector() {
    // FIPS 180-4's "abc" example.
    assert_eq!(
        sha256::hex_digest(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

//! Signatures of the fake's download and upload URLs.

use sha2::{Digest, Sha256};

/// Signs URLs with a per-server secret: `sig` is the first 128 bits of
/// SHA-256 over the secret and what the URL grants, in hex. Not meant to
/// resist attack; meant to make a tampered or stale URL fail like a real one.
#[derive(Debug)]
pub(crate) struct Signer {
    secret: [u8; 16],
}

impl Signer {
    pub fn new(rng: &mut fastrand::Rng) -> Signer {
        let mut secret = [0u8; 16];
        rng.fill(&mut secret);
        Signer { secret }
    }

    /// The signature of `what` (e.g. `download/vg_file_x/preview`) until `expires`.
    pub fn sign(&self, what: &str, expires: u64) -> String {
        let mut hash = Sha256::new();
        hash.update(self.secret);
        hash.update(what.as_bytes());
        hash.update(b"\n");
        hash.update(expires.to_string().as_bytes());
        hex(&hash.finalize()[..16])
    }

    pub fn verify(&self, what: &str, expires: u64, signature: &str) -> bool {
        self.sign(what, expires).eq_ignore_ascii_case(signature)
    }
}

/// Lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_bind_the_path_and_the_expiry() {
        let signer = Signer::new(&mut fastrand::Rng::with_seed(1));
        let sig = signer.sign("download/a/preview", 100);
        assert_eq!(sig.len(), 32);
        assert!(signer.verify("download/a/preview", 100, &sig));
        assert!(!signer.verify("download/a/preview", 101, &sig));
        assert!(!signer.verify("download/b/preview", 100, &sig));
        let other = Signer::new(&mut fastrand::Rng::with_seed(2));
        assert!(!other.verify("download/a/preview", 100, &sig));
    }
}

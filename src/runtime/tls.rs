//! The TLS stack of the HTTP client the crate builds, chosen by cargo
//! features (a client passed to `ClientBuilder::http_client` keeps its own).
//!
//! - `rustls` (default): rustls with the `ring` provider. reqwest's own
//!   rustls default uses aws-lc-rs, whose C build is the longest step of a
//!   cold build; ring's is several times shorter. Certificates are checked
//!   by the platform's verifier, as reqwest does.
//! - `rustls-aws-lc`: reqwest's default rustls setup (aws-lc-rs).
//! - `native-tls`: the platform library (OpenSSL on Linux).
//!
//! When several are on, the most specific wins: `native-tls`, then
//! `rustls-aws-lc`, then `rustls`.

use crate::error::Error;

/// Applies the feature-selected TLS stack to `builder`.
pub(crate) fn configure(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    #[cfg(feature = "native-tls")]
    return Ok(builder.tls_backend_native());

    #[cfg(all(feature = "rustls-aws-lc", not(feature = "native-tls")))]
    return Ok(builder.tls_backend_rustls());

    #[cfg(all(feature = "rustls", not(feature = "rustls-aws-lc"), not(feature = "native-tls")))]
    return ring_rustls().map(|tls| builder.tls_backend_preconfigured(tls));

    // No TLS feature: plain-HTTP base URLs only (a local fake, a proxy sidecar).
    #[allow(unreachable_code)]
    Ok(builder)
}

/// rustls over ring, verified by the platform, offering HTTP/2 and 1.1
/// (reqwest leaves ALPN to a preconfigured stack).
#[cfg(all(feature = "rustls", not(feature = "rustls-aws-lc"), not(feature = "native-tls")))]
fn ring_rustls() -> Result<rustls::ClientConfig, Error> {
    use std::sync::Arc;
    let failed = |e: rustls::Error| Error::config(format!("setting up TLS failed: {e}"));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = rustls_platform_verifier::Verifier::new(provider.clone()).map_err(failed)?;
    let mut tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(failed)?
        .dangerous() // rustls' name for "a verifier other than its built-in one"
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(tls)
}

//! Checking that a webhook delivery really comes from VideoGen.
//!
//! VideoGen signs webhooks the [Standard Webhooks](https://www.standardwebhooks.com/)
//! way: each delivery carries `webhook-id`, `webhook-timestamp` (Unix
//! seconds) and `webhook-signature` (space-separated `v1,<base64>` entries,
//! each an HMAC-SHA256 of `{id}.{timestamp}.{body}` under the endpoint's
//! `whsec_` secret). A [`Verifier`] checks all of that on the raw body
//! before anything parses it, and needs no [`Client`](crate::Client):
//!
//! 1. build one [`Verifier`] per endpoint secret at startup;
//! 2. in the handler, call [`Verifier::verify_signature`] with the request's
//!    headers and its body bytes exactly as received;
//! 3. on `Ok`, deduplicate on [`Verified::id`] (retries reuse it), answer 2xx
//!    within 15 s, then parse [`Verified::body`]; on `Err`, answer 400 and
//!    drop the body.
//!
//! See [`Verifier`] for an example and [`VerifyError`] for the checks.

#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;
mod error;
mod event;
#[cfg(test)]
mod tests;
mod verify;

use std::time::Duration;

pub use error::{Direction, Header, SecretError, VerifyError};
pub use event::Event;
pub use verify::{Verified, Verifier};

/// How far `webhook-timestamp` may be from the local clock unless
/// [`Verifier::tolerance`] says otherwise: 300 s, as the vendor's SDKs use.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// The longest header value read, in bytes; longer ones are refused with
/// [`VerifyError::HeaderTooLarge`] before any parsing. Room for about 90
/// signatures in `webhook-signature`.
pub const MAX_HEADER_LEN: usize = 4096;

/// The prefix of a symmetric Standard Webhooks secret.
pub const SECRET_PREFIX: &str = "whsec_";

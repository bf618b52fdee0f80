//! What can go wrong when checking a webhook: [`VerifyError`] and its parts.
//!
//! No error here holds the secret, a signature we computed, or a header value
//! as received: only which check failed and, where it helps, a number.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

/// One of the three Standard Webhooks headers, as named in a [`VerifyError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Header {
    /// `webhook-id`: the delivery's unique id, the same on every retry.
    Id,
    /// `webhook-timestamp`: Unix seconds of this delivery attempt.
    Timestamp,
    /// `webhook-signature`: space-separated `v1,<base64>` signatures.
    Signature,
}

impl Header {
    /// The header's name on the wire, lowercase (`webhook-id`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            Header::Id => "webhook-id",
            Header::Timestamp => "webhook-timestamp",
            Header::Signature => "webhook-signature",
        }
    }
}

impl fmt::Display for Header {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which side of the local clock a rejected `webhook-timestamp` lies on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Older than `now - tolerance`: a replay, a long-queued delivery, or a
    /// local clock running fast.
    Past,
    /// Newer than `now + tolerance`: the sender's clock runs fast, or the
    /// local one slow.
    Future,
}

/// Why a webhook secret was refused by [`Verifier::new`](super::Verifier::new).
///
/// The secret itself is never part of the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SecretError {
    /// The secret does not start with `whsec_`. A bare base64 key is refused
    /// too: pass the secret exactly as `createWebhookEndpoint` returned it.
    MissingPrefix,
    /// The part after `whsec_` is not standard base64 (padding optional).
    NotBase64,
    /// The part after `whsec_` decodes to no bytes at all.
    Empty,
}

impl fmt::Display for SecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SecretError::MissingPrefix => {
                "it does not start with `whsec_`; pass it exactly as createWebhookEndpoint returned it"
            }
            SecretError::NotBase64 => {
                "the part after `whsec_` is not base64 (check for surrounding whitespace or a truncated copy)"
            }
            SecretError::Empty => "the part after `whsec_` is empty",
        })
    }
}

impl StdError for SecretError {}

/// A webhook failed verification, or a [`Verifier`](super::Verifier) could
/// not be built. Each variant names the check that failed.
///
/// Checks run in this order, and the first failure is returned: the three
/// headers are present, single and at most [`MAX_HEADER_LEN`](super::MAX_HEADER_LEN)
/// bytes (id, then timestamp, then signature); the id is well-formed; the
/// timestamp parses; it lies within the tolerance; a signature matches.
/// Anyone can trigger every error but [`InvalidBody`](Self::InvalidBody)
/// without knowing the secret, so none of them is evidence of a real
/// delivery: answer 4xx and do not act on the body.
#[derive(Debug)]
#[non_exhaustive]
pub enum VerifyError {
    /// The secret given to [`Verifier::new`](super::Verifier::new) is unusable.
    InvalidSecret(SecretError),
    /// A required header is absent.
    MissingHeader(Header),
    /// A header appears more than once; the standard sends each exactly once.
    DuplicateHeader(Header),
    /// A header value is longer than [`MAX_HEADER_LEN`](super::MAX_HEADER_LEN)
    /// bytes; it was not parsed.
    HeaderTooLarge {
        /// The header.
        header: Header,
        /// Its length in bytes.
        len: usize,
        /// The limit it exceeds.
        max: usize,
    },
    /// `webhook-id` is empty, contains a byte that is not visible ASCII, or
    /// contains `.` (which would make the signed `id.timestamp.body` string
    /// ambiguous).
    InvalidId,
    /// `webhook-timestamp` is not a plain decimal number of Unix seconds
    /// (digits only: no sign, spaces, fraction or exponent), or is too large
    /// to be a time.
    InvalidTimestamp,
    /// `webhook-timestamp` is further from the local clock than the
    /// tolerance: a replayed delivery, or clocks that disagree.
    OutsideTolerance {
        /// Whether the timestamp is in the past or the future.
        direction: Direction,
        /// How far the timestamp is from the local clock, in whole seconds.
        skew: Duration,
        /// The tolerance in force.
        tolerance: Duration,
    },
    /// `webhook-signature` holds no `v1,` entry: it is empty, or carries
    /// only schemes this crate does not check (`v1a,`, `v2,`, ...).
    NoSupportedSignature {
        /// Space-separated entries in the header (0 when it is blank).
        entries: usize,
    },
    /// `webhook-signature` has `v1,` entries, but none is the base64 of a
    /// 32-byte HMAC-SHA256 (truncated, padded wrongly, not base64).
    MalformedSignature {
        /// Number of `v1,` entries seen.
        v1_entries: usize,
    },
    /// At least one `v1,` signature was well-formed, but none matches this
    /// id, timestamp and body under this secret: a forgery, a tampered
    /// delivery, or the wrong secret (for instance another endpoint's).
    NoMatchingSignature {
        /// Number of well-formed `v1,` signatures tried.
        tried: usize,
    },
    /// The body is authentic but is not a webhook event this crate can read.
    ///
    /// Never returned by [`Verifier::verify_signature`](super::Verifier::verify_signature),
    /// which checks raw bytes only (a non-UTF-8 body with a good signature
    /// passes it). Reserved for the typed `verify()` that will parse the
    /// verified body into an event; `source` is then the parse error.
    InvalidBody {
        /// Why the body could not be read as an event.
        source: Box<dyn StdError + Send + Sync + 'static>,
    },
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyError::InvalidSecret(why) => write!(f, "invalid webhook secret: {why}"),
            VerifyError::MissingHeader(h) => write!(f, "webhook rejected: no `{h}` header"),
            VerifyError::DuplicateHeader(h) => write!(f, "webhook rejected: `{h}` header sent more than once"),
            VerifyError::HeaderTooLarge { header, len, max } => {
                write!(
                    f,
                    "webhook rejected: `{header}` header is {len} bytes, over the {max}-byte limit"
                )
            }
            VerifyError::InvalidId => {
                f.write_str("webhook rejected: `webhook-id` is empty, not visible ASCII, or contains `.`")
            }
            VerifyError::InvalidTimestamp => {
                f.write_str("webhook rejected: `webhook-timestamp` is not a decimal number of Unix seconds")
            }
            VerifyError::OutsideTolerance {
                direction,
                skew,
                tolerance,
            } => {
                let side = match direction {
                    Direction::Past => "in the past",
                    Direction::Future => "in the future",
                };
                write!(
                    f,
                    "webhook rejected: `webhook-timestamp` is {} s {side}, beyond the {} s tolerance \
                     (a replay, or clocks that disagree)",
                    skew.as_secs(),
                    tolerance.as_secs_f64()
                )
            }
            VerifyError::NoSupportedSignature { entries } => write!(
                f,
                "webhook rejected: `webhook-signature` has no `v1,` signature ({entries} entries of other schemes)"
            ),
            VerifyError::MalformedSignature { v1_entries } => write!(
                f,
                "webhook rejected: none of the {v1_entries} `v1,` signatures is base64 of 32 bytes"
            ),
            VerifyError::NoMatchingSignature { tried } => write!(
                f,
                "webhook rejected: none of the {tried} `v1,` signatures matches (forged, tampered, or wrong secret)"
            ),
            VerifyError::InvalidBody { .. } => f.write_str("webhook body is not a valid event"),
        }
    }
}

impl StdError for VerifyError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            VerifyError::InvalidBody { source } => Some(source.as_ref()),
            _ => None,
        }
    }
}

impl From<SecretError> for VerifyError {
    fn from(why: SecretError) -> Self {
        VerifyError::InvalidSecret(why)
    }
}

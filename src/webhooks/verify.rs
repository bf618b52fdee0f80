//! [`Verifier`]: checks a delivery's headers and raw body against the
//! endpoint's secret, and signs for tests.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use hmac::digest::{CtOutput, Output};
use hmac::{Hmac, KeyInit, Mac};
use http::HeaderMap;
use sha2::Sha256;
use zeroize::Zeroizing;

use super::{Direction, Header, SecretError, VerifyError, DEFAULT_TOLERANCE, MAX_HEADER_LEN, SECRET_PREFIX};

type HmacSha256 = Hmac<Sha256>;

/// Secrets decode with or without `=` padding, as the reference libraries accept both.
const SECRET_BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Length of a padded base64 HMAC-SHA256: `ceil(32 / 3) * 4`.
const SIGNATURE_B64_LEN: usize = 44;

/// Checks Standard Webhooks signatures for one endpoint's secret.
///
/// Build it once at startup and share it (`Clone`, `Send`, `Sync`); it holds
/// the HMAC key already expanded, wiped from memory when dropped, and never
/// printed: `Debug` shows only the tolerance. It needs no [`Client`](crate::Client).
///
/// ```
/// use std::time::{Duration, SystemTime, UNIX_EPOCH};
/// use http::HeaderMap;
/// use videogen::webhooks::{Verifier, VerifyError};
///
/// // As createWebhookEndpoint returned it (this one is made up).
/// let verifier = Verifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?
///     .tolerance(Duration::from_secs(300)); // the default
///
/// // What your HTTP framework hands you: the headers and the body, unparsed.
/// let body = br#"{"type":"file.upload.completed"}"#;
/// let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
/// let mut headers = HeaderMap::new();
/// headers.insert("webhook-id", "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W".parse().unwrap());
/// headers.insert("webhook-timestamp", now.to_string().parse().unwrap());
/// let signature = verifier.sign("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", now, body);
/// headers.insert("webhook-signature", signature.parse().unwrap());
///
/// let verified = verifier.verify_signature(&headers, body)?;
/// assert_eq!(verified.id(), "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"); // dedupe on this
/// assert_eq!(verified.body(), body); // now safe to parse
///
/// // Any other body (or id, or timestamp) is refused, saying which check failed.
/// let err = verifier.verify_signature(&headers, br#"{"type":"file.upload.failed"}"#).unwrap_err();
/// assert!(matches!(err, VerifyError::NoMatchingSignature { .. }));
/// # Ok::<(), VerifyError>(())
/// ```
#[derive(Clone)]
pub struct Verifier {
    mac: HmacSha256,
    tolerance: Duration,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("key", &"<redacted>")
            .field("tolerance", &self.tolerance)
            .finish()
    }
}

impl Verifier {
    /// A verifier for `secret`, which must be `whsec_` followed by standard
    /// base64 (with or without `=` padding) of a non-empty key, exactly as
    /// `createWebhookEndpoint` returns it.
    ///
    /// A bare base64 key without the prefix is refused
    /// ([`SecretError::MissingPrefix`]): it is more often a mix-up (an API
    /// key, another vendor's secret, a truncated paste) than a real key.
    ///
    /// # Errors
    /// [`VerifyError::InvalidSecret`] saying what is wrong; the message never
    /// contains the secret.
    pub fn new(secret: &str) -> Result<Self, VerifyError> {
        let encoded = secret.strip_prefix(SECRET_PREFIX).ok_or(SecretError::MissingPrefix)?;
        let key = Zeroizing::new(SECRET_BASE64.decode(encoded).map_err(|_| SecretError::NotBase64)?);
        if key.is_empty() {
            return Err(SecretError::Empty.into());
        }
        let mac = HmacSha256::new_from_slice(&key).expect("HMAC takes keys of any length");
        Ok(Verifier {
            mac,
            tolerance: DEFAULT_TOLERANCE,
        })
    }

    /// How far `webhook-timestamp` may be from the local clock, in either
    /// direction; [`DEFAULT_TOLERANCE`] (300 s) unless set.
    ///
    /// Whole seconds are compared: the local clock is truncated to the
    /// second, and a timestamp exactly `tolerance` away is accepted, one
    /// second further is not. `Duration::ZERO` accepts only the current
    /// second; `Duration::MAX` turns the check off (not recommended: it is
    /// what stops replays).
    #[must_use]
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Verifies a delivery against the system clock: see
    /// [`verify_signature_at`](Self::verify_signature_at).
    ///
    /// # Errors
    /// The first check that failed, as a [`VerifyError`].
    pub fn verify_signature<'a>(&self, headers: &'a HeaderMap, body: &'a [u8]) -> Result<Verified<'a>, VerifyError> {
        self.verify_signature_at(headers, body, SystemTime::now())
    }

    /// Verifies a delivery as if the local clock read `now`.
    ///
    /// `body` must be the request body exactly as received, before any
    /// parsing: the signature covers `{webhook-id}.{webhook-timestamp}.{body}`
    /// byte for byte. Header names are case-insensitive. Every `v1,` entry
    /// of `webhook-signature` is tried (several are sent while a secret is
    /// being rotated); entries of other schemes (`v1a,`, `v2,`, ...) and
    /// malformed ones are skipped. Signatures are compared in constant time.
    /// Nothing is allocated: the HMAC runs over the borrowed parts.
    ///
    /// # Errors
    /// The first check that failed, in the order listed on [`VerifyError`].
    pub fn verify_signature_at<'a>(
        &self,
        headers: &'a HeaderMap,
        body: &'a [u8],
        now: SystemTime,
    ) -> Result<Verified<'a>, VerifyError> {
        let id = single(headers, Header::Id)?;
        let timestamp = single(headers, Header::Timestamp)?;
        let signatures = single(headers, Header::Signature)?;

        let id = parse_id(id)?;
        let (secs, timestamp_at) = parse_timestamp(timestamp)?;
        self.check_tolerance(secs, now)?;

        let expected = self.tag(id.as_bytes(), timestamp, body);
        match_any(signatures, &expected)?;
        Ok(Verified {
            id,
            timestamp: timestamp_at,
            body,
        })
    }

    /// The `webhook-signature` value for a delivery: `v1,` and the base64
    /// HMAC-SHA256 of `{msg_id}.{timestamp_secs}.{body}` under this secret.
    ///
    /// For tests and fake servers. `msg_id` should not contain `.`:
    /// [`verify_signature`](Self::verify_signature) refuses such ids.
    pub fn sign(&self, msg_id: &str, timestamp_secs: u64, body: &[u8]) -> String {
        let tag = self.tag(msg_id.as_bytes(), timestamp_secs.to_string().as_bytes(), body);
        format!("v1,{}", STANDARD.encode(tag.as_bytes()))
    }

    fn tag(&self, id: &[u8], timestamp: &[u8], body: &[u8]) -> CtOutput<HmacSha256> {
        let mut mac = self.mac.clone();
        for part in [id, b".", timestamp, b".", body] {
            mac.update(part);
        }
        mac.finalize()
    }

    fn check_tolerance(&self, secs: u64, now: SystemTime) -> Result<(), VerifyError> {
        // A clock before 1970 counts as 1970: every timestamp is then ahead of it.
        let now = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let (direction, skew) = if secs >= now {
            (Direction::Future, secs - now)
        } else {
            (Direction::Past, now - secs)
        };
        let skew = Duration::from_secs(skew);
        if skew > self.tolerance {
            return Err(VerifyError::OutsideTolerance {
                direction,
                skew,
                tolerance: self.tolerance,
            });
        }
        Ok(())
    }
}

/// A delivery whose signature checked out: its id, timestamp and raw body.
///
/// Borrowed from the headers and body given to
/// [`Verifier::verify_signature`]; nothing is copied.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Verified<'a> {
    id: &'a str,
    timestamp: SystemTime,
    body: &'a [u8],
}

impl<'a> Verified<'a> {
    /// `webhook-id`: the same on every retry of one event, so the key to
    /// deduplicate on (remember ids for at least the tolerance window).
    pub fn id(&self) -> &'a str {
        self.id
    }

    /// `webhook-timestamp`: when this attempt was sent (not when the event
    /// happened; each retry has a new one).
    pub fn timestamp(&self) -> SystemTime {
        self.timestamp
    }

    /// The body, byte for byte as received and signed. Not yet parsed or
    /// checked to be UTF-8 or JSON.
    pub fn body(&self) -> &'a [u8] {
        self.body
    }
}

impl fmt::Debug for Verified<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verified")
            .field("id", &self.id)
            .field("timestamp", &self.timestamp)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// The header's only value, if it has exactly one of at most `MAX_HEADER_LEN` bytes.
fn single(headers: &HeaderMap, header: Header) -> Result<&[u8], VerifyError> {
    let mut values = headers.get_all(header.name()).iter();
    let value = values.next().ok_or(VerifyError::MissingHeader(header))?;
    if values.next().is_some() {
        return Err(VerifyError::DuplicateHeader(header));
    }
    let len = value.len();
    if len > MAX_HEADER_LEN {
        return Err(VerifyError::HeaderTooLarge {
            header,
            len,
            max: MAX_HEADER_LEN,
        });
    }
    Ok(value.as_bytes())
}

/// A non-empty id of visible ASCII without `.`.
pub(super) fn parse_id(raw: &[u8]) -> Result<&str, VerifyError> {
    let valid = !raw.is_empty() && raw.iter().all(|&b| b.is_ascii_graphic() && b != b'.');
    if !valid {
        return Err(VerifyError::InvalidId);
    }
    std::str::from_utf8(raw).map_err(|_| VerifyError::InvalidId)
}

/// Digits only, as Unix seconds that `SystemTime` can hold.
pub(super) fn parse_timestamp(raw: &[u8]) -> Result<(u64, SystemTime), VerifyError> {
    if raw.is_empty() || !raw.iter().all(u8::is_ascii_digit) {
        return Err(VerifyError::InvalidTimestamp);
    }
    let secs = std::str::from_utf8(raw)
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .ok_or(VerifyError::InvalidTimestamp)?;
    let at = UNIX_EPOCH
        .checked_add(Duration::from_secs(secs))
        .ok_or(VerifyError::InvalidTimestamp)?;
    Ok((secs, at))
}

/// Ok if any `v1,` entry of the header decodes to `expected`.
fn match_any(header: &[u8], expected: &CtOutput<HmacSha256>) -> Result<(), VerifyError> {
    let (mut entries, mut v1_entries, mut tried) = (0, 0, 0);
    for entry in header.split(|&b| b == b' ').filter(|e| !e.is_empty()) {
        entries += 1;
        let Some(encoded) = entry.strip_prefix(b"v1,") else {
            continue; // another scheme: not ours to judge
        };
        v1_entries += 1;
        let Some(candidate) = decode_tag(encoded) else {
            continue;
        };
        tried += 1;
        if candidate == *expected {
            return Ok(());
        }
    }
    Err(match (v1_entries, tried) {
        (0, _) => VerifyError::NoSupportedSignature { entries },
        (_, 0) => VerifyError::MalformedSignature { v1_entries },
        _ => VerifyError::NoMatchingSignature { tried },
    })
}

/// Padded standard base64 of exactly 32 bytes, decoded on the stack.
pub(super) fn decode_tag(encoded: &[u8]) -> Option<CtOutput<HmacSha256>> {
    if encoded.len() != SIGNATURE_B64_LEN {
        return None;
    }
    let mut tag = Output::<HmacSha256>::default();
    match STANDARD.decode_slice(encoded, &mut tag) {
        Ok(n) if n == tag.len() => Some(CtOutput::new(tag)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_of_exactly_the_maximum_length_is_read() {
        let mut headers = HeaderMap::new();
        let at_limit = "a".repeat(MAX_HEADER_LEN);
        headers.insert("webhook-id", at_limit.parse().unwrap());
        assert_eq!(single(&headers, Header::Id).unwrap().len(), MAX_HEADER_LEN);
        headers.insert("webhook-id", format!("{at_limit}a").parse().unwrap());
        assert!(matches!(
            single(&headers, Header::Id),
            Err(VerifyError::HeaderTooLarge { .. })
        ));
    }

    #[test]
    fn a_tag_must_decode_to_exactly_32_bytes() {
        // 31 bytes also take 44 characters (with `==`): the right length, the wrong tag.
        let short = STANDARD.encode([7u8; 31]);
        assert_eq!(short.len(), SIGNATURE_B64_LEN);
        assert!(decode_tag(short.as_bytes()).is_none());
        assert!(decode_tag(STANDARD.encode([7u8; 32]).as_bytes()).is_some());
    }
}

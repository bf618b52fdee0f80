//! The bytes behind each rendition: generated on the fly from a seed (any
//! size, nothing stored) or kept from an upload; served whole or by range.

use std::{io, time::Duration};

use axum::body::Body;
use bytes::{Bytes, BytesMut};
use futures_util::{stream, StreamExt};

/// Largest chunk a streamed body yields.
const CHUNK: u64 = 64 * 1024;

/// What a rendition's bytes are.
#[derive(Clone, Debug)]
pub(crate) enum Data {
    /// `len` pseudo-random bytes, a pure function of `seed` and position.
    Generated { seed: u64, len: u64 },
    /// Bytes received by an upload.
    Stored(Bytes),
}

/// A rendition's bytes and media type.
#[derive(Clone, Debug)]
pub(crate) struct Content {
    pub data: Data,
    pub content_type: String,
}

impl Content {
    pub fn generated(seed: u64, len: u64, content_type: impl Into<String>) -> Content {
        Content {
            data: Data::Generated { seed, len },
            content_type: content_type.into(),
        }
    }

    pub fn len(&self) -> u64 {
        match &self.data {
            Data::Generated { len, .. } => *len,
            Data::Stored(bytes) => bytes.len() as u64,
        }
    }

    /// A strong validator for `ETag` and `If-Range`.
    pub fn etag(&self) -> String {
        match &self.data {
            Data::Generated { seed, len } => format!("\"g{seed:016x}-{len:x}\""),
            Data::Stored(bytes) => format!("\"s{:016x}-{:x}\"", fnv1a(bytes), bytes.len()),
        }
    }

    /// Bytes `start..end`, allocated at once (for tests; large ranges should
    /// use [`stream`](Self::stream)).
    pub fn slice(&self, start: u64, end: u64) -> Bytes {
        match &self.data {
            Data::Generated { seed, .. } => generate(*seed, start, end),
            Data::Stored(bytes) => bytes.slice(start as usize..end as usize),
        }
    }

    /// Bytes `start..end` as a body that generates one chunk at a time.
    pub fn stream(&self, start: u64, end: u64) -> Body {
        let content = self.clone();
        let chunks = stream::iter((start..end).step_by(CHUNK as usize))
            .map(move |at| Ok::<_, io::Error>(content.slice(at, (at + CHUNK).min(end))));
        Body::from_stream(chunks)
    }
}

/// A 64-bit FNV-1a hash: stable across runs and platforms.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Bytes `start..end` of the stream of seed `seed`: byte `i` is byte `i % 8`
/// of `splitmix64(seed ^ i / 8)`, so any range is cheap to produce.
fn generate(seed: u64, start: u64, end: u64) -> Bytes {
    let mut out = BytesMut::with_capacity((end - start) as usize);
    let mut at = start;
    while at < end {
        let word = splitmix64(seed ^ (at / 8)).to_le_bytes();
        let from = (at % 8) as usize;
        let take = (8 - from).min((end - at) as usize);
        out.extend_from_slice(&word[from..from + take]);
        at += take as u64;
    }
    out.freeze()
}

/// What a `Range` header asks of a body of `len` bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RangeRequest {
    /// No usable range: the whole body (RFC 9110 lets servers ignore
    /// malformed and multi-part ranges).
    Full,
    /// Bytes `start..end` (end exclusive).
    Part { start: u64, end: u64 },
    /// A well-formed range that lies outside the body: 416.
    Unsatisfiable,
}

pub(crate) fn parse_range(header: Option<&str>, len: u64) -> RangeRequest {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return RangeRequest::Full;
    };
    if spec.contains(',') {
        return RangeRequest::Full;
    }
    let Some((first, last)) = spec.split_once('-') else {
        return RangeRequest::Full;
    };
    let (first, last) = (first.trim(), last.trim());
    let number = |s: &str| s.parse::<u64>().ok();
    match (first.is_empty(), last.is_empty()) {
        // `bytes=-n`: the last n bytes.
        (true, false) => match number(last) {
            Some(0) => RangeRequest::Unsatisfiable,
            Some(_) if len == 0 => RangeRequest::Unsatisfiable,
            Some(n) => RangeRequest::Part {
                start: len.saturating_sub(n),
                end: len,
            },
            None => RangeRequest::Full,
        },
        (false, _) => {
            let Some(start) = number(first) else {
                return RangeRequest::Full;
            };
            let end = if last.is_empty() {
                len
            } else {
                match number(last) {
                    Some(last) if last >= start => last.saturating_add(1).min(len),
                    _ => return RangeRequest::Full,
                }
            };
            if start >= len {
                RangeRequest::Unsatisfiable
            } else {
                RangeRequest::Part { start, end }
            }
        }
        (true, true) => RangeRequest::Full,
    }
}

/// How a body is cut short by a fault.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Cut {
    /// Send this many bytes, then abort the connection with an error.
    Abort(u64),
    /// Send this many bytes, then end the body although more were announced.
    End(u64),
    /// Send this many bytes, pause, then send the rest.
    Stall(u64, Duration),
}

/// Wraps `body` so that it breaks as `cut` says. The pause before breaking
/// lets the server flush the headers and partial body first, so the client
/// really sees a response that dies mid-body.
pub(crate) fn cut_body(body: Body, cut: Cut) -> Body {
    let keep = match cut {
        Cut::Abort(n) | Cut::End(n) | Cut::Stall(n, _) => n,
    };
    struct State {
        inner: axum::body::BodyDataStream,
        left: u64,
        broken: bool,
        /// The rest of a chunk split at the cut, sent after a stall.
        held: Option<Bytes>,
    }
    let state = State {
        inner: body.into_data_stream(),
        left: keep,
        broken: false,
        held: None,
    };
    let chunks = stream::unfold(state, move |mut state| async move {
        if state.broken {
            return None;
        }
        if state.left == 0 {
            match cut {
                Cut::Abort(_) | Cut::End(_) => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    state.broken = true;
                    let error = io::Error::new(io::ErrorKind::ConnectionAborted, "fault: connection dropped mid-body");
                    return matches!(cut, Cut::Abort(_)).then_some((Err(error), state));
                }
                Cut::Stall(_, pause) => {
                    tokio::time::sleep(pause).await;
                    state.left = u64::MAX;
                }
            }
        }
        let next = match state.held.take() {
            Some(held) => Ok(held),
            None => state.inner.next().await?,
        };
        match next {
            Ok(mut chunk) => {
                if chunk.len() as u64 > state.left {
                    state.held = Some(chunk.split_off(state.left as usize));
                }
                state.left -= chunk.len() as u64;
                Some((Ok(chunk), state))
            }
            Err(error) => {
                state.broken = true;
                Some((Err(io::Error::other(error)), state))
            }
        }
    });
    Body::from_stream(chunks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_bytes_are_deterministic_and_position_addressable() {
        let whole = generate(42, 0, 1000);
        assert_eq!(whole.len(), 1000);
        assert_eq!(generate(42, 0, 1000), whole);
        assert_eq!(generate(42, 13, 517), whole.slice(13..517));
        assert_ne!(generate(43, 0, 1000), whole);
    }

    #[test]
    fn ranges_follow_rfc_9110() {
        use RangeRequest::*;
        assert_eq!(parse_range(None, 100), Full);
        assert_eq!(parse_range(Some("bytes=0-9"), 100), Part { start: 0, end: 10 });
        assert_eq!(parse_range(Some("bytes=90-"), 100), Part { start: 90, end: 100 });
        assert_eq!(parse_range(Some("bytes=90-1000"), 100), Part { start: 90, end: 100 });
        assert_eq!(parse_range(Some("bytes=-10"), 100), Part { start: 90, end: 100 });
        assert_eq!(parse_range(Some("bytes=-1000"), 100), Part { start: 0, end: 100 });
        assert_eq!(parse_range(Some("bytes=100-"), 100), Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=-0"), 100), Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=5-2"), 100), Full);
        assert_eq!(parse_range(Some("bytes=0-1,5-6"), 100), Full);
        assert_eq!(parse_range(Some("items=0-1"), 100), Full);
    }
}

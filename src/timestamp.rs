//! `Timestamp`: one type for the API's two ways of writing a moment.

use std::{
    cmp::Ordering,
    fmt,
    hash::{Hash, Hasher},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// A moment in time as the API sends it.
///
/// The published document writes some timestamps as RFC 3339 strings
/// (`createdAt` of projects and entities) and others as Unix seconds
/// (`expiresAt` of signed URLs, `occurredAt` of two webhook payloads). Both
/// decode into this type and read the same way ([`to_system_time`],
/// [`unix_seconds`]); it is written back in the form it came in, so a round
/// trip does not change the JSON. Comparisons are by instant.
///
/// [`to_system_time`]: Timestamp::to_system_time
/// [`unix_seconds`]: Timestamp::unix_seconds
#[derive(Clone)]
pub struct Timestamp {
    at: SystemTime,
    form: Form,
}

#[derive(Clone)]
enum Form {
    /// Unix seconds, kept exactly as received.
    Seconds(f64),
    /// RFC 3339 text, kept as received.
    Text(Box<str>),
}

impl Timestamp {
    /// A timestamp written as Unix seconds; `None` for a non-finite number.
    pub fn from_unix_seconds(seconds: f64) -> Option<Timestamp> {
        if !seconds.is_finite() {
            return None;
        }
        let magnitude = Duration::try_from_secs_f64(seconds.abs()).ok()?;
        let at = if seconds >= 0.0 {
            UNIX_EPOCH.checked_add(magnitude)?
        } else {
            UNIX_EPOCH.checked_sub(magnitude)?
        };
        Some(Timestamp {
            at,
            form: Form::Seconds(seconds),
        })
    }

    /// A timestamp written as RFC 3339 text (`2026-05-23T12:00:00Z`, with
    /// optional fractions and a `Z` or `±hh:mm` offset).
    pub fn parse_rfc3339(text: &str) -> Result<Timestamp, String> {
        let at = parse_rfc3339(text).ok_or_else(|| {
            let shown: String = text.chars().take(40).collect();
            format!("{shown:?} is not an RFC 3339 timestamp (like 2026-05-23T12:00:00Z)")
        })?;
        Ok(Timestamp {
            at,
            form: Form::Text(text.into()),
        })
    }

    /// This instant, to be written as RFC 3339 text.
    pub fn rfc3339(at: SystemTime) -> Timestamp {
        let text = humantime::format_rfc3339_millis(at).to_string();
        Timestamp {
            at,
            form: Form::Text(text.into()),
        }
    }

    /// The instant.
    pub fn to_system_time(&self) -> SystemTime {
        self.at
    }

    /// Seconds since the Unix epoch (negative before it).
    pub fn unix_seconds(&self) -> f64 {
        match self.at.duration_since(UNIX_EPOCH) {
            Ok(after) => after.as_secs_f64(),
            Err(before) => -before.duration().as_secs_f64(),
        }
    }
}

/// `Z` is handled by humantime; an explicit offset is applied here.
fn parse_rfc3339(text: &str) -> Option<SystemTime> {
    if let Ok(at) = humantime::parse_rfc3339(text) {
        return Some(at);
    }
    let split = text.len().checked_sub(6)?;
    let (local, offset) = (text.get(..split)?, text.get(split..)?);
    let sign = match offset.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (hours, minutes) = offset[1..].split_once(':')?;
    let (hours, minutes): (u64, u64) = (hours.parse().ok()?, minutes.parse().ok()?);
    if hours > 23 || minutes > 59 {
        return None;
    }
    let shift = Duration::from_secs(hours * 3600 + minutes * 60);
    let local = humantime::parse_rfc3339(&format!("{local}Z")).ok()?;
    // `+02:00` is ahead of UTC: subtract to get UTC.
    if sign > 0 {
        local.checked_sub(shift)
    } else {
        local.checked_add(shift)
    }
}

impl From<SystemTime> for Timestamp {
    /// Written as Unix seconds.
    fn from(at: SystemTime) -> Self {
        let seconds = match at.duration_since(UNIX_EPOCH) {
            Ok(after) => after.as_secs_f64(),
            Err(before) => -before.duration().as_secs_f64(),
        };
        Timestamp {
            at,
            form: Form::Seconds(seconds),
        }
    }
}

impl From<Timestamp> for SystemTime {
    fn from(timestamp: Timestamp) -> Self {
        timestamp.at
    }
}

impl PartialEq for Timestamp {
    fn eq(&self, other: &Self) -> bool {
        self.at == other.at
    }
}

impl Eq for Timestamp {}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Timestamp {
    fn cmp(&self, other: &Self) -> Ordering {
        self.at.cmp(&other.at)
    }
}

impl Hash for Timestamp {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.at.hash(state);
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({self})")
    }
}

impl fmt::Display for Timestamp {
    /// RFC 3339, whichever form the API used.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.form {
            Form::Text(text) => f.write_str(text),
            Form::Seconds(_) => write!(f, "{}", humantime::format_rfc3339_millis(self.at)),
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.form {
            Form::Seconds(seconds) if seconds.fract() == 0.0 && seconds.abs() < 9.0e15 => {
                s.serialize_i64(*seconds as i64)
            }
            Form::Seconds(seconds) => s.serialize_f64(*seconds),
            Form::Text(text) => s.serialize_str(text),
        }
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("Unix seconds or an RFC 3339 timestamp")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Timestamp, E> {
                Timestamp::from_unix_seconds(v).ok_or_else(|| E::custom(format!("{v} is not a usable Unix time")))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Timestamp, E> {
                self.visit_f64(v as f64)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Timestamp, E> {
                self.visit_f64(v as f64)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
                Timestamp::parse_rfc3339(v).map_err(E::custom)
            }
        }
        d.deserialize_any(Visitor)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Timestamp {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Timestamp".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "anyOf": [{"type": "number"}, {"type": "string", "format": "date-time"}]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_read_the_same_and_write_back_unchanged() {
        let text: Timestamp = serde_json::from_str(r#""2026-05-23T12:00:00Z""#).unwrap();
        let seconds: Timestamp = serde_json::from_str("1779537600").unwrap();
        assert_eq!(text, seconds);
        assert_eq!(text.unix_seconds(), 1_779_537_600.0);
        assert_eq!(serde_json::to_string(&text).unwrap(), r#""2026-05-23T12:00:00Z""#);
        assert_eq!(serde_json::to_string(&seconds).unwrap(), "1779537600");
        let fractional: Timestamp = serde_json::from_str("1779537600.25").unwrap();
        assert_eq!(serde_json::to_string(&fractional).unwrap(), "1779537600.25");
        assert_eq!(
            fractional.to_system_time(),
            UNIX_EPOCH + Duration::from_secs_f64(1_779_537_600.25)
        );
    }

    #[test]
    fn offsets_are_applied_and_junk_is_an_error() {
        let plus: Timestamp = serde_json::from_str(r#""2026-05-23T14:00:00+02:00""#).unwrap();
        let minus: Timestamp = serde_json::from_str(r#""2026-05-23T07:30:00-04:30""#).unwrap();
        assert_eq!(plus.unix_seconds(), 1_779_537_600.0);
        assert_eq!(minus.unix_seconds(), 1_779_537_600.0);
        assert_eq!(plus.to_string(), "2026-05-23T14:00:00+02:00", "text is kept");
        for junk in [r#""yesterday""#, r#""2026-05-23T12:00:00+25:00""#, "true", r#""""#] {
            assert!(serde_json::from_str::<Timestamp>(junk).is_err(), "{junk}");
        }
        assert!(Timestamp::from_unix_seconds(f64::NAN).is_none());
        let before = Timestamp::from_unix_seconds(-1.5).unwrap();
        assert_eq!(before.unix_seconds(), -1.5);
    }
}

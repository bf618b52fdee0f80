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
///
/// Sixteen bytes: a list page holds several per file, so the common form
/// (Unix seconds) is the bare number, and the instant is worked out when
/// asked for.
#[derive(Clone)]
pub struct Timestamp(Form);

#[derive(Clone)]
enum Form {
    /// Unix seconds, kept exactly as received; checked to be a representable
    /// instant when made.
    Seconds(f64),
    /// An instant made from a `SystemTime` or read from RFC 3339 text.
    Moment(Box<Moment>),
}

#[derive(Clone)]
struct Moment {
    at: SystemTime,
    /// The RFC 3339 text it came as (or is to be written as); `None`:
    /// written as Unix seconds.
    text: Option<Box<str>>,
}

/// Unix seconds as an instant; `None` when not finite or out of range.
fn system_time(seconds: f64) -> Option<SystemTime> {
    let magnitude = Duration::try_from_secs_f64(seconds.abs()).ok()?;
    if seconds >= 0.0 {
        UNIX_EPOCH.checked_add(magnitude)
    } else {
        UNIX_EPOCH.checked_sub(magnitude)
    }
}

impl Timestamp {
    /// A timestamp written as Unix seconds; `None` for a non-finite number
    /// or one beyond what `SystemTime` can hold.
    pub fn from_unix_seconds(seconds: f64) -> Option<Timestamp> {
        // Anything within 30 million years of 1970 fits; only the rest
        // (and NaN) needs the full conversion.
        let fits = seconds.abs() < 1e15 || system_time(seconds).is_some();
        fits.then_some(Timestamp(Form::Seconds(seconds)))
    }

    fn moment(at: SystemTime, text: Option<Box<str>>) -> Timestamp {
        Timestamp(Form::Moment(Box::new(Moment { at, text })))
    }

    /// The RFC 3339 text it is written as, if it is written as text.
    fn text(&self) -> Option<&str> {
        match &self.0 {
            Form::Moment(moment) => moment.text.as_deref(),
            Form::Seconds(_) => None,
        }
    }

    /// A timestamp written as RFC 3339 text (`2026-05-23T12:00:00Z`, with
    /// optional fractions and a `Z` or `±hh:mm` offset).
    pub fn parse_rfc3339(text: &str) -> Result<Timestamp, String> {
        let at = parse_rfc3339(text).ok_or_else(|| {
            let shown: String = text.chars().take(40).collect();
            format!("{shown:?} is not an RFC 3339 timestamp (like 2026-05-23T12:00:00Z)")
        })?;
        Ok(Timestamp::moment(at, Some(text.into())))
    }

    /// This instant, to be written as RFC 3339 text.
    pub fn rfc3339(at: SystemTime) -> Timestamp {
        Timestamp::moment(at, Some(format_rfc3339_millis(at).into()))
    }

    /// The instant.
    pub fn to_system_time(&self) -> SystemTime {
        match &self.0 {
            // Checked representable when made: the fallback is never taken.
            Form::Seconds(seconds) => system_time(*seconds).unwrap_or(UNIX_EPOCH),
            Form::Moment(moment) => moment.at,
        }
    }

    /// Seconds since the Unix epoch (negative before it).
    pub fn unix_seconds(&self) -> f64 {
        match &self.0 {
            Form::Seconds(seconds) => *seconds,
            Form::Moment(moment) => unix_seconds(moment.at),
        }
    }
}

fn unix_seconds(at: SystemTime) -> f64 {
    match at.duration_since(UNIX_EPOCH) {
        Ok(after) => after.as_secs_f64(),
        Err(before) => -before.duration().as_secs_f64(),
    }
}

/// RFC 3339 `date-time`: years 0000 to 9999, `T`, `t` or a space between
/// date and time, an optional fraction, and `Z`, `z` or `±hh:mm`. A leap
/// second (`:60`) reads as the last second of its minute.
fn parse_rfc3339(text: &str) -> Option<SystemTime> {
    let bytes = text.as_bytes();
    if bytes.len() < 20
        || bytes[4] != b'-'
        || bytes[7] != b'-'
        || !matches!(bytes[10], b'T' | b't' | b' ')
        || bytes[13] != b':'
        || bytes[16] != b':'
    {
        return None;
    }
    let number = |from: usize, to: usize| -> Option<i64> {
        let digits = text.get(from..to)?;
        digits
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| digits.parse().ok())?
    };
    let (year, month, day) = (number(0, 4)?, number(5, 7)?, number(8, 10)?);
    let (hour, minute, second) = (number(11, 13)?, number(14, 16)?, number(17, 19)?);
    if !(1..=12).contains(&month) || !(1..=days_in_month(year, month)).contains(&day) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut rest = &text[19..];
    let mut nanos = 0u32;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        for (place, digit) in fraction.bytes().take(digits.min(9)).enumerate() {
            nanos += u32::from(digit - b'0') * 10u32.pow(8 - place as u32);
        }
        rest = &fraction[digits..];
    }
    let offset = match rest.as_bytes() {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (hours, minutes) = (
                number(text.len() - 5, text.len() - 3)?,
                number(text.len() - 2, text.len())?,
            );
            if hours > 23 || minutes > 59 {
                return None;
            }
            let offset = hours * 3600 + minutes * 60;
            if *sign == b'+' {
                offset
            } else {
                -offset
            }
        }
        _ => return None,
    };
    let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second.min(59) - offset;
    let whole = Duration::from_secs(seconds.unsigned_abs());
    let at = if seconds >= 0 {
        UNIX_EPOCH.checked_add(whole)?
    } else {
        UNIX_EPOCH.checked_sub(whole)?
    };
    at.checked_add(Duration::from_nanos(u64::from(nanos)))
}

/// RFC 3339 text of an instant, in UTC with milliseconds (any instant from
/// year 0000 to 9999; outside that, Unix seconds).
fn format_rfc3339_millis(at: SystemTime) -> String {
    let (seconds, millis) = match at.duration_since(UNIX_EPOCH) {
        Ok(after) => (after.as_secs() as i64, after.subsec_millis() as i64),
        Err(before) => {
            let before = before.duration();
            let (whole, millis) = (before.as_secs() as i64, before.subsec_millis() as i64);
            if millis == 0 {
                (-whole, 0)
            } else {
                (-whole - 1, 1000 - millis)
            }
        }
    };
    let (days, second_of_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    if !(0..=9999).contains(&year) {
        return format!("{seconds}.{millis:03}");
    }
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        second_of_day / 3600,
        second_of_day % 3600 / 60,
        second_of_day % 60
    )
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a day count since 1970-01-01 (the inverse of `days_from_civil`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

impl From<SystemTime> for Timestamp {
    /// Written as Unix seconds.
    fn from(at: SystemTime) -> Self {
        Timestamp::moment(at, None)
    }
}

impl From<Timestamp> for SystemTime {
    fn from(timestamp: Timestamp) -> Self {
        timestamp.to_system_time()
    }
}

impl PartialEq for Timestamp {
    fn eq(&self, other: &Self) -> bool {
        self.to_system_time() == other.to_system_time()
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
        self.to_system_time().cmp(&other.to_system_time())
    }
}

impl Hash for Timestamp {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.to_system_time().hash(state);
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
        match self.text() {
            Some(text) => f.write_str(text),
            None => f.write_str(&format_rfc3339_millis(self.to_system_time())),
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if let Some(text) = self.text() {
            return s.serialize_str(text);
        }
        let seconds = self.unix_seconds();
        // Whole numbers up to 2^53 are exact in an f64: written as integers,
        // the way the API sends them.
        if seconds.fract() == 0.0 && seconds.abs() <= 9_007_199_254_740_992.0 {
            s.serialize_i64(seconds as i64)
        } else {
            s.serialize_f64(seconds)
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

    #[test]
    fn seconds_beyond_the_quick_range_are_still_checked_exactly() {
        for unusable in [1e300, -1e300, f64::INFINITY, f64::NEG_INFINITY, 1e20] {
            assert!(Timestamp::from_unix_seconds(unusable).is_none(), "{unusable}");
        }
        let far = Timestamp::from_unix_seconds(1e16).expect("within SystemTime on this platform");
        assert_eq!(
            far.to_system_time(),
            UNIX_EPOCH + Duration::from_secs(10_000_000_000_000_000)
        );
        let near = Timestamp::from_unix_seconds(-2.5e9).unwrap();
        assert_eq!(
            UNIX_EPOCH.duration_since(near.to_system_time()).unwrap(),
            Duration::from_secs(2_500_000_000)
        );
    }

    #[test]
    fn a_system_time_keeps_its_nanoseconds_and_is_written_as_seconds() {
        let at = UNIX_EPOCH + Duration::new(1_779_537_600, 123_456_789);
        let timestamp = Timestamp::from(at);
        assert_eq!(timestamp.to_system_time(), at);
        assert_eq!(SystemTime::from(timestamp.clone()), at);
        assert_eq!(serde_json::to_string(&timestamp).unwrap(), "1779537600.1234567");
        assert_eq!(timestamp.to_string(), "2026-05-23T12:00:00.123Z");
        let text = Timestamp::rfc3339(at);
        assert_eq!(text, timestamp);
        assert_eq!(serde_json::to_string(&text).unwrap(), r#""2026-05-23T12:00:00.123Z""#);
    }

    #[test]
    fn whole_seconds_are_written_back_as_integers_up_to_two_to_the_53() {
        for json in ["9007199254740992", "-9007199254740992", "0", "1779537600"] {
            let timestamp: Timestamp = serde_json::from_str(json).unwrap();
            assert_eq!(serde_json::to_string(&timestamp).unwrap(), json);
        }
        let beyond: Timestamp = serde_json::from_str("9007199254740994").unwrap();
        assert_eq!(serde_json::to_string(&beyond).unwrap(), "9007199254740994.0");
    }

    #[test]
    fn instants_before_1970_read_as_negative_seconds_in_every_form() {
        let text = Timestamp::parse_rfc3339("1969-12-31T23:59:58.5Z").unwrap();
        assert_eq!(text.unix_seconds(), -1.5);
        let made = Timestamp::from(UNIX_EPOCH - Duration::from_millis(1500));
        assert_eq!(made.unix_seconds(), -1.5);
        assert_eq!(serde_json::to_string(&made).unwrap(), "-1.5");
    }

    #[test]
    fn equal_instants_hash_alike_whatever_their_form() {
        use std::collections::hash_map::DefaultHasher;
        let hash = |t: &Timestamp| {
            let mut h = DefaultHasher::new();
            t.hash(&mut h);
            h.finish()
        };
        let seconds = Timestamp::from_unix_seconds(1_779_537_600.5).unwrap();
        let text = Timestamp::parse_rfc3339("2026-05-23T12:00:00.5Z").unwrap();
        assert_eq!(seconds, text);
        assert_eq!(hash(&seconds), hash(&text));
        let later = Timestamp::from_unix_seconds(1_779_537_601.0).unwrap();
        assert!(later > text);
        assert_ne!(later, text);
        assert_ne!(hash(&later), hash(&text), "different instants, different hashes");
    }

    #[test]
    fn a_timestamp_is_two_words_even_when_optional() {
        // Each file carries up to five of them: size is decode time.
        assert_eq!(std::mem::size_of::<Timestamp>(), 16);
        assert_eq!(std::mem::size_of::<Option<Timestamp>>(), 16);
    }
}

//! `Nullable<T>`: a request field where an explicit `null` means something.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value or an explicit `null`, for the few request fields where sending
/// `null` differs from leaving the field out: `captionStyle: null` turns
/// captions off, while an absent `captionStyle` keeps the default captions.
///
/// Such fields are `Option<Nullable<T>>`: `None` leaves the field out,
/// `Some(Nullable::Null)` sends `null`, `Some(Nullable::Value(v))` sends `v`.
/// The generated setters take either, so `.caption_style(style)` and
/// `.caption_style(Nullable::Null)` both read naturally.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Nullable<T> {
    /// Send `null`.
    Null,
    /// Send this value.
    Value(T),
}

impl<T> Nullable<T> {
    /// The value, if it is not `null`.
    pub fn as_ref(&self) -> Option<&T> {
        match self {
            Nullable::Null => None,
            Nullable::Value(value) => Some(value),
        }
    }

    /// True for an explicit `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

impl From<&str> for Nullable<String> {
    fn from(value: &str) -> Self {
        Nullable::Value(value.to_owned())
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Null => s.serialize_none(),
            Nullable::Value(value) => value.serialize(s),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Option::<T>::deserialize(d)?.map_or(Nullable::Null, Nullable::Value))
    }
}

#[cfg(feature = "schemars")]
impl<T: schemars::JsonSchema> schemars::JsonSchema for Nullable<T> {
    // Written in place, like `Option<T>`: a named `Nullable_T` definition
    // would be a type the spec does not have.
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Nullable_{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <Option<T>>::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::Nullable;

    #[derive(serde::Serialize)]
    struct Body {
        #[serde(skip_serializing_if = "Option::is_none")]
        style: Option<Nullable<u8>>,
    }

    #[test]
    fn absent_null_and_value_are_three_different_bodies() {
        let json = |style| serde_json::to_string(&Body { style }).unwrap();
        assert_eq!(json(None), "{}");
        assert_eq!(json(Some(Nullable::Null)), r#"{"style":null}"#);
        assert_eq!(json(Some(7.into())), r#"{"style":7}"#);
        let back: Nullable<u8> = serde_json::from_str("null").unwrap();
        assert!(back.is_null());
        let back: Nullable<u8> = serde_json::from_str("3").unwrap();
        assert_eq!(back.as_ref(), Some(&3));
    }
}

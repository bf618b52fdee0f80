//! Forward-compatible string enums, swapped in for typify's closed enums.
//!
//! The vendor adds values without notice (`ENTITY` scope, `LOTTIE` type). A
//! closed enum would fail the whole response on such a value; these keep it
//! in `Unknown` and write it back unchanged.

use std::fmt;

macro_rules! open_enum {
    (@default $default:ident) => { Some(Self::$default) };
    (@default) => { None };
    (
        $(#[$meta:meta])*
        $name:ident $(default $default:ident)? {
            $( $(#[$vmeta:meta])* $variant:ident => $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version of the crate does not know, kept as sent.
            Unknown(String),
        }

        impl $name {
            /// Every value the spec lists, in spec order.
            pub const KNOWN: &'static [&'static str] = &[$($wire),+];

            /// The value the API assumes when the field is left out, if the
            /// spec names one.
            pub const DEFAULT: Option<Self> = $crate::enums::open_enum!(@default $($default)?);

            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )+
                    Self::Unknown(raw) => raw,
                }
            }

            /// True for a value the spec does not list.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }
        }

        impl From<&str> for $name {
            fn from(raw: &str) -> Self {
                match raw {
                    $( $wire => Self::$variant, )+
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl From<String> for $name {
            fn from(raw: String) -> Self {
                match Self::from(raw.as_str()) {
                    Self::Unknown(_) => Self::Unknown(raw),
                    known => known,
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(raw: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(raw))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_str($crate::enums::OpenEnumVisitor::<Self>(::std::marker::PhantomData))
            }
        }

        #[cfg(feature = "schemars")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                crate::schema::open_enum_schema(Self::KNOWN, Self::DEFAULT.as_ref().map(Self::as_str))
            }
        }
    };
}

/// Reads a string without allocating for known values: only a value this
/// crate does not know is copied into `Unknown`.
pub(crate) struct OpenEnumVisitor<T>(pub(crate) std::marker::PhantomData<T>);

impl<'de, T: for<'a> From<&'a str> + From<String>> serde::de::Visitor<'de> for OpenEnumVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
        Ok(T::from(value))
    }

    fn visit_string<E: serde::de::Error>(self, value: String) -> Result<T, E> {
        Ok(T::from(value))
    }
}

pub(crate) use open_enum;

#[cfg(test)]
mod tests {
    use crate::types::{AnalysisLoadingState, FileScope, FileSourceStatus, FileType};

    #[test]
    fn known_values_are_typed_and_unknown_values_survive_a_round_trip() {
        let known: FileScope = serde_json::from_str("\"ENTITY\"").unwrap();
        assert_eq!(known, FileScope::Entity);
        let novel: FileType = serde_json::from_str("\"LOTTIE\"").unwrap();
        assert_eq!(novel, FileType::Unknown("LOTTIE".into()));
        assert!(novel.is_unknown());
        assert_eq!(serde_json::to_string(&novel).unwrap(), "\"LOTTIE\"");
        assert_eq!("ready".parse::<FileSourceStatus>().unwrap(), FileSourceStatus::Ready);
        assert_eq!(AnalysisLoadingState::Loading.to_string(), "LOADING");
        // Case matters on the wire: a differently cased value is not the known one.
        assert!(FileSourceStatus::from("READY").is_unknown());
    }
}

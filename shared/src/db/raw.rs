//! [`RawJson`]: a `jsonb` column kept as its JSON text.

use serde::{Serialize, de::DeserializeOwned};
use serde_json::value::RawValue;
use sqlx::postgres::{PgTypeInfo, PgValueRef, Postgres};

/// A `jsonb` (or `json`) value as read from Postgres: its JSON text, checked but not
/// built into a tree. Written into an answer as it is (no parse into a
/// `serde_json::Value`, clone and re-serialisation on every read of a job or a resume);
/// code that needs the data reads it with [`RawJson::parse`].
#[derive(Debug, Clone)]
pub struct RawJson(Box<RawValue>);

impl RawJson {
    /// The value as `T`.
    pub fn parse<T: DeserializeOwned>(&self) -> serde_json::Result<T> {
        serde_json::from_str(self.0.get())
    }

    /// The value as a `serde_json::Value` (for code that inspects it freely).
    pub fn to_value(&self) -> serde_json::Value {
        self.parse().unwrap_or(serde_json::Value::Null)
    }

    /// The JSON text.
    pub fn get(&self) -> &str {
        self.0.get()
    }

    /// `v` as raw JSON (tests and writers that already hold a value).
    pub fn from_value<T: Serialize>(v: &T) -> serde_json::Result<Self> {
        serde_json::value::to_raw_value(v).map(Self)
    }
}

impl PartialEq for RawJson {
    /// Equal when they hold the same JSON value (key order and spacing aside).
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get() || self.to_value() == other.to_value()
    }
}

impl Serialize for RawJson {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for RawJson {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Box::<RawValue>::deserialize(d).map(Self)
    }
}

impl sqlx::Type<Postgres> for RawJson {
    fn type_info() -> PgTypeInfo {
        <sqlx::types::Json<Box<RawValue>> as sqlx::Type<Postgres>>::type_info()
    }

    fn compatible(ty: &PgTypeInfo) -> bool {
        <sqlx::types::Json<Box<RawValue>> as sqlx::Type<Postgres>>::compatible(ty)
    }
}

impl<'r> sqlx::Decode<'r, Postgres> for RawJson {
    fn decode(value: PgValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        let sqlx::types::Json(raw) =
            <sqlx::types::Json<Box<RawValue>> as sqlx::Decode<'r, Postgres>>::decode(value)?;
        Ok(Self(raw))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_is_written_as_it_was_read_and_parses_on_demand() {
        let raw = RawJson(RawValue::from_string(r#"{"b": [1, 2], "a": "x"}"#.into()).unwrap());
        #[derive(Serialize)]
        struct View<'a> {
            r: &'a RawJson,
        }
        assert_eq!(
            serde_json::to_string(&View { r: &raw }).unwrap(),
            r#"{"r":{"b": [1, 2], "a": "x"}}"#
        );
        let v: serde_json::Value = raw.parse().unwrap();
        assert_eq!(v["b"][1], 2);
        assert_eq!(
            raw,
            RawJson::from_value(&serde_json::json!({"a": "x", "b": [1, 2]})).unwrap()
        );
    }
}

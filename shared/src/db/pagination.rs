//! Keyset pagination: newest first, the cursor is an opaque token holding the
//! last item's `(created_at, id)`.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use uuid::Uuid;

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub created_at: DateTime<Utc>,
    pub id: Uuid,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("cursor is not one this API returned")]
pub struct BadCursor;

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!(
            "{}|{}",
            self.created_at.timestamp_micros(),
            self.id
        ))
    }

    pub fn decode(s: &str) -> Result<Cursor, BadCursor> {
        let raw = URL_SAFE_NO_PAD.decode(s.trim()).map_err(|_| BadCursor)?;
        let raw = String::from_utf8(raw).map_err(|_| BadCursor)?;
        let (micros, id) = raw.split_once('|').ok_or(BadCursor)?;
        let micros: i64 = micros.parse().map_err(|_| BadCursor)?;
        Ok(Cursor {
            created_at: DateTime::from_timestamp_micros(micros).ok_or(BadCursor)?,
            id: id.parse().map_err(|_| BadCursor)?,
        })
    }
}

/// Given `limit + 1` fetched rows, keep `limit` and say where the next page starts.
pub fn split_page<T>(
    mut rows: Vec<T>,
    limit: i64,
    key: impl Fn(&T) -> Cursor,
) -> (Vec<T>, Option<String>) {
    let limit = usize::try_from(limit).unwrap_or(0);
    if rows.len() > limit {
        rows.truncate(limit);
        let next = rows.last().map(|r| key(r).encode());
        (rows, next)
    } else {
        (rows, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_and_rejects_garbage() {
        let c = Cursor {
            created_at: DateTime::from_timestamp_micros(1_790_000_000_123_456).unwrap(),
            id: Uuid::new_v4(),
        };
        assert_eq!(Cursor::decode(&c.encode()), Ok(c));
        for bad in ["", "abc", "!!!", &URL_SAFE_NO_PAD.encode("12|not-a-uuid")] {
            assert_eq!(Cursor::decode(bad), Err(BadCursor), "{bad}");
        }
    }

    #[test]
    fn split_page_reports_next_only_when_more_rows_exist() {
        let mk = |i: i64| Cursor {
            created_at: DateTime::from_timestamp_micros(i).unwrap(),
            id: Uuid::nil(),
        };
        let (rows, next) = split_page(vec![3, 2, 1], 2, |&i| mk(i));
        assert_eq!(rows, vec![3, 2]);
        assert_eq!(next, Some(mk(2).encode()));
        let (rows, next) = split_page(vec![3, 2], 2, |&i| mk(i));
        assert_eq!(rows.len(), 2);
        assert_eq!(next, None);
    }
}

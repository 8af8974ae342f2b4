//! Request validation shared by the handlers: field problems collected in one
//! pass and answered as one 422, the length limits the OpenAPI document also
//! states, and the mapping of a missing account.

use crate::error::{ApiError, ApiResult};
use shared::{db, domain::Lang};
use std::collections::BTreeMap;

pub const MAX_RAW_TEXT_CHARS: usize = 200_000;
pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_COMPANY_CHARS: usize = 200;
pub const MAX_DESCRIPTION_CHARS: usize = 100_000;
pub const MAX_INSTRUCTIONS_CHARS: usize = 2_000;
pub const MAX_URL_CHARS: usize = 2_048;

/// Field problems collected in one pass, answered as one 422.
#[derive(Default)]
pub struct Problems(BTreeMap<String, String>);

impl Problems {
    pub fn add(&mut self, field: &str, problem: impl Into<String>) {
        self.0
            .entry(field.to_string())
            .or_insert_with(|| problem.into());
    }

    pub fn into_result(self) -> ApiResult<()> {
        if self.0.is_empty() {
            return Ok(());
        }
        let message = self
            .0
            .iter()
            .map(|(f, p)| format!("{f}: {p}"))
            .collect::<Vec<_>>()
            .join("; ");
        Err(ApiError::Validation {
            message,
            fields: self.0,
        })
    }
}

/// Postgres text cannot hold U+0000, and no person types it: a text field
/// with one is refused (422) before it reaches a query (where it would be a 500).
pub fn check_no_nul(problems: &mut Problems, fields: &[(&str, Option<&str>)]) {
    for (field, value) in fields {
        if value.is_some_and(|v| v.contains('\0')) {
            problems.add(field, "must not contain NUL (U+0000) characters");
        }
    }
}

/// `None` = not given; a given value must be exactly `en` or `ar`.
pub fn check_lang(problems: &mut Problems, field: &str, value: Option<&str>) -> Option<Lang> {
    let v = value?;
    match v.parse::<Lang>() {
        Ok(l) => Some(l),
        Err(e) => {
            problems.add(field, e.to_string());
            None
        }
    }
}

pub fn check_title(problems: &mut Problems, title: Option<&str>, required: bool) -> Option<String> {
    match title.map(str::trim) {
        None | Some("") if required => {
            problems.add("title", "must not be empty");
            None
        }
        None | Some("") => None,
        Some(t) if t.chars().count() > MAX_TITLE_CHARS => {
            problems.add(
                "title",
                format!("must be at most {MAX_TITLE_CHARS} characters"),
            );
            None
        }
        Some(t) => Some(t.to_string()),
    }
}

pub fn check_raw_text(problems: &mut Problems, raw_text: Option<&str>) -> Option<String> {
    match raw_text {
        None => {
            problems.add("raw_text", "is required");
            None
        }
        Some(t) if t.trim().is_empty() => {
            problems.add("raw_text", "must not be empty");
            None
        }
        Some(t) if t.chars().count() > MAX_RAW_TEXT_CHARS => {
            problems.add(
                "raw_text",
                format!("must be at most {MAX_RAW_TEXT_CHARS} characters"),
            );
            None
        }
        Some(t) => Some(t.to_string()),
    }
}

pub fn non_empty(v: Option<&str>) -> Option<String> {
    v.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// An optional text field: trimmed, empty counts as absent, at most `max` characters.
pub fn check_optional(
    problems: &mut Problems,
    field: &str,
    v: Option<&str>,
    max: usize,
) -> Option<String> {
    let v = non_empty(v);
    check_len(problems, field, &v, max);
    v
}

pub fn check_len(problems: &mut Problems, field: &str, v: &Option<String>, max: usize) {
    if let Some(v) = v
        && v.chars().count() > max
    {
        problems.add(field, format!("must be at most {max} characters"));
    }
}

pub fn check_url(problems: &mut Problems, raw: &str) -> Option<String> {
    if raw.chars().count() > MAX_URL_CHARS {
        problems.add(
            "job_url",
            format!("must be at most {MAX_URL_CHARS} characters"),
        );
        return None;
    }
    match url::Url::parse(raw) {
        Ok(u)
            if matches!(u.scheme(), "http" | "https")
                && u.host_str().is_some_and(|h| !h.is_empty()) =>
        {
            if !u.username().is_empty() || u.password().is_some() {
                problems.add("job_url", "must not contain a user name or password");
                None
            } else {
                Some(u.to_string())
            }
        }
        _ => {
            problems.add("job_url", "must be an http(s) URL");
            None
        }
    }
}

/// For workflow summaries and log lines: at most `max` characters, with an
/// ellipsis when something was cut (the product's one truncation rule).
pub use shared::truncate_chars as truncate;

/// A valid token whose user row is gone (deleted account).
pub fn account_missing(e: sqlx::Error) -> ApiError {
    if db::is_foreign_key_violation(&e) {
        ApiError::Unauthorized("the account for this access token no longer exists".into())
    } else {
        e.into()
    }
}

/// For PATCH bodies: tells an absent field (`None`) from an explicit `null`
/// (`Some(None)`). Use with `#[serde(default, deserialize_with = "present")]`.
pub fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(d).map(Some)
}

/// An RFC 3339 date-time (`2026-12-02T09:30:00Z`); `None` when not given or bad.
pub fn check_datetime(
    problems: &mut Problems,
    field: &str,
    raw: Option<&str>,
) -> Option<chrono::DateTime<chrono::Utc>> {
    let raw = raw?;
    match chrono::DateTime::parse_from_rfc3339(raw.trim()) {
        Ok(t) => Some(t.with_timezone(&chrono::Utc)),
        Err(_) => {
            problems.add(
                field,
                "must be an RFC 3339 date-time such as 2026-12-02T09:30:00Z",
            );
            None
        }
    }
}

/// A required text field: present, not blank, at most `max` characters.
pub fn check_required_text(
    problems: &mut Problems,
    field: &str,
    raw: Option<&str>,
    max: usize,
) -> Option<String> {
    match raw {
        None => {
            problems.add(field, "is required");
            None
        }
        Some(t) if t.contains('\0') => {
            problems.add(field, "must not contain NUL (U+0000) characters");
            None
        }
        Some(t) if t.trim().is_empty() => {
            problems.add(field, "must not be empty");
            None
        }
        Some(t) if t.chars().count() > max => {
            problems.add(field, format!("must be at most {max} characters"));
            None
        }
        Some(t) => Some(t.to_string()),
    }
}

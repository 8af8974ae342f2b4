//! Domain enums stored in Postgres and shown in the API.

use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};
use utoipa::ToSchema;

pub use text::lang::{BadLang, Lang};

macro_rules! pg_enum {
    ($(#[$meta:meta])* $name:ident, $pg:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, sqlx::Type)]
        #[serde(rename_all = "lowercase")]
        #[sqlx(type_name = $pg, rename_all = "lowercase")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(format!("must be one of: {}", [$($text),+].join(", "))),
                }
            }
        }
    };
}

pg_enum!(
    /// Where a resume version came from.
    ResumeSource, "resume_source" { Upload => "upload", Text => "text" }
);
pg_enum!(
    /// Progress of turning a version's original into text, markdown and structure.
    ParseStatus, "parse_status" { Pending => "pending", Parsing => "parsing", Parsed => "parsed", Failed => "failed" }
);
pg_enum!(
    /// Progress of chunking and embedding a version into the vector store.
    EmbeddingStatus, "embedding_status" { Pending => "pending", Indexed => "indexed", Failed => "failed" }
);
pg_enum!(
    /// Lifecycle of a job (job description + optimisation).
    JobStatus, "job_status" { Queued => "queued", Processing => "processing", Complete => "complete", Failed => "failed" }
);

pg_enum!(
    /// Where the user is with an application (they set it; the product never changes it).
    ApplicationStatus, "application_status" {
        Draft => "draft", Applied => "applied", Interviewing => "interviewing",
        Offer => "offer", Rejected => "rejected", Withdrawn => "withdrawn"
    }
);
pg_enum!(
    /// Progress of generating an application's tailored CV (latest version).
    GenerationStatus, "generation_status" { Queued => "queued", Processing => "processing", Complete => "complete", Failed => "failed" }
);
pg_enum!(
    /// How a message with the company travelled.
    CommunicationChannel, "communication_channel" { Email => "email", Phone => "phone", Linkedin => "linkedin", Other => "other" }
);
pg_enum!(
    /// Who sent a message: the company (`inbound`) or the user (`outbound`).
    CommunicationDirection, "communication_direction" { Inbound => "inbound", Outbound => "outbound" }
);

/// What a job is called when nothing better is known.
pub const UNTITLED_JOB: &str = "Untitled job";
/// Longest title taken from a posting's text.
const MAX_TITLE_CHARS: usize = 120;

/// API.md's job-title rule, in one place for the gateway (at creation) and the worker
/// (after parsing): the explicit title, else the title parsed from the posting, else
/// the posting's first non-empty line (trimmed to 120 characters), else "Untitled job".
pub fn job_title(explicit: Option<&str>, parsed: Option<&str>, text: Option<&str>) -> String {
    let clean = |t: &str| {
        t.chars()
            .take(MAX_TITLE_CHARS)
            .collect::<String>()
            .trim()
            .to_string()
    };
    if let Some(t) = explicit.map(str::trim).filter(|t| !t.is_empty()) {
        return t.to_string();
    }
    // A parsed "title" longer than a heading is really the first line: cut it the same way.
    if let Some(t) = parsed.map(str::trim).filter(|t| !t.is_empty()) {
        return clean(t);
    }
    text.and_then(|text| {
        text.lines()
            .map(|l| l.trim().trim_start_matches('#').trim())
            .find(|l| !l.is_empty())
            .map(clean)
    })
    .unwrap_or_else(|| UNTITLED_JOB.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lang_parses_only_the_two_codes() {
        assert_eq!("en".parse::<Lang>().ok(), Some(Lang::En));
        assert_eq!("ar".parse::<Lang>().ok(), Some(Lang::Ar));
        for bad in ["EN", "fr", "", " en", "arabic"] {
            assert!(bad.parse::<Lang>().is_err(), "{bad:?} must be rejected");
        }
    }

    #[test]
    fn status_round_trips_through_text() {
        for s in ["pending", "parsing", "parsed", "failed"] {
            assert_eq!(s.parse::<ParseStatus>().map(|p| p.as_str()), Ok(s));
        }
        assert!("done".parse::<JobStatus>().is_err());
    }

    #[test]
    fn title_fallbacks_follow_the_contract() {
        assert_eq!(job_title(Some(" Mine "), Some("Parsed"), Some("x")), "Mine");
        assert_eq!(
            job_title(None, Some(" Senior Engineer "), Some("x")),
            "Senior Engineer"
        );
        assert_eq!(
            job_title(None, None, Some("\n\n  ## Data Analyst, Growth \nmore")),
            "Data Analyst, Growth"
        );
        assert_eq!(
            job_title(None, Some(""), Some(&"a".repeat(300)))
                .chars()
                .count(),
            120
        );
        assert_eq!(job_title(None, None, Some(" \n\t ")), "Untitled job");
        assert_eq!(job_title(Some("  "), None, None), "Untitled job");
    }
}

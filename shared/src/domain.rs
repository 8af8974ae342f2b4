//! Domain enums stored in Postgres and shown in the API.

use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};
use utoipa::ToSchema;

/// A language the product works in. Inputs accept exactly `"en"` or `"ar"`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, PartialOrd, Ord,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En,
    Ar,
}

impl Lang {
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ar => "ar",
        }
    }

    /// Whether the language is written right to left.
    pub fn is_rtl(self) -> bool {
        self == Lang::Ar
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be \"en\" or \"ar\"")]
pub struct BadLang;

impl FromStr for Lang {
    type Err = BadLang;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "en" => Ok(Lang::En),
            "ar" => Ok(Lang::Ar),
            _ => Err(BadLang),
        }
    }
}

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
}

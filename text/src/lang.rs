//! Language detection between English and Arabic, the two languages SmartResume
//! supports.

use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

pub use crate::fold::is_arabic_letter;

/// A language the product works in. Inputs accept exactly `"en"` or `"ar"`.
/// (With the `schema` feature it is also an OpenAPI schema, for the gateway.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
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

/// Share of Arabic letters (among Arabic + Latin letters) from which a text counts as
/// Arabic.
///
/// Why 30 %: Arabic resumes are never pure Arabic. Company names, tools and skills
/// (`SAP FI`, `Power BI`, `Cisco IOS-XE`), e-mails and URLs are written in Latin script,
/// and a bilingual resume often repeats the name and job titles in English. Measured
/// on the extracted fixtures (e-mails/URLs ignored): the Arabic accountant resume is
/// 95.7 % Arabic letters (TXT, DOCX and PDF alike), the Arabic job ad and the
/// Windows-1256 resume 97.1 %, the bilingual network engineer (Arabic prose, English
/// skill list and company names) 63.6 %, the English resumes and job ads 0 %. A person
/// reading a text in which a third of the letters are Arabic reads an Arabic
/// document with English terms, not an English one with a few Arabic words, so 30 %
/// keeps a wide margin on both sides: an English resume would need an Arabic
/// paragraph or two to flip, an Arabic one would need more than two thirds of its
/// letters in Latin script.
pub const ARABIC_SHARE_THRESHOLD: f64 = 0.30;

/// Latin-script letters (ASCII, Latin-1, Latin Extended A/B, IPA, Extended Additional).
pub(crate) fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic()
        || (matches!(c, '\u{00C0}'..='\u{02AF}' | '\u{1E00}'..='\u{1EFF}') && c.is_alphabetic())
}

/// Tokens that are written in Latin script whatever the document's language and so
/// say nothing about it: e-mail addresses and URLs.
fn is_address_token(token: &str) -> bool {
    let lower = token.to_ascii_lowercase();
    token.contains('@')
        || lower.contains("://")
        || lower.starts_with("www.")
        || lower.starts_with("http")
}

/// Count Arabic and Latin letters, ignoring e-mails and URLs.
pub(crate) fn letter_counts(text: &str) -> (usize, usize) {
    let (mut arabic, mut latin) = (0usize, 0usize);
    for token in text.split_whitespace() {
        if is_address_token(token) {
            continue;
        }
        for c in token.chars() {
            if is_arabic_letter(c) {
                arabic += 1;
            } else if is_latin_letter(c) {
                latin += 1;
            }
        }
    }
    (arabic, latin)
}

/// Share of Arabic letters among Arabic + Latin letters (0.0 when there are none).
pub fn arabic_share(text: &str) -> f64 {
    let (arabic, latin) = letter_counts(text);
    let total = arabic + latin;
    if total == 0 {
        0.0
    } else {
        arabic as f64 / total as f64
    }
}

/// Detect the language of a text: Arabic when Arabic-script letters make up at least
/// [`ARABIC_SHARE_THRESHOLD`] (30 %) of the Arabic + Latin letters, e-mail addresses
/// and URLs not counted; English otherwise (including text without letters).
pub fn detect_lang(text: &str) -> Lang {
    if arabic_share(text) >= ARABIC_SHARE_THRESHOLD {
        Lang::Ar
    } else {
        Lang::En
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_and_parse_use_lowercase_codes() {
        assert_eq!(Lang::Ar.as_str(), "ar");
        assert_eq!(Lang::En.to_string(), "en");
        assert_eq!("ar".parse::<Lang>(), Ok(Lang::Ar));
        assert_eq!("en".parse::<Lang>(), Ok(Lang::En));
        assert!("EN".parse::<Lang>().is_err());
        assert!("fr".parse::<Lang>().is_err());
        assert!("".parse::<Lang>().is_err());
        assert_eq!(
            serde_json::to_string(&Lang::Ar).ok().as_deref(),
            Some("\"ar\"")
        );
        assert_eq!(serde_json::from_str::<Lang>("\"en\"").ok(), Some(Lang::En));
        assert!(serde_json::from_str::<Lang>("\"En\"").is_err());
    }

    #[test]
    fn detects_plain_languages() {
        assert_eq!(detect_lang("Senior Backend Engineer with Rust"), Lang::En);
        assert_eq!(detect_lang("محاسبة قانونية أولى"), Lang::Ar);
        assert_eq!(detect_lang(""), Lang::En);
        assert_eq!(detect_lang("+966 55 010 2345"), Lang::En);
    }

    #[test]
    fn ignores_emails_and_urls() {
        let t = "سارة خالد sara.almansouri.long.address@example.com https://example.com/a/very/long/path";
        assert_eq!(detect_lang(t), Lang::Ar);
    }

    #[test]
    fn threshold_boundary() {
        // 3 Arabic letters, 7 Latin letters = 30 % → Arabic
        assert_eq!(detect_lang("عرب abcdefg"), Lang::Ar);
        // 3 Arabic letters, 8 Latin letters ≈ 27 % → English
        assert_eq!(detect_lang("عرب abcdefgh"), Lang::En);
    }
}

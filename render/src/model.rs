//! The view model the renderer accepts: plain data, independent of the engine's types.
//!
//! Every string is printed literally (it reaches the Typst template as JSON data, never as
//! markup), so `#`, `*`, `$`, `_`, `<` or `\` in a bullet need no escaping.

use serde::{Deserialize, Serialize};

/// Output language. Decides the text direction (Arabic is right-to-left), the preferred font
/// and the default headings the renderer adds itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Ar,
}

impl Lang {
    /// BCP 47 code (`en`, `ar`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ar => "ar",
        }
    }

    /// True for right-to-left languages.
    pub fn is_rtl(self) -> bool {
        matches!(self, Lang::Ar)
    }
}

/// A tailored CV, ready to print.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CvDocument {
    pub lang: Lang,
    /// The person's name: the header, the PDF author and the DOCX creator.
    pub name: String,
    /// One line under the name, e.g. "Senior Backend Engineer".
    pub headline: Option<String>,
    /// Email, phone, location, links, printed in this order on one line.
    pub contact: Vec<String>,
    pub summary: Option<String>,
    /// Heading printed above `summary`; defaults to "Summary" / "الملخص المهني".
    pub summary_title: Option<String>,
    /// Experience, Education, Skills, Languages, ... in print order.
    pub sections: Vec<CvSection>,
    /// PDF/DOCX keywords metadata (typically the skills).
    pub keywords: Vec<String>,
    /// Document title metadata; defaults to "{name} – CV" / "{name} – السيرة الذاتية".
    pub title: Option<String>,
}

/// One titled section of a CV.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CvSection {
    pub title: String,
    pub items: Vec<CvItem>,
}

/// One entry of a section: a job, a degree, a skill group, a certificate, ...
///
/// A job is `heading` = title, `subheading` = "company, location", `dates`, `bullets`.
/// A skill group is `heading` = "Languages" with `text` = "Rust, Go" (printed on one line),
/// or just `text`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CvItem {
    pub heading: Option<String>,
    pub subheading: Option<String>,
    pub dates: Option<String>,
    pub text: Option<String>,
    pub bullets: Vec<String>,
}

/// A cover letter.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CoverLetter {
    pub lang: Lang,
    pub sender_name: String,
    pub sender_contact: Vec<String>,
    /// Printed as given (no clock is read).
    pub date: Option<String>,
    /// Recipient block, e.g. "Hiring Team\nLedgerline Payments".
    pub recipient: Option<String>,
    pub subject: Option<String>,
    pub greeting: String,
    pub paragraphs: Vec<String>,
    /// E.g. "Kind regards,"; the sender's name is printed under it.
    pub closing: String,
}

/// Both renderings of one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub pdf: Vec<u8>,
    pub docx: Vec<u8>,
}

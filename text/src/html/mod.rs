//! Readable posting text from HTML (readability-style) and from plain text.

use std::collections::{HashMap, HashSet};

use ego_tree::{NodeId, NodeRef, iter::Edge};
use scraper::node::Element;
use scraper::{Html, Node};
use serde_json::Value;
use url::Url;

mod chrome;
mod depth;
mod metadata;
mod readability;
mod render;

use chrome::*;
use depth::limit_depth;
use metadata::*;
use readability::*;
use render::*;

/// Title, company and readable text of a job posting.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extracted {
    pub title: Option<String>,
    pub company: Option<String>,
    /// Headings on their own lines, list items as `- ` lines, paragraphs separated by blank
    /// lines, entities decoded, whitespace normalised.
    pub text: String,
}

/// Minimum rendered length (chars) for `<article>`/`<main>`/`[role=main]` to be trusted.
const MIN_SEMANTIC_CHARS: usize = 200;
/// Minimum rendered length (chars) for the readability winner to be used.
const MIN_SCORED_CHARS: usize = 100;
/// Deeper tags are dropped before parsing (see [`depth`]).
const MAX_DEPTH: usize = 1000;

/// Readable posting text from HTML: no navigation, cookie banners, breadcrumbs,
/// sidebars, footers, scripts, styles, forms. Headings on their own lines, list items as
/// `- ` lines, paragraphs separated by blank lines, entities decoded, whitespace normalised.
///
/// Title and company come from a JSON-LD `JobPosting` when there is one, else from the page
/// (`<h1>`, elements classed like "company", `<title>`, the URL of known job boards,
/// `og:site_name`). The body text comes from `<article>`, else `<main>`, else
/// `[role=main]`, else the best-scoring block (readability); the JSON-LD description is used
/// when the page itself carries (almost) no text.
pub fn extract_posting(html: &str, base_url: Option<&Url>) -> Extracted {
    let html = limit_depth(html, MAX_DEPTH);
    let doc = Html::parse_document(&html);
    let ctx = Ctx::new(&doc);
    let job = find_json_ld_job(&doc);

    let root = choose_root(&doc, &ctx);
    let mut blocks = render_blocks(root, &ctx);
    let body_words = word_count(&blocks);

    let mut title = job.as_ref().and_then(|j| j.title.clone());
    if title.is_none() {
        title = first_heading(root, &ctx, Phase::RenderScoped)
            .or_else(|| first_heading(doc.tree.root(), &ctx, Phase::Render))
            // A job title in a page-level hero <header>, after a logo <h1> elsewhere.
            .or_else(|| first_heading(doc.tree.root(), &ctx, Phase::RenderScoped))
            .or_else(|| meta_content(&doc, "og:title").map(|t| title_from_title_tag(&t).0))
            .or_else(|| title_text(&doc).map(|t| title_from_title_tag(&t).0))
            .filter(|t| !t.is_empty());
    }
    let company = job
        .as_ref()
        .and_then(|j| j.company.clone())
        .or_else(|| microdata_company(&doc, &ctx))
        .or_else(|| classed_company(&doc, &ctx))
        .or_else(|| title_text(&doc).and_then(|t| title_from_title_tag(&t).1))
        .or_else(|| base_url.and_then(company_from_job_board_url))
        .or_else(|| meta_content(&doc, "og:site_name"))
        .filter(|c| !c.is_empty());

    if let Some(desc) = job.as_ref().and_then(|j| j.description.as_deref()) {
        let desc_blocks = description_blocks(desc);
        let desc_words = word_count(&desc_blocks);
        if desc_words > 0 && body_words * 2 < desc_words {
            let desc_text = join_blocks(&desc_blocks);
            let mut head = Vec::new();
            if let Some(t) = &title
                && !desc_text.contains(t.as_str())
            {
                head.push(Block::new(Kind::Heading, t.clone()));
            }
            if let Some(c) = &company
                && !desc_text.contains(c.as_str())
            {
                head.push(Block::new(Kind::Para, c.clone()));
            }
            head.extend(desc_blocks);
            blocks = head;
        }
    }

    Extracted {
        title,
        company,
        text: join_blocks(&blocks),
    }
}

/// Normalises a plain-text posting: line endings, invisible characters, odd spaces,
/// bullet characters (`•`, `*`, `–`, ... become `- `), runs of blank lines. The title is the
/// first line; the company is a `Company:` line or the short line right under the title.
pub fn extract_plain(text: &str) -> Extracted {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut lines: Vec<String> = Vec::new();
    for raw in text.split('\n') {
        let line = normalise_bullet(&collapse(raw));
        if line.is_empty() && lines.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        lines.push(line);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }

    let is_bullet = |l: &str| l.starts_with("- ");
    let title = lines
        .first()
        .filter(|l| l.chars().count() <= 150 && !is_bullet(l))
        .map(|l| strip_label(l, &["job title", "title", "position", "role"]));
    let labelled_company = lines.iter().take(20).find_map(|l| {
        let (label, value) = l.split_once(':')?;
        let label = label.trim().to_lowercase();
        [
            "company",
            "employer",
            "organisation",
            "organization",
            "hiring company",
        ]
        .contains(&label.as_str())
        .then(|| value.trim().to_owned())
        .filter(|v| !v.is_empty())
    });
    let company = labelled_company.or_else(|| {
        let second = lines.get(1)?;
        let ok = title.is_some()
            && !second.is_empty()
            && second.chars().count() <= 80
            && !is_bullet(second)
            && !second.contains(':')
            && !second.ends_with(['.', '!', '?', ',', ';']);
        ok.then(|| second.clone())
    });
    Extracted {
        title,
        company,
        text: lines.join("\n"),
    }
}

fn strip_label(line: &str, labels: &[&str]) -> String {
    if let Some((label, value)) = line.split_once(':')
        && labels.contains(&label.trim().to_lowercase().as_str())
        && !value.trim().is_empty()
    {
        return value.trim().to_owned();
    }
    line.to_owned()
}

fn normalise_bullet(line: &str) -> String {
    let trimmed = line.trim_start();
    for bullet in ['•', '·', '*', '–', '—', '▪', '●', '◦', '‣', '○', '■', '-'] {
        if let Some(rest) = trimmed.strip_prefix(bullet)
            && rest.starts_with(' ')
            && !rest.trim().is_empty()
        {
            return format!("- {}", rest.trim());
        }
    }
    trimmed.to_owned()
}

// ---------------------------------------------------------------------------------------
// Characters and whitespace

/// White space as HTML text and Unicode see it (spaces, tabs, line ends, NBSP,
/// the typographic spaces, U+3000).
pub(super) fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// Characters that carry nothing visible in running text.
pub(super) fn is_invisible(c: char) -> bool {
    crate::fold::is_invisible_mark(c) || (c.is_control() && !c.is_whitespace())
}

/// Invisible characters dropped, white space collapsed to single spaces.
pub(super) fn collapse(s: &str) -> String {
    let visible: String = s.chars().filter(|c| !is_invisible(*c)).collect();
    crate::normalize::collapse_whitespace(&visible)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_classes() {
        assert_eq!(
            words("cookieBanner site-nav__item"),
            vec!["cookie", "banner", "site", "nav", "item"]
        );
        assert_eq!(
            words("job-posting__header"),
            vec!["job", "posting", "header"]
        );
    }

    #[test]
    fn title_tag_parsing() {
        assert_eq!(
            title_from_title_tag("Senior Backend Engineer (Rust) | Careers at Ledgerline Payments"),
            (
                "Senior Backend Engineer (Rust)".to_owned(),
                Some("Ledgerline Payments".to_owned())
            )
        );
        assert_eq!(
            title_from_title_tag("Data Analyst at Coastline Mobility - Remote"),
            (
                "Data Analyst".to_owned(),
                Some("Coastline Mobility".to_owned())
            )
        );
        assert_eq!(
            title_from_title_tag("Nurse | Cedar Hollow Jobs"),
            ("Nurse".to_owned(), Some("Cedar Hollow".to_owned()))
        );
        assert_eq!(
            title_from_title_tag("Just a title"),
            ("Just a title".to_owned(), None)
        );
    }

    #[test]
    fn job_board_slugs() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert_eq!(
            company_from_job_board_url(&u(
                "https://boards.greenhouse.io/ledgerline-payments/jobs/1"
            )),
            Some("Ledgerline Payments".to_owned())
        );
        assert_eq!(
            company_from_job_board_url(&u("https://acme.recruitee.com/o/backend")),
            Some("Acme".to_owned())
        );
        assert_eq!(
            company_from_job_board_url(&u("https://example.com/jobs/1")),
            None
        );
    }

    #[test]
    fn blocks_join_like_the_fixture() {
        let html = "<article><h1>T</h1><p>Co</p><ul><li>a</li><li>b<ul><li>c</li></ul></li></ul>\
                    <h2>H</h2><p>x &amp; y&nbsp;z</p><p>l1<br>l2</p></article>";
        let e = extract_posting(html, None);
        assert_eq!(e.text, "T\nCo\n\n- a\n- b\n  - c\n\nH\nx & y z\n\nl1\nl2");
    }

    #[test]
    fn tables_pre_and_definition_lists() {
        let html = "<main><table><tr><th>Location</th><td>Remote</td></tr>\
                    <tr><th>Salary</th><td>100&ndash;120k</td></tr></table>\
                    <pre>  line one\n    indented\n</pre><dl><dt>Team</dt><dd>Core</dd></dl>\
                    <p>padding text so that the main element is long enough to be trusted as content \
                    rather than being skipped for the readability fallback which needs more text.</p></main>";
        let e = extract_posting(html, None);
        assert!(
            e.text.starts_with(
                "Location | Remote\nSalary | 100–120k\n\n  line one\n    indented\n\nTeam\nCore"
            ),
            "{}",
            e.text
        );
    }

    #[test]
    fn plain_text_normalisation() {
        let e = extract_plain(
            "\u{FEFF}Job title: Nurse\r\nCedar Hollow Hospital\r\n\r\n\r\n• Night shifts\r\n*  BLS\u{00A0}required \r\n",
        );
        assert_eq!(e.title.as_deref(), Some("Nurse"));
        assert_eq!(e.company.as_deref(), Some("Cedar Hollow Hospital"));
        assert_eq!(
            e.text,
            "Job title: Nurse\nCedar Hollow Hospital\n\n- Night shifts\n- BLS required"
        );
    }

    #[test]
    fn plain_text_labelled_company() {
        let e = extract_plain("Backend Engineer\n\nCompany: Acme Corp\nLocation: Remote\n");
        assert_eq!(e.title.as_deref(), Some("Backend Engineer"));
        assert_eq!(e.company.as_deref(), Some("Acme Corp"));
        let e = extract_plain("We are hiring.\nThis is a long sentence that ends with a period.\n");
        assert_eq!(e.company, None);
        assert_eq!(extract_plain("   \n\u{3000}\n"), Extracted::default());
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let depth = 50_000;
        let mut html = String::from("<html><body>");
        for _ in 0..depth {
            html.push_str("<div>");
        }
        html.push_str("<p>deep text</p>");
        for _ in 0..depth {
            html.push_str("</div>");
        }
        let e = extract_posting(&html, None);
        assert!(e.text.contains("deep text"));
    }
}

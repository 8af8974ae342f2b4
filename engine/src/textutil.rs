//! Small text helpers shared by the parsers, the analysis and the verifier.

use std::sync::LazyLock;

use regex::Regex;

use crate::fold::{fold, is_arabic};

/// "ar" or "en": the product's one language detector ([`text::detect_lang`]).
pub fn detect_lang(text: &str) -> &'static str {
    ::text::detect_lang(text).as_str()
}

/// A valid language hint ("en"/"ar", case-insensitive), if any.
pub fn lang_from_hint(hint: Option<&str>) -> Option<&'static str> {
    match hint.map(|h| h.trim().to_ascii_lowercase()) {
        Some(h) if h == "ar" || h.starts_with("ar-") || h.starts_with("ar_") => Some("ar"),
        Some(h) if h == "en" || h.starts_with("en-") || h.starts_with("en_") => Some("en"),
        _ => None,
    }
}

pub use ::text::fold::strip_invisible;

/// Lines of a text, without a BOM or carriage returns.
pub fn lines(text: &str) -> Vec<&str> {
    text.trim_start_matches('\u{feff}')
        .split('\n')
        .map(|l| l.trim_end_matches('\r'))
        .collect()
}

static BULLET_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:[-*•·▪●◦‣⁃–➢➤►✓✔■□o]|\d{1,2}[.)])\s+").expect("static regex")
});

/// The content of a bullet line ("- x", "• x", "1. x"), or `None` when it is not a bullet.
pub fn bullet_content(line: &str) -> Option<&str> {
    let m = BULLET_RE.find(line)?;
    let rest = line[m.end()..].trim();
    (!rest.is_empty()).then_some(rest)
}

/// Byte offset where a bullet's content starts (0 when the line is not a bullet).
pub fn bullet_offset(line: &str) -> usize {
    BULLET_RE.find(line).map(|m| m.end()).unwrap_or(0)
}

static MD_LINK_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"!?\[([^\]]*)\]\(([^)\s]*)\)").expect("static regex"));

/// Remove markdown decoration for reading: heading hashes, emphasis markers, link syntax.
pub fn strip_md(line: &str) -> String {
    let s = line.trim().trim_start_matches('#').trim();
    let s = MD_LINK_RE.replace_all(s, "$1");
    let s = s.replace("**", "").replace("__", "");
    let s = s.trim();
    let s = s
        .strip_prefix('*')
        .and_then(|x| x.strip_suffix('*'))
        .or_else(|| s.strip_prefix('_').and_then(|x| x.strip_suffix('_')))
        .unwrap_or(s);
    s.trim().to_string()
}

/// Number of leading '#' of a markdown heading ("## X" → 2), 0 otherwise.
pub fn md_level(line: &str) -> usize {
    let t = line.trim_start();
    let n = t.chars().take_while(|&c| c == '#').count();
    if n > 0 && n <= 6 && t[n..].starts_with(' ') {
        n
    } else {
        0
    }
}

/// A line made only of '=', '-', '_' or '*' (a setext underline or a rule).
pub fn is_rule(line: &str) -> bool {
    let t = line.trim();
    t.len() >= 3
        && (t.chars().all(|c| c == '=')
            || t.chars().all(|c| c == '-')
            || t.chars().all(|c| c == '_')
            || t.chars().all(|c| c == '*'))
}

pub fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

/// True when every Latin letter is uppercase and there are at least 3 of them.
pub fn is_all_caps(s: &str) -> bool {
    let letters: Vec<char> = s
        .chars()
        .filter(|c| c.is_alphabetic() && !is_arabic(*c))
        .collect();
    letters.len() >= 3 && letters.iter().all(|c| c.is_uppercase())
}

/// Sentence spans (byte ranges) inside `s`: splits after . ! ? ؟ ؛ ; followed by a space,
/// never inside numbers such as "4.1" or abbreviations like "e.g.".
pub fn sentence_spans(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        if !matches!(c, '.' | '!' | '?' | '؟' | '؛' | ';') {
            continue;
        }
        let next = chars.get(k + 1).map(|x| x.1);
        if !next.is_some_and(char::is_whitespace) {
            continue;
        }
        // "e.g." / "i.e." / "B.S." — a single letter before the dot is not a sentence end
        let prev_word_len = s[..i]
            .chars()
            .rev()
            .take_while(|c| c.is_alphanumeric())
            .count();
        if c == '.' && prev_word_len <= 1 {
            continue;
        }
        let end = i + c.len_utf8();
        if s[start..end].trim().chars().count() > 1 {
            out.push((start, end));
        }
        start = end;
    }
    if start < s.len() && !s[start..].trim().is_empty() {
        out.push((start, s.len()));
    }
    // trim whitespace inside each span
    out.into_iter()
        .filter_map(|(a, b)| {
            let seg = &s[a..b];
            let lead = seg.len() - seg.trim_start().len();
            let trail = seg.len() - seg.trim_end().len();
            (a + lead < b - trail).then_some((a + lead, b - trail))
        })
        .collect()
}

/// Remove case-insensitive (folded) duplicates, keeping the first.
pub(crate) fn dedup_ci(v: &mut Vec<String>) {
    let mut seen: Vec<String> = Vec::new();
    v.retain(|s| {
        let k = crate::fold::norm(s);
        if k.is_empty() || seen.contains(&k) {
            false
        } else {
            seen.push(k);
            true
        }
    });
}

/// Does a folded word equal a list word? Arabic words also compare by light stem, so
/// "الجامعة" matches "جامعة".
pub fn word_eq(word: &str, list_word: &str) -> bool {
    let w = word.trim_end_matches('.');
    let l = fold(list_word);
    if w == l {
        return true;
    }
    w.chars().next().is_some_and(crate::fold::is_arabic)
        && crate::fold::stem_ar(w) == crate::fold::stem_ar(&l)
}

/// Is any word of `s` (folded) in `list`?
pub fn any_word_in(s: &str, list: &[&str]) -> bool {
    let f = fold(s);
    f.split(|c: char| !(c.is_alphanumeric() || c == '.'))
        .filter(|w| !w.is_empty())
        .any(|w| list.iter().any(|l| word_eq(w, l)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regexes_compile() {
        assert!(BULLET_RE.is_match("- x"));
        assert!(MD_LINK_RE.is_match("[a](b)"));
    }

    #[test]
    fn language_detection() {
        assert_eq!(detect_lang("Maya Lindqvist, backend engineer"), "en");
        assert_eq!(detect_lang("سارة خالد المنصوري محاسبة"), "ar");
        assert_eq!(detect_lang(""), "en");
    }

    #[test]
    fn bullets_and_markdown() {
        assert_eq!(bullet_content("  • إعداد القوائم"), Some("إعداد القوائم"));
        assert_eq!(
            bullet_content("- **Languages:** Rust"),
            Some("**Languages:** Rust")
        );
        assert_eq!(bullet_content("*Jan 2021 – Present*"), None);
        assert_eq!(bullet_content("12. twelve"), Some("twelve"));
        assert_eq!(
            strip_md("*Jan 2021 – Present · Portland*"),
            "Jan 2021 – Present · Portland"
        );
        assert_eq!(strip_md("### B.S. — **Lakeshore**"), "B.S. — Lakeshore");
        assert_eq!(
            strip_md("[maya.example.com](https://maya.example.com)"),
            "maya.example.com"
        );
        assert_eq!(md_level("## Skills"), 2);
        assert_eq!(md_level("#hashtag"), 0);
    }

    #[test]
    fn sentences() {
        let s = "Cut the bill by 4.1% e.g. via spot. Added metrics! Done";
        let parts: Vec<&str> = sentence_spans(s).iter().map(|&(a, b)| &s[a..b]).collect();
        assert_eq!(
            parts,
            [
                "Cut the bill by 4.1% e.g. via spot.",
                "Added metrics!",
                "Done"
            ]
        );
    }
}

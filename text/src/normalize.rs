//! Text normalisation for storage and display ([`normalize_text`]). The much more
//! aggressive folding that is only ever used to *compare* text lives in [`crate::fold`].

use crate::fold::is_invisible_mark;
use unicode_normalization::UnicodeNormalization;

/// Unicode space characters that a reader sees as an ordinary space.
fn is_unicode_space(c: char) -> bool {
    matches!(
        c,
        '\u{00A0}' | '\u{1680}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    ) || (c != '\n' && c != '\t' && c != '\r' && c.is_whitespace() && !c.is_ascii())
}

/// Normalise extracted text for storage and display.
///
/// * strips the BOM and invisible direction marks (U+200E, U+200F, U+061C,
///   U+202A–U+202E, U+2066–U+2069) plus zero-width space, word joiner and soft hyphen;
/// * applies NFKC (folds Arabic presentation forms U+FB50–U+FDFF / U+FE70–U+FEFF to
///   base letters, ligatures like `ﬁ` to `fi`, full-width forms to ASCII);
/// * turns CRLF / CR (and U+2028, U+2029, U+0085, VT, FF) into LF;
/// * turns Unicode spaces (U+00A0, U+2000–U+200A, U+202F, U+205F, U+3000, …) into an
///   ASCII space;
/// * removes other control characters except `\n` and `\t`;
/// * trims trailing spaces/tabs on every line;
/// * collapses any run of two or more blank lines into one blank line;
/// * trims the whole text.
///
/// A text that only consists of whitespace (including U+00A0 / U+3000) normalises to
/// the empty string.
pub fn normalize_text(s: &str) -> String {
    // 1. drop invisible marks (before NFKC: U+FEFF sits in a presentation-form block).
    let stripped: String = s.chars().filter(|&c| !is_invisible_mark(c)).collect();

    // 2. NFKC, 3. line ends, 4. spaces, 5. control characters.
    let mut flat = String::with_capacity(stripped.len());
    let mut chars = stripped.nfkc().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                flat.push('\n');
            }
            '\n' | '\u{2028}' | '\u{0085}' | '\u{000B}' | '\u{000C}' => flat.push('\n'),
            '\u{2029}' => flat.push_str("\n\n"),
            '\t' => flat.push('\t'),
            c if is_unicode_space(c) => flat.push(' '),
            c if c.is_control() => {}
            c if is_invisible_mark(c) => {}
            c => flat.push(c),
        }
    }

    // 6. trim line ends, 7. collapse blank lines, 8. trim the whole.
    let mut out = String::with_capacity(flat.len());
    let mut blank_run = 0usize;
    for line in flat.split('\n') {
        let line = line.trim_end_matches([' ', '\t']);
        if line.is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
            if blank_run > 0 {
                out.push('\n');
            }
        }
        blank_run = 0;
        out.push_str(line);
    }
    // Leading whitespace of the first line (indentation) is not content either.
    let trimmed = out.trim();
    if trimmed.len() == out.len() {
        out
    } else {
        trimmed.to_string()
    }
}

/// Collapse every run of whitespace into one ASCII space and trim. Handy for comparing
/// extracted text with expected phrases regardless of layout.
pub fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// At most `max` characters of `s` (never splitting a character), ending in "…" when
/// something was cut: for titles and reasons shown in summaries and messages.
pub fn truncate_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some(_) => {
            let keep: String = s.chars().take(max.saturating_sub(1)).collect();
            format!("{}…", keep.trim_end())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fold::{fold as fold_for_match, stem_ar as arabic_light_stem};

    #[test]
    fn truncate_chars_cuts_on_characters_and_marks_the_cut() {
        assert_eq!(truncate_chars("short", 60), "short");
        assert_eq!(truncate_chars("abcdef", 6), "abcdef");
        assert_eq!(truncate_chars("abcdefg", 6), "abcde…");
        assert_eq!(truncate_chars("سارة خالد", 5), "سارة…");
        assert_eq!(truncate_chars("x", 0), "…");
    }

    #[test]
    fn strips_bom_and_direction_marks() {
        let s = "\u{FEFF}\u{202B}سارة\u{202C} \u{200F}خالد\u{200E}\u{2066}x\u{2069}";
        assert_eq!(normalize_text(s), "سارة خالدx");
    }

    #[test]
    fn crlf_and_cr_become_lf() {
        assert_eq!(normalize_text("a\r\nb\rc\nd"), "a\nb\nc\nd");
    }

    #[test]
    fn unicode_spaces_become_ascii_space_and_whitespace_only_is_empty() {
        assert_eq!(
            normalize_text("a\u{00A0}b\u{3000}c\u{2009}d\u{202F}e"),
            "a b c d e"
        );
        assert_eq!(normalize_text("\u{00A0}\u{00A0}\n\u{3000}\t\r\n "), "");
        assert_eq!(normalize_text(""), "");
    }

    #[test]
    fn nfkc_folds_arabic_presentation_forms_and_ligatures() {
        // ﺳﺎﺭﺓ in presentation forms (U+FEB3 U+FE8E U+FEAD U+FE93) and the lam-alef
        // ligature U+FEFB.
        assert_eq!(normalize_text("\u{FEB3}\u{FE8E}\u{FEAD}\u{FE93}"), "سارة");
        assert_eq!(normalize_text("\u{FEFB}"), "لا");
        assert_eq!(normalize_text("ﬁle"), "file");
    }

    #[test]
    fn removes_control_chars_but_keeps_tab_and_newline() {
        assert_eq!(normalize_text("a\u{0007}b\tc\u{0000}\nd"), "ab\tc\nd");
    }

    #[test]
    fn trims_lines_and_collapses_blank_lines() {
        assert_eq!(
            normalize_text("  a  \n\n\n\n b \t\n\nc\n\n\n"),
            "a\n\n b\n\nc"
        );
        assert_eq!(normalize_text("a\n \n\t\n\u{00A0}\nb"), "a\n\nb");
    }

    #[test]
    fn normalize_is_idempotent_on_samples() {
        for s in ["a\r\n\r\n\r\nb", " سارة\u{00A0}خالد ", "x\n\n\ny\u{3000}"] {
            let once = normalize_text(s);
            assert_eq!(normalize_text(&once), once);
        }
    }

    #[test]
    fn fold_for_match_arabic() {
        assert_eq!(fold_for_match("أحمد"), "احمد");
        assert_eq!(fold_for_match("إدارة"), "اداره");
        assert_eq!(fold_for_match("آمال ٱلعربية"), "امال العربيه");
        assert_eq!(fold_for_match("مستشفى"), "مستشفي");
        assert_eq!(fold_for_match("مُحَاسَبَة"), "محاسبه");
        assert_eq!(fold_for_match("محـــاسبة"), "محاسبه");
        assert_eq!(fold_for_match("٢٠٢٠ و ۲۰۱۶"), "2020 و 2016");
        assert_eq!(fold_for_match("رحمٰن"), "رحمن");
    }

    #[test]
    fn fold_for_match_latin_and_presentation_forms() {
        assert_eq!(fold_for_match("PostgreSQL"), "postgresql");
        assert_eq!(fold_for_match("\u{FEB3}\u{FE8E}\u{FEAD}\u{FE93}"), "ساره");
        assert_eq!(fold_for_match("a\u{200F}b"), "ab");
    }

    #[test]
    fn light_stem_prefixes() {
        assert_eq!(arabic_light_stem("المحاسب"), "محاسب");
        assert_eq!(arabic_light_stem("والتدقيق"), "تدقيق");
        assert_eq!(arabic_light_stem("بالعمل"), "عمل");
        assert_eq!(arabic_light_stem("كالمدير"), "مدير");
        assert_eq!(arabic_light_stem("فالنظام"), "نظام");
        assert_eq!(arabic_light_stem("للتدقيق"), "تدقيق");
        assert_eq!(arabic_light_stem("وخبرة"), "خبر");
    }

    #[test]
    fn light_stem_suffixes() {
        assert_eq!(arabic_light_stem("شركات"), "شرك");
        assert_eq!(arabic_light_stem("محاسبون"), "محاسب");
        assert_eq!(arabic_light_stem("مهندسين"), "مهندس");
        assert_eq!(arabic_light_stem("إدارتها"), "إدارت");
        assert_eq!(arabic_light_stem("المالية"), "مال");
        assert_eq!(arabic_light_stem("كتابه"), "كتاب");
        assert_eq!(arabic_light_stem("عربي"), "عرب");
        // folded input (ة → ه, ية → يه) stems the same way
        assert_eq!(
            arabic_light_stem(&fold_for_match("المالية")),
            arabic_light_stem(&fold_for_match("مالي"))
        );
    }

    #[test]
    fn light_stem_keeps_three_letters() {
        // stripping would leave fewer than three letters
        assert_eq!(arabic_light_stem("الف"), "الف");
        assert_eq!(arabic_light_stem("ولد"), "ولد");
        assert_eq!(arabic_light_stem("بيت"), "بيت");
        assert_eq!(arabic_light_stem("ذاتي"), "ذات");
        assert_eq!(arabic_light_stem("SAP"), "SAP");
        assert_eq!(arabic_light_stem(""), "");
    }
}

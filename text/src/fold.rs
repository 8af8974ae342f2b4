//! The one folding module: what counts as an invisible mark or an Arabic letter, and
//! how text is folded, stemmed and tokenised **for matching only**, never for display.
//!
//! Every comparison in the product (section headings, skills, requirement terms, the
//! truthfulness verifier, the local embedder) goes through [`fold`] and the token keys of
//! [`tokenize`], so "PostgreSQL" and "postgresql", "الزكاة" and "والزكاة", "٢٠٢٠" and
//! "2020", "ﺳﺎﺭﺓ" (presentation forms) and "سارة" compare equal. What the user sees is
//! always the original text (see [`crate::normalize`] for display normalisation).

use unicode_normalization::UnicodeNormalization;

/// Invisible characters that carry no text: the byte-order mark / zero-width no-break
/// space, bidi controls (LRM, RLM, ALM, LRE..RLO, LRI..PDI), zero-width space,
/// non-joiner and joiner, word joiner and soft hyphen. PDF extractors and word
/// processors sprinkle these around Arabic and mixed text; they break substring
/// matching and are never seen by a reader.
pub fn is_invisible_mark(c: char) -> bool {
    matches!(
        c,
        '\u{FEFF}'
            | '\u{200B}'..='\u{200F}'
            | '\u{061C}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'
            | '\u{2066}'..='\u{2069}'
            | '\u{00AD}'
    )
}

/// Text without [invisible marks](is_invisible_mark); borrowed when there are none.
pub fn strip_invisible(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().any(is_invisible_mark) {
        std::borrow::Cow::Owned(text.chars().filter(|c| !is_invisible_mark(*c)).collect())
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// True for characters of the Arabic script blocks (Arabic, Supplement, Extended-B/A,
/// presentation forms), including the marks that live inside words, but not Arabic
/// punctuation or digits.
pub fn is_arabic(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{0870}'..='\u{08FF}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
        && !matches!(
            c,
            '\u{060C}' | '\u{061B}' | '\u{061C}' | '\u{061F}' | '\u{0660}'..='\u{066D}' | '\u{06D4}' | '\u{06F0}'..='\u{06F9}' | '\u{FEFF}'
        )
}

/// Arabic-script letters: [`is_arabic`] and alphabetic.
pub fn is_arabic_letter(c: char) -> bool {
    is_arabic(c) && c.is_alphabetic()
}

/// Lowercase and fold text for matching: NFKC (Arabic presentation forms, ligatures,
/// full-width forms), drops [invisible marks](is_invisible_mark), strips Arabic tatweel
/// (U+0640) and diacritics (U+064B–U+065F, U+0670), unifies alef forms (أ إ آ ٱ → ا),
/// ى → ي, ة → ه and maps Arabic-Indic and extended Arabic-Indic digits to ASCII.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // NFKC only when something could change: most text is plain ASCII.
    if s.is_ascii() {
        for c in s.chars() {
            out.push(c.to_ascii_lowercase());
        }
        return out;
    }
    for c in s.nfkc() {
        fold_char_into(c, &mut out);
    }
    out
}

fn fold_char_into(c: char, out: &mut String) {
    match c {
        '\u{0640}' | '\u{064B}'..='\u{065F}' | '\u{0670}' => {}
        c if is_invisible_mark(c) => {}
        'أ' | 'إ' | 'آ' | 'ٱ' => out.push('ا'),
        'ى' => out.push('ي'),
        'ة' => out.push('ه'),
        '\u{0660}'..='\u{0669}' => out.push(ascii_digit(c as u32 - 0x0660)),
        '\u{06F0}'..='\u{06F9}' => out.push(ascii_digit(c as u32 - 0x06F0)),
        _ => out.extend(c.to_lowercase()),
    }
}

fn ascii_digit(d: u32) -> char {
    char::from_digit(d, 10).unwrap_or('0')
}

/// Replace Arabic-Indic digits with ASCII digits, leaving everything else untouched
/// (used before date parsing so "٢٠٢٠" reads as 2020).
pub fn ascii_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{0660}'..='\u{0669}' => ascii_digit(c as u32 - 0x0660),
            '\u{06F0}'..='\u{06F9}' => ascii_digit(c as u32 - 0x06F0),
            _ => c,
        })
        .collect()
}

const AR_PREFIXES: [&str; 7] = ["وال", "بال", "كال", "فال", "لل", "ال", "و"];
/// `يه` is `ية` after [`fold`] (ة → ه), so the stemmer works on raw and folded words alike.
const AR_SUFFIXES: [&str; 9] = ["ات", "ون", "ين", "ها", "ية", "يه", "ه", "ة", "ي"];

/// Arabic light stemming of one word (raw or [folded](fold)): strips at most one of the
/// prefixes ال/وال/بال/كال/فال/لل/و and then at most one of the suffixes ات/ون/ين/ها/ية/ه/ي,
/// each only when at least three letters remain; non-Arabic words come back unchanged.
///
/// ```
/// use text::fold::stem_ar;
/// assert_eq!(stem_ar("والمحاسبة"), "محاسب");
/// assert_eq!(stem_ar("الشركات"), "شرك");
/// assert_eq!(stem_ar("Rust"), "Rust");
/// ```
pub fn stem_ar(word: &str) -> String {
    let mut w: &str = word;
    for p in AR_PREFIXES {
        if let Some(rest) = w.strip_prefix(p)
            && rest.chars().count() >= 3
        {
            w = rest;
            break;
        }
    }
    for s in AR_SUFFIXES {
        if let Some(rest) = w.strip_suffix(s)
            && rest.chars().count() >= 3
        {
            w = rest;
            break;
        }
    }
    w.to_string()
}

/// A very light English stemmer (plural / -ing / -ed / -ment / trailing e) so that
/// "tests", "testing" and "tested" share a key. Applied to ASCII words only.
pub fn stem_en(word: &str) -> String {
    let w = word;
    if w.len() <= 3 || !w.bytes().all(|b| b.is_ascii_lowercase()) {
        return w.to_string();
    }
    let mut s = w.to_string();
    let strip = |s: &mut String, suf: &str, rep: &str| -> bool {
        if s.len() > suf.len() + 2 && s.ends_with(suf) {
            s.truncate(s.len() - suf.len());
            s.push_str(rep);
            true
        } else {
            false
        }
    };
    let _ = strip(&mut s, "ments", "")
        || strip(&mut s, "ment", "")
        || strip(&mut s, "ings", "")
        || strip(&mut s, "ing", "")
        || strip(&mut s, "ies", "y")
        || strip(&mut s, "ied", "y")
        || strip(&mut s, "ed", "")
        || (!s.ends_with("ss")
            && !s.ends_with("is")
            && !s.ends_with("us")
            && strip(&mut s, "s", ""));
    if s.len() > 3 && s.ends_with('e') {
        s.pop();
    }
    s
}

/// One word of a text, with its byte span in the original string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    /// Folded form (lowercase, Arabic folding).
    pub folded: String,
    /// Folded and stemmed form used for comparisons.
    pub key: String,
}

impl Token {
    pub fn raw<'a>(&self, text: &'a str) -> &'a str {
        text.get(self.start..self.end).unwrap_or("")
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}')
}

/// Split text into word tokens. Words break on anything that is not a letter or digit, and
/// also where the script changes between Arabic and Latin/digits ("وPower" → "و", "power").
/// A dot between two letters/digits stays inside a word ("Node.js", "4.1"), and trailing
/// `+`/`#` stay on a word that starts with a letter ("C++", "C#").
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let n = chars.len();
    let mut i = 0;
    while i < n {
        let (_, c) = chars[i];
        if !is_word_char(c) {
            i += 1;
            continue;
        }
        let start_idx = i;
        let arabic = is_arabic(c);
        let mut j = i + 1;
        while j < n {
            let (_, cj) = chars[j];
            if is_word_char(cj) {
                if is_arabic(cj) != arabic {
                    break;
                }
                j += 1;
            } else if cj == '.'
                && j + 1 < n
                && is_word_char(chars[j + 1].1)
                && !arabic
                && !is_arabic(chars[j + 1].1)
                && is_word_char(chars[j - 1].1)
            {
                j += 1;
            } else {
                break;
            }
        }
        // trailing + / # for things like C++ and C#
        if !arabic && chars[start_idx].1.is_alphabetic() {
            while j < n && matches!(chars[j].1, '+' | '#') {
                j += 1;
            }
        }
        let start = chars[start_idx].0;
        let end = if j < n { chars[j].0 } else { text.len() };
        let raw = &text[start..end];
        let folded = fold(raw);
        if !folded.is_empty() {
            let key = if arabic {
                stem_ar(&folded)
            } else {
                stem_en(&folded)
            };
            out.push(Token {
                start,
                end,
                folded,
                key,
            });
        }
        i = j;
    }
    out
}

/// Token keys of a phrase.
pub fn keys(phrase: &str) -> Vec<String> {
    tokenize(phrase).into_iter().map(|t| t.key).collect()
}

/// Positions where `needle` (token keys) occurs contiguously in `hay`.
pub fn find_keys(hay: &[Token], needle: &[String]) -> Vec<usize> {
    let mut out = Vec::new();
    if needle.is_empty() || needle.len() > hay.len() {
        return out;
    }
    for i in 0..=hay.len() - needle.len() {
        if needle.iter().zip(&hay[i..]).all(|(n, t)| *n == t.key) {
            out.push(i);
        }
    }
    out
}

/// True when the phrase occurs (as whole tokens, folded and stemmed) in `hay`.
pub fn contains_phrase(hay: &[Token], phrase: &str) -> bool {
    !find_keys(hay, &keys(phrase)).is_empty()
}

pub use crate::normalize::collapse_whitespace;

/// Folded and whitespace-normalised form, for substring comparisons.
pub fn norm(s: &str) -> String {
    collapse_whitespace(&fold(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_arabic_forms_and_digits() {
        assert_eq!(fold("أإآٱ"), "اااا");
        assert_eq!(fold("مستشفى"), "مستشفي");
        assert_eq!(fold("الزكاة"), "الزكاه");
        assert_eq!(fold("مُحَاسِبـــة"), "محاسبه");
        assert_eq!(fold("٢٠٢٠ ۱۹"), "2020 19");
        assert_eq!(fold("PostgreSQL"), "postgresql");
    }

    #[test]
    fn arabic_light_stemming() {
        assert_eq!(stem_ar(&fold("والزكاة")), "زكا");
        assert_eq!(stem_ar(&fold("الزكاة")), "زكا");
        assert_eq!(stem_ar(&fold("المحاسبة")), "محاسب");
        assert_eq!(stem_ar(&fold("محاسبة")), "محاسب");
        assert_eq!(stem_ar(&fold("للمحاسبين")), "محاسب");
        assert_eq!(stem_ar(&fold("الشركات")), "شرك");
        // too short to strip
        assert_eq!(stem_ar("وفق"), "وفق");
    }

    #[test]
    fn english_light_stemming() {
        assert_eq!(stem_en("tests"), stem_en("testing"));
        assert_eq!(stem_en("dashboards"), stem_en("dashboard"));
        assert_eq!(stem_en("managed"), stem_en("management"));
        assert_eq!(stem_en("aws"), "aws");
        assert_eq!(stem_en("analysis"), "analysis");
    }

    #[test]
    fn tokenizer_splits_scripts_and_keeps_tech_names() {
        let t = tokenize("باستخدام Excel وPower BI، C++ و Node.js 4.1% A/B");
        let f: Vec<&str> = t.iter().map(|t| t.folded.as_str()).collect();
        assert_eq!(
            f,
            [
                "باستخدام",
                "excel",
                "و",
                "power",
                "bi",
                "c++",
                "و",
                "node.js",
                "4.1",
                "a",
                "b"
            ]
        );
        let s = "نص";
        assert_eq!(tokenize(s)[0].raw(s), "نص");
    }

    #[test]
    fn phrase_search() {
        let hay = tokenize("Designed and analysed more than 35 A/B tests on the checkout");
        assert!(contains_phrase(&hay, "A/B testing"));
        assert!(!contains_phrase(&hay, "B/A testing"));
        let ar = tokenize("إعداد إقرارات ضريبة القيمة المضافة والزكاة");
        assert!(contains_phrase(&ar, "الزكاة"));
        assert!(contains_phrase(&ar, "ضريبة القيمة المضافة"));
    }
}

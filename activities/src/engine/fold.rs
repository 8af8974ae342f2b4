//! Folding, light stemming and tokenisation — for matching only, never for display.
//!
//! Every comparison in the engine (section headings, skills, requirement terms, the
//! truthfulness verifier) goes through [`fold`] and the token keys of [`tokenize`], so
//! "PostgreSQL" and "postgresql", "الزكاة" and "والزكاة", "٢٠٢٠" and "2020" compare equal.
//! What the user sees is always the original text.

/// Lowercase and fold text for matching: strips Arabic tatweel (U+0640) and diacritics
/// (U+064B–U+065F, U+0670), unifies alef forms (أ إ آ ٱ → ا), ى → ي, ة → ه, maps
/// Arabic-Indic and extended Arabic-Indic digits to ASCII and drops invisible direction marks.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        fold_char_into(c, &mut out);
    }
    out
}

fn fold_char_into(c: char, out: &mut String) {
    match c {
        '\u{0640}' | '\u{064B}'..='\u{065F}' | '\u{0670}' => {}
        '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}' => {}
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

/// True for Arabic-script letters (and the Arabic marks that live inside words).
pub fn is_arabic(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
        && !matches!(
            c,
            '\u{060C}' | '\u{061B}' | '\u{061F}' | '\u{0660}'..='\u{066D}' | '\u{06D4}' | '\u{06F0}'..='\u{06F9}'
        )
}

const AR_PREFIXES: [&str; 7] = ["وال", "بال", "كال", "فال", "لل", "ال", "و"];
const AR_SUFFIXES: [&str; 8] = ["ات", "ون", "ين", "ها", "ية", "يه", "ه", "ي"];

/// Arabic light stemming of one (already folded) word: strips one of the prefixes
/// ال/وال/بال/كال/فال/لل/و and then one of the suffixes ات/ون/ين/ها/ية/ه/ي, each only when
/// at least three letters remain.
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

/// Collapse runs of whitespace to one space and trim.
pub fn squash_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Folded and whitespace-normalised form, for substring comparisons.
pub fn norm(s: &str) -> String {
    squash_ws(&fold(s))
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

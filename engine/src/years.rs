//! "N years" in requirements ("6+ years", "لا تقل عن 5 سنوات", "سنتان") and experience
//! claims in resumes ("10 years of experience", "بخبرة تزيد على عشر سنوات").

use std::sync::LazyLock;

use regex::Regex;

use crate::fold::{ascii_digits, fold};

const EN_NUM: &str =
    r"\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty";
const AR_NUM: &str = r"\d{1,2}|واحد[هة]?|اثنت?ين|ثلاث[هة]?|اربع[هة]?|خمس[هة]?|ست[هة]?|سبع[هة]?|ثماني[هة]?|ثمان|تسع[هة]?|عشر[هة]?|خمس عشر[هة]?|عشرين";

static REQ_EN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b({EN_NUM})\s*\+?\s*(?:(?:-|–|to)\s*\d{{1,2}}\s*)?\+?\s*(?:full[- ]time\s+)?years?\b"
    ))
    .expect("static regex")
});
static REQ_AR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?:^|\s)({AR_NUM})\s+(?:سنوات|سنه|سنين|اعوام|عاما|عام)"
    ))
    .expect("static regex")
});
static TWO_AR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|\s)(?:سنتان|سنتين|عامان|عامين)(?:\s|$|[.،,])").expect("static regex")
});
static CLAIM_EN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b({EN_NUM})\s*\+?\s*years?['’]?\s+(?:of\s+)?(?:[a-z-]+\s+){{0,3}}experience"
    ))
    .expect("static regex")
});
static CLAIM_AR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"خبر[هة]\s+(?:\S+\s+){{0,3}}?({AR_NUM})\s+(?:سنوات|سنه|اعوام|عاما)"
    ))
    .expect("static regex")
});

fn number(word: &str) -> Option<u32> {
    let w = fold(word);
    if let Ok(n) = w.parse::<u32>() {
        return Some(n);
    }
    let table: &[(&str, u32)] = &[
        ("one", 1),
        ("two", 2),
        ("three", 3),
        ("four", 4),
        ("five", 5),
        ("six", 6),
        ("seven", 7),
        ("eight", 8),
        ("nine", 9),
        ("ten", 10),
        ("eleven", 11),
        ("twelve", 12),
        ("fifteen", 15),
        ("twenty", 20),
        ("واحد", 1),
        ("اثنين", 2),
        ("اثنتين", 2),
        ("ثلاث", 3),
        ("اربع", 4),
        ("خمس", 5),
        ("ست", 6),
        ("سبع", 7),
        ("ثماني", 8),
        ("ثمان", 8),
        ("تسع", 9),
        ("عشر", 10),
        ("خمس عشر", 15),
        ("عشرين", 20),
    ];
    let w = w.trim_end_matches('ه');
    table.iter().find(|(k, _)| *k == w).map(|(_, n)| *n)
}

/// Years of experience a requirement asks for (the first figure mentioned).
pub fn required_years(requirement: &str) -> Option<u32> {
    let s = fold(&ascii_digits(requirement));
    let en = REQ_EN
        .captures(&s)
        .and_then(|c| c.get(1))
        .map(|m| (m.start(), m.as_str()));
    let ar = REQ_AR
        .captures(&s)
        .and_then(|c| c.get(1))
        .map(|m| (m.start(), m.as_str()));
    let two = TWO_AR.find(&s).map(|m| (m.start(), "2"));
    [en, ar, two]
        .into_iter()
        .flatten()
        .min_by_key(|(pos, _)| *pos)
        .and_then(|(_, n)| number(n))
}

/// The largest "N years of experience" claim in a resume text.
pub fn claimed_years(text: &str) -> Option<u32> {
    let s = fold(&ascii_digits(text));
    let en = CLAIM_EN
        .captures_iter(&s)
        .filter_map(|c| c.get(1).and_then(|m| number(m.as_str())));
    let ar = CLAIM_AR
        .captures_iter(&s)
        .filter_map(|c| c.get(1).and_then(|m| number(m.as_str())));
    en.chain(ar).filter(|n| *n <= 60).max()
}

/// The "N years" phrase of the claim as written in the text, for quoting ("10 years").
pub fn claim_phrase(text: &str) -> Option<String> {
    static RAW: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(\d{1,2})\s*\+?\s*years?['’]?\s+(?:of\s+)?(?:[a-z-]+\s+){0,3}experience")
            .expect("static regex")
    });
    let c = RAW.captures(text)?;
    let n = c.get(1)?.as_str();
    Some(format!("{n} years"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regexes_compile() {
        assert!(REQ_EN.is_match("6 years"));
        assert!(REQ_AR.is_match("5 سنوات"));
        assert!(TWO_AR.is_match("سنتان"));
        assert!(CLAIM_EN.is_match("10 years of experience"));
        assert!(CLAIM_AR.is_match("خبرة 5 سنوات"));
    }

    #[test]
    fn requirement_years() {
        assert_eq!(
            required_years(
                "6+ years of professional backend development, including at least 2 years"
            ),
            Some(6)
        );
        assert_eq!(
            required_years("3+ years of experience as a data analyst"),
            Some(3)
        );
        assert_eq!(
            required_years("At least one year of acute-care nursing experience"),
            Some(1)
        );
        assert_eq!(
            required_years("خبرة لا تقل عن 5 سنوات في المحاسبة أو التدقيق، منها سنتان على الأقل"),
            Some(5)
        );
        assert_eq!(required_years("خبرة سنتان في المحاسبة"), Some(2));
        assert_eq!(required_years("Strong PostgreSQL skills"), None);
    }

    #[test]
    fn resume_claims() {
        assert_eq!(
            claimed_years("Backend engineer with 10 years of experience designing"),
            Some(10)
        );
        assert_eq!(
            claimed_years("Cleaned ten years of branch transaction data"),
            None
        );
        assert_eq!(
            claimed_years("محاسبة قانونية بخبرة تزيد على عشر سنوات في إعداد"),
            Some(10)
        );
        assert_eq!(
            claimed_years("مهندس شبكات وأنظمة بخبرة تسع سنوات في تصميم"),
            Some(9)
        );
        assert_eq!(
            claim_phrase("analyst with 7 years of experience in retail").as_deref(),
            Some("7 years")
        );
    }
}

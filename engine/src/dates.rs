//! Dates and date ranges in resume headers ("Jan 2021 – Present", "06/2018 - 2020",
//! "فبراير 2020 – حتى الآن", "كانون الثاني 2019 - حزيران 2020", "2016 – 2019").

use std::sync::LazyLock;

use regex::Regex;

use crate::dict::{MONTH_NAMES_AR, MONTH_NAMES_EN, MONTHS_AR, MONTHS_EN};
use crate::fold::fold;

const MONTHS_PATTERN: &str = r"january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec|يناير|فبراير|مارس|[أإا]بريل|مايو|يوني[وه]|يولي[وه]|[أا]غسطس|سبتمبر|[أا]كتوبر|نوفمبر|ديسمبر|كانون الثاني|كانون ال[أا]ول|شباط|[آا]ذار|نيسان|[أا]يار|حزيران|تموز|[أا]يلول|تشرين ال[أا]ول|تشرين الثاني|آب";
const PRESENT_PATTERN: &str = r"present|current|currently|now|today|ongoing|to date|till date|حتى ال[آا]ن|لغاية ال[آا]ن|لحد ال[آا]ن|ال[آا]ن|حاليا|حاليًا|حالياً";

static ATOM_RE: LazyLock<Regex> = LazyLock::new(|| {
    let pat = format!(
        r"(?i)(?P<ma>{m})\.?\s*[-–—]\s*(?P<mb>{m})\.?,?\s*(?P<yab>(?:19|20)\d\d)|(?P<m1>{m})\.?,?\s*(?P<y1>(?:19|20)\d\d)|(?P<mv>{m})\s*[-–—]\s*(?P<yv>(?:19|20)\d\d)|(?P<m2>0?[1-9]|1[0-2])\s*[/.]\s*(?P<y2>(?:19|20)\d\d)|(?P<y3>(?:19|20)\d\d)\s*[-/.]\s*(?P<m3>0[1-9]|1[0-2])(?:[^0-9]|$)|(?P<y4>(?:19|20)\d\d)|(?P<p>{p})",
        m = MONTHS_PATTERN,
        p = PRESENT_PATTERN
    );
    Regex::new(&pat).expect("static regex")
});

static SEP_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:[-–—~‐−]|to|until|till|through|إلى|الى|حتى|لغاية)?\s*$")
        .expect("static regex")
});

/// One date, or the start of a range, found in a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateRange {
    pub start: Option<String>,
    pub end: Option<String>,
    pub current: bool,
    /// True when only one date was found (no range).
    pub single: bool,
    /// Byte span of the whole date expression in the line.
    pub span: (usize, usize),
}

#[derive(Debug, Clone)]
enum Atom {
    Date(String),
    Range(String, String),
    Present,
}

fn month_number(name: &str) -> Option<u32> {
    let f = fold(name.trim_end_matches('.'));
    MONTHS_EN
        .iter()
        .chain(MONTHS_AR.iter())
        .find(|(n, _)| *n == f)
        .map(|(_, m)| *m)
}

fn ym(year: &str, month: Option<u32>) -> String {
    match month {
        Some(m) => format!("{year}-{m:02}"),
        None => year.to_string(),
    }
}

fn digit_before(line: &str, at: usize) -> bool {
    line[..at]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_digit())
}

fn atoms(line: &str) -> Vec<(Atom, usize, usize)> {
    let mut out = Vec::new();
    for c in ATOM_RE.captures_iter(line) {
        let Some(m) = c.get(0) else { continue };
        let (start, mut end) = (m.start(), m.end());
        let prev = line[..start].chars().next_back();
        let first = m.as_str().chars().next();
        if prev.is_some_and(|c| c.is_alphabetic()) && c.name("p").is_none() {
            continue;
        }
        if first.is_some_and(|c| c.is_ascii_digit()) && digit_before(line, start) {
            continue;
        }
        let atom = if let (Some(a), Some(b), Some(y)) = (c.name("ma"), c.name("mb"), c.name("yab"))
        {
            Atom::Range(
                ym(y.as_str(), month_number(a.as_str())),
                ym(y.as_str(), month_number(b.as_str())),
            )
        } else if let (Some(mn), Some(y)) = (c.name("m1"), c.name("y1")) {
            Atom::Date(ym(y.as_str(), month_number(mn.as_str())))
        } else if let (Some(mn), Some(y)) = (c.name("mv"), c.name("yv")) {
            // "فبراير – 2020حتى الآن": pdftotext moves the dash of RTL date ranges
            Atom::Date(ym(y.as_str(), month_number(mn.as_str())))
        } else if let (Some(mn), Some(y)) = (c.name("m2"), c.name("y2")) {
            Atom::Date(ym(y.as_str(), mn.as_str().parse().ok()))
        } else if let (Some(y), Some(mn)) = (c.name("y3"), c.name("m3")) {
            end = mn.end();
            Atom::Date(ym(y.as_str(), mn.as_str().parse().ok()))
        } else if let Some(y) = c.name("y4") {
            if line[end..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit())
            {
                continue;
            }
            Atom::Date(y.as_str().to_string())
        } else if c.name("p").is_some() {
            // a bare "now"/"current" inside a sentence is not a date: require a word boundary
            let after_ok = line[end..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric());
            let before_ok = prev.is_none_or(|c| !c.is_alphabetic());
            if !after_ok || !before_ok {
                continue;
            }
            Atom::Present
        } else {
            continue;
        };
        out.push((atom, start, end));
    }
    out
}

/// Find the first date range (or lone date) in a line whose digits are ASCII.
pub fn find_date_range(line: &str) -> Option<DateRange> {
    let list = atoms(line);
    for (i, (a, s, e)) in list.iter().enumerate() {
        match a {
            Atom::Range(x, y) => {
                return Some(DateRange {
                    start: Some(x.clone()),
                    end: Some(y.clone()),
                    current: false,
                    single: false,
                    span: (*s, *e),
                });
            }
            Atom::Present => continue,
            Atom::Date(d) => {
                if let Some((b, s2, e2)) = list.get(i + 1)
                    && SEP_RE.is_match(&line[*e..*s2])
                {
                    let (end, current) = match b {
                        Atom::Present => (None, true),
                        Atom::Date(d2) => (Some(d2.clone()), false),
                        Atom::Range(x, _) => (Some(x.clone()), false),
                    };
                    let _ = e2;
                    return Some(DateRange {
                        start: Some(d.clone()),
                        end,
                        current,
                        single: false,
                        span: (*s, list[i + 1].2),
                    });
                }
                return Some(DateRange {
                    start: Some(d.clone()),
                    end: None,
                    current: false,
                    single: true,
                    span: (*s, *e),
                });
            }
        }
    }
    None
}

/// The year of a "YYYY" / "YYYY-MM" date.
pub fn year_of(d: &str) -> Option<i32> {
    d.get(..4)?.parse().ok()
}

/// Human form of a "YYYY-MM" / "YYYY" date in `lang`.
pub fn format_date(d: &str, lang: &str) -> String {
    let mut parts = d.splitn(2, '-');
    let year = parts.next().unwrap_or_default();
    match parts.next().and_then(|m| m.parse::<usize>().ok()) {
        Some(m) if (1..=12).contains(&m) => {
            let name = if lang == "ar" {
                MONTH_NAMES_AR[m - 1]
            } else {
                MONTH_NAMES_EN[m - 1]
            };
            format!("{name} {year}")
        }
        _ => year.to_string(),
    }
}

/// "Jan 2021 – Present" style range in `lang`; empty when there is no start.
pub fn format_range(start: Option<&str>, end: Option<&str>, current: bool, lang: &str) -> String {
    let present = if lang == "ar" {
        "حتى الآن"
    } else {
        "Present"
    };
    match (start, end) {
        (Some(s), Some(e)) => format!("{} – {}", format_date(s, lang), format_date(e, lang)),
        (Some(s), None) if current => format!("{} – {present}", format_date(s, lang)),
        (Some(s), None) => format_date(s, lang),
        (None, Some(e)) => format_date(e, lang),
        (None, None) if current => present.to_string(),
        (None, None) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(line: &str) -> (Option<String>, Option<String>, bool) {
        let d = find_date_range(line).expect("a date");
        (d.start, d.end, d.current)
    }

    #[test]
    fn regexes_compile() {
        assert!(ATOM_RE.is_match("2020"));
        assert!(SEP_RE.is_match(" – "));
    }

    #[test]
    fn english_ranges() {
        assert_eq!(
            r("Jan 2021 – Present · Portland, OR"),
            (Some("2021-01".into()), None, true)
        );
        assert_eq!(
            r("Apr 2022 - Present"),
            (Some("2022-04".into()), None, true)
        );
        assert_eq!(
            r("Sep 2012 – Jun 2016"),
            (Some("2012-09".into()), Some("2016-06".into()), false)
        );
        assert_eq!(r("03/2019 - Present"), (Some("2019-03".into()), None, true));
        assert_eq!(
            r("2018-06 to 2020-12"),
            (Some("2018-06".into()), Some("2020-12".into()), false)
        );
        assert_eq!(
            r("2016 - 2019"),
            (Some("2016".into()), Some("2019".into()), false)
        );
        assert_eq!(
            r("2016-2019"),
            (Some("2016".into()), Some("2019".into()), false)
        );
        assert_eq!(
            r("September 2017 until current"),
            (Some("2017-09".into()), None, true)
        );
        assert_eq!(
            r("Jun–Aug 2018"),
            (Some("2018-06".into()), Some("2018-08".into()), false)
        );
    }

    #[test]
    fn arabic_ranges() {
        assert_eq!(
            r("فبراير 2020 – حتى الآن"),
            (Some("2020-02".into()), None, true)
        );
        assert_eq!(
            r("سبتمبر 2017 – يناير 2020"),
            (Some("2017-09".into()), Some("2020-01".into()), false)
        );
        assert_eq!(
            r("كانون الثاني 2019 - حزيران 2020"),
            (Some("2019-01".into()), Some("2020-06".into()), false)
        );
        assert_eq!(r("أيلول 2015 – الآن"), (Some("2015-09".into()), None, true));
        assert_eq!(r("2019 – حتى الآن"), (Some("2019".into()), None, true));
        // pdftotext's reordering of right-to-left ranges
        assert_eq!(
            r("فبراير  – 2020حتى الآن"),
            (Some("2020-02".into()), None, true)
        );
        assert_eq!(
            r("سبتمبر  – 2017يناير 2020"),
            (Some("2017-09".into()), Some("2020-01".into()), false)
        );
    }

    #[test]
    fn no_dates() {
        assert!(find_date_range("Senior Backend Engineer").is_none());
        assert!(find_date_range("cut latency from 420 ms to 85 ms").is_none());
        assert!(find_date_range("phone 12019 5").is_none());
    }

    #[test]
    fn formatting() {
        assert_eq!(format_date("2021-01", "en"), "Jan 2021");
        assert_eq!(format_date("2021-01", "ar"), "يناير 2021");
        assert_eq!(
            format_range(Some("2019"), None, true, "ar"),
            "2019 – حتى الآن"
        );
    }
}

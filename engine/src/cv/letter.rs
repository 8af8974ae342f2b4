//! A short cover letter built only from the CV's and the job's own facts.

use crate::dates::year_of;
use crate::fold::is_arabic;
use crate::types::{Experience, ParsedJob, ParsedResume};

use super::CoverLetterText;
use super::relevance::{Want, arabic_share, best_role, hits, join_list, score, wants};

/// Bullets quoted from the most relevant role.
const QUOTED_BULLETS: usize = 2;
/// Skills named in the closing paragraph.
const LETTER_SKILLS: usize = 5;

/// "HANNAH CASTELLANOS" → "Hannah Castellanos"; other names as written.
fn display_name(name: &str) -> String {
    let letters: Vec<char> = name
        .chars()
        .filter(|c| c.is_alphabetic() && !is_arabic(*c))
        .collect();
    if letters.len() < 2 || !letters.iter().all(|c| c.is_uppercase()) {
        return name.trim().to_string();
    }
    name.split_whitespace()
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(c) => c
                    .to_uppercase()
                    .chain(cs.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<String>>()
        .join(" ")
}

/// The role with the most of what the job asks for (the most recent on a tie).
fn most_relevant<'a>(cv: &'a ParsedResume, wants: &[Want]) -> Option<&'a Experience> {
    let mut best: Option<(u32, &Experience)> = None;
    for e in &cv.experience {
        let s: u32 =
            e.bullets.iter().map(|b| score(b, wants)).sum::<u32>() + score(&e.title, wants);
        if best.is_none_or(|(b, _)| s > b) {
            best = Some((s, e));
        }
    }
    best.map(|(_, e)| e)
}

fn end_mark(s: &str) -> String {
    let t = s.trim();
    if t.ends_with(['.', '!', '?', '؟']) {
        t.to_string()
    } else {
        format!("{t}.")
    }
}

/// A short cover letter in `lang` ("en" or "ar"): greeting, two or three paragraphs,
/// closing and the person's name as signature. Only the job's title and company and the
/// CV's own role, dates, bullets and skills are used, so it passes
/// [`super::cover_letter_untraceable`].
pub fn cover_letter(cv: &ParsedResume, job: &ParsedJob, lang: &str) -> CoverLetterText {
    let ar = lang == "ar";
    let wants = wants(job, &[]);
    let title = job
        .title
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let company = job
        .company
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let name = cv
        .contact
        .name
        .as_deref()
        .map(display_name)
        .unwrap_or_default();

    let greeting = match (ar, company) {
        (true, Some(c)) => format!("السادة فريق التوظيف في {c} المحترمين،"),
        (true, None) => "السادة فريق التوظيف المحترمين،".to_string(),
        (false, Some(c)) => format!("Dear {c} hiring team,"),
        (false, None) => "Dear hiring manager,".to_string(),
    };

    let mut paragraphs: Vec<String> = Vec::new();
    let role = best_role(cv, job, ar).filter(|r| arabic_share(r) == ar);
    let opening = match (ar, title, company) {
        (true, Some(t), Some(c)) => format!("يسعدني أن أتقدّم بطلب لشغل وظيفة {t} لدى {c}."),
        (true, Some(t), None) => format!("يسعدني أن أتقدّم بطلب لشغل وظيفة {t}."),
        (true, None, Some(c)) => format!("يسعدني أن أتقدّم بطلب للوظيفة الشاغرة لدى {c}."),
        (true, None, None) => "يسعدني أن أتقدّم بطلب للوظيفة الشاغرة لديكم.".to_string(),
        (false, Some(t), Some(c)) => {
            format!("I am writing to apply for the {t} position at {c}.")
        }
        (false, Some(t), None) => format!("I am writing to apply for the {t} position."),
        (false, None, Some(c)) => format!("I am writing to apply for the open position at {c}."),
        (false, None, None) => "I am writing to apply for the open position.".to_string(),
    };
    let background = role.map(|r| {
        if ar {
            format!(" أعمل في مجال {r}، وأرفقت سيرتي الذاتية لتفاصيل خبرتي.")
        } else {
            format!(" My background: {r}; my CV is attached with the details.")
        }
    });
    paragraphs.push(format!("{opening}{}", background.unwrap_or_default()));

    if let Some(e) = most_relevant(cv, &wants) {
        let mut ranked: Vec<(u32, usize)> = e
            .bullets
            .iter()
            .enumerate()
            .map(|(i, b)| (score(b, &wants), i))
            .collect();
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let quotes: Vec<String> = ranked
            .iter()
            .take(QUOTED_BULLETS)
            .filter_map(|(_, i)| e.bullets.get(*i))
            .map(|b| end_mark(b))
            .collect();
        let start = e.start.as_deref().and_then(year_of);
        let end = e.end.as_deref().and_then(year_of);
        // an Arabic title inside an English sentence reads badly: name the employer only
        let as_title = if !ar && arabic_share(&e.title) {
            String::new()
        } else {
            format!(" as {}", e.title)
        };
        let intro = match (ar, e.current, start, end) {
            (true, true, Some(y), _) => {
                format!("أشغل حاليًا منصب {} في {} منذ عام {y}", e.title, e.company)
            }
            (true, true, None, _) => format!("أشغل حاليًا منصب {} في {}", e.title, e.company),
            (true, false, Some(a), Some(b)) => {
                format!("عملت بمنصب {} في {} من {a} إلى {b}", e.title, e.company)
            }
            (true, false, _, _) => format!("عملت بمنصب {} في {}", e.title, e.company),
            (false, true, Some(y), _) => {
                format!("Since {y} I have worked{as_title} at {}", e.company)
            }
            (false, true, None, _) => format!("I currently work{as_title} at {}", e.company),
            (false, false, Some(a), Some(b)) => {
                format!("From {a} to {b} I worked{as_title} at {}", e.company)
            }
            (false, false, _, _) => format!("I worked{as_title} at {}", e.company),
        };
        let p = match (ar, quotes.is_empty()) {
            (true, false) => format!(
                "{intro}، ومن أبرز ما أنجزته في هذا الدور: {}",
                quotes.join(" ")
            ),
            (false, false) => format!("{intro}. Highlights from this role: {}", quotes.join(" ")),
            (true, true) => format!("{intro}."),
            (false, true) => format!("{intro}."),
        };
        paragraphs.push(p);
    }

    // the job's skills the person has, as the CV writes them
    let mut skills: Vec<String> = Vec::new();
    for s in &cv.skills {
        if skills.len() >= LETTER_SKILLS {
            break;
        }
        if s.split_whitespace().count() <= 4
            && !hits(s, &wants).is_empty()
            && !skills
                .iter()
                .any(|x| crate::fold::norm(x) == crate::fold::norm(s))
        {
            skills.push(s.clone());
        }
    }
    let sk = join_list(&skills, ar);
    let closing_p = match (ar, skills.is_empty(), company) {
        (true, false, Some(c)) => format!(
            "تتوافق خبرتي في {sk} مع متطلبات هذه الوظيفة، ويسعدني أن أناقش معكم كيف يمكنني الإسهام في {c} عبر مقابلة شخصية."
        ),
        (true, false, None) => format!(
            "تتوافق خبرتي في {sk} مع متطلبات هذه الوظيفة، ويسعدني أن أناقش معكم كيف يمكنني الإسهام في نجاح فريقكم."
        ),
        (true, true, _) => {
            "يسعدني أن أناقش معكم كيف يمكن لخبرتي أن تسهم في نجاح فريقكم.".to_string()
        }
        (false, false, Some(c)) => format!(
            "My experience with {sk} matches what this role asks for, and I would welcome the chance to discuss how I can contribute at {c}."
        ),
        (false, false, None) => format!(
            "My experience with {sk} matches what this role asks for, and I would welcome the chance to discuss how I can contribute to your team."
        ),
        (false, true, _) => {
            "I would welcome the chance to discuss how my experience can contribute to your team."
                .to_string()
        }
    };
    paragraphs.push(closing_p);

    CoverLetterText {
        greeting,
        paragraphs,
        closing: if ar {
            "وتفضلوا بقبول فائق الاحترام والتقدير،".to_string()
        } else {
            "Kind regards,".to_string()
        },
        signature: name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_caps_names_are_title_cased() {
        assert_eq!(display_name("HANNAH CASTELLANOS"), "Hannah Castellanos");
        assert_eq!(display_name("Maya Lindqvist"), "Maya Lindqvist");
        assert_eq!(display_name("سارة خالد المنصوري"), "سارة خالد المنصوري");
    }
}

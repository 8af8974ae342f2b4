//! Truthful resume optimisation: reorder and re-emphasise the person's own facts for a job,
//! with a change log. Nothing is invented: the tailored summary line is a template filled
//! only with the resume's own title, experience claim/first year and skills.

use std::sync::LazyLock;

use regex::Regex;

use crate::fold::{Token, collapse_whitespace, contains_phrase, fold, is_arabic, tokenize};
use crate::render::{display_skills, headings, render};
use crate::terms::{is_language, lookup, term_span};
use crate::textutil::sentence_spans;
use crate::types::{Analysis, ChangeLogEntry, Optimized, ParsedJob, ParsedResume};
use crate::verifier::verify;
use crate::years::claim_phrase;

/// A custom instruction the offline engine understands.
#[derive(Debug, Clone, PartialEq)]
enum Instr {
    OnePage,
    Leadership,
    Emphasize(String),
    Remove(String),
}

static ONE_PAGE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)one[- ]?page|single[- ]page|1[- ]page|one pager|صفحه واحده|concise|shorter|brief|مختصر").expect("static regex")
});
static LEAD_INSTR_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(emphasi[sz]e|highlight|focus on|stress|showcase|ابرز|ركز|التركيز).*(leadership|leading|management|managing|mentor|قياد|الاشراف|الاداره)").expect("static regex")
});
static REMOVE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:please\s+)?(?:(?:don'?t|do not|never)\s+(?:mention|include|list|show|add)|remove|exclude|omit|drop|hide|delete|leave out|لا تذكر|لا تضع|احذف|ازل|استبعد)\s+(.+)$").expect("static regex")
});
static EMPH_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:please\s+)?(?:emphasi[sz]e|highlight|focus on|stress|showcase|ابرز|ركز على)\s+(.+)$").expect("static regex")
});
static LEAD_BULLET_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(led|lead|leading|mentor(?:ed|ing)?|managed|manag(?:e|ing)|supervis\w*|coach\w*|hired|trained|head(?:ed)?|ran)\b|الاشراف|اشرف|قياد|قاد|تدريب|اداره فريق").expect("static regex")
});

fn ends_with_ci(t: &str, suffix: &str) -> bool {
    t.len() >= suffix.len()
        && t.is_char_boundary(t.len() - suffix.len())
        && t[t.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

fn starts_with_ci(t: &str, prefix: &str) -> bool {
    t.len() >= prefix.len()
        && t.is_char_boundary(prefix.len())
        && t[..prefix.len()].eq_ignore_ascii_case(prefix)
}

fn clean_target(s: &str) -> String {
    let mut t = s
        .trim()
        .trim_matches(['"', '\'', '“', '”', '«', '»', '`'])
        .trim()
        .to_string();
    for suffix in [
        " from my resume",
        " from the resume",
        " in my resume",
        " in the resume",
        " skills",
        " skill",
        " experience",
        " please",
    ] {
        if ends_with_ci(&t, suffix) {
            t.truncate(t.len() - suffix.len());
        }
    }
    for prefix in ["my ", "the ", "any ", "all "] {
        if starts_with_ci(&t, prefix) {
            t = t[prefix.len()..].to_string();
        }
    }
    t.trim()
        .trim_matches(['"', '\'', '“', '”', '«', '»'])
        .trim()
        .to_string()
}

/// Parse free-text instructions; returns what was understood and the clauses that were not.
fn parse_instructions(s: &str) -> (Vec<Instr>, Vec<String>) {
    let mut out: Vec<Instr> = Vec::new();
    let mut unknown = Vec::new();
    for sentence in s.split(['\n', '.', ';', '؛', '!']) {
        let mut first = true;
        for c in sentence
            .split(" and ")
            .map(|c| c.trim().trim_matches(',').trim())
            .filter(|c| !c.is_empty())
        {
            let continuation = !first;
            first = false;
            let f = fold(c);
            if ONE_PAGE_RE.is_match(&f) {
                out.push(Instr::OnePage);
            } else if LEAD_INSTR_RE.is_match(&f) {
                out.push(Instr::Leadership);
            } else if let Some(m) = REMOVE_RE
                .captures(c)
                .or_else(|| REMOVE_RE.captures(&f))
                .and_then(|x| x.get(1))
            {
                let target = clean_target(m.as_str());
                out.extend(
                    target
                        .split([',', '،'])
                        .map(clean_target)
                        .filter(|t| !t.is_empty())
                        .map(Instr::Remove),
                );
            } else if let Some(m) = EMPH_RE
                .captures(c)
                .or_else(|| EMPH_RE.captures(&f))
                .and_then(|x| x.get(1))
            {
                out.push(Instr::Emphasize(clean_target(m.as_str())));
            } else if continuation
                && word_count_le(c, 3)
                && matches!(out.last(), Some(Instr::Remove(_) | Instr::Emphasize(_)))
            {
                // "don't mention Python and Go": the part after "and" continues the list
                match out.last() {
                    Some(Instr::Remove(_)) => out.push(Instr::Remove(clean_target(c))),
                    _ => out.push(Instr::Emphasize(clean_target(c))),
                }
            } else {
                unknown.push(c.to_string());
            }
        }
    }
    (out, unknown)
}

fn word_count_le(s: &str, n: usize) -> bool {
    s.split_whitespace().count() <= n
}

/// Does text `t` (tokens `toks`) mention the keyword (dictionary term with all its aliases,
/// or the phrase itself)?
fn mentions(t: &str, toks: &[Token], keyword: &str) -> bool {
    match lookup(keyword) {
        Some(term) => term_span(term, t, toks).is_some(),
        None => contains_phrase(toks, keyword),
    }
}

fn mentions_text(t: &str, keyword: &str) -> bool {
    mentions(t, &tokenize(t), keyword)
}

fn join_list(items: &[String], ar: bool) -> String {
    match items.len() {
        0 => String::new(),
        1 => items[0].clone(),
        n if ar => format!("{} و{}", items[..n - 1].join("، "), items[n - 1]),
        n => format!("{} and {}", items[..n - 1].join(", "), items[n - 1]),
    }
}

/// The part of a bilingual headline in the output language's script ("مهندس | Engineer").
fn role_for(resume: &ParsedResume, ar: bool) -> Option<String> {
    let raw = resume
        .headline
        .clone()
        .or_else(|| resume.experience.first().map(|e| e.title.clone()))
        .filter(|s| !s.trim().is_empty())?;
    let parts: Vec<&str> = raw
        .split(" | ")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let pick = parts
        .iter()
        .find(|p| p.chars().any(is_arabic) == ar)
        .or(parts.first())
        .copied()
        .unwrap_or(&raw);
    Some(pick.to_string())
}

fn log(section: &str, before: String, after: String, reason: String) -> ChangeLogEntry {
    ChangeLogEntry {
        section: section.to_string(),
        before,
        after,
        reason,
    }
}

/// Build the optimised resume for `job`. `output_lang` ("en"/"ar") sets headings and the
/// generated summary line; the person's own text is never machine-translated. The result
/// has passed [`verify`] against the source.
pub fn generate_optimized(
    resume: &ParsedResume,
    resume_text: &str,
    job: &ParsedJob,
    analysis: &Analysis,
    output_lang: &str,
    custom_instructions: Option<&str>,
) -> Optimized {
    let ar = output_lang == "ar";
    let out_lang = if ar { "ar" } else { "en" };
    let mut p = resume.clone();
    let mut change_log: Vec<ChangeLogEntry> = Vec::new();
    let mut warnings: Vec<String> = Vec::new();
    let h = headings(out_lang);

    let (instrs, unknown) = custom_instructions
        .map(parse_instructions)
        .unwrap_or_default();
    for u in unknown {
        warnings.push(if ar {
            format!("لم تُطبَّق التعليمة: «{u}» — يفهم المحرك دون اتصال: صفحة واحدة، إبراز القيادة أو مهارة موجودة، عدم ذكر مهارة.")
        } else {
            format!("Instruction not applied: \"{u}\" — the offline engine understands: one page, emphasise leadership or a skill you have, don't mention <skill>.")
        });
    }
    let one_page = instrs.contains(&Instr::OnePage);
    let leadership = instrs.contains(&Instr::Leadership);
    let emphasize: Vec<String> = instrs
        .iter()
        .filter_map(|i| {
            if let Instr::Emphasize(x) = i {
                Some(x.clone())
            } else {
                None
            }
        })
        .collect();
    let remove: Vec<String> = instrs
        .iter()
        .filter_map(|i| {
            if let Instr::Remove(x) = i {
                Some(x.clone())
            } else {
                None
            }
        })
        .collect();

    // removals requested by the user
    for target in &remove {
        let mut touched = Vec::new();
        let before_skills = p.skills.len();
        p.skills.retain(|s| !mentions_text(s, target));
        if p.skills.len() != before_skills {
            touched.push(h.skills.to_string());
        }
        p.certifications.retain(|s| !mentions_text(s, target));
        for e in &mut p.experience {
            let n = e.bullets.len();
            e.bullets.retain(|b| !mentions_text(b, target));
            if e.bullets.len() != n {
                touched.push(format!("{} — {}", e.title, e.company));
            }
        }
        if let Some(s) = &p.summary {
            let kept: Vec<&str> = sentence_spans(s)
                .into_iter()
                .map(|(a, b)| &s[a..b])
                .filter(|x| !mentions_text(x, target))
                .collect();
            let new = kept.join(" ");
            if collapse_whitespace(&new) != collapse_whitespace(s) {
                touched.push(h.summary.to_string());
                p.summary = (!new.trim().is_empty()).then_some(new);
            }
        }
        if touched.is_empty() {
            warnings.push(if ar {
                format!("«{target}» غير موجود في السيرة الذاتية، فلم يُحذف شيء.")
            } else {
                format!("\"{target}\" is not in the resume, so nothing was removed.")
            });
        } else {
            change_log.push(log(
                &touched.join(", "),
                target.clone(),
                String::new(),
                if ar {
                    format!("حُذف «{target}» بناءً على طلبك.")
                } else {
                    format!("Removed \"{target}\" as you asked.")
                },
            ));
        }
    }
    for x in &emphasize {
        if !mentions_text(resume_text, x) {
            warnings.push(if ar {
                format!("«{x}» غير موجود في السيرة الذاتية، فلم يُضف (لا نضيف ما لا تذكره السيرة).")
            } else {
                format!("\"{x}\" is not in the resume, so it was not added (the optimiser never adds what the resume does not say).")
            });
        }
    }

    // job keywords the person actually has (with the resume's own wording)
    let text_toks = tokenize(resume_text);
    let source_terms = if analysis.report.matched_keywords.is_empty() {
        &job.keywords
    } else {
        &analysis.report.matched_keywords
    };
    let job_terms: Vec<String> = source_terms
        .iter()
        .filter(|k| !remove.iter().any(|r| fold(r) == fold(k)))
        .filter(|k| mentions(resume_text, &text_toks, k))
        .cloned()
        .collect();
    let must_text = job.must_have.join("\n");
    let must_toks = tokenize(&must_text);
    let weight = |k: &String| {
        if mentions(&must_text, &must_toks, k) {
            2
        } else {
            1
        }
    };

    // skills: the job's first
    let original_display = display_skills(&resume.skills);
    let mut ranked: Vec<(usize, String)> = Vec::new();
    for s in &p.skills {
        let toks = tokenize(s);
        let pos = job_terms
            .iter()
            .chain(emphasize.iter())
            .position(|k| mentions(s, &toks, k))
            .map_or(usize::MAX, |x| {
                if emphasize.iter().any(|e| mentions(s, &toks, e)) {
                    0
                } else {
                    x + 1
                }
            });
        ranked.push((pos, s.clone()));
    }
    ranked.sort_by_key(|(pos, _)| *pos);
    p.skills = ranked.into_iter().map(|(_, s)| s).collect();
    let new_display = display_skills(&p.skills);
    let list_sep = if ar { "، " } else { ", " };
    if new_display != original_display && !new_display.is_empty() {
        let front: Vec<String> = new_display
            .iter()
            .filter(|s| {
                job_terms
                    .iter()
                    .chain(&emphasize)
                    .any(|k| mentions_text(s, k))
            })
            .cloned()
            .collect();
        change_log.push(log(
            h.skills,
            original_display.join(list_sep),
            new_display.join(list_sep),
            if ar {
                format!("قُدّمت المهارات التي تطلبها الوظيفة: {}.", front.join("، "))
            } else {
                format!(
                    "Moved the skills this job asks for to the front: {}.",
                    front.join(", ")
                )
            },
        ));
    }

    // experience: bullets that mention the job's keywords first; every role is kept
    for (ri, e) in p.experience.iter_mut().enumerate() {
        let before = e.bullets.clone();
        let mut scored: Vec<(i32, Vec<String>, String)> = e
            .bullets
            .iter()
            .map(|b| {
                let toks = tokenize(b);
                let hits: Vec<String> = job_terms
                    .iter()
                    .filter(|k| mentions(b, &toks, k))
                    .cloned()
                    .collect();
                let mut s: i32 = hits.iter().map(weight).sum();
                if leadership && LEAD_BULLET_RE.is_match(&fold(b)) {
                    s += 10;
                }
                if emphasize.iter().any(|x| mentions(b, &toks, x)) {
                    s += 10;
                }
                (s, hits, b.clone())
            })
            .collect();
        scored.sort_by_key(|b| std::cmp::Reverse(b.0));
        e.bullets = scored.iter().map(|(_, _, b)| b.clone()).collect();
        let section = format!("{}: {} — {}", h.experience, e.title, e.company);
        if e.bullets != before {
            let mut moved: Vec<String> = Vec::new();
            for (_, hits, _) in scored.iter().take(2) {
                for x in hits {
                    if !moved.contains(x) {
                        moved.push(x.clone());
                    }
                }
            }
            let why = match (leadership, moved.is_empty()) {
                (true, _) if ar => "قُدّمت نقاط القيادة والإشراف بناءً على طلبك.".to_string(),
                (true, _) => {
                    "Leadership and mentoring bullets moved first, as you asked.".to_string()
                }
                (false, false) if ar => format!(
                    "قُدّمت النقاط التي تذكر {} لأن الوظيفة تطلبها.",
                    moved.join("، ")
                ),
                (false, false) => format!(
                    "Bullets that mention {} moved first because the job asks for them.",
                    moved.join(", ")
                ),
                (false, true) if ar => "أعيد ترتيب النقاط حسب الأهمية للوظيفة.".to_string(),
                (false, true) => "Bullets reordered by relevance to the job.".to_string(),
            };
            change_log.push(log(&section, before.join("\n"), e.bullets.join("\n"), why));
        }
        if one_page {
            let keep = if ri < 2 { 3 } else { 2 };
            if e.bullets.len() > keep {
                let full = e.bullets.join("\n");
                e.bullets.truncate(keep);
                change_log.push(log(
                    &section,
                    full,
                    e.bullets.join("\n"),
                    if ar { format!("اختُصرت إلى {keep} نقاط للحفاظ على صفحة واحدة؛ بقيت جميع الوظائف.") } else { format!("Kept the {keep} most relevant bullets to fit one page; every role is still listed.") },
                ));
            }
        }
    }

    // tailored summary line from the person's own facts
    let summary_skills: Vec<String> = {
        let mut v: Vec<String> = Vec::new();
        for k in emphasize.iter().chain(&job_terms) {
            if lookup(k).is_some_and(is_language) {
                continue;
            }
            if let Some(item) = p.skills.iter().find(|s| {
                let toks = tokenize(s);
                mentions(s, &toks, k) && s.split_whitespace().count() <= 4
            }) && !v.contains(item)
            {
                v.push(item.clone());
            }
            if v.len() >= 5 {
                break;
            }
        }
        v
    };
    let first_year = resume
        .experience
        .iter()
        .filter_map(|e| e.start.as_deref().and_then(crate::dates::year_of))
        .min();
    // the years claim goes into the opening line only when the summary does not already say it
    let own_summary = p.summary.clone().unwrap_or_default();
    let claim = claim_phrase(resume_text).filter(|c| !own_summary.contains(c.as_str()));
    let role = role_for(resume, ar);
    let skills_txt = join_list(&summary_skills, ar);
    let has_own = !own_summary.trim().is_empty();
    let role_txt = role.unwrap_or_else(|| {
        if ar {
            "خبرة مهنية".into()
        } else {
            "Professional".into()
        }
    });
    let with_skills = !skills_txt.is_empty();
    let lead: Option<String> = match (ar, &claim, first_year.filter(|_| !has_own)) {
        (true, _, Some(y)) if with_skills => {
            Some(format!("{role_txt} — خبرة منذ عام {y} في {skills_txt}."))
        }
        (true, _, Some(y)) => Some(format!("{role_txt} — خبرة منذ عام {y}.")),
        (true, _, None) if with_skills => Some(format!("{role_txt} — خبرة في {skills_txt}.")),
        (false, Some(c), _) if with_skills => Some(format!(
            "{role_txt} with {c} of experience in {skills_txt}."
        )),
        (false, Some(c), _) => Some(format!("{role_txt} with {c} of experience.")),
        (false, None, Some(y)) if with_skills => Some(format!(
            "{role_txt} with experience since {y} in {skills_txt}."
        )),
        (false, None, Some(y)) => Some(format!("{role_txt} with experience since {y}.")),
        (false, None, None) if with_skills => Some(format!("{role_txt}, skilled in {skills_txt}.")),
        _ if !has_own => Some(format!("{role_txt}.")),
        _ => None,
    };
    let mut own = p.summary.clone().unwrap_or_default();
    if one_page {
        let spans = sentence_spans(&own);
        if spans.len() > 2 {
            own = spans[..2]
                .iter()
                .map(|&(a, b)| &own[a..b])
                .collect::<Vec<_>>()
                .join(" ");
        }
    }
    let new_summary = match &lead {
        Some(l) if own.trim().is_empty() => l.clone(),
        Some(l) => format!("{l} {}", own.trim()),
        None => own.trim().to_string(),
    };
    if collapse_whitespace(&new_summary)
        != collapse_whitespace(resume.summary.as_deref().unwrap_or(""))
    {
        change_log.push(log(
        h.summary,
        resume.summary.clone().unwrap_or_default(),
        new_summary.clone(),
        if ar {
            "أضيف سطر افتتاحي مصمم للوظيفة من مسماك وخبرتك ومهاراتك المذكورة في السيرة فقط.".to_string()
        } else {
            "Added an opening line for this job built only from your own title, experience and skills listed in the resume.".to_string()
        },
    ));
    }

    if resume.lang != out_lang && !resume.lang.is_empty() {
        warnings.push(if ar {
            "السيرة الذاتية مكتوبة بالإنجليزية ولا يترجم المحرك دون اتصال: تُرجمت عناوين الأقسام وسطر الملخص فقط، وبقي نصك كما كتبته.".to_string()
        } else {
            "The resume is written in Arabic and the offline engine cannot translate: only the section headings and the summary's opening line are in English; your own text is kept as written.".to_string()
        });
        let src = headings(&resume.lang);
        change_log.push(log(
            if ar { "العناوين" } else { "Headings" },
            [src.summary, src.experience, src.education, src.skills].join(" / "),
            [h.summary, h.experience, h.education, h.skills].join(" / "),
            if ar {
                "عناوين الأقسام بلغة الإخراج المطلوبة.".to_string()
            } else {
                "Section headings in the requested output language.".to_string()
            },
        ));
    }

    let markdown = render(&p, out_lang, Some(&new_summary));
    let (markdown, verifier_warnings) = verify(&markdown, resume, resume_text);
    warnings.extend(verifier_warnings);
    Optimized {
        markdown,
        change_log,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regexes_compile() {
        assert!(ONE_PAGE_RE.is_match("one page"));
        assert!(LEAD_INSTR_RE.is_match("emphasise leadership"));
        assert!(REMOVE_RE.is_match("remove x"));
        assert!(EMPH_RE.is_match("highlight x"));
        assert!(LEAD_BULLET_RE.is_match("mentored four"));
    }

    #[test]
    fn instructions() {
        let (i, u) = parse_instructions(
            "Keep it to one page and emphasise leadership. Don't mention Python and Go. Make it sparkle",
        );
        assert_eq!(
            i,
            [
                Instr::OnePage,
                Instr::Leadership,
                Instr::Remove("Python".into()),
                Instr::Remove("Go".into())
            ]
        );
        assert_eq!(u, ["Make it sparkle"]);
        let (i, _) = parse_instructions("احذف Excel");
        assert_eq!(i, [Instr::Remove("Excel".into())]);
    }
}

//! Match analysis of a resume against a job: score, requirement checks with verbatim
//! evidence, keywords, strengths, gaps and ATS-safe suggestions.

use crate::fold::{collapse_whitespace, fold};
use crate::matching::{ReqEval, evaluate};
use crate::resume_index::{ResumeIndex, UnitKind};
use crate::terms::{lookup, term_span};
use crate::types::{
    Analysis, Evidence, ParsedJob, ParsedResume, Report, RequirementCheck, RetrievedChunk,
    SectionKind,
};

/// Analyse `resume` (and its text) against `job`. Report text is written in the job's
/// language (`job.language`, falling back to the resume's); use [`analyze_in`] to choose.
///
/// `retrieved` holds, per requirement, the resume chunks a vector search returned; they
/// supply the `chunk_id` of each evidence quote (the chunk whose text contains the quote),
/// else the id is `"resume"`. Every quote is an exact substring of `resume_text`. An
/// evidence score is 0.5 + 0.5 × the share of the requirement's terms the quote names
/// (0.3–0.8 for quotes that show years, a degree or a role), blended 70/30 with the
/// retrieved chunk's similarity when the quote comes from a retrieved chunk.
///
/// # Score (0–100)
///
/// `score = round(100 × (0.70·M + 0.15·N + 0.15·K))` where
/// - **M** — must-have coverage: the average, over the job's must-have requirements, of the
///   share of each requirement the resume shows (a requirement is split into skill groups —
///   "X or Y" needs one of them, "X and Y" both — plus any "N+ years" and degree condition;
///   a fully met requirement counts 1, "Docker and Kubernetes on AWS" with only AWS ⅓);
/// - **N** — the same average over nice-to-have requirements;
/// - **K** — keyword coverage: the share of the job's keywords found in the resume, where an
///   alternative the job accepts (Tableau for "Looker, Tableau or Power BI") counts as found.
///
/// When the ad has no nice-to-haves their 15% moves to M; with no must-haves, M's 70% is
/// split evenly between N and K (or all goes to K when there are no nice-to-haves either).
/// So a resume meeting every must-have but nothing else scores at least 70, and one that
/// meets none of them at most 30.
///
/// A job whose requirements could not be recognised is not scored as if everything were
/// met: with no must-have requirements the score is halved (at most 50), and
/// `report.warnings` says what was and was not evaluated.
pub fn analyze(
    resume: &ParsedResume,
    resume_text: &str,
    job: &ParsedJob,
    retrieved: &[(String, Vec<RetrievedChunk>)],
) -> Analysis {
    let lang = if job.language == "ar" || job.language == "en" {
        job.language.as_str()
    } else {
        resume.lang.as_str()
    };
    analyze_in(resume, resume_text, job, retrieved, lang)
}

/// Score factor when the job has no must-have requirements (score at most 50).
pub const NO_REQUIREMENTS_FACTOR: f32 = 0.5;

/// [`analyze`] with the report language chosen explicitly ("en" or "ar").
pub fn analyze_in(
    resume: &ParsedResume,
    resume_text: &str,
    job: &ParsedJob,
    retrieved: &[(String, Vec<RetrievedChunk>)],
    out_lang: &str,
) -> Analysis {
    let ar = out_lang == "ar";
    let idx = ResumeIndex::new(resume, resume_text);
    let must: Vec<(&String, ReqEval)> = job
        .must_have
        .iter()
        .map(|r| (r, evaluate(r, &idx, out_lang)))
        .collect();
    let nice: Vec<(&String, ReqEval)> = job
        .nice_to_have
        .iter()
        .map(|r| (r, evaluate(r, &idx, out_lang)))
        .collect();

    // keywords
    let mut matched_keywords = Vec::new();
    let mut missing_keywords = Vec::new();
    let mut covered = 0usize;
    for k in &job.keywords {
        if keyword_present(k, &idx) {
            matched_keywords.push(k.clone());
            covered += 1;
        } else {
            missing_keywords.push(k.clone());
            // an unmet alternative of a met requirement ("Looker" when Tableau satisfied
            // "Looker, Tableau or Power BI") still counts as covered
            if must
                .iter()
                .chain(&nice)
                .any(|(r, e)| e.met && text_has_keyword(r, k))
            {
                covered += 1;
            }
        }
    }
    let kw_cov = if job.keywords.is_empty() {
        0.0
    } else {
        covered as f32 / job.keywords.len() as f32
    };
    let avg = |v: &[(&String, ReqEval)]| {
        if v.is_empty() {
            0.0
        } else {
            v.iter().map(|(_, e)| e.credit).sum::<f32>() / v.len() as f32
        }
    };
    let (m, n) = (avg(&must), avg(&nice));
    let (wm, wn, wk) = match (must.is_empty(), nice.is_empty()) {
        (false, false) => (0.70, 0.15, 0.15),
        (false, true) => (0.85, 0.0, 0.15),
        (true, false) => (0.0, 0.50, 0.50),
        (true, true) => (0.0, 0.0, 1.0),
    };
    let mut raw = 100.0 * (wm * m + wn * n + wk * kw_cov);
    if must.is_empty() {
        // nothing the job requires was checked: the score says so by staying low
        raw *= NO_REQUIREMENTS_FACTOR;
    }
    let score = raw.round().clamp(0.0, 100.0) as u8;

    // requirement checks with evidence
    let mut requirements: Vec<RequirementCheck> = Vec::new();
    for (is_nice, list) in [(false, &must), (true, &nice)] {
        for (r, e) in list {
            let label = if is_nice {
                format!("{}{r}", if ar { "(يفضل) " } else { "(nice to have) " })
            } else {
                (*r).clone()
            };
            let evidence = e
                .evidence
                .iter()
                .map(|&(u, s)| evidence_for(&idx, u, s, r, retrieved))
                .collect();
            requirements.push(RequirementCheck {
                requirement: label,
                met: e.met,
                evidence,
            });
        }
    }

    let met_must = must.iter().filter(|(_, e)| e.met).count();
    let met_nice = nice.iter().filter(|(_, e)| e.met).count();
    let strengths = strengths(resume, job, &idx, &must, ar);
    let gaps = gaps(&must, &idx, ar);
    let suggestions = suggestions(resume, &idx, &must, &matched_keywords, ar);
    let warnings = warnings(resume, job, ar);

    let mut gap_terms: Vec<String> = Vec::new();
    for m in must.iter().flat_map(|(_, e)| e.missing.iter()) {
        if !gap_terms.contains(m) && gap_terms.len() < 5 {
            gap_terms.push(m.clone());
        }
    }

    let summary = if ar {
        let gaps_txt = if gap_terms.is_empty() {
            "لا توجد فجوات رئيسية.".to_string()
        } else {
            format!("أبرز الفجوات: {}.", gap_terms.join("، "))
        };
        format!(
            "النتيجة {score}/100: تستوفي السيرة الذاتية {met_must} من {} من المتطلبات الأساسية و{met_nice} من {} من المتطلبات المفضلة، ووردت فيها {} من {} من الكلمات المفتاحية للوظيفة. {gaps_txt}",
            must.len(),
            nice.len(),
            matched_keywords.len(),
            job.keywords.len()
        )
    } else {
        let gaps_txt = if gap_terms.is_empty() {
            "No major gaps found.".to_string()
        } else {
            format!("Main gaps: {}.", gap_terms.join(", "))
        };
        format!(
            "Score {score}/100: the resume meets {met_must} of {} must-have requirements and {met_nice} of {} nice-to-haves, and mentions {} of {} job keywords. {gaps_txt}",
            must.len(),
            nice.len(),
            matched_keywords.len(),
            job.keywords.len()
        )
    };

    Analysis {
        score,
        report: Report {
            summary,
            matched_keywords,
            missing_keywords,
            strengths,
            gaps,
            suggestions,
            requirements,
            warnings,
        },
    }
}

fn key(s: &str) -> String {
    collapse_whitespace(&fold(s))
}

fn keyword_present(k: &str, idx: &ResumeIndex) -> bool {
    match lookup(k) {
        Some(t) => idx.has_term(t),
        None => idx.has_phrase(k),
    }
}

/// Does `text` name keyword `k` (any alias of its dictionary term)?
fn text_has_keyword(text: &str, k: &str) -> bool {
    let toks = crate::fold::tokenize(text);
    match lookup(k) {
        Some(t) => term_span(t, text, &toks).is_some(),
        None => crate::fold::contains_phrase(&toks, k),
    }
}

/// Evidence entry for unit `u`: the verbatim quote, the retrieved chunk that contains it.
fn evidence_for(
    idx: &ResumeIndex,
    u: usize,
    score: f32,
    requirement: &str,
    retrieved: &[(String, Vec<RetrievedChunk>)],
) -> Evidence {
    let quote = idx.quote(u).to_string();
    let qn = key(&quote);
    let rk = key(requirement);
    let own = retrieved
        .iter()
        .filter(|(r, _)| key(r) == rk)
        .flat_map(|(_, c)| c.iter());
    let any = retrieved.iter().flat_map(|(_, c)| c.iter());
    let found = own
        .clone()
        .find(|c| key(&c.text).contains(&qn))
        .or_else(|| any.clone().find(|c| key(&c.text).contains(&qn)));
    let (chunk_id, s) = match found {
        Some(c) => (
            c.chunk_id.clone(),
            0.7 * score + 0.3 * c.score.clamp(0.0, 1.0),
        ),
        None => ("resume".to_string(), score),
    };
    Evidence {
        chunk_id,
        quote,
        score: (s * 100.0).round() / 100.0,
    }
}

fn short(s: &str, n: usize) -> String {
    let t: String = s.chars().take(n).collect();
    if s.chars().count() > n {
        format!("{}…", t.trim_end())
    } else {
        t
    }
}

fn strengths(
    resume: &ParsedResume,
    job: &ParsedJob,
    idx: &ResumeIndex,
    must: &[(&String, ReqEval)],
    ar: bool,
) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(y) = idx.years {
        let since = idx
            .first_year
            .map(|f| {
                if ar {
                    format!(" (منذ {f})")
                } else {
                    format!(" (since {f})")
                }
            })
            .unwrap_or_default();
        let asked = must
            .iter()
            .filter(|(_, e)| e.met)
            .find_map(|(_, e)| e.years_required);
        let asked_txt = match asked {
            Some(a) if y >= a => {
                if ar {
                    format!("، والوظيفة تطلب {a} سنوات على الأقل")
                } else {
                    format!("; the job asks for {a}+")
                }
            }
            _ => String::new(),
        };
        out.push(if ar {
            format!("نحو {y} سنوات من الخبرة{since}{asked_txt}")
        } else {
            format!("About {y} years of experience{since}{asked_txt}")
        });
    }
    if let (Some(level), Some(current)) = (job.seniority.as_deref(), resume.experience.first())
        && matches!(level, "senior" | "lead" | "principal")
    {
        let f = fold(&current.title);
        let words = [
            "senior",
            "lead",
            "principal",
            "staff",
            "head",
            "اول",
            "اولي",
            "كبير",
            "رئيس",
        ];
        if f.split(|c: char| !c.is_alphanumeric())
            .any(|w| words.contains(&w))
        {
            out.push(if ar {
                format!("المسمى الحالي «{}» يناسب مستوى الوظيفة", current.title)
            } else {
                format!(
                    "Current title \"{}\" fits the {level} level of the role",
                    current.title
                )
            });
        }
    }
    for (_, e) in must
        .iter()
        .filter(|(_, e)| e.met && !e.present.is_empty())
        .take(6)
    {
        let terms = e.present.join(if ar { "، " } else { ", " });
        match e.evidence.first() {
            Some(&(u, _)) if idx.units.get(u).is_some_and(|x| x.kind != UnitKind::Skills) => {
                let q = short(&collapse_whitespace(idx.quote(u)), 110);
                out.push(if ar {
                    format!("{terms}: «{q}»")
                } else {
                    format!("{terms} — \"{q}\"")
                });
            }
            _ => out.push(if ar {
                format!("{terms}: مذكورة في السيرة الذاتية")
            } else {
                format!("{terms} — listed in the resume")
            }),
        }
    }
    out
}

fn gaps(must: &[(&String, ReqEval)], idx: &ResumeIndex, ar: bool) -> Vec<String> {
    let mut out = Vec::new();
    for (r, e) in must.iter().filter(|(_, e)| !e.met) {
        let req = short(r, 140);
        if !e.missing.is_empty() {
            let terms = e.missing.join(if ar { "، " } else { ", " });
            out.push(if ar {
                format!("لا يظهر في السيرة الذاتية: {terms} (المتطلب: «{req}»)")
            } else {
                format!("No evidence of {terms} in the resume (required: \"{req}\")")
            });
        } else if let (Some(n), Some(y)) = (e.years_required, idx.years)
            && y < n
        {
            out.push(if ar {
                format!("الوظيفة تطلب {n} سنوات خبرة على الأقل والسيرة تُظهر نحو {y}")
            } else {
                format!("The job asks for {n}+ years of experience; the resume shows about {y}")
            });
        } else {
            out.push(if ar {
                format!("متطلب غير واضح في السيرة الذاتية: «{req}»")
            } else {
                format!("Not clearly shown in the resume: \"{req}\"")
            });
        }
    }
    out
}

fn suggestions(
    resume: &ParsedResume,
    idx: &ResumeIndex,
    must: &[(&String, ReqEval)],
    matched: &[String],
    ar: bool,
) -> Vec<String> {
    let mut out = Vec::new();
    // keywords the person has that appear only in the skills list
    let bullets_text = resume
        .experience
        .iter()
        .flat_map(|e| e.bullets.iter().cloned())
        .collect::<Vec<_>>()
        .join("\n");
    let bullet_toks = crate::fold::tokenize(&bullets_text);
    let only_in_skills: Vec<&String> = matched
        .iter()
        .filter(|k| match lookup(k) {
            Some(t) => {
                !crate::terms::is_language(t) && term_span(t, &bullets_text, &bullet_toks).is_none()
            }
            None => !crate::fold::contains_phrase(&bullet_toks, k),
        })
        .take(5)
        .collect();
    if !only_in_skills.is_empty() && !resume.experience.is_empty() {
        let list = only_in_skills
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(if ar { "، " } else { ", " });
        out.push(if ar {
            format!("اذكر {list} داخل نقاط الخبرة العملية حيث استخدمتها فعلاً، لا في قائمة المهارات فقط.")
        } else {
            format!("Mention {list} in the experience bullets where you actually used them, not only in the skills list.")
        });
    }
    let mut missing: Vec<String> = Vec::new();
    for m in must.iter().flat_map(|(_, e)| e.missing.iter()) {
        if !missing.contains(m) {
            missing.push(m.clone());
        }
    }
    for m in missing.iter().take(3) {
        out.push(if ar {
            format!("إن كانت لديك خبرة حقيقية في {m} غير مذكورة فأضفها مع مثال محدد؛ وإلا ففكّر في دورة أو مشروع صغير في {m}، ولا تضفها كمهارة قبل أن تمارسها.")
        } else {
            format!("If you have real experience with {m} that the resume leaves out, add it with a concrete example; otherwise consider a course or a small project in {m} — don't list it as a skill until you have used it.")
        });
    }
    let bullets: Vec<&String> = resume
        .experience
        .iter()
        .flat_map(|e| e.bullets.iter())
        .collect();
    let with_numbers = bullets
        .iter()
        .filter(|b| {
            b.chars()
                .any(|c| c.is_ascii_digit() || ('\u{0660}'..='\u{0669}').contains(&c))
        })
        .count();
    if !bullets.is_empty() && with_numbers * 2 < bullets.len() {
        out.push(if ar {
            format!("حدّد إنجازاتك بالأرقام: {with_numbers} فقط من {} نقطة تتضمن رقماً (نسبة، وقت موفَّر، حجم عمل).", bullets.len())
        } else {
            format!("Quantify achievements: only {with_numbers} of {} bullets include a number (%, time saved, volume).", bullets.len())
        });
    }
    let has = |k: SectionKind| resume.sections.iter().any(|s| s.kind == k);
    let odd_headings = resume
        .sections
        .iter()
        .any(|s| s.kind == SectionKind::Other && !s.heading.is_empty());
    if !has(SectionKind::Experience) || !has(SectionKind::Skills) || odd_headings {
        out.push(if ar {
            "استخدم عناوين أقسام قياسية (الملخص، الخبرة العملية، التعليم، المهارات) لتقرأها أنظمة تتبع المتقدمين بشكل صحيح.".to_string()
        } else {
            "Use standard section headings (Summary, Experience, Education, Skills) so applicant tracking systems read the resume correctly.".to_string()
        });
    }
    if resume.summary.is_none() {
        out.push(if ar {
            "أضف ملخصاً من سطرين أو ثلاثة يذكر مسماك الحالي ومهاراتك التي تطلبها الوظيفة.".to_string()
        } else {
            "Add a 2–3 line summary naming your current title and the job's skills that you have."
                .to_string()
        });
    }
    if idx.units.is_empty() || resume.contact.email.is_none() || resume.contact.phone.is_none() {
        out.push(if ar {
            "ضع البريد الإلكتروني ورقم الهاتف في نص السيرة الذاتية (لا في الترويسة أو التذييل).".to_string()
        } else {
            "Put your e-mail address and phone number in the body of the resume (not in a header or footer).".to_string()
        });
    }
    out.push(if ar {
        "حافظ على تنسيق متوافق مع أنظمة ATS: عمود واحد، بلا جداول أو مربعات نص أو صور أو أيقونات."
            .to_string()
    } else {
        "Keep an ATS-friendly layout: one column, no tables, text boxes, images or icons."
            .to_string()
    });
    out
}

fn warnings(resume: &ParsedResume, job: &ParsedJob, ar: bool) -> Vec<String> {
    let mut out = Vec::new();
    if job.must_have.is_empty() {
        let basis_en = if job.nice_to_have.is_empty() {
            "keywords only"
        } else {
            "keywords and nice-to-haves only"
        };
        let basis_ar = if job.nice_to_have.is_empty() {
            "الكلمات المفتاحية فقط"
        } else {
            "الكلمات المفتاحية والمتطلبات المفضلة فقط"
        };
        out.push(if ar {
            format!("لم يُتعرف على قسم متطلبات في إعلان الوظيفة، فلم يُقيَّم أي متطلب أساسي؛ النتيجة مبنية على {basis_ar} ومحدودة بـ50 من 100.")
        } else {
            format!("No requirements section was recognised in the job ad, so no must-have requirement was evaluated; the score is based on {basis_en} and capped at 50.")
        });
    } else if job.must_have.len() == 1 {
        out.push(if ar {
            "لم يُتعرف إلا على متطلب أساسي واحد في إعلان الوظيفة؛ راجع بقية شروط الإعلان بنفسك.".to_string()
        } else {
            "Only one must-have requirement was recognised in the job ad; check the ad's other conditions yourself.".to_string()
        });
    }
    if job.keywords.is_empty() && job.must_have.is_empty() && job.nice_to_have.is_empty() {
        out.push(if ar {
            "لم يُعثر على كلمات مفتاحية في إعلان الوظيفة.".to_string()
        } else {
            "No keywords were found in the job description.".to_string()
        });
    }
    if resume.experience.is_empty() {
        out.push(if ar {
            "لم يُتعرف على أي خبرة عملية في السيرة الذاتية.".to_string()
        } else {
            "No work-experience entries were recognised in the resume.".to_string()
        });
    }
    if !resume.lang.is_empty() && !job.language.is_empty() && resume.lang != job.language {
        out.push(if ar {
            "لغة السيرة الذاتية تختلف عن لغة الإعلان: طوبقت فقط المصطلحات المكتوبة بالشكل نفسه (مثل SQL وPython) والترجمات المعروفة.".to_string()
        } else {
            "The resume and the job ad are in different languages: only terms written the same way (such as SQL or Python) and known translations could be matched.".to_string()
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_without_requirements_does_not_score_high() {
        let text = "Jane Doe\n\nSkills\nPython, SQL, Tableau\n\nExperience\nData Analyst, Acme Corp\n2019 - 2024\n- Built dashboards in Tableau with SQL and Python\n";
        let resume = crate::parse_resume(text, None);
        let job = ParsedJob {
            language: "en".into(),
            keywords: vec!["Python".into(), "SQL".into(), "Tableau".into()],
            ..ParsedJob::default()
        };
        let a = analyze(&resume, text, &job, &[]);
        assert!(a.score <= 50, "{}", a.score);
        assert!(
            a.report
                .warnings
                .iter()
                .any(|w| w.contains("No requirements section"))
        );
        let ar = analyze_in(&resume, text, &job, &[], "ar");
        assert!(
            ar.report
                .warnings
                .iter()
                .any(|w| w.contains("لم يُتعرف على قسم متطلبات"))
        );
    }
}

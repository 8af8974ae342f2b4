//! Accuracy of the offline engine on the written corpus in `engine/tests/corpus`
//! (shared by the `corpus_eval` test and the `eval_corpus` example).
//!
//! - **section accuracy**: every key phrase an expectations file lists under a role
//!   (`requirements`, `responsibilities`, `nice`, `benefits`, `about`, `apply`) must sit in a
//!   line the parser gave that role (`about` also accepts "other": both stay out of the lists);
//! - **keyword precision / recall**: the job's keywords against the expected ones (same
//!   folded text, one containing the other, or the same dictionary term);
//! - **keyword grounding**: the share of keywords the ad itself says (folded) — must be 100%;
//! - **requirement met/unmet accuracy**: for each resume–job pair, each listed must-have
//!   (found by key phrase among the report's requirements) is met or unmet as expected;
//!   cross-language pairs (resume and ad in different languages) are also counted apart.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use engine::job_parser::{SectionRole, job_items};
use serde_json::Value;

pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

pub fn fold(s: &str) -> String {
    engine::fold::collapse_whitespace(&engine::fold(s))
}

fn contains(hay: &str, needle: &str) -> bool {
    fold(hay).contains(&fold(needle))
}

pub struct Job {
    pub name: String,
    pub text: String,
    pub expect: Value,
}

pub fn jobs() -> Vec<Job> {
    let dir = corpus_dir().join("jobs");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("corpus/jobs")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|n| {
            let stem = n.trim_end_matches(".txt").to_string();
            let text = std::fs::read_to_string(dir.join(&n)).expect("job text");
            let expect: Value = serde_json::from_str(
                &std::fs::read_to_string(dir.join(format!("{stem}.json"))).expect("job json"),
            )
            .expect("job json parses");
            Job {
                name: stem,
                text,
                expect,
            }
        })
        .collect()
}

pub fn resume_text(name: &str) -> String {
    std::fs::read_to_string(corpus_dir().join("resumes").join(format!("{name}.txt")))
        .unwrap_or_else(|_| panic!("resume {name}"))
}

pub fn resume_names() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(corpus_dir().join("resumes"))
        .expect("corpus/resumes")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".txt"))
        .map(|n| n.trim_end_matches(".txt").to_string())
        .collect();
    v.sort();
    v
}

pub fn pairs() -> Vec<Value> {
    let s = std::fs::read_to_string(corpus_dir().join("pairs.json")).expect("pairs.json");
    serde_json::from_str::<Value>(&s).expect("pairs parse")["pairs"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| x.as_str().map(str::to_string))
        .collect()
}

#[derive(Debug, Default, Clone, Copy)]
pub struct Ratio {
    pub hit: usize,
    pub total: usize,
}

impl Ratio {
    pub fn add(&mut self, ok: bool) {
        self.total += 1;
        self.hit += usize::from(ok);
    }
    pub fn pct(&self) -> f64 {
        if self.total == 0 {
            100.0
        } else {
            100.0 * self.hit as f64 / self.total as f64
        }
    }
}

#[derive(Debug, Default)]
pub struct Metrics {
    pub jobs: usize,
    pub jobs_en: usize,
    pub jobs_ar: usize,
    pub resumes: usize,
    pub pairs: usize,
    pub section: Ratio,
    pub section_by_role: BTreeMap<String, Ratio>,
    pub section_en: Ratio,
    pub section_ar: Ratio,
    pub jobs_without_requirements: Vec<String>,
    pub kw_precision: Ratio,
    pub kw_recall: Ratio,
    pub kw_grounded: Ratio,
    pub req: Ratio,
    pub req_same_lang: Ratio,
    pub req_cross_lang: Ratio,
    pub failures: Vec<String>,
}

fn same_keyword(a: &str, b: &str) -> bool {
    let (fa, fb) = (fold(a), fold(b));
    if fa == fb {
        return true;
    }
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric() && c != '#' && c != '+')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    };
    if engine::fold::keys(a) == engine::fold::keys(b) {
        return true; // "X-rays" / "X-ray"
    }
    let (wa, wb) = (words(&fa), words(&fb));
    let inside = |x: &[String], y: &[String]| !x.is_empty() && y.windows(x.len()).any(|w| w == x);
    if inside(&wa, &wb) || inside(&wb, &wa) {
        return true;
    }
    matches!((engine::terms::lookup(a), engine::terms::lookup(b)), (Some(x), Some(y)) if x == y)
}

pub fn evaluate() -> Metrics {
    let mut m = Metrics::default();
    let jobs = jobs();
    m.jobs = jobs.len();
    for j in &jobs {
        let lang = j.expect["lang"].as_str().unwrap_or("en");
        if lang == "ar" {
            m.jobs_ar += 1;
        } else {
            m.jobs_en += 1;
        }
        let items = job_items(&j.text);
        let parsed = engine::parse_job(&j.text, None);
        if parsed.must_have.is_empty() {
            m.jobs_without_requirements.push(j.name.clone());
        }
        if let Some(roles) = j.expect["roles"].as_object() {
            for (role, phrases) in roles {
                for p in strs(phrases) {
                    let got = items.iter().find(|it| contains(&it.text, &p));
                    let ok = got.is_some_and(|it| {
                        it.role.as_str() == role
                            || (role == "about" && it.role == SectionRole::Other)
                    });
                    if !ok {
                        m.failures.push(format!(
                            "section {}: {role:?} {p:?} → {}",
                            j.name,
                            got.map_or("not found", |it| it.role.as_str())
                        ));
                    }
                    m.section.add(ok);
                    m.section_by_role.entry(role.clone()).or_default().add(ok);
                    if lang == "ar" {
                        m.section_ar.add(ok);
                    } else {
                        m.section_en.add(ok);
                    }
                }
            }
        }
        let want = strs(&j.expect["keywords"]);
        for k in &parsed.keywords {
            let ok = want.iter().any(|w| same_keyword(k, w));
            if !ok {
                m.failures
                    .push(format!("keyword {}: unexpected {k:?}", j.name));
            }
            m.kw_precision.add(ok);
            let said = contains(&j.text, k);
            if !said {
                m.failures
                    .push(format!("keyword {}: {k:?} is not in the ad", j.name));
            }
            m.kw_grounded.add(said);
        }
        for w in &want {
            let ok = parsed.keywords.iter().any(|k| same_keyword(k, w));
            if !ok {
                m.failures.push(format!("keyword {}: missed {w:?}", j.name));
            }
            m.kw_recall.add(ok);
        }
    }
    m.resumes = resume_names().len();
    let by_name: BTreeMap<&str, &Job> = jobs.iter().map(|j| (j.name.as_str(), j)).collect();
    let pairs = pairs();
    m.pairs = pairs.len();
    for p in &pairs {
        let rname = p["resume"].as_str().unwrap_or_default();
        let jname = p["job"].as_str().unwrap_or_default();
        let Some(j) = by_name.get(jname) else {
            m.failures.push(format!("pair: no job {jname}"));
            continue;
        };
        let rtext = resume_text(rname);
        let resume = engine::parse_resume(&rtext, None);
        let job = engine::parse_job(&j.text, None);
        let a = engine::analyze(&resume, &rtext, &job, &[]);
        let cross = resume.lang != job.language;
        for (want_met, key) in [(true, "met"), (false, "unmet")] {
            for phrase in strs(&p[key]) {
                let check = a
                    .report
                    .requirements
                    .iter()
                    .filter(|r| job.must_have.iter().any(|mh| mh == &r.requirement))
                    .find(|r| contains(&r.requirement, &phrase));
                let ok = check.is_some_and(|c| c.met == want_met);
                if !ok {
                    m.failures.push(format!(
                        "pair {rname} × {jname}: {phrase:?} expected {key}, got {}",
                        check.map_or("no such requirement", |c| if c.met {
                            "met"
                        } else {
                            "unmet"
                        })
                    ));
                }
                m.req.add(ok);
                if cross {
                    m.req_cross_lang.add(ok);
                } else {
                    m.req_same_lang.add(ok);
                }
            }
        }
    }
    m
}

/// The metrics as a Markdown table.
pub fn table(m: &Metrics) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "Corpus: {} job ads ({} English, {} Arabic), {} resumes, {} resume–job pairs\n\n",
        m.jobs, m.jobs_en, m.jobs_ar, m.resumes, m.pairs
    ));
    s.push_str("| metric | value | checks |\n|---|---:|---:|\n");
    let mut row = |name: &str, r: &Ratio| {
        s.push_str(&format!(
            "| {name} | {:.1}% | {}/{} |\n",
            r.pct(),
            r.hit,
            r.total
        ));
    };
    row("section accuracy (all roles)", &m.section);
    row("section accuracy, English ads", &m.section_en);
    row("section accuracy, Arabic ads", &m.section_ar);
    for (role, r) in &m.section_by_role {
        row(&format!("section accuracy: {role}"), r);
    }
    row("keyword precision", &m.kw_precision);
    row("keyword recall", &m.kw_recall);
    row("keywords said by the ad (grounding)", &m.kw_grounded);
    row("requirement met/unmet accuracy (all pairs)", &m.req);
    row("requirement met/unmet, same language", &m.req_same_lang);
    row("requirement met/unmet, cross-language", &m.req_cross_lang);
    s.push_str(&format!(
        "| ads with requirement lines but zero requirements | {} | |\n",
        m.jobs_without_requirements.len()
    ));
    s
}

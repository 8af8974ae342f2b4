//! Every fixture person × every fixture job × both output languages: the offline plan
//! applies with no rejection, the result is truthful and the contact details are intact.

use engine::cv::{EditOp, apply, plan, untraceable_facts};
use engine::{ParsedResume, SectionKind};

use crate::common::{job, job_files, resume, resume_files};

pub fn people() -> Vec<(String, ParsedResume)> {
    resume_files()
        .into_iter()
        .map(|f| {
            let (_, p) = resume(&f);
            (f, p)
        })
        .collect()
}

#[test]
fn fixture_plans_apply_cleanly_and_truthfully() {
    for (rf, cv) in people() {
        for jf in job_files() {
            let j = job(&jf);
            for lang in ["en", "ar"] {
                let (p, gaps) = plan(&cv, &j, lang, None);
                assert!(gaps.is_empty(), "{rf} × {jf}: {gaps:?}");
                assert_eq!(plan(&cv, &j, lang, None).0, p, "deterministic");
                assert!(!p.changes.is_empty(), "{rf} × {jf}: empty plan");
                let (t, report) = apply(&cv, &p);
                assert!(
                    report.rejected.is_empty(),
                    "{rf} × {jf} ({lang}): {:#?}",
                    report.rejected
                );
                assert_eq!(report.applied.len(), p.changes.len());
                let bad = untraceable_facts(&cv, &t);
                assert!(bad.is_empty(), "{rf} × {jf} ({lang}): {bad:?}");
                assert_eq!(t.resume.contact, cv.contact, "{rf}: contact changed");
                assert_eq!(
                    t.resume.experience.len(),
                    cv.experience.len(),
                    "{rf} × {jf}"
                );
                for (a, b) in t.resume.experience.iter().zip(&cv.experience) {
                    assert_eq!((&a.company, &a.title), (&b.company, &b.title));
                    assert!(a.bullets.len() <= 6 && a.bullets.len() <= b.bullets.len().max(1));
                }
                let mut skills = t.resume.skills.clone();
                let mut src = cv.skills.clone();
                skills.sort();
                src.sort();
                assert_eq!(skills, src, "{rf}: skills are reordered, never dropped");
                assert_eq!(t.section_order.first(), Some(&SectionKind::Summary));
                for c in &p.changes {
                    assert!(!c.reason.is_empty());
                    if let Some(r) = &c.requirement {
                        assert!(
                            j.must_have
                                .iter()
                                .chain(&j.nice_to_have)
                                .chain(&j.responsibilities)
                                .any(|x| x == r),
                            "requirement not verbatim: {r}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn the_job_comes_first_for_maya() {
    let (_, cv) = resume("resumes/en_backend_maya_lindqvist.md");
    let j = job("jobs/en_backend_engineer_ledgerline.txt");
    let (p, _) = plan(&cv, &j, "en", None);
    let (t, _) = apply(&cv, &p);
    assert_eq!(t.resume.skills[0], "Rust");
    let summary = t.resume.summary.clone().unwrap();
    assert!(summary.starts_with("Senior Backend Engineer"), "{summary}");
    assert!(
        summary.contains("Rust") && summary.contains("Parcelwise Logistics"),
        "{summary}"
    );
    let headline = t.resume.headline.clone().unwrap();
    assert!(headline.contains("Rust"), "{headline}");
    // Kafka/PostgreSQL/Rust bullets lead the current role
    let first = &t.resume.experience[0].bullets[0];
    assert!(first.contains("Rust") || first.contains("Kafka"), "{first}");
    let skills_plan = p
        .changes
        .iter()
        .find(|c| c.op == EditOp::OrderSkills)
        .unwrap();
    assert!(skills_plan.requirement.is_some());
    println!("{}", serde_json::to_string_pretty(&p).unwrap());
}

#[test]
fn arabic_output_has_an_arabic_summary() {
    for f in [
        "resumes/ar_accountant_sara_almansouri.txt",
        "resumes/bilingual_network_engineer_yousef_alzoubi.txt",
    ] {
        let (_, cv) = resume(f);
        let j = job("jobs/ar_senior_accountant_alrayyan.txt");
        let (p, _) = plan(&cv, &j, "ar", None);
        let (t, r) = apply(&cv, &p);
        assert!(r.rejected.is_empty());
        let s = t.resume.summary.unwrap();
        let arabic = s
            .chars()
            .filter(|c| ('\u{0600}'..='\u{06FF}').contains(c))
            .count();
        assert!(
            arabic * 2 > s.chars().filter(|c| c.is_alphabetic()).count(),
            "{s}"
        );
        assert!(s.contains(&cv.experience[0].company), "{s}");
        println!("{f}: {s}\nheadline: {:?}", t.resume.headline);
    }
    let (_, sara) = resume("resumes/ar_accountant_sara_almansouri.txt");
    let (p, _) = plan(
        &sara,
        &job("jobs/ar_senior_accountant_alrayyan.txt"),
        "ar",
        None,
    );
    let (t, _) = apply(&sara, &p);
    assert!(t.resume.summary.unwrap().contains("IFRS"));
}

#[test]
fn english_cv_in_arabic_gets_an_arabic_opening_line() {
    let (_, cv) = resume("resumes/en_backend_maya_lindqvist.md");
    let (p, _) = plan(
        &cv,
        &job("jobs/en_backend_engineer_ledgerline.txt"),
        "ar",
        None,
    );
    let (t, r) = apply(&cv, &p);
    assert!(r.rejected.is_empty());
    let s = t.resume.summary.unwrap();
    assert!(s.contains("بخبرة عملية منذ عام 2016"), "{s}");
}

#[test]
fn unsupported_instructions_become_gaps() {
    let (_, cv) = resume("resumes/en_data_analyst_hannah_castellanos.txt");
    let j = job("jobs/en_backend_engineer_ledgerline.txt");
    let (p, gaps) = plan(&cv, &j, "en", Some("Add Kubernetes. Highlight Tableau"));
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert!(gaps[0].contains("Kubernetes"));
    let (t, r) = apply(&cv, &p);
    assert!(r.rejected.is_empty());
    let json = serde_json::to_string(&t).unwrap().to_lowercase();
    assert!(!json.contains("kubernetes"));
    let plan_json = serde_json::to_string(&p).unwrap().to_lowercase();
    assert!(!plan_json.contains("kubernetes"), "{plan_json}");
    assert_eq!(t.resume.skills[0], "Tableau", "emphasised skill first");

    // the one-call form carries the gaps in the report
    let (_, t2, r2) = engine::cv::tailor(&cv, &j, "en", Some("Add Kubernetes. Highlight Tableau"));
    assert_eq!(r2.gaps, gaps);
    assert_eq!(t2, t);

    // Arabic instruction and output
    let (_, sara) = resume("resumes/ar_accountant_sara_almansouri.txt");
    let (_, gaps) = plan(
        &sara,
        &job("jobs/ar_senior_accountant_alrayyan.txt"),
        "ar",
        Some("أضف Oracle Financials"),
    );
    assert!(gaps.iter().any(|g| g.contains("Oracle")), "{gaps:?}");
}

#[test]
fn remove_and_one_page_instructions() {
    let (_, cv) = resume("resumes/en_backend_maya_lindqvist.md");
    let j = job("jobs/en_backend_engineer_ledgerline.txt");
    let (p, gaps) = plan(
        &cv,
        &j,
        "en",
        Some("Keep it to one page; don't mention Python"),
    );
    assert!(gaps.is_empty(), "{gaps:?}");
    let (t, r) = apply(&cv, &p);
    assert!(r.rejected.is_empty(), "{:#?}", r.rejected);
    assert!(t.resume.experience.iter().all(|e| e.bullets.len() <= 3));
    assert!(!t.resume.skills.iter().any(|s| s == "Python"));
    assert!(!t.resume.summary.clone().unwrap().contains("Python"));
    assert!(untraceable_facts(&cv, &t).is_empty());
}

/// `cargo test -p engine --test cv_engine print_plans -- --ignored --nocapture`: every
/// fixture plan and tailored summary, for reading.
#[test]
#[ignore]
fn print_plans() {
    for (rf, cv) in people() {
        for jf in job_files() {
            let j = job(&jf);
            for lang in ["en", "ar"] {
                let (p, t, r) = engine::cv::tailor(&cv, &j, lang, None);
                println!("=== {rf} × {jf} ({lang})");
                for c in &p.changes {
                    println!(
                        "- {:?} {} {:?} {:?}\n    reason: {}\n    requirement: {:?}",
                        c.op, c.target, c.order, c.text, c.reason, c.requirement
                    );
                }
                println!(
                    "sections: {:?}; rejected: {}",
                    t.section_order,
                    r.rejected.len()
                );
            }
        }
    }
}

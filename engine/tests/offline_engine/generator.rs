//! The optimised resume: reordering, instructions, languages, verifier round trip.

use crate::common::{analysis_for, job_files, resume_files};

const MAYA: &str = "resumes/en_backend_maya_lindqvist.md";
const SARA: &str = "resumes/ar_accountant_sara_almansouri.txt";
const BACKEND: &str = "jobs/en_backend_engineer_ledgerline.txt";
const ACCOUNTANT: &str = "jobs/ar_senior_accountant_alrayyan.txt";

fn optimise(
    resume: &str,
    job: &str,
    lang: &str,
    instr: Option<&str>,
) -> (engine::ParsedResume, String, engine::Optimized) {
    let (text, p, j, a) = analysis_for(resume, job);
    let o = engine::generate_optimized(&p, &text, &j, &a, lang, instr);
    (p, text, o)
}

fn section<'a>(md: &'a str, heading: &str) -> &'a str {
    let start = md
        .find(&format!("## {heading}\n"))
        .unwrap_or_else(|| panic!("no section {heading}"));
    let rest = &md[start + heading.len() + 4..];
    rest.find("\n## ").map_or(rest, |e| &rest[..e])
}

#[test]
fn output_of_every_pair_passes_the_verifier_unchanged() {
    for rel in resume_files() {
        for j in job_files() {
            for lang in ["en", "ar"] {
                let (p, text, o) = optimise(&rel, &j, lang, None);
                let (cleaned, warnings) = engine::verify(&o.markdown, &p, &text);
                assert!(
                    warnings.is_empty(),
                    "{rel} × {j} ({lang}): {warnings:?}\n{}",
                    o.markdown
                );
                assert_eq!(cleaned, o.markdown, "{rel} × {j} ({lang})");
                assert!(
                    !o.warnings
                        .iter()
                        .any(|w| w.contains("not found in the source")
                            || w.contains("غير موجود في السيرة الأصلية"))
                );
                for e in &p.experience {
                    assert!(
                        o.markdown.contains(&e.company),
                        "{rel}: company {} dropped",
                        e.company
                    );
                    assert!(
                        o.markdown.contains(&e.title),
                        "{rel}: title {} dropped",
                        e.title
                    );
                }
                for e in &p.education {
                    assert!(
                        o.markdown.contains(&e.institution),
                        "{rel}: education dropped"
                    );
                }
                assert!(!o.markdown.contains('<'), "{rel}: raw HTML");
                // deterministic
                let (_, _, again) = optimise(&rel, &j, lang, None);
                assert_eq!(again, o);
            }
        }
    }
}

#[test]
fn maya_for_backend_job_is_reordered_with_change_log() {
    let (p, _, o) = optimise(MAYA, BACKEND, "en", None);
    let skills = section(&o.markdown, "Skills");
    assert!(
        skills
            .trim_start()
            .starts_with("Rust, PostgreSQL, Apache Kafka"),
        "{skills}"
    );
    let summary = section(&o.markdown, "Summary");
    assert!(
        summary.trim_start().starts_with("Senior Backend Engineer"),
        "{summary}"
    );
    assert!(summary.contains(p.summary.as_deref().unwrap()));
    assert!(
        o.change_log
            .iter()
            .any(|c| c.section == "Skills" && !c.reason.is_empty())
    );
    assert!(o.change_log.iter().any(|c| c.section == "Summary"));
    // every bullet of every role is kept
    for e in &p.experience {
        for b in &e.bullets {
            assert!(o.markdown.contains(b.as_str()));
        }
    }
    // roles stay in their original order
    let pos: Vec<usize> = p
        .experience
        .iter()
        .map(|e| o.markdown.find(&format!("— {}", e.company)).unwrap())
        .collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]));
    // nothing the job wants but she lacks is added
    for lacking in ["Terraform", "GraphQL", "Temporal", "PCI DSS"] {
        assert!(!o.markdown.contains(lacking), "{lacking} added");
    }
    assert!(o.warnings.is_empty(), "{:?}", o.warnings);
}

#[test]
fn one_page_keeps_every_role() {
    let (p, _, o) = optimise(MAYA, BACKEND, "en", Some("Please keep it to one page"));
    let exp = section(&o.markdown, "Experience");
    for part in exp.split("### ").skip(1) {
        assert!(
            part.lines().filter(|l| l.starts_with("- ")).count() <= 3,
            "{part}"
        );
    }
    for e in &p.experience {
        assert!(o.markdown.contains(&e.company));
    }
    assert!(o.change_log.iter().any(|c| c.reason.contains("one page")));
}

#[test]
fn emphasise_leadership_moves_leadership_bullets_first() {
    let (_, _, o) = optimise(MAYA, BACKEND, "en", Some("Emphasise leadership"));
    let exp = section(&o.markdown, "Experience");
    let first_bullet = exp.lines().find(|l| l.starts_with("- ")).unwrap();
    assert!(
        first_bullet.starts_with("- Led ") || first_bullet.starts_with("- Mentored "),
        "{first_bullet}"
    );
    let (_, _, o) = optimise(SARA, ACCOUNTANT, "ar", Some("ركز على القيادة"));
    let exp = section(&o.markdown, "الخبرة العملية");
    let first_bullet = exp.lines().find(|l| l.starts_with("- ")).unwrap();
    assert!(first_bullet.contains("الإشراف"), "{first_bullet}");
}

#[test]
fn dont_mention_a_skill_and_unknown_instructions() {
    let (_, _, o) = optimise(
        MAYA,
        BACKEND,
        "en",
        Some("Don't mention Python. Make it sparkle!"),
    );
    assert!(!o.markdown.contains("Python"), "{}", o.markdown);
    assert!(o.change_log.iter().any(|c| c.reason.contains("Python")));
    assert!(
        o.warnings.iter().any(|w| w.contains("Make it sparkle")),
        "{:?}",
        o.warnings
    );
    let (_, _, o) = optimise(MAYA, BACKEND, "en", Some("remove COBOL"));
    assert!(
        o.warnings
            .iter()
            .any(|w| w.contains("COBOL") && w.contains("not in the resume"))
    );
    let (_, _, o) = optimise(MAYA, BACKEND, "en", Some("highlight Terraform"));
    assert!(!o.markdown.contains("Terraform"));
    assert!(o.warnings.iter().any(|w| w.contains("Terraform")));
}

#[test]
fn output_language_differs_from_resume_language() {
    let (p, _, o) = optimise(SARA, ACCOUNTANT, "en", None);
    for h in ["## Summary", "## Experience", "## Education", "## Skills"] {
        assert!(o.markdown.contains(h), "{h}");
    }
    // her own content is kept as written, not translated
    assert!(o.markdown.contains(&p.experience[0].bullets[0]));
    assert!(
        o.warnings.iter().any(|w| w.contains("cannot translate")),
        "{:?}",
        o.warnings
    );
    let (_, _, o) = optimise(MAYA, BACKEND, "ar", None);
    assert!(o.markdown.contains("## الخبرة العملية") && o.markdown.contains("## المهارات"));
    assert!(o.markdown.contains("Led the rewrite"));
    assert!(
        o.warnings.iter().any(|w| w.contains("لا يترجم")),
        "{:?}",
        o.warnings
    );
    let arabic_dates = o.markdown.contains("يناير 2021 – حتى الآن");
    assert!(arabic_dates, "{}", o.markdown);
}

#[test]
fn html_in_the_source_never_reaches_the_output() {
    let text = "Eve Example\neve@example.com\n\nExperience\nEngineer — Acme Inc\n2019 - 2021\n- Built <script>alert(1)</script> dashboards in Rust.\n- <img src=x onerror=alert(1)> Shipped [a link](javascript:alert(1)).\n\nSkills\nRust, Go";
    let p = engine::parse_resume(text, None);
    let j = engine::parse_job("Rust Engineer\n\nRequirements\n- Rust", None);
    let a = engine::analyze(&p, text, &j, &[]);
    let o = engine::generate_optimized(&p, text, &j, &a, "en", None);
    assert!(!o.markdown.contains('<'), "{}", o.markdown);
    assert!(!o.markdown.to_lowercase().contains("javascript:"));
    assert!(o.markdown.contains("Acme Inc"));
}

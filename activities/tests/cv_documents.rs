//! The tailored CV documents, read back the way a recruiter's applicant-tracking
//! system reads them: for each fixture person (English, Arabic, bilingual) the
//! generated PDF and DOCX go through the project's own extraction and parsing and
//! must yield the same name, e-mail, phone, employers, job count and top skills as
//! the source. Arabic PDFs are also read with poppler's `pdftotext` for logical order.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use activities::applications::cv_document;
use engine::{ParsedJob, ParsedResume};
use shared::Lang;
use std::{path::PathBuf, process::Command};

fn fixtures() -> PathBuf {
    std::env::var_os("FIXTURES_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(fixtures().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

struct Person {
    resume: &'static str,
    job: &'static str,
    lang: Lang,
}

const PEOPLE: &[Person] = &[
    Person {
        resume: "resumes/en_backend_maya_lindqvist.md",
        job: "jobs/en_backend_engineer_ledgerline.txt",
        lang: Lang::En,
    },
    Person {
        resume: "resumes/ar_accountant_sara_almansouri.txt",
        job: "jobs/ar_senior_accountant_alrayyan.txt",
        lang: Lang::Ar,
    },
    Person {
        // Arabic prose, English skills (the fixture manifest says `ar`).
        resume: "resumes/bilingual_network_engineer_yousef_alzoubi.txt",
        job: "jobs/en_backend_engineer_ledgerline.txt",
        lang: Lang::Ar,
    },
];

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

fn reparse(bytes: &[u8], lang: Lang) -> ParsedResume {
    let kind = text::sniff(bytes, None).expect("a known document kind");
    let raw = text::extract_text(bytes, kind).expect("extractable text");
    engine::parse_resume(&raw, Some(lang.as_str()))
}

fn pdftotext(pdf: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!("sr-cvdoc-{}.pdf", uuid::Uuid::new_v4().simple()));
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils; scripts/test installs it)");
    let _ = std::fs::remove_file(&path);
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn tailor(p: &Person) -> (ParsedResume, ParsedJob, engine::cv::TailoredCv) {
    let source = engine::parse_resume(&read(p.resume), Some(p.lang.as_str()));
    let job = engine::parse_job(&read(p.job), None);
    let (plan, _gaps) = engine::cv::plan(&source, &job, p.lang.as_str(), None);
    let (tailored, report) = engine::cv::apply(&source, &plan);
    assert!(
        report.rejected.is_empty(),
        "{}: the offline plan is valid: {:?}",
        p.resume,
        report.rejected
    );
    (source, job, tailored)
}

#[test]
fn generated_documents_read_back_like_the_source() {
    let renderer = render::Renderer::new().unwrap();
    for p in PEOPLE {
        let (source, job, tailored) = tailor(p);
        assert!(engine::cv::untraceable_facts(&source, &tailored).is_empty());
        let doc = cv_document(&tailored, &job, p.lang, None);
        let out = renderer.cv(&doc).unwrap();
        for (kind, bytes) in [("pdf", &out.pdf), ("docx", &out.docx)] {
            let back = reparse(bytes, p.lang);
            let what = format!("{} ({kind})", p.resume);
            assert_eq!(back.contact.name, source.contact.name, "{what}: name");
            assert_eq!(back.contact.email, source.contact.email, "{what}: e-mail");
            assert_eq!(
                back.contact.phone.as_deref().map(digits),
                source.contact.phone.as_deref().map(digits),
                "{what}: phone"
            );
            assert_eq!(
                back.experience.len(),
                source.experience.len(),
                "{what}: job count: {:?}",
                back.experience
            );
            let employers = |r: &ParsedResume| {
                let mut e: Vec<String> = r
                    .experience
                    .iter()
                    .map(|x| squash(&engine::fold(&x.company)))
                    .collect();
                e.sort();
                e
            };
            assert_eq!(employers(&back), employers(&source), "{what}: employers");
            // Top skills: the first five of the tailored CV all come back.
            let back_skills: Vec<String> = back.skills.iter().map(|s| engine::fold(s)).collect();
            for skill in tailored.resume.skills.iter().take(5) {
                assert!(
                    back_skills.contains(&engine::fold(skill)),
                    "{what}: skill {skill} lost; read back {:?}",
                    back.skills
                );
            }
        }
        if p.lang == Lang::Ar {
            // poppler reads the Arabic text layer in logical order.
            let text = squash(&pdftotext(&out.pdf));
            let name = source.contact.name.clone().unwrap();
            assert!(text.contains(&squash(&name)), "{name} not in:\n{text}");
            for e in &source.experience {
                // Each run of one script reads in logical order; poppler may move a
                // bracket that sits between an Arabic and a Latin run (bidi mirroring).
                for part in e.company.split(['(', ')']).map(str::trim) {
                    if !part.is_empty() {
                        assert!(text.contains(&squash(part)), "{part} not in:\n{text}");
                    }
                }
            }
        }
    }
}

#[test]
fn an_arabic_cv_asked_for_in_english_still_reads_back() {
    // English headings, Arabic content: the document keeps the content's direction.
    let renderer = render::Renderer::new().unwrap();
    let p = &PEOPLE[1];
    let (source, job, tailored) = tailor(p);
    let doc = cv_document(&tailored, &job, Lang::En, None);
    assert!(
        doc.sections[0].title.is_ascii(),
        "{:?}",
        doc.sections[0].title
    );
    let out = renderer.cv(&doc).unwrap();
    let back = reparse(&out.pdf, Lang::Ar);
    assert_eq!(back.contact.name, source.contact.name);
    assert_eq!(back.experience.len(), source.experience.len());
}

#[test]
fn cv_text_is_printed_as_data_never_as_markup() {
    let renderer = render::Renderer::new().unwrap();
    let p = &PEOPLE[0];
    let (mut source, job, _) = tailor(p);
    let tricky = "Cut costs by #1 priority *twice* for $5 @team [x](y) <b>";
    source.experience[0].bullets.insert(0, tricky.to_string());
    let tailored = engine::cv::TailoredCv {
        resume: source.clone(),
        section_order: Vec::new(),
    };
    let doc = cv_document(&tailored, &job, Lang::En, None);
    let out = renderer.cv(&doc).unwrap();
    let text = squash(&pdftotext(&out.pdf));
    assert!(text.contains(tricky), "printed literally:\n{text}");
}

#[test]
fn a_cv_without_a_name_or_bullets_still_renders() {
    let renderer = render::Renderer::new().unwrap();
    let (mut source, job, _) = tailor(&PEOPLE[0]);
    source.contact.name = None;
    for e in &mut source.experience {
        e.bullets.clear();
    }
    let tailored = engine::cv::TailoredCv {
        resume: source.clone(),
        section_order: Vec::new(),
    };
    for lang in [Lang::En, Lang::Ar] {
        let out = renderer
            .cv(&cv_document(&tailored, &job, lang, None))
            .unwrap();
        assert!(out.pdf.starts_with(b"%PDF-"));
    }
}

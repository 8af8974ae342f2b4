//! The parser on text extracted from the DOCX and PDF fixtures (tests/data).

use crate::common::{fold, manifest_facts};

fn check(data: &str, manifest_file: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(data);
    let text = std::fs::read_to_string(&path).unwrap();
    let facts = manifest_facts(manifest_file);
    let p = engine::parse_resume(&text, None);
    assert_eq!(
        fold(p.contact.name.as_deref().unwrap_or("")),
        fold(facts["name"].as_str().unwrap()),
        "{data}"
    );
    assert_eq!(
        p.contact.email.as_deref(),
        facts["email"].as_str(),
        "{data}"
    );
    assert_eq!(
        p.contact.phone.as_deref(),
        facts["phone"].as_str(),
        "{data}"
    );
    let companies: Vec<&str> = facts["companies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let got: Vec<&str> = p.experience.iter().map(|e| e.company.as_str()).collect();
    assert_eq!(got, companies, "{data}");
    let positions: Vec<&str> = facts["positions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let got: Vec<&str> = p.experience.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(got, positions, "{data}");
    for (e, d) in p
        .experience
        .iter()
        .zip(facts["job_dates"].as_array().unwrap())
    {
        assert_eq!(e.start.as_deref(), d[0].as_str(), "{data}");
        if d[1] == "present" {
            assert!(e.current, "{data}");
        } else {
            assert_eq!(e.end.as_deref(), d[1].as_str(), "{data}");
        }
        assert!(!e.bullets.is_empty(), "{data}");
    }
    let edu = facts["education"].as_str().unwrap();
    assert!(
        edu.contains(&p.education[0].institution),
        "{data}: {:?}",
        p.education
    );
    assert!(
        p.education[0]
            .end
            .as_deref()
            .is_some_and(|y| edu.contains(&y[..4])),
        "{data}: {:?}",
        p.education
    );
}

#[test]
fn docx_extraction_layout() {
    check(
        "en_backend_maya_lindqvist.docx.txt",
        "resumes/en_backend_maya_lindqvist.docx",
    );
    check(
        "ar_accountant_sara_almansouri.docx.txt",
        "resumes/ar_accountant_sara_almansouri.docx",
    );
}

#[test]
fn pdftotext_two_column_layouts() {
    check(
        "en_backend_maya_lindqvist.pdftotext.txt",
        "resumes/en_backend_maya_lindqvist.pdf",
    );
    check(
        "en_data_analyst_hannah_castellanos.pdftotext.txt",
        "resumes/en_data_analyst_hannah_castellanos.pdf",
    );
    check(
        "ar_accountant_sara_almansouri.pdftotext.txt",
        "resumes/ar_accountant_sara_almansouri.pdf",
    );
}

#[test]
fn extracted_layouts_through_the_whole_pipeline() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "txt") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let p = engine::parse_resume(&text, None);
        for job in crate::common::job_files() {
            let j = crate::common::job(&job);
            let a = engine::analyze(&p, &text, &j, &[]);
            for r in &a.report.requirements {
                for e in &r.evidence {
                    assert!(text.contains(&e.quote));
                }
            }
            let o = engine::generate_optimized(&p, &text, &j, &a, &p.lang, None);
            let (_, warnings) = engine::verify(&o.markdown, &p, &text);
            assert!(warnings.is_empty(), "{}: {warnings:?}", path.display());
            for e in &p.experience {
                assert!(o.markdown.contains(&e.company));
            }
        }
    }
}

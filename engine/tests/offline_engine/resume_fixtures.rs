//! Every TXT/MD resume fixture against the facts in manifest.json.

use crate::common::{fold, manifest_facts, resume, resume_files};

fn words(s: &str) -> Vec<String> {
    fold(s)
        .split(|c: char| !(c.is_alphanumeric() || c == '.'))
        .map(|w| w.trim_matches('.').to_string())
        .filter(|w| !w.is_empty())
        .collect()
}

#[test]
fn every_resume_fixture_matches_manifest() {
    for rel in resume_files() {
        let facts = manifest_facts(&rel);
        let (text, p) = resume(&rel);
        let ctx = |what: &str| format!("{rel}: {what}");

        assert_eq!(
            fold(p.contact.name.as_deref().unwrap_or("")),
            fold(facts["name"].as_str().unwrap()),
            "{}",
            ctx("name")
        );
        assert_eq!(
            p.contact.email.as_deref(),
            facts["email"].as_str(),
            "{}",
            ctx("email")
        );
        assert_eq!(
            p.contact.phone.as_deref(),
            facts["phone"].as_str(),
            "{}",
            ctx("phone")
        );
        if let Some(loc) = facts["location"].as_str() {
            assert_eq!(
                p.contact.location.as_deref(),
                Some(loc),
                "{}",
                ctx("location")
            );
        }
        if let Some(h) = facts["headline"].as_str() {
            assert_eq!(p.headline.as_deref(), Some(h), "{}", ctx("headline"));
        }

        let jobs = facts["jobs"].as_u64().unwrap() as usize;
        assert_eq!(
            p.experience.len(),
            jobs,
            "{}: {:#?}",
            ctx("number of jobs"),
            p.experience
        );
        let companies: Vec<&str> = facts["companies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        let got: Vec<&str> = p.experience.iter().map(|e| e.company.as_str()).collect();
        assert_eq!(got, companies, "{}", ctx("companies in order"));
        if let Some(pos) = facts["positions"].as_array() {
            let want: Vec<&str> = pos.iter().map(|x| x.as_str().unwrap()).collect();
            let got: Vec<&str> = p.experience.iter().map(|e| e.title.as_str()).collect();
            assert_eq!(got, want, "{}", ctx("positions"));
        }
        if let Some(dates) = facts["job_dates"].as_array() {
            for (e, d) in p.experience.iter().zip(dates) {
                let (start, end) = (d[0].as_str().unwrap(), d[1].as_str().unwrap());
                assert_eq!(e.start.as_deref(), Some(start), "{}", ctx("start date"));
                if end == "present" {
                    assert!(e.current && e.end.is_none(), "{}", ctx("current role"));
                } else {
                    assert_eq!(e.end.as_deref(), Some(end), "{}", ctx("end date"));
                    assert!(!e.current);
                }
            }
        }
        // years: "2016–present" → first start year and current last role
        let years = facts["years"].as_str().unwrap();
        let first_year = &years[..4];
        assert!(
            p.experience
                .last()
                .unwrap()
                .start
                .as_deref()
                .unwrap()
                .starts_with(first_year),
            "{}",
            ctx("first year")
        );
        if years.ends_with("present") {
            assert!(p.experience[0].current, "{}", ctx("current"));
        }

        // education: "DEGREE, INSTITUTION (YEAR)"
        let edu = facts["education"].as_str().unwrap();
        let (body, year) = edu.rsplit_once(" (").unwrap();
        let year = year.trim_end_matches(')');
        let cut = body.rfind(['،', ',']).unwrap();
        let sep_len = body[cut..].chars().next().unwrap().len_utf8();
        let (degree, institution) = (body[..cut].trim(), body[cut + sep_len..].trim());
        let e = p
            .education
            .first()
            .unwrap_or_else(|| panic!("{}", ctx("education missing")));
        assert_eq!(e.institution, institution, "{}", ctx("institution"));
        let got_words = words(&e.degree);
        for w in words(degree) {
            assert!(
                got_words.contains(&w),
                "{}: degree word {w:?} not in {:?}",
                rel,
                e.degree
            );
        }
        assert!(
            e.end.as_deref().unwrap_or("").starts_with(year),
            "{}",
            ctx("graduation year")
        );

        for s in facts["top_skills"].as_array().unwrap() {
            let s = s.as_str().unwrap();
            assert!(
                p.skills.iter().any(|x| x == s),
                "{}: skill {s:?} not in {:?}",
                rel,
                p.skills
            );
        }
        let want_lang = if rel.contains("/ar_") || rel.contains("bilingual") {
            "ar"
        } else {
            "en"
        };
        assert_eq!(p.lang, want_lang, "{}", ctx("language"));
        assert!(!text.is_empty());
    }
}

#[test]
fn markdown_of_fixtures_is_clean_and_localised() {
    for rel in resume_files() {
        let (_, p) = resume(&rel);
        let md = engine::resume_to_markdown(&p);
        assert!(md.starts_with("# "), "{rel}");
        assert!(!md.contains('<'), "{rel}: raw HTML");
        for e in &p.experience {
            assert!(
                md.contains(&format!("### {} — {}", e.title, e.company)),
                "{rel}: {}",
                e.company
            );
            for b in &e.bullets {
                assert!(md.contains(&format!("- {b}")), "{rel}");
            }
        }
        if p.lang == "ar" {
            for h in [
                "## الملخص",
                "## الخبرة العملية",
                "## التعليم",
                "## المهارات",
            ] {
                assert!(md.contains(h), "{rel}: {h}");
            }
        } else {
            for h in ["## Summary", "## Experience", "## Education", "## Skills"] {
                assert!(md.contains(h), "{rel}: {h}");
            }
        }
        // the markdown parses back to the same roles
        let again = engine::parse_resume(&md, Some(&p.lang));
        let a: Vec<(&str, &str)> = again
            .experience
            .iter()
            .map(|e| (e.title.as_str(), e.company.as_str()))
            .collect();
        let b: Vec<(&str, &str)> = p
            .experience
            .iter()
            .map(|e| (e.title.as_str(), e.company.as_str()))
            .collect();
        assert_eq!(a, b, "{rel}: round trip");
    }
}

#[test]
fn parsing_is_deterministic() {
    for rel in resume_files() {
        let (text, p) = resume(&rel);
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            serde_json::to_string(&engine::parse_resume(&text, None)).unwrap()
        );
    }
}

//! An independent check of the generator's truthfulness, deliberately NOT using the
//! verifier or the engine's dictionaries: its own simple extraction of years, entry
//! headers, skills and a fixed list of tool names from the job fixtures.

use crate::common::{analysis_for, job_files, manifest_facts, resume_files};

/// Tool/skill names that appear in the job fixtures.
const JOB_TOOLS: &[&str] = &[
    "Terraform",
    "GraphQL",
    "Temporal",
    "Cadence",
    "PCI DSS",
    "ISO 20022",
    "NACHA",
    "Tokio",
    "Axum",
    "BigQuery",
    "Looker",
    "Airflow",
    "PostGIS",
    "Kepler.gl",
    "H3",
    "ACLS",
    "BLS",
    "CMSRN",
    "BSN",
    "ADN",
    "Oracle Financials",
    "CMA",
    "FI/CO",
    "محاسبة التكاليف",
    "القوائم المالية الموحدة",
    "Kubernetes",
    "Docker",
    "Apache Kafka",
    "PostgreSQL",
    "Rust",
    "Python",
    "SQL",
    "Tableau",
    "Power BI",
    "dbt",
    "SAP",
    "Excel",
    "IFRS",
    "SOCPA",
    "ضريبة القيمة المضافة",
    "الزكاة",
    "R",
];

fn lc(s: &str) -> String {
    s.to_lowercase()
}

fn contains_word(hay: &str, needle: &str) -> bool {
    // whole-word, case-sensitive search for short names such as "R" or "BLS"
    let mut from = 0;
    while let Some(i) = hay[from..].find(needle) {
        let start = from + i;
        let end = start + needle.len();
        let before = hay[..start].chars().next_back();
        let after = hay[end..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        if boundary(before) && boundary(after) {
            return true;
        }
        from = end;
    }
    false
}

fn years(s: &str) -> Vec<String> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    for i in 0..b.len().saturating_sub(3) {
        let w = &b[i..i + 4];
        let digits = w.iter().all(u8::is_ascii_digit);
        let edge = (i == 0 || !b[i - 1].is_ascii_digit())
            && (i + 4 == b.len() || !b[i + 4].is_ascii_digit());
        if digits && edge && (w.starts_with(b"19") || w.starts_with(b"20")) {
            out.push(String::from_utf8_lossy(w).into_owned());
        }
    }
    out
}

#[test]
fn optimised_resume_contains_only_source_facts_and_every_company() {
    for rel in resume_files() {
        let companies: Vec<String> = manifest_facts(&rel)["companies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect();
        for j in job_files() {
            for lang in ["en", "ar"] {
                let (text, p, job, a) = analysis_for(&rel, &j);
                let md = engine::generate_optimized(&p, &text, &job, &a, lang, None).markdown;
                let ctx = format!("{rel} × {j} ({lang})");
                let src = lc(&text);

                for y in years(&md) {
                    assert!(text.contains(&y), "{ctx}: year {y} not in source");
                }
                for line in md.lines().filter(|l| l.starts_with("### ")) {
                    for part in line[4..].split(" — ") {
                        assert!(
                            src.contains(&lc(part.trim())),
                            "{ctx}: entry part {part:?} not in source"
                        );
                    }
                }
                let mut in_skills = false;
                for line in md.lines() {
                    if line.starts_with("## ") {
                        in_skills = line == "## Skills" || line == "## المهارات";
                        continue;
                    }
                    if in_skills && !line.trim().is_empty() {
                        for item in line.split([',', '،']) {
                            let item = item.trim();
                            assert!(
                                src.contains(&lc(item)),
                                "{ctx}: skill {item:?} not in source"
                            );
                        }
                    }
                }
                for tool in JOB_TOOLS {
                    if !contains_word(&text, tool) {
                        assert!(
                            !contains_word(&md, tool),
                            "{ctx}: {tool} is not in the resume but is in the output"
                        );
                    }
                }
                for c in &companies {
                    assert!(md.contains(c.as_str()), "{ctx}: company {c} missing");
                }
            }
        }
    }
}

//! Job fixtures against manifest facts.

use crate::common::{fold, job, job_files, manifest_facts};

/// Is a manifest skill fact ("Looker/Tableau/Power BI", "acute-care experience",
/// "Google BigQuery (she has Snowflake)") present in the keywords or the requirement lists?
fn found(j: &engine::ParsedJob, fact: &str) -> bool {
    let fact = fact.split(" (").next().unwrap_or(fact);
    let pool: Vec<String> = j
        .keywords
        .iter()
        .chain(&j.must_have)
        .chain(&j.nice_to_have)
        .map(|s| fold(s))
        .collect();
    let tokens: Vec<String> = pool
        .iter()
        .flat_map(|s| {
            s.split(|c: char| !c.is_alphanumeric())
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    fact.split('/').all(|part| {
        let f = fold(part.trim());
        // keywords are written as the ad writes them ("Registered Nurse license"); the
        // manifest may use another name of the same dictionary term ("RN license")
        let term = engine::terms::lookup(part.trim());
        j.keywords.iter().any(|k| fold(k).contains(&f))
            || term.is_some_and(|t| {
                j.keywords
                    .iter()
                    .any(|k| engine::terms::lookup(k) == Some(t))
            })
            || f.split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .all(|w| tokens.iter().any(|t| t == w))
    })
}

#[test]
fn every_job_fixture_matches_manifest() {
    for rel in job_files() {
        let facts = manifest_facts(&rel);
        let j = job(&rel);
        assert_eq!(j.title.as_deref(), facts["title"].as_str(), "{rel}: title");
        assert_eq!(
            j.company.as_deref(),
            facts["company"].as_str(),
            "{rel}: company"
        );
        assert!(
            !j.responsibilities.is_empty() && !j.must_have.is_empty() && !j.nice_to_have.is_empty(),
            "{rel}: sections"
        );
        let want_lang = if rel.contains("/ar_") { "ar" } else { "en" };
        assert_eq!(j.language, want_lang);
        for key in [
            "required_skills_met_by_maya",
            "missing_requirements_for_maya",
            "required_skills",
            "missing_requirements_for_sara",
            "missing_requirements_for_hannah",
            "required",
            "nice_to_have",
        ] {
            for s in facts[key].as_array().into_iter().flatten() {
                let s = s.as_str().unwrap();
                assert!(
                    found(&j, s),
                    "{rel}: {key} {s:?} not in keywords {:?} / requirements",
                    j.keywords
                );
            }
        }
        // keywords: no stop words, no case-insensitive duplicates
        let mut seen: Vec<String> = Vec::new();
        for k in &j.keywords {
            assert!(!seen.contains(&fold(k)), "{rel}: duplicate keyword {k}");
            seen.push(fold(k));
            assert!(
                !["the", "and", "with", "experience", "في", "من"].contains(&fold(k).as_str()),
                "{rel}: stop word {k}"
            );
        }
    }
}

#[test]
fn specific_job_facts() {
    let b = job("jobs/en_backend_engineer_ledgerline.txt");
    assert_eq!(b.seniority.as_deref(), Some("senior"));
    assert_eq!(
        b.location.as_deref(),
        Some("Remote (United States or Canada)")
    );
    assert_eq!(b.must_have.len(), 9);
    assert_eq!(b.nice_to_have.len(), 4);
    assert_eq!(b.responsibilities.len(), 7);
    for k in ["PCI DSS", "ISO 20022", "Terraform", "GraphQL", "Temporal"] {
        assert!(b.keywords.iter().any(|x| x == k), "{k}");
    }
    let a = job("jobs/ar_senior_accountant_alrayyan.txt");
    assert_eq!(a.seniority.as_deref(), Some("senior"));
    assert_eq!(a.location.as_deref(), Some("جدة، المملكة العربية السعودية"));
    // 8 listed requirements plus the header line "الخبرة المطلوبة: 5 سنوات على الأقل"
    // ("experience required: at least 5 years"), which is a requirement too
    assert_eq!(a.must_have.len(), 9);
    for k in [
        "IFRS",
        "SOCPA",
        "الزكاة",
        "ضريبة القيمة المضافة",
        "محاسبة التكاليف",
        "Oracle Financials",
    ] {
        assert!(a.keywords.iter().any(|x| x == k), "{k}: {:?}", a.keywords);
    }
    // a place name is not the Arabic language
    assert!(
        !a.keywords.iter().any(|x| x.contains("العربية")),
        "{:?}",
        a.keywords
    );
}

#[test]
fn other_ad_layouts() {
    let j = engine::parse_job(
        "## Backend Developer\n\n**Company:** Northwind GmbH\n\n### What we're looking for:\n* Java or Kotlin\n* Postgres\n\n### Bonus points\n* K8s\n",
        None,
    );
    assert_eq!(j.title.as_deref(), Some("Backend Developer"));
    assert_eq!(j.company.as_deref(), Some("Northwind GmbH"));
    assert_eq!(j.must_have, ["Java or Kotlin", "Postgres"]);
    assert_eq!(j.nice_to_have, ["K8s"]);
    // keywords are what the ad says (the dictionary still knows Postgres is PostgreSQL and
    // K8s is Kubernetes when matching a resume)
    assert_eq!(j.keywords, ["Java", "Kotlin", "Postgres", "K8s"]);

    let ar = engine::parse_job(
        "المسمى الوظيفي: مهندس بيانات مبتدئ\nالشركة: مجموعة الأفق\n\nالمؤهلات المطلوبة\n- خبرة في Python وSQL\n\nيفضل\n- معرفة بـ Apache Airflow",
        None,
    );
    assert_eq!(ar.title.as_deref(), Some("مهندس بيانات مبتدئ"));
    assert_eq!(ar.company.as_deref(), Some("مجموعة الأفق"));
    assert_eq!(ar.seniority.as_deref(), Some("junior"));
    assert_eq!(ar.language, "ar");
    assert_eq!(ar.keywords, ["Python", "SQL", "Apache Airflow"]);
}

#[test]
fn job_board_copy_paste() {
    let j = engine::parse_job(
        "About the job\nData Engineer\nNorthwind Traders · Berlin, Germany · 3 days ago\n\nJob description\nWe move data.\n\nQualifications\n- 3+ years with Python and Airflow\n- BigQuery or Snowflake\n",
        None,
    );
    assert_eq!(j.title.as_deref(), Some("Data Engineer"));
    assert_eq!(j.company.as_deref(), Some("Northwind Traders"));
    assert_eq!(
        j.must_have,
        ["3+ years with Python and Airflow", "BigQuery or Snowflake"]
    );
    // as the ad writes them (was the canonical "Apache Airflow", "Google BigQuery")
    assert_eq!(j.keywords, ["Python", "Airflow", "BigQuery", "Snowflake"]);
}

#[test]
fn company_from_about_section_and_arabic_seniority() {
    let j = engine::parse_job(
        "Backend Engineer\n\nAbout Fernwood\nFernwood builds tools for farmers.\n\nRequirements\n- Rust\n",
        None,
    );
    assert_eq!(j.company.as_deref(), Some("Fernwood"));
    let j = engine::parse_job("محاسب كبير\nمؤسسة الواحة\n\nالمؤهلات\n- خبرة في SAP", None);
    assert_eq!(j.company.as_deref(), Some("مؤسسة الواحة"));
    assert_eq!(j.seniority.as_deref(), Some("senior"));
    assert_eq!(j.must_have, ["خبرة في SAP"]);
}

//! Layout variants beyond the fixtures.

use engine::{SectionKind, parse_resume};

/// (company, title, start, end, current)
type Role<'a> = (&'a str, &'a str, Option<&'a str>, Option<&'a str>, bool);

const CAPS_WORK_HISTORY: &str = "JOHN O'REILLY
Platform Engineer
john.oreilly@example.com | +44 20 7946 0958 | linkedin.com/in/johnoreilly

SUMMARY
Platform engineer with 8 years of experience in Kubernetes and Terraform.

WORK HISTORY
Acme Cloud Ltd — Dublin
Senior Platform Engineer | 03/2019 - Present
- Led the migration of 40 services to Kubernetes.
- Built Terraform modules used by 12 teams.
Platform Engineer | 06/2016 - 02/2019
- Ran the on-call rotation for 3 data centres.

Contoso Retail
DevOps Intern, Jun 2015 – Aug 2015 (part-time)
- Wrote Bash scripts for nightly backups.

EDUCATION
B.Sc. in Software Engineering, Trinity College Dublin, 2016

SKILLS:
Kubernetes • Terraform • AWS • Bash | Python; Go
";

#[test]
fn all_caps_headings_work_history_and_two_roles_at_one_company() {
    let p = parse_resume(CAPS_WORK_HISTORY, None);
    assert_eq!(p.contact.name.as_deref(), Some("JOHN O'REILLY"));
    assert_eq!(p.contact.phone.as_deref(), Some("+44 20 7946 0958"));
    assert_eq!(p.contact.links, ["linkedin.com/in/johnoreilly"]);
    assert_eq!(p.headline.as_deref(), Some("Platform Engineer"));
    let got: Vec<Role> = p
        .experience
        .iter()
        .map(|e| {
            (
                e.company.as_str(),
                e.title.as_str(),
                e.start.as_deref(),
                e.end.as_deref(),
                e.current,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "Acme Cloud Ltd",
                "Senior Platform Engineer",
                Some("2019-03"),
                None,
                true
            ),
            (
                "Acme Cloud Ltd",
                "Platform Engineer",
                Some("2016-06"),
                Some("2019-02"),
                false
            ),
            (
                "Contoso Retail",
                "DevOps Intern (part-time)",
                Some("2015-06"),
                Some("2015-08"),
                false
            ),
        ]
    );
    assert_eq!(p.experience[0].location.as_deref(), Some("Dublin"));
    assert_eq!(p.experience[0].bullets.len(), 2);
    assert_eq!(p.education[0].institution, "Trinity College Dublin");
    assert_eq!(p.education[0].degree, "B.Sc. in Software Engineering");
    assert_eq!(
        p.education[0].field.as_deref(),
        Some("Software Engineering")
    );
    assert_eq!(p.education[0].end.as_deref(), Some("2016"));
    assert_eq!(
        p.skills,
        ["Kubernetes", "Terraform", "AWS", "Bash", "Python", "Go"]
    );
    assert!(
        p.summary
            .as_deref()
            .unwrap()
            .starts_with("Platform engineer with 8 years")
    );
}

#[test]
fn arabic_month_names_levantine_and_standard() {
    let text = "أحمد علي الخطيب
مطور برمجيات
ahmad.ali@example.com | +971 50 123 4567

الخبرة المهنية
مطور أول — شركة الندى للبرمجيات — دبي
كانون الثاني 2020 – حتى الآن
• تطوير واجهات برمجية باستخدام Python وDjango.
مطور — مؤسسة الريف الرقمية — عمّان
أيلول 2017 – كانون الأول 2019
• صيانة قواعد بيانات PostgreSQL.
محلل نظم متدرب — بنك الأمل
يونيو 2016 – أغسطس 2016

المؤهلات العلمية
بكالوريوس علوم الحاسوب — الجامعة الأردنية — 2017

المهارات التقنية
Python، Django، PostgreSQL، Docker
";
    let p = parse_resume(text, None);
    assert_eq!(p.lang, "ar");
    assert_eq!(p.contact.name.as_deref(), Some("أحمد علي الخطيب"));
    let got: Vec<Role> = p
        .experience
        .iter()
        .map(|e| {
            (
                e.company.as_str(),
                e.title.as_str(),
                e.start.as_deref(),
                e.end.as_deref(),
                e.current,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "شركة الندى للبرمجيات",
                "مطور أول",
                Some("2020-01"),
                None,
                true
            ),
            (
                "مؤسسة الريف الرقمية",
                "مطور",
                Some("2017-09"),
                Some("2019-12"),
                false
            ),
            (
                "بنك الأمل",
                "محلل نظم متدرب",
                Some("2016-06"),
                Some("2016-08"),
                false
            ),
        ]
    );
    assert_eq!(p.education[0].institution, "الجامعة الأردنية");
    assert_eq!(p.education[0].end.as_deref(), Some("2017"));
    assert_eq!(p.skills, ["Python", "Django", "PostgreSQL", "Docker"]);
}

#[test]
fn markdown_title_comma_company_and_numeric_dates() {
    let text = "# Li Wei

li.wei@example.com · +86 138 0013 8000

## Professional Experience

### Data Engineer, Nimbus Analytics
2018-06 to 2020-12
- Built Airflow DAGs for 30 pipelines.

### Analyst, Nimbus Analytics
06/2016 - 05/2018
- Wrote SQL reports.

## Academic Background
### MSc Data Science — University of Leeds
2015 – 2016

## Core Competencies
- SQL, Apache Airflow, A/B testing, Power BI
";
    let p = parse_resume(text, None);
    let got: Vec<(&str, &str, Option<&str>, Option<&str>)> = p
        .experience
        .iter()
        .map(|e| {
            (
                e.title.as_str(),
                e.company.as_str(),
                e.start.as_deref(),
                e.end.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "Data Engineer",
                "Nimbus Analytics",
                Some("2018-06"),
                Some("2020-12")
            ),
            (
                "Analyst",
                "Nimbus Analytics",
                Some("2016-06"),
                Some("2018-05")
            ),
        ]
    );
    assert_eq!(p.education[0].degree, "MSc Data Science");
    assert_eq!(p.education[0].institution, "University of Leeds");
    assert_eq!(
        p.skills,
        ["SQL", "Apache Airflow", "A/B testing", "Power BI"]
    );
}

#[test]
fn no_headings_at_all_goes_to_other_and_still_finds_contact() {
    let text = "Jane Roe\njane.roe@example.com\n+1 (415) 555-0101\nI have built web apps with React and Node.js since 2015 for three startups.";
    let p = parse_resume(text, None);
    assert_eq!(p.contact.email.as_deref(), Some("jane.roe@example.com"));
    assert_eq!(p.contact.phone.as_deref(), Some("+1 (415) 555-0101"));
    assert_eq!(p.contact.name.as_deref(), Some("Jane Roe"));
    assert_eq!(p.sections.len(), 1);
    assert_eq!(p.sections[0].kind, SectionKind::Other);
    assert!(p.experience.is_empty());
    let md = engine::resume_to_markdown(&p);
    assert!(md.contains("React and Node.js"));
}

#[test]
fn crlf_bom_and_empty_inputs_do_not_break_parsing() {
    let text = "\u{feff}Maria José Ortega\r\nmaria@example.es\r\n\r\nExperience\r\nDeveloper — Acme Inc\r\n2019 - 2021\r\n- Built things.\r\n";
    let p = parse_resume(text, None);
    assert_eq!(p.contact.name.as_deref(), Some("Maria José Ortega"));
    assert_eq!(p.experience.len(), 1);
    assert_eq!(p.experience[0].company, "Acme Inc");
    assert_eq!(p.experience[0].bullets, ["Built things."]);
    for empty in ["", "   ", "\u{a0}\u{3000}", "\n\n"] {
        let p = parse_resume(empty, None);
        assert!(p.experience.is_empty() && p.contact.email.is_none());
    }
}

#[test]
fn hint_overrides_detection() {
    let p = parse_resume("Name\nExperience\nEngineer — X\n2020 - 2021", Some("ar"));
    assert_eq!(p.lang, "ar");
    let p = parse_resume("سارة\nالخبرات\nمحاسبة — شركة س\n2020 - 2021", Some("bogus"));
    assert_eq!(p.lang, "ar");
}

#[test]
fn page_footers_and_letter_spaced_headings_from_pdfs() {
    let text = "Tom Baker\ntom@example.com\n\nW O R K  E X P E R I E N C E\nSenior Analyst — Fernwood Bank\n2019 – Present\n- Built the credit-risk dashboard.\nPage 1 of 2\n- Automated the monthly close report.\n\nS K I L L S\nSQL, Excel\n2 / 2\n";
    let p = parse_resume(text, None);
    assert_eq!(p.experience.len(), 1);
    assert_eq!(p.experience[0].bullets.len(), 2);
    assert_eq!(p.skills, ["SQL", "Excel"]);
}

//! Crafted plans that try to inject facts or break the CV are rejected with reasons, and the
//! independent check catches hand edits the editor never saw.

use engine::cv::{EditOp, EditPlan, PlannedChange, TailoredCv, apply, untraceable_facts};

use crate::common::resume;

fn ch(op: EditOp, target: &str, order: &[&str], text: Option<&str>) -> PlannedChange {
    PlannedChange {
        op,
        target: target.into(),
        order: order.iter().map(|s| s.to_string()).collect(),
        text: text.map(str::to_string),
        reason: "crafted".into(),
        requirement: None,
    }
}

/// Each change alone must be rejected, with a reason that names the problem.
fn assert_rejected(cv: &engine::ParsedResume, cases: &[(PlannedChange, &str)]) {
    for (c, needle) in cases {
        let (t, r) = apply(
            cv,
            &EditPlan {
                changes: vec![c.clone()],
            },
        );
        assert!(r.applied.is_empty(), "applied: {c:#?}");
        assert_eq!(r.rejected.len(), 1);
        let reason = &r.rejected[0].reason;
        assert!(
            reason.to_lowercase().contains(&needle.to_lowercase()),
            "reason for {:?} {:?} should mention {needle:?}: {reason}",
            c.op,
            c.text
        );
        assert_eq!(t.resume.contact, cv.contact);
        assert!(untraceable_facts(cv, &t).is_empty());
    }
}

#[test]
fn injections_into_an_english_cv_are_rejected() {
    let (_, cv) = resume("resumes/en_data_analyst_hannah_castellanos.txt");
    let b = "experience/1/bullets/1";
    let orig = &cv.experience[1].bullets[1];
    assert!(
        orig.starts_with("Replaced 40 manual Excel reports"),
        "{orig}"
    );
    let cases = [
        (
            ch(
                EditOp::RephraseBullet,
                b,
                &[],
                Some("Replaced 40 manual Excel reports with Power BI dashboards on Kubernetes."),
            ),
            "Kubernetes",
        ),
        (
            ch(
                EditOp::RephraseBullet,
                b,
                &[],
                Some(
                    "Replaced 40 manual Excel reports with Power BI dashboards while consulting for Google.",
                ),
            ),
            "Google",
        ),
        (
            ch(
                EditOp::RephraseBullet,
                b,
                &[],
                Some("Replaced 40 manual Excel reports with Power BI dashboards in 2031."),
            ),
            "2031",
        ),
        // "40" is in the CV, "40%" is not
        (
            ch(
                EditOp::RephraseBullet,
                b,
                &[],
                Some(
                    "Replaced manual Excel reports with Power BI dashboards, saving 40% of analyst time.",
                ),
            ),
            "40%",
        ),
        (
            ch(
                EditOp::RephraseBullet,
                b,
                &[],
                Some("Replaced 40 manual Excel reports with Power BI dashboards during my PhD."),
            ),
            "phd",
        ),
        (
            ch(
                EditOp::RephraseBullet,
                b,
                &[],
                Some(
                    "Replaced 40 manual Excel reports with Power BI dashboards as a PMP certified lead.",
                ),
            ),
            "PMP",
        ),
        (
            ch(
                EditOp::RephraseBullet,
                b,
                &[],
                Some(
                    "Replaced 40 manual Excel reports with Power BI dashboards as Head of Analytics.",
                ),
            ),
            "Head",
        ),
        (
            ch(
                EditOp::RephraseBullet,
                b,
                &[],
                Some("Replaced forty-five manual reports with dashboards, saving twenty hours."),
            ),
            "twenty",
        ),
        (
            ch(
                EditOp::WriteSummary,
                "summary",
                &[],
                Some("Data analyst with deep expertise in Kubernetes and Terraform."),
            ),
            "Kubernetes",
        ),
        (
            ch(
                EditOp::WriteHeadline,
                "headline",
                &[],
                Some("Senior Data Analyst, AWS Certified Solutions Architect"),
            ),
            "AWS",
        ),
        (ch(EditOp::HideItem, "contact/email", &[], None), "contact"),
        (ch(EditOp::HideItem, "contact/phone", &[], None), "contact"),
        (ch(EditOp::HideItem, "contact", &[], None), "contact"),
        (
            ch(EditOp::WriteHeadline, "contact/name", &[], Some("Hannah")),
            "contact",
        ),
        (ch(EditOp::HideItem, "experience", &[], None), "experience"),
        (
            ch(EditOp::HideItem, "experience/99", &[], None),
            "does not exist",
        ),
        (
            ch(
                EditOp::RephraseBullet,
                "experience/0/bullets/42",
                &[],
                Some("Own the dashboard."),
            ),
            "does not exist",
        ),
        (
            ch(
                EditOp::ReorderBullets,
                "experience/0",
                &["experience/0/bullets/1", "experience/1/bullets/0"],
                None,
            ),
            "not an entry",
        ),
        (
            ch(EditOp::ReorderEntries, "experience", &["0", "5"], None),
            "not an entry",
        ),
        (
            ch(EditOp::ReorderEntries, "experience", &["1", "1"], None),
            "twice",
        ),
        (
            ch(EditOp::OrderSkills, "skills", &["Kubernetes", "SQL"], None),
            "not an entry",
        ),
        (
            ch(EditOp::SelectBullets, "experience/0", &[], None),
            "at least one",
        ),
        (
            ch(
                EditOp::ReorderSections,
                "sections",
                &["contact", "summary"],
                None,
            ),
            "contact",
        ),
        (
            ch(EditOp::ReorderSections, "sections", &["hobbies"], None),
            "not a section",
        ),
        (
            ch(
                EditOp::RephraseBullet,
                "summary",
                &[],
                Some("Data analyst."),
            ),
            "cannot apply",
        ),
        (
            ch(EditOp::OrderSkills, "experience", &["0"], None),
            "cannot apply",
        ),
        (
            ch(EditOp::WriteSummary, "summary", &[], Some("   ")),
            "non-empty",
        ),
        (
            ch(EditOp::HideItem, "experience/0/bullets/x", &[], None),
            "not an index",
        ),
        (
            ch(EditOp::HideItem, "hobbies/1", &[], None),
            "unknown target",
        ),
    ];
    assert_rejected(&cv, &cases);

    // in one plan with valid changes: the valid ones apply, the crafted ones are reported
    let mut changes: Vec<PlannedChange> = cases.iter().map(|(c, _)| c.clone()).collect();
    changes.insert(0, ch(EditOp::OrderSkills, "skills", &["Tableau"], None));
    changes.push(ch(EditOp::HideItem, "experience/2", &[], None));
    let (t, r) = apply(&cv, &EditPlan { changes });
    assert_eq!(r.applied.len(), 2, "{:#?}", r.applied);
    assert_eq!(r.rejected.len(), cases.len());
    assert_eq!(t.resume.skills[0], "Tableau");
    assert_eq!(t.resume.experience.len(), 2);
    assert!(untraceable_facts(&cv, &t).is_empty());
}

#[test]
fn injections_into_an_arabic_cv_are_rejected() {
    let (_, cv) = resume("resumes/ar_accountant_sara_almansouri.txt");
    let b = "experience/0/bullets/2";
    let cases = [
        (
            ch(
                EditOp::RephraseBullet,
                b,
                &[],
                Some("إعداد إقرارات ضريبة القيمة المضافة والزكاة ومحاسبة التكاليف."),
            ),
            "not truthful",
        ),
        (
            ch(
                EditOp::RephraseBullet,
                b,
                &[],
                Some("إعداد إقرارات ضريبة القيمة المضافة لدى شركة أرامكو."),
            ),
            "ارامكو",
        ),
        (
            ch(
                EditOp::RephraseBullet,
                b,
                &[],
                Some("إعداد إقرارات ضريبة القيمة المضافة والزكاة منذ 2031."),
            ),
            "2031",
        ),
        (
            ch(
                EditOp::RephraseBullet,
                b,
                &[],
                Some("إعداد إقرارات ضريبة القيمة المضافة وخفض الغرامات 40%."),
            ),
            "40%",
        ),
        (
            ch(
                EditOp::WriteSummary,
                "summary",
                &[],
                Some("محاسبة قانونية حاصلة على الماجستير في المحاسبة."),
            ),
            "ماجستير",
        ),
        (
            ch(
                EditOp::WriteHeadline,
                "headline",
                &[],
                Some("محاسبة قانونية أولى CMA"),
            ),
            "CMA",
        ),
        (ch(EditOp::HideItem, "contact/phone", &[], None), "contact"),
    ];
    assert_rejected(&cv, &cases);
}

fn tailored(cv: &engine::ParsedResume) -> TailoredCv {
    apply(cv, &EditPlan::default()).0
}

#[test]
fn the_independent_check_sees_hand_edits() {
    let (_, cv) = resume("resumes/en_backend_maya_lindqvist.md");
    let t = tailored(&cv);
    assert!(untraceable_facts(&cv, &t).is_empty());
    assert_eq!(t.resume.experience, cv.experience);

    let mut x = t.clone();
    x.resume.experience[1].company = "Google".into();
    let f = untraceable_facts(&cv, &x).join(" | ");
    assert!(f.contains("employer \"Google\""), "{f}");

    let mut x = t.clone();
    x.resume.experience[0].bullets[2].push_str(" Saved 17% of cloud spend.");
    assert!(untraceable_facts(&cv, &x).join(" ").contains("17%"));

    let mut x = t.clone();
    x.resume.skills.push("Terraform".into());
    x.resume.summary = Some("Backend engineer fluent in GraphQL.".into());
    let f = untraceable_facts(&cv, &x).join(" | ");
    assert!(
        f.contains("skill \"Terraform\"") && f.contains("GraphQL"),
        "{f}"
    );

    let mut x = t.clone();
    x.resume.experience[0].title = "Staff Engineer".into();
    x.resume.experience[1].end = Some("2021-12".into());
    x.resume.education[0].degree = "M.S. in Computer Science".into();
    x.resume.certifications.push("CKA (2023)".into());
    x.resume.contact.email = Some("someone@else.com".into());
    let f = untraceable_facts(&cv, &x).join(" | ");
    for needle in [
        "title \"Staff Engineer\"",
        "2021-12",
        "degree",
        "CKA",
        "someone@else.com",
    ] {
        assert!(f.contains(needle), "{needle} missing in {f}");
    }

    // Arabic: a new employer and a new year in a bullet
    let (_, sara) = resume("resumes/ar_accountant_sara_almansouri.txt");
    let mut x = tailored(&sara);
    x.resume.experience[0].bullets[0] = "إعداد القوائم المالية لدى شركة أرامكو منذ 2031.".into();
    let f = untraceable_facts(&sara, &x).join(" | ");
    assert!(f.contains("ارامكو") && f.contains("2031"), "{f}");
}

//! Unit tests of the editor on a small hand-written CV (fixtures are in `engine/tests/cv_engine`).

use super::*;
use crate::types::{Contact, Education, Experience};

pub(crate) fn sample() -> ParsedResume {
    ParsedResume {
        lang: "en".into(),
        contact: Contact {
            name: Some("Ada Example".into()),
            email: Some("ada@example.com".into()),
            phone: Some("+1 555 0100".into()),
            location: Some("Lisbon".into()),
            links: vec![],
        },
        headline: Some("Backend Engineer".into()),
        summary: Some("Backend engineer who builds reliable services in Rust.".into()),
        experience: vec![
            Experience {
                company: "Acme Freight".into(),
                title: "Backend Engineer".into(),
                location: None,
                start: Some("2020-01".into()),
                end: None,
                current: true,
                bullets: vec![
                    "Wrote billing jobs in Python.".into(),
                    "Built the tracking API in Rust with PostgreSQL, cutting latency by 30%."
                        .into(),
                    "Mentored two engineers.".into(),
                ],
            },
            Experience {
                company: "Bolt Labs".into(),
                title: "Developer".into(),
                location: None,
                start: Some("2017-03".into()),
                end: Some("2019-12".into()),
                current: false,
                bullets: vec!["Maintained a Django app used by 300 clinics.".into()],
            },
        ],
        education: vec![Education {
            institution: "Porto University".into(),
            degree: "B.Sc. in Informatics".into(),
            field: Some("Informatics".into()),
            start: None,
            end: Some("2016".into()),
        }],
        skills: vec![
            "Python".into(),
            "Rust".into(),
            "PostgreSQL".into(),
            "Django".into(),
        ],
        languages: vec!["English".into()],
        certifications: vec![],
        sections: vec![],
    }
}

pub(crate) fn job() -> ParsedJob {
    ParsedJob {
        title: Some("Rust Engineer".into()),
        company: Some("Ledger Co".into()),
        language: "en".into(),
        must_have: vec!["Production Rust and PostgreSQL.".into()],
        keywords: vec!["Rust".into(), "PostgreSQL".into()],
        ..Default::default()
    }
}

use crate::types::ParsedJob;

fn ch(op: EditOp, target: &str, order: &[&str], text: Option<&str>) -> PlannedChange {
    PlannedChange {
        op,
        target: target.into(),
        order: order.iter().map(|s| s.to_string()).collect(),
        text: text.map(str::to_string),
        reason: "test".into(),
        requirement: None,
    }
}

#[test]
fn plan_applies_cleanly_and_puts_the_job_first() {
    let cv = sample();
    let (p, gaps) = plan(&cv, &job(), "en", None);
    assert!(gaps.is_empty());
    let (t, r) = apply(&cv, &p);
    assert!(r.rejected.is_empty(), "{:#?}", r.rejected);
    assert!(
        untraceable_facts(&cv, &t).is_empty(),
        "{:?}",
        untraceable_facts(&cv, &t)
    );
    assert_eq!(
        t.resume.skills[..2],
        ["Rust".to_string(), "PostgreSQL".to_string()]
    );
    assert!(t.resume.experience[0].bullets[0].contains("tracking API"));
    let s = t.resume.summary.unwrap();
    assert!(s.contains("Rust") && s.contains("Acme Freight"), "{s}");
    assert_eq!(t.resume.contact, cv.contact);
}

#[test]
fn editor_rejects_what_it_cannot_trace() {
    let cv = sample();
    let bad = [
        ch(
            EditOp::RephraseBullet,
            "experience/0/bullets/1",
            &[],
            Some("Built the tracking API in Rust on Kubernetes."),
        ),
        ch(
            EditOp::RephraseBullet,
            "experience/0/bullets/1",
            &[],
            Some("Built the tracking API at Google in Rust."),
        ),
        ch(
            EditOp::RephraseBullet,
            "experience/0/bullets/1",
            &[],
            Some("Built the tracking API in Rust in 2031."),
        ),
        ch(
            EditOp::RephraseBullet,
            "experience/0/bullets/1",
            &[],
            Some("Built the tracking API in Rust, cutting latency by 40%."),
        ),
        ch(
            EditOp::RephraseBullet,
            "experience/0/bullets/2",
            &[],
            Some("Mentored five engineers."),
        ),
        ch(
            EditOp::WriteHeadline,
            "headline",
            &[],
            Some("Backend Engineer, PhD"),
        ),
        ch(EditOp::HideItem, "contact/email", &[], None),
        ch(EditOp::HideItem, "experience/99", &[], None),
        ch(EditOp::ReorderBullets, "experience/0", &["2", "7"], None),
        ch(EditOp::ReorderBullets, "experience/0", &["1", "1"], None),
        ch(
            EditOp::WriteSummary,
            "summary",
            &[],
            Some("Rust engineer with deep Kubernetes and Terraform skills."),
        ),
        ch(
            EditOp::WriteSummary,
            "headline",
            &[],
            Some("Rust engineer."),
        ),
    ];
    let (t, r) = apply(
        &cv,
        &EditPlan {
            changes: bad.to_vec(),
        },
    );
    assert!(r.applied.is_empty(), "{:#?}", r.applied);
    assert_eq!(r.rejected.len(), bad.len());
    assert!(r.rejected.iter().all(|x| !x.reason.is_empty()));
    assert!(untraceable_facts(&cv, &t).is_empty());
}

#[test]
fn never_hides_all_experience() {
    let cv = sample();
    let p = EditPlan {
        changes: vec![
            ch(EditOp::HideItem, "experience/1", &[], None),
            ch(EditOp::HideItem, "experience/0", &[], None),
        ],
    };
    let (t, r) = apply(&cv, &p);
    assert_eq!(r.applied.len(), 1);
    assert_eq!(r.rejected.len(), 1);
    assert_eq!(t.resume.experience.len(), 1);
}

#[test]
fn paths_and_subset_orders() {
    let cv = sample();
    let p = EditPlan {
        changes: vec![
            ch(
                EditOp::ReorderBullets,
                "experience/0/bullets",
                &["experience/0/bullets/2"],
                None,
            ),
            ch(EditOp::OrderSkills, "skills", &["Django", "skills/1"], None),
            ch(EditOp::SelectBullets, "experience/0", &["1", "2"], None),
            ch(
                EditOp::ReorderSections,
                "sections",
                &["skills", "experience"],
                None,
            ),
        ],
    };
    let (t, r) = apply(&cv, &p);
    assert!(r.rejected.is_empty(), "{:#?}", r.rejected);
    assert_eq!(t.resume.skills, ["Django", "Rust", "Python", "PostgreSQL"]);
    assert_eq!(t.resume.experience[0].bullets.len(), 2);
    assert!(t.resume.experience[0].bullets[0].starts_with("Built"));
    assert_eq!(
        t.section_order,
        [
            SectionKind::Skills,
            SectionKind::Experience,
            SectionKind::Summary,
            SectionKind::Education,
            SectionKind::Languages
        ]
    );
}

#[test]
fn untraceable_sees_hand_edits() {
    let cv = sample();
    let (mut t, _) = apply(&cv, &EditPlan::default());
    assert!(untraceable_facts(&cv, &t).is_empty());
    t.resume.experience[0].company = "Google".into();
    t.resume.skills.push("Kubernetes".into());
    t.resume.experience[1].bullets[0] = "Maintained a Django app used by 900 clinics.".into();
    let f = untraceable_facts(&cv, &t).join(" | ");
    assert!(
        f.contains("Google") && f.contains("Kubernetes") && f.contains("900"),
        "{f}"
    );
}

#[test]
fn cover_letter_is_truthful() {
    let cv = sample();
    for lang in ["en", "ar"] {
        let l = cover_letter(&cv, &job(), lang);
        let all = format!("{} {}", l.greeting, l.paragraphs.join(" "));
        assert!(
            all.contains("Rust Engineer") && all.contains("Ledger Co"),
            "{all}"
        );
        assert_eq!(l.signature, "Ada Example");
        assert!(
            cover_letter_untraceable(&cv, &job(), &l).is_empty(),
            "{:?} {all}",
            cover_letter_untraceable(&cv, &job(), &l)
        );
    }
}

#[test]
fn schemas_are_objects() {
    assert!(edit_plan_schema()["properties"]["changes"].is_object());
    assert!(tailored_cv_schema_json().contains("section_order"));
}

#[test]
fn a_rephrased_bullet_keeps_to_its_role() {
    let cv = sample();
    // Rust and 30% are in the CV, but not in the Bolt Labs role
    let p = EditPlan {
        changes: vec![
            ch(
                EditOp::RephraseBullet,
                "experience/1/bullets/0",
                &[],
                Some("Maintained a Django app in Rust used by 300 clinics."),
            ),
            ch(
                EditOp::RephraseBullet,
                "experience/1/bullets/0",
                &[],
                Some("Maintained a Django app used by 300 clinics, cutting latency by 30%."),
            ),
            ch(
                EditOp::RephraseBullet,
                "experience/1/bullets/0",
                &[],
                Some("Maintained a Django app for 300 clinics."),
            ),
        ],
    };
    let (t, r) = apply(&cv, &p);
    assert_eq!(r.rejected.len(), 2, "{:#?}", r.rejected);
    assert!(r.rejected[0].reason.contains("Rust") && r.rejected[0].reason.contains("Bolt Labs"));
    assert!(r.rejected[1].reason.contains("30%"));
    assert_eq!(
        t.resume.experience[1].bullets[0],
        "Maintained a Django app for 300 clinics."
    );
}

#[test]
fn empty_inputs_do_not_panic() {
    let cv = ParsedResume::default();
    let j = ParsedJob::default();
    for lang in ["en", "ar"] {
        let (p, t, r) = tailor(&cv, &j, lang, Some("add Kubernetes"));
        assert!(r.rejected.is_empty(), "{p:#?}");
        assert_eq!(r.gaps.len(), 1);
        assert!(untraceable_facts(&cv, &t).is_empty());
        let l = cover_letter(&cv, &j, lang);
        assert!(cover_letter_untraceable(&cv, &j, &l).is_empty(), "{l:#?}");
    }
}

#[test]
fn long_roles_keep_six_bullets_and_old_irrelevant_roles_are_hidden() {
    let mut cv = sample();
    cv.experience[0].bullets = (1..=9)
        .map(|i| format!("Shipped release {i} of the Rust tracking service."))
        .collect();
    cv.experience[0]
        .bullets
        .push("Organised the team offsite.".into());
    let mut old = cv.experience[1].clone();
    old.company = "Candle Works".into();
    old.title = "Clerk".into();
    old.start = Some("1998".into());
    old.end = Some("2001".into());
    old.bullets = vec!["Filed invoices.".into()];
    cv.experience.push(old.clone());
    cv.experience.push(Experience {
        company: "Drum Co".into(),
        ..old
    });
    let (p, t, r) = tailor(&cv, &job(), "en", None);
    assert!(r.rejected.is_empty(), "{:#?}", r.rejected);
    assert_eq!(t.resume.experience[0].bullets.len(), 6);
    assert!(
        t.resume.experience[0]
            .bullets
            .iter()
            .all(|b| b.contains("Rust"))
    );
    // two old roles qualify; hiding stops once only two roles would be left
    let hidden: Vec<&str> = p
        .changes
        .iter()
        .filter(|c| c.op == EditOp::HideItem)
        .map(|c| c.target.as_str())
        .collect();
    assert_eq!(hidden, ["experience/2", "experience/3"][..hidden.len()]);
    assert!(t.resume.experience.len() >= 2);
    assert!(untraceable_facts(&cv, &t).is_empty());
}

#[test]
fn safe_rephrasing_of_messy_bullets() {
    let mut cv = sample();
    cv.experience[0].bullets[0] = "•   Wrote billing jobs   in Python ..".into();
    let (p, t, r) = tailor(&cv, &job(), "en", None);
    assert!(r.rejected.is_empty());
    assert!(p.changes.iter().any(|c| c.op == EditOp::RephraseBullet));
    assert!(
        t.resume.experience[0]
            .bullets
            .contains(&"Wrote billing jobs in Python.".to_string())
    );
}

#[test]
fn hidden_sections_leave_the_cv() {
    let cv = sample();
    let p = EditPlan {
        changes: vec![
            ch(EditOp::HideItem, "languages", &[], None),
            ch(EditOp::HideItem, "summary", &[], None),
            ch(EditOp::HideItem, "skills/0", &[], None),
        ],
    };
    let (t, r) = apply(&cv, &p);
    assert!(r.rejected.is_empty());
    assert!(t.resume.languages.is_empty() && t.resume.summary.is_none());
    assert!(!t.section_order.contains(&SectionKind::Languages));
    assert!(!t.section_order.contains(&SectionKind::Summary));
    assert_eq!(t.resume.skills, ["Rust", "PostgreSQL", "Django"]);
}

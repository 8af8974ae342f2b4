//! Randomised editor test: plans made of the CV's own ids (and some bad ones) and texts
//! drawn from other CVs never make `apply` panic, and its result is always truthful by the
//! independent check, with the contact details intact and some experience left.

use engine::ParsedResume;
use engine::cv::{EditOp, EditPlan, PlannedChange, apply, untraceable_facts};

use crate::fixtures::people;

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> Option<&'a T> {
        if v.is_empty() {
            None
        } else {
            v.get(self.below(v.len()))
        }
    }
}

const OPS: [EditOp; 9] = [
    EditOp::ReorderSections,
    EditOp::ReorderEntries,
    EditOp::ReorderBullets,
    EditOp::SelectBullets,
    EditOp::RephraseBullet,
    EditOp::WriteSummary,
    EditOp::WriteHeadline,
    EditOp::OrderSkills,
    EditOp::HideItem,
];

fn ids(cv: &ParsedResume) -> Vec<String> {
    let mut v: Vec<String> = [
        "sections",
        "summary",
        "headline",
        "skills",
        "experience",
        "education",
        "certifications",
        "languages",
        "projects",
        "other",
        "contact",
        "contact/email",
        "experience/99",
        "skills/-1",
        "",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for (i, e) in cv.experience.iter().enumerate() {
        v.push(format!("experience/{i}"));
        v.push(format!("experience/{i}/bullets"));
        for j in 0..=e.bullets.len() {
            v.push(format!("experience/{i}/bullets/{j}"));
        }
    }
    for (name, n) in [
        ("education", cv.education.len()),
        ("skills", cv.skills.len()),
        ("certifications", cv.certifications.len()),
        ("languages", cv.languages.len()),
    ] {
        for i in 0..=n {
            v.push(format!("{name}/{i}"));
        }
    }
    v
}

fn texts(all: &[(String, ParsedResume)], cv: &ParsedResume) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for (_, p) in all {
        v.extend(p.summary.clone());
        v.extend(p.headline.clone());
        for e in &p.experience {
            v.extend(e.bullets.iter().cloned());
            v.push(format!("{} at {}", e.title, e.company));
        }
        v.extend(p.skills.iter().cloned());
    }
    // the CV's own words: bullets (whole, cut short, in pieces), titles, summary sentences
    for e in &cv.experience {
        v.push(format!("{} at {}", e.title, e.company));
        v.push(e.title.clone());
        for b in &e.bullets {
            v.push(b.clone());
            v.push(b.split_whitespace().take(6).collect::<Vec<_>>().join(" "));
            v.push(b.split_whitespace().skip(3).collect::<Vec<_>>().join(" "));
            v.push(b.split([',', '،']).next().unwrap_or_default().to_string());
        }
    }
    if let Some(s) = &cv.summary {
        v.extend(s.split(". ").map(str::to_string));
    }
    v.extend(cv.skills.iter().map(|s| format!("Skilled in {s}")));
    v.extend(
        [
            "",
            "   ",
            "#*$@ <b>x</b>",
            "Built it in 2031 at Google with Kubernetes",
            "محاسبة التكاليف في شركة أرامكو",
        ]
        .map(String::from),
    );
    v
}

/// A target that fits `op` (an existing entry), so that many changes get past the shape
/// checks and reach the truthfulness checks.
fn fitting_target(rng: &mut Rng, op: EditOp, cv: &ParsedResume) -> String {
    let role = rng.below(cv.experience.len());
    let nb = cv.experience.get(role).map_or(0, |e| e.bullets.len());
    match op {
        EditOp::ReorderSections => "sections".into(),
        EditOp::ReorderEntries => rng
            .pick(&[
                "experience",
                "education",
                "skills",
                "certifications",
                "languages",
            ])
            .unwrap()
            .to_string(),
        EditOp::ReorderBullets | EditOp::SelectBullets => format!("experience/{role}"),
        EditOp::RephraseBullet => format!("experience/{role}/bullets/{}", rng.below(nb)),
        EditOp::WriteSummary => "summary".into(),
        EditOp::WriteHeadline => "headline".into(),
        EditOp::OrderSkills => "skills".into(),
        EditOp::HideItem => match rng.below(6) {
            0 => format!("experience/{role}"),
            1 => format!("experience/{role}/bullets/{}", rng.below(nb)),
            2 => format!("skills/{}", rng.below(cv.skills.len())),
            3 => "summary".into(),
            4 => "languages".into(),
            _ => "contact/name".into(),
        },
    }
}

fn order_for(rng: &mut Rng, target: &str, cv: &ParsedResume, ids: &[String]) -> Vec<String> {
    let n = rng.below(6);
    let mut out = Vec::new();
    for _ in 0..n {
        let r = rng.below(10);
        let item = if r < 3 {
            rng.pick(ids).cloned().unwrap_or_default()
        } else if r < 5 {
            rng.below(8).to_string()
        } else if r < 6 {
            rng.pick(&[
                "summary",
                "experience",
                "skills",
                "education",
                "contact",
                "projects",
            ])
            .unwrap()
            .to_string()
        } else if r < 7 {
            rng.pick(&cv.skills).cloned().unwrap_or_default()
        } else {
            format!("{target}/{}", rng.below(7))
        };
        out.push(item);
    }
    out
}

#[test]
fn random_plans_never_break_truthfulness() {
    let all = people();
    // CV_RANDOM_PLANS=5000 (plans per CV) and CV_RANDOM_SEED=… for a longer hunt
    let rounds: usize = std::env::var("CV_RANDOM_PLANS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(250);
    let seed: u64 = std::env::var("CV_RANDOM_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5EED_CAFE_F00D_1234);
    let mut rng = Rng(seed | 1);
    let mut applied = 0usize;
    let mut rejected = 0usize;
    let mut text_applied = 0usize;
    for (name, cv) in &all {
        let ids = ids(cv);
        let texts = texts(&all, cv);
        for _ in 0..rounds {
            let k = 1 + rng.below(10);
            let mut changes = Vec::new();
            for _ in 0..k {
                let op = *rng.pick(&OPS).unwrap();
                let target = if rng.below(10) < 6 {
                    fitting_target(&mut rng, op, cv)
                } else {
                    rng.pick(&ids).cloned().unwrap()
                };
                let order = order_for(&mut rng, &target, cv, &ids);
                let text = if rng.below(5) == 0 {
                    None
                } else {
                    let mut t = rng.pick(&texts).cloned().unwrap_or_default();
                    if rng.below(3) == 0 {
                        t = format!("{t} {}", rng.pick(&texts).cloned().unwrap_or_default());
                    }
                    Some(t)
                };
                changes.push(PlannedChange {
                    op,
                    target,
                    order,
                    text,
                    reason: "random".into(),
                    requirement: None,
                });
            }
            let plan = EditPlan { changes };
            let (t, report) = apply(cv, &plan);
            applied += report.applied.len();
            text_applied += report
                .applied
                .iter()
                .filter(|c| {
                    c.text.is_some()
                        && matches!(
                            c.op,
                            EditOp::RephraseBullet | EditOp::WriteSummary | EditOp::WriteHeadline
                        )
                })
                .count();
            rejected += report.rejected.len();
            assert_eq!(
                report.applied.len() + report.rejected.len(),
                plan.changes.len()
            );
            let bad = untraceable_facts(cv, &t);
            assert!(
                bad.is_empty(),
                "{name}: {bad:?}\nplan: {:#?}\napplied: {:#?}",
                plan,
                report.applied
            );
            assert_eq!(t.resume.contact, cv.contact, "{name}");
            if !cv.experience.is_empty() {
                assert!(
                    !t.resume.experience.is_empty(),
                    "{name}: all experience hidden"
                );
            }
            assert!(report.rejected.iter().all(|r| !r.reason.is_empty()));
        }
    }
    println!(
        "random plans: {applied} changes applied, {rejected} rejected, {text_applied} of them new text"
    );
    assert!(
        applied > 200 && rejected > 200 && text_applied > 100,
        "applied {applied}, rejected {rejected}"
    );
}

//! The truthfulness verifier on injected fabrications.

use crate::common::analysis_for;

const MAYA: &str = "resumes/en_backend_maya_lindqvist.md";
const SARA: &str = "resumes/ar_accountant_sara_almansouri.txt";

fn maya() -> (engine::ParsedResume, String, String) {
    let (text, p, j, a) = analysis_for(MAYA, "jobs/en_backend_engineer_ledgerline.txt");
    let o = engine::generate_optimized(&p, &text, &j, &a, "en", None);
    (p, text, o.markdown)
}

#[test]
fn fabricated_employer_entry_is_removed_with_its_bullets() {
    let (p, text, md) = maya();
    let fake = md.replace("## Education", "### Staff Engineer — Google\n\nJan 2023 – Present\n\n- Built the search ranking service.\n\n## Education");
    let (clean, warnings) = engine::verify(&fake, &p, &text);
    assert!(
        !clean.contains("Google") && !clean.contains("search ranking"),
        "{clean}"
    );
    assert!(
        warnings.iter().any(|w| w.contains("Google")),
        "{warnings:?}"
    );
    assert!(clean.contains("Parcelwise Logistics"));
}

#[test]
fn fabricated_skill_number_and_degree_are_removed() {
    let (p, text, md) = maya();
    let fake = md
        .replace("\nRust, PostgreSQL", "\nRust, Terraform, PostgreSQL")
        .replace("- Mentored four engineers", "- Cut cloud costs by 45% in one quarter.\n- Mentored four engineers")
        .replace("### B.S. in Computer Science", "### MBA — Harvard Business School\n\nSep 2019 – Jun 2021\n\n### B.S. in Computer Science")
        + "\nAlso holds a PhD in Physics.\n";
    let (clean, warnings) = engine::verify(&fake, &p, &text);
    assert!(!clean.contains("Terraform"), "skill kept");
    assert!(
        clean.contains("Rust, PostgreSQL"),
        "rest of the skills line kept"
    );
    assert!(!clean.contains("45%"), "number kept");
    assert!(
        !clean.contains("MBA") && !clean.contains("Harvard"),
        "degree kept"
    );
    assert!(!clean.contains("PhD"), "degree in prose kept");
    assert!(clean.contains("B.S. in Computer Science"));
    for what in ["Terraform", "45", "MBA", "PhD"] {
        assert!(
            warnings.iter().any(|w| w.contains(what)),
            "no warning for {what}: {warnings:?}"
        );
    }
}

#[test]
fn fabricated_summary_sentence_is_removed_but_true_ones_stay() {
    let (p, text, md) = maya();
    let fake = md.replacen(
        "## Summary\n\n",
        "## Summary\n\nFormer Netflix engineer and Kubernetes contributor. ",
        1,
    );
    let (clean, warnings) = engine::verify(&fake, &p, &text);
    assert!(!clean.contains("Netflix"));
    assert!(clean.contains("Backend engineer with 10 years of experience"));
    assert_eq!(warnings.len(), 1, "{warnings:?}");
}

#[test]
fn arabic_fabrications_are_removed() {
    let (text, p, j, a) = analysis_for(SARA, "jobs/ar_senior_accountant_alrayyan.txt");
    let md = engine::generate_optimized(&p, &text, &j, &a, "ar", None).markdown;
    let fake = md
        .replace("## التعليم", "### محاسبة أولى — شركة الفجر للاستثمار\n\n2014 – 2015\n\n- خبرة في محاسبة التكاليف.\n\n## التعليم")
        .replace("- تسجيل القيود اليومية", "- إعداد تقارير محاسبة التكاليف في المصانع.\n- تسجيل القيود اليومية");
    let (clean, warnings) = engine::verify(&fake, &p, &text);
    assert!(!clean.contains("الفجر"), "{clean}");
    assert!(!clean.contains("2014"));
    assert!(!clean.contains("محاسبة التكاليف"), "{clean}");
    assert!(warnings.len() >= 2, "{warnings:?}");
    assert!(clean.contains("شركة النخبة للمقاولات"));
}

#[test]
fn sanitises_html_images_and_script_links() {
    let (p, text, md) = maya();
    let fake = format!(
        "{md}\n<div onclick=\"x()\">Rust</div>\n![photo](https://x/y.png)\n[site](javascript:alert(1))\n<!-- hidden -->\n"
    );
    let (clean, warnings) = engine::verify(&fake, &p, &text);
    assert!(
        !clean.contains('<')
            && !clean.contains("![")
            && !clean.to_lowercase().contains("javascript:"),
        "{clean}"
    );
    assert!(warnings.iter().any(|w| w.contains("HTML")));
    assert!(warnings.iter().any(|w| w.contains("image")));
    assert!(warnings.iter().any(|w| w.contains("unsafe link")));
}

#[test]
fn llm_style_rephrasing_of_true_facts_passes() {
    let (p, text, _) = maya();
    let md = "# Maya Lindqvist\n\n## Experience\n\n### Senior Backend Engineer — Parcelwise Logistics\n\n2021 – Present\n\n- Spearheaded a Rust rewrite of the tracking API, reducing p99 latency from 420 ms to 85 ms.\n- Mentored four engineers.\n\n## Skills\n\nRust, Apache Kafka, PostgreSQL, Kubernetes\n";
    let (clean, warnings) = engine::verify(md, &p, &text);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(clean, md);
}

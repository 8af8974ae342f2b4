//! Arbitrary input never panics.

use proptest::prelude::*;

fn resume_like() -> impl Strategy<Value = String> {
    let pieces = prop::collection::vec(
        prop_oneof![
            Just("EXPERIENCE\n".to_string()),
            Just("## Skills\n".to_string()),
            Just("الخبرة العملية\n".to_string()),
            Just("- ".to_string()),
            Just("  • ".to_string()),
            Just(" — ".to_string()),
            Just(" | ".to_string()),
            Just("Jan 2021 – Present".to_string()),
            Just("كانون الثاني 2019 - حتى الآن".to_string()),
            Just("03/2019 - ".to_string()),
            Just("(".to_string()),
            Just(")".to_string()),
            Just("Rust, Go, SQL (Snowflake".to_string()),
            Just("a@b.co +1 555 0100 0000".to_string()),
            Just("\n".to_string()),
            Just("===\n".to_string()),
            Just("### ".to_string()),
            Just("٢٠٢٠".to_string()),
            Just("\u{200f}\u{0640}\u{064b}".to_string()),
            "[\\PC]{0,12}",
        ],
        0..40,
    );
    pieces.prop_map(|v| v.concat())
}

fn run_all(resume: &str, job: &str, instr: &str) {
    let p = engine::parse_resume(resume, None);
    let _ = engine::resume_to_markdown(&p);
    let j = engine::parse_job(job, None);
    let a = engine::analyze(&p, resume, &j, &[]);
    assert!(a.score <= 100);
    for lang in ["en", "ar"] {
        let o = engine::generate_optimized(&p, resume, &j, &a, lang, Some(instr));
        let _ = engine::verify(&o.markdown, &p, resume);
    }
    let _ = engine::verify(job, &p, resume);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48)))]

    #[test]
    fn arbitrary_strings_never_panic(resume in "\\PC{0,300}", job in "\\PC{0,300}", instr in "\\PC{0,40}") {
        run_all(&resume, &job, &instr);
    }

    #[test]
    fn resume_shaped_strings_never_panic(resume in resume_like(), job in resume_like(), instr in "(one page|remove [a-z]{1,5}|emphasise leadership|[\\PC]{0,10})") {
        run_all(&resume, &job, &instr);
    }
}

#[test]
fn fixture_texts_as_jobs_and_jobs_as_resumes() {
    for r in crate::common::resume_files() {
        for j in crate::common::job_files() {
            let (rt, jt) = (crate::common::read(&r), crate::common::read(&j));
            run_all(&jt, &rt, "one page");
        }
    }
}

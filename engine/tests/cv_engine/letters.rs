//! Cover letters for the fixture persons in English and Arabic.

use engine::cv::{cover_letter, cover_letter_untraceable};

use crate::common::{job, job_files, resume, resume_files};

#[test]
fn cover_letters_are_short_personal_and_truthful() {
    for rf in resume_files() {
        let (_, cv) = resume(&rf);
        for jf in job_files() {
            let j = job(&jf);
            for lang in ["en", "ar"] {
                let l = cover_letter(&cv, &j, lang);
                let body = format!("{}\n{}", l.greeting, l.paragraphs.join("\n"));
                assert!((2..=3).contains(&l.paragraphs.len()), "{body}");
                if let Some(t) = &j.title {
                    assert!(
                        body.contains(t.as_str()),
                        "{rf} × {jf}: title missing in {body}"
                    );
                }
                if let Some(c) = &j.company {
                    assert!(
                        body.contains(c.as_str()),
                        "{rf} × {jf}: company missing in {body}"
                    );
                }
                let name = cv.contact.name.clone().unwrap();
                assert_eq!(l.signature.to_lowercase(), name.to_lowercase());
                assert!(!l.closing.is_empty());
                let bad = cover_letter_untraceable(&cv, &j, &l);
                assert!(bad.is_empty(), "{rf} × {jf} ({lang}): {bad:?}\n{body}");
                if lang == "ar" {
                    let arabic = body
                        .chars()
                        .filter(|c| ('\u{0600}'..='\u{06FF}').contains(c))
                        .count();
                    assert!(arabic > 40, "{body}");
                }
            }
        }
    }
}

#[test]
fn sample_letters() {
    let (_, maya) = resume("resumes/en_backend_maya_lindqvist.md");
    let l = cover_letter(&maya, &job("jobs/en_backend_engineer_ledgerline.txt"), "en");
    assert!(l.greeting.contains("Ledgerline Payments"));
    assert!(l.paragraphs[0].contains("Senior Backend Engineer (Rust)"));
    assert!(l.paragraphs[1].contains("Parcelwise Logistics"));
    assert_eq!(l.signature, "Maya Lindqvist");
    println!(
        "{}\n\n{}\n\n{}\n{}\n",
        l.greeting,
        l.paragraphs.join("\n\n"),
        l.closing,
        l.signature
    );

    let (_, sara) = resume("resumes/ar_accountant_sara_almansouri.txt");
    let l = cover_letter(&sara, &job("jobs/ar_senior_accountant_alrayyan.txt"), "ar");
    assert!(
        l.paragraphs[0].contains("محاسب أول")
            && l.paragraphs[0].contains("شركة الريان للصناعات الغذائية")
    );
    assert_eq!(l.signature, "سارة خالد المنصوري");
    println!(
        "{}\n\n{}\n\n{}\n{}",
        l.greeting,
        l.paragraphs.join("\n\n"),
        l.closing,
        l.signature
    );

    let (_, hannah) = resume("resumes/en_data_analyst_hannah_castellanos.txt");
    let l = cover_letter(&hannah, &job("jobs/en_data_analyst_coastline.txt"), "en");
    assert_eq!(l.signature, "Hannah Castellanos");
}

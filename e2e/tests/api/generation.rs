//! GenerateApplication end to end, through the real router, worker, Temporal,
//! Postgres and blob storage: the tailored CV and cover letter as documents a
//! user downloads, regeneration with instructions, reuse of a job's posting, the
//! editor's report, deletion, and a cloud model that keeps answering garbage.

use crate::jobs::{create_job, resume_from_text, wait_job};
use e2e::{TestUser, cloud_stack, fixture_text, openai::Rule, stack};
use engine::cv::TailoredCv;
use serde_json::{Value, json};
use std::{process::Command, time::Duration};

/// Poll `GET /applications/{id}` until the latest generation is complete or failed.
pub async fn wait_generation(user: &TestUser, id: &str) -> Value {
    e2e::eventually(
        Duration::from_secs(180),
        "the CV generation to finish",
        || async {
            let d = user
                .get(&format!("/applications/{id}"))
                .await
                .expect(200)
                .clone();
            matches!(d["generation_status"].as_str(), Some("complete" | "failed")).then_some(d)
        },
    )
    .await
}

pub async fn create_application(user: &TestUser, body: Value) -> (String, Value) {
    let d = user
        .post_json("/applications", &body)
        .await
        .expect(202)
        .clone();
    let id = d["application"]["id"].as_str().unwrap().to_string();
    assert_eq!(
        d["workflow_id"],
        format!("generate-application-{id}"),
        "{d}"
    );
    (id, d)
}

async fn download(url: &str) -> Vec<u8> {
    let res = reqwest::get(url).await.unwrap();
    assert_eq!(res.status(), 200, "{url}");
    res.bytes().await.unwrap().to_vec()
}

/// What `pdftotext` (poppler) reads from a PDF: what an applicant-tracking system sees.
fn pdftotext(pdf: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!("sr-{}.pdf", uuid::Uuid::new_v4().simple()));
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by scripts/test");
    let _ = std::fs::remove_file(&path);
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// The same extraction and parsing an uploaded resume goes through.
fn reparse(bytes: &[u8], lang: &str) -> engine::ParsedResume {
    let kind = text::sniff(bytes, None).unwrap();
    let raw = text::extract_text(bytes, kind).unwrap();
    engine::parse_resume(&raw, Some(lang))
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

pub fn latest_cv(d: &Value) -> &Value {
    let cvs = d["cvs"].as_array().expect("cvs");
    cvs.iter()
        .max_by_key(|c| c["version_no"].as_i64())
        .expect("a CV version")
}

#[tokio::test]
async fn an_application_from_a_resume_gets_a_tailored_cv_and_cover_letter() {
    let user = stack().new_user().await;
    let resume = resume_from_text(&user, "resumes/en_backend_maya_lindqvist.md").await;
    let source: engine::ParsedResume = {
        let r = user
            .get(&format!("/resumes/{resume}"))
            .await
            .expect(200)
            .clone();
        serde_json::from_value(r["parsed_json"].clone()).unwrap()
    };
    let (id, created) = create_application(
        &user,
        json!({
            "resume_id": resume,
            "job_description": fixture_text("jobs/en_backend_engineer_ledgerline.txt"),
            "company": "Ledgerline",
        }),
    )
    .await;
    assert!(
        matches!(
            created["application"]["generation_status"].as_str(),
            Some("queued" | "processing")
        ),
        "{created}"
    );

    let d = wait_generation(&user, &id).await;
    assert_eq!(d["generation_status"], "complete", "{d}");
    assert!(d["generation_error"].is_null(), "{d}");
    assert_eq!(d["status"], "draft");
    // The offer was parsed into a structured row.
    let offer = &d["job_offer"];
    assert!(
        offer["title"].as_str().is_some_and(|t| !t.is_empty()),
        "{offer}"
    );
    assert_eq!(offer["company"], "Ledgerline");
    assert!(
        !offer["requirements"]["must"].as_array().unwrap().is_empty(),
        "{offer}"
    );

    let cv = latest_cv(&d);
    assert_eq!(cv["version_no"], 1);
    assert_eq!(cv["status"], "complete");
    assert_eq!(cv["lang"], "en");
    assert!(
        cv["edit_report"]["rejected"].as_array().unwrap().is_empty(),
        "{cv}"
    );
    assert!(
        !cv["planned_changes"]["changes"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // The published schema of the tailored CV is served, and the stored CV has its shape.
    let schema = stack().anonymous().get("/schemas/tailored_cv.json").await;
    assert_eq!(schema.status, 200);
    assert!(
        schema.body["properties"]["section_order"].is_object(),
        "{}",
        schema.text
    );
    assert!(cv["source_json"]["section_order"].is_array(), "{cv}");
    // Independent truthfulness check of the stored tailored CV.
    let tailored: TailoredCv = serde_json::from_value(cv["source_json"].clone()).unwrap();
    assert!(
        engine::cv::untraceable_facts(&source, &tailored).is_empty(),
        "{:?}",
        engine::cv::untraceable_facts(&source, &tailored)
    );

    // The PDF a user downloads is a real, text-selectable PDF an ATS can read back.
    let pdf = download(cv["pdf_url"].as_str().expect("pdf_url")).await;
    assert!(pdf.starts_with(b"%PDF-"));
    let text = pdftotext(&pdf);
    for must in [
        "Maya Lindqvist",
        "Parcelwise Logistics",
        "Brightloom",
        "maya.lindqvist@example.com",
    ] {
        assert!(
            text.contains(must),
            "{must} missing from the PDF text:\n{text}"
        );
    }
    let back = reparse(&pdf, "en");
    assert_eq!(back.contact.name.as_deref(), Some("Maya Lindqvist"));
    assert_eq!(back.contact.email, source.contact.email);
    assert_eq!(
        back.contact.phone.as_deref().map(digits),
        source.contact.phone.as_deref().map(digits)
    );
    assert_eq!(back.experience.len(), source.experience.len(), "{back:?}");

    let docx = download(cv["docx_url"].as_str().expect("docx_url")).await;
    assert!(docx.starts_with(b"PK"));
    let back = reparse(&docx, "en");
    assert_eq!(back.contact.name.as_deref(), Some("Maya Lindqvist"));
    assert_eq!(back.contact.email, source.contact.email);
    assert_eq!(back.experience.len(), source.experience.len(), "{back:?}");

    // The cover letter: stored text, in English, signed by the person, as documents.
    let letter = &cv["cover_letter"];
    let body = letter["body_text"].as_str().expect("cover letter text");
    assert!(body.contains("Maya Lindqvist"), "{body}");
    assert!(body.contains("Ledgerline"), "{body}");
    let letter_pdf = download(letter["pdf_url"].as_str().unwrap()).await;
    assert!(pdftotext(&letter_pdf).contains("Maya Lindqvist"));
    let letter_docx = download(letter["docx_url"].as_str().unwrap()).await;
    assert!(letter_docx.starts_with(b"PK"));

    // Progress reads as done once complete.
    assert!(
        d["progress"].is_null() || d["progress"]["step"] == "done",
        "{d}"
    );
}

#[tokio::test]
async fn an_arabic_application_from_an_inline_cv_renders_right_to_left() {
    let user = stack().new_user().await;
    let base = engine::parse_resume(
        &fixture_text("resumes/ar_accountant_sara_almansouri.txt"),
        Some("ar"),
    );
    let name = base.contact.name.clone().expect("the fixture has a name");
    let employers: Vec<String> = base.experience.iter().map(|e| e.company.clone()).collect();
    let (id, _) = create_application(
        &user,
        json!({
            "base_cv": base,
            "job_description": fixture_text("jobs/ar_senior_accountant_alrayyan.txt"),
            "output_lang": "ar",
        }),
    )
    .await;
    let d = wait_generation(&user, &id).await;
    assert_eq!(d["generation_status"], "complete", "{d}");
    assert!(d["resume_id"].is_null());
    let cv = latest_cv(&d);
    assert_eq!(cv["lang"], "ar");
    let tailored: TailoredCv = serde_json::from_value(cv["source_json"].clone()).unwrap();
    assert!(engine::cv::untraceable_facts(&base, &tailored).is_empty());

    // Logical order in the text layer: the name and employers read back as written.
    let pdf = download(cv["pdf_url"].as_str().unwrap()).await;
    let text = pdftotext(&pdf);
    assert!(text.contains(&name), "{name} not in:\n{text}");
    for employer in &employers {
        assert!(
            text.contains(employer.as_str()),
            "{employer} not in:\n{text}"
        );
    }
    let back = reparse(&pdf, "ar");
    assert_eq!(back.contact.name.as_deref(), Some(name.as_str()));
    assert_eq!(back.contact.email, base.contact.email);

    // Word: right-to-left paragraphs.
    let docx = download(cv["docx_url"].as_str().unwrap()).await;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx.clone())).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    assert!(xml.contains("<w:bidi"), "Arabic paragraphs are marked bidi");
    let back = reparse(&docx, "ar");
    assert_eq!(back.contact.name.as_deref(), Some(name.as_str()));

    let letter = cv["cover_letter"]["body_text"].as_str().unwrap();
    assert!(text::detect_lang(letter) == shared::Lang::Ar, "{letter}");
}

#[tokio::test]
async fn regenerating_adds_a_version_and_reports_unsupported_instructions_as_gaps() {
    let user = stack().new_user().await;
    let resume = resume_from_text(&user, "resumes/en_data_analyst_hannah_castellanos.txt").await;
    let (id, _) = create_application(
        &user,
        json!({
            "resume_id": resume,
            "job_description": fixture_text("jobs/en_data_analyst_coastline.txt"),
        }),
    )
    .await;
    let first = wait_generation(&user, &id).await;
    assert_eq!(first["generation_status"], "complete", "{first}");

    let again = user
        .post_json(
            &format!("/applications/{id}/cvs"),
            &json!({ "custom_instructions": "Add Kubernetes to my skills and put SQL first." }),
        )
        .await;
    let again = again.expect(202).clone();
    assert_eq!(
        again["workflow_id"],
        format!("generate-application-{id}-v2"),
        "{again}"
    );
    let d = wait_generation(&user, &id).await;
    assert_eq!(d["generation_status"], "complete", "{d}");
    let cvs = d["cvs"].as_array().unwrap();
    assert_eq!(cvs.len(), 2, "{d}");
    let v2 = latest_cv(&d);
    assert_eq!(v2["version_no"], 2);
    assert!(
        v2["custom_instructions"]
            .as_str()
            .unwrap()
            .contains("Kubernetes")
    );
    let gaps = v2["edit_report"]["gaps"].to_string();
    assert!(
        gaps.contains("Kubernetes"),
        "the unsupported request is a gap: {gaps}"
    );
    assert!(
        !v2["source_json"].to_string().contains("Kubernetes"),
        "Kubernetes must not get into the CV"
    );
    let v2_pdf = download(v2["pdf_url"].as_str().unwrap()).await;
    assert!(!pdftotext(&v2_pdf).contains("Kubernetes"));
    // Version 1 stays downloadable.
    let v1 = cvs.iter().find(|c| c["version_no"] == 1).unwrap();
    assert_eq!(v1["status"], "complete");
    assert!(
        download(v1["pdf_url"].as_str().unwrap())
            .await
            .starts_with(b"%PDF-")
    );
}

#[tokio::test]
async fn an_application_for_an_existing_job_reuses_its_parsed_posting() {
    let user = stack().new_user().await;
    let resume = resume_from_text(&user, "resumes/en_backend_maya_lindqvist.md").await;
    let job = create_job(
        &user,
        json!({ "resume_id": resume, "job_description": fixture_text("jobs/en_backend_engineer_ledgerline.txt") }),
    )
    .await;
    let job_id = job["id"].as_str().unwrap();
    let job = wait_job(&user, job_id).await;
    assert_eq!(job["status"], "complete", "{job}");
    let (id, _) = create_application(
        &user,
        json!({ "resume_id": resume, "job_id": job_id, "position": "Staff Backend Engineer" }),
    )
    .await;
    let d = wait_generation(&user, &id).await;
    assert_eq!(d["generation_status"], "complete", "{d}");
    assert_eq!(d["job_offer"]["title"], "Staff Backend Engineer");
    assert_eq!(d["job_id"], job_id);

    // Deleting the application removes its rows and its stored documents.
    let cv = latest_cv(&d).clone();
    let dir = stack()
        .blob_dir
        .join(format!("applications/{}/{id}", user.id));
    assert!(dir.join("v1/cv.pdf").exists(), "{}", dir.display());
    user.delete(&format!("/applications/{id}"))
        .await
        .expect(200);
    user.get(&format!("/applications/{id}"))
        .await
        .expect_error(404, "not_found");
    e2e::eventually(
        Duration::from_secs(30),
        "the documents to be deleted",
        || async { (!dir.join("v1/cv.pdf").exists()).then_some(()) },
    )
    .await;
    let res = reqwest::get(cv["pdf_url"].as_str().unwrap()).await.unwrap();
    assert_ne!(res.status(), 200, "a deleted CV no longer downloads");
}

#[tokio::test]
async fn the_cloud_plan_goes_through_the_cv_editor() {
    let stack = cloud_stack();
    let user = stack.new_user().await;
    let resume = resume_from_text(&user, "resumes/en_backend_maya_lindqvist.md").await;
    let (id, _) = create_application(
        &user,
        json!({ "resume_id": resume, "job_description": fixture_text("jobs/en_backend_engineer_ledgerline.txt") }),
    )
    .await;
    let d = wait_generation(&user, &id).await;
    assert_eq!(d["generation_status"], "complete", "{d}");
    let cv = latest_cv(&d);
    assert!(
        cv["engine"].as_str().unwrap().starts_with("openai:"),
        "{cv}"
    );
    assert!(
        cv["token_usage"]["total_tokens"].as_u64().unwrap() > 0,
        "{cv}"
    );
    // The fake model's invented achievement was rejected, with a reason, and is nowhere.
    let rejected = cv["edit_report"]["rejected"].as_array().unwrap();
    assert_eq!(rejected.len(), 1, "{cv}");
    assert!(!rejected[0]["reason"].as_str().unwrap().is_empty());
    assert!(
        !cv["source_json"]
            .to_string()
            .contains(e2e::openai::INVENTED)
    );
    let pdf = download(cv["pdf_url"].as_str().unwrap()).await;
    let text = pdftotext(&pdf);
    assert!(!text.contains("Google"), "{text}");
    // Stored in S3: the URL is a presigned one on the bucket.
    assert!(cv["pdf_url"].as_str().unwrap().contains("X-Amz-Signature="));
}

#[tokio::test]
async fn a_model_that_keeps_answering_garbage_fails_the_generation_with_a_reason() {
    let stack = cloud_stack();
    let openai = stack.openai.as_ref().unwrap();
    let user = stack.new_user().await;
    let marker = format!("Garbage-{}", uuid::Uuid::new_v4().simple());
    openai.fail_when(Rule {
        marker: marker.clone(),
        schema: "cv_edit_plan".into(),
        status: 200,
        headers: vec![],
        body: json!("{\"changes\": \"many\"}"),
        times: None,
    });
    let base = engine::parse_resume(
        &fixture_text("resumes/en_backend_maya_lindqvist.md"),
        Some("en"),
    );
    let (id, _) = create_application(
        &user,
        json!({
            "base_cv": base,
            "job_description": fixture_text("jobs/en_backend_engineer_ledgerline.txt"),
            "custom_instructions": format!("Keep it to one page ({marker})."),
        }),
    )
    .await;
    let d = wait_generation(&user, &id).await;
    assert_eq!(d["generation_status"], "failed", "{d}");
    let reason = d["generation_error"].as_str().unwrap();
    assert!(reason.contains("repair attempt"), "{reason}");
    let cv = latest_cv(&d);
    assert_eq!(cv["status"], "failed");
    assert_eq!(cv["error"], reason);
    assert!(cv["pdf_url"].is_null(), "nothing half-written: {cv}");
    assert!(cv["cover_letter"].is_null(), "{cv}");
    assert_eq!(openai.chat_requests("cv_edit_plan", &marker).len(), 2);
}

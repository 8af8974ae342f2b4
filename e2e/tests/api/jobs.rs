//! Jobs end to end: text and URL jobs, the analysis a job seeker gets, the
//! truthful optimised resume, refine and its 409, SSRF refusals, isolation,
//! validation.

use e2e::{TestUser, fixture, fixture_text, stack};
use serde_json::{Value, json};
use std::time::Duration;

pub async fn resume_from_text(user: &TestUser, fixture_path: &str) -> String {
    let c = user
        .create_text_resume("CV", &fixture_text(fixture_path))
        .await;
    let id = c["resume"]["id"].as_str().unwrap().to_string();
    user.wait_parsed(&id).await;
    id
}

pub async fn create_job(user: &TestUser, body: Value) -> Value {
    let r = user.post_json("/jobs", &body).await;
    r.expect(202).clone()
}

/// Poll `GET /jobs/{id}` until the job is complete or failed.
pub async fn wait_job(user: &TestUser, id: &str) -> Value {
    e2e::eventually(Duration::from_secs(120), "the job to finish", || async {
        let d = user.get(&format!("/jobs/{id}")).await.expect(200).clone();
        matches!(d["status"].as_str(), Some("complete" | "failed")).then_some(d)
    })
    .await
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[tokio::test]
async fn a_text_job_gives_a_useful_truthful_result() {
    let user = stack().new_user().await;
    let resume_text = fixture_text("resumes/en_backend_maya_lindqvist.md");
    let resume = resume_from_text(&user, "resumes/en_backend_maya_lindqvist.md").await;
    let job = create_job(
        &user,
        json!({ "resume_id": resume, "job_description": fixture_text("jobs/en_backend_engineer_ledgerline.txt") }),
    )
    .await;
    assert_eq!(job["status"], "queued");
    assert_eq!(job["resume_id"], resume);
    let id = job["id"].as_str().unwrap();
    assert_eq!(job["workflow_id"], format!("ingest-job-{id}"));

    let d = wait_job(&user, id).await;
    assert_eq!(d["status"], "complete", "{}", d["error"]);
    assert_eq!(d["title"], "Senior Backend Engineer (Rust)");
    assert_eq!(d["company"], "Ledgerline Payments");
    assert!(d["progress"].is_null());
    let r = &d["result"];
    assert_eq!(r["run_no"], 1);
    assert_eq!(r["job_id"], id);
    assert_eq!(r["resume_id"], resume);
    assert!(r["resume_version_id"].is_string());
    assert_eq!(r["detected_resume_lang"], "en");
    assert_eq!(r["detected_jd_lang"], "en");
    assert_eq!(r["output_lang"], "en");
    let score = r["score"].as_i64().unwrap();
    assert!((1..=100).contains(&score), "{score}");

    let report = &r["report"];
    assert!(report["summary"].as_str().unwrap().len() > 20);
    let missing = strings(&report["missing_keywords"]).join(" | ");
    let gaps = strings(&report["gaps"]).join(" | ");
    for m in ["Temporal", "Terraform", "PCI DSS", "GraphQL"] {
        assert!(
            missing.contains(m) || gaps.contains(m),
            "{m} not reported missing: {missing} / {gaps}"
        );
    }
    let matched = strings(&report["matched_keywords"]).join(" | ");
    for m in ["Rust", "PostgreSQL", "Kafka", "Docker", "Kubernetes", "AWS"] {
        assert!(matched.contains(m), "{m} not matched: {matched}");
    }
    // Every evidence quote really occurs in the resume.
    let resume_flat = squash(&resume_text);
    let reqs = report["requirements"].as_array().unwrap();
    assert!(reqs.iter().any(|r| r["met"] == true) && reqs.iter().any(|r| r["met"] == false));
    for req in reqs {
        for ev in req["evidence"].as_array().unwrap() {
            let quote = squash(ev["quote"].as_str().unwrap());
            assert!(resume_flat.contains(&quote), "invented quote {quote:?}");
            assert!(ev["chunk_id"].is_string() && ev["score"].is_number());
        }
        if req["met"] == true {
            assert!(
                !req["evidence"].as_array().unwrap().is_empty(),
                "met without evidence: {req}"
            );
        }
    }
    assert!(!strings(&report["suggestions"]).is_empty());
    assert!(!strings(&report["strengths"]).is_empty());

    // The optimised resume: every employer kept, nothing the person lacks added.
    let md = r["preview_md"].as_str().unwrap();
    for company in ["Parcelwise Logistics", "Brightloom", "Quillstack Software"] {
        assert!(md.contains(company), "{company} dropped");
    }
    for invented in ["Terraform", "GraphQL", "PCI DSS", "Temporal"] {
        assert!(
            !md.contains(invented),
            "{invented} added to the resume:\n{md}"
        );
    }
    assert!(!md.contains('<'), "raw HTML in preview: {md}");
    let log = r["change_log"].as_array().unwrap();
    assert!(!log.is_empty());
    for c in log {
        for k in ["section", "before", "after", "reason"] {
            assert!(c[k].is_string(), "{k} missing in {c}");
        }
    }
    let matches = &r["matches"];
    assert!(matches["avg_score"].as_f64().unwrap() > 0.0);
    let items = matches["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items[0]["text"].is_string() && items[0]["chunk_id"].is_string());
}

#[tokio::test]
async fn the_matching_job_scores_far_above_the_unrelated_one() {
    let user = stack().new_user().await;
    let resume = resume_from_text(&user, "resumes/en_backend_maya_lindqvist.md").await;
    let backend = create_job(&user, json!({ "resume_id": resume, "job_description": fixture_text("jobs/en_backend_engineer_ledgerline.txt") })).await;
    let nurse = create_job(&user, json!({ "resume_id": resume, "job_description": fixture_text("jobs/en_registered_nurse_unrelated.txt") })).await;
    let b = wait_job(&user, backend["id"].as_str().unwrap()).await;
    let n = wait_job(&user, nurse["id"].as_str().unwrap()).await;
    let (bs, ns) = (
        b["result"]["score"].as_i64().unwrap(),
        n["result"]["score"].as_i64().unwrap(),
    );
    assert!(bs >= ns + 30, "backend {bs} vs nurse {ns}");
    assert!(ns < 25, "nurse job scored {ns}");
}

#[tokio::test]
async fn an_arabic_job_against_an_arabic_resume_answers_in_arabic() {
    let user = stack().new_user().await;
    let resume = resume_from_text(&user, "resumes/ar_accountant_sara_almansouri.txt").await;
    let job = create_job(&user, json!({ "resume_id": resume, "job_description": fixture_text("jobs/ar_senior_accountant_alrayyan.txt") })).await;
    let d = wait_job(&user, job["id"].as_str().unwrap()).await;
    assert_eq!(d["status"], "complete", "{}", d["error"]);
    let r = &d["result"];
    assert_eq!(r["detected_resume_lang"], "ar");
    assert_eq!(r["detected_jd_lang"], "ar");
    assert_eq!(r["output_lang"], "ar");
    let matched = strings(&r["report"]["matched_keywords"]).join(" | ");
    assert!(
        matched.contains("الزكاة") || matched.contains("ضريبة القيمة المضافة"),
        "{matched}"
    );
    let md = r["preview_md"].as_str().unwrap();
    let arabic = md
        .chars()
        .filter(|c| ('\u{0600}'..='\u{06FF}').contains(c))
        .count();
    let latin = md.chars().filter(char::is_ascii_alphabetic).count();
    assert!(arabic > latin, "preview is not Arabic: {md}");
    assert!(md.contains("سارة خالد المنصوري"));
    assert!(
        r["report"]["summary"]
            .as_str()
            .unwrap()
            .chars()
            .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
    );
}

#[tokio::test]
async fn a_different_output_language_is_handled_honestly() {
    let user = stack().new_user().await;
    let resume = resume_from_text(&user, "resumes/ar_accountant_sara_almansouri.txt").await;
    let job = create_job(
        &user,
        json!({ "resume_id": resume, "job_description": fixture_text("jobs/ar_senior_accountant_alrayyan.txt"), "desired_output_lang": "en" }),
    )
    .await;
    let d = wait_job(&user, job["id"].as_str().unwrap()).await;
    let r = &d["result"];
    assert_eq!(r["output_lang"], "en");
    // No machine translation offline: the person's content stays as written,
    // and the report says so.
    let warnings = strings(&r["report"]["warnings"]).join(" ");
    assert!(!warnings.is_empty(), "no warning about the language");
    assert!(
        r["preview_md"]
            .as_str()
            .unwrap()
            .contains("سارة خالد المنصوري")
    );
}

#[tokio::test]
async fn a_url_job_reads_the_posting_not_the_page_chrome() {
    let s = stack();
    let user = s.new_user().await;
    let resume = resume_from_text(&user, "resumes/en_backend_maya_lindqvist.md").await;
    let url = format!("{}/job.html", s.pages.base_url);
    let job = create_job(&user, json!({ "resume_id": resume, "job_url": url })).await;
    let d = wait_job(&user, job["id"].as_str().unwrap()).await;
    assert_eq!(d["status"], "complete", "{}", d["error"]);
    assert_eq!(d["title"], "Senior Backend Engineer (Rust)");
    assert_eq!(d["company"], "Ledgerline Payments");
    assert_eq!(d["job_url"], url);
    let text = d["job_description"].as_str().unwrap();
    let manifest: Value = serde_json::from_slice(&fixture("manifest.json")).unwrap();
    let entry = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"] == "jobs/en_backend_engineer_ledgerline.html")
        .unwrap()
        .clone();
    for bad in strings(&entry["facts"]["must_not_contain"]) {
        assert!(
            !text.contains(&bad),
            "page chrome {bad:?} in the description"
        );
    }
    assert!(text.contains("Requirements"));
    assert!(d["result"]["score"].as_i64().unwrap() > 20);
}

#[tokio::test]
async fn unsafe_or_unreadable_urls_fail_the_job_with_a_reason() {
    let s = stack();
    let user = s.new_user().await;
    let resume = resume_from_text(&user, "resumes/en_data_analyst_hannah_castellanos.txt").await;
    let cases = [
        "http://10.0.0.1/job".to_string(),
        "http://169.254.169.254/latest/meta-data/".to_string(),
        "http://localhost:8080/admin".to_string(),
        "http://[::1]/job".to_string(),
        "http://192.168.1.10/job".to_string(),
        "http://metadata.google.internal/computeMetadata/v1/".to_string(),
        format!("{}/redirect-to-private", s.pages.base_url),
        format!("{}/image.png", s.pages.base_url),
        format!("{}/missing", s.pages.base_url),
    ];
    let mut ids = Vec::new();
    for url in &cases {
        let job = create_job(&user, json!({ "resume_id": resume, "job_url": url })).await;
        ids.push((url.clone(), job["id"].as_str().unwrap().to_string()));
    }
    for (url, id) in ids {
        let d = wait_job(&user, &id).await;
        assert_eq!(d["status"], "failed", "{url} was fetched");
        let err = d["error"].as_str().unwrap();
        assert!(
            err.starts_with("could not read the job page"),
            "{url}: {err}"
        );
        assert!(d["result"].is_null());
    }
}

#[tokio::test]
async fn a_plain_text_page_works_too() {
    let s = stack();
    let user = s.new_user().await;
    let resume = resume_from_text(&user, "resumes/en_data_analyst_hannah_castellanos.txt").await;
    let job = create_job(
        &user,
        json!({ "resume_id": resume, "job_url": format!("{}/plain.txt", s.pages.base_url) }),
    )
    .await;
    let d = wait_job(&user, job["id"].as_str().unwrap()).await;
    assert_eq!(d["status"], "complete", "{}", d["error"]);
    assert_eq!(d["title"], "Data Analyst, Rider Growth");
    let missing = strings(&d["result"]["report"]["missing_keywords"]).join(" ");
    assert!(missing.contains("BigQuery"), "{missing}");
}

#[tokio::test]
async fn refine_starts_a_new_run_and_conflicts_while_one_runs() {
    let user = stack().new_user().await;
    let resume = resume_from_text(&user, "resumes/en_backend_maya_lindqvist.md").await;
    let job = create_job(&user, json!({ "resume_id": resume, "job_description": fixture_text("jobs/en_backend_engineer_ledgerline.txt") })).await;
    let id = job["id"].as_str().unwrap().to_string();
    // Still running: refine is a conflict.
    user.post_json(&format!("/jobs/{id}/refine"), &json!({}))
        .await
        .expect_error(409, "conflict");
    wait_job(&user, &id).await;

    let r = user
        .post_json(
            &format!("/jobs/{id}/refine"),
            &json!({ "custom_instructions": "Keep it to one page and emphasise leadership" }),
        )
        .await;
    let d = r.expect(202);
    assert_eq!(d["run_count"], 2);
    assert_eq!(d["workflow_id"], format!("optimize-job-{id}-2"));
    assert_eq!(d["status"], "processing");
    // A second refine right away: one run at a time.
    user.post_json(&format!("/jobs/{id}/refine"), &json!({}))
        .await
        .expect_error(409, "conflict");

    let done = wait_job(&user, &id).await;
    assert_eq!(done["status"], "complete", "{}", done["error"]);
    assert_eq!(done["result"]["run_no"], 2);
    assert_eq!(
        done["result"]["custom_instructions"],
        "Keep it to one page and emphasise leadership"
    );
    let runs = user.get(&format!("/jobs/{id}/optimizations")).await;
    let runs = runs.expect(200).as_array().unwrap().clone();
    assert_eq!(
        runs.iter()
            .map(|r| r["run_no"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        vec![2, 1]
    );
    assert!(runs.iter().all(|r| r["status"] == "complete"));
    // Refine with an empty body and a bad language.
    user.post_json(
        &format!("/jobs/{id}/refine"),
        &json!({ "desired_output_lang": "de" }),
    )
    .await
    .expect_error(422, "validation_failed");
    let r = e2e::TestUser::send(user.request(reqwest::Method::POST, &format!("/jobs/{id}/refine")))
        .await;
    r.expect(202);
    wait_job(&user, &id).await;
}

#[tokio::test]
async fn progress_is_visible_while_the_job_waits_for_its_resume() {
    let user = stack().new_user().await;
    // A PDF takes a moment to parse; the job is created before that is done.
    let up = user
        .upload(fixture("resumes/en_backend_maya_lindqvist.pdf"), "maya.pdf")
        .await;
    let resume = up.expect(202)["resume"]["id"].as_str().unwrap().to_string();
    let job = create_job(&user, json!({ "resume_id": resume, "job_description": fixture_text("jobs/en_backend_engineer_ledgerline.txt") })).await;
    let id = job["id"].as_str().unwrap().to_string();
    let mut seen = Vec::new();
    let started = std::time::Instant::now();
    let done = loop {
        let d = user.get(&format!("/jobs/{id}")).await.expect(200).clone();
        if !d["progress"].is_null() {
            seen.push(d["progress"].clone());
        }
        if matches!(d["status"].as_str(), Some("complete" | "failed")) {
            break d;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the job did not finish"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(done["status"], "complete", "{}", done["error"]);
    assert!(!seen.is_empty(), "no progress was ever reported");
    for p in &seen {
        assert_eq!(p["total_steps"], 7, "{p}");
        assert!(p["completed_steps"].as_u64().unwrap() <= 7);
        assert!(p["step"].is_string());
    }
}

#[tokio::test]
async fn a_job_for_a_resume_that_cannot_be_read_fails_clearly() {
    let user = stack().new_user().await;
    let up = user
        .upload(fixture("bad_inputs/scanned_image_only.pdf"), "scan.pdf")
        .await;
    let resume = up.expect(202)["resume"]["id"].as_str().unwrap().to_string();
    let job = create_job(&user, json!({ "resume_id": resume, "job_description": fixture_text("jobs/en_backend_engineer_ledgerline.txt") })).await;
    let d = wait_job(&user, job["id"].as_str().unwrap()).await;
    assert_eq!(d["status"], "failed");
    let err = d["error"].as_str().unwrap();
    assert!(
        err.contains("resume could not be read") && err.contains("no extractable text"),
        "{err}"
    );
}

#[tokio::test]
async fn optimize_a_resume_against_an_existing_job() {
    let user = stack().new_user().await;
    let hannah = resume_from_text(&user, "resumes/en_data_analyst_hannah_castellanos.txt").await;
    let maya = resume_from_text(&user, "resumes/en_backend_maya_lindqvist.md").await;
    let job = create_job(&user, json!({ "resume_id": maya, "title": "Data role", "job_description": fixture_text("jobs/en_data_analyst_coastline.txt") })).await;
    let first = wait_job(&user, job["id"].as_str().unwrap()).await;
    let r = user
        .post_json(
            &format!("/resumes/{hannah}/optimize"),
            &json!({ "job_id": job["id"] }),
        )
        .await;
    let d = r.expect(202).clone();
    assert_ne!(d["id"], job["id"]);
    assert_eq!(d["resume_id"], hannah);
    assert_eq!(d["title"], "Data role");
    let second = wait_job(&user, d["id"].as_str().unwrap()).await;
    assert_eq!(second["status"], "complete", "{}", second["error"]);
    assert!(
        second["result"]["score"].as_i64().unwrap() > first["result"]["score"].as_i64().unwrap()
    );
    // Validation and ownership.
    user.post_json(&format!("/resumes/{hannah}/optimize"), &json!({}))
        .await
        .expect_error(422, "validation_failed");
    user.post_json(
        &format!("/resumes/{hannah}/optimize"),
        &json!({ "job_id": "x" }),
    )
    .await
    .expect_error(400, "bad_request");
    let other = stack().new_user().await;
    other
        .post_json(
            &format!("/resumes/{hannah}/optimize"),
            &json!({ "job_id": job["id"] }),
        )
        .await
        .expect_error(404, "not_found");
}

#[tokio::test]
async fn jobs_are_private_and_listed_newest_first_with_a_status_filter() {
    let user = stack().new_user().await;
    let other = stack().new_user().await;
    let resume = resume_from_text(&user, "resumes/en_backend_maya_lindqvist.md").await;
    let a = create_job(&user, json!({ "resume_id": resume, "job_description": "Backend engineer\nRequirements\n- Rust\n- PostgreSQL" })).await;
    let b = create_job(
        &user,
        json!({ "resume_id": resume, "job_description": "Nurse\nRequirements\n- RN license" }),
    )
    .await;
    let (a, b) = (
        a["id"].as_str().unwrap().to_string(),
        b["id"].as_str().unwrap().to_string(),
    );
    wait_job(&user, &a).await;
    wait_job(&user, &b).await;
    let page = user.get("/jobs?limit=1").await;
    let d = page.expect(200);
    assert_eq!(d["items"].as_array().unwrap().len(), 1);
    assert_eq!(d["items"][0]["id"], b);
    let next = d["next_cursor"].as_str().unwrap().to_string();
    let page2 = user.get(&format!("/jobs?limit=1&cursor={next}")).await;
    assert_eq!(page2.expect(200)["items"][0]["id"], a);
    let complete = user.get("/jobs?status=complete").await;
    assert_eq!(complete.expect(200)["items"].as_array().unwrap().len(), 2);
    let failed = user.get("/jobs?status=failed").await;
    assert_eq!(failed.expect(200)["items"], json!([]));
    user.get("/jobs?status=done")
        .await
        .expect_error(422, "validation_failed");

    for path in [format!("/jobs/{a}"), format!("/jobs/{a}/optimizations")] {
        other.get(&path).await.expect_error(404, "not_found");
    }
    other
        .post_json(&format!("/jobs/{a}/refine"), &json!({}))
        .await
        .expect_error(404, "not_found");
    assert_eq!(other.get("/jobs").await.expect(200)["items"], json!([]));
    other
        .post_json(
            "/jobs",
            &json!({ "resume_id": resume, "job_description": "x" }),
        )
        .await
        .expect_error(404, "not_found");
    user.get("/jobs/not-a-uuid")
        .await
        .expect_error(400, "bad_request");
}

#[tokio::test]
async fn job_validation_errors_name_the_field() {
    let user = stack().new_user().await;
    let resume = resume_from_text(&user, "resumes/en_backend_maya_lindqvist.md").await;
    let cases = [
        (json!({ "resume_id": resume }), "job_description"),
        (
            json!({ "resume_id": resume, "job_description": "x", "job_url": "https://example.com/job" }),
            "job_description",
        ),
        (
            json!({ "resume_id": resume, "job_description": "   " }),
            "job_description",
        ),
        (
            json!({ "resume_id": resume, "job_url": "ftp://example.com/job" }),
            "job_url",
        ),
        (
            json!({ "resume_id": resume, "job_url": "not a url" }),
            "job_url",
        ),
        (
            json!({ "resume_id": resume, "job_description": "x", "jd_lang": "fr" }),
            "jd_lang",
        ),
        (
            json!({ "resume_id": resume, "job_description": "x", "resume_lang": "EN" }),
            "resume_lang",
        ),
        (
            json!({ "resume_id": resume, "job_description": "x", "desired_output_lang": "" }),
            "desired_output_lang",
        ),
        (json!({ "job_description": "x" }), "resume_id"),
        (
            json!({ "resume_id": resume, "job_description": "x", "title": "t".repeat(201) }),
            "title",
        ),
        (
            json!({ "resume_id": resume, "job_description": "x", "custom_instructions": "c".repeat(2001) }),
            "custom_instructions",
        ),
    ];
    for (body, field) in cases {
        let r = user.post_json("/jobs", &body).await;
        let e = r.expect_error(422, "validation_failed");
        assert!(e["details"]["fields"][field].is_string(), "{field}: {e}");
    }
    user.post_json(
        "/jobs",
        &json!({ "resume_id": "nope", "job_description": "x" }),
    )
    .await
    .expect_error(400, "bad_request");
    user.post_raw("/jobs", "application/json", "{not json")
        .await
        .expect_error(400, "bad_request");
    assert_eq!(user.get("/jobs").await.expect(200)["items"], json!([]));
}

#[tokio::test]
async fn titles_fall_back_as_the_contract_says() {
    let user = stack().new_user().await;
    let resume = resume_from_text(&user, "resumes/en_backend_maya_lindqvist.md").await;
    let explicit = create_job(&user, json!({ "resume_id": resume, "title": "My pick", "job_description": fixture_text("jobs/en_data_analyst_coastline.txt") })).await;
    assert_eq!(explicit["title"], "My pick");
    let first_line = "x".repeat(150);
    let plain = create_job(&user, json!({ "resume_id": resume, "job_description": format!("\n\n  {first_line}\nWe need someone.") })).await;
    let d = wait_job(&user, plain["id"].as_str().unwrap()).await;
    assert_eq!(d["title"].as_str().unwrap().chars().count(), 120);
    let e = wait_job(&user, explicit["id"].as_str().unwrap()).await;
    assert_eq!(e["title"], "My pick", "an explicit title is never replaced");
}

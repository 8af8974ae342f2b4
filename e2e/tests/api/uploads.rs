//! Uploads: every fixture resume through the real router, worker and
//! Temporal, checked against the facts in the fixtures' manifest; every bad
//! input; versions; signed file links; delete.

use e2e::{fixture, fixtures_dir, stack};
use serde_json::{Value, json};
use shared::storage::UrlSigner;

fn manifest() -> Vec<Value> {
    let raw = std::fs::read_to_string(fixtures_dir().join("manifest.json")).unwrap();
    let v: Value = serde_json::from_str(&raw).unwrap();
    v["files"].as_array().unwrap().clone()
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Check one parsed resume against its manifest facts; return the misses.
fn check_facts(file: &str, facts: &Value, d: &Value) -> Vec<String> {
    let mut misses = Vec::new();
    let pj = &d["parsed_json"];
    let raw = squash(d["raw_text"].as_str().unwrap_or_default());
    let lower = |s: &str| s.to_lowercase();
    let name = pj["contact"]["name"].as_str().unwrap_or_default();
    if squash(&lower(name)) != squash(&lower(facts["name"].as_str().unwrap())) {
        misses.push(format!("name {name:?} != {}", facts["name"]));
    }
    if pj["contact"]["email"].as_str() != facts["email"].as_str() {
        misses.push(format!("email {:?}", pj["contact"]["email"]));
    }
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    if digits(pj["contact"]["phone"].as_str().unwrap_or_default())
        != digits(facts["phone"].as_str().unwrap())
    {
        misses.push(format!("phone {:?}", pj["contact"]["phone"]));
    }
    let exp = pj["experience"].as_array().cloned().unwrap_or_default();
    if exp.len() as u64 != facts["jobs"].as_u64().unwrap() {
        misses.push(format!("{} jobs, expected {}", exp.len(), facts["jobs"]));
    }
    for (i, company) in facts["companies"].as_array().unwrap().iter().enumerate() {
        let company = company.as_str().unwrap();
        let got = exp
            .get(i)
            .and_then(|e| e["company"].as_str())
            .unwrap_or_default();
        let (got_s, want) = (squash(got), squash(company));
        if got_s.is_empty() || !(got_s.contains(&want) || want.contains(&got_s)) {
            misses.push(format!("company {i}: {got:?} != {company:?}"));
        }
    }
    let skills: Vec<String> = pj["skills"]
        .as_array()
        .map(|a| a.iter().filter_map(|s| s.as_str()).map(squash).collect())
        .unwrap_or_default();
    for skill in facts["top_skills"].as_array().unwrap() {
        let skill = squash(skill.as_str().unwrap());
        // The manifest matches skills as substrings of the extracted text.
        if !raw.contains(&skill) {
            misses.push(format!("skill {skill:?} not in the text"));
        }
        if !skills.iter().any(|s| s.contains(&skill)) {
            misses.push(format!("skill {skill:?} not in parsed skills {skills:?}"));
        }
    }
    if let Some(edu) = facts["education"].as_str() {
        let year: String = edu.chars().filter(char::is_ascii_digit).collect();
        let edu_json = pj["education"].to_string();
        if !edu_json.contains(&year) {
            misses.push(format!("education year {year} missing: {edu_json}"));
        }
    }
    if !misses.is_empty() {
        eprintln!("{file}: {misses:#?}");
    }
    misses
}

#[tokio::test]
async fn every_fixture_resume_parses_with_its_facts() {
    let user = stack().new_user().await;
    let resumes: Vec<Value> = manifest()
        .into_iter()
        .filter(|f| f["file"].as_str().unwrap().starts_with("resumes/"))
        .collect();
    assert_eq!(resumes.len(), 9);
    // Upload all first: the worker parses them concurrently.
    let mut started = Vec::new();
    for f in &resumes {
        let file = f["file"].as_str().unwrap().to_string();
        let name = file.rsplit('/').next().unwrap().to_string();
        let r = user.upload(fixture(&file), &name).await;
        let d = r.expect(202);
        let stem = name.rsplit_once('.').unwrap().0;
        assert_eq!(
            d["resume"]["title"], stem,
            "title falls back to the file name"
        );
        assert_eq!(d["resume"]["source"], "upload");
        started.push((
            file,
            f.clone(),
            d["resume"]["id"].as_str().unwrap().to_string(),
        ));
    }
    let mut all_misses = Vec::new();
    for (file, f, id) in started {
        let d = user.wait_parsed(&id).await;
        assert_eq!(d["parse_status"], "parsed", "{file}: {}", d["error"]);
        assert_eq!(d["detected_lang"], f["lang"], "{file}");
        assert!(d["content_md"].as_str().unwrap().len() > 300, "{file}");
        assert_eq!(d["embedding_status"], "indexed", "{file}");
        for m in check_facts(&file, &f["facts"], &d) {
            all_misses.push(format!("{file}: {m}"));
        }
    }
    assert!(
        all_misses.is_empty(),
        "facts not found:\n{}",
        all_misses.join("\n")
    );
}

#[tokio::test]
async fn arabic_pdf_text_is_in_logical_order() {
    let user = stack().new_user().await;
    let r = user
        .upload(
            fixture("resumes/ar_accountant_sara_almansouri.pdf"),
            "cv.pdf",
        )
        .await;
    let id = r.expect(202)["resume"]["id"].as_str().unwrap().to_string();
    let d = user.wait_parsed(&id).await;
    let raw = d["raw_text"].as_str().unwrap();
    assert!(raw.contains("سارة خالد المنصوري"), "{raw}");
    assert!(
        !raw.contains("ةراس"),
        "reversed (visual order) Arabic leaked: {raw}"
    );
    assert!(raw.contains("sara.almansouri@example.com"));
    for mark in [
        '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}',
    ] {
        assert!(
            !raw.contains(mark),
            "direction mark {mark:?} left in the text"
        );
    }
}

#[tokio::test]
async fn a_windows_1256_text_file_is_decoded_not_mangled() {
    let user = stack().new_user().await;
    let r = user
        .upload(fixture("bad_inputs/ar_resume_windows1256.txt"), "cv.txt")
        .await;
    let id = r.expect(202)["resume"]["id"].as_str().unwrap().to_string();
    let d = user.wait_parsed(&id).await;
    assert_eq!(d["parse_status"], "parsed", "{}", d["error"]);
    assert_eq!(d["detected_lang"], "ar");
    let raw = d["raw_text"].as_str().unwrap();
    assert!(raw.contains("محمود عادل القاسم"), "{raw}");
    assert!(raw.contains("mahmoud.alqasem@example.com"));
    assert!(!raw.contains('\u{FFFD}'));
}

#[tokio::test]
async fn bad_uploads_are_refused_before_anything_is_stored() {
    let user = stack().new_user().await;
    let cases: &[(&str, &str, u16, &str)] = &[
        (
            "bad_inputs/empty.txt",
            "empty.txt",
            422,
            "validation_failed",
        ),
        (
            "bad_inputs/empty.txt",
            "empty.pdf",
            422,
            "validation_failed",
        ),
        (
            "bad_inputs/whitespace_only.md",
            "whitespace_only.md",
            422,
            "validation_failed",
        ),
        (
            "bad_inputs/png_renamed.pdf",
            "png_renamed.pdf",
            415,
            "unsupported_media_type",
        ),
        (
            "bad_inputs/zip_without_document_xml.docx",
            "zip.docx",
            415,
            "unsupported_media_type",
        ),
    ];
    for (file, name, status, code) in cases {
        let r = user.upload(fixture(file), name).await;
        r.expect_error(*status, code);
    }
    // Only Unicode spaces.
    let r = user
        .upload(
            "\u{00A0}\u{3000}\n\u{00A0}".as_bytes().to_vec(),
            "spaces.txt",
        )
        .await;
    r.expect_error(422, "validation_failed");
    // Missing file field, bad language, not multipart.
    let r = user
        .post_file(
            "/resumes/upload",
            b"x".to_vec(),
            "a.txt",
            &[("resume_lang", "fr")],
        )
        .await;
    let e = r.expect_error(422, "validation_failed");
    assert!(e["details"]["fields"]["resume_lang"].is_string(), "{e}");
    let form = reqwest::multipart::Form::new().text("title", "no file");
    let r = e2e::TestUser::send(
        user.request(reqwest::Method::POST, "/resumes/upload")
            .multipart(form),
    )
    .await;
    let e = r.expect_error(422, "validation_failed");
    assert!(e["details"]["fields"]["file"].is_string(), "{e}");
    user.post_json("/resumes/upload", &json!({ "file": "x" }))
        .await
        .expect_error(400, "bad_request");
    assert_eq!(user.get("/resumes").await.expect(200)["items"], json!([]));
    let files = walk(&stack().blob_dir.join(format!("resumes/{}", user.id)));
    assert!(files.is_empty(), "stored despite refusal: {files:?}");
}

#[tokio::test]
async fn an_upload_over_10_mib_is_413() {
    let user = stack().new_user().await;
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(11 * 1024 * 1024, b'a');
    user.upload(big.clone(), "big.pdf")
        .await
        .expect_error(413, "payload_too_large");
    // Also when the client streams it without announcing the size.
    let stream = futures::stream::iter(
        big.chunks(256 * 1024)
            .map(|c| Ok::<_, std::io::Error>(bytes::Bytes::copy_from_slice(c)))
            .collect::<Vec<_>>(),
    );
    let part =
        reqwest::multipart::Part::stream(reqwest::Body::wrap_stream(stream)).file_name("big.txt");
    let form = reqwest::multipart::Form::new().part("file", part);
    let r = e2e::TestUser::send(
        user.request(reqwest::Method::POST, "/resumes/upload")
            .multipart(form),
    )
    .await;
    r.expect_error(413, "payload_too_large");
}

#[tokio::test]
async fn unreadable_pdfs_fail_with_a_reason_a_person_understands() {
    let user = stack().new_user().await;
    let cases = [
        ("bad_inputs/corrupt_truncated.pdf", "damaged"),
        ("bad_inputs/scanned_image_only.pdf", "no extractable text"),
    ];
    for (file, expected) in cases {
        let r = user.upload(fixture(file), "cv.pdf").await;
        let id = r.expect(202)["resume"]["id"].as_str().unwrap().to_string();
        let d = user.wait_parsed(&id).await;
        assert_eq!(d["parse_status"], "failed", "{file}");
        let err = d["error"].as_str().unwrap_or_default().to_lowercase();
        assert!(
            err.contains(expected) || (expected == "damaged" && err.contains("corrupt")),
            "{file}: {err}"
        );
        assert!(d["active_version_id"].is_null());
    }
}

#[tokio::test]
async fn titles_and_languages_given_with_the_upload_are_kept() {
    let user = stack().new_user().await;
    let r = user
        .post_file(
            "/resumes/upload",
            fixture("resumes/en_backend_maya_lindqvist.md"),
            "maya.md",
            &[("title", "  Backend CV 2026  "), ("resume_lang", "en")],
        )
        .await;
    let d = r.expect(202);
    assert_eq!(d["resume"]["title"], "Backend CV 2026");
    assert_eq!(d["version"]["resume_lang"], "en");
    assert_eq!(d["version"]["file_kind"], "md");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            if e.path().is_dir() {
                out.extend(walk(&e.path()));
            } else {
                out.push(e.path());
            }
        }
    }
    out
}

#[tokio::test]
async fn the_original_file_is_served_by_a_signed_expiring_link() {
    let s = stack();
    let user = s.new_user().await;
    let original = fixture("resumes/en_backend_maya_lindqvist.docx");
    let r = user.upload(original.clone(), "maya.docx").await;
    let id = r.expect(202)["resume"]["id"].as_str().unwrap().to_string();

    let link = user.get(&format!("/resumes/{id}/file")).await;
    let d = link.expect(200);
    let url = d["url"].as_str().unwrap().to_string();
    assert!(d["expires_at"].is_string());
    // No bearer token needed: the link is the credential.
    let res = reqwest::get(&url).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.unwrap().to_vec(), original);

    // Tampered signature, path or expiry → 403.
    let tampered = format!("{}0", url);
    let res = reqwest::get(&tampered).await.unwrap();
    assert_eq!(res.status(), 403);
    let other_path = url.replace("original.docx", "original.pdf");
    assert_eq!(reqwest::get(&other_path).await.unwrap().status(), 403);
    let u = url::Url::parse(&url).unwrap();
    let path = u.path().trim_start_matches("/files/").to_string();
    let later = u
        .query_pairs()
        .find(|(k, _)| k == "expires")
        .unwrap()
        .1
        .parse::<i64>()
        .unwrap()
        + 3600;
    let sig = u
        .query_pairs()
        .find(|(k, _)| k == "sig")
        .unwrap()
        .1
        .to_string();
    let forged = format!("{}/files/{path}?expires={later}&sig={sig}", s.base_url);
    assert_eq!(reqwest::get(&forged).await.unwrap().status(), 403);

    // Expired (correctly signed, in the past) → 401.
    let signer = UrlSigner::new(s.settings.signing_key());
    let past = chrono::Utc::now().timestamp() - 10;
    let expired = format!(
        "{}/files/{path}?expires={past}&sig={}",
        s.base_url,
        signer.sign(&path, past)
    );
    let res = reqwest::get(&expired).await.unwrap();
    assert_eq!(res.status(), 401);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthorized");

    // Another user cannot even ask for the link; a text resume has no file.
    let other = s.new_user().await;
    other
        .get(&format!("/resumes/{id}/file"))
        .await
        .expect_error(404, "not_found");
    let text = user
        .create_text_resume("Pasted", "Jo\njo@example.com")
        .await;
    let text_id = text["resume"]["id"].as_str().unwrap();
    user.get(&format!("/resumes/{text_id}/file"))
        .await
        .expect_error(404, "not_found");
}

#[tokio::test]
async fn new_versions_become_active_once_parsed() {
    let s = stack();
    let user = s.new_user().await;
    let c = user
        .create_text_resume(
            "CV",
            &e2e::fixture_text("resumes/en_data_analyst_hannah_castellanos.txt"),
        )
        .await;
    let id = c["resume"]["id"].as_str().unwrap().to_string();
    let v1 = c["version"]["id"].as_str().unwrap().to_string();
    user.wait_parsed(&id).await;

    let r = user
        .post_json(
            &format!("/resumes/{id}/versions"),
            &json!({ "raw_text": e2e::fixture_text("resumes/en_backend_maya_lindqvist.md") }),
        )
        .await;
    let d = r.expect(202);
    assert_eq!(d["version"]["version_no"], 2);
    let v2 = d["version"]["id"].as_str().unwrap().to_string();
    let parsed = user.wait_parsed(&id).await;
    assert_eq!(parsed["active_version_id"], v2);
    assert_eq!(parsed["version_no"], 2);
    assert!(
        parsed["content_md"]
            .as_str()
            .unwrap()
            .contains("Maya Lindqvist")
    );

    // A file version, then the list of all three, newest first.
    let r = user
        .post_file(
            &format!("/resumes/{id}/versions"),
            fixture("resumes/en_data_analyst_hannah_castellanos.pdf"),
            "h.pdf",
            &[],
        )
        .await;
    assert_eq!(r.expect(202)["version"]["version_no"], 3);
    let parsed = user.wait_parsed(&id).await;
    assert_eq!(parsed["version_no"], 3);
    let versions = user.get(&format!("/resumes/{id}/versions")).await;
    let list = versions.expect(200).as_array().unwrap().clone();
    let nos: Vec<i64> = list
        .iter()
        .map(|v| v["version_no"].as_i64().unwrap())
        .collect();
    assert_eq!(nos, vec![3, 2, 1]);
    assert!(list.iter().any(|v| v["id"] == v1.as_str()));

    // Validation and ownership.
    user.post_json(
        &format!("/resumes/{id}/versions"),
        &json!({ "raw_text": "" }),
    )
    .await
    .expect_error(422, "validation_failed");
    let other = s.new_user().await;
    other
        .post_json(
            &format!("/resumes/{id}/versions"),
            &json!({ "raw_text": "mine now" }),
        )
        .await
        .expect_error(404, "not_found");
    other
        .post_file(
            &format!("/resumes/{id}/versions"),
            b"hello".to_vec(),
            "x.txt",
            &[],
        )
        .await
        .expect_error(404, "not_found");
}

#[tokio::test]
async fn resumes_are_chunked_embedded_and_searchable() {
    let s = stack();
    let user = s.new_user().await;
    let c = user
        .create_text_resume(
            "Maya",
            &e2e::fixture_text("resumes/en_backend_maya_lindqvist.md"),
        )
        .await;
    let id = c["resume"]["id"].as_str().unwrap().to_string();
    let version: uuid::Uuid = c["version"]["id"].as_str().unwrap().parse().unwrap();
    let d = user.wait_parsed(&id).await;
    assert_eq!(d["embedding_status"], "indexed");

    let db = s.db().await;
    let chunks: i64 =
        sqlx::query_scalar("select count(*) from document_chunks where version_id = $1")
            .bind(version)
            .fetch_one(&db)
            .await
            .unwrap();
    let vectors: i64 = sqlx::query_scalar(
        "select count(*) from vector_items where namespace = $1 and metadata->>'version_id' = $2",
    )
    .bind(user.id)
    .bind(version.to_string())
    .fetch_one(&db)
    .await
    .unwrap();
    assert!(chunks >= 1);
    assert_eq!(chunks, vectors);
    let first_id: String = sqlx::query_scalar(
        "select id from document_chunks where version_id = $1 and chunk_index = 0",
    )
    .bind(version)
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(first_id, format!("{version}:0"), "deterministic chunk ids");

    let providers = activities::Providers::from_settings(&s.settings).unwrap();
    let hits = providers
        .indexer
        .search_chunks(
            user.id,
            "resume",
            version,
            "Apache Kafka event streaming",
            3,
        )
        .await
        .unwrap();
    assert!(!hits.is_empty());
    assert!(hits[0].text.contains("Kafka"), "{:?}", hits[0]);
    assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
    // Another user's namespace sees nothing.
    let none = providers
        .indexer
        .search_chunks(uuid::Uuid::new_v4(), "resume", version, "Kafka", 3)
        .await
        .unwrap();
    assert!(none.is_empty());
}

#[tokio::test]
async fn delete_removes_rows_files_chunks_and_vectors() {
    let s = stack();
    let user = s.new_user().await;
    let r = user
        .upload(fixture("resumes/en_backend_maya_lindqvist.pdf"), "maya.pdf")
        .await;
    let id = r.expect(202)["resume"]["id"].as_str().unwrap().to_string();
    user.wait_parsed(&id).await;
    let dir = s.blob_dir.join(format!("resumes/{}/{id}", user.id));
    assert_eq!(walk(&dir).len(), 1, "the original is stored");
    // A job of this resume goes with it, and so do the job's chunks.
    let job = crate::jobs::create_job(
        &user,
        json!({ "resume_id": id, "job_description": e2e::fixture_text("jobs/en_backend_engineer_ledgerline.txt") }),
    )
    .await;
    let job_id = job["id"].as_str().unwrap().to_string();
    crate::jobs::wait_job(&user, &job_id).await;

    user.delete(&format!("/resumes/{id}")).await.expect(200);
    user.get(&format!("/jobs/{job_id}"))
        .await
        .expect_error(404, "not_found");
    let db = s.db().await;
    let job_chunks: i64 =
        sqlx::query_scalar("select count(*) from document_chunks where source_id = $1::uuid")
            .bind(&job_id)
            .fetch_one(&db)
            .await
            .unwrap();
    let job_vectors: i64 =
        sqlx::query_scalar("select count(*) from vector_items where metadata->>'source_id' = $1")
            .bind(&job_id)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(
        (job_chunks, job_vectors),
        (0, 0),
        "the job's chunks and vectors remain"
    );
    assert!(walk(&dir).is_empty(), "files remain: {:?}", walk(&dir));
    let rid: uuid::Uuid = id.parse().unwrap();
    let chunks: i64 =
        sqlx::query_scalar("select count(*) from document_chunks where source_id = $1")
            .bind(rid)
            .fetch_one(&db)
            .await
            .unwrap();
    let vectors: i64 =
        sqlx::query_scalar("select count(*) from vector_items where metadata->>'source_id' = $1")
            .bind(&id)
            .fetch_one(&db)
            .await
            .unwrap();
    let versions: i64 =
        sqlx::query_scalar("select count(*) from resume_versions where resume_id = $1")
            .bind(rid)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!((chunks, vectors, versions), (0, 0, 0));
    user.delete(&format!("/resumes/{id}"))
        .await
        .expect_error(404, "not_found");
}

//! Applications through the real router, Temporal and Postgres: create (from
//! a parsed resume or an inline structured CV), read, regenerate, update,
//! track, delete; validation and isolation. The GenerateApplication worker
//! is not needed here: these tests stop at "queued"; where a test needs the
//! worker's output it writes the rows the worker writes.

use crate::jobs::resume_from_text;
use e2e::{TestUser, fixture_text, stack};
use serde_json::{Value, json};
use sqlx::PgPool;
use uuid::Uuid;

const JOB: &str =
    "Senior Backend Engineer\nLedgerline Payments\nRequirements: Rust, PostgreSQL, Kafka";

fn base_cv() -> Value {
    json!({
        "contact": { "name": "Jane Doe", "email": "jane@example.com", "links": ["https://jane.dev"] },
        "headline": "Backend engineer",
        "experience": [{
            "company": "Parcelwise", "title": "Backend Engineer", "start": "2021-03", "current": true,
            "bullets": ["Built the billing service in Rust", "Cut p99 latency by 40%"]
        }],
        "education": [{ "institution": "KTH", "degree": "MSc Computer Science", "end": "2019" }],
        "skills": ["Rust", "PostgreSQL", "Kafka"]
    })
}

async fn create(user: &TestUser, body: Value) -> Value {
    user.post_json("/applications", &body)
        .await
        .expect(202)
        .clone()
}

async fn create_inline(user: &TestUser) -> String {
    let d = create(
        user,
        json!({ "base_cv": base_cv(), "job_description": JOB }),
    )
    .await;
    d["application"]["id"].as_str().unwrap().to_string()
}

fn fields(r: &e2e::Reply) -> Value {
    r.expect_error(422, "validation_failed")["details"]["fields"].clone()
}

#[tokio::test]
async fn from_a_parsed_resume_and_a_posting_text() {
    let user = stack().new_user().await;
    let resume = resume_from_text(&user, "resumes/en_backend_maya_lindqvist.md").await;
    let d = create(
        &user,
        json!({
            "resume_id": resume,
            "job_description": fixture_text("jobs/en_backend_engineer_ledgerline.txt"),
            "company": "Ledgerline Payments", "position": "Senior Backend Engineer",
            "output_lang": "en", "custom_instructions": "keep it to one page"
        }),
    )
    .await;
    let app = &d["application"];
    let id = app["id"].as_str().unwrap();
    assert_eq!(d["workflow_id"], format!("generate-application-{id}"));
    assert_eq!(app["workflow_id"], d["workflow_id"]);
    assert_eq!(app["resume_id"], resume.as_str());
    assert_eq!(app["status"], "draft");
    assert_eq!(app["generation_status"], "queued");
    assert_eq!(app["cv_count"], 1);
    assert_eq!(app["company"], "Ledgerline Payments");
    assert_eq!(app["position"], "Senior Backend Engineer");
    assert_eq!(app["output_lang"], "en");
    assert!(app["base_cv"].is_null());

    let got = user.get(&format!("/applications/{id}")).await;
    let g = got.expect(200);
    assert!(matches!(
        g["generation_status"].as_str(),
        Some("queued" | "processing")
    ));
    assert!(g["job_offer"].is_null());
    assert_eq!(g["communications"], json!([]));
    assert_eq!(g["action_points"], json!([]));
    let cvs = g["cvs"].as_array().unwrap();
    assert_eq!(cvs.len(), 1);
    assert_eq!(cvs[0]["version_no"], 1);
    assert_eq!(cvs[0]["status"], "processing");
    assert_eq!(cvs[0]["custom_instructions"], "keep it to one page");
    assert!(cvs[0]["pdf_url"].is_null() && cvs[0]["cover_letter"].is_null());
    assert!(g.get("progress").is_some());

    // The run is in Temporal under its business key.
    let client = stack().temporal().await;
    let handle = client.get_workflow_handle::<shared::contracts::GenerateApplicationWorkflow>(
        format!("generate-application-{id}"),
    );
    handle
        .describe(Default::default())
        .await
        .expect("the workflow was started");

    // Listed, newest first.
    let list = user.get("/applications").await;
    assert_eq!(list.expect(200)["items"][0]["id"], id);

    // Deleted while its generation is still queued: the run is cancelled
    // (best effort) and the application is gone.
    let del = user.delete(&format!("/applications/{id}")).await;
    assert_eq!(del.expect(200), &json!({ "deleted": true }));
    user.get(&format!("/applications/{id}"))
        .await
        .expect_error(404, "not_found");
    assert_eq!(
        user.get("/applications").await.expect(200)["items"],
        json!([])
    );
}

#[tokio::test]
async fn from_an_inline_cv_and_an_existing_job() {
    let user = stack().new_user().await;
    let d = create(
        &user,
        json!({ "base_cv": base_cv(), "job_description": JOB }),
    )
    .await;
    let app = &d["application"];
    assert!(app["resume_id"].is_null());
    assert_eq!(app["job_description"], JOB);
    // Stored whole, in the parsed-resume shape, with the language detected.
    let cv = &app["base_cv"];
    assert_eq!(cv["lang"], "en");
    assert_eq!(cv["contact"]["name"], "Jane Doe");
    assert_eq!(cv["certifications"], json!([]));
    assert_eq!(cv["experience"][0]["current"], true);

    // An existing job: its title and company stand in for position and company.
    let resume = resume_from_text(&user, "resumes/en_backend_maya_lindqvist.md").await;
    let job = crate::jobs::create_job(
        &user,
        json!({ "resume_id": resume, "title": "Platform Engineer", "company": "Acme", "job_description": JOB }),
    )
    .await;
    let job_id = job["id"].as_str().unwrap().to_string();
    e2e::eventually(
        std::time::Duration::from_secs(90),
        "the job's posting to be parsed",
        || async {
            let j = user
                .get(&format!("/jobs/{job_id}"))
                .await
                .expect(200)
                .clone();
            (!j["parsed_json"].is_null()).then_some(())
        },
    )
    .await;
    let d = create(&user, json!({ "base_cv": base_cv(), "job_id": job_id })).await;
    let app = &d["application"];
    assert_eq!(app["job_id"], job_id.as_str());
    assert_eq!(app["position"], "Platform Engineer");
    assert_eq!(app["company"], "Acme");
    assert!(app["job_description"].is_null());
}

#[tokio::test]
async fn a_never_seen_user_can_create_an_application_straight_away() {
    let user = stack().unknown_user();
    create_inline(&user).await;
}

#[tokio::test]
async fn validation_errors_name_the_field() {
    let user = stack().new_user().await;
    let resume = Uuid::new_v4().to_string();
    let post = |body: Value| {
        let user = user.clone();
        async move { user.post_json("/applications", &body).await }
    };
    // Both or neither of resume_id / base_cv, job_description / job_id.
    let f = fields(
        &post(json!({ "resume_id": resume, "base_cv": base_cv(), "job_description": JOB })).await,
    );
    assert!(f["resume_id"].as_str().unwrap().contains("not both"), "{f}");
    let f = fields(&post(json!({ "job_description": JOB })).await);
    assert!(f["resume_id"].is_string(), "{f}");
    let f = fields(
        &post(json!({ "base_cv": base_cv(), "job_description": JOB, "job_id": resume })).await,
    );
    assert!(
        f["job_description"].as_str().unwrap().contains("not both"),
        "{f}"
    );
    let f = fields(&post(json!({ "base_cv": base_cv() })).await);
    assert!(f["job_description"].is_string(), "{f}");
    let f = fields(&post(json!({ "base_cv": base_cv(), "job_description": "   " })).await);
    assert_eq!(f["job_description"], "must not be empty");
    // Output language.
    let f = fields(
        &post(json!({ "base_cv": base_cv(), "job_description": JOB, "output_lang": "fr" })).await,
    );
    assert!(f["output_lang"].is_string(), "{f}");
    // base_cv, field by field.
    let mut bad = base_cv();
    bad["lang"] = json!("de");
    bad["experience"][0]["start"] = json!("03/2021");
    bad["experience"][0]["company"] = json!("  ");
    bad["experience"][0]["end"] = json!("2024");
    bad["education"][0]["degree"] = json!("");
    bad["skills"] = json!(["Rust", ""]);
    bad["contact"]["email"] = json!("not-an-address");
    let f = fields(&post(json!({ "base_cv": bad, "job_description": JOB })).await);
    for field in [
        "base_cv.lang",
        "base_cv.experience[0].start",
        "base_cv.experience[0].company",
        "base_cv.experience[0].end",
        "base_cv.education[0].degree",
        "base_cv.skills[1]",
        "base_cv.contact.email",
    ] {
        assert!(f[field].is_string(), "{field} missing in {f}");
    }
    let f = fields(
        &post(json!({ "base_cv": { "experience": [{ "company": "X" }] }, "job_description": JOB }))
            .await,
    );
    assert!(f["base_cv.experience[0]"].is_string(), "{f}");
    let f = fields(&post(json!({ "base_cv": {}, "job_description": JOB })).await);
    assert!(f["base_cv.contact.name"].is_string(), "{f}");
    let f = fields(
        &post(json!({ "base_cv": { "skills": vec!["x"; 201] }, "job_description": JOB })).await,
    );
    assert!(f["base_cv.skills"].is_string(), "{f}");
    let f = fields(&post(json!({ "base_cv": "a CV", "job_description": JOB })).await);
    assert!(f["base_cv"].is_string(), "{f}");
    // Unparsable ids are a 400; unknown ones a 404.
    post(json!({ "resume_id": "nope", "job_description": JOB }))
        .await
        .expect_error(400, "bad_request");
    post(json!({ "resume_id": resume, "job_description": JOB }))
        .await
        .expect_error(404, "not_found");
    post(json!({ "base_cv": base_cv(), "job_id": Uuid::new_v4() }))
        .await
        .expect_error(404, "not_found");
    // Unknown status filter.
    let f = fields(&user.get("/applications?status=hired").await);
    assert!(f["status"].is_string(), "{f}");
    // Oversized bodies.
    let huge = json!({ "base_cv": base_cv(), "job_description": "x".repeat(3 * 1024 * 1024) });
    post(huge).await.expect_error(413, "payload_too_large");
    assert_eq!(
        user.get("/applications").await.expect(200)["items"],
        json!([])
    );
}

/// A resume row whose only version is in `status` (no workflow behind it).
async fn resume_in_state(db: &PgPool, user: Uuid, status: &str) -> Uuid {
    let resume: Uuid = sqlx::query_scalar(
        "insert into resumes (user_id, title, source) values ($1, 'r', 'text') returning id",
    )
    .bind(user)
    .fetch_one(db)
    .await
    .unwrap();
    sqlx::query(
        "insert into resume_versions (resume_id, user_id, source, raw_text, parse_status, error)
         values ($1, $2, 'text', 'Jane', $3::parse_status, case when $3 = 'failed' then 'no text' end)",
    )
    .bind(resume)
    .bind(user)
    .bind(status)
    .execute(db)
    .await
    .unwrap();
    resume
}

#[tokio::test]
async fn a_resume_not_parsed_yet_is_a_conflict_and_a_failed_one_invalid() {
    let s = stack();
    let user = s.new_user().await;
    let db = s.db().await;
    let pending = resume_in_state(&db, user.id, "parsing").await;
    let e = user
        .post_json(
            "/applications",
            &json!({ "resume_id": pending, "job_description": JOB }),
        )
        .await;
    let err = e.expect_error(409, "conflict");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("still being parsed"),
        "{err}"
    );
    let failed = resume_in_state(&db, user.id, "failed").await;
    let r = user
        .post_json(
            "/applications",
            &json!({ "resume_id": failed, "job_description": JOB }),
        )
        .await;
    assert!(
        fields(&r)["resume_id"]
            .as_str()
            .unwrap()
            .contains("could not be read")
    );
    assert_eq!(
        user.get("/applications").await.expect(200)["items"],
        json!([])
    );
}

#[tokio::test]
async fn regenerating_makes_the_next_version_and_conflicts_while_one_runs() {
    let s = stack();
    let user = s.new_user().await;
    let id = create_inline(&user).await;
    let path = format!("/applications/{id}/cvs");
    user.post_json(&path, &json!({}))
        .await
        .expect_error(409, "conflict");

    // The worker's own run has to end (marking the rows done behind its back raced
    // with its activities' writes).
    crate::generation::wait_generation(&user, &id).await;
    let r = user
        .post_json(
            &path,
            &json!({ "custom_instructions": "lead with Kafka", "output_lang": "ar" }),
        )
        .await;
    let d = r.expect(202);
    assert_eq!(d["workflow_id"], format!("generate-application-{id}-v2"));
    assert_eq!(d["cv"]["version_no"], 2);
    assert_eq!(d["cv"]["status"], "processing");
    assert_eq!(d["cv"]["custom_instructions"], "lead with Kafka");
    assert_eq!(d["application"]["cv_count"], 2);
    assert_eq!(d["application"]["generation_status"], "queued");
    assert_eq!(d["application"]["output_lang"], "ar");
    user.post_json(&path, &json!({}))
        .await
        .expect_error(409, "conflict");

    // An empty body works too; the older versions stay.
    crate::generation::wait_generation(&user, &id).await;
    let r = TestUser::send(user.request(reqwest::Method::POST, &path)).await;
    assert_eq!(r.expect(202)["cv"]["version_no"], 3);
    let g = user.get(&format!("/applications/{id}")).await;
    let versions: Vec<i64> = g.expect(200)["cvs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["version_no"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, vec![3, 2, 1]);
    let f = fields(&user.post_json(&path, &json!({ "output_lang": "xx" })).await);
    assert!(f["output_lang"].is_string());
}

#[tokio::test]
async fn the_worker_output_is_shown_with_signed_links() {
    let s = stack();
    let user = s.new_user().await;
    let id = create_inline(&user).await;
    let app: Uuid = id.parse().unwrap();
    let db = s.db().await;
    // Let the real worker finish, then replace what GenerateApplication wrote with
    // known values, so the view can be checked field by field.
    let done = crate::generation::wait_generation(&user, &id.to_string()).await;
    assert_eq!(done["generation_status"], "complete", "{done}");
    let offer: Uuid = sqlx::query_scalar(
        "update job_offers set raw_text = $2, title = 'Senior Backend Engineer', company = 'Ledgerline',
           location = 'Remote', language = 'en', requirements = '{\"must\": [\"Rust\"], \"nice\": [\"Kafka\"]}',
           keywords = '[\"Rust\", \"Kafka\"]', parsed_json = '{}'
         where id = (select job_offer_id from applications where id = $1) returning id",
    )
    .bind(app)
    .bind(JOB)
    .fetch_one(&db)
    .await
    .unwrap();
    let pdf = shared::storage::application_document_path(user.id, app, 1, "cv", "pdf");
    let docx = shared::storage::application_document_path(user.id, app, 1, "cv", "docx");
    let letter_pdf =
        shared::storage::application_document_path(user.id, app, 1, "cover_letter", "pdf");
    for p in [&pdf, &docx, &letter_pdf] {
        let file = s.blob_dir.join(p);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, b"%PDF-1.7 test").unwrap();
    }
    sqlx::query(
        "update applications set job_offer_id = $2, generation_status = 'complete' where id = $1",
    )
    .bind(app)
    .bind(offer)
    .execute(&db)
    .await
    .unwrap();
    let cv: Uuid = sqlx::query_scalar(
        "update cvs set status = 'complete', lang = 'en', engine = 'offline',
           source_json = '{\"lang\": \"en\"}', planned_changes = '{\"changes\": []}',
           edit_report = '{\"applied\": [], \"rejected\": [], \"gaps\": [\"Kubernetes\"]}',
           token_usage = '{\"calls\": 0}', pdf_path = $2, docx_path = $3
         where application_id = $1 returning id",
    )
    .bind(app)
    .bind(&pdf)
    .bind(&docx)
    .fetch_one(&db)
    .await
    .unwrap();
    sqlx::query(
        "update cover_letters set lang = 'en',
           body_json = '{\"greeting\": \"Dear team\", \"paragraphs\": [], \"closing\": \"Jane\"}',
           body_text = 'Dear team', pdf_path = $2, docx_path = null
         where cv_id = $1",
    )
    .bind(cv)
    .bind(&letter_pdf)
    .execute(&db)
    .await
    .unwrap();

    let g = user.get(&format!("/applications/{id}")).await;
    let g = g.expect(200);
    assert!(g["progress"].is_null());
    assert_eq!(g["job_offer"]["requirements"]["must"], json!(["Rust"]));
    assert_eq!(g["job_offer"]["keywords"], json!(["Rust", "Kafka"]));
    let c = &g["cvs"][0];
    assert_eq!(c["edit_report"]["gaps"], json!(["Kubernetes"]));
    assert_eq!(c["planned_changes"]["changes"], json!([]));
    assert_eq!(c["engine"], "offline");
    assert!(c["expires_at"].is_string());
    for url in [&c["pdf_url"], &c["docx_url"], &c["cover_letter"]["pdf_url"]] {
        let res = reqwest::get(url.as_str().unwrap()).await.unwrap();
        assert_eq!(res.status(), 200, "{url}");
        assert_eq!(&res.bytes().await.unwrap()[..], b"%PDF-1.7 test");
    }
    assert!(c["cover_letter"]["docx_url"].is_null());
    assert_eq!(c["cover_letter"]["body_text"], "Dear team");
    assert_eq!(c["cover_letter"]["body_json"]["closing"], "Jane");

    // Deleting removes the rows and the stored documents.
    let del = user.delete(&format!("/applications/{id}")).await;
    assert_eq!(del.expect(200), &json!({ "deleted": true }));
    assert!(!s.blob_dir.join(&pdf).exists());
    assert!(!s.blob_dir.join(&letter_pdf).exists());
    user.get(&format!("/applications/{id}"))
        .await
        .expect_error(404, "not_found");
    for table in ["cvs", "cover_letters", "job_offers"] {
        let n: i64 =
            sqlx::query_scalar(&format!("select count(*) from {table} where user_id = $1"))
                .bind(user.id)
                .fetch_one(&db)
                .await
                .unwrap();
        assert_eq!(n, 0, "{table}");
    }
    user.delete(&format!("/applications/{id}"))
        .await
        .expect_error(404, "not_found");
}

#[tokio::test]
async fn status_and_notes_are_updated() {
    let user = stack().new_user().await;
    let id = create_inline(&user).await;
    let path = format!("/applications/{id}");
    let patch = |body: Value| {
        let user = user.clone();
        let path = path.clone();
        async move { TestUser::send(user.request(reqwest::Method::PATCH, &path).json(&body)).await }
    };
    let d = patch(json!({ "status": "applied", "notes": "Sent on Monday" })).await;
    let d = d.expect(200);
    assert_eq!(d["status"], "applied");
    assert_eq!(d["notes"], "Sent on Monday");
    let d = patch(json!({ "status": "interviewing" })).await;
    assert_eq!(d.expect(200)["notes"], "Sent on Monday");
    let d = patch(json!({ "notes": null })).await;
    let d = d.expect(200);
    assert!(d["notes"].is_null());
    assert_eq!(d["status"], "interviewing");
    assert!(fields(&patch(json!({ "status": "hired" })).await)["status"].is_string());
    assert!(fields(&patch(json!({ "status": null })).await)["status"].is_string());
    assert!(fields(&patch(json!({})).await)["status"].is_string());
    assert!(fields(&patch(json!({ "notes": "x".repeat(20_001) })).await)["notes"].is_string());
    patch(json!({ "colour": "red" }))
        .await
        .expect_error(422, "validation_failed");
    let empty = TestUser::send(user.request(reqwest::Method::PATCH, &path)).await;
    empty.expect_error(422, "validation_failed");
    // The filter finds it by its new status.
    let list = user.get("/applications?status=interviewing").await;
    assert_eq!(list.expect(200)["items"][0]["id"], id.as_str());
    let list = user.get("/applications?status=offer").await;
    assert_eq!(list.expect(200)["items"], json!([]));
}

#[tokio::test]
async fn communications_and_action_points_are_tracked() {
    let user = stack().new_user().await;
    let id = create_inline(&user).await;
    let comms = format!("/applications/{id}/communications");
    let first = user
        .post_json(
            &comms,
            &json!({ "channel": "email", "direction": "outbound", "subject": "Application", "body": "Please find my CV attached.", "occurred_at": "2026-11-30T09:00:00Z" }),
        )
        .await;
    let first = first.expect(201).clone();
    assert_eq!(first["channel"], "email");
    assert_eq!(first["application_id"], id.as_str());
    let second = user
        .post_json(
            &comms,
            &json!({ "channel": "phone", "direction": "inbound", "body": "Recruiter called", "occurred_at": "2026-12-01T14:00:00+02:00" }),
        )
        .await;
    assert_eq!(second.expect(201)["occurred_at"], "2026-12-01T12:00:00Z");
    // Now by default.
    let third = user
        .post_json(
            &comms,
            &json!({ "channel": "linkedin", "direction": "inbound", "body": "Hi" }),
        )
        .await;
    let third = third.expect(201).clone();
    let page = user.get(&format!("{comms}?limit=2")).await;
    let page = page.expect(200);
    let items = page["items"].as_array().unwrap();
    assert_eq!(items[0]["id"], third["id"]);
    assert_eq!(items[1]["channel"], "phone");
    let next = page["next_cursor"].as_str().unwrap();
    let rest = user.get(&format!("{comms}?limit=2&cursor={next}")).await;
    let rest = rest.expect(200);
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    assert_eq!(rest["items"][0]["id"], first["id"]);
    assert!(rest["next_cursor"].is_null());
    // Validation in the envelope, field by field.
    let r = user
        .post_json(
            &comms,
            &json!({ "channel": "fax", "direction": "sideways", "body": "" }),
        )
        .await;
    let f = fields(&r);
    for field in ["channel", "direction", "body"] {
        assert!(f[field].is_string(), "{field}: {f}");
    }
    let r = user
        .post_json(&comms, &json!({ "channel": "email", "direction": "inbound", "body": "x", "occurred_at": "yesterday" }))
        .await;
    assert!(fields(&r)["occurred_at"].is_string());

    let points = format!("/applications/{id}/action_points");
    let p = user
        .post_json(
            &points,
            &json!({ "title": "Send portfolio", "due_at": "2026-12-10T17:00:00Z" }),
        )
        .await;
    let p = p.expect(201).clone();
    assert_eq!(p["done"], false);
    assert_eq!(p["due_at"], "2026-12-10T17:00:00Z");
    let pid = p["id"].as_str().unwrap();
    user.post_json(
        &points,
        &json!({ "title": "Prepare for the interview", "done": true }),
    )
    .await
    .expect(201);
    assert!(fields(&user.post_json(&points, &json!({ "title": " " })).await)["title"].is_string());
    let list = user.get(&points).await;
    assert_eq!(list.expect(200)["items"].as_array().unwrap().len(), 2);
    let ap = format!("/action_points/{pid}");
    let patch = |body: Value| {
        let user = user.clone();
        let ap = ap.clone();
        async move { TestUser::send(user.request(reqwest::Method::PATCH, &ap).json(&body)).await }
    };
    let d = patch(json!({ "done": true, "due_at": null })).await;
    let d = d.expect(200);
    assert_eq!(d["done"], true);
    assert!(d["due_at"].is_null());
    assert_eq!(d["title"], "Send portfolio");
    let d = patch(json!({ "title": "Send the portfolio" })).await;
    assert_eq!(d.expect(200)["done"], true);
    assert!(fields(&patch(json!({})).await)["title"].is_string());
    assert!(fields(&patch(json!({ "done": null })).await)["done"].is_string());
    assert!(fields(&patch(json!({ "due_at": "soon" })).await)["due_at"].is_string());

    // Inline in the application, too.
    let g = user.get(&format!("/applications/{id}")).await;
    let g = g.expect(200);
    assert_eq!(g["communications"].as_array().unwrap().len(), 3);
    assert_eq!(g["action_points"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn other_users_ids_are_not_found_everywhere() {
    let s = stack();
    let owner = s.new_user().await;
    let other = s.new_user().await;
    let id = create_inline(&owner).await;
    let point = owner
        .post_json(
            &format!("/applications/{id}/action_points"),
            &json!({ "title": "T" }),
        )
        .await;
    let pid = point.expect(201)["id"].as_str().unwrap().to_string();
    // A resume of the owner is not usable by the other user either.
    let db = s.db().await;
    let resume = resume_in_state(&db, owner.id, "parsed").await;
    other
        .post_json(
            "/applications",
            &json!({ "resume_id": resume, "job_description": JOB }),
        )
        .await
        .expect_error(404, "not_found");

    let app = format!("/applications/{id}");
    for r in [
        other.get(&app).await,
        other.get(&format!("{app}/communications")).await,
        other.get(&format!("{app}/action_points")).await,
        other.post_json(&format!("{app}/cvs"), &json!({})).await,
        other
            .post_json(
                &format!("{app}/communications"),
                &json!({ "channel": "email", "direction": "inbound", "body": "x" }),
            )
            .await,
        other
            .post_json(&format!("{app}/action_points"), &json!({ "title": "x" }))
            .await,
        TestUser::send(
            other
                .request(reqwest::Method::PATCH, &app)
                .json(&json!({ "status": "withdrawn" })),
        )
        .await,
        TestUser::send(
            other
                .request(reqwest::Method::PATCH, &format!("/action_points/{pid}"))
                .json(&json!({ "done": true })),
        )
        .await,
        other.delete(&app).await,
    ] {
        r.expect_error(404, "not_found");
    }
    assert_eq!(
        other.get("/applications").await.expect(200)["items"],
        json!([])
    );
    // Untouched for the owner.
    let g = owner.get(&app).await;
    let g = g.expect(200);
    assert_eq!(g["status"], "draft");
    assert_eq!(g["action_points"][0]["done"], false);
    assert_eq!(g["cvs"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn with_temporal_down_nothing_is_left_queued() {
    let s = stack();
    let closed = e2e::free_port().unwrap();
    let base = s
        .extra_gateway(|settings| settings.temporal_address = format!("127.0.0.1:{closed}"))
        .await;
    let user = s.new_user().await.on(&base);
    let r = user
        .post_json(
            "/applications",
            &json!({ "base_cv": base_cv(), "job_description": JOB }),
        )
        .await;
    let e = r.expect_error(503, "unavailable");
    assert!(e["message"].as_str().unwrap().contains("temporal"), "{e}");
    assert_eq!(
        user.get("/applications").await.expect(200)["items"],
        json!([])
    );
}

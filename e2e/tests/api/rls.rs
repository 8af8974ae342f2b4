//! Row-level security in the database itself: what a session with user A's
//! claims and role `authenticated` can see and write.

use e2e::stack;
use serde_json::json;
use sqlx::Row;
use uuid::Uuid;

#[tokio::test]
async fn a_user_sees_and_writes_only_their_own_rows() {
    let s = stack();
    let a = s.new_user().await;
    let b = s.new_user().await;
    let created = b
        .create_text_resume("B's resume", "Bob\nbob@example.com")
        .await;
    let b_resume: Uuid = created["resume"]["id"].as_str().unwrap().parse().unwrap();
    a.create_text_resume("A's resume", "Alice\nalice@example.com")
        .await;

    let pool = s.db().await;
    let claims_a = json!({ "sub": a.id, "role": "authenticated", "aud": "authenticated" });
    let mut tx = shared::db::begin_user_tx(&pool, &claims_a).await.unwrap();

    // Raw SQL with no user filter: only A's rows come back.
    let owners: Vec<Uuid> = sqlx::query("select user_id from resumes")
        .fetch_all(&mut *tx)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("user_id"))
        .collect();
    assert!(!owners.is_empty());
    assert!(owners.iter().all(|o| *o == a.id), "{owners:?}");
    let versions_of_b: i64 =
        sqlx::query_scalar("select count(*) from resume_versions where resume_id = $1")
            .bind(b_resume)
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    assert_eq!(versions_of_b, 0);

    // Updating or deleting B's rows touches nothing.
    let updated = sqlx::query("update resumes set title = 'pwned' where id = $1")
        .bind(b_resume)
        .execute(&mut *tx)
        .await
        .unwrap();
    assert_eq!(updated.rows_affected(), 0);

    // Inserting a row owned by B is refused by the policy.
    let insert =
        sqlx::query("insert into resumes (user_id, title, source) values ($1, 'forged', 'text')")
            .bind(b.id)
            .execute(&mut *tx)
            .await;
    let err = insert.expect_err("RLS must refuse a row for another user");
    assert!(err.to_string().contains("row-level security"), "{err}");
    tx.rollback().await.unwrap();

    // Without claims the authenticated role sees nothing at all.
    let mut tx = shared::db::begin_user_tx(&pool, &json!({})).await.unwrap();
    let n: i64 = sqlx::query_scalar("select count(*) from resumes")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(n, 0);
    tx.rollback().await.unwrap();
}

#[tokio::test]
async fn every_public_table_has_rls_enabled() {
    let pool = stack().db().await;
    let without: Vec<String> = sqlx::query_scalar(
        "select c.relname::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'public' and c.relkind = 'r' and not c.relrowsecurity",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(without.is_empty(), "tables without RLS: {without:?}");
    let task_queue: Option<String> =
        sqlx::query_scalar("select to_regclass('public.task_queue')::text")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(task_queue.is_none(), "Temporal is the queue");
}

/// The six application tables, as PostgREST would run statements for user A:
/// role `authenticated`, A's claims, raw SQL with no user filter. None of B's
/// rows is visible, changeable or deletable, and none can be forged for B.
#[tokio::test]
async fn application_tables_are_isolated_as_behind_postgrest() {
    let s = stack();
    let a = s.new_user().await;
    let b = s.new_user().await;
    let created = b
        .post_json(
            "/applications",
            &json!({
                "base_cv": { "contact": { "name": "Bob" }, "skills": ["Rust"] },
                "job_description": "Backend engineer\nRust"
            }),
        )
        .await;
    let app: Uuid = created.expect(202)["application"]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    b.post_json(
        &format!("/applications/{app}/communications"),
        &json!({ "channel": "email", "direction": "inbound", "body": "Hello Bob" }),
    )
    .await
    .expect(201);
    b.post_json(
        &format!("/applications/{app}/action_points"),
        &json!({ "title": "Reply" }),
    )
    .await
    .expect(201);
    // The worker writes B's job offer, CV and cover letter (service connection).
    let done = crate::generation::wait_generation(&b, &app.to_string()).await;
    assert_eq!(done["generation_status"], "complete", "{done}");
    let pool = s.db().await;
    let offer: Uuid = sqlx::query_scalar("select job_offer_id from applications where id = $1")
        .bind(app)
        .fetch_one(&pool)
        .await
        .unwrap();
    let cv: Uuid = sqlx::query_scalar("select id from cvs where application_id = $1")
        .bind(app)
        .fetch_one(&pool)
        .await
        .unwrap();

    const TABLES: [&str; 6] = [
        "applications",
        "job_offers",
        "cvs",
        "cover_letters",
        "communications",
        "action_points",
    ];
    for table in TABLES {
        let n: i64 =
            sqlx::query_scalar(&format!("select count(*) from {table} where user_id = $1"))
                .bind(b.id)
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(
            n, 1,
            "{table}: B's row must exist for the test to mean anything"
        );
    }

    let claims_a = json!({ "sub": a.id, "role": "authenticated", "aud": "authenticated" });
    let mut tx = shared::db::begin_user_tx(&pool, &claims_a).await.unwrap();
    for table in TABLES {
        let seen: i64 = sqlx::query_scalar(&format!("select count(*) from {table}"))
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        assert_eq!(seen, 0, "{table}: A sees B's rows");
        let updated = sqlx::query(&format!(
            "update {table} set created_at = created_at where user_id = $1"
        ))
        .bind(b.id)
        .execute(&mut *tx)
        .await
        .unwrap();
        assert_eq!(updated.rows_affected(), 0, "{table}: A updated B's rows");
        let deleted = sqlx::query(&format!("delete from {table} where user_id = $1"))
            .bind(b.id)
            .execute(&mut *tx)
            .await
            .unwrap();
        assert_eq!(deleted.rows_affected(), 0, "{table}: A deleted B's rows");
    }
    tx.commit().await.unwrap();

    // Forging a row owned by B is refused by every table's policy.
    let forgeries = [
        (
            "applications",
            "insert into applications (user_id, base_cv) values ($1, '{}')",
        ),
        ("job_offers", "insert into job_offers (user_id) values ($1)"),
        (
            "cvs",
            "insert into cvs (user_id, application_id, version_no) values ($1, $2, 99)",
        ),
        (
            "cover_letters",
            "insert into cover_letters (user_id, application_id, cv_id, body_json, body_text) values ($1, $2, $3, '{}', 'x')",
        ),
        (
            "communications",
            "insert into communications (user_id, application_id, channel, direction, body) values ($1, $2, 'email', 'inbound', 'x')",
        ),
        (
            "action_points",
            "insert into action_points (user_id, application_id, title) values ($1, $2, 'x')",
        ),
    ];
    for (table, sql) in forgeries {
        let mut tx = shared::db::begin_user_tx(&pool, &claims_a).await.unwrap();
        let mut q = sqlx::query(sql).bind(b.id);
        if sql.contains("$2") {
            q = q.bind(app);
        }
        if sql.contains("$3") {
            q = q.bind(cv);
        }
        let err = q
            .execute(&mut *tx)
            .await
            .expect_err(&format!("{table}: RLS must refuse a row for another user"));
        assert!(
            err.to_string().contains("row-level security"),
            "{table}: {err}"
        );
        tx.rollback().await.unwrap();
    }

    // A row of A's own attached to B's application (or pointing at B's resume) is
    // refused too: child rows must belong to an application of the same user.
    let a_id = a.id;
    let attachments = [
        (
            "communications",
            "insert into communications (user_id, application_id, channel, direction, body) values ($1, $2, 'email', 'inbound', 'x')",
        ),
        (
            "action_points",
            "insert into action_points (user_id, application_id, title) values ($1, $2, 'x')",
        ),
        (
            "cvs",
            "insert into cvs (user_id, application_id, version_no) values ($1, $2, 98)",
        ),
        (
            "cover_letters",
            "insert into cover_letters (user_id, application_id, cv_id, body_json, body_text) values ($1, $2, $3, '{}', 'x')",
        ),
        (
            "applications",
            "insert into applications (user_id, base_cv, job_offer_id) values ($1, '{}', $2)",
        ),
    ];
    for (table, sql) in attachments {
        let mut tx = shared::db::begin_user_tx(&pool, &claims_a).await.unwrap();
        let mut q = sqlx::query(sql).bind(a_id);
        q = q.bind(if table == "applications" { offer } else { app });
        if sql.contains("$3") {
            q = q.bind(cv);
        }
        let err = q.execute(&mut *tx).await.expect_err(&format!(
            "{table}: a row under another user's application must be refused"
        ));
        assert!(
            err.to_string().contains("row-level security"),
            "{table}: {err}"
        );
        tx.rollback().await.unwrap();
    }

    // B still has everything.
    for table in TABLES {
        let n: i64 =
            sqlx::query_scalar(&format!("select count(*) from {table} where user_id = $1"))
                .bind(b.id)
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(n, 1, "{table}");
    }
    let g = b.get(&format!("/applications/{app}")).await;
    let letter = &g.expect(200)["cvs"][0]["cover_letter"]["body_text"];
    assert!(
        letter.as_str().is_some_and(|t| t.contains("Bob")),
        "{letter}"
    );
}

/// The request's claims reach Postgres exactly as the token carried them, whatever they
/// contain (they travel as a string literal in the one-round-trip `BEGIN`), and the
/// settings end with the transaction.
#[tokio::test]
async fn claims_with_quotes_and_backslashes_reach_postgres_unchanged() {
    let s = stack();
    let a = s.new_user().await;
    let pool = s.db().await;
    let claims = json!({
        "sub": a.id, "role": "authenticated",
        "email": "o'brien\\\"x'; set role postgres; --@example.com",
        "user_metadata": { "name": "ع'\\\\' \u{1}", "nested": ["'", "\\", "\"", "$$"] },
    });
    let mut tx = shared::db::begin_user_tx(&pool, &claims).await.unwrap();
    let (seen, role, uid): (String, String, Option<Uuid>) = sqlx::query_as(
        "select current_setting('request.jwt.claims'), current_user::text, auth.uid()",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    let seen: serde_json::Value = serde_json::from_str(&seen).unwrap();
    assert_eq!(seen, claims);
    assert_eq!(role, "authenticated");
    assert_eq!(uid, Some(a.id));
    tx.commit().await.unwrap();

    // The same connection afterwards: back to the pool's own role, no claims.
    let mut conn = pool.acquire().await.unwrap();
    let (claims_after, role_after): (Option<String>, String) = sqlx::query_as(
        "select nullif(current_setting('request.jwt.claims', true), ''), current_user::text",
    )
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    assert_eq!(claims_after, None);
    assert_ne!(role_after, "authenticated");
}

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

//! Operator commands used by `scripts/dev` and docker-compose.
//!
//! ```text
//! smartresume-admin db-setup [--local-bootstrap]   create the database if missing, (locally) add
//!                                                  what Supabase provides, apply migrations
//! smartresume-admin dev-user [--email E]           create a local user, print a 24 h access token
//! ```
//! Settings come from the usual environment (`DATABASE_URL`, `SUPABASE_JWT_SECRET`, ...).

use anyhow::{Context, bail};
use secrecy::ExposeSecret;
use shared::config::{Component, Settings};
use std::time::Duration;
use uuid::Uuid;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let settings = match Settings::load(Component::Tool) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    match args.first().map(String::as_str) {
        Some("db-setup") => {
            let bootstrap = args.iter().any(|a| a == "--local-bootstrap");
            let pool = shared::db::prepare(settings.database_url(), bootstrap).await?;
            pool.close().await;
            println!(
                "database ready: {}",
                shared::config::redact_url(settings.database_url())
            );
        }
        Some("dev-user") => {
            let email = flag(&args, "--email").unwrap_or_else(|| "dev@smartresume.local".into());
            // A stable id per e-mail, so re-running the dev script keeps the user's data.
            let id = Uuid::new_v5(
                &Uuid::NAMESPACE_URL,
                format!("smartresume-dev:{email}").as_bytes(),
            );
            let pool = shared::db::connect(settings.database_url(), 1)?;
            let mut conn = pool.acquire().await.context("connect to the database")?;
            shared::db::ensure_auth_user(&mut conn, id, Some(&email)).await?;
            drop(conn);
            pool.close().await;
            let Some(secret) = settings.supabase_jwt_secret.as_ref() else {
                bail!("SUPABASE_JWT_SECRET must be set to mint a development token");
            };
            let token = shared::auth::mint_hs256(
                secret.expose_secret(),
                id,
                Duration::from_secs(24 * 3600),
                serde_json::json!({ "email": email }),
            )?;
            println!("{token}");
        }
        _ => {
            eprintln!(
                "usage: smartresume-admin db-setup [--local-bootstrap] | dev-user [--email E]"
            );
            std::process::exit(2);
        }
    }
    Ok(())
}

fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

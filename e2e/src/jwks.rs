//! A local JWKS endpoint (like Supabase's `/auth/v1/.well-known/jwks.json`)
//! whose key set tests can replace, to exercise ES256 and key rotation.

use axum::{Json, Router, extract::State, routing::get};
use serde_json::{Value, json};
use std::sync::{
    Arc, RwLock,
    atomic::{AtomicUsize, Ordering},
};

#[derive(Clone, Default)]
struct Keys {
    set: Arc<RwLock<Vec<Value>>>,
    fetches: Arc<AtomicUsize>,
}

pub struct JwksServer {
    pub base_url: String,
    keys: Keys,
}

impl JwksServer {
    pub async fn start() -> anyhow::Result<JwksServer> {
        let keys = Keys::default();
        let app = Router::new()
            .route("/auth/v1/.well-known/jwks.json", get(serve))
            .with_state(keys.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(JwksServer { base_url, keys })
    }

    /// Replace the published keys (JWK objects).
    pub fn publish(&self, keys: Vec<Value>) {
        *self.keys.set.write().unwrap_or_else(|p| p.into_inner()) = keys;
    }

    /// Add keys to the published set.
    pub fn add(&self, key: Value) {
        self.keys
            .set
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .push(key);
    }

    pub fn fetches(&self) -> usize {
        self.keys.fetches.load(Ordering::SeqCst)
    }
}

async fn serve(State(keys): State<Keys>) -> Json<Value> {
    keys.fetches.fetch_add(1, Ordering::SeqCst);
    let set = keys.set.read().unwrap_or_else(|p| p.into_inner()).clone();
    Json(json!({ "keys": set }))
}

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::AuthError;

/// Mints a Supabase-shaped HS256 access token, for development and tests.
///
/// The payload is `{ aud: "authenticated", role: "authenticated", sub, iat: now,
/// exp: now + ttl }` plus every field of `extra` (an object, or `null` for none), merged last:
/// `extra` may add `email`, `iss`, `is_anonymous`, ... or override defaults (`"aud": "x"`);
/// a `null` value removes the claim (`"exp": null` mints a token without `exp`).
///
/// # Errors
/// [`AuthError::Internal`] when `extra` is neither an object nor `null`.
pub fn mint_hs256(
    secret: &str,
    sub: Uuid,
    ttl: Duration,
    extra: Value,
) -> Result<String, AuthError> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| AuthError::Internal("system clock before 1970".to_owned()))?
        .as_secs();
    let exp = now.saturating_add(ttl.as_secs());
    let mut claims: Map<String, Value> = match json!({
        "aud": "authenticated",
        "role": "authenticated",
        "sub": sub,
        "iat": now,
        "exp": exp,
    }) {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    match extra {
        Value::Null => {}
        Value::Object(extra) => {
            for (k, v) in extra {
                if v.is_null() {
                    claims.remove(&k);
                } else {
                    claims.insert(k, v);
                }
            }
        }
        _ => {
            return Err(AuthError::Internal(
                "extra claims must be a JSON object".to_owned(),
            ));
        }
    }
    let mut header = Header::new(Algorithm::HS256);
    header.typ = Some("JWT".to_owned());
    jsonwebtoken::encode(
        &header,
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .map_err(|_| AuthError::Internal("could not sign token".to_owned()))
}

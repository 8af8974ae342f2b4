use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The `aud` claim: a single string or an array of strings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    Single(String),
    Multiple(Vec<String>),
}

impl Audience {
    /// Whether `aud` names `audience`.
    #[must_use]
    pub fn contains(&self, audience: &str) -> bool {
        match self {
            Self::Single(a) => a == audience,
            Self::Multiple(list) => list.iter().any(|a| a == audience),
        }
    }
}

/// The claims of a verified Supabase access token. Claims not modelled here (`session_id`,
/// `aal`, `amr`, `app_metadata`, `user_metadata`, `phone`, ...) are kept in `extra`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    pub aud: Audience,
    pub exp: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_anonymous: Option<bool>,
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Claims {
    /// The claims as a JSON object (re-serialised; [`VerifiedToken::claims_json`] holds the
    /// payload exactly as it was signed).
    #[must_use]
    pub fn raw(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// Supabase anonymous sign-in (`is_anonymous: true`).
    #[must_use]
    pub fn is_anonymous(&self) -> bool {
        self.is_anonymous.unwrap_or(false)
    }
}

/// A token that passed every check.
#[derive(Clone, Debug)]
pub struct VerifiedToken {
    /// `sub`, the Supabase user id.
    pub user_id: Uuid,
    /// The full payload as signed, e.g. for Postgres `request.jwt.claims`.
    pub claims_json: serde_json::Value,
    pub claims: Claims,
}

impl VerifiedToken {
    /// Supabase anonymous sign-in (`is_anonymous: true`).
    #[must_use]
    pub fn is_anonymous(&self) -> bool {
        self.claims.is_anonymous()
    }
}

use std::time::Duration;

use secrecy::SecretString;
use url::Url;

/// How access tokens are verified.
///
/// `Debug` never prints the secret (it is a [`SecretString`]).
#[derive(Clone, Debug)]
pub struct AuthConfig {
    /// The project's HS256 JWT secret (its UTF-8 bytes are the HMAC key).
    /// `None`, empty or blank disables HS256.
    pub jwt_secret: Option<SecretString>,
    /// e.g. `https://<ref>.supabase.co/auth/v1/.well-known/jwks.json`.
    /// `None` disables ES256/RS256.
    pub jwks_url: Option<Url>,
    /// Expected `iss`; checked (and required) only when `Some`.
    pub issuer: Option<String>,
    /// Required member of `aud`; Supabase uses `"authenticated"`.
    pub audience: String,
    /// How long a fetched JWKS is trusted before it is refetched.
    pub jwks_cache_ttl: Duration,
    /// Clock-skew leeway for `exp` / `nbf`, in seconds (capped at 300).
    pub leeway_secs: u64,
}

impl Default for AuthConfig {
    /// No keys configured, audience `authenticated`, 10 min JWKS cache, 30 s leeway.
    fn default() -> Self {
        Self {
            jwt_secret: None,
            jwks_url: None,
            issuer: None,
            audience: "authenticated".to_owned(),
            jwks_cache_ttl: Duration::from_mins(10),
            leeway_secs: 30,
        }
    }
}

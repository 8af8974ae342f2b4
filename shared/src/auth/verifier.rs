use std::str::FromStr;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, Validation};
use secrecy::ExposeSecret;
use serde_json::Value;
use uuid::Uuid;

use super::jwks::{JwksCache, VerifyKey};
use super::{AuthConfig, AuthError, Claims, VerifiedToken};

/// Longest token accepted (Supabase access tokens are ~1 KiB).
const MAX_TOKEN_LEN: usize = 16 * 1024;
/// Upper bound for [`AuthConfig::leeway_secs`].
const MAX_LEEWAY_SECS: u64 = 300;

/// Verifies Supabase access tokens. Cheap to clone (shares its key cache).
#[derive(Clone)]
pub struct Verifier {
    inner: Arc<Inner>,
}

struct Inner {
    hs256: Option<Arc<VerifyKey>>,
    jwks: Option<JwksCache>,
    issuer: Option<String>,
    audience: String,
    leeway_secs: u64,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("hs256", &self.inner.hs256.is_some())
            .field("jwks", &self.inner.jwks.is_some())
            .field("issuer", &self.inner.issuer)
            .field("audience", &self.inner.audience)
            .finish_non_exhaustive()
    }
}

/// The parts of the JOSE header we act on.
struct TokenHeader {
    alg: Algorithm,
    kid: Option<String>,
}

impl Verifier {
    /// Builds a verifier. Nothing is fetched until the first token with a `kid` arrives.
    /// An empty or blank `jwt_secret` is ignored (an empty HMAC key would accept forgeries).
    #[must_use]
    pub fn new(cfg: AuthConfig, http: reqwest::Client) -> Self {
        let hs256 = cfg.jwt_secret.as_ref().and_then(|s| {
            let secret = s.expose_secret();
            if secret.trim().is_empty() {
                tracing::error!("auth: jwt_secret is empty; HS256 tokens will be rejected");
                return None;
            }
            if secret.len() < 32 {
                tracing::warn!("auth: jwt_secret is shorter than 32 bytes");
            }
            Some(Arc::new(VerifyKey {
                alg: Algorithm::HS256,
                key: DecodingKey::from_secret(secret.as_bytes()),
            }))
        });
        let jwks = cfg
            .jwks_url
            .map(|url| JwksCache::new(url, http, cfg.jwks_cache_ttl));
        Self {
            inner: Arc::new(Inner {
                hs256,
                jwks,
                issuer: cfg.issuer,
                audience: cfg.audience,
                leeway_secs: cfg.leeway_secs.min(MAX_LEEWAY_SECS),
            }),
        }
    }

    /// Verifies `token` (the bare JWT, see [`bearer_token`]) and returns its user and claims.
    ///
    /// # Errors
    /// Every rejection reason is an [`AuthError`] variant; only
    /// [`AuthError::JwksUnavailable`] is not the token's fault.
    pub async fn verify(&self, token: &str) -> Result<VerifiedToken, AuthError> {
        let token = token.trim();
        if token.is_empty() {
            return Err(AuthError::Missing);
        }
        if token.len() > MAX_TOKEN_LEN {
            return Err(AuthError::Malformed);
        }
        let header = parse_header(token)?;
        let key = self.select_key(&header).await?;
        // The algorithm is the key's; the header must agree with it.
        if header.alg != key.alg {
            return Err(AuthError::AlgorithmMismatch);
        }
        self.check(token, &key)
    }

    async fn select_key(&self, header: &TokenHeader) -> Result<Arc<VerifyKey>, AuthError> {
        let inner = &self.inner;
        let Some(kid) = header.kid.as_deref() else {
            // No kid: only the project secret can apply.
            return inner.hs256.clone().ok_or(AuthError::UnknownKey);
        };
        if header.alg.family() == AlgorithmFamily::Hmac {
            // HMAC never uses JWKS material. A kid that names a JWKS key we already hold
            // selects that (asymmetric) key, so the algorithm check rejects the token.
            // Any other kid falls back to the project secret, as Supabase Auth does.
            if let Some(key) = inner
                .jwks
                .as_ref()
                .and_then(JwksCache::cached)
                .and_then(|set| set.get(kid))
            {
                return Ok(key);
            }
            return inner.hs256.clone().ok_or(AuthError::UnsupportedAlgorithm);
        }
        match &inner.jwks {
            Some(jwks) => jwks.key(kid).await,
            None => Err(AuthError::UnknownKey),
        }
    }

    fn check(&self, token: &str, key: &VerifyKey) -> Result<VerifiedToken, AuthError> {
        let inner = &self.inner;
        let mut validation = Validation::new(key.alg);
        validation.leeway = inner.leeway_secs;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.validate_aud = true;
        validation.set_audience(&[inner.audience.as_str()]);
        // Presence of aud/iss/sub is checked below, in a fixed order.
        validation.set_required_spec_claims(&["exp"]);
        if let Some(iss) = &inner.issuer {
            validation.set_issuer(&[iss.as_str()]);
        }

        let data = jsonwebtoken::decode::<Value>(token, &key.key, &validation)?;
        let claims_json = data.claims;
        let Value::Object(map) = &claims_json else {
            return Err(AuthError::Malformed);
        };
        if !map.contains_key("aud") {
            return Err(AuthError::WrongAudience);
        }
        if inner.issuer.is_some() && !map.contains_key("iss") {
            return Err(AuthError::WrongIssuer);
        }
        let user_id = match map.get("sub") {
            None | Some(Value::Null) => return Err(AuthError::MissingSub),
            Some(Value::String(s)) => Uuid::parse_str(s).map_err(|_| AuthError::InvalidSub)?,
            Some(_) => return Err(AuthError::InvalidSub),
        };
        let claims: Claims =
            serde_json::from_value(claims_json.clone()).map_err(|_| AuthError::Malformed)?;
        Ok(VerifiedToken {
            user_id,
            claims_json,
            claims,
        })
    }
}

/// Decodes the JOSE header without trusting it: `alg` `none` (any case) and algorithms
/// we do not know are rejected before any key is looked at.
fn parse_header(token: &str) -> Result<TokenHeader, AuthError> {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(AuthError::Malformed);
    };
    if h.is_empty() || p.is_empty() {
        return Err(AuthError::Malformed);
    }
    let bytes = URL_SAFE_NO_PAD
        .decode(h)
        .map_err(|_| AuthError::Malformed)?;
    let Ok(Value::Object(header)) = serde_json::from_slice::<Value>(&bytes) else {
        return Err(AuthError::Malformed);
    };
    let Some(Value::String(alg)) = header.get("alg") else {
        return Err(AuthError::Malformed);
    };
    if alg.trim().eq_ignore_ascii_case("none") {
        return Err(AuthError::UnsupportedAlgorithm);
    }
    let alg = Algorithm::from_str(alg).map_err(|_| AuthError::UnsupportedAlgorithm)?;
    if s.is_empty() {
        return Err(AuthError::BadSignature);
    }
    // We implement no JWS extensions, so any critical one makes the token unusable.
    if header.contains_key("crit") {
        return Err(AuthError::UnsupportedAlgorithm);
    }
    let kid = match header.get("kid") {
        None | Some(Value::Null) => None,
        Some(Value::String(k)) => Some(k.clone()),
        Some(_) => return Err(AuthError::Malformed),
    };
    Ok(TokenHeader { alg, kid })
}

/// Extracts the token from an `Authorization` header value: `Bearer <token>`, scheme
/// case-insensitive, surrounding whitespace ignored.
///
/// # Errors
/// [`AuthError::Missing`] for an empty value or an empty token, [`AuthError::Malformed`] for
/// another scheme or a token containing whitespace.
pub fn bearer_token(header_value: &str) -> Result<&str, AuthError> {
    let value = header_value.trim();
    if value.is_empty() {
        return Err(AuthError::Missing);
    }
    let (scheme, rest) = match value.split_once(|c: char| c.is_ascii_whitespace()) {
        Some((scheme, rest)) => (scheme, rest.trim()),
        None => (value, ""),
    };
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(AuthError::Malformed);
    }
    if rest.is_empty() {
        return Err(AuthError::Missing);
    }
    if rest.contains(|c: char| c.is_whitespace() || c.is_control()) {
        return Err(AuthError::Malformed);
    }
    Ok(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_parsing() {
        assert_eq!(bearer_token("Bearer abc.def.ghi"), Ok("abc.def.ghi"));
        assert_eq!(bearer_token("  bearer   abc.def.ghi  "), Ok("abc.def.ghi"));
        assert_eq!(bearer_token("BEARER\tabc"), Ok("abc"));
        assert_eq!(bearer_token(""), Err(AuthError::Missing));
        assert_eq!(bearer_token("   "), Err(AuthError::Missing));
        assert_eq!(bearer_token("Bearer"), Err(AuthError::Missing));
        assert_eq!(bearer_token("Bearer   "), Err(AuthError::Missing));
        assert_eq!(
            bearer_token("Basic dXNlcjpwdw=="),
            Err(AuthError::Malformed)
        );
        assert_eq!(bearer_token("Bearerabc"), Err(AuthError::Malformed));
        assert_eq!(bearer_token("abc.def.ghi"), Err(AuthError::Malformed));
        assert_eq!(bearer_token("Bearer a b"), Err(AuthError::Malformed));
    }

    fn b64(s: &str) -> String {
        URL_SAFE_NO_PAD.encode(s)
    }

    #[test]
    fn header_parsing() {
        let tok = |h: &str| format!("{}.{}.sig", b64(h), b64("{}"));
        assert!(matches!(
            parse_header(&tok(r#"{"alg":"none"}"#)),
            Err(AuthError::UnsupportedAlgorithm)
        ));
        assert!(matches!(
            parse_header(&tok(r#"{"alg":"NoNe"}"#)),
            Err(AuthError::UnsupportedAlgorithm)
        ));
        assert!(matches!(
            parse_header(&tok(r#"{"alg":"HS999"}"#)),
            Err(AuthError::UnsupportedAlgorithm)
        ));
        assert!(matches!(
            parse_header(&tok(r#"{"alg":"HS256","crit":["exp"]}"#)),
            Err(AuthError::UnsupportedAlgorithm)
        ));
        assert!(matches!(
            parse_header(&tok(r#"{"typ":"JWT"}"#)),
            Err(AuthError::Malformed)
        ));
        assert!(matches!(
            parse_header(&tok(r#"{"alg":"ES256","kid":7}"#)),
            Err(AuthError::Malformed)
        ));
        assert!(matches!(parse_header("a.b"), Err(AuthError::Malformed)));
        assert!(matches!(parse_header("a.b.c.d"), Err(AuthError::Malformed)));
        assert!(matches!(parse_header("!!.b.c"), Err(AuthError::Malformed)));
        let h = parse_header(&tok(r#"{"alg":"ES256","kid":"k1","typ":"JWT"}"#)).unwrap();
        assert_eq!(h.alg, Algorithm::ES256);
        assert_eq!(h.kid.as_deref(), Some("k1"));
    }

    #[test]
    fn verifier_is_clone_send_sync() {
        fn assert_traits<T: Clone + Send + Sync + 'static>() {}
        assert_traits::<Verifier>();
    }
}

//! JWKS parsing and the shared, rate-limited cache.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey};
use serde::Deserialize;
use url::Url;

use super::AuthError;

/// Per-request timeout of a JWKS fetch.
pub(crate) const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
/// At most one refetch per this interval is caused by unknown `kid`s.
pub(crate) const UNKNOWN_KID_REFETCH_INTERVAL: Duration = Duration::from_secs(30);
/// After a failed fetch, no new attempt is made for this long.
pub(crate) const FAILURE_BACKOFF: Duration = Duration::from_secs(5);
/// When a refresh fails, an expired JWKS is still used for this long past its TTL.
pub(crate) const STALE_GRACE: Duration = Duration::from_hours(1);
/// Largest JWKS document accepted.
const MAX_JWKS_BYTES: usize = 256 * 1024;
/// Smallest RSA modulus accepted.
const MIN_RSA_BITS: usize = 2048;

/// A verification key and the one algorithm it may be used with.
pub(crate) struct VerifyKey {
    pub(crate) alg: Algorithm,
    pub(crate) key: DecodingKey,
}

/// One successfully fetched JWKS.
pub(crate) struct KeySet {
    keys: HashMap<String, Arc<VerifyKey>>,
    fetched_at: Instant,
}

impl KeySet {
    pub(crate) fn get(&self, kid: &str) -> Option<Arc<VerifyKey>> {
        self.keys.get(kid).cloned()
    }

    fn age(&self) -> Duration {
        self.fetched_at.elapsed()
    }
}

#[derive(Deserialize)]
struct RawJwks {
    keys: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct RawJwk {
    kty: String,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default)]
    alg: Option<String>,
    #[serde(default, rename = "use")]
    use_: Option<String>,
    #[serde(default)]
    key_ops: Option<Vec<String>>,
    #[serde(default)]
    crv: Option<String>,
    #[serde(default)]
    x: Option<String>,
    #[serde(default)]
    y: Option<String>,
    #[serde(default)]
    n: Option<String>,
    #[serde(default)]
    e: Option<String>,
}

/// Parses a JWKS document. Keys that are unusable for verifying signatures (symmetric,
/// encryption-only, no `kid`, unsupported curve, inconsistent `alg`, weak RSA, duplicate
/// `kid`) are skipped; a document that is not a JWKS at all is an error.
pub(crate) fn parse_jwks(body: &[u8]) -> Result<HashMap<String, Arc<VerifyKey>>, String> {
    let raw: RawJwks = serde_json::from_slice(body).map_err(|_| "invalid JWKS document")?;
    let mut keys = HashMap::new();
    for value in raw.keys {
        let Ok(jwk) = serde_json::from_value::<RawJwk>(value) else {
            tracing::debug!("skipping unparsable JWK");
            continue;
        };
        let Some(kid) = jwk.kid.clone() else {
            tracing::debug!("skipping JWK without kid");
            continue;
        };
        match key_from_jwk(&jwk) {
            Ok(key) => {
                if keys.contains_key(&kid) {
                    tracing::warn!(kid = %kid, "duplicate kid in JWKS; keeping the first key");
                    continue;
                }
                keys.insert(kid, Arc::new(key));
            }
            Err(why) => tracing::debug!(kid = %kid, why, "skipping JWK"),
        }
    }
    Ok(keys)
}

fn b64_decode(s: &str) -> Result<Vec<u8>, &'static str> {
    URL_SAFE_NO_PAD
        .decode(s.trim_end_matches('='))
        .map_err(|_| "bad base64url")
}

fn key_from_jwk(jwk: &RawJwk) -> Result<VerifyKey, &'static str> {
    if let Some(u) = &jwk.use_
        && u != "sig"
    {
        return Err("use is not sig");
    }
    if let Some(ops) = &jwk.key_ops
        && !ops.iter().any(|o| o == "verify")
    {
        return Err("key_ops lacks verify");
    }
    match jwk.kty.as_str() {
        "EC" => {
            if jwk.crv.as_deref() != Some("P-256") {
                return Err("unsupported curve");
            }
            match jwk.alg.as_deref() {
                None | Some("ES256") => {}
                Some(_) => return Err("alg inconsistent with P-256"),
            }
            let (Some(x), Some(y)) = (&jwk.x, &jwk.y) else {
                return Err("missing x/y");
            };
            if b64_decode(x)?.len() != 32 || b64_decode(y)?.len() != 32 {
                return Err("bad P-256 coordinates");
            }
            let key = DecodingKey::from_ec_components(x, y).map_err(|_| "bad EC key")?;
            Ok(VerifyKey {
                alg: Algorithm::ES256,
                key,
            })
        }
        "RSA" => {
            let alg = match jwk.alg.as_deref() {
                None | Some("RS256") => Algorithm::RS256,
                Some("RS384") => Algorithm::RS384,
                Some("RS512") => Algorithm::RS512,
                Some("PS256") => Algorithm::PS256,
                Some("PS384") => Algorithm::PS384,
                Some("PS512") => Algorithm::PS512,
                Some(_) => return Err("alg inconsistent with RSA"),
            };
            let (Some(n), Some(e)) = (&jwk.n, &jwk.e) else {
                return Err("missing n/e");
            };
            let n_bytes = b64_decode(n)?;
            let first = n_bytes
                .iter()
                .position(|b| *b != 0)
                .unwrap_or(n_bytes.len());
            let n_bits = match n_bytes.get(first) {
                Some(top) => (n_bytes.len() - first - 1) * 8 + (8 - top.leading_zeros() as usize),
                None => 0,
            };
            if n_bits < MIN_RSA_BITS {
                return Err("RSA modulus too small");
            }
            let e_bytes = b64_decode(e)?;
            if e_bytes.is_empty() || e_bytes.len() > 8 {
                return Err("bad RSA exponent");
            }
            let key = DecodingKey::from_rsa_components(n, e).map_err(|_| "bad RSA key")?;
            Ok(VerifyKey { alg, key })
        }
        // Never accept symmetric ("oct") or other keys from a JWKS.
        _ => Err("unsupported kty"),
    }
}

#[derive(Default)]
struct FetchGate {
    /// When the last fetch attempt finished and whether it failed.
    last_attempt: Option<(Instant, Option<String>)>,
    /// When unknown `kid`s last caused (or consumed) a fetch.
    last_unknown_kid_fetch: Option<Instant>,
}

/// Why a caller wants the JWKS refreshed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Want {
    /// No JWKS yet, or it is older than the TTL.
    Refresh,
    /// The cached JWKS is fresh but lacks the `kid`.
    UnknownKid,
}

pub(crate) struct JwksCache {
    url: Url,
    http: reqwest::Client,
    ttl: Duration,
    current: RwLock<Option<Arc<KeySet>>>,
    gate: tokio::sync::Mutex<FetchGate>,
}

impl JwksCache {
    pub(crate) fn new(url: Url, http: reqwest::Client, ttl: Duration) -> Self {
        Self {
            url,
            http,
            ttl,
            current: RwLock::new(None),
            gate: tokio::sync::Mutex::new(FetchGate::default()),
        }
    }

    /// The cached JWKS, if any (fresh or not).
    pub(crate) fn cached(&self) -> Option<Arc<KeySet>> {
        match self.current.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn store(&self, set: Arc<KeySet>) {
        match self.current.write() {
            Ok(mut g) => *g = Some(set),
            Err(poisoned) => *poisoned.into_inner() = Some(set),
        }
    }

    fn is_fresh(&self, set: &KeySet) -> bool {
        set.age() < self.ttl
    }

    /// The key for `kid`, fetching / refetching the JWKS as the rules allow.
    pub(crate) async fn key(&self, kid: &str) -> Result<Arc<VerifyKey>, AuthError> {
        let started = Instant::now();
        let snapshot = self.cached();
        let want = match &snapshot {
            Some(set) if self.is_fresh(set) => match set.get(kid) {
                Some(k) => return Ok(k),
                None => Want::UnknownKid,
            },
            _ => Want::Refresh,
        };

        match self.refresh(want, started, kid).await {
            Ok(set) => set.get(kid).ok_or(AuthError::UnknownKey),
            Err(RefreshError::RateLimited) => Err(AuthError::UnknownKey),
            Err(RefreshError::Unavailable(reason)) => {
                // Stale-if-error: keep verifying with keys we already had.
                if let Some(set) = &snapshot
                    && set.age() < self.ttl.saturating_add(STALE_GRACE)
                    && let Some(k) = set.get(kid)
                {
                    tracing::warn!(reason = %reason, "JWKS refresh failed; using cached keys");
                    return Ok(k);
                }
                Err(AuthError::JwksUnavailable(reason))
            }
        }
    }

    /// Refreshes the JWKS (single flight). Returns the JWKS to look the key up in.
    async fn refresh(
        &self,
        want: Want,
        started: Instant,
        kid: &str,
    ) -> Result<Arc<KeySet>, RefreshError> {
        let mut gate = self.gate.lock().await;

        // Someone else finished a fetch while we waited for the gate: share its outcome.
        if let Some((finished, outcome)) = &gate.last_attempt
            && *finished >= started
        {
            return match outcome {
                None => self
                    .cached()
                    .ok_or(RefreshError::Unavailable("no JWKS cached".to_owned())),
                Some(reason) => Err(RefreshError::Unavailable(reason.clone())),
            };
        }

        if want == Want::UnknownKid
            && let Some(at) = gate.last_unknown_kid_fetch
            && at.elapsed() < UNKNOWN_KID_REFETCH_INTERVAL
        {
            tracing::debug!("unknown kid; JWKS refetch rate limited");
            return Err(RefreshError::RateLimited);
        }

        if let Some((finished, Some(reason))) = &gate.last_attempt
            && finished.elapsed() < FAILURE_BACKOFF
        {
            return Err(RefreshError::Unavailable(reason.clone()));
        }

        if want == Want::UnknownKid {
            gate.last_unknown_kid_fetch = Some(Instant::now());
        }
        let result = self.fetch().await;
        let finished = Instant::now();
        match result {
            Ok(keys) => {
                let set = Arc::new(KeySet {
                    keys,
                    fetched_at: finished,
                });
                self.store(set.clone());
                gate.last_attempt = Some((finished, None));
                // A fetch made for this token counts as its one refetch: if the kid is
                // still unknown, further unknown kids wait out the interval.
                if want == Want::Refresh && set.get(kid).is_none() {
                    gate.last_unknown_kid_fetch = Some(finished);
                }
                Ok(set)
            }
            Err(reason) => {
                tracing::warn!(url = %self.url, reason = %reason, "JWKS fetch failed");
                gate.last_attempt = Some((finished, Some(reason.clone())));
                Err(RefreshError::Unavailable(reason))
            }
        }
    }

    async fn fetch(&self) -> Result<HashMap<String, Arc<VerifyKey>>, String> {
        let mut resp = self
            .http
            .get(self.url.clone())
            .header(reqwest::header::ACCEPT, "application/json")
            .timeout(FETCH_TIMEOUT)
            .send()
            .await
            .map_err(|e| describe(&e))?;
        let status = resp.status();
        if !status.is_success() {
            return Err(format!("JWKS endpoint answered HTTP {}", status.as_u16()));
        }
        if resp
            .content_length()
            .is_some_and(|len| len > MAX_JWKS_BYTES as u64)
        {
            return Err("JWKS document too large".to_owned());
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| describe(&e))? {
            if body.len() + chunk.len() > MAX_JWKS_BYTES {
                return Err("JWKS document too large".to_owned());
            }
            body.extend_from_slice(&chunk);
        }
        let keys = parse_jwks(&body)?;
        tracing::debug!(keys = keys.len(), "fetched JWKS");
        Ok(keys)
    }
}

enum RefreshError {
    RateLimited,
    Unavailable(String),
}

fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "JWKS request timed out".to_owned()
    } else if e.is_connect() {
        "could not connect to JWKS endpoint".to_owned()
    } else {
        "JWKS request failed".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(bytes: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(bytes)
    }

    fn rsa_n(bits: usize) -> String {
        let mut n = vec![0xffu8; bits / 8];
        n[0] = 0xc3;
        b64(&n)
    }

    #[test]
    fn parses_usable_keys_and_skips_the_rest() {
        let ec = serde_json::json!({"kty":"EC","crv":"P-256","kid":"ec","x":b64(&[1;32]),"y":b64(&[2;32]),"use":"sig","alg":"ES256"});
        let rsa = serde_json::json!({"kty":"RSA","kid":"rsa","n":rsa_n(2048),"e":"AQAB"});
        let ps =
            serde_json::json!({"kty":"RSA","kid":"ps","n":rsa_n(2048),"e":"AQAB","alg":"PS256"});
        let doc = serde_json::json!({"keys":[
            ec, rsa, ps,
            {"kty":"oct","kid":"hmac","k":"c2VjcmV0"},
            {"kty":"RSA","kid":"weak","n":rsa_n(1024),"e":"AQAB"},
            {"kty":"RSA","kid":"enc","n":rsa_n(2048),"e":"AQAB","use":"enc"},
            {"kty":"RSA","kid":"ops","n":rsa_n(2048),"e":"AQAB","key_ops":["encrypt"]},
            {"kty":"RSA","kid":"bad-alg","n":rsa_n(2048),"e":"AQAB","alg":"ES256"},
            {"kty":"EC","crv":"P-256","kid":"ec-hs","x":b64(&[1;32]),"y":b64(&[2;32]),"alg":"HS256"},
            {"kty":"EC","crv":"P-384","kid":"p384","x":b64(&[1;48]),"y":b64(&[2;48])},
            {"kty":"EC","crv":"P-256","kid":"short","x":b64(&[1;31]),"y":b64(&[2;32])},
            {"kty":"RSA","n":rsa_n(2048),"e":"AQAB"},
            {"kty":"OKP","crv":"Ed25519","kid":"ed","x":b64(&[1;32])},
            {"kty":"RSA","kid":"ec","n":rsa_n(2048),"e":"AQAB"},
            {"kty":"RSA","kid":"weird","alg":"RSA-OAEP","n":rsa_n(2048),"e":"AQAB"},
            "not a key"
        ]});
        let keys = parse_jwks(doc.to_string().as_bytes()).unwrap();
        let mut kids: Vec<_> = keys.keys().cloned().collect();
        kids.sort();
        assert_eq!(kids, ["ec", "ps", "rsa"]);
        assert_eq!(keys["ec"].alg, Algorithm::ES256);
        assert_eq!(keys["rsa"].alg, Algorithm::RS256);
        assert_eq!(keys["ps"].alg, Algorithm::PS256);
    }

    #[test]
    fn rejects_non_jwks_documents() {
        assert!(parse_jwks(b"<html>").is_err());
        assert!(parse_jwks(b"{\"nokeys\":[]}").is_err());
        assert_eq!(parse_jwks(b"{\"keys\":[]}").unwrap().len(), 0);
    }
}

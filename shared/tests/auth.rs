//! End-to-end tests: real keys, real signatures, a real local HTTP server for the JWKS.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicU16, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use shared::auth::{AuthConfig, AuthError, Verifier, bearer_token, mint_hs256};
use uuid::Uuid;

const SECRET: &str = "super-secret-jwt-token-with-at-least-32-characters-long";
const JWKS_PATH: &str = "/auth/v1/.well-known/jwks.json";

// ---------------------------------------------------------------- keys

struct EcKey {
    enc: EncodingKey,
    kid: String,
    jwk: Value,
}

fn ec_key(kid: &str) -> EcKey {
    use p256::ecdsa::SigningKey;
    use p256::pkcs8::EncodePrivateKey;
    let sk = SigningKey::random(&mut p256::elliptic_curve::rand_core::OsRng);
    let der = sk.to_pkcs8_der().unwrap();
    let point = sk.verifying_key().to_encoded_point(false);
    let jwk = json!({
        "kty": "EC", "crv": "P-256", "kid": kid, "use": "sig", "alg": "ES256", "key_ops": ["verify"],
        "x": URL_SAFE_NO_PAD.encode(point.x().unwrap()),
        "y": URL_SAFE_NO_PAD.encode(point.y().unwrap()),
    });
    EcKey {
        enc: EncodingKey::from_ec_der(der.as_bytes()),
        kid: kid.to_owned(),
        jwk,
    }
}

struct RsaKey {
    enc: EncodingKey,
    kid: String,
    jwk: Value,
    /// Every public serialisation an attacker could try as an HMAC secret.
    public_forms: Vec<Vec<u8>>,
}

/// 2048-bit RSA key generation is slow; generate once per test binary.
static RSA: LazyLock<RsaKey> = LazyLock::new(|| {
    use rsa::pkcs1::{EncodeRsaPrivateKey, EncodeRsaPublicKey};
    use rsa::pkcs8::{EncodePublicKey, LineEnding};
    use rsa::traits::PublicKeyParts;
    let kid = "rsa-key-1";
    let sk = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
    let pk = sk.to_public_key();
    let der = sk.to_pkcs1_der().unwrap();
    let jwk = json!({
        "kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
        "n": URL_SAFE_NO_PAD.encode(pk.n().to_bytes_be()),
        "e": URL_SAFE_NO_PAD.encode(pk.e().to_bytes_be()),
    });
    let jwk_no_alg = json!({"kty": "RSA", "kid": kid, "n": jwk["n"], "e": jwk["e"]});
    let public_forms = vec![
        pk.to_pkcs1_pem(LineEnding::LF).unwrap().into_bytes(),
        pk.to_pkcs1_pem(LineEnding::CRLF).unwrap().into_bytes(),
        pk.to_public_key_pem(LineEnding::LF).unwrap().into_bytes(),
        pk.to_pkcs1_der().unwrap().as_bytes().to_vec(),
        pk.to_public_key_der().unwrap().as_bytes().to_vec(),
        jwk.to_string().into_bytes(),
        jwk_no_alg.to_string().into_bytes(),
        serde_json::to_vec_pretty(&jwk).unwrap(),
        pk.n().to_bytes_be(),
    ];
    RsaKey {
        enc: EncodingKey::from_rsa_der(der.as_bytes()),
        kid: kid.to_owned(),
        jwk,
        public_forms,
    }
});

// ---------------------------------------------------------------- tokens

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn supabase_claims(sub: Uuid) -> Value {
    json!({
        "aud": "authenticated",
        "exp": now() + 3600,
        "iat": now(),
        "iss": "https://example.supabase.co/auth/v1",
        "sub": sub,
        "email": "user@example.com",
        "phone": "",
        "app_metadata": {"provider": "email", "providers": ["email"]},
        "user_metadata": {"full_name": "Test User"},
        "role": "authenticated",
        "aal": "aal1",
        "amr": [{"method": "password", "timestamp": now()}],
        "session_id": Uuid::new_v4(),
        "is_anonymous": false,
    })
}

fn with(mut claims: Value, patch: Value) -> Value {
    for (k, v) in patch.as_object().unwrap() {
        if v.is_null() {
            claims.as_object_mut().unwrap().remove(k);
        } else {
            claims[k] = v.clone();
        }
    }
    claims
}

fn sign(alg: Algorithm, kid: Option<&str>, claims: &Value, key: &EncodingKey) -> String {
    let mut header = Header::new(alg);
    header.typ = Some("JWT".to_owned());
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, key).unwrap()
}

fn hs256(claims: &Value) -> String {
    sign(
        Algorithm::HS256,
        None,
        claims,
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )
}

/// Builds `header.payload.signature` by hand, HMAC-SHA256 with an arbitrary key.
fn hand_hs256(header: &Value, claims: &Value, hmac_key: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    let msg = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(hmac_key).unwrap();
    mac.update(msg.as_bytes());
    format!(
        "{msg}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    )
}

fn unsigned(header: &Value, claims: &Value, sig: &str) -> String {
    format!(
        "{}.{}.{sig}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

// ---------------------------------------------------------------- JWKS server

#[derive(Clone)]
struct JwksServer {
    base: String,
    hits: Arc<AtomicUsize>,
    doc: Arc<RwLock<Value>>,
    status: Arc<AtomicU16>,
    delay_ms: Arc<AtomicU64>,
}

async fn jwks_handler(State(s): State<JwksServer>) -> Response {
    s.hits.fetch_add(1, Ordering::SeqCst);
    let delay = s.delay_ms.load(Ordering::SeqCst);
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    let status = StatusCode::from_u16(s.status.load(Ordering::SeqCst)).unwrap();
    if status != StatusCode::OK {
        return (status, "upstream trouble").into_response();
    }
    let doc = s.doc.read().unwrap().clone();
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        doc.to_string(),
    )
        .into_response()
}

impl JwksServer {
    async fn start(keys: Vec<Value>) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = JwksServer {
            base: format!("http://{addr}"),
            hits: Arc::default(),
            doc: Arc::new(RwLock::new(json!({ "keys": keys }))),
            status: Arc::new(AtomicU16::new(200)),
            delay_ms: Arc::default(),
        };
        let app = Router::new()
            .route(JWKS_PATH, get(jwks_handler))
            .with_state(server.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        server
    }

    fn url(&self) -> url::Url {
        format!("{}{JWKS_PATH}", self.base).parse().unwrap()
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }

    fn set_keys(&self, keys: Vec<Value>) {
        *self.doc.write().unwrap() = json!({ "keys": keys });
    }

    fn set_body(&self, doc: Value) {
        *self.doc.write().unwrap() = doc;
    }

    fn set_status(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }
}

fn config(jwks: Option<url::Url>) -> AuthConfig {
    AuthConfig {
        jwt_secret: Some(SECRET.into()),
        jwks_url: jwks,
        issuer: None,
        audience: "authenticated".to_owned(),
        jwks_cache_ttl: Duration::from_secs(600),
        leeway_secs: 30,
    }
}

fn verifier(cfg: AuthConfig) -> Verifier {
    Verifier::new(cfg, shared::telemetry::http_client().unwrap())
}

/// A port nothing listens on.
async fn dead_url() -> url::Url {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}{JWKS_PATH}").parse().unwrap()
}

// ================================================================ HS256 + claims

#[tokio::test]
async fn valid_hs256_token() {
    let v = verifier(config(None));
    let sub = Uuid::new_v4();
    let claims = supabase_claims(sub);
    let got = v.verify(&hs256(&claims)).await.unwrap();
    assert_eq!(got.user_id, sub);
    assert_eq!(got.claims.sub, sub);
    assert_eq!(
        got.claims_json, claims,
        "claims_json is the payload as signed"
    );
    assert_eq!(got.claims.email.as_deref(), Some("user@example.com"));
    assert_eq!(got.claims.role.as_deref(), Some("authenticated"));
    assert_eq!(got.claims.is_anonymous, Some(false));
    assert!(!got.is_anonymous());
    assert!(got.claims.aud.contains("authenticated"));
    assert_eq!(got.claims.extra["session_id"], claims["session_id"]);
    assert_eq!(got.claims.extra["app_metadata"]["provider"], "email");
    assert_eq!(got.claims.raw(), claims, "raw() round-trips the payload");
}

#[tokio::test]
async fn bearer_header_then_verify() {
    let v = verifier(config(None));
    let sub = Uuid::new_v4();
    let header = format!("bearer  {} ", hs256(&supabase_claims(sub)));
    let token = bearer_token(&header).unwrap();
    assert_eq!(v.verify(token).await.unwrap().user_id, sub);
    assert_eq!(v.verify("").await.unwrap_err(), AuthError::Missing);
    assert_eq!(v.verify("garbage").await.unwrap_err(), AuthError::Malformed);
    let huge = format!("{}.{}.x", "a".repeat(20_000), "b");
    assert_eq!(v.verify(&huge).await.unwrap_err(), AuthError::Malformed);
}

#[tokio::test]
async fn mint_hs256_produces_supabase_shaped_tokens() {
    let v = verifier(config(None));
    let sub = Uuid::new_v4();
    let token = mint_hs256(
        SECRET,
        sub,
        Duration::from_secs(600),
        json!({"email": "a@b.co", "iss": "https://x.supabase.co/auth/v1", "is_anonymous": true}),
    )
    .unwrap();
    let got = v.verify(&token).await.unwrap();
    assert_eq!(got.user_id, sub);
    assert_eq!(got.claims.email.as_deref(), Some("a@b.co"));
    assert_eq!(
        got.claims.iss.as_deref(),
        Some("https://x.supabase.co/auth/v1")
    );
    assert_eq!(got.claims.role.as_deref(), Some("authenticated"));
    assert!(got.is_anonymous());
    let iat = got.claims.iat.unwrap();
    assert!((got.claims.exp - iat - 600).abs() <= 1);
    assert!((iat - now()).abs() <= 2);

    let plain = mint_hs256(SECRET, sub, Duration::from_secs(60), Value::Null).unwrap();
    let got = v.verify(&plain).await.unwrap();
    assert_eq!(got.claims.email, None);
    assert_eq!(got.claims.iss, None);

    assert!(matches!(
        mint_hs256(SECRET, sub, Duration::from_secs(60), json!([1])),
        Err(AuthError::Internal(_))
    ));
}

#[tokio::test]
async fn expiry_and_leeway() {
    let v = verifier(config(None));
    let base = supabase_claims(Uuid::new_v4());
    let expired = hs256(&with(base.clone(), json!({"exp": now() - 120})));
    assert_eq!(v.verify(&expired).await.unwrap_err(), AuthError::Expired);
    // Within the 30 s leeway.
    let just_expired = hs256(&with(base.clone(), json!({"exp": now() - 5})));
    assert!(v.verify(&just_expired).await.is_ok());
    // mint_hs256 with a zero TTL and an explicit past exp.
    let minted = mint_hs256(
        SECRET,
        Uuid::new_v4(),
        Duration::ZERO,
        json!({"exp": now() - 3600}),
    )
    .unwrap();
    assert_eq!(v.verify(&minted).await.unwrap_err(), AuthError::Expired);
}

#[tokio::test]
async fn missing_or_bad_exp() {
    let v = verifier(config(None));
    let base = supabase_claims(Uuid::new_v4());
    let no_exp = hs256(&with(base.clone(), json!({"exp": null})));
    assert_eq!(v.verify(&no_exp).await.unwrap_err(), AuthError::MissingExp);
    let minted = mint_hs256(
        SECRET,
        Uuid::new_v4(),
        Duration::from_secs(60),
        json!({"exp": null}),
    )
    .unwrap();
    assert_eq!(v.verify(&minted).await.unwrap_err(), AuthError::MissingExp);
    // A non-numeric exp is no expiry at all.
    let str_exp = hs256(&with(base, json!({"exp": "tomorrow"})));
    assert_eq!(v.verify(&str_exp).await.unwrap_err(), AuthError::MissingExp);
}

#[tokio::test]
async fn nbf_is_honoured() {
    let v = verifier(config(None));
    let base = supabase_claims(Uuid::new_v4());
    let future = hs256(&with(base.clone(), json!({"nbf": now() + 600})));
    assert_eq!(v.verify(&future).await.unwrap_err(), AuthError::NotYetValid);
    let skewed = hs256(&with(base.clone(), json!({"nbf": now() + 5})));
    assert!(v.verify(&skewed).await.is_ok());
    let past = hs256(&with(base, json!({"nbf": now() - 5})));
    assert!(v.verify(&past).await.is_ok());
}

#[tokio::test]
async fn audience_rules() {
    let v = verifier(config(None));
    let base = supabase_claims(Uuid::new_v4());
    for aud in [
        json!("anon"),
        json!(["anon", "service"]),
        json!([]),
        json!(""),
    ] {
        let t = hs256(&with(base.clone(), json!({ "aud": aud })));
        assert_eq!(v.verify(&t).await.unwrap_err(), AuthError::WrongAudience);
    }
    let missing = hs256(&with(base.clone(), json!({"aud": null})));
    assert_eq!(
        v.verify(&missing).await.unwrap_err(),
        AuthError::WrongAudience
    );
    let many = hs256(&with(
        base.clone(),
        json!({"aud": ["other", "authenticated"]}),
    ));
    let got = v.verify(&many).await.unwrap();
    assert!(got.claims.aud.contains("authenticated"));

    // Configurable audience.
    let mut cfg = config(None);
    cfg.audience = "custom".to_owned();
    let custom = verifier(cfg);
    assert_eq!(
        custom.verify(&hs256(&base)).await.unwrap_err(),
        AuthError::WrongAudience
    );
    let t = hs256(&with(base, json!({"aud": "custom"})));
    assert!(custom.verify(&t).await.is_ok());
}

#[tokio::test]
async fn issuer_checked_only_when_configured() {
    let iss = "https://example.supabase.co/auth/v1";
    let base = supabase_claims(Uuid::new_v4());
    let right = hs256(&base);
    let wrong = hs256(&with(
        base.clone(),
        json!({"iss": "https://evil.example/auth/v1"}),
    ));
    let none = hs256(&with(base.clone(), json!({"iss": null})));

    let mut cfg = config(None);
    cfg.issuer = Some(iss.to_owned());
    let strict = verifier(cfg);
    assert!(strict.verify(&right).await.is_ok());
    assert_eq!(
        strict.verify(&wrong).await.unwrap_err(),
        AuthError::WrongIssuer
    );
    assert_eq!(
        strict.verify(&none).await.unwrap_err(),
        AuthError::WrongIssuer
    );

    let lax = verifier(config(None));
    for t in [&right, &wrong, &none] {
        assert!(lax.verify(t).await.is_ok());
    }
}

#[tokio::test]
async fn subject_rules() {
    let v = verifier(config(None));
    let base = supabase_claims(Uuid::new_v4());
    let missing = hs256(&with(base.clone(), json!({"sub": null})));
    assert_eq!(v.verify(&missing).await.unwrap_err(), AuthError::MissingSub);
    for sub in [json!("not-a-uuid"), json!(""), json!(12345), json!(true)] {
        let t = hs256(&with(base.clone(), json!({ "sub": sub })));
        assert_eq!(
            v.verify(&t).await.unwrap_err(),
            AuthError::InvalidSub,
            "{sub}"
        );
    }
    let object_sub = hs256(&with(base.clone(), json!({"sub": {"id": 1}})));
    assert!(matches!(
        v.verify(&object_sub).await.unwrap_err(),
        AuthError::InvalidSub | AuthError::Malformed
    ));
    // Supabase's anon key: role anon, no sub, no aud.
    let anon_key = hs256(&json!({"iss": "supabase", "role": "anon", "exp": now() + 60}));
    assert!(v.verify(&anon_key).await.is_err());
}

#[tokio::test]
async fn bad_signatures() {
    let v = verifier(config(None));
    let claims = supabase_claims(Uuid::new_v4());
    let other = sign(
        Algorithm::HS256,
        None,
        &claims,
        &EncodingKey::from_secret(b"another-secret-another-secret-another"),
    );
    assert_eq!(v.verify(&other).await.unwrap_err(), AuthError::BadSignature);

    // Payload swapped after signing (privilege escalation attempt).
    let good = hs256(&claims);
    let evil_payload = URL_SAFE_NO_PAD.encode(
        with(
            claims.clone(),
            json!({"sub": Uuid::new_v4(), "role": "service_role"}),
        )
        .to_string(),
    );
    let parts: Vec<&str> = good.split('.').collect();
    let tampered = format!("{}.{evil_payload}.{}", parts[0], parts[2]);
    assert_eq!(
        v.verify(&tampered).await.unwrap_err(),
        AuthError::BadSignature
    );

    // Signature part removed or truncated.
    let stripped = format!("{}.{}.", parts[0], parts[1]);
    assert_eq!(
        v.verify(&stripped).await.unwrap_err(),
        AuthError::BadSignature
    );
    let truncated = format!("{}.{}.{}", parts[0], parts[1], &parts[2][..40]);
    assert_eq!(
        v.verify(&truncated).await.unwrap_err(),
        AuthError::BadSignature
    );
}

#[tokio::test]
async fn empty_secret_is_never_a_key() {
    let mut cfg = config(None);
    cfg.jwt_secret = Some("".into());
    let v = verifier(cfg);
    let forged = sign(
        Algorithm::HS256,
        None,
        &supabase_claims(Uuid::new_v4()),
        &EncodingKey::from_secret(b""),
    );
    assert_eq!(v.verify(&forged).await.unwrap_err(), AuthError::UnknownKey);
}

#[tokio::test]
async fn alg_none_is_rejected() {
    let server = JwksServer::start(vec![RSA.jwk.clone()]).await;
    let v = verifier(config(Some(server.url())));
    let claims = supabase_claims(Uuid::new_v4());
    let real_sig = hs256(&claims).rsplit('.').next().unwrap().to_owned();
    for alg in ["none", "None", "NONE", "nOnE", " none"] {
        for header in [
            json!({"alg": alg, "typ": "JWT"}),
            json!({"alg": alg, "typ": "JWT", "kid": RSA.kid}),
            json!({"alg": alg, "kid": "unknown"}),
        ] {
            for sig in ["", real_sig.as_str()] {
                let t = unsigned(&header, &claims, sig);
                assert_eq!(
                    v.verify(&t).await.unwrap_err(),
                    AuthError::UnsupportedAlgorithm,
                    "{header} sig={sig:?}"
                );
            }
        }
    }
    assert_eq!(server.hits(), 0, "alg none never reaches the key lookup");
}

#[tokio::test]
async fn token_without_kid_uses_only_the_secret() {
    let server = JwksServer::start(vec![RSA.jwk.clone()]).await;
    let claims = supabase_claims(Uuid::new_v4());
    let rs_no_kid = sign(Algorithm::RS256, None, &claims, &RSA.enc);

    let with_secret = verifier(config(Some(server.url())));
    assert_eq!(
        with_secret.verify(&rs_no_kid).await.unwrap_err(),
        AuthError::AlgorithmMismatch
    );

    let mut cfg = config(Some(server.url()));
    cfg.jwt_secret = None;
    let no_secret = verifier(cfg);
    assert_eq!(
        no_secret.verify(&rs_no_kid).await.unwrap_err(),
        AuthError::UnknownKey
    );
    assert_eq!(
        no_secret.verify(&hs256(&claims)).await.unwrap_err(),
        AuthError::UnknownKey
    );
    assert_eq!(server.hits(), 0, "kid-less tokens never touch the JWKS");
}

#[tokio::test]
async fn hs256_with_foreign_kid_falls_back_to_secret_without_fetching() {
    let server = JwksServer::start(vec![RSA.jwk.clone()]).await;
    let v = verifier(config(Some(server.url())));
    let sub = Uuid::new_v4();
    let t = sign(
        Algorithm::HS256,
        Some("legacy-hs256-kid"),
        &supabase_claims(sub),
        &EncodingKey::from_secret(SECRET.as_bytes()),
    );
    assert_eq!(v.verify(&t).await.unwrap().user_id, sub);
    assert_eq!(server.hits(), 0);

    let mut cfg = config(Some(server.url()));
    cfg.jwt_secret = None;
    assert_eq!(
        verifier(cfg).verify(&t).await.unwrap_err(),
        AuthError::UnsupportedAlgorithm
    );
}

#[tokio::test]
async fn algorithm_confusion_is_rejected() {
    let server = JwksServer::start(vec![RSA.jwk.clone()]).await;
    let claims = supabase_claims(Uuid::new_v4());

    let with_secret = verifier(config(Some(server.url())));
    let mut cfg = config(Some(server.url()));
    cfg.jwt_secret = None;
    let no_secret = verifier(cfg);

    let attack = |form: &[u8], kid: Option<&str>| {
        let mut header = json!({"alg": "HS256", "typ": "JWT"});
        if let Some(kid) = kid {
            header["kid"] = json!(kid);
        }
        hand_hs256(&header, &claims, form)
    };

    // Cold cache: the RSA kid is not known yet, so HS256 can only mean the secret.
    for form in &RSA.public_forms {
        let t = attack(form, Some(&RSA.kid));
        assert_eq!(
            with_secret.verify(&t).await.unwrap_err(),
            AuthError::BadSignature
        );
        assert_eq!(
            no_secret.verify(&t).await.unwrap_err(),
            AuthError::UnsupportedAlgorithm
        );
    }

    // Warm the caches with a genuine RS256 token.
    let genuine = sign(Algorithm::RS256, Some(&RSA.kid), &claims, &RSA.enc);
    assert!(with_secret.verify(&genuine).await.is_ok());
    assert!(no_secret.verify(&genuine).await.is_ok());

    for form in &RSA.public_forms {
        // kid names the RSA key: the key says RS256, the header says HS256.
        let t = attack(form, Some(&RSA.kid));
        assert_eq!(
            with_secret.verify(&t).await.unwrap_err(),
            AuthError::AlgorithmMismatch
        );
        assert_eq!(
            no_secret.verify(&t).await.unwrap_err(),
            AuthError::AlgorithmMismatch
        );
        // No kid: HS256 path, checked against the real secret only.
        let t = attack(form, None);
        assert_eq!(
            with_secret.verify(&t).await.unwrap_err(),
            AuthError::BadSignature
        );
        assert_eq!(
            no_secret.verify(&t).await.unwrap_err(),
            AuthError::UnknownKey
        );
    }

    // Also via jsonwebtoken's own encoder, with the PEM as the HMAC secret.
    let t = sign(
        Algorithm::HS256,
        Some(&RSA.kid),
        &claims,
        &EncodingKey::from_secret(&RSA.public_forms[0]),
    );
    assert_eq!(
        with_secret.verify(&t).await.unwrap_err(),
        AuthError::AlgorithmMismatch
    );
    // Same kid, other asymmetric algorithms are not accepted either.
    let ec = ec_key("ec-attacker");
    let t = sign(Algorithm::ES256, Some(&RSA.kid), &claims, &ec.enc);
    assert_eq!(
        with_secret.verify(&t).await.unwrap_err(),
        AuthError::AlgorithmMismatch
    );
    assert_eq!(server.hits(), 2, "one JWKS fetch per verifier");
}

#[tokio::test]
async fn symmetric_keys_in_jwks_are_ignored() {
    let k = b"jwks-published-hmac-key-jwks-published-hmac-key";
    let oct = json!({"kty": "oct", "kid": "oct-1", "alg": "HS256", "k": URL_SAFE_NO_PAD.encode(k)});
    let server = JwksServer::start(vec![oct, RSA.jwk.clone()]).await;
    let mut cfg = config(Some(server.url()));
    cfg.jwt_secret = None;
    let v = verifier(cfg);
    let claims = supabase_claims(Uuid::new_v4());
    // Warm the cache.
    let genuine = sign(Algorithm::RS256, Some(&RSA.kid), &claims, &RSA.enc);
    assert!(v.verify(&genuine).await.is_ok());
    let t = sign(
        Algorithm::HS256,
        Some("oct-1"),
        &claims,
        &EncodingKey::from_secret(k),
    );
    assert_eq!(
        v.verify(&t).await.unwrap_err(),
        AuthError::UnsupportedAlgorithm
    );
    let with_secret = verifier(config(Some(server.url())));
    assert_eq!(
        with_secret.verify(&t).await.unwrap_err(),
        AuthError::BadSignature
    );
}

// ================================================================ JWKS

#[tokio::test]
async fn es256_and_rs256_via_jwks() {
    let ec = ec_key("ec-key-1");
    let server = JwksServer::start(vec![ec.jwk.clone(), RSA.jwk.clone()]).await;
    let v = verifier(config(Some(server.url())));
    let sub = Uuid::new_v4();
    let claims = supabase_claims(sub);

    let es = sign(Algorithm::ES256, Some(&ec.kid), &claims, &ec.enc);
    let got = v.verify(&es).await.unwrap();
    assert_eq!(got.user_id, sub);
    assert_eq!(got.claims_json, claims);

    let rs = sign(Algorithm::RS256, Some(&RSA.kid), &claims, &RSA.enc);
    assert_eq!(v.verify(&rs).await.unwrap().user_id, sub);
    assert_eq!(server.hits(), 1, "JWKS fetched once and cached");

    // Claims are validated on the JWKS path too.
    let expired = sign(
        Algorithm::ES256,
        Some(&ec.kid),
        &with(claims.clone(), json!({"exp": now() - 600})),
        &ec.enc,
    );
    assert_eq!(v.verify(&expired).await.unwrap_err(), AuthError::Expired);
    let wrong_aud = sign(
        Algorithm::RS256,
        Some(&RSA.kid),
        &with(claims.clone(), json!({"aud": "anon"})),
        &RSA.enc,
    );
    assert_eq!(
        v.verify(&wrong_aud).await.unwrap_err(),
        AuthError::WrongAudience
    );

    // Signed by a different EC key that claims the known kid.
    let impostor = ec_key(&ec.kid);
    let forged = sign(Algorithm::ES256, Some(&ec.kid), &claims, &impostor.enc);
    assert_eq!(
        v.verify(&forged).await.unwrap_err(),
        AuthError::BadSignature
    );

    // Header alg must equal the key's algorithm even within the RSA family.
    let rs512 = sign(Algorithm::RS512, Some(&RSA.kid), &claims, &RSA.enc);
    assert_eq!(
        v.verify(&rs512).await.unwrap_err(),
        AuthError::AlgorithmMismatch
    );
    let ps256 = sign(Algorithm::PS256, Some(&RSA.kid), &claims, &RSA.enc);
    assert_eq!(
        v.verify(&ps256).await.unwrap_err(),
        AuthError::AlgorithmMismatch
    );
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn rsa_jwk_alg_decides_the_algorithm() {
    let mut ps_jwk = RSA.jwk.clone();
    ps_jwk["alg"] = json!("PS256");
    ps_jwk["kid"] = json!("ps-key");
    let mut bare_jwk = RSA.jwk.clone();
    bare_jwk.as_object_mut().unwrap().remove("alg");
    bare_jwk["kid"] = json!("bare-key");
    let server = JwksServer::start(vec![ps_jwk, bare_jwk]).await;
    let v = verifier(config(Some(server.url())));
    let claims = supabase_claims(Uuid::new_v4());

    let ps = sign(Algorithm::PS256, Some("ps-key"), &claims, &RSA.enc);
    assert!(v.verify(&ps).await.is_ok());
    let rs_on_ps = sign(Algorithm::RS256, Some("ps-key"), &claims, &RSA.enc);
    assert_eq!(
        v.verify(&rs_on_ps).await.unwrap_err(),
        AuthError::AlgorithmMismatch
    );

    let rs = sign(Algorithm::RS256, Some("bare-key"), &claims, &RSA.enc);
    assert!(
        v.verify(&rs).await.is_ok(),
        "RSA JWK without alg means RS256"
    );
    let ps_on_bare = sign(Algorithm::PS256, Some("bare-key"), &claims, &RSA.enc);
    assert_eq!(
        v.verify(&ps_on_bare).await.unwrap_err(),
        AuthError::AlgorithmMismatch
    );
}

#[tokio::test]
async fn key_rotation_refetches_once() {
    let a = ec_key("key-a");
    let b = ec_key("key-b");
    let server = JwksServer::start(vec![a.jwk.clone()]).await;
    let v = verifier(config(Some(server.url())));
    let claims = supabase_claims(Uuid::new_v4());

    let ta = sign(Algorithm::ES256, Some(&a.kid), &claims, &a.enc);
    assert!(v.verify(&ta).await.is_ok());
    assert_eq!(server.hits(), 1);

    server.set_keys(vec![a.jwk.clone(), b.jwk.clone()]);
    let tb = sign(Algorithm::ES256, Some(&b.kid), &claims, &b.enc);
    assert!(v.verify(&tb).await.is_ok());
    assert_eq!(server.hits(), 2, "exactly one refetch for the new kid");

    assert!(v.verify(&ta).await.is_ok());
    assert!(v.verify(&tb).await.is_ok());
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn unknown_kids_are_rate_limited() {
    let a = ec_key("key-a");
    let server = JwksServer::start(vec![a.jwk.clone()]).await;
    let v = verifier(config(Some(server.url())));
    let claims = supabase_claims(Uuid::new_v4());
    assert!(
        v.verify(&sign(Algorithm::ES256, Some(&a.kid), &claims, &a.enc))
            .await
            .is_ok()
    );
    assert_eq!(server.hits(), 1);

    let random = |_: usize| {
        let k = ec_key(&Uuid::new_v4().to_string());
        sign(Algorithm::ES256, Some(&k.kid), &claims, &k.enc)
    };
    assert_eq!(
        v.verify(&random(0)).await.unwrap_err(),
        AuthError::UnknownKey
    );
    assert_eq!(server.hits(), 2, "first unknown kid refetches once");
    assert_eq!(
        v.verify(&random(1)).await.unwrap_err(),
        AuthError::UnknownKey
    );
    assert_eq!(server.hits(), 2, "second unknown kid right after does not");

    // A flood, concurrently.
    let tokens: Vec<String> = (0..50).map(random).collect();
    let results = futures_join(&v, tokens).await;
    assert!(results.iter().all(|r| r == &Err(AuthError::UnknownKey)));
    assert_eq!(server.hits(), 2);

    // Known keys keep working.
    assert!(
        v.verify(&sign(Algorithm::ES256, Some(&a.kid), &claims, &a.enc))
            .await
            .is_ok()
    );
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn unknown_kid_on_cold_cache_fetches_once() {
    let a = ec_key("key-a");
    let server = JwksServer::start(vec![a.jwk.clone()]).await;
    let v = verifier(config(Some(server.url())));
    let claims = supabase_claims(Uuid::new_v4());
    for _ in 0..3 {
        let k = ec_key(&Uuid::new_v4().to_string());
        let t = sign(Algorithm::ES256, Some(&k.kid), &claims, &k.enc);
        assert_eq!(v.verify(&t).await.unwrap_err(), AuthError::UnknownKey);
    }
    assert_eq!(server.hits(), 1);
}

async fn futures_join(v: &Verifier, tokens: Vec<String>) -> Vec<Result<Uuid, AuthError>> {
    let handles: Vec<_> = tokens
        .into_iter()
        .map(|t| {
            let v = v.clone();
            tokio::spawn(async move { v.verify(&t).await.map(|ok| ok.user_id) })
        })
        .collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

#[tokio::test]
async fn concurrent_verifications_share_one_fetch() {
    let a = ec_key("key-a");
    let server = JwksServer::start(vec![a.jwk.clone()]).await;
    server.delay_ms.store(300, Ordering::SeqCst);
    let v = verifier(config(Some(server.url())));
    let sub = Uuid::new_v4();
    let t = sign(
        Algorithm::ES256,
        Some(&a.kid),
        &supabase_claims(sub),
        &a.enc,
    );
    let results = futures_join(&v, vec![t; 32]).await;
    assert!(results.iter().all(|r| r == &Ok(sub)));
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn concurrent_failures_share_one_fetch() {
    let a = ec_key("key-a");
    let server = JwksServer::start(vec![a.jwk.clone()]).await;
    server.set_status(502);
    server.delay_ms.store(200, Ordering::SeqCst);
    let v = verifier(config(Some(server.url())));
    let t = sign(
        Algorithm::ES256,
        Some(&a.kid),
        &supabase_claims(Uuid::new_v4()),
        &a.enc,
    );
    let results = futures_join(&v, vec![t; 20]).await;
    assert!(
        results
            .iter()
            .all(|r| matches!(r, Err(AuthError::JwksUnavailable(_))))
    );
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn jwks_down_while_hs256_keeps_working() {
    let a = ec_key("key-a");
    let sub = Uuid::new_v4();
    let claims = supabase_claims(sub);
    let es = sign(Algorithm::ES256, Some(&a.kid), &claims, &a.enc);

    // Nothing listening.
    let v = verifier(config(Some(dead_url().await)));
    let err = v.verify(&es).await.unwrap_err();
    assert!(matches!(err, AuthError::JwksUnavailable(_)), "{err:?}");
    assert!(err.is_server_error());
    assert_eq!(v.verify(&hs256(&claims)).await.unwrap().user_id, sub);

    // Server answering 503: counted, and failures back off instead of hammering.
    let server = JwksServer::start(vec![a.jwk.clone()]).await;
    server.set_status(503);
    let v = verifier(config(Some(server.url())));
    for _ in 0..5 {
        assert!(matches!(
            v.verify(&es).await.unwrap_err(),
            AuthError::JwksUnavailable(_)
        ));
        assert_eq!(v.verify(&hs256(&claims)).await.unwrap().user_id, sub);
    }
    assert_eq!(server.hits(), 1);

    // Not a JWKS document.
    let server = JwksServer::start(vec![]).await;
    server.set_body(json!({"hello": "world"}));
    let v = verifier(config(Some(server.url())));
    assert!(matches!(
        v.verify(&es).await.unwrap_err(),
        AuthError::JwksUnavailable(_)
    ));
}

#[tokio::test]
async fn error_messages_leak_nothing() {
    let server = JwksServer::start(vec![]).await;
    server.set_status(500);
    let v = verifier(config(Some(server.url())));
    let a = ec_key("key-a");
    let es = sign(
        Algorithm::ES256,
        Some(&a.kid),
        &supabase_claims(Uuid::new_v4()),
        &a.enc,
    );
    let unavailable = v.verify(&es).await.unwrap_err();
    let errors = [
        AuthError::Missing,
        AuthError::Malformed,
        AuthError::BadSignature,
        AuthError::Expired,
        AuthError::NotYetValid,
        AuthError::WrongAudience,
        AuthError::WrongIssuer,
        AuthError::MissingExp,
        AuthError::MissingSub,
        AuthError::InvalidSub,
        AuthError::UnsupportedAlgorithm,
        AuthError::AlgorithmMismatch,
        AuthError::UnknownKey,
        unavailable,
    ];
    for e in errors {
        let msg = e.to_string();
        assert!(msg.len() < 80, "{msg}");
        assert!(!msg.contains(SECRET));
        assert!(!msg.contains("127.0.0.1"), "{msg}");
        assert!(!msg.contains(RSA.jwk["n"].as_str().unwrap()));
        assert!(!e.code().is_empty());
    }
    let dbg = format!("{v:?}");
    assert!(!dbg.contains(SECRET), "{dbg}");
    let cfg_dbg = format!("{:?}", config(None));
    assert!(!cfg_dbg.contains(SECRET), "{cfg_dbg}");
}

#[tokio::test]
async fn no_jwks_configured_means_unknown_key() {
    let a = ec_key("key-a");
    let v = verifier(config(None));
    let t = sign(
        Algorithm::ES256,
        Some(&a.kid),
        &supabase_claims(Uuid::new_v4()),
        &a.enc,
    );
    assert_eq!(v.verify(&t).await.unwrap_err(), AuthError::UnknownKey);
}

#[tokio::test]
async fn cache_ttl_is_respected() {
    let a = ec_key("key-a");
    let server = JwksServer::start(vec![a.jwk.clone()]).await;
    let mut cfg = config(Some(server.url()));
    cfg.jwks_cache_ttl = Duration::from_millis(400);
    let v = verifier(cfg);
    let t = sign(
        Algorithm::ES256,
        Some(&a.kid),
        &supabase_claims(Uuid::new_v4()),
        &a.enc,
    );

    for _ in 0..5 {
        assert!(v.verify(&t).await.is_ok());
    }
    assert_eq!(server.hits(), 1, "within TTL: cached");
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(v.verify(&t).await.is_ok());
    assert!(v.verify(&t).await.is_ok());
    assert_eq!(server.hits(), 2, "after TTL: refetched once");

    // A key removed from the JWKS stops verifying once the cache expires.
    server.set_keys(vec![]);
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(v.verify(&t).await.unwrap_err(), AuthError::UnknownKey);
    assert_eq!(server.hits(), 3);
}

#[tokio::test]
async fn stale_keys_are_used_when_refresh_fails() {
    let a = ec_key("key-a");
    let b = ec_key("key-b");
    let server = JwksServer::start(vec![a.jwk.clone()]).await;
    let mut cfg = config(Some(server.url()));
    cfg.jwks_cache_ttl = Duration::from_millis(300);
    let v = verifier(cfg);
    let claims = supabase_claims(Uuid::new_v4());
    let ta = sign(Algorithm::ES256, Some(&a.kid), &claims, &a.enc);
    let tb = sign(Algorithm::ES256, Some(&b.kid), &claims, &b.enc);
    assert!(v.verify(&ta).await.is_ok());

    server.set_status(500);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(v.verify(&ta).await.is_ok(), "stale-if-error");
    assert_eq!(server.hits(), 2);
    assert!(matches!(
        v.verify(&tb).await.unwrap_err(),
        AuthError::JwksUnavailable(_)
    ));
    assert_eq!(server.hits(), 2, "failure backoff");
}

#[test]
fn verify_future_is_send() {
    fn assert_send<T: Send>(_: &T) {}
    let v = Verifier::new(
        AuthConfig::default(),
        shared::telemetry::http_client().unwrap(),
    );
    let fut = v.verify("x.y.z");
    assert_send(&fut);
}

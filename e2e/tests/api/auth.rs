//! Access tokens through the real router.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use e2e::{TestUser, stack};

use serde_json::{Value, json};
use std::time::Duration;
use uuid::Uuid;

fn with_token(token: String) -> TestUser {
    let mut u = stack().anonymous();
    u.token = token;
    u
}

fn hs256(secret: &[u8], header: &Value, claims: &Value) -> String {
    use hmac::{Hmac, Mac};
    let h = URL_SAFE_NO_PAD.encode(header.to_string());
    let c = URL_SAFE_NO_PAD.encode(claims.to_string());
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).unwrap();
    mac.update(format!("{h}.{c}").as_bytes());
    format!(
        "{h}.{c}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    )
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn claims(sub: Uuid) -> Value {
    json!({ "sub": sub, "aud": "authenticated", "role": "authenticated", "exp": now() + 600, "iat": now() })
}

async fn rejected(token: String) {
    let r = with_token(token).get("/resumes").await;
    r.expect_error(401, "unauthorized");
}

#[tokio::test]
async fn a_valid_hs256_token_is_accepted() {
    let user = stack().new_user().await;
    user.get("/resumes").await.expect(200);
}

#[tokio::test]
async fn missing_or_malformed_authorization_is_401() {
    let anon = stack().anonymous();
    anon.get("/resumes").await.expect_error(401, "unauthorized");
    let r = TestUser::send(
        anon.request(reqwest::Method::GET, "/resumes")
            .header("authorization", "Basic abc"),
    )
    .await;
    r.expect_error(401, "unauthorized");
    rejected("not-a-jwt".into()).await;
}

#[tokio::test]
async fn expired_wrong_audience_bad_signature_and_missing_sub_are_401() {
    let s = stack();
    let id = Uuid::new_v4();
    let secret = s.jwt_secret.as_bytes();
    let header = json!({ "alg": "HS256", "typ": "JWT" });

    let mut expired = claims(id);
    expired["exp"] = json!(now() - 3600);
    rejected(hs256(secret, &header, &expired)).await;

    let mut wrong_aud = claims(id);
    wrong_aud["aud"] = json!("anon");
    rejected(hs256(secret, &header, &wrong_aud)).await;

    rejected(hs256(b"some-other-secret-entirely", &header, &claims(id))).await;

    let mut no_sub = claims(id);
    no_sub.as_object_mut().unwrap().remove("sub");
    rejected(hs256(secret, &header, &no_sub)).await;
}

#[tokio::test]
async fn alg_none_is_rejected() {
    let id = Uuid::new_v4();
    for alg in ["none", "None", "NONE"] {
        let h = URL_SAFE_NO_PAD.encode(json!({ "alg": alg, "typ": "JWT" }).to_string());
        let c = URL_SAFE_NO_PAD.encode(claims(id).to_string());
        rejected(format!("{h}.{c}.")).await;
        rejected(format!("{h}.{c}")).await;
    }
}

#[tokio::test]
async fn hs256_signed_with_the_public_key_of_an_rs256_jwks_is_rejected() {
    use rsa::pkcs8::{EncodePublicKey, LineEnding};
    let s = stack();
    let mut rng = rand_core::OsRng;
    let key = rsa::RsaPrivateKey::new(&mut rng, 2048).unwrap();
    let public = key.to_public_key();
    let kid = format!("rsa-{}", Uuid::new_v4().simple());
    let n = URL_SAFE_NO_PAD.encode(rsa::traits::PublicKeyParts::n(&public).to_bytes_be());
    let e = URL_SAFE_NO_PAD.encode(rsa::traits::PublicKeyParts::e(&public).to_bytes_be());
    s.jwks
        .add(json!({ "kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256", "n": n, "e": e }));
    let pem = public.to_public_key_pem(LineEnding::LF).unwrap();
    let user = s.new_user().await;
    for header in [
        json!({ "alg": "HS256", "typ": "JWT", "kid": kid }),
        json!({ "alg": "HS256", "typ": "JWT" }),
    ] {
        rejected(hs256(pem.as_bytes(), &header, &claims(user.id))).await;
    }
}

#[tokio::test]
async fn es256_tokens_verify_against_the_jwks_and_a_rotated_key_is_picked_up() {
    use jsonwebtoken::{Algorithm, EncodingKey, Header};
    use p256::{ecdsa::SigningKey, pkcs8::EncodePrivateKey};
    let s = stack();
    let user = s.new_user().await;

    let make_key = || {
        let sk = SigningKey::random(&mut rand_core::OsRng);
        let point = sk.verifying_key().to_encoded_point(false);
        let kid = format!("ec-{}", Uuid::new_v4().simple());
        let jwk = json!({
            "kty": "EC", "crv": "P-256", "kid": kid, "use": "sig", "alg": "ES256",
            "x": URL_SAFE_NO_PAD.encode(point.x().unwrap()),
            "y": URL_SAFE_NO_PAD.encode(point.y().unwrap()),
        });
        let der = sk.to_pkcs8_der().unwrap();
        (kid, jwk, EncodingKey::from_ec_der(der.as_bytes()))
    };
    let sign = |kid: &str, key: &EncodingKey| {
        let mut h = Header::new(Algorithm::ES256);
        h.kid = Some(kid.to_string());
        jsonwebtoken::encode(&h, &claims(user.id), key).unwrap()
    };

    let (kid_a, jwk_a, key_a) = make_key();
    s.jwks.add(jwk_a);
    with_token(sign(&kid_a, &key_a))
        .get("/resumes")
        .await
        .expect(200);

    // Rotation: a new key appears in the JWKS; its tokens work at once.
    let (kid_b, jwk_b, key_b) = make_key();
    s.jwks.add(jwk_b);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let r = with_token(sign(&kid_b, &key_b)).get("/resumes").await;
    r.expect(200);
    // A key that is not published is refused.
    let (kid_c, _jwk_c, key_c) = make_key();
    rejected(sign(&kid_c, &key_c)).await;
}

// A deleted account (no `auth.users` row) with provisioning off: see provisioning.rs.

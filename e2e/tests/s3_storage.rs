//! The S3 blob store against a real S3 implementation: `moto_server`
//! (PyPI `moto[server]`, installed by `scripts/test`), started by each test
//! on a free port and killed when the test ends.
//!
//! moto does not check signatures, so the second test puts a small
//! Supabase-like front in between: it serves the S3 API under
//! `/storage/v1/s3` (a path prefix, like Supabase Storage), verifies the AWS
//! Signature V4 of every request (header-signed and presigned, expiry
//! included) with its own implementation of the spec, and only then forwards
//! the request, prefix stripped, to moto.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use axum::{
    Router,
    body::Bytes,
    http::{HeaderMap, Method, StatusCode, Uri},
    response::{IntoResponse, Response},
};
use hmac::{Hmac, Mac};
use secrecy::SecretString;
use sha2::{Digest, Sha256};
use shared::{
    storage::s3::{S3BlobStore, S3Config},
    storage::{BlobStore, StorageError},
};
use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

const BUCKET: &str = "smartresume-test";
const ACCESS_KEY: &str = "AKIATESTKEY0000";
const SECRET: &str = "test-secret-access-key-0123456789";
const REGION: &str = "eu-central-1";

async fn moto() -> e2e::moto::Moto {
    e2e::moto::start(BUCKET).await.unwrap()
}

fn store(endpoint: &str, secret: &str) -> S3BlobStore {
    S3BlobStore::new(S3Config {
        endpoint: Some(endpoint.to_string()),
        bucket: BUCKET.into(),
        region: REGION.into(),
        access_key_id: ACCESS_KEY.into(),
        secret_access_key: SecretString::from(secret),
        force_path_style: true,
    })
    .unwrap()
}

async fn plain_get(url: &str) -> (u16, Bytes) {
    let res = shared::telemetry::http_client()
        .unwrap()
        .get(url)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.bytes().await.unwrap())
}

#[tokio::test]
async fn files_round_trip_through_moto() {
    let moto = moto().await;
    let s3 = store(&moto.url, SECRET);
    assert_eq!(s3.kind(), "s3");
    let path = "resumes/u1/r1/v1/original.pdf";
    let pdf = Bytes::from_static(b"%PDF-1.7 pretend resume \x00\x01\xff");

    assert!(!s3.exists(path).await.unwrap());
    s3.put(path, pdf.clone(), "application/pdf").await.unwrap();
    assert!(s3.exists(path).await.unwrap());
    assert_eq!(s3.get(path).await.unwrap(), pdf);
    // Writing twice is harmless.
    s3.put(path, pdf.clone(), "application/pdf").await.unwrap();

    // A presigned link works without any credentials.
    let link = s3
        .download_url(path, Duration::from_secs(300), Some("resume.pdf"))
        .await
        .unwrap();
    assert!(
        link.url
            .starts_with(&format!("{}/{BUCKET}/{path}?", moto.url)),
        "{}",
        link.url
    );
    let res = shared::telemetry::http_client()
        .unwrap()
        .get(&link.url)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(
        res.headers().get("content-type").unwrap(),
        "application/pdf"
    );
    assert_eq!(res.bytes().await.unwrap(), pdf);

    // Delete, then it is gone; deleting again is fine.
    s3.delete(path).await.unwrap();
    assert!(matches!(s3.get(path).await, Err(StorageError::NotFound(p)) if p == path));
    assert!(!s3.exists(path).await.unwrap());
    s3.delete(path).await.unwrap();
    s3.delete("resumes/never/was/here.txt").await.unwrap();

    // delete_prefix removes exactly the files under prefix/.
    for p in [
        "resumes/u1/r2/v1/original.txt",
        "resumes/u1/r2/v2/original.txt",
        "resumes/u1/r2/v2/cv.pdf",
        "resumes/u1/r20/v1/original.txt",
        "resumes/u1/r3/v1/original.txt",
    ] {
        s3.put(p, Bytes::from(p.to_string()), "text/plain")
            .await
            .unwrap();
    }
    assert_eq!(s3.delete_prefix("resumes/u1/r2").await.unwrap(), 3);
    assert!(!s3.exists("resumes/u1/r2/v2/cv.pdf").await.unwrap());
    assert_eq!(
        s3.get("resumes/u1/r20/v1/original.txt").await.unwrap(),
        Bytes::from_static(b"resumes/u1/r20/v1/original.txt")
    );
    assert!(s3.exists("resumes/u1/r3/v1/original.txt").await.unwrap());
    assert_eq!(s3.delete_prefix("resumes/u1/r2").await.unwrap(), 0);

    // Paths are checked before anything is sent.
    assert!(matches!(
        s3.put("../etc/passwd", Bytes::new(), "text/plain").await,
        Err(StorageError::BadPath(_))
    ));
}

#[tokio::test]
async fn a_missing_bucket_or_server_is_unavailable_not_not_found() {
    let moto = moto().await;
    let other = S3BlobStore::new(S3Config {
        endpoint: Some(moto.url.clone()),
        bucket: "no-such-bucket".into(),
        region: REGION.into(),
        access_key_id: ACCESS_KEY.into(),
        secret_access_key: SecretString::from(SECRET),
        force_path_style: true,
    })
    .unwrap();
    let e = other
        .put("a/b.txt", Bytes::from_static(b"x"), "text/plain")
        .await
        .unwrap_err();
    assert!(matches!(e, StorageError::Unavailable(_)), "{e:?}");
    assert!(!e.to_string().contains(SECRET));

    let gone = store(
        &format!("http://127.0.0.1:{}", e2e::free_port().unwrap()),
        SECRET,
    );
    let e = gone.get("a/b.txt").await.unwrap_err();
    assert!(matches!(e, StorageError::Unavailable(_)), "{e:?}");
}

// --- a Supabase-like front: path prefix + SigV4 verification ---------------

const PREFIX: &str = "/storage/v1/s3";

/// Method, path and verdict of one request.
type Seen = (String, String, Result<(), String>);

#[derive(Clone)]
struct Front {
    upstream: String,
    /// (method, path, verdict) of every request.
    log: Arc<Mutex<Vec<Seen>>>,
}

impl Front {
    fn refusals(&self) -> Vec<String> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter_map(|(m, p, r)| r.as_ref().err().map(|e| format!("{m} {p}: {e}")))
            .collect()
    }

    fn accepted(&self) -> usize {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, _, r)| r.is_ok())
            .count()
    }
}

async fn start_front(upstream: &str) -> (String, Front) {
    let front = Front {
        upstream: upstream.to_string(),
        log: Arc::default(),
    };
    let state = front.clone();
    let app = Router::new().fallback(
        move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
            let state = state.clone();
            async move { proxy(state, method, uri, headers, body).await }
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}{PREFIX}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (base, front)
}

fn s3_error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        [("content-type", "application/xml")],
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message></Error>"
        ),
    )
        .into_response()
}

async fn proxy(
    front: Front,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(rest) = uri.path().strip_prefix(PREFIX) else {
        return s3_error(
            StatusCode::NOT_FOUND,
            "NoSuchKey",
            "outside the S3 endpoint",
        );
    };
    let verdict = verify_sigv4(&method, &uri, &headers, &body, chrono::Utc::now());
    front.log.lock().unwrap().push((
        method.to_string(),
        uri.path().to_string(),
        verdict.clone().map_err(|(_, m)| m),
    ));
    if let Err((code, message)) = verdict {
        return s3_error(StatusCode::FORBIDDEN, code, &message);
    }
    let mut url = format!("{}{rest}", front.upstream);
    if let Some(q) = uri.query() {
        url.push('?');
        url.push_str(q);
    }
    let mut req = shared::telemetry::http_client()
        .unwrap()
        .request(method, url);
    for (name, value) in &headers {
        if !matches!(name.as_str(), "host" | "content-length" | "connection") {
            req = req.header(name, value);
        }
    }
    let res = req.body(body).send().await.unwrap();
    let status = res.status();
    let mut out = Response::builder().status(status);
    for (name, value) in res.headers() {
        if !matches!(name.as_str(), "transfer-encoding" | "connection") {
            out = out.header(name, value);
        }
    }
    out.body(axum::body::Body::from(res.bytes().await.unwrap()))
        .unwrap()
}

type Refusal = (&'static str, String);

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap();
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// Percent-decoding only (`+` is a literal plus in SigV4).
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// SigV4 URI encoding: everything but `A-Za-z0-9-_.~` as `%XX`.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// AWS Signature Version 4, as S3 checks it, for header-signed requests
/// and presigned URLs.
fn verify_sigv4(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), Refusal> {
    let deny = |m: &str| ("AccessDenied", m.to_string());
    let pairs: Vec<(String, String)> = uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect();
    let q = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };

    let presigned = q("X-Amz-Signature").is_some();
    let (credential, signed_headers, signature, amz_date, payload_hash) = if presigned {
        if q("X-Amz-Algorithm").as_deref() != Some("AWS4-HMAC-SHA256") {
            return Err(deny("unsupported X-Amz-Algorithm"));
        }
        let amz_date = q("X-Amz-Date").ok_or_else(|| deny("no X-Amz-Date"))?;
        let expires: i64 = q("X-Amz-Expires")
            .and_then(|e| e.parse().ok())
            .ok_or_else(|| deny("no X-Amz-Expires"))?;
        if !(1..=604_800).contains(&expires) {
            return Err(deny("X-Amz-Expires out of range"));
        }
        let signed_at = chrono::NaiveDateTime::parse_from_str(&amz_date, "%Y%m%dT%H%M%SZ")
            .map_err(|_| deny("bad X-Amz-Date"))?
            .and_utc();
        if now > signed_at + chrono::Duration::seconds(expires) {
            return Err(deny("Request has expired"));
        }
        (
            q("X-Amz-Credential").ok_or_else(|| deny("no X-Amz-Credential"))?,
            q("X-Amz-SignedHeaders").ok_or_else(|| deny("no X-Amz-SignedHeaders"))?,
            q("X-Amz-Signature").unwrap_or_default(),
            amz_date,
            "UNSIGNED-PAYLOAD".to_string(),
        )
    } else {
        let auth = header("authorization").ok_or_else(|| deny("anonymous request"))?;
        let fields = auth
            .strip_prefix("AWS4-HMAC-SHA256 ")
            .ok_or_else(|| deny("unsupported Authorization scheme"))?;
        let field = |name: &str| {
            fields
                .split(',')
                .map(str::trim)
                .find_map(|f| f.strip_prefix(&format!("{name}=")).map(str::to_string))
                .ok_or_else(|| deny("malformed Authorization header"))
        };
        let amz_date = header("x-amz-date").ok_or_else(|| deny("no x-amz-date"))?;
        let signed_at = chrono::NaiveDateTime::parse_from_str(&amz_date, "%Y%m%dT%H%M%SZ")
            .map_err(|_| deny("bad x-amz-date"))?
            .and_utc();
        if (now - signed_at).num_minutes().abs() > 15 {
            return Err(("RequestTimeTooSkewed", "request time too skewed".into()));
        }
        let payload_hash =
            header("x-amz-content-sha256").ok_or_else(|| deny("no x-amz-content-sha256"))?;
        if payload_hash != "UNSIGNED-PAYLOAD" && payload_hash != hex(&Sha256::digest(body)) {
            return Err((
                "XAmzContentSHA256Mismatch",
                "the body does not match x-amz-content-sha256".into(),
            ));
        }
        (
            field("Credential")?,
            field("SignedHeaders")?,
            field("Signature")?,
            amz_date,
            payload_hash,
        )
    };

    let scope: Vec<&str> = credential.split('/').collect();
    let [key_id, day, region, service, "aws4_request"] = scope[..] else {
        return Err(deny("malformed credential scope"));
    };
    if key_id != ACCESS_KEY {
        return Err(("InvalidAccessKeyId", "unknown access key".into()));
    }
    if region != REGION || service != "s3" || !amz_date.starts_with(day) {
        return Err(deny("wrong credential scope"));
    }
    let signed: Vec<&str> = signed_headers.split(';').collect();
    if !signed.contains(&"host") {
        return Err(deny("host is not signed"));
    }

    let mut query: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| k != "X-Amz-Signature")
        .map(|(k, v)| (encode(k), encode(v)))
        .collect();
    query.sort();
    let canonical_query = query
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let mut canonical_headers = String::new();
    for name in &signed {
        let values: Vec<String> = headers
            .get_all(*name)
            .iter()
            .map(|v| {
                v.to_str()
                    .unwrap_or("")
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        if values.is_empty() {
            return Err(deny("a signed header is missing"));
        }
        canonical_headers.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    let canonical_request = format!(
        "{method}\n{}\n{canonical_query}\n{canonical_headers}\n{signed_headers}\n{payload_hash}",
        uri.path()
    );
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{day}/{region}/s3/aws4_request\n{}",
        hex(&Sha256::digest(canonical_request.as_bytes()))
    );
    let k_date = hmac(format!("AWS4{SECRET}").as_bytes(), day);
    let k_region = hmac(&k_date, region);
    let k_service = hmac(&k_region, "s3");
    let k_signing = hmac(&k_service, "aws4_request");
    let expected = hex(&hmac(&k_signing, &string_to_sign));
    if expected != signature {
        return Err((
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided".into(),
        ));
    }
    Ok(())
}

#[tokio::test]
async fn a_supabase_style_endpoint_with_a_path_prefix_gets_valid_signatures() {
    let moto = moto().await;
    let (endpoint, front) = start_front(&moto.url).await;
    let s3 = store(&endpoint, SECRET);
    let path = "resumes/u2/r1/v1/original.docx";
    let doc = Bytes::from(vec![7u8; 70_000]);

    s3.put(path, doc.clone(), "application/octet-stream")
        .await
        .unwrap();
    assert!(s3.exists(path).await.unwrap());
    assert_eq!(s3.get(path).await.unwrap(), doc);
    assert!(matches!(
        s3.get("resumes/u2/r1/v9/none.txt").await,
        Err(StorageError::NotFound(_))
    ));
    for p in [
        "resumes/u2/r9/a.txt",
        "resumes/u2/r9/b.txt",
        "resumes/u2/r9/c/d.txt",
    ] {
        s3.put(p, Bytes::from_static(b"x"), "text/plain")
            .await
            .unwrap();
    }
    assert_eq!(s3.delete_prefix("resumes/u2/r9").await.unwrap(), 3);
    assert!(front.refusals().is_empty(), "{:?}", front.refusals());
    assert!(front.accepted() >= 8, "{}", front.accepted());

    // A presigned link: under the prefix, accepted with no credentials.
    let other = "resumes/u2/r1/v1/secret-other.pdf";
    s3.put(other, Bytes::from_static(b"not yours"), "application/pdf")
        .await
        .unwrap();
    let link = s3
        .download_url(path, Duration::from_secs(120), Some("Résumé (final).docx"))
        .await
        .unwrap();
    assert!(
        link.url
            .starts_with(&format!("{endpoint}/{BUCKET}/{path}?")),
        "{}",
        link.url
    );
    assert!(
        link.url.contains("response-content-disposition="),
        "{}",
        link.url
    );
    let (status, body) = plain_get(&link.url).await;
    assert_eq!(status, 200, "{:?}", front.refusals());
    assert_eq!(body, doc);

    // Tampered links are refused: another object, a longer life, a changed name.
    let tampered = [
        link.url.replace("original.docx", "secret-other.pdf"),
        link.url
            .replace("X-Amz-Expires=120", "X-Amz-Expires=604800"),
        link.url.replace("final", "FINAL"),
    ];
    for url in &tampered {
        assert_ne!(url, &link.url);
        let (status, body) = plain_get(url).await;
        assert_eq!(status, 403, "{url}");
        assert!(
            String::from_utf8_lossy(&body).contains("SignatureDoesNotMatch"),
            "{}",
            String::from_utf8_lossy(&body)
        );
    }

    // An expired link is refused.
    let short = s3
        .download_url(path, Duration::from_secs(1), None)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let (status, body) = plain_get(&short.url).await;
    assert_eq!(status, 403);
    assert!(String::from_utf8_lossy(&body).contains("expired"));

    // Wrong credentials: refused (a configuration error, not retried), without the secret.
    let wrong = store(&endpoint, "not-the-secret-key");
    let e = wrong.get(path).await.unwrap_err();
    assert!(matches!(e, StorageError::Rejected(_)), "{e:?}");
    assert!(!e.to_string().contains("not-the-secret-key"), "{e}");
}

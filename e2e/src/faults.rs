//! A fault-injecting HTTP proxy for the provider fakes (issue 13, scenario 4): it
//! forwards every request to its upstream (the fake OpenAI, the fake Pinecone, moto)
//! unless told to fail, and then fails the way networks and providers do: an HTTP
//! status, an answer that never comes, an answer cut off mid-body, or a 200 whose body
//! is not JSON. Real HTTP on 127.0.0.1: the clients under test cannot tell it from the
//! provider.

use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    response::Response,
};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the proxy does with the next requests.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Forward to the upstream.
    Pass,
    /// Answer this status with a JSON error body, without forwarding.
    Status(u16),
    /// Never answer (the client's timeout decides).
    Hang,
    /// Forward, then send only the first half of the upstream's body and drop the
    /// connection (the headers promise the whole length).
    ResetMidBody,
    /// Answer 200 with a body that is not JSON.
    Garbage,
}

struct Inner {
    upstream: String,
    fault: Mutex<Fault>,
    faulted: AtomicUsize,
    http: reqwest::Client,
}

#[derive(Clone)]
pub struct FaultProxy {
    pub url: String,
    inner: Arc<Inner>,
}

impl FaultProxy {
    /// A proxy to `upstream` (a base URL) on a free port, passing everything through.
    pub async fn start(upstream: &str) -> anyhow::Result<FaultProxy> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let inner = Arc::new(Inner {
            upstream: upstream.trim_end_matches('/').to_string(),
            fault: Mutex::new(Fault::Pass),
            faulted: AtomicUsize::new(0),
            http: reqwest::Client::builder()
                .no_proxy()
                .redirect(reqwest::redirect::Policy::none())
                .build()?,
        });
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(inner.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(FaultProxy { url, inner })
    }

    pub fn set(&self, fault: Fault) {
        *self.inner.fault.lock().unwrap_or_else(|p| p.into_inner()) = fault;
    }

    /// How many requests got a fault so far.
    pub fn faulted(&self) -> usize {
        self.inner.faulted.load(Ordering::SeqCst)
    }
}

async fn handle(State(inner): State<Arc<Inner>>, req: Request) -> Response {
    let fault = inner
        .fault
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    if fault != Fault::Pass {
        inner.faulted.fetch_add(1, Ordering::SeqCst);
    }
    match fault {
        Fault::Status(code) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            let mut res = Response::new(Body::from(
                r#"{"error":{"message":"injected fault","type":"server_error"}}"#,
            ));
            *res.status_mut() = status;
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            return res;
        }
        Fault::Hang => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            return Response::new(Body::empty());
        }
        Fault::Garbage => {
            let mut res = Response::new(Body::from(
                "<html>upstream proxy error</html>{\"choices\":[",
            ));
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            return res;
        }
        Fault::Pass | Fault::ResetMidBody => {}
    }
    let (status, headers, body) = match forward(&inner, req).await {
        Ok(r) => r,
        Err(e) => {
            let mut res = Response::new(Body::from(format!("proxy: {e}")));
            *res.status_mut() = StatusCode::BAD_GATEWAY;
            return res;
        }
    };
    let mut res = if fault == Fault::ResetMidBody {
        let half = body.slice(..body.len() / 2);
        let stream = futures::stream::iter([
            Ok::<Bytes, std::io::Error>(half),
            Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "injected reset",
            )),
        ]);
        Response::new(Body::from_stream(stream))
    } else {
        Response::new(Body::from(body.clone()))
    };
    *res.status_mut() = status;
    for (k, v) in headers.iter() {
        if k != header::TRANSFER_ENCODING && k != header::CONNECTION {
            res.headers_mut().insert(k.clone(), v.clone());
        }
    }
    res.headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(body.len() as u64));
    res
}

async fn forward(
    inner: &Inner,
    req: Request,
) -> anyhow::Result<(StatusCode, axum::http::HeaderMap, Bytes)> {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, 64 * 1024 * 1024).await?;
    let path = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let mut rb = inner
        .http
        .request(parts.method.clone(), format!("{}{path}", inner.upstream));
    for (k, v) in parts.headers.iter() {
        if k != header::HOST && k != header::CONTENT_LENGTH {
            rb = rb.header(k, v);
        }
    }
    let res = rb.body(body).send().await?;
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.bytes().await?;
    Ok((status, headers, bytes))
}

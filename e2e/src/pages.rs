//! A local web server for job-posting pages (URL jobs), on 127.0.0.1.

use axum::{Router, http::header, response::IntoResponse, routing::get};

pub struct PageServer {
    pub base_url: String,
}

impl PageServer {
    /// Serves `/job.html` (the fixture posting), `/plain.txt`, `/image.png`,
    /// and `/redirect-to-private` (a 302 to a private address).
    pub async fn start(job_html: String, plain: String) -> anyhow::Result<PageServer> {
        let app = Router::new()
            .route(
                "/job.html",
                get(move || {
                    let body = job_html.clone();
                    async move { ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body) }
                }),
            )
            .route(
                "/plain.txt",
                get(move || {
                    let body = plain.clone();
                    async move { ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body) }
                }),
            )
            .route(
                "/image.png",
                get(|| async {
                    (
                        [(header::CONTENT_TYPE, "image/png")],
                        vec![0x89u8, b'P', b'N', b'G'],
                    )
                }),
            )
            .route(
                "/redirect-to-private",
                get(|| async {
                    (
                        axum::http::StatusCode::FOUND,
                        [(header::LOCATION, "http://10.20.30.40/job")],
                    )
                        .into_response()
                }),
            )
            .route(
                "/missing",
                get(|| async { axum::http::StatusCode::NOT_FOUND }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(PageServer { base_url })
    }
}

use std::time::{Duration, Instant};

use crate::common::*;
use activities::scrape::{FetchError, FetchPolicy, fetch_page};
use text::html::{extract_plain, extract_posting};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Local test servers bind 127.0.0.1, so tests allow exactly that address.
fn policy() -> FetchPolicy {
    FetchPolicy {
        allow: vec!["127.0.0.1".to_owned()],
        timeout: Duration::from_secs(10),
        ..FetchPolicy::default()
    }
}

fn html_response(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "text/html; charset=utf-8")
        .set_body_bytes(body.as_bytes().to_vec())
}

async fn serve(path_: &str, response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(path_))
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

#[test]
fn fetch_future_is_send() {
    // Temporal activities and axum handlers need Send futures.
    fn assert_send<T: Send>(_: &T) {}
    let policy = FetchPolicy::default();
    let fut = fetch_page("http://example.com/", &policy);
    assert_send(&fut);
}

#[tokio::test]
async fn fetches_and_extracts_the_ledgerline_fixture() {
    let server = serve(
        "/careers/jobs/4821",
        ResponseTemplate::new(200)
            .insert_header("content-type", "text/html; charset=utf-8")
            .set_body_bytes(fixture_bytes(LEDGERLINE_HTML)),
    )
    .await;
    let url = format!("{}/careers/jobs/4821#apply", server.uri());
    let page = fetch_page(&url, &policy()).await.unwrap();
    assert_eq!(page.status, 200);
    assert_eq!(page.content_type, "text/html");
    assert_eq!(
        page.final_url.as_str(),
        format!("{}/careers/jobs/4821", server.uri())
    );
    assert_eq!(page.body, fixture_string(LEDGERLINE_HTML));
    let extracted = extract_posting(&page.body, Some(&page.final_url));
    assert_ledgerline(&extracted);

    // The request looked like a polite fetcher's.
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let ua = requests[0]
        .headers
        .get("user-agent")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(ua.contains("SmartResume"), "{ua}");
    assert!(requests[0].headers.get("accept").is_some());
}

#[tokio::test]
async fn text_plain_page() {
    let txt = fixture_bytes("jobs/en_data_analyst_coastline.txt");
    let server = serve(
        "/job.txt",
        ResponseTemplate::new(200)
            .insert_header("content-type", "text/plain; charset=utf-8")
            .set_body_bytes(txt.clone()),
    )
    .await;
    let page = fetch_page(&format!("{}/job.txt", server.uri()), &policy())
        .await
        .unwrap();
    assert_eq!(page.content_type, "text/plain");
    let e = extract_plain(&page.body);
    assert_eq!(e.title.as_deref(), Some("Data Analyst, Rider Growth"));
    assert_eq!(e.company.as_deref(), Some("Coastline Mobility"));
    assert_eq!(
        words_without_markers(&e.text),
        words_without_markers(&String::from_utf8(txt).unwrap())
    );
}

const LATIN1_PAGE: &[u8] =
    b"<html><head>META</head><body><article><h1>Ing\xe9nieur logiciel</h1>\
      <p>Caf\xe9, cr\xe8me br\xfbl\xe9e et r\xe9sum\xe9s \x96 tout est pr\xeat.</p></article></body></html>";

fn latin1_page(meta: &str) -> Vec<u8> {
    let s = LATIN1_PAGE;
    let pos = s.windows(4).position(|w| w == b"META").unwrap();
    [&s[..pos], meta.as_bytes(), &s[pos + 4..]].concat()
}

#[tokio::test]
async fn windows_1252_charset_from_header() {
    let server = serve(
        "/fr",
        ResponseTemplate::new(200)
            .insert_header("content-type", "text/html; charset=windows-1252")
            .set_body_bytes(latin1_page("")),
    )
    .await;
    let page = fetch_page(&format!("{}/fr", server.uri()), &policy())
        .await
        .unwrap();
    let e = extract_posting(&page.body, None);
    assert_eq!(e.title.as_deref(), Some("Ingénieur logiciel"));
    assert!(
        e.text
            .contains("Café, crème brûlée et résumés – tout est prêt."),
        "{}",
        e.text
    );
}

#[tokio::test]
async fn iso_8859_1_charset_from_meta() {
    let server = serve(
        "/fr",
        ResponseTemplate::new(200)
            .insert_header("content-type", "text/html")
            .set_body_bytes(latin1_page(
                "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-1\">",
            )),
    )
    .await;
    let page = fetch_page(&format!("{}/fr", server.uri()), &policy())
        .await
        .unwrap();
    assert!(page.body.contains("Ingénieur logiciel"), "{}", page.body);
    assert!(page.body.contains("crème brûlée"));
}

#[tokio::test]
async fn undeclared_non_utf8_is_decoded_lossily() {
    let server = serve(
        "/x",
        ResponseTemplate::new(200)
            .insert_header("content-type", "text/html")
            .set_body_bytes(latin1_page("")),
    )
    .await;
    let page = fetch_page(&format!("{}/x", server.uri()), &policy())
        .await
        .unwrap();
    assert!(page.body.contains("Ing\u{FFFD}nieur"));
}

#[tokio::test]
async fn missing_content_type_is_sniffed() {
    let server = MockServer::start().await;
    Mock::given(path("/html"))
        .respond_with(
            ResponseTemplate::new(200).set_body_bytes(b"<!DOCTYPE html><p>Hi</p>".to_vec()),
        )
        .mount(&server)
        .await;
    Mock::given(path("/bin"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(b"%PDF-1.7 ...".to_vec()))
        .mount(&server)
        .await;
    let page = fetch_page(&format!("{}/html", server.uri()), &policy())
        .await
        .unwrap();
    assert_eq!(page.content_type, "text/html");
    let err = fetch_page(&format!("{}/bin", server.uri()), &policy())
        .await
        .unwrap_err();
    assert!(
        matches!(err, FetchError::UnsupportedContentType(_)),
        "{err:?}"
    );
}

#[tokio::test]
async fn unsupported_content_types() {
    let server = MockServer::start().await;
    for (p, ct) in [
        ("/pdf", "application/pdf"),
        ("/png", "image/png"),
        ("/json", "application/json; charset=utf-8"),
        ("/zip", "application/octet-stream"),
    ] {
        Mock::given(path(p))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("content-type", ct)
                    .set_body_bytes(b"%PDF-1.7".to_vec()),
            )
            .mount(&server)
            .await;
    }
    for (p, essence) in [
        ("/pdf", "application/pdf"),
        ("/png", "image/png"),
        ("/json", "application/json"),
        ("/zip", "application/octet-stream"),
    ] {
        let err = fetch_page(&format!("{}{p}", server.uri()), &policy())
            .await
            .unwrap_err();
        assert_eq!(err, FetchError::UnsupportedContentType(essence.to_owned()));
        assert!(!err.is_transient());
    }
    // A compressed body we did not ask for is refused rather than decoded to garbage.
    Mock::given(path("/gz"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/html")
                .insert_header("content-encoding", "gzip")
                .set_body_bytes(vec![0x1f, 0x8b, 0x08, 0x00]),
        )
        .mount(&server)
        .await;
    let err = fetch_page(&format!("{}/gz", server.uri()), &policy())
        .await
        .unwrap_err();
    assert_eq!(
        err,
        FetchError::UnsupportedContentType("text/html with content-encoding gzip".to_owned())
    );
    // XHTML is accepted.
    Mock::given(path("/xhtml"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/xhtml+xml")
                .set_body_bytes(
                    b"<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><p>x</p></body></html>"
                        .to_vec(),
                ),
        )
        .mount(&server)
        .await;
    let page = fetch_page(&format!("{}/xhtml", server.uri()), &policy())
        .await
        .unwrap();
    assert_eq!(page.content_type, "application/xhtml+xml");
}

#[tokio::test]
async fn http_error_statuses() {
    let server = MockServer::start().await;
    for code in [404u16, 410, 403, 429, 500, 503] {
        Mock::given(path(format!("/s/{code}")))
            .respond_with(
                ResponseTemplate::new(code)
                    .insert_header("content-type", "text/html")
                    .set_body_bytes(b"<p>error page</p>".to_vec()),
            )
            .mount(&server)
            .await;
    }
    for (code, transient) in [
        (404, false),
        (410, false),
        (403, false),
        (429, true),
        (500, true),
        (503, true),
    ] {
        let err = fetch_page(&format!("{}/s/{code}", server.uri()), &policy())
            .await
            .unwrap_err();
        assert_eq!(err, FetchError::HttpStatus(code));
        assert_eq!(err.is_transient(), transient, "{code}");
    }
}

async fn redirect_chain_server() -> MockServer {
    let server = MockServer::start().await;
    for n in 1..=6 {
        Mock::given(path(format!("/r/{n}")))
            .respond_with(
                ResponseTemplate::new(if n % 2 == 0 { 301 } else { 302 })
                    .insert_header("location", format!("/r/{}", n - 1)),
            )
            .mount(&server)
            .await;
    }
    Mock::given(path("/r/0"))
        .respond_with(html_response("<h1>Arrived</h1>"))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn redirect_chain_of_five_is_followed() {
    let server = redirect_chain_server().await;
    let page = fetch_page(&format!("{}/r/5", server.uri()), &policy())
        .await
        .unwrap();
    assert_eq!(page.final_url.path(), "/r/0");
    assert!(page.body.contains("Arrived"));
}

#[tokio::test]
async fn redirect_chain_of_six_is_too_many() {
    let server = redirect_chain_server().await;
    let err = fetch_page(&format!("{}/r/6", server.uri()), &policy())
        .await
        .unwrap_err();
    assert_eq!(err, FetchError::TooManyRedirects(5));
    assert!(!err.is_transient());
    // The sixth target was never requested.
    let paths: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(paths, ["/r/6", "/r/5", "/r/4", "/r/3", "/r/2", "/r/1"]);
}

#[tokio::test]
async fn redirect_limit_is_configurable() {
    let server = redirect_chain_server().await;
    let strict = FetchPolicy {
        max_redirects: 0,
        ..policy()
    };
    let err = fetch_page(&format!("{}/r/1", server.uri()), &strict)
        .await
        .unwrap_err();
    assert_eq!(err, FetchError::TooManyRedirects(0));
}

#[tokio::test]
async fn redirect_to_loopback_when_only_the_first_host_is_allowed() {
    let server = MockServer::start().await;
    let port = server.address().port();
    Mock::given(path("/start"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("http://127.0.0.1:{port}/final")),
        )
        .mount(&server)
        .await;
    Mock::given(path("/final"))
        .respond_with(html_response("<p>secret</p>"))
        .expect(0)
        .mount(&server)
        .await;
    let only_localhost = FetchPolicy {
        allow: vec!["localhost".to_owned()],
        ..policy()
    };
    let err = fetch_page(&format!("http://localhost:{port}/start"), &only_localhost)
        .await
        .unwrap_err();
    match &err {
        FetchError::Forbidden(why) => {
            assert!(why.contains("127.0.0.1 is a loopback address"), "{why}")
        }
        other => panic!("expected Forbidden, got {other:?}"),
    }
    assert!(!err.is_transient());
    let paths: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(paths, ["/start"]);
}

#[tokio::test]
async fn redirects_to_blocked_or_invalid_targets() {
    let server = MockServer::start().await;
    for (p, location) in [
        ("/private", "http://10.0.0.1/admin"),
        ("/metadata", "http://169.254.169.254/latest/meta-data/"),
        ("/mapped", "http://[::ffff:10.0.0.1]/"),
        (
            "/gcp",
            "http://metadata.google.internal/computeMetadata/v1/",
        ),
        ("/ftp", "ftp://example.com/file"),
        ("/file", "file:///etc/passwd"),
        ("/creds", "http://user:pw@127.0.0.1/"),
    ] {
        Mock::given(path(p))
            .respond_with(ResponseTemplate::new(307).insert_header("location", location))
            .mount(&server)
            .await;
    }
    for p in ["/private", "/metadata", "/mapped", "/gcp"] {
        let err = fetch_page(&format!("{}{p}", server.uri()), &policy())
            .await
            .unwrap_err();
        assert!(matches!(err, FetchError::Forbidden(_)), "{p}: {err:?}");
    }
    for p in ["/ftp", "/file", "/creds"] {
        let err = fetch_page(&format!("{}{p}", server.uri()), &policy())
            .await
            .unwrap_err();
        assert!(matches!(err, FetchError::InvalidUrl(_)), "{p}: {err:?}");
    }
}

#[tokio::test]
async fn relative_redirect_and_redirect_without_location() {
    let server = MockServer::start().await;
    Mock::given(path("/a/b"))
        .respond_with(ResponseTemplate::new(303).insert_header("location", "../c?x=1"))
        .mount(&server)
        .await;
    Mock::given(path("/c"))
        .respond_with(html_response("<p>C</p>"))
        .mount(&server)
        .await;
    Mock::given(path("/nowhere"))
        .respond_with(ResponseTemplate::new(302))
        .mount(&server)
        .await;
    let page = fetch_page(&format!("{}/a/b", server.uri()), &policy())
        .await
        .unwrap();
    assert_eq!(page.final_url.path(), "/c");
    assert_eq!(page.final_url.query(), Some("x=1"));
    let err = fetch_page(&format!("{}/nowhere", server.uri()), &policy())
        .await
        .unwrap_err();
    assert_eq!(err, FetchError::HttpStatus(302));
}

#[tokio::test]
async fn body_over_the_limit_by_content_length() {
    let big = vec![b'a'; 3 * 1024 * 1024];
    let server = serve(
        "/big",
        ResponseTemplate::new(200)
            .insert_header("content-type", "text/html")
            .set_body_bytes(big),
    )
    .await;
    let started = Instant::now();
    let err = fetch_page(&format!("{}/big", server.uri()), &policy())
        .await
        .unwrap_err();
    assert_eq!(err, FetchError::TooLarge(2 * 1024 * 1024));
    assert!(!err.is_transient());
    assert!(started.elapsed() < Duration::from_secs(3));
}

/// Reads one HTTP request head from a raw socket.
async fn read_request_head(sock: &mut tokio::net::TcpStream) {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = sock.read(&mut byte).await.unwrap();
        if n == 0 {
            return;
        }
        buf.extend_from_slice(&byte[..n]);
    }
}

#[tokio::test]
async fn streamed_body_over_the_limit_stops_reading() {
    // No Content-Length: the body runs until the connection closes, and would be 64 MiB.
    const TOTAL: usize = 64 * 1024 * 1024;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = tokio::sync::oneshot::channel::<(usize, bool)>();
    tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.unwrap();
        read_request_head(&mut sock).await;
        sock.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let chunk = vec![b'a'; 64 * 1024];
        let mut sent = 0;
        let mut closed_early = false;
        while sent < TOTAL {
            if sock.write_all(&chunk).await.is_err() {
                closed_early = true;
                break;
            }
            sent += chunk.len();
        }
        let _ = tx.send((sent, closed_early));
    });
    let small = FetchPolicy {
        max_bytes: 1024 * 1024,
        ..policy()
    };
    let started = Instant::now();
    let err = fetch_page(&format!("http://127.0.0.1:{port}/stream"), &small)
        .await
        .unwrap_err();
    assert_eq!(err, FetchError::TooLarge(1024 * 1024));
    assert!(started.elapsed() < Duration::from_secs(5));
    let (sent, closed_early) = tokio::time::timeout(Duration::from_secs(10), rx)
        .await
        .unwrap()
        .unwrap();
    assert!(closed_early, "the server could write the whole body");
    assert!(sent < 16 * 1024 * 1024, "server wrote {sent} bytes");
}

#[tokio::test]
async fn slow_server_times_out() {
    let server = serve(
        "/slow",
        html_response("<p>late</p>").set_delay(Duration::from_secs(5)),
    )
    .await;
    let quick = FetchPolicy {
        timeout: Duration::from_millis(300),
        ..policy()
    };
    let started = Instant::now();
    let err = fetch_page(&format!("{}/slow", server.uri()), &quick)
        .await
        .unwrap_err();
    assert_eq!(err, FetchError::Timeout);
    assert!(err.is_transient());
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn stalled_body_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.unwrap();
        read_request_head(&mut sock).await;
        sock.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n\r\n<p>partial",
        )
        .await
        .unwrap();
        tokio::time::sleep(Duration::from_secs(10)).await;
    });
    let quick = FetchPolicy {
        timeout: Duration::from_millis(500),
        ..policy()
    };
    let started = Instant::now();
    let err = fetch_page(&format!("http://127.0.0.1:{port}/"), &quick)
        .await
        .unwrap_err();
    assert_eq!(err, FetchError::Timeout);
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn connection_refused_is_a_transient_network_error() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let err = fetch_page(&format!("http://127.0.0.1:{port}/"), &policy())
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::Network(_)), "{err:?}");
    assert!(err.is_transient());
}

#[tokio::test]
async fn tls_to_a_plain_http_server_is_a_network_error() {
    // Exercises the rustls set-up (crypto provider, verifier) without the internet.
    let server = serve("/x", html_response("<p>x</p>")).await;
    let port = server.address().port();
    let err = fetch_page(&format!("https://127.0.0.1:{port}/x"), &policy())
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::Network(_)), "{err:?}");
    assert!(err.is_transient());
}

#[tokio::test]
async fn ssrf_refusals_never_connect() {
    // A listener on 127.0.0.1 that must never see a connection.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let no_allow = FetchPolicy {
        allow: Vec::new(),
        ..policy()
    };
    let cases = [
        (
            format!("http://127.0.0.1:{port}/"),
            "the address 127.0.0.1 is a loopback address",
        ),
        (format!("http://127.9.9.9:{port}/"), "loopback"),
        (format!("http://localhost:{port}/"), "localhost"),
        (format!("http://LocalHost.:{port}/"), "localhost"),
        (format!("http://jobs.localhost:{port}/"), "jobs.localhost"),
        (
            format!("http://[::ffff:127.0.0.1]:{port}/"),
            "127.0.0.1, which is a loopback address",
        ),
        (
            format!("http://2130706433:{port}/"),
            "the address 127.0.0.1 is a loopback address",
        ),
        (
            format!("http://0x7f.1:{port}/"),
            "the address 127.0.0.1 is a loopback address",
        ),
        (
            format!("http://0177.0.0.1:{port}/"),
            "the address 127.0.0.1 is a loopback address",
        ),
        (
            format!("http://127.1:{port}/"),
            "the address 127.0.0.1 is a loopback address",
        ),
        (
            format!("http://127.0.0.1.:{port}/"),
            "the address 127.0.0.1 is a loopback address",
        ),
        (
            format!("http://[::1]:{port}/"),
            "the address ::1 is a loopback address",
        ),
        (
            format!("http://0.0.0.0:{port}/"),
            "the address 0.0.0.0 is an unspecified address",
        ),
        (
            format!("http://0:{port}/"),
            "the address 0.0.0.0 is an unspecified address",
        ),
        (format!("http://[::]:{port}/"), "unspecified"),
        (
            "http://10.1.2.3/".to_owned(),
            "the address 10.1.2.3 is a private address",
        ),
        ("http://172.16.5.4/".to_owned(), "private"),
        ("http://192.168.0.10/".to_owned(), "private"),
        ("http://100.64.1.1/".to_owned(), "carrier-grade NAT"),
        (
            "http://169.254.169.254/latest/meta-data/".to_owned(),
            "the address 169.254.169.254 is a link-local address (the cloud metadata endpoint)",
        ),
        ("http://[fe80::1]/".to_owned(), "link-local"),
        ("http://[fd00::1]/".to_owned(), "unique local"),
        ("http://224.0.0.1/".to_owned(), "multicast"),
        ("http://255.255.255.255/".to_owned(), "broadcast"),
        ("http://192.0.2.1/".to_owned(), "documentation"),
        (
            "http://metadata.google.internal/computeMetadata/v1/".to_owned(),
            "the host name metadata.google.internal is a cloud metadata endpoint",
        ),
        ("http://metadata/".to_owned(), "cloud metadata"),
        ("https://[::ffff:a9fe:a9fe]/".to_owned(), "169.254.169.254"),
    ];
    for (url, why) in &cases {
        let started = Instant::now();
        let err = fetch_page(url, &no_allow).await.unwrap_err();
        match &err {
            FetchError::Forbidden(msg) => assert!(msg.contains(why), "{url}: {msg}"),
            other => panic!("{url}: expected Forbidden, got {other:?}"),
        }
        assert!(!err.is_transient());
        assert!(
            started.elapsed() < Duration::from_millis(500),
            "{url} was slow"
        );
    }
    let accepted = tokio::time::timeout(Duration::from_millis(200), listener.accept()).await;
    assert!(accepted.is_err(), "a refused URL connected to the listener");
}

#[tokio::test]
async fn allow_list_by_cidr() {
    let server = serve("/ok", html_response("<p>ok</p>")).await;
    let cidr = FetchPolicy {
        allow: vec!["127.0.0.0/8".to_owned()],
        ..policy()
    };
    let page = fetch_page(&format!("{}/ok", server.uri()), &cidr)
        .await
        .unwrap();
    assert_eq!(page.status, 200);
    let other = FetchPolicy {
        allow: vec!["10.0.0.0/8".to_owned(), "127.0.0.2".to_owned()],
        ..policy()
    };
    let err = fetch_page(&format!("{}/ok", server.uri()), &other)
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::Forbidden(_)), "{err:?}");
}

#[tokio::test]
async fn invalid_urls() {
    for url in [
        "ftp://example.com/job.html",
        "file:///etc/passwd",
        "gopher://example.com/",
        "javascript:alert(1)",
        "data:text/html,<p>x</p>",
        "http://user:pw@example.com/",
        "http://user@example.com/",
        "https://:pw@example.com/",
        "http://example.com:99999/",
        "http://example.com:0/",
        "not a url",
        "",
        "http://",
        "//example.com/",
    ] {
        let err = fetch_page(url, &FetchPolicy::default()).await.unwrap_err();
        assert!(matches!(err, FetchError::InvalidUrl(_)), "{url:?}: {err:?}");
        assert!(!err.is_transient());
    }
}

#[tokio::test]
async fn dns_failure_is_a_network_error() {
    let quick = FetchPolicy {
        timeout: Duration::from_secs(3),
        ..FetchPolicy::default()
    };
    let err = fetch_page("http://no-such-host.invalid/", &quick)
        .await
        .unwrap_err();
    // Without any DNS server the lookup may also just time out.
    assert!(
        matches!(err, FetchError::Network(_) | FetchError::Timeout),
        "{err:?}"
    );
    assert!(err.is_transient());
}

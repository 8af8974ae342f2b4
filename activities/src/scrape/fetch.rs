//! Fetching a job page over HTTP(S) with SSRF guards, manual redirects and a body cap.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{ACCEPT, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, LOCATION};
use url::Url;

use crate::scrape::ssrf::{self, AllowList, Dns, Target};
use text::charset;

/// Limits and permissions for [`fetch_page`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchPolicy {
    /// Whole fetch, from the first DNS lookup to the last body byte of the last redirect hop.
    pub timeout: Duration,
    /// Per TCP/TLS connection attempt.
    pub connect_timeout: Duration,
    /// Largest accepted body in bytes (checked against Content-Length, then while streaming).
    pub max_bytes: usize,
    /// How many redirects may be followed (each hop is re-validated).
    pub max_redirects: usize,
    /// Hosts or CIDRs that may be fetched even though they are loopback/private
    /// (tests use `["127.0.0.1"]`, ops might allow an internal job board). Entries:
    /// `"127.0.0.1"`, `"10.0.0.0/8"`, `"::1"`, `"localhost"`, `"jobs.internal.example"`,
    /// `"*.corp.example"` (sub-domains only). An allowed host name is trusted whatever it
    /// resolves to; an allowed address or CIDR is accepted however it was reached.
    pub allow: Vec<String>,
    /// Sent as the `User-Agent` header.
    pub user_agent: String,
}

impl Default for FetchPolicy {
    fn default() -> Self {
        FetchPolicy {
            timeout: Duration::from_secs(15),
            connect_timeout: Duration::from_secs(5),
            max_bytes: 2 * 1024 * 1024,
            max_redirects: 5,
            allow: Vec::new(),
            user_agent: concat!(
                "Mozilla/5.0 (compatible; SmartResume/",
                env!("CARGO_PKG_VERSION"),
                "; job posting fetcher)"
            )
            .to_owned(),
        }
    }
}

/// A fetched page, decoded to UTF-8.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedPage {
    /// The URL of the last hop (after redirects).
    pub final_url: Url,
    /// Lower-cased MIME essence: `text/html`, `application/xhtml+xml` or `text/plain`
    /// (`text/html` for an untyped body that sniffs as HTML).
    pub content_type: String,
    /// Decoded with the charset from the header or `<meta>`, else UTF-8 (lossy).
    pub body: String,
    /// HTTP status of the last hop (2xx).
    pub status: u16,
}

/// Why a page could not be fetched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// Not http/https, credentials in the URL, no host, bad port.
    #[error("invalid URL: {0}")]
    InvalidUrl(String),
    /// The URL (or a redirect) points at an address that must not be fetched; never connected.
    #[error("refusing to fetch this URL: {0}")]
    Forbidden(String),
    /// More redirects than the policy allows (the number is the limit).
    #[error("too many redirects (more than {0})")]
    TooManyRedirects(usize),
    /// The body is larger than the limit (the number is the limit in bytes).
    #[error("the page is larger than {0} bytes")]
    TooLarge(usize),
    /// Not an HTML or plain-text page.
    #[error("unsupported content type: {0}")]
    UnsupportedContentType(String),
    /// The page answered with an error status (or a redirect without a usable target).
    #[error("the page answered with HTTP status {0}")]
    HttpStatus(u16),
    /// The fetch did not finish within the policy's timeout.
    #[error("timed out while fetching the page")]
    Timeout,
    /// DNS failure, connection refused or reset, TLS failure, ...
    #[error("network error: {0}")]
    Network(String),
}

impl FetchError {
    /// Whether retrying later may succeed: timeouts, network errors, 5xx and 429.
    pub fn is_transient(&self) -> bool {
        match self {
            FetchError::Timeout | FetchError::Network(_) => true,
            FetchError::HttpStatus(code) => *code == 429 || (500..=599).contains(code),
            _ => false,
        }
    }
}

const ACCEPTED_TYPES: &[&str] = &["text/html", "application/xhtml+xml", "text/plain"];

/// Fetches a job posting page.
///
/// Every hop is validated before any connection is made: scheme, credentials, and the
/// addresses the host resolves to (see [`FetchPolicy::allow`]); the connection is pinned to
/// exactly the addresses that were checked. Redirects are followed manually.
pub async fn fetch_page(url: &str, policy: &FetchPolicy) -> Result<FetchedPage, FetchError> {
    fetch_with_dns(url, policy, &Dns::System).await
}

async fn fetch_with_dns(
    url: &str,
    policy: &FetchPolicy,
    dns: &Dns,
) -> Result<FetchedPage, FetchError> {
    let start =
        Url::parse(url.trim()).map_err(|e| FetchError::InvalidUrl(format!("{e}: {url}")))?;
    ssrf::check_syntax(&start)?;
    let deadline = Instant::now() + policy.timeout;
    match tokio::time::timeout(policy.timeout, fetch_inner(start, policy, dns, deadline)).await {
        Ok(result) => result,
        Err(_) => Err(FetchError::Timeout),
    }
}

fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Fails only if a provider is already installed, which is just as good.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

async fn fetch_inner(
    start: Url,
    policy: &FetchPolicy,
    dns: &Dns,
    deadline: Instant,
) -> Result<FetchedPage, FetchError> {
    install_crypto_provider();
    let allow = AllowList::parse(&policy.allow);
    let resolver = Arc::new(PinnedResolver::default());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .dns_resolver(resolver.clone())
        .connect_timeout(policy.connect_timeout)
        .timeout(policy.timeout)
        .user_agent(policy.user_agent.as_str())
        .build()
        .map_err(|e| {
            FetchError::Network(format!("could not build the HTTP client: {}", chain(&e)))
        })?;

    let mut current = start;
    let mut redirects = 0usize;
    loop {
        current.set_fragment(None);
        match ssrf::resolve_and_check(&current, &allow, dns).await? {
            Target::Literal(_) => {}
            Target::Pinned { host, addrs } => resolver.pin(host, addrs),
        }
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(FetchError::Timeout);
        }
        let mut response = client
            .get(current.clone())
            .header(
                ACCEPT,
                "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1",
            )
            .timeout(remaining)
            .send()
            .await
            .map_err(map_reqwest)?;
        let status = response.status().as_u16();

        if matches!(status, 301 | 302 | 303 | 307 | 308) {
            let Some(location) = response.headers().get(LOCATION) else {
                return Err(FetchError::HttpStatus(status));
            };
            let location = String::from_utf8_lossy(location.as_bytes())
                .trim()
                .to_owned();
            if redirects >= policy.max_redirects {
                return Err(FetchError::TooManyRedirects(policy.max_redirects));
            }
            let next = current.join(&location).map_err(|e| {
                FetchError::InvalidUrl(format!("bad redirect target {location:?}: {e}"))
            })?;
            ssrf::check_syntax(&next)?;
            drop(response);
            redirects += 1;
            current = next;
            continue;
        }
        if !(200..300).contains(&status) {
            return Err(FetchError::HttpStatus(status));
        }

        let header_type = response
            .headers()
            .get(CONTENT_TYPE)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let essence = header_type.as_deref().map(charset::mime_essence);
        if let Some(essence) = essence.as_deref()
            && !essence.is_empty()
            && !ACCEPTED_TYPES.contains(&essence)
        {
            return Err(FetchError::UnsupportedContentType(essence.to_owned()));
        }
        // We never ask for compression; a body compressed anyway would decode to garbage.
        if let Some(encoding) = response.headers().get(CONTENT_ENCODING) {
            let encoding = String::from_utf8_lossy(encoding.as_bytes())
                .trim()
                .to_ascii_lowercase();
            if !encoding.is_empty() && encoding != "identity" {
                return Err(FetchError::UnsupportedContentType(format!(
                    "{} with content-encoding {encoding}",
                    essence
                        .as_deref()
                        .filter(|e| !e.is_empty())
                        .unwrap_or("a body")
                )));
            }
        }
        if let Some(len) = response
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            && len > policy.max_bytes as u64
        {
            return Err(FetchError::TooLarge(policy.max_bytes));
        }

        let mut body: Vec<u8> = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(map_reqwest)? {
            if body.len() + chunk.len() > policy.max_bytes {
                // Dropping the response closes the connection: nothing more is read.
                return Err(FetchError::TooLarge(policy.max_bytes));
            }
            body.extend_from_slice(&chunk);
        }
        drop(response);

        let content_type = match essence.as_deref() {
            Some(e) if !e.is_empty() => e.to_owned(),
            _ if charset::sniff_html(&body) => "text/html".to_owned(),
            _ => {
                return Err(FetchError::UnsupportedContentType(
                    "none declared, and the body does not look like HTML".to_owned(),
                ));
            }
        };
        let header_charset = header_type.as_deref().and_then(charset::charset_param);
        let is_html = content_type != "text/plain";
        let body = charset::decode(&body, header_charset.as_deref(), is_html);
        return Ok(FetchedPage {
            final_url: current,
            content_type,
            body,
            status,
        });
    }
}

fn map_reqwest(e: reqwest::Error) -> FetchError {
    if e.is_timeout() {
        FetchError::Timeout
    } else {
        FetchError::Network(chain(&e))
    }
}

/// An error and its sources on one line (reqwest's own message is terse).
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let msg = s.to_string();
        if !out.contains(&msg) {
            out.push_str(": ");
            out.push_str(&msg);
        }
        source = s.source();
    }
    out
}

/// A DNS resolver that only answers with addresses that were already checked for the
/// current fetch, so nothing can change between the check and the connection (DNS
/// rebinding). Names it has not been told about fail to resolve.
#[derive(Debug, Default)]
struct PinnedResolver {
    pinned: Mutex<HashMap<String, Vec<SocketAddr>>>,
}

impl PinnedResolver {
    fn pin(&self, host: String, addrs: Vec<SocketAddr>) {
        let mut map = self.pinned.lock().unwrap_or_else(|p| p.into_inner());
        map.insert(host, addrs);
    }

    fn lookup(&self, name: &str) -> Option<Vec<SocketAddr>> {
        let map = self.pinned.lock().unwrap_or_else(|p| p.into_inner());
        map.get(&name.to_ascii_lowercase()).cloned()
    }
}

impl Resolve for PinnedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let found = self.lookup(name.as_str());
        let name = name.as_str().to_owned();
        Box::pin(async move {
            match found {
                Some(addrs) => {
                    // The port is taken from the URL; 0 stands for "scheme default".
                    let addrs: Addrs =
                        Box::new(addrs.into_iter().map(|a| SocketAddr::new(a.ip(), 0)));
                    Ok(addrs)
                }
                None => Err(format!("host {name} was not validated for this fetch").into()),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn pinned_resolver_refuses_unknown_names() {
        let r = PinnedResolver::default();
        r.pin(
            "jobs.example".into(),
            vec!["93.184.216.34:443".parse().unwrap()],
        );
        let ok: Vec<SocketAddr> = r
            .resolve("JOBS.example".parse().unwrap())
            .await
            .unwrap()
            .collect();
        assert_eq!(ok, vec!["93.184.216.34:0".parse::<SocketAddr>().unwrap()]);
        assert!(r.resolve("other.example".parse().unwrap()).await.is_err());
    }

    fn table(entries: &[(&str, &[&str])]) -> Dns {
        Dns::Static(
            entries
                .iter()
                .map(|(name, ips)| {
                    (
                        name.to_string(),
                        ips.iter().map(|ip| ip.parse().unwrap()).collect(),
                    )
                })
                .collect(),
        )
    }

    fn local_policy() -> FetchPolicy {
        FetchPolicy {
            allow: vec!["127.0.0.1".to_owned()],
            timeout: Duration::from_secs(10),
            ..FetchPolicy::default()
        }
    }

    /// `jobs.test` exists only in the test table: the fetch can only succeed if the
    /// connection goes to the address that was looked up and checked (pinning).
    #[tokio::test]
    async fn connection_goes_to_the_checked_address() {
        use wiremock::{Mock, MockServer, ResponseTemplate, matchers::path};
        let server = MockServer::start().await;
        Mock::given(path("/job"))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("content-type", "text/html")
                    .set_body_bytes(b"<p>pinned</p>".to_vec()),
            )
            .mount(&server)
            .await;
        let port = server.address().port();
        let dns = table(&[("jobs.test", &["127.0.0.1"])]);
        let page = fetch_with_dns(
            &format!("http://jobs.test:{port}/job"),
            &local_policy(),
            &dns,
        )
        .await
        .unwrap();
        assert_eq!(page.body, "<p>pinned</p>");
        assert_eq!(page.final_url.host_str(), Some("jobs.test"));
        let host_header = server.received_requests().await.unwrap()[0]
            .headers
            .get("host")
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(host_header, format!("jobs.test:{port}"));
    }

    #[tokio::test]
    async fn any_blocked_resolved_address_is_refused_before_connecting() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let dns = table(&[
            ("rebind.test", &["93.184.216.34", "10.0.0.5"]),
            ("loop.test", &["127.0.0.1"]),
            ("mapped.test", &["::ffff:169.254.169.254"]),
        ]);
        let none = FetchPolicy::default();
        for (url, why) in [
            (
                "http://rebind.test/".to_owned(),
                "the host rebind.test resolves to 10.0.0.5, and the address 10.0.0.5 is a private address",
            ),
            (
                format!("http://loop.test:{port}/"),
                "the host loop.test resolves to 127.0.0.1, and the address 127.0.0.1 is a loopback address",
            ),
            ("http://mapped.test/".to_owned(), "169.254.169.254"),
        ] {
            match fetch_with_dns(&url, &none, &dns).await {
                Err(FetchError::Forbidden(msg)) => assert!(msg.contains(why), "{url}: {msg}"),
                other => panic!("{url}: {other:?}"),
            }
        }
        let accepted = tokio::time::timeout(Duration::from_millis(200), listener.accept()).await;
        assert!(accepted.is_err(), "a refused host was connected to");
        // Unknown names are a (transient) network error.
        let err = fetch_with_dns("http://nothing.test/", &none, &dns)
            .await
            .unwrap_err();
        assert!(matches!(err, FetchError::Network(_)), "{err:?}");
    }

    #[tokio::test]
    async fn redirect_to_a_name_resolving_to_a_private_address_is_refused() {
        use wiremock::{Mock, MockServer, ResponseTemplate, matchers::path};
        let server = MockServer::start().await;
        Mock::given(path("/go"))
            .respond_with(
                ResponseTemplate::new(302).insert_header("location", "http://intranet.test/hr"),
            )
            .mount(&server)
            .await;
        let dns = table(&[("intranet.test", &["192.168.10.20"])]);
        let err = fetch_with_dns(&format!("{}/go", server.uri()), &local_policy(), &dns)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, FetchError::Forbidden(m) if m.contains("192.168.10.20 is a private address")),
            "{err:?}"
        );
    }

    #[test]
    fn transient_classification() {
        assert!(FetchError::Timeout.is_transient());
        assert!(FetchError::Network("x".into()).is_transient());
        assert!(FetchError::HttpStatus(503).is_transient());
        assert!(FetchError::HttpStatus(500).is_transient());
        assert!(FetchError::HttpStatus(429).is_transient());
        assert!(!FetchError::HttpStatus(404).is_transient());
        assert!(!FetchError::HttpStatus(403).is_transient());
        assert!(!FetchError::Forbidden("x".into()).is_transient());
        assert!(!FetchError::InvalidUrl("x".into()).is_transient());
        assert!(!FetchError::TooLarge(1).is_transient());
        assert!(!FetchError::TooManyRedirects(5).is_transient());
        assert!(!FetchError::UnsupportedContentType("x".into()).is_transient());
    }

    #[test]
    fn default_policy() {
        let p = FetchPolicy::default();
        assert_eq!(p.timeout, Duration::from_secs(15));
        assert_eq!(p.connect_timeout, Duration::from_secs(5));
        assert_eq!(p.max_bytes, 2 * 1024 * 1024);
        assert_eq!(p.max_redirects, 5);
        assert!(p.allow.is_empty());
        assert!(p.user_agent.contains("SmartResume"));
    }
}

//! Server-side request forgery guards: which hosts and addresses may be fetched.
//!
//! Everything here is pure (no I/O) except [`resolve_and_check`], which performs the one DNS
//! lookup whose answer is then pinned for the connection.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use url::{Host, Url};

use crate::scrape::FetchError;

/// Host names that are refused whatever they resolve to (unless explicitly allowed).
const BLOCKED_NAMES: &[(&str, &str)] = &[
    ("localhost", "is reserved for the local machine"),
    ("metadata.google.internal", "is a cloud metadata endpoint"),
    ("metadata", "is a cloud metadata endpoint"),
    ("instance-data", "is a cloud metadata endpoint"),
];

/// One parsed entry of [`crate::scrape::FetchPolicy::allow`].
#[derive(Debug, Clone, PartialEq, Eq)]
enum AllowEntry {
    /// Exact host name (lower case, no trailing dot).
    Host(String),
    /// `*.example.com`: any sub-domain of `example.com` (not `example.com` itself).
    Suffix(String),
    /// An address or a CIDR block.
    Net(IpNet),
}

/// An IP network (`addr/prefix`), kept minimal so no extra crate is needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IpNet {
    V4(u32, u8),
    V6(u128, u8),
}

impl IpNet {
    fn parse(s: &str) -> Option<Self> {
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u8>().ok()?)),
            None => (s, None),
        };
        let addr = addr.trim_start_matches('[').trim_end_matches(']');
        match addr.parse::<IpAddr>().ok()? {
            IpAddr::V4(v4) => {
                let p = prefix.unwrap_or(32);
                (p <= 32).then(|| IpNet::V4(u32::from(v4) & mask32(p), p))
            }
            IpAddr::V6(v6) => {
                // An allow entry written as ::ffff:a.b.c.d/128 means the IPv4 address.
                if let (Some(v4), None | Some(128)) = (v6.to_ipv4_mapped(), prefix) {
                    return Some(IpNet::V4(u32::from(v4), 32));
                }
                let p = prefix.unwrap_or(128);
                (p <= 128).then(|| IpNet::V6(u128::from(v6) & mask128(p), p))
            }
        }
    }

    fn contains(&self, ip: IpAddr) -> bool {
        match (self, canonical(ip)) {
            (IpNet::V4(net, p), IpAddr::V4(v4)) => u32::from(v4) & mask32(*p) == *net,
            (IpNet::V6(net, p), IpAddr::V6(v6)) => u128::from(v6) & mask128(*p) == *net,
            _ => false,
        }
    }
}

fn mask32(prefix: u8) -> u32 {
    if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(prefix))
    }
}

fn mask128(prefix: u8) -> u128 {
    if prefix == 0 {
        0
    } else {
        u128::MAX << (128 - u32::from(prefix))
    }
}

/// IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`) are treated as the IPv4 address they carry.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        v4 => v4,
    }
}

/// The parsed allow list of a policy.
#[derive(Debug, Clone, Default)]
pub(crate) struct AllowList {
    entries: Vec<AllowEntry>,
}

impl AllowList {
    pub(crate) fn parse(raw: &[String]) -> Self {
        let entries = raw
            .iter()
            .filter_map(|e| {
                let e = e.trim();
                if e.is_empty() {
                    return None;
                }
                if let Some(net) = IpNet::parse(e) {
                    return Some(AllowEntry::Net(net));
                }
                let name = normalise_host_name(e);
                if let Some(rest) = name.strip_prefix("*.") {
                    return (!rest.is_empty()).then(|| AllowEntry::Suffix(rest.to_owned()));
                }
                // Anything with a slash that is not a valid CIDR is ignored rather than
                // being treated as a (never matching) host name.
                (!name.contains('/')).then_some(AllowEntry::Host(name))
            })
            .collect();
        AllowList { entries }
    }

    fn allows_name(&self, name: &str) -> bool {
        self.entries.iter().any(|e| match e {
            AllowEntry::Host(h) => h == name,
            AllowEntry::Suffix(s) => name
                .strip_suffix(s.as_str())
                .is_some_and(|head| head.ends_with('.') && head.len() > 1),
            AllowEntry::Net(_) => false,
        })
    }

    fn allows_ip(&self, ip: IpAddr) -> bool {
        self.entries.iter().any(|e| match e {
            AllowEntry::Net(net) => net.contains(ip),
            _ => false,
        })
    }
}

fn normalise_host_name(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

/// Why an address must not be fetched, or `None` if it is a public unicast address.
pub(crate) fn blocked_reason(ip: IpAddr) -> Option<String> {
    match ip {
        IpAddr::V4(v4) => blocked_v4(v4).map(str::to_owned),
        IpAddr::V6(v6) => blocked_v6(v6),
    }
}

fn in_v4(ip: Ipv4Addr, net: [u8; 4], prefix: u8) -> bool {
    u32::from(ip) & mask32(prefix) == u32::from(Ipv4Addr::from(net)) & mask32(prefix)
}

fn blocked_v4(ip: Ipv4Addr) -> Option<&'static str> {
    const RULES: &[([u8; 4], u8, &str)] = &[
        ([0, 0, 0, 0], 32, "an unspecified address"),
        ([0, 0, 0, 0], 8, "a \"this network\" address"),
        ([10, 0, 0, 0], 8, "a private address"),
        ([100, 64, 0, 0], 10, "a carrier-grade NAT (shared) address"),
        ([127, 0, 0, 0], 8, "a loopback address"),
        (
            [169, 254, 169, 254],
            32,
            "a link-local address (the cloud metadata endpoint)",
        ),
        ([169, 254, 0, 0], 16, "a link-local address"),
        ([172, 16, 0, 0], 12, "a private address"),
        ([192, 0, 0, 0], 24, "an IETF protocol assignment address"),
        ([192, 0, 2, 0], 24, "a documentation address"),
        ([192, 88, 99, 0], 24, "a 6to4 relay anycast address"),
        ([192, 168, 0, 0], 16, "a private address"),
        ([198, 18, 0, 0], 15, "a benchmarking address"),
        ([198, 51, 100, 0], 24, "a documentation address"),
        ([203, 0, 113, 0], 24, "a documentation address"),
        ([224, 0, 0, 0], 4, "a multicast address"),
        ([255, 255, 255, 255], 32, "the broadcast address"),
        ([240, 0, 0, 0], 4, "a reserved address"),
    ];
    RULES
        .iter()
        .find(|(net, prefix, _)| in_v4(ip, *net, *prefix))
        .map(|(_, _, why)| *why)
}

fn blocked_v6(ip: Ipv6Addr) -> Option<String> {
    let embedded = |kind: &str, v4: Ipv4Addr| {
        blocked_v4(v4).map(|why| format!("{kind} of {v4}, which is {why}"))
    };
    if let Some(v4) = ip.to_ipv4_mapped() {
        return embedded("an IPv4-mapped IPv6 address", v4);
    }
    let seg = ip.segments();
    let bits = u128::from(ip);
    let in6 = |net: u128, prefix: u8| bits & mask128(prefix) == net & mask128(prefix);
    let embedded_v4 = Ipv4Addr::from((bits & 0xffff_ffff) as u32);
    if ip.is_unspecified() {
        return Some("an unspecified address".to_owned());
    }
    if ip.is_loopback() {
        return Some("a loopback address".to_owned());
    }
    // ::a.b.c.d (deprecated IPv4-compatible addresses) and the rest of ::/96.
    if in6(0, 96) {
        return Some("an IPv4-compatible IPv6 address".to_owned());
    }
    // NAT64 (64:ff9b::/96) reaches the embedded IPv4 address.
    if in6(0x0064_ff9b_u128 << 96, 96) {
        return embedded("a NAT64 address", embedded_v4);
    }
    if in6(0x0064_ff9b_0001_u128 << 80, 48) {
        return Some("a local-use NAT64 address".to_owned());
    }
    if in6(0x0100_u128 << 112, 64) {
        return Some("a discard-only address".to_owned());
    }
    if in6(0x2001_0db8_u128 << 96, 32) || in6(0x3fff_u128 << 112, 20) {
        return Some("a documentation address".to_owned());
    }
    if in6(0x2001_u128 << 112, 32) {
        return Some("a Teredo tunnelling address".to_owned());
    }
    if in6(0x2001_0002_u128 << 96, 48) {
        return Some("a benchmarking address".to_owned());
    }
    // 6to4 (2002::/16) embeds an IPv4 address in bits 16..48.
    if seg[0] == 0x2002 {
        let v4 = Ipv4Addr::from(((u32::from(seg[1])) << 16) | u32::from(seg[2]));
        return embedded("a 6to4 address", v4);
    }
    if in6(0xfc00_u128 << 112, 7) {
        return Some("a private (unique local) address".to_owned());
    }
    if in6(0xfe80_u128 << 112, 10) {
        return Some("a link-local address".to_owned());
    }
    if in6(0xfec0_u128 << 112, 10) {
        return Some("a site-local address".to_owned());
    }
    if in6(0xff00_u128 << 112, 8) {
        return Some("a multicast address".to_owned());
    }
    None
}

fn blocked_name_reason(name: &str) -> Option<&'static str> {
    if name.ends_with(".localhost") {
        return Some("is reserved for the local machine");
    }
    BLOCKED_NAMES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, why)| *why)
}

/// Where a validated URL may connect to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// The URL names an IP address; the connection goes exactly there.
    Literal(IpAddr),
    /// The URL names a host; connect only to these checked addresses (port ignored).
    Pinned {
        host: String,
        addrs: Vec<SocketAddr>,
    },
}

/// Syntax checks that need no network: scheme, credentials, host, port.
pub(crate) fn check_syntax(url: &Url) -> Result<(), FetchError> {
    match url.scheme() {
        "http" | "https" => {}
        other => {
            return Err(FetchError::InvalidUrl(format!(
                "the scheme \"{other}\" is not supported (only http and https)"
            )));
        }
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(FetchError::InvalidUrl(
            "URLs with a user name or password are not accepted".to_owned(),
        ));
    }
    match url.host() {
        None => return Err(FetchError::InvalidUrl("the URL has no host".to_owned())),
        Some(Host::Domain(d)) if d.trim_end_matches('.').is_empty() => {
            return Err(FetchError::InvalidUrl("the URL has no host".to_owned()));
        }
        Some(_) => {}
    }
    if url.port() == Some(0) {
        return Err(FetchError::InvalidUrl(
            "port 0 is not a valid port".to_owned(),
        ));
    }
    Ok(())
}

/// Checks that need no network: literal addresses and blocked host names.
///
/// Returns `Ok(Some(target))` when the decision is final without DNS (an IP literal),
/// `Ok(None)` when the host name must be resolved and its addresses checked.
fn check_without_dns(url: &Url, allow: &AllowList) -> Result<Option<Target>, FetchError> {
    check_syntax(url)?;
    match url.host() {
        Some(Host::Ipv4(v4)) => check_literal(IpAddr::V4(v4), allow).map(Some),
        Some(Host::Ipv6(v6)) => check_literal(IpAddr::V6(v6), allow).map(Some),
        Some(Host::Domain(d)) => {
            let name = normalise_host_name(d);
            if allow.allows_name(&name) {
                return Ok(None);
            }
            // A numeric-looking domain the URL parser did not normalise is still an address.
            if let Ok(ip) = name
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<IpAddr>()
            {
                return check_literal(ip, allow).map(Some);
            }
            if let Some(why) = blocked_name_reason(&name) {
                return Err(FetchError::Forbidden(format!("the host name {name} {why}")));
            }
            Ok(None)
        }
        None => Err(FetchError::InvalidUrl("the URL has no host".to_owned())),
    }
}

fn check_literal(ip: IpAddr, allow: &AllowList) -> Result<Target, FetchError> {
    match blocked_reason(ip) {
        Some(why) if !allow.allows_ip(ip) => {
            Err(FetchError::Forbidden(format!("the address {ip} is {why}")))
        }
        _ => Ok(Target::Literal(ip)),
    }
}

/// Checks the addresses a host name resolved to. Every one must be acceptable.
pub(crate) fn check_resolved(
    host: &str,
    addrs: &[SocketAddr],
    allow: &AllowList,
) -> Result<(), FetchError> {
    if allow.allows_name(&normalise_host_name(host)) {
        return Ok(());
    }
    for addr in addrs {
        let ip = addr.ip();
        if let Some(why) = blocked_reason(ip)
            && !allow.allows_ip(ip)
        {
            return Err(FetchError::Forbidden(format!(
                "the host {host} resolves to {ip}, and the address {ip} is {why}"
            )));
        }
    }
    Ok(())
}

/// Where host names are looked up. Tests can substitute a fixed table.
#[derive(Debug, Clone, Default)]
pub(crate) enum Dns {
    /// The system resolver (`getaddrinfo` through `tokio::net::lookup_host`).
    #[default]
    System,
    /// Fixed answers; names not in the table fail to resolve.
    #[cfg(test)]
    Static(Vec<(String, Vec<IpAddr>)>),
}

impl Dns {
    async fn lookup(&self, host: &str, port: u16) -> std::io::Result<Vec<SocketAddr>> {
        match self {
            Dns::System => Ok(tokio::net::lookup_host((host, port)).await?.collect()),
            #[cfg(test)]
            Dns::Static(table) => table
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(host))
                .map(|(_, ips)| ips.iter().map(|ip| SocketAddr::new(*ip, port)).collect())
                .ok_or_else(|| std::io::Error::other("no such host in the test table")),
        }
    }
}

/// Validates a URL completely: syntax, literal address or host name, then the DNS answer.
/// The returned target is what the connection must be pinned to.
pub(crate) async fn resolve_and_check(
    url: &Url,
    allow: &AllowList,
    dns: &Dns,
) -> Result<Target, FetchError> {
    if let Some(target) = check_without_dns(url, allow)? {
        return Ok(target);
    }
    let host = url
        .host_str()
        .ok_or_else(|| FetchError::InvalidUrl("the URL has no host".to_owned()))?;
    let port = url
        .port_or_known_default()
        .ok_or_else(|| FetchError::InvalidUrl("the URL has no port".to_owned()))?;
    let found = dns
        .lookup(host.trim_end_matches('.'), port)
        .await
        .map_err(|e| FetchError::Network(format!("could not resolve host {host}: {e}")))?;
    let mut addrs: Vec<SocketAddr> = Vec::new();
    for a in found {
        if !addrs.contains(&a) {
            addrs.push(a);
        }
    }
    if addrs.is_empty() {
        return Err(FetchError::Network(format!(
            "host {host} resolved to no addresses"
        )));
    }
    check_resolved(host, &addrs, allow)?;
    Ok(Target::Pinned {
        host: host.to_ascii_lowercase(),
        addrs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allow(entries: &[&str]) -> AllowList {
        AllowList::parse(&entries.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn blocked_addresses_have_reasons() {
        for (addr, why) in [
            ("127.0.0.1", "loopback"),
            ("127.255.0.9", "loopback"),
            ("10.1.2.3", "private"),
            ("172.16.0.1", "private"),
            ("172.31.255.255", "private"),
            ("192.168.1.1", "private"),
            ("169.254.169.254", "metadata"),
            ("169.254.1.1", "link-local"),
            ("0.0.0.0", "unspecified"),
            ("0.1.2.3", "this network"),
            ("100.64.0.1", "carrier-grade"),
            ("100.127.255.255", "carrier-grade"),
            ("224.0.0.1", "multicast"),
            ("255.255.255.255", "broadcast"),
            ("192.0.2.10", "documentation"),
            ("198.51.100.1", "documentation"),
            ("203.0.113.5", "documentation"),
            ("198.18.0.1", "benchmarking"),
            ("240.0.0.1", "reserved"),
            ("::1", "loopback"),
            ("::", "unspecified"),
            (
                "::ffff:127.0.0.1",
                "IPv4-mapped IPv6 address of 127.0.0.1, which is a loopback",
            ),
            ("::ffff:10.0.0.1", "IPv4-mapped"),
            ("::127.0.0.1", "IPv4-compatible"),
            ("64:ff9b::a9fe:a9fe", "NAT64"),
            ("2002:7f00:1::", "6to4"),
            ("fc00::1", "unique local"),
            ("fd12:3456::1", "unique local"),
            ("fe80::1", "link-local"),
            ("ff02::1", "multicast"),
            ("2001:db8::1", "documentation"),
        ] {
            let reason = blocked_reason(ip(addr));
            assert!(
                reason.as_deref().is_some_and(|r| r.contains(why)),
                "{addr}: expected reason with {why:?}, got {reason:?}"
            );
        }
    }

    #[test]
    fn public_addresses_pass() {
        for addr in [
            "93.184.216.34",
            "8.8.8.8",
            "1.1.1.1",
            "172.32.0.1",
            "100.128.0.1",
            "169.253.1.1",
            "2606:4700::1111",
            "2a00:1450:4001::200e",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
        ] {
            assert_eq!(blocked_reason(ip(addr)), None, "{addr}");
        }
    }

    #[test]
    fn allow_list_parsing_and_matching() {
        let a = allow(&[
            "127.0.0.1",
            "10.0.0.0/8",
            "LOCALHOST",
            "jobs.internal.example.",
            "*.corp.example",
            "fd00::/8",
            "not a cidr/99",
            "",
        ]);
        assert!(a.allows_ip(ip("127.0.0.1")));
        assert!(a.allows_ip(ip("::ffff:127.0.0.1")));
        assert!(!a.allows_ip(ip("127.0.0.2")));
        assert!(a.allows_ip(ip("10.200.3.4")));
        assert!(!a.allows_ip(ip("11.0.0.1")));
        assert!(a.allows_ip(ip("fd12::1")));
        assert!(!a.allows_ip(ip("fc00::1")));
        assert!(a.allows_name("localhost"));
        assert!(a.allows_name("jobs.internal.example"));
        assert!(a.allows_name("a.corp.example"));
        assert!(!a.allows_name("corp.example"));
        assert!(!a.allows_name("evilcorp.example"));
        assert_eq!(a.entries.len(), 6);
    }

    #[test]
    fn cidr_edge_prefixes() {
        assert_eq!(
            IpNet::parse("0.0.0.0/0").map(|n| n.contains(ip("8.8.8.8"))),
            Some(true)
        );
        assert_eq!(
            IpNet::parse("::/0").map(|n| n.contains(ip("2001:db8::1"))),
            Some(true)
        );
        assert_eq!(IpNet::parse("10.0.0.0/33"), None);
        assert_eq!(IpNet::parse("::/129"), None);
        assert_eq!(
            IpNet::parse("[::1]").map(|n| n.contains(ip("::1"))),
            Some(true)
        );
    }

    #[test]
    fn blocked_names() {
        let none = allow(&[]);
        for u in [
            "http://localhost/",
            "http://LOCALHOST./",
            "http://foo.localhost/",
            "http://metadata.google.internal/computeMetadata/v1/",
            "http://metadata/",
        ] {
            let url = Url::parse(u).unwrap();
            match check_without_dns(&url, &none) {
                Err(FetchError::Forbidden(msg)) => assert!(msg.contains("host name"), "{msg}"),
                other => panic!("{u}: {other:?}"),
            }
        }
        let url = Url::parse("http://example.com/").unwrap();
        assert_eq!(check_without_dns(&url, &none).unwrap(), None);
    }

    #[test]
    fn resolved_addresses_are_all_checked() {
        let addrs: Vec<SocketAddr> = vec![
            "93.184.216.34:80".parse().unwrap(),
            "10.0.0.5:80".parse().unwrap(),
        ];
        let err = check_resolved("rebind.example", &addrs, &allow(&[])).unwrap_err();
        assert!(
            matches!(&err, FetchError::Forbidden(m) if m.contains("10.0.0.5") && m.contains("private")),
            "{err:?}"
        );
        assert!(check_resolved("rebind.example", &addrs, &allow(&["10.0.0.0/8"])).is_ok());
        assert!(check_resolved("rebind.example", &addrs, &allow(&["rebind.example"])).is_ok());
    }
}

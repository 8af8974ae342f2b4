//! Content-Type parsing, HTML sniffing and decoding of page bytes to UTF-8.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// The lower-cased MIME essence (`type/subtype`) of a Content-Type header value.
pub fn mime_essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// The `charset` parameter of a Content-Type header value, if any.
pub fn charset_param(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| {
                value
                    .trim()
                    .trim_matches(|c| c == '"' || c == '\'')
                    .to_owned()
            })
            .filter(|v| !v.is_empty())
    })
}

/// Whether bytes served without a Content-Type look like an HTML document.
pub fn sniff_html(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    let head = head[start..].to_ascii_lowercase();
    const OPENERS: &[&[u8]] = &[
        b"<!doctype html",
        b"<html",
        b"<head",
        b"<body",
        b"<title",
        b"<meta",
        b"<div",
        b"<p>",
        b"<!--",
        b"<article",
        b"<main",
    ];
    OPENERS.iter().any(|o| head.starts_with(o))
}

/// Looks for `<meta charset=...>` or `<meta http-equiv=... content="...; charset=...">`
/// in the first bytes of an HTML document (a simplified version of the HTML prescan).
pub fn meta_charset(bytes: &[u8]) -> Option<String> {
    let head = bytes[..bytes.len().min(4096)].to_ascii_lowercase();
    let mut pos = 0;
    while let Some(off) = find(&head[pos..], b"<meta") {
        let tag_start = pos + off + 5;
        let tag_end = head[tag_start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(head.len(), |e| tag_start + e);
        let tag = &head[tag_start..tag_end];
        if let Some(c) = find(tag, b"charset") {
            let rest = &tag[c + 7..];
            let rest = trim_ascii_start(rest);
            if let Some(rest) = rest.strip_prefix(b"=") {
                let rest = trim_ascii_start(rest);
                let rest = rest
                    .strip_prefix(b"\"")
                    .or_else(|| rest.strip_prefix(b"'"))
                    .unwrap_or(rest);
                let label: Vec<u8> = rest
                    .iter()
                    .copied()
                    .take_while(|b| b.is_ascii_alphanumeric() || b"-_:.".contains(b))
                    .collect();
                if !label.is_empty() {
                    return String::from_utf8(label).ok();
                }
            }
        }
        pos = tag_end;
    }
    None
}

fn trim_ascii_start(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    &b[start..]
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Picks the encoding from the header charset, then (for HTML) the `<meta>` declaration;
/// a byte-order mark always wins. Without any declaration the bytes are read as UTF-8
/// (invalid sequences become U+FFFD).
pub fn decode(bytes: &[u8], header_charset: Option<&str>, is_html: bool) -> String {
    let from_header = header_charset.and_then(|l| Encoding::for_label(l.as_bytes()));
    let from_meta = || {
        if !is_html {
            return None;
        }
        let enc = meta_charset(bytes).and_then(|l| Encoding::for_label(l.as_bytes()))?;
        // A <meta> cannot really declare UTF-16 (the prescan only works on ASCII-compatible
        // bytes); browsers read such pages as UTF-8. x-user-defined means windows-1252.
        Some(if enc.output_encoding() != enc {
            UTF_8
        } else if enc.name() == "x-user-defined" {
            WINDOWS_1252
        } else {
            enc
        })
    };
    let declared = from_header.or_else(from_meta).unwrap_or(UTF_8);
    // `decode` sniffs a BOM first, so a BOM overrides any declaration.
    let (text, _, _) = declared.decode(bytes);
    text.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_type_parts() {
        assert_eq!(mime_essence("Text/HTML; charset=UTF-8"), "text/html");
        assert_eq!(mime_essence(""), "");
        assert_eq!(
            charset_param("text/html; charset=\"ISO-8859-1\"").as_deref(),
            Some("ISO-8859-1")
        );
        assert_eq!(
            charset_param("text/html; Charset=utf-8").as_deref(),
            Some("utf-8")
        );
        assert_eq!(charset_param("text/html"), None);
        assert_eq!(charset_param("text/html; charset="), None);
    }

    #[test]
    fn meta_prescan() {
        assert_eq!(
            meta_charset(b"<html><head><meta charset=\"windows-1252\">").as_deref(),
            Some("windows-1252")
        );
        assert_eq!(
            meta_charset(
                b"<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=ISO-8859-1\">"
            )
            .as_deref(),
            Some("iso-8859-1")
        );
        assert_eq!(meta_charset(b"<meta name=description content=x>"), None);
        assert_eq!(meta_charset(b"<p>charset=latin1</p>"), None);
    }

    #[test]
    fn decoding() {
        assert_eq!(decode(b"caf\xe9", Some("iso-8859-1"), false), "café");
        assert_eq!(
            decode(b"<meta charset=latin1>caf\xe9", None, true),
            "<meta charset=latin1>café"
        );
        assert_eq!(decode("café".as_bytes(), None, true), "café");
        assert_eq!(decode(b"caf\xe9", None, false), "caf\u{FFFD}");
        // BOM wins over a wrong header.
        assert_eq!(
            decode(b"\xEF\xBB\xBFcaf\xC3\xA9", Some("windows-1252"), false),
            "café"
        );
        // A meta "utf-16" is read as UTF-8.
        assert_eq!(
            decode("<meta charset=utf-16>é".as_bytes(), None, true),
            "<meta charset=utf-16>é"
        );
        // Unknown labels fall back to UTF-8.
        assert_eq!(decode("é".as_bytes(), Some("no-such-charset"), false), "é");
    }

    #[test]
    fn sniffing() {
        assert!(sniff_html(b"\n  <!DOCTYPE html><html>"));
        assert!(sniff_html(b"\xEF\xBB\xBF<html lang=en>"));
        assert!(!sniff_html(b"%PDF-1.7"));
        assert!(!sniff_html(b"{\"a\":1}"));
        assert!(!sniff_html(b"\x89PNG\r\n"));
    }
}

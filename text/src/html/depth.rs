//! A guard against pathologically deep HTML.
//!
//! html5ever needs time quadratic in the nesting depth (every start tag scans the stack of
//! open elements), so 2 MiB of `<div>`s would keep a worker busy for minutes. Before
//! parsing, [`limit_depth`] drops start and end tags nested deeper than a limit (their text
//! stays). Real pages are far below the limit and pass through unchanged.

use std::borrow::Cow;

/// Elements that never have content or whose end tag is implied by the next sibling: they
/// do not count towards the depth.
const FLAT: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "param", "keygen", "p", "li", "dt", "dd", "td", "th", "tr", "option", "optgroup", "rb",
    "rt", "rp", "rtc", "tbody", "thead", "tfoot", "colgroup", "caption",
];

/// Elements whose content is raw text up to their end tag.
const RAW_TEXT: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
];

/// How far up the stack an end tag may look for its start tag.
const END_TAG_SEARCH: usize = 64;

/// Returns the document with tags nested deeper than `max` removed, or the document itself
/// (borrowed) when nothing had to change.
pub(crate) fn limit_depth(html: &str, max: usize) -> Cow<'_, str> {
    let bytes = html.as_bytes();
    let mut out: Option<String> = None;
    // Open elements, kept or dropped (dropped ones sit above the limit).
    let mut stack: Vec<(String, bool)> = Vec::new();
    // Start of the text not yet copied to `out`.
    let mut copied = 0;
    let mut i = 0;
    while let Some(off) = memchr(b'<', &bytes[i..]) {
        let lt = i + off;
        let rest = &bytes[lt..];
        if rest.starts_with(b"<!--") {
            i = find(rest, b"-->").map_or(bytes.len(), |e| lt + e + 3);
            continue;
        }
        let is_end = rest.get(1) == Some(&b'/');
        let name_start = lt + if is_end { 2 } else { 1 };
        if !bytes.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            if matches!(rest.get(1), Some(b'!' | b'?')) {
                i = memchr(b'>', rest).map_or(bytes.len(), |e| lt + e + 1);
            } else {
                i = lt + 1;
            }
            continue;
        }
        let name_end = bytes[name_start..]
            .iter()
            .position(|b| b.is_ascii_whitespace() || matches!(b, b'/' | b'>'))
            .map_or(bytes.len(), |p| name_start + p);
        let name = html
            .get(name_start..name_end)
            .unwrap_or_default()
            .to_ascii_lowercase();
        let tag_end = tag_end(bytes, name_end);

        let keep = if is_end {
            match stack
                .iter()
                .rev()
                .take(END_TAG_SEARCH)
                .position(|(n, _)| *n == name)
            {
                Some(pos) => {
                    let idx = stack.len() - pos - 1;
                    let kept = stack[idx].1;
                    stack.truncate(idx);
                    kept
                }
                // A stray end tag.
                None => stack.len() < max || FLAT.contains(&name.as_str()),
            }
        } else if FLAT.contains(&name.as_str()) {
            true
        } else {
            let self_closing = tag_end >= 2 && bytes.get(tag_end - 2) == Some(&b'/');
            let kept = stack.len() < max;
            if !self_closing || RAW_TEXT.contains(&name.as_str()) {
                stack.push((name.clone(), kept));
            }
            kept
        };
        let raw_text = !is_end && RAW_TEXT.contains(&name.as_str());
        // Raw text runs to its end tag; a dropped raw-text element goes with its content.
        let raw_end = raw_text.then(|| {
            let close = format!("</{name}");
            find_ci(&bytes[tag_end..], close.as_bytes()).map_or(bytes.len(), |p| tag_end + p)
        });
        if !keep {
            let drop_to = match raw_end {
                Some(close) => {
                    stack.pop();
                    tag_end_of(bytes, close)
                }
                None => tag_end,
            };
            let o = out.get_or_insert_with(|| String::with_capacity(html.len()));
            o.push_str(html.get(copied..lt).unwrap_or_default());
            copied = drop_to;
            i = drop_to;
        } else {
            // The raw text's end tag is then handled like any other.
            i = raw_end.unwrap_or(tag_end);
        }
    }
    match out {
        None => Cow::Borrowed(html),
        Some(mut o) => {
            o.push_str(html.get(copied..).unwrap_or_default());
            Cow::Owned(o)
        }
    }
}

/// Index just past the tag starting at `lt` (or the end of input).
fn tag_end_of(bytes: &[u8], lt: usize) -> usize {
    if lt >= bytes.len() {
        return bytes.len();
    }
    tag_end(bytes, lt + 1)
}

/// Index just past the `>` that ends a tag, honouring quoted attribute values.
fn tag_end(bytes: &[u8], from: usize) -> usize {
    let mut quote: Option<u8> = None;
    for (k, &b) in bytes.iter().enumerate().skip(from) {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return k + 1,
            None => {}
        }
    }
    bytes.len()
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&b| b == needle)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shallow_documents_are_untouched() {
        let html = "<html><body><div class=\"a>b\"><p>x<p>y<ul><li>1<li>2</ul><br/><img src=x>\
                    <script>if (a < b) { document.write('<div><div><div>'); }</script>\
                    <!-- <div><div> --></div></body></html>";
        assert!(matches!(limit_depth(html, 4), Cow::Borrowed(_)));
    }

    #[test]
    fn deep_tags_are_dropped_text_kept() {
        let html = "<div><div><div><div>deep</div></div></div></div><p>after</p>";
        let out = limit_depth(html, 2);
        assert_eq!(out, "<div><div>deep</div></div><p>after</p>");
    }

    #[test]
    fn stray_end_tags_do_not_hide_depth() {
        let mut html = String::new();
        for _ in 0..100 {
            html.push_str("<div></x>");
        }
        html.push_str("text");
        let out = limit_depth(&html, 10);
        assert_eq!(out.matches("<div>").count(), 10);
        assert!(out.ends_with("text"));
    }

    #[test]
    fn dropped_raw_text_goes_with_its_content() {
        let html = "<div><div><script>var x = '<div>';</script><style>p{}</style>t</div></div>";
        assert_eq!(limit_depth(html, 1), "<div>t</div>");
    }
}

//! Page chrome: navigation, cookie banners, sidebars, footers and the per-document
//! facts used to tell them from the posting.

#[allow(clippy::wildcard_imports)]
use super::*;

// ---------------------------------------------------------------------------------------
// Per-document facts used to decide what is page chrome

pub(super) struct Ctx {
    /// Non-whitespace characters of text below each element (scripts/styles excluded).
    pub(super) text_len: HashMap<NodeId, usize>,
    /// Same, counting only text inside links.
    pub(super) link_len: HashMap<NodeId, usize>,
    /// `<article>`, `<main>`, `[role=main]` and their ancestors: never dropped for their
    /// class names or roles.
    pub(super) protected: HashSet<NodeId>,
    /// Text length of the whole document.
    pub(super) total_len: usize,
}

impl Ctx {
    pub(super) fn new(doc: &Html) -> Self {
        let mut text_len: HashMap<NodeId, usize> = HashMap::new();
        let mut link_len: HashMap<NodeId, usize> = HashMap::new();
        let mut landmarks: Vec<NodeRef<'_, Node>> = Vec::new();
        for edge in doc.tree.root().traverse() {
            let Edge::Close(node) = edge else { continue };
            let Node::Element(el) = node.value() else {
                continue;
            };
            let name = el.name();
            if is_landmark(el) {
                landmarks.push(node);
            }
            if matches!(name, "script" | "style" | "noscript" | "template") {
                text_len.insert(node.id(), 0);
                link_len.insert(node.id(), 0);
                continue;
            }
            let mut len = 0;
            let mut links = 0;
            for child in node.children() {
                match child.value() {
                    Node::Text(t) => len += t.chars().filter(|c| !is_space(*c)).count(),
                    Node::Element(_) => {
                        len += text_len.get(&child.id()).copied().unwrap_or(0);
                        links += link_len.get(&child.id()).copied().unwrap_or(0);
                    }
                    _ => {}
                }
            }
            if name == "a" {
                links = len;
            }
            text_len.insert(node.id(), len);
            link_len.insert(node.id(), links);
        }
        let mut protected = HashSet::new();
        for node in landmarks {
            let mut cur = Some(node);
            while let Some(n) = cur {
                if !protected.insert(n.id()) {
                    break;
                }
                cur = n.parent();
            }
        }
        let total_len = doc
            .tree
            .root()
            .children()
            .map(|c| text_len.get(&c.id()).copied().unwrap_or(0))
            .sum();
        Ctx {
            text_len,
            link_len,
            protected,
            total_len,
        }
    }

    pub(super) fn len(&self, id: NodeId) -> usize {
        self.text_len.get(&id).copied().unwrap_or(0)
    }

    pub(super) fn link_density(&self, id: NodeId) -> f64 {
        let len = self.len(id);
        if len == 0 {
            return 0.0;
        }
        self.link_len.get(&id).copied().unwrap_or(0) as f64 / len as f64
    }
}

pub(super) fn is_landmark(el: &Element) -> bool {
    matches!(el.name(), "article" | "main") || role_is(el, "main")
}

pub(super) fn role_is(el: &Element, role: &str) -> bool {
    el.attr("role")
        .is_some_and(|r| r.split_whitespace().any(|t| t.eq_ignore_ascii_case(role)))
}

/// Whether we are choosing the content block (forms are not chrome then: some sites wrap
/// the whole page in a `<form>`) or rendering.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Phase {
    Choose,
    /// Rendering the whole page: site-level `<header>`/`<footer>` are chrome.
    Render,
    /// Rendering a chosen content block: `<header>`/`<footer>` inside it are content.
    RenderScoped,
}

/// Elements that are always dropped, whatever their size.
pub(super) fn always_dropped(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "svg"
            | "math"
            | "iframe"
            | "frame"
            | "frameset"
            | "object"
            | "embed"
            | "canvas"
            | "audio"
            | "video"
            | "map"
            | "button"
            | "select"
            | "option"
            | "textarea"
            | "input"
            | "nav"
            | "aside"
            | "head"
            | "title"
            | "meta"
            | "link"
            | "base"
            | "dialog"
    )
}

/// Class/id/aria-label words (prefixes) that mark page chrome.
pub(super) const CHROME_PREFIXES: &[&str] = &[
    "cookie",
    "consent",
    "gdpr",
    "banner",
    "breadcrumb",
    "sidebar",
    "share",
    "sharing",
    "social",
    "newsletter",
    "related",
    "similar",
    "subscribe",
    "footer",
    "nav",
    "menu",
    "modal",
    "popup",
    "advert",
    "skip",
];
/// Class/id words that mark chrome only as whole words.
pub(super) const CHROME_WORDS: &[&str] = &["ad", "ads"];
pub(super) const CHROME_ROLES: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "dialog",
    "alertdialog",
    "search",
    "menu",
    "menubar",
    "toolbar",
    "tooltip",
];

/// Splits `cookieBanner site-nav__item` into `cookie`, `banner`, `site`, `nav`, `item`.
pub(super) fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in s.chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

pub(super) fn chrome_word(w: &str) -> bool {
    CHROME_WORDS.contains(&w) || CHROME_PREFIXES.iter().any(|p| w.starts_with(p))
}

pub(super) fn looks_like_chrome(el: &Element) -> bool {
    if let Some(role) = el.attr("role")
        && role
            .split_whitespace()
            .any(|r| CHROME_ROLES.iter().any(|c| r.eq_ignore_ascii_case(c)))
    {
        return true;
    }
    if el.attr("hidden").is_some()
        || el
            .attr("aria-hidden")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    {
        return true;
    }
    if let Some(style) = el.attr("style") {
        let style: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        if style.contains("display:none") || style.contains("visibility:hidden") {
            return true;
        }
    }
    let attr_words = el
        .attr("class")
        .into_iter()
        .chain(el.attr("id"))
        .flat_map(words);
    if attr_words.into_iter().any(|w| chrome_word(&w)) {
        return true;
    }
    if let Some(label) = el.attr("aria-label") {
        let w = words(label);
        if w.len() <= 4 && w.iter().any(|w| chrome_word(w)) {
            return true;
        }
    }
    false
}

/// A `<header>`/`<footer>` that belongs to the page, not to an article or section.
pub(super) fn is_site_level(node: NodeRef<'_, Node>) -> bool {
    !node.ancestors().take(200).any(|a| match a.value() {
        Node::Element(e) => {
            matches!(e.name(), "article" | "section" | "main" | "aside" | "nav")
                || role_is(e, "main")
        }
        _ => false,
    })
}

/// Whether an element (and everything below it) is page chrome to drop.
pub(super) fn is_chrome(node: NodeRef<'_, Node>, el: &Element, ctx: &Ctx, phase: Phase) -> bool {
    let name = el.name();
    if always_dropped(name) {
        return true;
    }
    match name {
        "html" | "body" => return false,
        "form" => return phase != Phase::Choose,
        "header" | "footer" if phase != Phase::RenderScoped && is_site_level(node) => {
            return true;
        }
        _ => {}
    }
    if !looks_like_chrome(el) || ctx.protected.contains(&node.id()) {
        return false;
    }
    // Something classed "sidebar" that holds most of the page's text is a layout wrapper
    // (`has-sidebar`, `with-sidebar`), not a sidebar.
    ctx.len(node.id()) * 2 <= ctx.total_len
}

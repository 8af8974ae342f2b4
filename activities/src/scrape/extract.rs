//! Readable posting text from HTML (readability-style) and from plain text.

use std::collections::{HashMap, HashSet};

use ego_tree::{NodeId, NodeRef, iter::Edge};
use scraper::node::Element;
use scraper::{Html, Node};
use serde_json::Value;
use url::Url;

use crate::scrape::depth::limit_depth;

/// Title, company and readable text of a job posting.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extracted {
    pub title: Option<String>,
    pub company: Option<String>,
    /// Headings on their own lines, list items as `- ` lines, paragraphs separated by blank
    /// lines, entities decoded, whitespace normalised.
    pub text: String,
}

/// Minimum rendered length (chars) for `<article>`/`<main>`/`[role=main]` to be trusted.
const MIN_SEMANTIC_CHARS: usize = 200;
/// Minimum rendered length (chars) for the readability winner to be used.
const MIN_SCORED_CHARS: usize = 100;
/// Deeper tags are dropped before parsing (see [`crate::scrape::depth`]).
const MAX_DEPTH: usize = 1000;

/// Readable posting text from HTML: no navigation, cookie banners, breadcrumbs,
/// sidebars, footers, scripts, styles, forms. Headings on their own lines, list items as
/// `- ` lines, paragraphs separated by blank lines, entities decoded, whitespace normalised.
///
/// Title and company come from a JSON-LD `JobPosting` when there is one, else from the page
/// (`<h1>`, elements classed like "company", `<title>`, the URL of known job boards,
/// `og:site_name`). The body text comes from `<article>`, else `<main>`, else
/// `[role=main]`, else the best-scoring block (readability); the JSON-LD description is used
/// when the page itself carries (almost) no text.
pub fn extract_posting(html: &str, base_url: Option<&Url>) -> Extracted {
    let html = limit_depth(html, MAX_DEPTH);
    let doc = Html::parse_document(&html);
    let ctx = Ctx::new(&doc);
    let job = find_json_ld_job(&doc);

    let root = choose_root(&doc, &ctx);
    let mut blocks = render_blocks(root, &ctx);
    let body_words = word_count(&blocks);

    let mut title = job.as_ref().and_then(|j| j.title.clone());
    if title.is_none() {
        title = first_heading(root, &ctx, Phase::RenderScoped)
            .or_else(|| first_heading(doc.tree.root(), &ctx, Phase::Render))
            // A job title in a page-level hero <header>, after a logo <h1> elsewhere.
            .or_else(|| first_heading(doc.tree.root(), &ctx, Phase::RenderScoped))
            .or_else(|| meta_content(&doc, "og:title").map(|t| title_from_title_tag(&t).0))
            .or_else(|| title_text(&doc).map(|t| title_from_title_tag(&t).0))
            .filter(|t| !t.is_empty());
    }
    let company = job
        .as_ref()
        .and_then(|j| j.company.clone())
        .or_else(|| microdata_company(&doc, &ctx))
        .or_else(|| classed_company(&doc, &ctx))
        .or_else(|| title_text(&doc).and_then(|t| title_from_title_tag(&t).1))
        .or_else(|| base_url.and_then(company_from_job_board_url))
        .or_else(|| meta_content(&doc, "og:site_name"))
        .filter(|c| !c.is_empty());

    if let Some(desc) = job.as_ref().and_then(|j| j.description.as_deref()) {
        let desc_blocks = description_blocks(desc);
        let desc_words = word_count(&desc_blocks);
        if desc_words > 0 && body_words * 2 < desc_words {
            let desc_text = join_blocks(&desc_blocks);
            let mut head = Vec::new();
            if let Some(t) = &title
                && !desc_text.contains(t.as_str())
            {
                head.push(Block::new(Kind::Heading, t.clone()));
            }
            if let Some(c) = &company
                && !desc_text.contains(c.as_str())
            {
                head.push(Block::new(Kind::Para, c.clone()));
            }
            head.extend(desc_blocks);
            blocks = head;
        }
    }

    Extracted {
        title,
        company,
        text: join_blocks(&blocks),
    }
}

/// Normalises a plain-text posting: line endings, invisible characters, odd spaces,
/// bullet characters (`•`, `*`, `–`, ... become `- `), runs of blank lines. The title is the
/// first line; the company is a `Company:` line or the short line right under the title.
pub fn extract_plain(text: &str) -> Extracted {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut lines: Vec<String> = Vec::new();
    for raw in text.split('\n') {
        let line = normalise_bullet(&collapse(raw));
        if line.is_empty() && lines.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        lines.push(line);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }

    let is_bullet = |l: &str| l.starts_with("- ");
    let title = lines
        .first()
        .filter(|l| l.chars().count() <= 150 && !is_bullet(l))
        .map(|l| strip_label(l, &["job title", "title", "position", "role"]));
    let labelled_company = lines.iter().take(20).find_map(|l| {
        let (label, value) = l.split_once(':')?;
        let label = label.trim().to_lowercase();
        [
            "company",
            "employer",
            "organisation",
            "organization",
            "hiring company",
        ]
        .contains(&label.as_str())
        .then(|| value.trim().to_owned())
        .filter(|v| !v.is_empty())
    });
    let company = labelled_company.or_else(|| {
        let second = lines.get(1)?;
        let ok = title.is_some()
            && !second.is_empty()
            && second.chars().count() <= 80
            && !is_bullet(second)
            && !second.contains(':')
            && !second.ends_with(['.', '!', '?', ',', ';']);
        ok.then(|| second.clone())
    });
    Extracted {
        title,
        company,
        text: lines.join("\n"),
    }
}

fn strip_label(line: &str, labels: &[&str]) -> String {
    if let Some((label, value)) = line.split_once(':')
        && labels.contains(&label.trim().to_lowercase().as_str())
        && !value.trim().is_empty()
    {
        return value.trim().to_owned();
    }
    line.to_owned()
}

fn normalise_bullet(line: &str) -> String {
    let trimmed = line.trim_start();
    for bullet in ['•', '·', '*', '–', '—', '▪', '●', '◦', '‣', '○', '■', '-'] {
        if let Some(rest) = trimmed.strip_prefix(bullet)
            && rest.starts_with(' ')
            && !rest.trim().is_empty()
        {
            return format!("- {}", rest.trim());
        }
    }
    trimmed.to_owned()
}

// ---------------------------------------------------------------------------------------
// Characters and whitespace

fn is_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t'
            | '\n'
            | '\r'
            | '\u{0B}'
            | '\u{0C}'
            | '\u{85}'
            | '\u{A0}'
            | '\u{1680}'
            | '\u{2000}'
            ..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

/// Characters that carry nothing visible in running text.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{AD}')
        || (c.is_control() && c != '\n' && c != '\t')
}

fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_space(c) {
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
        } else if !is_invisible(c) {
            out.push(c);
        }
    }
    out.trim_end().to_owned()
}

// ---------------------------------------------------------------------------------------
// Per-document facts used to decide what is page chrome

struct Ctx {
    /// Non-whitespace characters of text below each element (scripts/styles excluded).
    text_len: HashMap<NodeId, usize>,
    /// Same, counting only text inside links.
    link_len: HashMap<NodeId, usize>,
    /// `<article>`, `<main>`, `[role=main]` and their ancestors: never dropped for their
    /// class names or roles.
    protected: HashSet<NodeId>,
    /// Text length of the whole document.
    total_len: usize,
}

impl Ctx {
    fn new(doc: &Html) -> Self {
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

    fn len(&self, id: NodeId) -> usize {
        self.text_len.get(&id).copied().unwrap_or(0)
    }

    fn link_density(&self, id: NodeId) -> f64 {
        let len = self.len(id);
        if len == 0 {
            return 0.0;
        }
        self.link_len.get(&id).copied().unwrap_or(0) as f64 / len as f64
    }
}

fn is_landmark(el: &Element) -> bool {
    matches!(el.name(), "article" | "main") || role_is(el, "main")
}

fn role_is(el: &Element, role: &str) -> bool {
    el.attr("role")
        .is_some_and(|r| r.split_whitespace().any(|t| t.eq_ignore_ascii_case(role)))
}

/// Whether we are choosing the content block (forms are not chrome then: some sites wrap
/// the whole page in a `<form>`) or rendering.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Choose,
    /// Rendering the whole page: site-level `<header>`/`<footer>` are chrome.
    Render,
    /// Rendering a chosen content block: `<header>`/`<footer>` inside it are content.
    RenderScoped,
}

/// Elements that are always dropped, whatever their size.
fn always_dropped(name: &str) -> bool {
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
const CHROME_PREFIXES: &[&str] = &[
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
const CHROME_WORDS: &[&str] = &["ad", "ads"];
const CHROME_ROLES: &[&str] = &[
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
fn words(s: &str) -> Vec<String> {
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

fn chrome_word(w: &str) -> bool {
    CHROME_WORDS.contains(&w) || CHROME_PREFIXES.iter().any(|p| w.starts_with(p))
}

fn looks_like_chrome(el: &Element) -> bool {
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
fn is_site_level(node: NodeRef<'_, Node>) -> bool {
    !node.ancestors().take(200).any(|a| match a.value() {
        Node::Element(e) => {
            matches!(e.name(), "article" | "section" | "main" | "aside" | "nav")
                || role_is(e, "main")
        }
        _ => false,
    })
}

/// Whether an element (and everything below it) is page chrome to drop.
fn is_chrome(node: NodeRef<'_, Node>, el: &Element, ctx: &Ctx, phase: Phase) -> bool {
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

// ---------------------------------------------------------------------------------------
// Choosing the content root

fn element_nodes<'a>(
    root: NodeRef<'a, Node>,
    ctx: &Ctx,
    phase: Phase,
) -> Vec<(NodeRef<'a, Node>, &'a Element)> {
    let mut out = Vec::new();
    let mut skipping: Option<NodeId> = None;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => {
                if skipping.is_some() {
                    continue;
                }
                if let Node::Element(el) = node.value() {
                    if node.id() != root.id() && is_chrome(node, el, ctx, phase) {
                        skipping = Some(node.id());
                        continue;
                    }
                    out.push((node, el));
                }
            }
            Edge::Close(node) => {
                if skipping == Some(node.id()) {
                    skipping = None;
                }
            }
        }
    }
    out
}

fn choose_root<'a>(doc: &'a Html, ctx: &Ctx) -> NodeRef<'a, Node> {
    let root = doc.tree.root();
    let visible = element_nodes(root, ctx, Phase::Choose);
    let body = visible
        .iter()
        .find(|(_, el)| el.name() == "body")
        .map(|(n, _)| *n)
        .unwrap_or(root);

    let kinds: [&dyn Fn(&Element) -> bool; 3] = [
        &|el| el.name() == "article",
        &|el| el.name() == "main",
        &|el| role_is(el, "main"),
    ];
    for matches_kind in kinds {
        // Rendering is linear in the subtree, so only the few longest (by raw text)
        // candidates are rendered: pages with hundreds of <article> cards stay cheap.
        let mut candidates: Vec<NodeRef<'_, Node>> = visible
            .iter()
            .filter(|(_, el)| matches_kind(el))
            .map(|(n, _)| *n)
            .collect();
        candidates.sort_by_key(|n| std::cmp::Reverse(ctx.len(n.id())));
        let best = candidates
            .into_iter()
            .take(5)
            .map(|n| (n, rendered_len(n, ctx)))
            .max_by_key(|(_, len)| *len);
        if let Some((node, len)) = best
            && len >= MIN_SEMANTIC_CHARS
        {
            return node;
        }
    }
    readability_pick(&visible, ctx)
        .filter(|n| rendered_len(*n, ctx) >= MIN_SCORED_CHARS)
        .unwrap_or(body)
}

fn rendered_len(node: NodeRef<'_, Node>, ctx: &Ctx) -> usize {
    render_blocks(node, ctx)
        .iter()
        .map(|b| b.text.chars().count())
        .sum()
}

const BLOCK_CHILDREN: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "ul",
    "ol",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "blockquote",
    "form",
    "dl",
    "main",
    "header",
    "footer",
];

fn class_weight(el: &Element) -> f64 {
    const POSITIVE: &[&str] = &[
        "article",
        "body",
        "content",
        "entry",
        "main",
        "page",
        "post",
        "text",
        "blog",
        "story",
        "job",
        "description",
        "posting",
        "vacancy",
        "position",
        "details",
    ];
    const NEGATIVE: &[&str] = &[
        "comment",
        "contact",
        "foot",
        "footer",
        "footnote",
        "masthead",
        "media",
        "meta",
        "promo",
        "related",
        "scroll",
        "share",
        "sidebar",
        "sponsor",
        "shopping",
        "tags",
        "tool",
        "widget",
        "similar",
        "recommend",
        "apply",
    ];
    let mut weight = 0.0;
    for attr in [el.attr("class"), el.attr("id")].into_iter().flatten() {
        let w = words(attr);
        if w.iter().any(|w| POSITIVE.iter().any(|p| w.starts_with(p))) {
            weight += 25.0;
        }
        if w.iter().any(|w| NEGATIVE.iter().any(|p| w.starts_with(p))) {
            weight -= 25.0;
        }
    }
    weight
}

fn tag_weight(name: &str) -> f64 {
    match name {
        "div" | "section" => 5.0,
        "pre" | "td" | "blockquote" => 3.0,
        "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form" => -3.0,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => -5.0,
        _ => 0.0,
    }
}

/// Classic readability scoring: every paragraph-like element gives points (length, commas)
/// to its parent, half to its grandparent and a sixth to the next ancestor; the
/// candidate with the best score, discounted by link density, wins.
fn readability_pick<'a>(
    visible: &[(NodeRef<'a, Node>, &'a Element)],
    ctx: &Ctx,
) -> Option<NodeRef<'a, Node>> {
    let mut scores: HashMap<NodeId, (NodeRef<'a, Node>, f64)> = HashMap::new();
    for (node, el) in visible {
        let name = el.name();
        let paragraph_like = match name {
            "p" | "pre" | "td" | "li" | "blockquote" | "dd" => true,
            "div" | "section" => !node.children().any(
                |c| matches!(c.value(), Node::Element(ce) if BLOCK_CHILDREN.contains(&ce.name())),
            ),
            _ => false,
        };
        if !paragraph_like {
            continue;
        }
        let len = ctx.len(node.id());
        if len < 25 {
            continue;
        }
        let commas = node
            .descendants()
            .filter_map(|d| d.value().as_text())
            .map(|t| t.chars().filter(|c| matches!(c, ',' | '،' | '，')).count())
            .sum::<usize>();
        let score = 1.0 + commas as f64 + (len as f64 / 100.0).min(3.0);
        // List items credit the block around the list, not the list itself.
        let ancestors = node.ancestors().filter(|a| match a.value() {
            Node::Element(e) => !(name == "li" && matches!(e.name(), "ul" | "ol")),
            _ => false,
        });
        for (level, anc) in ancestors.take(3).enumerate() {
            let Node::Element(ae) = anc.value() else {
                continue;
            };
            if matches!(ae.name(), "html" | "body") {
                break;
            }
            let divider = match level {
                0 => 1.0,
                1 => 2.0,
                l => l as f64 * 3.0,
            };
            let entry = scores
                .entry(anc.id())
                .or_insert_with(|| (anc, tag_weight(ae.name()) + class_weight(ae)));
            entry.1 += score / divider;
        }
    }
    let final_score = |id: NodeId, raw: f64| -> f64 { raw * (1.0 - ctx.link_density(id)) };
    let (mut best, mut best_score) = scores
        .values()
        .map(|(n, s)| (*n, final_score(n.id(), *s)))
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    // Content split over sibling blocks (intro, duties, requirements) lifts the parent's
    // score close to the best child's: take the parent then.
    while let Some(parent) = best.parent() {
        let Some((_, raw)) = scores.get(&parent.id()) else {
            break;
        };
        let parent_score = final_score(parent.id(), *raw);
        if parent_score < best_score * 0.75 {
            break;
        }
        best = parent;
        best_score = parent_score;
    }
    (best_score > 0.0).then_some(best)
}

// ---------------------------------------------------------------------------------------
// Rendering blocks of text

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Heading,
    Para,
    /// A list item; `first` is false for a second paragraph inside the same item.
    Item {
        depth: usize,
        first: bool,
    },
    /// Table rows, definition terms and descriptions: one per line.
    Line,
    Pre,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Block {
    kind: Kind,
    text: String,
}

impl Block {
    fn new(kind: Kind, text: String) -> Self {
        Block { kind, text }
    }
}

const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "blockquote",
    "figure",
    "figcaption",
    "address",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "dl",
    "details",
    "summary",
    "center",
    "fieldset",
    "legend",
    "form",
    "body",
    "html",
    "hgroup",
    "search",
];

#[derive(Default)]
struct Renderer {
    blocks: Vec<Block>,
    buf: String,
    heading: usize,
    pre: usize,
    line: usize,
    list_depth: usize,
    /// Open `<li>`s: (depth, marker already emitted).
    items: Vec<(usize, bool)>,
}

impl Renderer {
    fn text(&mut self, t: &str) {
        if self.pre > 0 {
            for c in t.chars() {
                match c {
                    '\r' => {}
                    '\n' => self.buf.push('\n'),
                    c if is_space(c) => self.buf.push(' '),
                    c if is_invisible(c) => {}
                    c => self.buf.push(c),
                }
            }
            return;
        }
        for c in t.chars() {
            if is_space(c) {
                if !self.buf.is_empty() && !self.buf.ends_with([' ', '\n']) {
                    self.buf.push(' ');
                }
            } else if !is_invisible(c) {
                self.buf.push(c);
            }
        }
    }

    fn flush(&mut self) {
        let raw = std::mem::take(&mut self.buf);
        let text = if self.pre > 0 {
            let lines: Vec<&str> = raw.split('\n').map(str::trim_end).collect();
            let start = lines.iter().position(|l| !l.is_empty());
            let end = lines.iter().rposition(|l| !l.is_empty());
            match (start, end) {
                (Some(s), Some(e)) => lines[s..=e].join("\n"),
                _ => String::new(),
            }
        } else {
            raw.split('\n')
                .map(collapse)
                .map(|l| l.trim().to_owned())
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("\n")
        };
        if text.is_empty() {
            return;
        }
        let kind = if self.heading > 0 {
            Kind::Heading
        } else if self.pre > 0 {
            Kind::Pre
        } else if let Some((depth, emitted)) = self.items.last_mut() {
            let first = !*emitted;
            *emitted = true;
            Kind::Item {
                depth: *depth,
                first,
            }
        } else if self.line > 0 {
            Kind::Line
        } else {
            Kind::Para
        };
        self.blocks.push(Block::new(kind, text));
    }

    fn open(&mut self, name: &str) {
        match name {
            "br" => self.buf.push('\n'),
            "hr" => self.flush(),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                self.flush();
                self.heading += 1;
            }
            "li" => {
                self.flush();
                self.items.push((self.list_depth.max(1), false));
            }
            "ul" | "ol" | "menu" => {
                self.flush();
                self.list_depth += 1;
            }
            "pre" | "listing" | "xmp" | "plaintext" => {
                self.flush();
                self.pre += 1;
            }
            "dt" | "dd" | "tr" | "caption" => {
                self.flush();
                self.line += 1;
            }
            "td" | "th" => {
                let trimmed = self.buf.trim_end().len();
                if trimmed > 0 && !self.buf.ends_with('\n') {
                    self.buf.truncate(trimmed);
                    self.buf.push_str(" | ");
                }
            }
            n if BLOCK_TAGS.contains(&n) => self.flush(),
            _ => {}
        }
    }

    fn close(&mut self, name: &str) {
        match name {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                self.flush();
                self.heading = self.heading.saturating_sub(1);
            }
            "li" => {
                self.flush();
                self.items.pop();
            }
            "ul" | "ol" | "menu" => {
                self.flush();
                self.list_depth = self.list_depth.saturating_sub(1);
            }
            "pre" | "listing" | "xmp" | "plaintext" => {
                self.flush();
                self.pre = self.pre.saturating_sub(1);
            }
            "dt" | "dd" | "tr" | "caption" => {
                self.flush();
                self.line = self.line.saturating_sub(1);
            }
            "td" | "th" if !self.buf.is_empty() && !self.buf.ends_with([' ', '\n']) => {
                self.buf.push(' ');
            }
            "td" | "th" => {}
            n if BLOCK_TAGS.contains(&n) => self.flush(),
            _ => {}
        }
    }
}

fn render_blocks(root: NodeRef<'_, Node>, ctx: &Ctx) -> Vec<Block> {
    let whole_page = match root.value() {
        Node::Element(el) => matches!(el.name(), "html" | "body"),
        _ => true,
    };
    let phase = if whole_page {
        Phase::Render
    } else {
        Phase::RenderScoped
    };
    let mut r = Renderer::default();
    let mut skipping: Option<NodeId> = None;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => {
                if skipping.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Text(t) => r.text(t),
                    Node::Element(el) => {
                        if node.id() != root.id() && is_chrome(node, el, ctx, phase) {
                            skipping = Some(node.id());
                            continue;
                        }
                        r.open(el.name());
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if let Some(id) = skipping {
                    if id == node.id() {
                        skipping = None;
                    }
                    continue;
                }
                if let Node::Element(el) = node.value() {
                    r.close(el.name());
                }
            }
        }
    }
    r.flush();
    r.blocks
}

fn join_blocks(blocks: &[Block]) -> String {
    let mut out = String::new();
    let mut prev: Option<Kind> = None;
    for b in blocks {
        if let Some(p) = prev {
            let tight = matches!(
                (p, b.kind),
                (Kind::Heading, _)
                    | (Kind::Item { .. }, Kind::Item { .. })
                    | (Kind::Line, Kind::Line)
            );
            out.push_str(if tight { "\n" } else { "\n\n" });
        }
        match b.kind {
            Kind::Item { depth, first } => {
                let indent = "  ".repeat(depth.saturating_sub(1));
                for (i, line) in b.text.split('\n').enumerate() {
                    if i > 0 {
                        out.push('\n');
                    }
                    out.push_str(&indent);
                    out.push_str(if i == 0 && first { "- " } else { "  " });
                    out.push_str(line);
                }
            }
            _ => out.push_str(&b.text),
        }
        prev = Some(b.kind);
    }
    out
}

fn word_count(blocks: &[Block]) -> usize {
    blocks
        .iter()
        .map(|b| b.text.split_whitespace().count())
        .sum()
}

// ---------------------------------------------------------------------------------------
// Title and company

fn inline_text(node: NodeRef<'_, Node>) -> String {
    let mut s = String::new();
    for d in node.descendants() {
        if let Some(t) = d.value().as_text() {
            s.push_str(t);
        }
    }
    collapse(&s).trim().to_owned()
}

fn first_heading(root: NodeRef<'_, Node>, ctx: &Ctx, phase: Phase) -> Option<String> {
    element_nodes(root, ctx, phase)
        .into_iter()
        .find(|(_, el)| el.name() == "h1")
        .map(|(n, _)| inline_text(n))
        .filter(|t| !t.is_empty())
}

fn meta_content(doc: &Html, key: &str) -> Option<String> {
    doc.tree.root().descendants().find_map(|n| {
        let Node::Element(el) = n.value() else {
            return None;
        };
        if el.name() != "meta" {
            return None;
        }
        let named = [el.attr("property"), el.attr("name")]
            .into_iter()
            .flatten()
            .any(|v| v.trim().eq_ignore_ascii_case(key));
        named
            .then(|| el.attr("content").map(collapse))
            .flatten()
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty())
    })
}

fn title_text(doc: &Html) -> Option<String> {
    doc.tree
        .root()
        .descendants()
        .find(|n| matches!(n.value(), Node::Element(el) if el.name() == "title"))
        .map(inline_text)
        .filter(|t| !t.is_empty())
}

/// Splits a `<title>` such as `Backend Engineer at Acme | Careers` into the job title and,
/// when the wording says so, the company.
fn title_from_title_tag(t: &str) -> (String, Option<String>) {
    let mut parts: Vec<&str> = vec![t];
    for sep in [" | ", " — ", " – ", " - ", " · ", " :: ", " » "] {
        parts = parts.iter().flat_map(|p| p.split(sep)).collect();
    }
    let parts: Vec<&str> = parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect();
    let first = parts.first().copied().unwrap_or(t);
    let short = |s: &str| !s.is_empty() && s.chars().count() <= 60;
    if let Some((title, company)) = first.rsplit_once(" at ")
        && short(company.trim())
        && !title.trim().is_empty()
    {
        return (title.trim().to_owned(), Some(company.trim().to_owned()));
    }
    let company = parts.iter().skip(1).find_map(|p| {
        let lower = p.to_lowercase();
        for prefix in ["careers at ", "jobs at ", "work at ", "join "] {
            if lower.starts_with(prefix) {
                return p.get(prefix.len()..).map(str::trim).filter(|c| short(c));
            }
        }
        for suffix in [" careers", " jobs", " career site"] {
            if lower.ends_with(suffix) {
                return p
                    .len()
                    .checked_sub(suffix.len())
                    .and_then(|n| p.get(..n))
                    .map(str::trim)
                    .filter(|c| short(c));
            }
        }
        None
    });
    (first.to_owned(), company.map(str::to_owned))
}

fn attr_words_contain(el: &Element, wanted: &[&str]) -> bool {
    [el.attr("class"), el.attr("id")]
        .into_iter()
        .flatten()
        .flat_map(words)
        .any(|w| wanted.contains(&w.as_str()))
}

fn short_text(node: NodeRef<'_, Node>) -> Option<String> {
    let t = inline_text(node);
    let n = t.chars().count();
    (2..=80).contains(&n).then_some(t)
}

fn microdata_company(doc: &Html, ctx: &Ctx) -> Option<String> {
    let org = element_nodes(doc.tree.root(), ctx, Phase::Choose)
        .into_iter()
        .find(|(_, el)| {
            el.attr("itemprop")
                .is_some_and(|p| p.split_whitespace().any(|t| t == "hiringOrganization"))
        })?
        .0;
    org.descendants()
        .find(|d| {
            matches!(d.value(), Node::Element(e)
                if e.attr("itemprop").is_some_and(|p| p.split_whitespace().any(|t| t == "name")))
        })
        .and_then(|n| match n.value() {
            Node::Element(e) if e.name() == "meta" => e.attr("content").map(collapse),
            _ => short_text(n),
        })
        .or_else(|| short_text(org))
}

fn classed_company(doc: &Html, ctx: &Ctx) -> Option<String> {
    element_nodes(doc.tree.root(), ctx, Phase::Choose)
        .into_iter()
        .filter(|(_, el)| {
            attr_words_contain(el, &["company", "employer", "organization", "organisation"])
        })
        .filter(|(_, el)| !matches!(el.name(), "img" | "a" | "html" | "body"))
        .find_map(|(n, _)| short_text(n))
}

/// Known hosted job boards put the company's slug in the URL.
fn company_from_job_board_url(url: &Url) -> Option<String> {
    let host = url.host_str()?.trim_end_matches('.').to_ascii_lowercase();
    const PATH_HOSTS: &[&str] = &[
        "boards.greenhouse.io",
        "job-boards.greenhouse.io",
        "boards.eu.greenhouse.io",
        "job-boards.eu.greenhouse.io",
        "jobs.lever.co",
        "jobs.eu.lever.co",
        "jobs.ashbyhq.com",
        "apply.workable.com",
        "jobs.smartrecruiters.com",
    ];
    const SUBDOMAIN_SUFFIXES: &[&str] = &[
        ".recruitee.com",
        ".bamboohr.com",
        ".breezy.hr",
        ".teamtailor.com",
        ".personio.de",
        ".personio.com",
        ".workable.com",
    ];
    let slug = if PATH_HOSTS.contains(&host.as_str()) {
        url.path_segments()?.find(|s| !s.is_empty())?.to_owned()
    } else {
        let sub = SUBDOMAIN_SUFFIXES
            .iter()
            .find_map(|s| host.strip_suffix(s))?;
        sub.rsplit('.').next()?.to_owned()
    };
    let name = slug
        .split(['-', '_', '+'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ");
    (!name.is_empty()
        && !["www", "apply", "jobs", "careers"].contains(&name.to_lowercase().as_str()))
    .then_some(name)
}

// ---------------------------------------------------------------------------------------
// JSON-LD JobPosting

#[derive(Debug, Default)]
struct JobLd {
    title: Option<String>,
    company: Option<String>,
    description: Option<String>,
}

fn find_json_ld_job(doc: &Html) -> Option<JobLd> {
    for node in doc.tree.root().descendants() {
        let Node::Element(el) = node.value() else {
            continue;
        };
        if el.name() != "script"
            || !el
                .attr("type")
                .is_some_and(|t| t.to_ascii_lowercase().contains("ld+json"))
        {
            continue;
        }
        let raw: String = node
            .children()
            .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
            .collect();
        let Some(value) = parse_json_ld(&raw) else {
            continue;
        };
        if let Some(job) = find_job_object(&value, 0) {
            let text = |v: Option<&Value>| {
                v.and_then(Value::as_str)
                    .map(|s| collapse(&decode_entities(s)).trim().to_owned())
                    .filter(|s| !s.is_empty())
            };
            let company = match job.get("hiringOrganization") {
                Some(Value::String(s)) => text(Some(&Value::String(s.clone()))),
                Some(Value::Object(o)) => text(o.get("name")),
                Some(Value::Array(a)) => a.iter().find_map(|v| match v {
                    Value::Object(o) => text(o.get("name")),
                    Value::String(_) => text(Some(v)),
                    _ => None,
                }),
                _ => None,
            };
            return Some(JobLd {
                title: text(job.get("title")).or_else(|| text(job.get("name"))),
                company,
                description: job
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .filter(|d| !d.trim().is_empty()),
            });
        }
    }
    None
}

fn parse_json_ld(raw: &str) -> Option<Value> {
    let trimmed = raw
        .trim()
        .trim_start_matches("<!--")
        .trim_end_matches("-->")
        .trim()
        .trim_start_matches("//<![CDATA[")
        .trim_end_matches("//]]>")
        .trim()
        .trim_end_matches(';');
    serde_json::from_str(trimmed).ok().or_else(|| {
        // Raw newlines and tabs inside strings are common and invalid JSON.
        let cleaned: String = trimmed
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        serde_json::from_str(&cleaned).ok()
    })
}

fn is_job_posting_type(v: Option<&Value>) -> bool {
    let is = |s: &str| {
        s.rsplit(['/', ':', '#'])
            .next()
            .is_some_and(|t| t.eq_ignore_ascii_case("JobPosting"))
    };
    match v {
        Some(Value::String(s)) => is(s),
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).any(is),
        _ => false,
    }
}

fn find_job_object(v: &Value, depth: usize) -> Option<&serde_json::Map<String, Value>> {
    if depth > 8 {
        return None;
    }
    match v {
        Value::Object(m) => {
            if is_job_posting_type(m.get("@type")) {
                return Some(m);
            }
            m.values().find_map(|c| find_job_object(c, depth + 1))
        }
        Value::Array(a) => a.iter().find_map(|c| find_job_object(c, depth + 1)),
        _ => None,
    }
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let frag = Html::parse_fragment(s);
    frag.tree
        .root()
        .descendants()
        .filter_map(|n| n.value().as_text().map(|t| t.to_string()))
        .collect()
}

/// Blocks of a JSON-LD description: HTML (possibly entity-escaped) or plain text.
fn description_blocks(desc: &str) -> Vec<Block> {
    let html = if !desc.contains('<') && desc.contains("&lt;") {
        decode_entities(desc)
    } else {
        desc.to_owned()
    };
    if html.contains('<') {
        let frag = Html::parse_fragment(&limit_depth(&html, MAX_DEPTH));
        let ctx = Ctx::new(&frag);
        return render_blocks(frag.tree.root(), &ctx);
    }
    let plain = extract_plain(&decode_entities(&html)).text;
    plain
        .split("\n\n")
        .flat_map(|para| {
            let lines: Vec<&str> = para.split('\n').collect();
            lines
                .into_iter()
                .map(|l| match l.strip_prefix("- ") {
                    Some(item) => Block::new(
                        Kind::Item {
                            depth: 1,
                            first: true,
                        },
                        item.to_owned(),
                    ),
                    None => Block::new(Kind::Para, l.to_owned()),
                })
                .collect::<Vec<_>>()
        })
        .filter(|b| !b.text.trim().is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_classes() {
        assert_eq!(
            words("cookieBanner site-nav__item"),
            vec!["cookie", "banner", "site", "nav", "item"]
        );
        assert_eq!(
            words("job-posting__header"),
            vec!["job", "posting", "header"]
        );
    }

    #[test]
    fn title_tag_parsing() {
        assert_eq!(
            title_from_title_tag("Senior Backend Engineer (Rust) | Careers at Ledgerline Payments"),
            (
                "Senior Backend Engineer (Rust)".to_owned(),
                Some("Ledgerline Payments".to_owned())
            )
        );
        assert_eq!(
            title_from_title_tag("Data Analyst at Coastline Mobility - Remote"),
            (
                "Data Analyst".to_owned(),
                Some("Coastline Mobility".to_owned())
            )
        );
        assert_eq!(
            title_from_title_tag("Nurse | Cedar Hollow Jobs"),
            ("Nurse".to_owned(), Some("Cedar Hollow".to_owned()))
        );
        assert_eq!(
            title_from_title_tag("Just a title"),
            ("Just a title".to_owned(), None)
        );
    }

    #[test]
    fn job_board_slugs() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert_eq!(
            company_from_job_board_url(&u(
                "https://boards.greenhouse.io/ledgerline-payments/jobs/1"
            )),
            Some("Ledgerline Payments".to_owned())
        );
        assert_eq!(
            company_from_job_board_url(&u("https://acme.recruitee.com/o/backend")),
            Some("Acme".to_owned())
        );
        assert_eq!(
            company_from_job_board_url(&u("https://example.com/jobs/1")),
            None
        );
    }

    #[test]
    fn blocks_join_like_the_fixture() {
        let html = "<article><h1>T</h1><p>Co</p><ul><li>a</li><li>b<ul><li>c</li></ul></li></ul>\
                    <h2>H</h2><p>x &amp; y&nbsp;z</p><p>l1<br>l2</p></article>";
        let e = extract_posting(html, None);
        assert_eq!(e.text, "T\nCo\n\n- a\n- b\n  - c\n\nH\nx & y z\n\nl1\nl2");
    }

    #[test]
    fn tables_pre_and_definition_lists() {
        let html = "<main><table><tr><th>Location</th><td>Remote</td></tr>\
                    <tr><th>Salary</th><td>100&ndash;120k</td></tr></table>\
                    <pre>  line one\n    indented\n</pre><dl><dt>Team</dt><dd>Core</dd></dl>\
                    <p>padding text so that the main element is long enough to be trusted as content \
                    rather than being skipped for the readability fallback which needs more text.</p></main>";
        let e = extract_posting(html, None);
        assert!(
            e.text.starts_with(
                "Location | Remote\nSalary | 100–120k\n\n  line one\n    indented\n\nTeam\nCore"
            ),
            "{}",
            e.text
        );
    }

    #[test]
    fn plain_text_normalisation() {
        let e = extract_plain(
            "\u{FEFF}Job title: Nurse\r\nCedar Hollow Hospital\r\n\r\n\r\n• Night shifts\r\n*  BLS\u{00A0}required \r\n",
        );
        assert_eq!(e.title.as_deref(), Some("Nurse"));
        assert_eq!(e.company.as_deref(), Some("Cedar Hollow Hospital"));
        assert_eq!(
            e.text,
            "Job title: Nurse\nCedar Hollow Hospital\n\n- Night shifts\n- BLS required"
        );
    }

    #[test]
    fn plain_text_labelled_company() {
        let e = extract_plain("Backend Engineer\n\nCompany: Acme Corp\nLocation: Remote\n");
        assert_eq!(e.title.as_deref(), Some("Backend Engineer"));
        assert_eq!(e.company.as_deref(), Some("Acme Corp"));
        let e = extract_plain("We are hiring.\nThis is a long sentence that ends with a period.\n");
        assert_eq!(e.company, None);
        assert_eq!(extract_plain("   \n\u{3000}\n"), Extracted::default());
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let depth = 50_000;
        let mut html = String::from("<html><body>");
        for _ in 0..depth {
            html.push_str("<div>");
        }
        html.push_str("<p>deep text</p>");
        for _ in 0..depth {
            html.push_str("</div>");
        }
        let e = extract_posting(&html, None);
        assert!(e.text.contains("deep text"));
    }
}

//! Rendering the chosen content root as blocks of text (headings, paragraphs, bullets).

#[allow(clippy::wildcard_imports)]
use super::*;

// ---------------------------------------------------------------------------------------
// Rendering blocks of text

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
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
pub(super) struct Block {
    pub(super) kind: Kind,
    pub(super) text: String,
}

impl Block {
    pub(super) fn new(kind: Kind, text: String) -> Self {
        Block { kind, text }
    }
}

pub(super) const BLOCK_TAGS: &[&str] = &[
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
pub(super) struct Renderer {
    pub(super) blocks: Vec<Block>,
    pub(super) buf: String,
    pub(super) heading: usize,
    pub(super) pre: usize,
    pub(super) line: usize,
    pub(super) list_depth: usize,
    /// Open `<li>`s: (depth, marker already emitted).
    pub(super) items: Vec<(usize, bool)>,
}

impl Renderer {
    pub(super) fn text(&mut self, t: &str) {
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

    pub(super) fn flush(&mut self) {
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

    pub(super) fn open(&mut self, name: &str) {
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

    pub(super) fn close(&mut self, name: &str) {
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

pub(super) fn render_blocks(root: NodeRef<'_, Node>, ctx: &Ctx) -> Vec<Block> {
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

pub(super) fn join_blocks(blocks: &[Block]) -> String {
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

pub(super) fn word_count(blocks: &[Block]) -> usize {
    blocks
        .iter()
        .map(|b| b.text.split_whitespace().count())
        .sum()
}

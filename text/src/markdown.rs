//! Markdown that a browser will render, made safe by parsing and re-emitting it from an
//! allow-list — never by cleaning it with regular expressions.
//!
//! Model output (and anything a scraped job page steered into it) reaches the frontend
//! as `preview_md`. [`sanitize`] parses it with `pulldown-cmark` (so reference-style
//! links, autolinks and entity-encoded schemes are resolved exactly as a renderer would
//! resolve them), keeps only these nodes — headings, paragraphs, emphasis, strong,
//! strikethrough, lists, block quotes, code, rules, line breaks and links whose scheme is
//! `http`, `https`, `mailto` or `tel` — and writes Markdown back with every piece of text
//! escaped. Raw HTML is dropped, images become their alt text, other links their text.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// URL schemes a link may keep.
pub const ALLOWED_SCHEMES: [&str; 4] = ["http", "https", "mailto", "tel"];

/// Parser options shared by [`sanitize`] and anyone checking its output.
pub fn parser_options() -> Options {
    Options::ENABLE_STRIKETHROUGH
}

/// Whether a link destination (as the parser resolved it) may stay a link.
pub fn allowed_url(dest: &str) -> bool {
    // Browsers ignore leading spaces/controls and tabs/newlines inside the scheme.
    let cleaned: String = dest
        .trim_start_matches(|c: char| c.is_whitespace() || c.is_control())
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let Some((scheme, _)) = cleaned.split_once(':') else {
        return false;
    };
    let scheme = scheme.to_ascii_lowercase();
    ALLOWED_SCHEMES.contains(&scheme.as_str())
}

/// Safe Markdown with the same visible content (see the module docs).
pub fn sanitize(md: &str) -> String {
    let mut w = Writer::default();
    for event in Parser::new_ext(md, parser_options()) {
        w.event(event);
    }
    w.finish()
}

#[derive(Default)]
struct Writer {
    out: String,
    /// Open lists: `None` for bullets, `Some(n)` for the next number.
    lists: Vec<Option<u64>>,
    /// Prefix of every line inside block quotes and list items.
    indent: String,
    /// Open links: whether each one is emitted as a link.
    links: Vec<bool>,
    /// Destinations of the open links that are emitted, written when each closes.
    pending_dests: Vec<String>,
    /// Inside an image: its alt text is emitted as plain text.
    image_depth: usize,
    /// Inside a fenced code block.
    code_block: bool,
    /// Inside a heading: a trailing run of `#` would be read as its closing sequence.
    heading: bool,
    /// Where the content of the current line starts in `out` (after the indent and
    /// any list or quote marker): block markers must be escaped there.
    content_from: usize,
}

impl Writer {
    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => {
                if self.code_block {
                    self.code_text(&t);
                } else {
                    self.text(&t);
                }
            }
            Event::Code(c) => self.code_span(&c),
            Event::SoftBreak => self.newline(),
            Event::HardBreak => {
                self.out.push('\\');
                self.newline();
            }
            Event::Rule => {
                self.block_gap();
                self.out.push_str("---");
                self.block_end();
            }
            // Raw HTML, footnotes, math, task markers and metadata are not on the list.
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => self.block_gap(),
            Tag::Heading { level, .. } => {
                self.block_gap();
                let n = heading_level(level);
                self.out.push_str(&"#".repeat(n));
                self.out.push(' ');
                self.content_from = self.out.len();
                self.heading = true;
            }
            Tag::BlockQuote(_) => {
                self.block_gap();
                self.indent.push_str("> ");
                self.out.push_str("> ");
                self.content_from = self.out.len();
            }
            Tag::CodeBlock(kind) => {
                self.block_gap();
                let fence_info = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .chars()
                        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | '_'))
                        .take(20)
                        .collect(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.out.push_str("~~~~");
                self.out.push_str(&fence_info);
                self.newline();
                self.code_block = true;
            }
            Tag::List(first) => {
                if self.lists.is_empty() {
                    self.block_gap();
                }
                self.lists.push(first);
            }
            Tag::Item => {
                if !self.out.is_empty() && !self.out.ends_with('\n') {
                    self.newline();
                }
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let m = format!("{n}. ");
                        *n += 1;
                        m
                    }
                    _ => "- ".to_string(),
                };
                self.out.push_str(&marker);
                self.indent.push_str(&" ".repeat(marker.len()));
                self.content_from = self.out.len();
            }
            Tag::Emphasis => self.push_inline("*"),
            Tag::Strong => self.push_inline("**"),
            Tag::Strikethrough => self.push_inline("~~"),
            Tag::Link { dest_url, .. } => {
                let keep = self.image_depth == 0 && allowed_url(&dest_url);
                self.links.push(keep);
                if keep {
                    self.links_open_text(&dest_url);
                }
            }
            Tag::Image { .. } => self.image_depth += 1,
            // Tables, footnotes, definition lists, metadata and HTML blocks: their text
            // still arrives as events and is written as plain text.
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.block_end(),
            TagEnd::Heading(_) => {
                self.heading = false;
                self.block_end();
            }
            TagEnd::BlockQuote(_) => {
                let len = self.indent.len().saturating_sub(2);
                self.indent.truncate(len);
                self.block_end();
            }
            TagEnd::CodeBlock => {
                self.code_block = false;
                if !self.out.ends_with('\n') {
                    self.newline();
                }
                self.out.push_str("~~~~");
                self.block_end();
            }
            TagEnd::List(_) => {
                self.lists.pop();
                if self.lists.is_empty() {
                    self.block_end();
                }
            }
            TagEnd::Item => {
                let marker_len = match self.lists.last() {
                    Some(Some(n)) => format!("{}. ", n.saturating_sub(1)).len(),
                    _ => 2,
                };
                let len = self.indent.len().saturating_sub(marker_len);
                self.indent.truncate(len);
            }
            TagEnd::Emphasis => self.push_inline("*"),
            TagEnd::Strong => self.push_inline("**"),
            TagEnd::Strikethrough => self.push_inline("~~"),
            // The destination was stashed when the link opened.
            TagEnd::Link if self.links.pop() == Some(true) => {
                self.out.push_str("](");
                let dest = self.pending_dests.pop().unwrap_or_default();
                self.out.push_str(&dest);
                self.out.push(')');
            }
            TagEnd::Image => self.image_depth = self.image_depth.saturating_sub(1),
            _ => {}
        }
    }

    fn links_open_text(&mut self, dest: &str) {
        self.out.push('[');
        self.pending_dests.push(encode_url(dest));
    }

    fn push_inline(&mut self, marker: &str) {
        if self.image_depth == 0 {
            self.out.push_str(marker);
        }
    }

    fn text(&mut self, t: &str) {
        for (i, line) in t.split('\n').enumerate() {
            if i > 0 {
                self.newline();
            }
            self.escape(line);
        }
    }

    /// Write text so that it reads back as the same text and nothing else: Markdown's
    /// inline punctuation always; block markers where a line's content starts (judged
    /// on what is already written, since the parser splits text into several events);
    /// `_` only where it could open or close emphasis (so `maya_l@example.com` stays).
    fn escape(&mut self, text: &str) {
        let chars: Vec<char> = text.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            let content = self.out.get(self.content_from..).unwrap_or("");
            let at_start = content.is_empty();
            if at_start && c == ' ' {
                // Leading spaces would make an indented code block.
                continue;
            }
            let prev = self.out.chars().next_back();
            let next = chars.get(i + 1).copied();
            let escape = match c {
                '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '&' | '~' | '|' => true,
                '!' => next == Some('['),
                '_' => {
                    !(prev.is_some_and(char::is_alphanumeric)
                        && next.is_some_and(char::is_alphanumeric))
                }
                '#' => at_start || self.heading,
                '-' | '+' | '=' => at_start,
                // "1. " / "1) " opening a line would start an ordered list.
                '.' | ')' => !content.is_empty() && content.bytes().all(|b| b.is_ascii_digit()),
                _ => false,
            };
            if escape {
                self.out.push('\\');
            }
            self.out.push(c);
        }
    }

    fn code_text(&mut self, t: &str) {
        for (i, line) in t.split('\n').enumerate() {
            if i > 0 {
                self.newline();
            }
            // A line of tildes could close the fence early: break it up.
            if line.trim_start().starts_with("~~~") {
                self.out.push(' ');
            }
            self.out.push_str(line);
        }
    }

    fn code_span(&mut self, c: &str) {
        let c = c.replace('\n', " ");
        let longest = longest_run(&c, '`');
        let fence = "`".repeat(longest + 1);
        // A backtick just before the fence (the closing fence of a code span right
        // before this one) would join it into one longer run that closes nothing.
        if self.out.ends_with('`') {
            self.out.push(' ');
        }
        self.out.push_str(&fence);
        self.out.push(' ');
        self.out.push_str(&c);
        self.out.push(' ');
        self.out.push_str(&fence);
    }

    fn newline(&mut self) {
        self.out.push('\n');
        self.out.push_str(&self.indent);
        self.content_from = self.out.len();
    }

    /// Start a block: on a line of its own, after a blank line (unless it opens a list
    /// item or a quote, whose marker is already written).
    fn block_gap(&mut self) {
        if self.out.is_empty() || self.ends_with_marker() {
            self.content_from = self.out.len();
            return;
        }
        let blank = |line: &str| line.chars().all(|c| c == ' ' || c == '>');
        let mut lines = self.out.rsplit('\n');
        let current = lines.next().unwrap_or("");
        if !blank(current) {
            self.newline();
            self.newline();
        } else if !lines.next().is_some_and(blank) {
            self.newline();
        }
        self.content_from = self.out.len();
    }

    fn block_end(&mut self) {
        self.newline();
    }

    fn ends_with_marker(&self) -> bool {
        self.out.ends_with("- ")
            || self.out.ends_with("> ")
            || (self.out.ends_with(". ")
                && self
                    .out
                    .trim_end_matches(". ")
                    .ends_with(|c: char| c.is_ascii_digit()))
    }

    fn finish(self) -> String {
        let mut s: String = self
            .out
            .lines()
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n");
        while s.contains("\n\n\n") {
            s = s.replace("\n\n\n", "\n\n");
        }
        s.trim().to_string()
    }
}

fn heading_level(level: HeadingLevel) -> usize {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn longest_run(s: &str, ch: char) -> usize {
    let (mut best, mut cur) = (0, 0);
    for c in s.chars() {
        if c == ch {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 0;
        }
    }
    best
}

/// A link destination written so that it cannot end the link early or be read as
/// anything else: spaces, parentheses, angle brackets, quotes and controls are
/// percent-encoded.
fn encode_url(dest: &str) -> String {
    let mut out = String::with_capacity(dest.len());
    for c in dest.chars() {
        match c {
            ' ' | '(' | ')' | '<' | '>' | '"' | '\'' | '\\' | '`' => {
                out.push_str(&format!("%{:02X}", c as u32));
            }
            c if c.is_control() || c.is_whitespace() => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a renderer would produce from `md`: no HTML, and every link's URL.
    fn rendered(md: &str) -> (bool, Vec<String>) {
        let mut html = false;
        let mut urls = Vec::new();
        for e in Parser::new_ext(md, parser_options()) {
            match e {
                Event::Html(_) | Event::InlineHtml(_) => html = true,
                Event::Start(Tag::Link { dest_url, .. }) => urls.push(dest_url.to_string()),
                Event::Start(Tag::Image { dest_url, .. }) => urls.push(dest_url.to_string()),
                _ => {}
            }
        }
        (html, urls)
    }

    fn assert_safe(md: &str) -> String {
        let out = sanitize(md);
        let (html, urls) = rendered(&out);
        assert!(!html, "raw HTML survived in {out:?} (from {md:?})");
        for u in urls {
            assert!(
                allowed_url(&u),
                "link {u:?} survived in {out:?} (from {md:?})"
            );
        }
        out
    }

    #[test]
    fn keeps_the_structure_of_a_resume() {
        let md = "# Maya Lindqvist\n\nmaya.lindqvist@example.com · +1 503-555-0148\n\n## Experience\n\n### Senior Engineer — Parcelwise\n\n- Built **Rust** services in C++ and Node.js\n- Cut p99 latency by 35%\n\n1. first\n2. second\n\n[site](https://maya.example.com)";
        let out = assert_safe(md);
        assert!(out.starts_with("# Maya Lindqvist\n\n"), "{out}");
        assert!(out.contains("## Experience"), "{out}");
        assert!(
            out.contains("- Built **Rust** services in C++ and Node.js"),
            "{out}"
        );
        assert!(out.contains("- Cut p99 latency by 35%"), "{out}");
        assert!(out.contains("1. first\n2. second"), "{out}");
        assert!(out.contains("[site](https://maya.example.com)"), "{out}");
        assert!(out.contains("maya.lindqvist@example.com"), "{out}");
        // Sanitising is stable.
        assert_eq!(sanitize(&out), out);
    }

    #[test]
    fn drops_html_and_dangerous_links_however_they_are_spelled() {
        for md in [
            "<script>alert(1)</script>",
            "hello <img src=x onerror=alert(1)> there",
            "[click](javascript:alert(1))",
            "[click](JaVaScRiPt:alert(1))",
            "[click](javascript&#58;alert(1))",
            "[click](java\tscript:alert(1))",
            "[click][ref]\n\n[ref]: javascript:alert(1)",
            "<javascript:alert(1)>",
            "[x](data:text/html;base64,PHNjcmlwdD4=)",
            "![img](javascript:alert(1))",
            "&lt;script&gt;alert(1)&lt;/script&gt;",
            "`<b>` and <b>bold</b>",
            "<div>\n*block html*\n</div>",
            "[a](vbscript:msgbox) [b](file:///etc/passwd)",
        ] {
            // Plain text that merely says "javascript:" is harmless; links are checked.
            assert_safe(md);
        }
        assert_eq!(sanitize("[click](javascript:alert(1))"), "click");
        assert_eq!(sanitize("![a cat](https://x.example/cat.png)"), "a cat");
        assert!(sanitize("<b>bold</b> text").contains("bold"));
    }

    #[test]
    fn allowed_links_survive_and_cannot_break_out() {
        let out = assert_safe(
            "[me](mailto:maya@example.com) [call](tel:+15035550148) <https://x.example/a_(b)>",
        );
        assert!(out.contains("[me](mailto:maya@example.com)"), "{out}");
        assert!(out.contains("[call](tel:+15035550148)"), "{out}");
        assert!(out.contains("(https://x.example/a_%28b%29)"), "{out}");
    }

    #[test]
    fn adjacent_code_spans_stay_code() {
        // Found by the property test: two code spans back to back were written as one
        // run of four backticks, so the HTML between them came out raw.
        for md in [
            "```# ``# ```<script>```<script>```",
            "`a``b`",
            "``x` ``<b>``y``",
            // A heading's trailing `#` run is its closing sequence unless escaped.
            "# # # \\# \n",
            "## C# #",
        ] {
            let out = assert_safe(md);
            assert_eq!(sanitize(&out), out, "{md:?} → {out:?}");
        }
    }

    #[test]
    fn literal_text_stays_literal() {
        for md in [
            "\\# not a heading",
            "price: 5 \\* 3 = 15",
            "1\\. not a list",
            "\\- not a bullet",
            "a \\<b\\> tag",
            "\\[x\\]\\(javascript:alert(1)\\)",
        ] {
            let out = assert_safe(md);
            assert_eq!(sanitize(&out), out, "{md:?} → {out:?}");
        }
    }
}

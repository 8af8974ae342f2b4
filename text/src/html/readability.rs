//! Choosing the content root: semantic containers first, then readability scoring.

#[allow(clippy::wildcard_imports)]
use super::*;

// ---------------------------------------------------------------------------------------
// Choosing the content root

pub(super) fn element_nodes<'a>(
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

pub(super) fn choose_root<'a>(doc: &'a Html, ctx: &Ctx) -> NodeRef<'a, Node> {
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

pub(super) fn rendered_len(node: NodeRef<'_, Node>, ctx: &Ctx) -> usize {
    render_blocks(node, ctx)
        .iter()
        .map(|b| b.text.chars().count())
        .sum()
}

pub(super) const BLOCK_CHILDREN: &[&str] = &[
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

pub(super) fn class_weight(el: &Element) -> f64 {
    pub(super) const POSITIVE: &[&str] = &[
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
    pub(super) const NEGATIVE: &[&str] = &[
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

pub(super) fn tag_weight(name: &str) -> f64 {
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
pub(super) fn readability_pick<'a>(
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

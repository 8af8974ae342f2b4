//! Title and company from the page (headings, meta tags, microdata, job-board URLs)
//! and the JSON-LD `JobPosting`.

#[allow(clippy::wildcard_imports)]
use super::*;

// ---------------------------------------------------------------------------------------
// Title and company

pub(super) fn inline_text(node: NodeRef<'_, Node>) -> String {
    let mut s = String::new();
    for d in node.descendants() {
        if let Some(t) = d.value().as_text() {
            s.push_str(t);
        }
    }
    collapse(&s).trim().to_owned()
}

pub(super) fn first_heading(root: NodeRef<'_, Node>, ctx: &Ctx, phase: Phase) -> Option<String> {
    element_nodes(root, ctx, phase)
        .into_iter()
        .find(|(_, el)| el.name() == "h1")
        .map(|(n, _)| inline_text(n))
        .filter(|t| !t.is_empty())
}

pub(super) fn meta_content(doc: &Html, key: &str) -> Option<String> {
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

pub(super) fn title_text(doc: &Html) -> Option<String> {
    doc.tree
        .root()
        .descendants()
        .find(|n| matches!(n.value(), Node::Element(el) if el.name() == "title"))
        .map(inline_text)
        .filter(|t| !t.is_empty())
}

/// Splits a `<title>` such as `Backend Engineer at Acme | Careers` into the job title and,
/// when the wording says so, the company.
pub(super) fn title_from_title_tag(t: &str) -> (String, Option<String>) {
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

pub(super) fn attr_words_contain(el: &Element, wanted: &[&str]) -> bool {
    [el.attr("class"), el.attr("id")]
        .into_iter()
        .flatten()
        .flat_map(words)
        .any(|w| wanted.contains(&w.as_str()))
}

pub(super) fn short_text(node: NodeRef<'_, Node>) -> Option<String> {
    let t = inline_text(node);
    let n = t.chars().count();
    (2..=80).contains(&n).then_some(t)
}

pub(super) fn microdata_company(doc: &Html, ctx: &Ctx) -> Option<String> {
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

pub(super) fn classed_company(doc: &Html, ctx: &Ctx) -> Option<String> {
    element_nodes(doc.tree.root(), ctx, Phase::Choose)
        .into_iter()
        .filter(|(_, el)| {
            attr_words_contain(el, &["company", "employer", "organization", "organisation"])
        })
        .filter(|(_, el)| !matches!(el.name(), "img" | "a" | "html" | "body"))
        .find_map(|(n, _)| short_text(n))
}

/// Known hosted job boards put the company's slug in the URL.
pub(super) fn company_from_job_board_url(url: &Url) -> Option<String> {
    let host = url.host_str()?.trim_end_matches('.').to_ascii_lowercase();
    pub(super) const PATH_HOSTS: &[&str] = &[
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
    pub(super) const SUBDOMAIN_SUFFIXES: &[&str] = &[
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
pub(super) struct JobLd {
    pub(super) title: Option<String>,
    pub(super) company: Option<String>,
    pub(super) description: Option<String>,
}

pub(super) fn find_json_ld_job(doc: &Html) -> Option<JobLd> {
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

pub(super) fn parse_json_ld(raw: &str) -> Option<Value> {
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

pub(super) fn is_job_posting_type(v: Option<&Value>) -> bool {
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

pub(super) fn find_job_object(v: &Value, depth: usize) -> Option<&serde_json::Map<String, Value>> {
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

pub(super) fn decode_entities(s: &str) -> String {
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
pub(super) fn description_blocks(desc: &str) -> Vec<Block> {
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

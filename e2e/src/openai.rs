//! A fake OpenAI for end-to-end runs: the real wire protocol
//! (`POST /v1/chat/completions` with structured outputs, `POST /v1/embeddings`)
//! on 127.0.0.1, answering like a well-behaved model would.
//!
//! - Structured outputs are answered per schema name: resumes and job
//!   postings are structured by our offline engine from the text in the
//!   prompt; the analysis quotes the retrieved excerpts; the generated resume
//!   is written from the profile — plus one invented achievement, which the
//!   truthfulness verifier must remove.
//! - Embeddings are the local hashed embedder's vectors (so retrieval ranks
//!   sensibly), with the requested `dimensions` checked.
//! - Tests script failures with [`FakeOpenAi::fail_when`]: requests whose
//!   body contains a marker get a given status/body (a 429 with
//!   `Retry-After`, 500s, `insufficient_quota`, schema-invalid JSON...).

use axum::{
    Json, Router,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

/// The invented line the fake adds to every generated resume.
pub const INVENTED: &str = "Led a team of 40 engineers at Google";

#[derive(Clone)]
pub struct Rule {
    /// The request body contains this text...
    pub marker: String,
    /// ...and asks for this structured output (`match_analysis`, ...) or
    /// any when empty.
    pub schema: String,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// With status 200 this is the message content; otherwise the error body.
    pub body: Value,
    /// How many requests it answers (`None`: all).
    pub times: Option<usize>,
}

#[derive(Default)]
struct Inner {
    rules: Vec<Rule>,
    requests: Vec<(String, Value)>,
}

#[derive(Clone)]
pub struct FakeOpenAi {
    pub base_url: String,
    api_key: String,
    inner: Arc<Mutex<Inner>>,
}

#[derive(Clone)]
struct App {
    api_key: String,
    dims: usize,
    inner: Arc<Mutex<Inner>>,
}

impl FakeOpenAi {
    /// `base_url` ends in `/v1`, as `OPENAI_BASE_URL` does.
    pub async fn start(api_key: &str, dims: usize) -> anyhow::Result<FakeOpenAi> {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let app = App {
            api_key: api_key.to_string(),
            dims,
            inner: inner.clone(),
        };
        let router = Router::new()
            .route("/v1/chat/completions", post(chat))
            .route("/v1/embeddings", post(embeddings))
            .with_state(app);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base_url = format!("http://{}/v1", listener.local_addr()?);
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Ok(FakeOpenAi {
            base_url,
            api_key: api_key.to_string(),
            inner,
        })
    }

    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    pub fn fail_when(&self, rule: Rule) {
        lock(&self.inner).rules.push(rule);
    }

    /// Every request so far: path and JSON body.
    pub fn requests(&self) -> Vec<(String, Value)> {
        lock(&self.inner).requests.clone()
    }

    /// Chat requests whose body contains `marker`, for structured output `schema`.
    pub fn chat_requests(&self, schema: &str, marker: &str) -> Vec<Value> {
        self.requests()
            .into_iter()
            .filter(|(p, b)| {
                p.ends_with("/chat/completions")
                    && b["response_format"]["json_schema"]["name"] == schema
                    && b.to_string().contains(marker)
            })
            .map(|(_, b)| b)
            .collect()
    }
}

fn lock(m: &Mutex<Inner>) -> std::sync::MutexGuard<'_, Inner> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn error(status: StatusCode, message: &str, kind: &str) -> Response {
    (
        status,
        Json(json!({"error": {"message": message, "type": kind, "param": null, "code": null}})),
    )
        .into_response()
}

fn authorized(app: &App, headers: &HeaderMap) -> bool {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == format!("Bearer {}", app.api_key))
}

/// The first scripted rule matching this request, consuming one use.
fn scripted(app: &App, schema: &str, body: &Value) -> Option<Rule> {
    let text = body.to_string();
    let mut inner = lock(&app.inner);
    inner.requests.push((
        if schema.is_empty() {
            "/v1/embeddings"
        } else {
            "/v1/chat/completions"
        }
        .to_string(),
        body.clone(),
    ));
    let rule = inner.rules.iter_mut().find(|r| {
        text.contains(&r.marker)
            && (r.schema.is_empty() || r.schema == schema)
            && r.times != Some(0)
    })?;
    if let Some(n) = rule.times.as_mut() {
        *n -= 1;
    }
    Some(rule.clone())
}

fn completion(model: &str, content: &str, prompt_chars: usize) -> Response {
    let prompt_tokens = prompt_chars / 4 + 1;
    let completion_tokens = content.len() / 4 + 1;
    Json(json!({
        "id": format!("chatcmpl-{}", uuid::Uuid::new_v4().simple()),
        "object": "chat.completion",
        "created": chrono::Utc::now().timestamp(),
        "model": model,
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": content, "refusal": null},
            "finish_reason": "stop",
            "logprobs": null
        }],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens
        }
    }))
    .into_response()
}

async fn chat(State(app): State<App>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    if !authorized(&app, &headers) {
        return error(
            StatusCode::UNAUTHORIZED,
            "Incorrect API key provided.",
            "invalid_request_error",
        );
    }
    let schema = body["response_format"]["json_schema"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    if body["response_format"]["json_schema"]["strict"] != true {
        return error(
            StatusCode::BAD_REQUEST,
            "this fake only answers strict structured outputs",
            "invalid_request_error",
        );
    }
    let model = body["model"].as_str().unwrap_or("gpt-4o-mini").to_string();
    let prompt_chars = body["messages"].to_string().len();
    if let Some(rule) = scripted(&app, &schema, &body) {
        let mut resp = if rule.status == 200 {
            completion(&model, rule.body.as_str().unwrap_or_default(), prompt_chars)
        } else {
            (
                StatusCode::from_u16(rule.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                Json(rule.body.clone()),
            )
                .into_response()
        };
        for (k, v) in &rule.headers {
            if let (Ok(k), Ok(v)) = (
                axum::http::HeaderName::try_from(k.as_str()),
                axum::http::HeaderValue::try_from(v.as_str()),
            ) {
                resp.headers_mut().insert(k, v);
            }
        }
        return resp;
    }
    let user = body["messages"][1]["content"].as_str().unwrap_or_default();
    let answer = match schema.as_str() {
        "parsed_resume" => {
            let (text, lang) = quoted(user);
            json!(engine::parse_resume(text, lang.as_deref()))
        }
        "parsed_job" => {
            let (text, lang) = quoted(user);
            json!(engine::parse_job(text, lang.as_deref()))
        }
        "match_analysis" => analysis(user),
        "optimized_resume" => optimized(user),
        "cv_edit_plan" => edit_plan(user),
        other => {
            return error(
                StatusCode::BAD_REQUEST,
                &format!("unknown schema {other}"),
                "invalid_request_error",
            );
        }
    };
    completion(&model, &answer.to_string(), prompt_chars)
}

/// A CV edit plan from the outline in the prompt: skills kept in order, and the first
/// bullet "rephrased" into [`INVENTED`] — which the CV editor must reject.
fn edit_plan(user: &str) -> Value {
    let prompt: Value = serde_json::from_str(user).unwrap_or(Value::Null);
    let outline = prompt["cv_outline"].as_array().cloned().unwrap_or_default();
    let mut changes = Vec::new();
    if let Some(bullet) = outline.iter().find(|o| {
        o["target"]
            .as_str()
            .is_some_and(|t| t.starts_with("experience/") && t.contains("/bullets/"))
    }) {
        changes.push(json!({
            "op": "rephrase_bullet",
            "target": bullet["target"],
            "order": [],
            "text": INVENTED,
            "reason": "shows leadership at scale",
            "requirement": null
        }));
    }
    json!({ "changes": changes })
}

/// The text between `<<<` and `>>>` and the language hint of a parse prompt.
fn quoted(user: &str) -> (&str, Option<String>) {
    let text = user
        .split_once("<<<\n")
        .and_then(|(_, rest)| rest.rsplit_once("\n>>>"))
        .map(|(t, _)| t)
        .unwrap_or(user);
    let lang = user
        .split_once("language hint: ")
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(l, _)| l.to_string())
        .filter(|l| l == "en" || l == "ar");
    (text, lang)
}

/// Answers the analysis prompt (plain text: excerpts under `[E1]` labels,
/// then `N. [kind] requirement — E1, E2` lines) by quoting each
/// requirement's first excerpt.
fn analysis(user: &str) -> Value {
    let (head, reqs) = user.split_once("\nREQUIREMENTS").unwrap_or((user, ""));
    let excerpts_part = head
        .split_once("RESUME EXCERPTS\n")
        .map(|(_, e)| e)
        .unwrap_or("");
    let mut excerpts: Vec<(String, String)> = Vec::new();
    for block in excerpts_part.split("\n\n") {
        if let Some((label, text)) = block
            .trim()
            .strip_prefix('[')
            .and_then(|b| b.split_once("]\n"))
        {
            excerpts.push((label.to_string(), text.to_string()));
        }
    }
    let keywords: Vec<&str> = head
        .lines()
        .find_map(|l| l.strip_prefix("Keywords: "))
        .map(|k| k.split(", ").filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    let mut requirements = Vec::new();
    let mut met = 0usize;
    for line in reqs.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let Some((left, labels)) = line.rsplit_once(" — ") else {
            continue;
        };
        let requirement = left.split_once("] ").map(|(_, r)| r).unwrap_or(left);
        let first = labels.split(", ").next().unwrap_or_default();
        let quote = excerpts
            .iter()
            .find(|(l, _)| l == first)
            .and_then(|(_, t)| t.lines().map(str::trim).find(|l| l.chars().count() > 10))
            .map(str::to_string);
        let evidence = match &quote {
            Some(q) => json!([{"chunk_id": first, "quote": q, "score": 0}]),
            None => json!([]),
        };
        met += usize::from(quote.is_some());
        requirements.push(
            json!({"requirement": requirement, "met": quote.is_some(), "evidence": evidence}),
        );
    }
    let total = requirements.len().max(1);
    json!({
        "score": (met * 100 / total).min(100),
        "report": {
            "summary": format!("{met} of {} requirements are supported by the resume.", requirements.len()),
            "matched_keywords": keywords,
            "missing_keywords": [],
            "strengths": ["Relevant experience"],
            "gaps": [],
            "suggestions": ["Use standard section headings such as \"Experience\" and \"Skills\"."],
            "requirements": requirements,
            "warnings": []
        }
    })
}

/// Answers the generation prompt (plain text: `Name:`, the `Experience:` roles as
/// `- title, company (dates)` with `  - bullet` lines, `Skills:`) with the roles and skills
/// it names, plus one invented bullet ([`INVENTED`]) the verifier must remove.
fn optimized(user: &str) -> Value {
    let profile = user
        .split_once("CANDIDATE PROFILE\n")
        .map(|(_, p)| p)
        .unwrap_or(user);
    let profile = profile
        .split_once("\nANALYSIS\n")
        .map_or(profile, |(p, _)| p);
    let value = |label: &str| {
        profile
            .lines()
            .find_map(|l| l.strip_prefix(label))
            .map(str::trim)
    };
    let mut md = format!("# {}\n\n", value("Name:").unwrap_or("Candidate"));
    md.push_str("## Experience\n\n");
    let roles = profile
        .split_once("Experience:\n")
        .map(|(_, r)| r)
        .unwrap_or("");
    for line in roles.lines() {
        if let Some(bullet) = line.strip_prefix("  - ") {
            md.push_str(&format!("- {bullet}\n"));
        } else if let Some(role) = line.strip_prefix("- ") {
            // "title, company[, place] (dates)"
            let role = role.rsplit_once(" (").map_or(role, |(r, _)| r);
            let (title, company) = role.split_once(", ").unwrap_or((role, ""));
            let company = company.split(", ").next().unwrap_or(company);
            md.push_str(&format!("\n### {title} — {company}\n\n"));
        } else {
            break;
        }
    }
    md.push('\n');
    md.push_str(&format!("- {INVENTED}\n\n"));
    md.push_str("## Skills\n\n");
    let skills: Vec<String> = value("Skills:")
        .map(|s| s.split(", ").map(str::to_string).collect())
        .unwrap_or_default();
    md.push_str(&skills.join(", "));
    md.push('\n');
    json!({
        "markdown": md,
        "change_log": [{"section": "Skills", "before": "", "after": skills.join(", "), "reason": "Listed the skills the job asks for first."}],
        "warnings": []
    })
}

async fn embeddings(
    State(app): State<App>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if !authorized(&app, &headers) {
        return error(
            StatusCode::UNAUTHORIZED,
            "Incorrect API key provided.",
            "invalid_request_error",
        );
    }
    if let Some(rule) = scripted(&app, "", &body) {
        return (
            StatusCode::from_u16(rule.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            Json(rule.body),
        )
            .into_response();
    }
    if body["dimensions"].as_u64() != Some(app.dims as u64) {
        return error(
            StatusCode::BAD_REQUEST,
            "dimensions must match the index",
            "invalid_request_error",
        );
    }
    let inputs: Vec<String> = body["input"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    if inputs.is_empty() {
        return error(
            StatusCode::BAD_REQUEST,
            "'input' must be a non-empty array of strings",
            "invalid_request_error",
        );
    }
    let data: Vec<Value> = inputs
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut v = activities::embed::embed_local(t);
            v.resize(app.dims, 0.0);
            json!({"object": "embedding", "index": i, "embedding": v})
        })
        .collect();
    let tokens: usize = inputs.iter().map(|t| t.len() / 4 + 1).sum();
    Json(json!({
        "object": "list",
        "model": body["model"],
        "data": data,
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens}
    }))
    .into_response()
}

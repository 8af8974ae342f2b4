//! The OpenAI client against a wiremock server speaking OpenAI's wire
//! protocol: what we send (structured outputs, strict schemas, prompts) and
//! how every kind of answer is handled.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use activities::{
    embed::Embedder,
    errors::ProviderError,
    llm::{Analyst, AnalyzeRequest, GenerateRequest, Prices, RunUsage},
    openai::{OpenAiAnalyst, OpenAiClient, OpenAiEmbedder, schema},
};
use engine::{self, Analysis, ParsedJob, ParsedResume, Report, RetrievedChunk};
use secrecy::SecretString;
use serde_json::{Value, json};
use std::time::Duration;
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{header, method, path},
};

const KEY: &str = "sk-test-0123456789";

fn client(server: &MockServer) -> OpenAiClient {
    OpenAiClient::new(
        &format!("{}/v1", server.uri()),
        SecretString::from(KEY),
        Duration::from_secs(10),
    )
    .unwrap()
}

fn analyst(server: &MockServer) -> OpenAiAnalyst {
    OpenAiAnalyst {
        client: client(server),
        model: "gpt-4o-mini".into(),
        prices: Prices {
            prompt: 0.15,
            cached_prompt: 0.075,
            completion: 0.60,
        },
    }
}

fn completion(content: Option<&str>, refusal: Option<&str>, finish: &str) -> Value {
    json!({
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1_763_000_000u32,
        "model": "gpt-4o-mini-2024-07-18",
        "choices": [{
            "index": 0,
            "message": { "role": "assistant", "content": content, "refusal": refusal },
            "finish_reason": finish,
            "logprobs": null
        }],
        "usage": { "prompt_tokens": 1000, "completion_tokens": 200, "total_tokens": 1200 }
    })
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

const RESUME: &str = "Jane Doe\njane@example.com\n\nExperience\nBackend Engineer, Ledgerline (2020-01 - present)\n- Built payment APIs in Rust and PostgreSQL\n\nSkills\nRust, PostgreSQL, Kubernetes\n";
const POSTING: &str = "About us: Ledgerline is a fintech with a ping-pong table and free snacks.\nBackend Engineer\nRequirements:\n- Rust\n- PostgreSQL\n- Kafka\nBenefits: unlimited holidays, gym membership.";

fn resume() -> ParsedResume {
    engine::parse_resume(RESUME, Some("en"))
}

fn job() -> ParsedJob {
    ParsedJob {
        title: Some("Backend Engineer".into()),
        company: Some("Ledgerline".into()),
        language: "en".into(),
        must_have: vec!["Rust".into(), "PostgreSQL".into(), "Kafka".into()],
        keywords: vec!["Rust".into(), "PostgreSQL".into(), "Kafka".into()],
        ..ParsedJob::default()
    }
}

fn retrieved() -> Vec<(String, Vec<RetrievedChunk>)> {
    vec![(
        "Rust".to_string(),
        vec![RetrievedChunk {
            chunk_id: "c-1".into(),
            text: "Built payment APIs in Rust and PostgreSQL".into(),
            score: 0.81,
        }],
    )]
}

fn analysis_json() -> String {
    json!({
        "score": 74,
        "report": {
            "summary": "Strong Rust and PostgreSQL background; no Kafka.",
            "matched_keywords": ["Rust", "PostgreSQL"],
            "missing_keywords": ["Kafka"],
            "strengths": ["Payment APIs in Rust"],
            "gaps": ["Kafka"],
            "suggestions": ["Use the heading \"Experience\"."],
            "requirements": [{
                "requirement": "Rust", "met": true,
                "evidence": [{ "chunk_id": "E1", "quote": "payment APIs in Rust", "score": 0 }]
            }],
            "warnings": []
        }
    })
    .to_string()
}

async fn bodies(server: &MockServer) -> Vec<Value> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}

async fn analyze(
    a: &OpenAiAnalyst,
    lang: &str,
) -> Result<(Analysis, activities::llm::Usage), ProviderError> {
    let (r, j, ret) = (resume(), job(), retrieved());
    a.analyze(AnalyzeRequest {
        resume: &r,
        resume_text: RESUME,
        job: &j,
        job_text: POSTING,
        retrieved: &ret,
        output_lang: lang,
    })
    .await
}

#[tokio::test]
async fn analysis_sends_a_strict_structured_output_request_with_retrieved_chunks_only() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(ok(completion(Some(&analysis_json()), None, "stop")))
        .expect(1)
        .mount(&server)
        .await;
    let (analysis, usage) = analyze(&analyst(&server), "ar").await.unwrap();
    assert_eq!(analysis.score, 74);
    assert_eq!(analysis.report.missing_keywords, vec!["Kafka"]);
    assert_eq!(
        (usage.calls, usage.prompt_tokens, usage.completion_tokens),
        (1, 1000, 200)
    );

    let body = &bodies(&server).await[0];
    assert_eq!(body["model"], "gpt-4o-mini");
    let rf = &body["response_format"];
    assert_eq!(rf["type"], "json_schema");
    assert_eq!(rf["json_schema"]["strict"], true);
    assert_eq!(rf["json_schema"]["name"], "match_analysis");
    let schema_sent = &rf["json_schema"]["schema"];
    assert_eq!(schema::strict_violations(schema_sent), Vec::<String>::new());
    assert_eq!(schema_sent["additionalProperties"], false);
    let mut required: Vec<&str> = schema_sent["required"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    required.sort_unstable();
    assert_eq!(required, ["report", "score"]);

    let messages = body["messages"].as_array().unwrap();
    assert_eq!(messages[0]["role"], "system");
    let sys = messages[0]["content"].as_str().unwrap();
    assert!(sys.contains("JSON"), "{sys}");
    assert!(sys.contains("Never invent"), "{sys}");
    assert!(sys.contains("ATS"), "{sys}");
    // The language is the request's (in the user message), not the system prompt's: the
    // system prompt stays the same for every request (prompt caching).
    assert!(!sys.contains("Arabic"), "{sys}");
    let user = messages[1]["content"].as_str().unwrap();
    assert!(user.contains("Arabic"), "output language named: {user}");
    assert!(
        user.contains("Built payment APIs in Rust and PostgreSQL"),
        "{user}"
    );
    assert!(
        user.contains("[E1]\nBuilt payment APIs in Rust and PostgreSQL"),
        "{user}"
    );
    assert!(user.contains("1. [must] Rust — E1"), "{user}");
    // The model's excerpt label comes back as the chunk id, with the retrieval score.
    let ev = &analysis.report.requirements[0].evidence[0];
    assert_eq!((ev.chunk_id.as_str(), ev.score), ("c-1", 0.81));
    // Retrieval, not whole documents: the posting's boilerplate never goes out.
    assert!(!user.contains("ping-pong"), "{user}");
    assert!(!user.contains("gym membership"), "{user}");
}

#[tokio::test]
async fn a_schema_invalid_answer_gets_one_repair_then_the_valid_answer_is_used() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ok(completion(Some(r#"{"score":"high"}"#), None, "stop")))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ok(completion(Some(&analysis_json()), None, "stop")))
        .mount(&server)
        .await;
    let (analysis, usage) = analyze(&analyst(&server), "en").await.unwrap();
    assert_eq!(analysis.score, 74);
    assert_eq!(
        (usage.calls, usage.prompt_tokens, usage.completion_tokens),
        (2, 2000, 400)
    );
    let sent = bodies(&server).await;
    assert_eq!(sent.len(), 2);
    let repair = sent[1]["messages"].as_array().unwrap();
    assert_eq!(repair.len(), 4);
    assert_eq!(repair[2]["role"], "assistant");
    assert_eq!(repair[2]["content"], r#"{"score":"high"}"#);
    assert_eq!(repair[3]["role"], "user");
    let text = repair[3]["content"].as_str().unwrap();
    assert!(text.contains("does not match the schema"), "{text}");
}

#[tokio::test]
async fn two_refusals_fail_permanently_with_a_readable_reason() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ok(completion(
            None,
            Some("I can't help with that."),
            "stop",
        )))
        .expect(2)
        .mount(&server)
        .await;
    let err = analyze(&analyst(&server), "en").await.unwrap_err();
    match err {
        ProviderError::Permanent(m) => {
            assert!(m.contains("refused"), "{m}");
            assert!(m.contains("repair attempt"), "{m}");
        }
        other => panic!("expected a permanent failure, got {other:?}"),
    }
    // The repair request has no assistant turn without content (OpenAI
    // rejects those): system, user, repair instruction.
    let sent = bodies(&server).await;
    let roles: Vec<&str> = sent[1]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["system", "user", "user"]);
}

#[tokio::test]
async fn an_answer_cut_off_at_the_length_limit_is_repaired() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ok(completion(
            Some(r#"{"score": 74, "report": {"summ"#),
            None,
            "length",
        )))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ok(completion(Some(&analysis_json()), None, "stop")))
        .mount(&server)
        .await;
    let (analysis, _) = analyze(&analyst(&server), "en").await.unwrap();
    assert_eq!(analysis.score, 74);
    let sent = bodies(&server).await;
    let text = sent[1]["messages"][3]["content"].as_str().unwrap();
    assert!(text.contains("cut off"), "{text}");
}

#[tokio::test]
async fn rate_limits_carry_the_servers_delay_and_quota_errors_fail_fast() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "2")
                .set_body_json(json!({"error": {"message": "Rate limit reached for gpt-4o-mini", "type": "requests", "code": "rate_limit_exceeded"}})),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ok(completion(Some(&analysis_json()), None, "stop")))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(429).set_body_json(json!({"error": {"message": "You exceeded your current quota, please check your plan and billing details.", "type": "insufficient_quota", "code": "insufficient_quota"}})))
        .mount(&server)
        .await;
    let a = analyst(&server);
    match analyze(&a, "en").await.unwrap_err() {
        ProviderError::Transient {
            message,
            retry_after,
        } => {
            assert_eq!(retry_after, Some(Duration::from_secs(2)));
            assert!(message.contains("429"), "{message}");
        }
        other => panic!("expected transient, got {other:?}"),
    }
    // What Temporal's retry does next: the same call, which now succeeds.
    assert_eq!(analyze(&a, "en").await.unwrap().0.score, 74);
    match analyze(&a, "en").await.unwrap_err() {
        ProviderError::Permanent(m) => assert!(m.contains("insufficient_quota"), "{m}"),
        other => panic!("expected permanent, got {other:?}"),
    }
    assert_eq!(bodies(&server).await.len(), 3, "no hidden retries");
}

#[tokio::test]
async fn server_errors_are_transient_and_client_errors_permanent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(500).set_body_json(
            json!({"error": {"message": "The server had an error while processing your request."}}),
        ))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(401).set_body_json(
            json!({"error": {"message": "Incorrect API key provided: sk-test-****6789."}}),
        ))
        .mount(&server)
        .await;
    let a = analyst(&server);
    assert!(matches!(
        analyze(&a, "en").await,
        Err(ProviderError::Transient { .. })
    ));
    match analyze(&a, "en").await.unwrap_err() {
        ProviderError::Permanent(m) => {
            assert!(
                m.starts_with("OpenAI refused our credentials (HTTP 401)"),
                "{m}"
            );
            assert!(!m.contains("6789"), "no part of the key: {m}");
            assert!(!m.contains(KEY), "{m}");
        }
        other => panic!("expected permanent, got {other:?}"),
    }
    // Nobody listening: a connection error, retried by Temporal.
    let gone = OpenAiAnalyst {
        client: OpenAiClient::new(
            "http://127.0.0.1:9/v1",
            SecretString::from(KEY),
            Duration::from_secs(2),
        )
        .unwrap(),
        model: "gpt-4o-mini".into(),
        prices: Prices::default(),
    };
    assert!(matches!(
        analyze(&gone, "en").await,
        Err(ProviderError::Transient { .. })
    ));
}

#[tokio::test]
async fn resume_parsing_validates_the_answer_like_any_external_parser() {
    let server = MockServer::start().await;
    let mut bad = serde_json::to_value(resume()).unwrap();
    bad["experience"][0]["start"] = json!("January 2020");
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ok(completion(Some(&bad.to_string()), None, "stop")))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ok(completion(
            Some(&serde_json::to_string(&resume()).unwrap()),
            None,
            "stop",
        )))
        .mount(&server)
        .await;
    let (parsed, usage) = analyst(&server).parse_resume(RESUME, "en").await.unwrap();
    assert_eq!(parsed, resume());
    assert_eq!(usage.calls, 2);
    let sent = bodies(&server).await;
    assert_eq!(
        sent[0]["response_format"]["json_schema"]["name"],
        "parsed_resume"
    );
    assert!(
        sent[0]["messages"][1]["content"]
            .as_str()
            .unwrap()
            .contains("Built payment APIs")
    );
    let repair = sent[1]["messages"][3]["content"].as_str().unwrap();
    assert!(repair.contains("experience[0].start"), "{repair}");
}

/// An OpenAI fake answering every chat completion with the same optimised resume.
async fn generator(change_log: Value) -> MockServer {
    let server = MockServer::start().await;
    let out = json!({
        "markdown": "# Jane Doe\n\n## Experience\n- Built payment APIs in Rust and PostgreSQL",
        "change_log": change_log,
        "warnings": []
    });
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ok(completion(Some(&out.to_string()), None, "stop")))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn generation_sends_the_profile_and_instructions_in_the_output_language() {
    let server =
        generator(json!([{"section": "Experience", "before": "x", "after": "y", "reason": "z"}]))
            .await;
    let (r, j, ret) = (resume(), job(), retrieved());
    let analysis = Analysis {
        score: 74,
        report: Report::default(),
    };
    let (optimized, _) = analyst(&server)
        .generate(GenerateRequest {
            resume: &r,
            resume_text: RESUME,
            job: &j,
            analysis: &analysis,
            output_lang: "en",
            custom_instructions: Some("Keep it to one page"),
            retrieved: &ret,
        })
        .await
        .unwrap();
    assert!(optimized.markdown.starts_with("# Jane Doe"));
    let body = &bodies(&server).await[0];
    assert_eq!(
        body["response_format"]["json_schema"]["name"],
        "optimized_resume"
    );
    let user = body["messages"][1]["content"].as_str().unwrap();
    assert!(
        user.contains("Keep it to one page") && user.contains("Ledgerline"),
        "{user}"
    );
    assert!(!user.contains("ping-pong"), "{user}");
}

#[tokio::test]
async fn embeddings_request_the_configured_model_and_dimensions_in_order() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/embeddings"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(ok(json!({
            "object": "list",
            "model": "text-embedding-3-small",
            "data": [
                {"object": "embedding", "index": 1, "embedding": [0.0, 1.0, 0.0]},
                {"object": "embedding", "index": 0, "embedding": [1.0, 0.0, 0.0]}
            ],
            "usage": {"prompt_tokens": 8, "total_tokens": 8}
        })))
        .mount(&server)
        .await;
    let e = OpenAiEmbedder {
        client: client(&server),
        model: "text-embedding-3-small".into(),
        dims: 3,
    };
    let v = e.embed(&["first".into(), "second".into()]).await.unwrap();
    assert_eq!(v, vec![vec![1.0, 0.0, 0.0], vec![0.0, 1.0, 0.0]]);
    let body = &bodies(&server).await[0];
    assert_eq!(
        body,
        &json!({"model": "text-embedding-3-small", "input": ["first", "second"], "encoding_format": "float", "dimensions": 3})
    );
    // A model whose vectors do not fit the configured index is a configuration error.
    let wrong = OpenAiEmbedder {
        client: client(&server),
        model: "text-embedding-3-small".into(),
        dims: 1536,
    };
    assert!(
        matches!(wrong.embed(&["a".into(), "b".into()]).await, Err(ProviderError::Permanent(m)) if m.contains("OPENAI_EMBEDDING_DIMS"))
    );
    assert!(e.embed(&[]).await.unwrap().is_empty());
}

#[tokio::test]
async fn answers_of_compatible_servers_that_differ_in_unused_fields_are_read() {
    let server = MockServer::start().await;
    // No `created` or `object`, an unknown service tier, an extra field.
    let body = json!({
        "id": "local-1",
        "model": "llama-3.1-8b-instruct",
        "service_tier": "on_prem",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": analysis_json()}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5},
        "x_server": "vllm"
    });
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ok(body))
        .mount(&server)
        .await;
    let (analysis, usage) = analyze(&analyst(&server), "en").await.unwrap();
    assert_eq!(analysis.score, 74);
    assert_eq!((usage.prompt_tokens, usage.completion_tokens), (10, 5));
    // No temperature: reasoning models accept only their default.
    assert!(bodies(&server).await[0].get("temperature").is_none());
}

/// OpenAI's prompt cache: `usage.prompt_tokens_details.cached_tokens` is counted apart
/// and priced at the cached rate in the run's estimate.
#[tokio::test]
async fn cached_prompt_tokens_are_counted_apart_and_priced_at_the_cached_rate() {
    let server = MockServer::start().await;
    let mut body = completion(Some(&analysis_json()), None, "stop");
    body["usage"]["prompt_tokens_details"] = json!({ "cached_tokens": 768, "audio_tokens": 0 });
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ok(body))
        .mount(&server)
        .await;
    let a = analyst(&server);
    let (_, usage) = analyze(&a, "en").await.unwrap();
    assert_eq!(
        (
            usage.prompt_tokens,
            usage.cached_tokens,
            usage.completion_tokens
        ),
        (1000, 768, 200)
    );
    let mut run = RunUsage::default();
    run.set_step("analyze", usage, a.prices_per_million());
    assert_eq!(run.cached_tokens, 768);
    // 232 uncached at 0.15, 768 cached at 0.075, 200 completion at 0.60 (per million).
    let expected = (232.0 * 0.15 + 768.0 * 0.075 + 200.0 * 0.60) / 1e6;
    assert!((run.estimated_cost_usd - expected).abs() < 1e-12, "{run:?}");
    let without_cache = Prices {
        cached_prompt: 0.15,
        ..a.prices
    };
    assert!(without_cache.cost(1000, 768, 200) > run.estimated_cost_usd);
    let stored = serde_json::to_value(&run).unwrap();
    assert_eq!(stored["cached_tokens"], 768);
    assert_eq!(stored["by_step"]["analyze"]["cached_tokens"], 768);
}

/// OpenAI caches the longest prompt prefix it has seen (the schema, then the messages in
/// order): the system prompt must not change with the request, so everything that does
/// (the output language included) is in the user message after it.
#[tokio::test]
async fn the_system_prompt_and_schema_are_the_same_for_every_request() {
    let server = generator(json!([])).await;
    let (r, j, ret) = (resume(), job(), retrieved());
    let analysis = Analysis {
        score: 74,
        report: Report::default(),
    };
    for (lang, instructions) in [("en", None), ("ar", Some("Keep it short"))] {
        analyst(&server)
            .generate(GenerateRequest {
                resume: &r,
                resume_text: RESUME,
                job: &j,
                analysis: &analysis,
                output_lang: lang,
                custom_instructions: instructions,
                retrieved: &ret,
            })
            .await
            .unwrap();
    }
    let sent = bodies(&server).await;
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0]["messages"][0]["role"], "system");
    assert_eq!(sent[0]["messages"][0], sent[1]["messages"][0]);
    assert_eq!(sent[0]["response_format"], sent[1]["response_format"]);
    let user = |i: usize| {
        sent[i]["messages"][1]["content"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(user(0).contains("English, en"), "{}", user(0));
    assert!(
        user(1).contains("Arabic (Modern Standard Arabic), ar"),
        "{}",
        user(1)
    );
    for p in [
        activities::openai::prompts::analyze_system_prompt(),
        activities::openai::prompts::generate_system_prompt(),
        activities::openai::prompts::plan_cv_system_prompt(),
    ] {
        assert!(!p.contains("English") && !p.contains("Arabic"), "{p}");
    }
}

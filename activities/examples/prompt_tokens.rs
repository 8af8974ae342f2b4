//! Tokens sent to the model per optimisation: our prompts (parsed job,
//! candidate outline/profile, retrieved chunks) versus the same prompts with
//! both whole documents. Counted with OpenAI's `o200k_base` tokenizer (the
//! gpt-4o family), including the structured-output schema.
//!
//! A second table prices a refine (the same pair again, with instructions) the way
//! OpenAI's automatic prompt caching bills it: the prefix a prompt shares with one sent
//! minutes before (≥ 1,024 tokens, in 128-token steps) at half price. The system prompts
//! and schemas are the same for every request and the generation's varying parts come
//! last, which is what makes that prefix long.
//!
//! `cargo run --release -p activities --example prompt_tokens`
//! (fixtures from `FIXTURES_DIR`, default `../shared/fixtures`).

use activities::{
    embed,
    indexing::{CHUNK_CHARS, CHUNK_OVERLAP},
    llm::{AnalyzeRequest, GenerateRequest},
    openai::{prompts, schema::strict_schema},
    optimize::{TOP_K, requirements},
};
use engine::{self, Analysis, Optimized, ParsedJob, RetrievedChunk};
use schemars::JsonSchema;

const LONG: &str = "long resume (3 fixtures joined)";

fn fixtures() -> std::path::PathBuf {
    std::env::var("FIXTURES_DIR")
        .map(Into::into)
        .unwrap_or_else(|_| std::path::PathBuf::from("../shared/fixtures"))
}

/// What `search_resume_vs_job` stores: top chunks per requirement, by cosine
/// of the local embeddings (in memory here instead of the vector store).
fn retrieve(resume_text: &str, job: &ParsedJob) -> Vec<(String, Vec<RetrievedChunk>)> {
    let chunks = text::chunk_text(resume_text, CHUNK_CHARS, CHUNK_OVERLAP);
    let vecs: Vec<Vec<f32>> = chunks.iter().map(|c| embed::embed_local(&c.text)).collect();
    requirements(job)
        .into_iter()
        .map(|req| {
            let q = embed::embed_local(&req);
            let mut hits: Vec<RetrievedChunk> = chunks
                .iter()
                .zip(&vecs)
                .map(|(c, v)| RetrievedChunk {
                    chunk_id: format!("chunk-{}", c.index),
                    text: c.text.clone(),
                    score: embed::cosine(&q, v),
                })
                .collect();
            hits.sort_by(|a, b| b.score.total_cmp(&a.score));
            hits.truncate(TOP_K);
            (req, hits)
        })
        .collect()
}

fn tokens(
    bpe: &tiktoken_rs::CoreBPE,
    (system, user): &(String, String),
    schema: &serde_json::Value,
) -> usize {
    // ~4 tokens of chat framing per message, as OpenAI's cookbook counts.
    bpe.encode_ordinary(system).len()
        + bpe.encode_ordinary(user).len()
        + bpe.encode_ordinary(&schema.to_string()).len()
        + 8
}

fn schema_of<T: JsonSchema>() -> serde_json::Value {
    strict_schema::<T>()
}

fn main() -> anyhow::Result<()> {
    let bpe = tiktoken_rs::o200k_base()?;
    // The last pair is a synthetic long input: three resumes joined (several
    // chunks), as a long CV would be.
    let pairs = [
        (
            "resumes/en_backend_maya_lindqvist.md",
            "jobs/en_backend_engineer_ledgerline.txt",
            "en",
        ),
        (
            "resumes/en_data_analyst_hannah_castellanos.txt",
            "jobs/en_data_analyst_coastline.txt",
            "en",
        ),
        (
            "resumes/ar_accountant_sara_almansouri.txt",
            "jobs/ar_senior_accountant_alrayyan.txt",
            "ar",
        ),
        (LONG, "jobs/en_backend_engineer_ledgerline.txt", "en"),
    ];
    println!(
        "| resume → job | resume / posting tokens | analysis: retrieval / whole | generation: retrieval / whole | per optimisation: retrieval / whole | saved |"
    );
    println!("|---|---|---|---|---|---|");
    let mut costs = Vec::new();
    for (r, j, lang) in pairs {
        let raw = if r == LONG {
            [
                "resumes/en_backend_maya_lindqvist.md",
                "resumes/bilingual_network_engineer_yousef_alzoubi.txt",
                "resumes/en_data_analyst_hannah_castellanos.txt",
            ]
            .iter()
            .map(|f| std::fs::read_to_string(fixtures().join(f)))
            .collect::<Result<Vec<_>, _>>()?
            .join("\n\n")
        } else {
            std::fs::read_to_string(fixtures().join(r))?
        };
        let resume_text = text::normalize_text(&raw);
        let job_text = text::normalize_text(&std::fs::read_to_string(fixtures().join(j))?);
        let resume = engine::parse_resume(&resume_text, Some(lang));
        let job = engine::parse_job(&job_text, Some(lang));
        let retrieved = retrieve(&resume_text, &job);
        let analysis: Analysis = engine::analyze_in(&resume, &resume_text, &job, &retrieved, lang);
        let areq = AnalyzeRequest {
            resume: &resume,
            resume_text: &resume_text,
            job: &job,
            job_text: &job_text,
            retrieved: &retrieved,
            output_lang: lang,
        };
        let greq = GenerateRequest {
            resume: &resume,
            resume_text: &resume_text,
            job: &job,
            analysis: &analysis,
            output_lang: lang,
            custom_instructions: None,
            retrieved: &retrieved,
        };
        let (sa, so) = (schema_of::<Analysis>(), schema_of::<Optimized>());
        let ap = prompts::analyze(&areq);
        if let Ok(dir) = std::env::var("PROMPT_DUMP") {
            let gp = prompts::generate(&greq);
            let stem = j.rsplit('/').next().unwrap_or(j);
            for (what, text) in [
                ("analysis.system", &ap.system),
                ("analysis.user", &ap.user),
                ("generation.system", &gp.0),
                ("generation.user", &gp.1),
            ] {
                std::fs::write(format!("{dir}/{stem}.{what}.txt"), text)?;
                eprintln!("{stem} {what}: {} tokens", bpe.encode_ordinary(text).len());
            }
            for (what, s) in [("analysis.schema", &sa), ("generation.schema", &so)] {
                let text = s.to_string();
                std::fs::write(format!("{dir}/{stem}.{what}.json"), &text)?;
                eprintln!("{stem} {what}: {} tokens", bpe.encode_ordinary(&text).len());
            }
        }
        let a_ret = tokens(&bpe, &(ap.system, ap.user), &sa);
        let a_whole = tokens(&bpe, &prompts::analyze_whole_documents(&areq), &sa);
        let g_ret = tokens(&bpe, &prompts::generate(&greq), &so);
        let g_whole = tokens(
            &bpe,
            &prompts::generate_whole_documents(&greq, &job_text),
            &so,
        );
        let (ret, whole) = (a_ret + g_ret, a_whole + g_whole);
        // A refine: the same job and resume again with instructions (the analysis is
        // assumed to come out the same). OpenAI caches a prompt's prefix seen in the last
        // minutes when the prompt is ≥ 1,024 tokens, in 128-token steps, and bills the
        // cached tokens at half price (gpt-4o-mini): what the first run and the refine
        // share decides the refine's cost.
        let refine = GenerateRequest {
            custom_instructions: Some("Keep it to one page and lead with the Kafka work."),
            ..greq
        };
        let ap2 = prompts::analyze(&areq);
        let a_seq = sequence(&bpe, &(ap2.system.clone(), ap2.user.clone()), &sa);
        let g_seq = sequence(&bpe, &prompts::generate(&greq), &so);
        let g_seq2 = sequence(&bpe, &prompts::generate(&refine), &so);
        let (a_cost, g_cost) = (
            cost(a_seq.len(), cached(&a_seq, &a_seq)),
            cost(g_seq2.len(), cached(&g_seq, &g_seq2)),
        );
        let refine_cost = a_cost + g_cost;
        costs.push(format!(
            "| {} → {} | {} / {} | {} / {} | {ret} / {whole} | {:.0}% | {refine_cost:.0} | {:.0}% |",
            r.rsplit('/').next().unwrap_or(r),
            j.rsplit('/').next().unwrap_or(j),
            a_seq.len(),
            cached(&a_seq, &a_seq),
            g_seq2.len(),
            cached(&g_seq, &g_seq2),
            100.0 * ret as f64 / whole as f64,
            100.0 * refine_cost / whole as f64,
        ));
        println!(
            "| {} → {} | {} / {} | {a_ret} / {a_whole} | {g_ret} / {g_whole} | {ret} / {whole} | {:.0}% |",
            r.rsplit('/').next().unwrap_or(r),
            j.rsplit('/').next().unwrap_or(j),
            bpe.encode_ordinary(&resume_text).len(),
            bpe.encode_ordinary(&job_text).len(),
            100.0 * (whole as f64 - ret as f64) / whole as f64,
        );
    }
    println!();
    println!(
        "| resume → job | refine analysis: tokens / cached | refine generation: tokens / cached | first run: tokens ours / whole | first run ÷ whole | refine cost (token-equivalents) | refine ÷ whole |"
    );
    println!("|---|---|---|---|---|---|---|");
    for row in costs {
        println!("{row}");
    }
    Ok(())
}

/// The tokens of a call in the order OpenAI reads them (the schema of the answer, the
/// system message, the user message), with the chat framing left out.
fn sequence(
    bpe: &tiktoken_rs::CoreBPE,
    (system, user): &(String, String),
    schema: &serde_json::Value,
) -> Vec<u32> {
    let mut t = bpe.encode_ordinary(&schema.to_string());
    t.extend(bpe.encode_ordinary(system));
    t.extend(bpe.encode_ordinary(user));
    t
}

/// Tokens of `now` OpenAI would bill as cached after `before` was sent: the common
/// prefix in 128-token steps, nothing under 1,024.
fn cached(before: &[u32], now: &[u32]) -> usize {
    if now.len() < 1024 {
        return 0;
    }
    let common = before.iter().zip(now).take_while(|(a, b)| a == b).count();
    if common < 1024 { 0 } else { common / 128 * 128 }
}

/// Cost in uncached-token equivalents: cached tokens at half price.
fn cost(tokens: usize, cached: usize) -> f64 {
    (tokens - cached) as f64 + cached as f64 * 0.5
}

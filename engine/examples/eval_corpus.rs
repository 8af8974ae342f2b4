//! Engine accuracy on the written corpus (`engine/tests/corpus`) and the cost of one
//! analysis: `cargo run -p engine --release --example eval_corpus [-- --failures]`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

#[path = "../tests/corpus_eval/metrics.rs"]
mod metrics;

use std::time::Instant;

fn main() {
    let m = metrics::evaluate();
    println!("{}", metrics::table(&m));
    if std::env::args().any(|a| a == "--failures") {
        for f in &m.failures {
            println!("  {f}");
        }
    }
    // cost per analysis: parse the ad, parse the resume, analyse (every pair, many rounds)
    let jobs = metrics::jobs();
    let pairs = metrics::pairs();
    let inputs: Vec<(String, String)> = pairs
        .iter()
        .filter_map(|p| {
            let j = jobs
                .iter()
                .find(|j| j.name == p["job"].as_str().unwrap_or(""))?;
            Some((metrics::resume_text(p["resume"].as_str()?), j.text.clone()))
        })
        .collect();
    let rounds = 20;
    let start = Instant::now();
    let mut sink = 0usize;
    for _ in 0..rounds {
        for (r, j) in &inputs {
            let resume = engine::parse_resume(r, None);
            let job = engine::parse_job(j, None);
            let a = engine::analyze(&resume, r, &job, &[]);
            sink += a.score as usize;
        }
    }
    let n = (rounds * inputs.len()).max(1);
    let per = start.elapsed().as_secs_f64() * 1e6 / n as f64;
    let start = Instant::now();
    for _ in 0..rounds {
        for j in &jobs {
            sink += engine::parse_job(&j.text, None).keywords.len();
        }
    }
    let per_job = start.elapsed().as_secs_f64() * 1e6 / (rounds * jobs.len()).max(1) as f64;
    println!(
        "cost: {per:.0} µs per analysis (parse resume + parse ad + analyse, {n} runs); {per_job:.0} µs per parse_job  [{sink}]"
    );
}

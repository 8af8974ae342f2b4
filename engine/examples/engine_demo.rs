//! Run the whole offline pipeline on a resume and a job description:
//! `cargo run --example demo -- RESUME.txt JOB.txt [en|ar] ["custom instructions"]`
//! Prints the parsed resume, the analysis and the optimised resume as JSON.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::error::Error;

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(resume_path), Some(job_path)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: demo RESUME JOB [en|ar] [instructions]");
        std::process::exit(2);
    };
    let resume_text = std::fs::read_to_string(resume_path)?;
    let job_text = std::fs::read_to_string(job_path)?;
    let resume = engine::parse_resume(&resume_text, None);
    let job = engine::parse_job(&job_text, None);
    let lang = args.get(3).map_or(resume.lang.as_str(), String::as_str);
    let analysis = engine::analyze(&resume, &resume_text, &job, &[]);
    let optimized = engine::generate_optimized(
        &resume,
        &resume_text,
        &job,
        &analysis,
        lang,
        args.get(4).map(String::as_str),
    );
    let out = serde_json::json!({ "resume": resume, "job": job, "analysis": analysis, "optimized": optimized });
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}

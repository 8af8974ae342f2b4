use std::path::PathBuf;

use engine::{ParsedJob, ParsedResume, RetrievedChunk};
use serde_json::Value;

/// FIXTURES_DIR, else /work/shared/fixtures.
pub fn fixtures_dir() -> PathBuf {
    std::env::var_os("FIXTURES_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/work/shared/fixtures"))
}

pub fn read(rel: &str) -> String {
    let p = fixtures_dir().join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
}

pub fn manifest_facts(rel: &str) -> Value {
    let m: Value = serde_json::from_str(&read("manifest.json")).unwrap();
    m["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"] == rel)
        .unwrap_or_else(|| panic!("{rel} not in manifest"))["facts"]
        .clone()
}

/// Every text resume fixture (TXT/MD), as paths relative to the fixtures dir.
pub fn resume_files() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(fixtures_dir().join("resumes"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt") || n.ends_with(".md"))
        .map(|n| format!("resumes/{n}"))
        .collect();
    v.sort();
    assert!(
        v.len() >= 4,
        "expected the text resume fixtures, found {v:?}"
    );
    v
}

pub fn job_files() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(fixtures_dir().join("jobs"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt"))
        .map(|n| format!("jobs/{n}"))
        .collect();
    v.sort();
    assert_eq!(v.len(), 4);
    v
}

pub fn resume(rel: &str) -> (String, ParsedResume) {
    let text = read(rel);
    let p = engine::parse_resume(&text, None);
    (text, p)
}

pub fn job(rel: &str) -> ParsedJob {
    engine::parse_job(&read(rel), None)
}

/// Vector-search stand-in: the resume split into paragraphs, chunk ids "0", "1", …
pub fn retrieved(text: &str, job: &ParsedJob) -> Vec<(String, Vec<RetrievedChunk>)> {
    let chunks: Vec<RetrievedChunk> = text
        .split("\n\n")
        .enumerate()
        .map(|(i, c)| RetrievedChunk {
            chunk_id: i.to_string(),
            text: c.to_string(),
            score: 0.5,
        })
        .collect();
    job.must_have
        .iter()
        .chain(&job.nice_to_have)
        .map(|r| (r.clone(), chunks.clone()))
        .collect()
}

pub fn analysis_for(
    resume_rel: &str,
    job_rel: &str,
) -> (String, ParsedResume, ParsedJob, engine::Analysis) {
    let (text, p) = resume(resume_rel);
    let j = job(job_rel);
    let a = engine::analyze(&p, &text, &j, &retrieved(&text, &j));
    (text, p, j, a)
}

pub fn fold(s: &str) -> String {
    engine::fold(s)
}

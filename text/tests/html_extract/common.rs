#![allow(dead_code)]

use std::path::PathBuf;

/// The shared fixtures folder: `$SMARTRESUME_FIXTURES`, else `shared/fixtures` found by
/// walking up from this crate.
pub fn fixtures_dir() -> PathBuf {
    if let Ok(dir) =
        std::env::var("FIXTURES_DIR").or_else(|_| std::env::var("SMARTRESUME_FIXTURES"))
    {
        return PathBuf::from(dir);
    }
    let mut dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    loop {
        let candidate = dir.join("shared").join("fixtures");
        if candidate.join("manifest.json").is_file() {
            return candidate;
        }
        if !dir.pop() {
            panic!(
                "shared/fixtures not found above {}",
                env!("CARGO_MANIFEST_DIR")
            );
        }
    }
}

pub fn fixture_bytes(rel: &str) -> Vec<u8> {
    std::fs::read(fixtures_dir().join(rel)).unwrap()
}

pub fn fixture_string(rel: &str) -> String {
    String::from_utf8(fixture_bytes(rel)).unwrap()
}

/// The manifest entry for one fixture file.
pub fn manifest_entry(file: &str) -> serde_json::Value {
    let manifest: serde_json::Value =
        serde_json::from_str(&fixture_string("manifest.json")).unwrap();
    manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"] == file)
        .cloned()
        .unwrap_or_else(|| panic!("{file} not in manifest.json"))
}

/// Words of a text once "- " list markers are dropped and whitespace normalised.
pub fn words_without_markers(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| {
            let t = l.trim_start();
            t.strip_prefix("- ").unwrap_or(t)
        })
        .flat_map(|l| l.split_whitespace())
        .map(str::to_owned)
        .collect()
}

pub const LEDGERLINE_HTML: &str = "jobs/en_backend_engineer_ledgerline.html";
pub const LEDGERLINE_TXT: &str = "jobs/en_backend_engineer_ledgerline.txt";

/// Checks extracted text against the Ledgerline fixture's expectations.
pub fn assert_ledgerline(extracted: &text::html::Extracted) {
    let entry = manifest_entry(LEDGERLINE_HTML);
    let facts = &entry["facts"];
    assert_eq!(extracted.title.as_deref(), facts["title"].as_str());
    assert_eq!(extracted.company.as_deref(), facts["company"].as_str());
    let expected_file = facts["article_equals"].as_str().unwrap();
    assert_eq!(expected_file, LEDGERLINE_TXT);
    let expected = words_without_markers(&fixture_string(expected_file));
    let got = words_without_markers(&extracted.text);
    if got != expected {
        let first_diff = got
            .iter()
            .zip(&expected)
            .position(|(a, b)| a != b)
            .unwrap_or(got.len().min(expected.len()));
        panic!(
            "word sequences differ at word {first_diff}: got {:?} expected {:?}\n--- text ---\n{}",
            got.get(first_diff.saturating_sub(3)..(first_diff + 5).min(got.len())),
            expected.get(first_diff.saturating_sub(3)..(first_diff + 5).min(expected.len())),
            extracted.text
        );
    }
    for bad in facts["must_not_contain"].as_array().unwrap() {
        let bad = bad.as_str().unwrap();
        assert!(
            !extracted.text.contains(bad),
            "extracted text contains {bad:?}"
        );
    }
    // Structure: headings on their own lines, list items as "- " lines, blank lines
    // between paragraphs.
    let text = &extracted.text;
    assert!(text.starts_with("Senior Backend Engineer (Rust)\nLedgerline Payments\n\n"));
    assert!(text.contains("\n\nRequirements\n- 6+ years of professional backend development"));
    assert!(text.contains("- Salary: USD 165,000–195,000 base plus equity\n"));
    assert!(!text.contains("&ndash;") && !text.contains("&amp;"));
    assert!(!text.contains("\n\n\n"));
    assert!(text.lines().all(|l| l == l.trim_end() && !l.contains("  ")));
}

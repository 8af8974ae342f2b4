//! A long-running worker renders many documents: with `evict_cache` after each render the
//! resident memory must stay flat. Runs in its own test binary so no other test shares the
//! process while RSS is measured.

#![allow(clippy::unwrap_used)]

mod common;

use render::{Renderer, evict_cache};

fn rss_mib() -> f64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages as f64 * 4096.0 / (1024.0 * 1024.0)
}

#[test]
fn rss_stays_flat_over_300_renders() {
    if !std::path::Path::new("/proc/self/statm").exists() {
        eprintln!("SKIPPED: /proc/self/statm not available on this platform");
        return;
    }
    let renderer = Renderer::new().unwrap();
    let mut en = common::maya();
    let mut ar = common::sara();
    let mut baseline = 0.0;
    let mut peak: f64 = 0.0;
    for i in 0..300 {
        // Different data each time, as in production: nothing is a pure cache hit.
        en.headline = Some(format!("Senior Backend Engineer #{i}"));
        ar.headline = Some(format!("محاسبة قانونية أولى {i}"));
        let doc = if i % 2 == 0 { &en } else { &ar };
        let pdf = renderer.cv_pdf(doc).unwrap();
        assert!(pdf.len() > 10_000);
        if i % 3 == 0 {
            renderer.cv_docx(doc).unwrap();
        }
        evict_cache();
        let rss = rss_mib();
        peak = peak.max(rss);
        if i == 29 {
            baseline = rss;
        }
        if i % 50 == 49 {
            eprintln!("after {:3} renders: RSS {rss:.1} MiB", i + 1);
        }
    }
    let end = rss_mib();
    eprintln!("RSS after warm-up {baseline:.1} MiB, at the end {end:.1} MiB, peak {peak:.1} MiB");
    // Without evict_cache the same loop grows by ~40 MiB (about 150 KiB per render).
    assert!(
        end - baseline < 20.0,
        "RSS grew by {:.1} MiB",
        end - baseline
    );
}

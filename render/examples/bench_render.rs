//! Warm in-process render timings: median of N renders (default 30) of the English and Arabic
//! example CVs, PDF and DOCX separately, with `evict_cache` after each render as a worker would,
//! and PDF with Typst's memoisation cache emptied before each render (the worst case).
//!
//! ```sh
//! cargo run --release -p render --example bench_render -- 50
//! ```

use std::time::Instant;

use render::{CvDocument, Renderer, evict_cache};

fn median_ms(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(30)
        .max(1);
    let start = Instant::now();
    let renderer = Renderer::new()?;
    println!(
        "Renderer::new: {:.1} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
    for (name, json) in [
        ("en", include_str!("data/cv_en.json")),
        ("ar", include_str!("data/cv_ar.json")),
    ] {
        let mut cv: CvDocument = serde_json::from_str(json)?;
        let headline = cv.headline.clone().unwrap_or_default();
        let first = Instant::now();
        renderer.cv_pdf(&cv)?;
        let cold = first.elapsed().as_secs_f64() * 1e3;
        let (mut pdf, mut docx, mut cold_pdf) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..n {
            // Change the data so every render compiles the document again.
            cv.headline = Some(format!("{headline} {i}"));
            let t = Instant::now();
            renderer.cv_pdf(&cv)?;
            pdf.push(t.elapsed().as_secs_f64() * 1e3);
            evict_cache();
            let t = Instant::now();
            renderer.cv_docx(&cv)?;
            docx.push(t.elapsed().as_secs_f64() * 1e3);
            // Worst case for a warm process: nothing memoised from earlier renders.
            comemo::evict(0);
            let t = Instant::now();
            renderer.cv_pdf(&cv)?;
            cold_pdf.push(t.elapsed().as_secs_f64() * 1e3);
            comemo::evict(0);
        }
        println!(
            "{name}: first PDF {cold:.1} ms; median over {n}: PDF {:.1} ms (warm cache), \
             {:.1} ms (empty cache), DOCX {:.2} ms",
            median_ms(pdf),
            median_ms(cold_pdf),
            median_ms(docx)
        );
    }
    Ok(())
}

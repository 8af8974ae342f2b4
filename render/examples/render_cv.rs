//! One-shot render of a CV (or, with `--letter`, a cover letter) JSON file to PDF and DOCX.
//!
//! ```sh
//! cargo run --release -p render --example render_cv -- render/examples/data/cv_ar.json /tmp/cv_ar
//! # writes /tmp/cv_ar.pdf and /tmp/cv_ar.docx
//! ```
//! For whole-process benchmarks (startup + font parsing + one compile).

use std::path::PathBuf;
use std::time::Instant;

use render::{CoverLetter, CvDocument, Renderer};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let start = Instant::now();
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let letter = args.iter().any(|a| a == "--letter");
    args.retain(|a| a != "--letter");
    let Some(input) = args.first() else {
        eprintln!("usage: render_cv [--letter] INPUT.json [OUTPUT_PREFIX]");
        std::process::exit(2);
    };
    let prefix = PathBuf::from(
        args.get(1)
            .cloned()
            .unwrap_or_else(|| input.trim_end_matches(".json").to_owned()),
    );
    let json = std::fs::read_to_string(input)?;
    let renderer = Renderer::new()?;
    let setup = start.elapsed();
    let rendered = if letter {
        renderer.letter(&serde_json::from_str::<CoverLetter>(&json)?)?
    } else {
        renderer.cv(&serde_json::from_str::<CvDocument>(&json)?)?
    };
    std::fs::write(prefix.with_extension("pdf"), &rendered.pdf)?;
    std::fs::write(prefix.with_extension("docx"), &rendered.docx)?;
    eprintln!(
        "wrote {0}.pdf ({1} bytes) and {0}.docx ({2} bytes); setup {3:.1} ms, total {4:.1} ms",
        prefix.display(),
        rendered.pdf.len(),
        rendered.docx.len(),
        setup.as_secs_f64() * 1e3,
        start.elapsed().as_secs_f64() * 1e3
    );
    Ok(())
}

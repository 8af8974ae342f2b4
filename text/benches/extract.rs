//! extract + normalise + chunk on the English PDF and DOCX fixtures (and the Arabic
//! PDF, whose bidi pass is the extra cost). `cargo bench --bench extract -- --quick`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use text::{DocKind, chunk_text, extract_text};

/// Same resolution as the tests: `$FIXTURES_DIR`, `../../shared/fixtures`,
/// `../shared/fixtures`, `/work/shared/fixtures`.
fn fixtures_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("FIXTURES_DIR") {
        return PathBuf::from(dir);
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    for candidate in [
        manifest.join("../../shared/fixtures"),
        manifest.join("../shared/fixtures"),
    ] {
        if candidate.join("manifest.json").is_file() {
            return candidate;
        }
    }
    PathBuf::from("/work/shared/fixtures")
}

fn bench(c: &mut Criterion) {
    let dir = fixtures_dir().join("resumes");
    for (name, kind) in [
        ("en_backend_maya_lindqvist.pdf", DocKind::Pdf),
        ("en_backend_maya_lindqvist.docx", DocKind::Docx),
        ("ar_accountant_sara_almansouri.pdf", DocKind::Pdf),
    ] {
        let bytes = std::fs::read(dir.join(name)).expect("fixture");
        c.bench_function(&format!("extract+normalize+chunk/{name}"), |b| {
            b.iter(|| {
                let text = extract_text(black_box(&bytes), kind).expect("extract");
                chunk_text(&text, 3500, 400)
            })
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);

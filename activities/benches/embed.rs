//! The local embedder: chunks of the fixture resumes per second.
//! `cargo bench -p activities --bench embed`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use activities::embed::embed_local;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::PathBuf;
use text::chunk_text;

fn fixtures_dir() -> PathBuf {
    std::env::var_os("FIXTURES_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures"))
}

fn bench(c: &mut Criterion) {
    for name in [
        "en_backend_maya_lindqvist.md",
        "ar_accountant_sara_almansouri.txt",
    ] {
        let text =
            std::fs::read_to_string(fixtures_dir().join("resumes").join(name)).expect("fixture");
        let chunks = chunk_text(&text, 3500, 400);
        let mut g = c.benchmark_group("embed_local");
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_function(name, |b| {
            b.iter(|| {
                chunks
                    .iter()
                    .map(|ch| embed_local(black_box(&ch.text)))
                    .collect::<Vec<_>>()
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);

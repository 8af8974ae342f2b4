//! Print what the text extractor extracts from a file: `cargo run --example dump -- FILE`.
#![allow(clippy::unwrap_used, clippy::expect_used)]
fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: dump FILE");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    match text::extract_document(&bytes, Some(&path)) {
        Ok(doc) => {
            println!("kind={} lang={}", doc.kind, doc.lang);
            println!("{}", doc.text);
        }
        Err(e) => println!("ERROR: {e}"),
    }
}

//! Print the section role of every line of a job ad: `cargo run -p engine --example job_items -- AD.txt`
#![allow(clippy::unwrap_used, clippy::expect_used)]

fn main() {
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path).expect("read the ad");
        println!("== {path}");
        for it in engine::job_parser::job_items(&text) {
            println!(
                "{:<16} [{}] {}",
                it.role.as_str(),
                it.heading.as_deref().unwrap_or("-"),
                it.text
            );
        }
        let j = engine::parse_job(&text, None);
        println!("title={:?} company={:?}", j.title, j.company);
        println!("keywords={:?}", j.keywords);
    }
}

//! Property test for the Markdown allow-list: whatever goes in, what comes out renders
//! with no raw HTML and no link or image whose scheme is not http, https, mailto or tel.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use pulldown_cmark::{Event, Parser, Tag};
use text::markdown::{allowed_url, parser_options, sanitize};

/// Pieces that attackers and models combine: tags, schemes, entities, link syntax,
/// block markers, and ordinary words in both scripts.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<script>".to_string()),
        Just("</script>".to_string()),
        Just("<img src=x onerror=alert(1)>".to_string()),
        Just("<".to_string()),
        Just(">".to_string()),
        Just("javascript:".to_string()),
        Just("JaVaScRiPt&#58;".to_string()),
        Just("java\tscript:".to_string()),
        Just("data:text/html,".to_string()),
        Just("vbscript:".to_string()),
        Just("https://x.example/".to_string()),
        Just("mailto:a@b.c".to_string()),
        Just("&#x6A;avascript:".to_string()),
        Just("&lt;".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just("![".to_string()),
        Just("]: ".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just("# ".to_string()),
        Just("- ".to_string()),
        Just("1. ".to_string()),
        Just("> ".to_string()),
        Just("`".to_string()),
        Just("```".to_string()),
        Just("*".to_string()),
        Just("_".to_string()),
        Just("\\".to_string()),
        Just("    ".to_string()),
        "[a-zA-Z0-9 ]{1,8}",
        "[ابتثجحخ ]{1,6}",
        any::<char>().prop_map(|c| c.to_string()),
    ]
}

fn document() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn output_has_no_html_and_no_disallowed_links(md in document()) {
        let out = sanitize(&md);
        for e in Parser::new_ext(&out, parser_options()) {
            match e {
                Event::Html(h) | Event::InlineHtml(h) => {
                    prop_assert!(false, "raw HTML {h:?} in {out:?} from {md:?}");
                }
                Event::Start(Tag::Link { dest_url, .. }) => {
                    prop_assert!(allowed_url(&dest_url), "link {dest_url:?} in {out:?} from {md:?}");
                }
                Event::Start(Tag::Image { dest_url, .. }) => {
                    prop_assert!(false, "image {dest_url:?} in {out:?} from {md:?}");
                }
                _ => {}
            }
        }
    }

    /// What a reader sees must not drift when sanitised output is sanitised again.
    #[test]
    fn sanitising_again_keeps_the_visible_text(md in document()) {
        let once = sanitize(&md);
        let twice = sanitize(&once);
        prop_assert_eq!(visible(&once), visible(&twice), "{:?} then {:?}", once, twice);
    }
}

/// The text a renderer shows, white space folded.
fn visible(md: &str) -> String {
    let mut s = String::new();
    for e in Parser::new_ext(md, parser_options()) {
        match e {
            Event::Text(t) | Event::Code(t) => s.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(_) => s.push(' '),
            _ => {}
        }
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

//! Property tests for `chunk_text` over Latin, Arabic and mixed text.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use text::chunk_text;

/// Words and separators from several scripts, including combining marks, emoji,
/// tatweel and Arabic punctuation.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-zA-Z]{1,12}",
        4 => "[ابتثجحخدذرسشصضطظعغفقكلمنهوي]{1,10}",
        1 => "[ًٌٍَُِّْـ]{1,2}",
        1 => "[éèüñçø]{1,4}",
        1 => "[0-9]{1,6}",
        1 => "[😀🚀🇸🇦]{1,3}",
        2 => Just(" ".to_string()),
        1 => Just("  ".to_string()),
        1 => Just("\n".to_string()),
        1 => Just("\n\n".to_string()),
        1 => Just(". ".to_string()),
        1 => Just("؟ ".to_string()),
        1 => Just("، ".to_string()),
        1 => Just("\t".to_string()),
        1 => Just("\u{00A0}".to_string()),
        1 => "[a-z]{20,80}",
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(token(), 0..120).prop_map(|t| t.concat())
}

fn is_boundary(chars: &[char], p: usize) -> bool {
    p == 0 || p >= chars.len() || chars[p - 1].is_whitespace() || chars[p].is_whitespace()
}

fn longest_word(chars: &[char]) -> usize {
    chars
        .split(|c| c.is_whitespace())
        .map(<[char]>::len)
        .max()
        .unwrap_or(0)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(384))]

    #[test]
    fn chunks_cover_slice_and_progress(
        text in text(),
        target in 1usize..160,
        overlap in 0usize..100,
    ) {
        let chunks = chunk_text(&text, target, overlap);
        let chars: Vec<char> = text.chars().collect();
        let n = chars.len();

        if text.trim().is_empty() {
            prop_assert!(chunks.is_empty());
            return Ok(());
        }
        prop_assert!(!chunks.is_empty());
        prop_assert!(chunks.len() <= n);
        // whole text covered, from 0 to len
        prop_assert_eq!(chunks[0].char_start, 0);
        prop_assert_eq!(chunks[chunks.len() - 1].char_end, n);

        let longest = longest_word(&chars);
        for (i, c) in chunks.iter().enumerate() {
            prop_assert_eq!(c.index, i);
            prop_assert!(c.char_start < c.char_end);
            // text equals the char slice (so no UTF-8 character is split)
            let slice: String = chars[c.char_start..c.char_end].iter().collect();
            prop_assert_eq!(&slice, &c.text);
            // never larger than the target
            prop_assert!(c.char_end - c.char_start <= target);
            // a cut inside a word only when a single word fills the whole window
            if c.char_end < n && !is_boundary(&chars, c.char_end) {
                let window_end = (c.char_start + target).min(n);
                let any_boundary = (c.char_start + 1..=window_end).any(|p| is_boundary(&chars, p));
                prop_assert!(!any_boundary, "cut inside a word at {} in {:?}", c.char_end, c);
                prop_assert!(longest >= target - 1);
            }
        }
        for w in chunks.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            // strictly increasing starts, no gaps
            prop_assert!(b.char_start > a.char_start);
            prop_assert!(b.char_start <= a.char_end);
            // overlap between 0 and the configured amount (+ the longest word)
            let ov = a.char_end - b.char_start;
            prop_assert!(ov <= overlap + longest);
            prop_assert!(ov <= overlap);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn default_sizes_on_long_mixed_text(words in prop::collection::vec(token(), 500..2500)) {
        // (few cases: each one generates a resume-sized text)
        let text = words.concat();
        let chunks = chunk_text(&text, 3500, 400);
        let n = text.chars().count();
        if text.trim().is_empty() {
            prop_assert!(chunks.is_empty());
        } else {
            prop_assert_eq!(chunks.last().map(|c| c.char_end), Some(n));
            for w in chunks.windows(2) {
                prop_assert!(w[1].char_start > w[0].char_start);
                prop_assert!(w[0].char_end - w[1].char_start <= 400);
            }
        }
    }
}

#[test]
fn chunks_prefer_overlap_near_configured_amount() {
    // ordinary prose: the overlap is within one word of the configured amount
    let text = "lorem ipsum dolor sit amet consectetur adipiscing elit ".repeat(300);
    let chunks = chunk_text(&text, 3500, 400);
    assert!(chunks.len() >= 4);
    for w in chunks.windows(2) {
        let ov = w[0].char_end - w[1].char_start;
        assert!((400 - 12..=400).contains(&ov), "overlap {ov}");
    }
}

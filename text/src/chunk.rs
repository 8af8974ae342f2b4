//! Cut text into overlapping chunks on natural boundaries for embedding.

use serde::{Deserialize, Serialize};

/// Default chunk size in characters (Unicode scalar values).
pub const DEFAULT_TARGET_CHARS: usize = 3500;
/// Default overlap between consecutive chunks in characters.
pub const DEFAULT_OVERLAP_CHARS: usize = 400;

/// One piece of a text. `char_start..char_end` are *character* (Unicode scalar value)
/// offsets into the chunked text, so that
/// `text.chars().skip(char_start).take(char_end - char_start)` equals [`Chunk::text`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chunk {
    /// Position of the chunk, from 0.
    pub index: usize,
    /// The chunk's text, an exact slice of the input.
    pub text: String,
    /// First character (inclusive).
    pub char_start: usize,
    /// Last character (exclusive).
    pub char_end: usize,
}

/// Sentence-ending punctuation: Latin `. ! ?`, Arabic question mark `؟` and Urdu/Arabic
/// full stop `۔`.
fn is_sentence_end(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '؟' | '۔')
}

/// Combining marks that must stay with the preceding letter when a cut is forced
/// inside an over-long word (Arabic harakat, Latin combining diacritics, joiners,
/// variation selectors).
fn is_mark(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}'
            | '\u{0610}'..='\u{061A}'
            | '\u{064B}'..='\u{065F}'
            | '\u{0670}'
            | '\u{06D6}'..='\u{06ED}'
            | '\u{200C}'
            | '\u{200D}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FE20}'..='\u{FE2F}'
    )
}

/// Split `text` into chunks of at most `target_chars` characters that overlap by up to
/// `overlap_chars` characters (callers use [`DEFAULT_TARGET_CHARS`] /
/// [`DEFAULT_OVERLAP_CHARS`]).
///
/// A chunk ends, searching backwards from the target size within the last quarter of
/// the window, at the first of: a paragraph break (`\n\n`), a line break, a sentence
/// end (`. ! ? ؟ ۔` followed by whitespace), any whitespace. Without any of those in
/// the last quarter it ends at the last whitespace of the window; only a single word
/// longer than the whole window is cut inside (never inside a character, and not in
/// front of a combining mark). The next chunk starts `overlap_chars` before the
/// previous end, moved forward to the next word start, and always after the previous
/// start, so the loop always progresses.
///
/// Chunks cover the whole input (leading/trailing whitespace included); a text that
/// is empty or only whitespace gives no chunks. `target_chars` of 0 is treated as 1,
/// and the overlap is capped at half the target so that chunks keep moving forward.
pub fn chunk_text(text: &str, target_chars: usize, overlap_chars: usize) -> Vec<Chunk> {
    if text.trim().is_empty() {
        return Vec::new();
    }
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    let target = target_chars.max(1);
    let overlap = overlap_chars.min(target / 2);

    let mut chunks = Vec::new();
    let mut start = 0usize;
    loop {
        let end = if n - start <= target {
            n
        } else {
            find_cut(&chars, start, start + target)
        };
        chunks.push(Chunk {
            index: chunks.len(),
            text: chars[start..end].iter().collect(),
            char_start: start,
            char_end: end,
        });
        if end >= n {
            break;
        }
        start = next_start(&chars, start, end, overlap);
    }
    chunks
}

/// Is there a word boundary at `p` (between `chars[p-1]` and `chars[p]`)?
fn is_boundary(chars: &[char], p: usize) -> bool {
    p == 0 || p >= chars.len() || chars[p - 1].is_whitespace() || chars[p].is_whitespace()
}

/// Choose the end (exclusive) of a chunk starting at `start` whose window ends at
/// `window_end` (< `chars.len()`). The result is in `start + 1..=window_end`.
fn find_cut(chars: &[char], start: usize, window_end: usize) -> usize {
    let size = window_end - start;
    // The preferred region is the last quarter of the window (at least one char).
    let lo = (window_end - size / 4).max(start + 1);

    let paragraph = |p: usize| p >= 2 && chars[p - 1] == '\n' && chars[p - 2] == '\n';
    let line = |p: usize| chars[p - 1] == '\n';
    let sentence =
        |p: usize| p >= 2 && chars[p - 1].is_whitespace() && is_sentence_end(chars[p - 2]);
    let space = |p: usize| is_boundary(chars, p);

    let preferences: [&dyn Fn(usize) -> bool; 4] = [&paragraph, &line, &sentence, &space];
    for pref in preferences {
        if let Some(p) = (lo..=window_end).rev().find(|&p| pref(p)) {
            return p;
        }
    }
    // No boundary in the last quarter: the last whitespace anywhere in the window.
    if let Some(p) = (start + 1..lo).rev().find(|&p| is_boundary(chars, p)) {
        return p;
    }
    // A single word longer than the window: cut inside it, but not in front of a
    // combining mark.
    let mut p = window_end;
    while p > start + 1 && is_mark(chars[p]) {
        p -= 1;
    }
    p
}

/// Start of the chunk after `[start, end)`: `overlap` characters before `end`, moved
/// forward to the next word start, strictly after `start` and at most `end`.
fn next_start(chars: &[char], start: usize, end: usize, overlap: usize) -> usize {
    let mut s = end.saturating_sub(overlap).max(start + 1);
    while s < end {
        let word_start = !chars[s].is_whitespace() && (s == 0 || chars[s - 1].is_whitespace());
        if word_start {
            break;
        }
        s += 1;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(text: &str, c: &Chunk) -> String {
        text.chars()
            .skip(c.char_start)
            .take(c.char_end - c.char_start)
            .collect()
    }

    #[test]
    fn empty_and_whitespace_give_no_chunks() {
        assert!(chunk_text("", 10, 2).is_empty());
        assert!(chunk_text(" \n\t\u{00A0}\u{3000} ", 10, 2).is_empty());
    }

    #[test]
    fn short_text_is_one_chunk() {
        let c = chunk_text("hello world", 3500, 400);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].text, "hello world");
        assert_eq!((c[0].char_start, c[0].char_end), (0, 11));
    }

    #[test]
    fn prefers_paragraph_breaks() {
        let text = "aaaa bbbb cccc dddd\n\neeee ffff gggg hhhh iiii";
        let c = chunk_text(text, 24, 0);
        assert_eq!(c[0].text, "aaaa bbbb cccc dddd\n\n");
        assert_eq!(c[1].char_start, 21);
    }

    #[test]
    fn prefers_sentence_end_over_plain_space() {
        let text = "One two three. Four five six seven eight nine ten";
        let c = chunk_text(text, 18, 0);
        assert_eq!(c[0].text, "One two three. ");
    }

    #[test]
    fn never_cuts_arabic_words() {
        let text = "شركة النخبة للمقاولات ومكتب الرواد للتدقيق والمحاسبة وشركة الأفق للتجارة";
        // the longest word has 9 letters: from 10 on no word may be cut
        for target in 10..40 {
            for c in chunk_text(text, target, 3) {
                assert_eq!(slice(text, &c), c.text);
                // every chunk ends at a boundary: whitespace on one side
                let chars: Vec<char> = text.chars().collect();
                assert!(is_boundary(&chars, c.char_end), "cut inside a word: {c:?}");
            }
        }
    }

    #[test]
    fn overlong_word_is_hard_cut() {
        let text = "x".repeat(25);
        let c = chunk_text(&text, 10, 3);
        assert!(c.iter().all(|c| c.char_end - c.char_start <= 10));
        assert_eq!(c.last().map(|c| c.char_end), Some(25));
    }

    #[test]
    fn overlap_starts_at_word() {
        let text = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu";
        let c = chunk_text(text, 20, 8);
        for w in c.windows(2) {
            assert!(w[1].char_start < w[0].char_end, "expected overlap: {w:?}");
            assert!(w[0].char_end - w[1].char_start <= 8);
            assert!(w[1].char_start > w[0].char_start);
        }
    }

    #[test]
    fn zero_target_and_huge_overlap_terminate() {
        let c = chunk_text("ab cd ef", 0, 100);
        assert_eq!(c.last().map(|c| c.char_end), Some(8));
        let c = chunk_text("ab cd ef gh", 4, 100);
        assert_eq!(c.last().map(|c| c.char_end), Some(11));
    }
}

//! Embeddings: text → vector. The default is a local, deterministic embedder
//! (no model download, no network): hashed word, word-pair and character
//! 3-gram features of the match-folded text (Arabic diacritics, tatweel and
//! letter variants folded, light stemming), L2-normalised. It ranks chunks by
//! shared vocabulary — a lexical embedder, honest about what it is.

use crate::errors::ProviderError;
use async_trait::async_trait;

#[async_trait]
pub trait Embedder: Send + Sync {
    /// Model name stored with each vector (a query must use the same model).
    fn model(&self) -> &str;
    fn dims(&self) -> usize;
    async fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, ProviderError>;
}

pub const LOCAL_MODEL: &str = "local-hash-ngram-v1";
pub const LOCAL_DIMS: usize = 384;

#[derive(Debug, Clone, Default)]
pub struct LocalEmbedder;

#[async_trait]
impl Embedder for LocalEmbedder {
    fn model(&self) -> &str {
        LOCAL_MODEL
    }

    fn dims(&self) -> usize {
        LOCAL_DIMS
    }

    async fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, ProviderError> {
        Ok(texts.iter().map(|t| embed_local(t)).collect())
    }
}

/// FNV-1a: stable across platforms and releases (vectors are stored).
fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h ^= 0x1f;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        for b in p.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

fn add(v: &mut [f32], parts: &[&str], weight: f32) {
    let h = fnv1a(parts);
    let idx = (h % LOCAL_DIMS as u64) as usize;
    let sign = if h >> 63 == 0 { 1.0 } else { -1.0 };
    if let Some(slot) = v.get_mut(idx) {
        *slot += sign * weight;
    }
}

/// Tokens for matching: folded, stemmed Arabic, lower-cased Latin, digits kept.
pub fn match_tokens(s: &str) -> Vec<String> {
    text::fold::fold(s)
        .split(|c: char| !(c.is_alphanumeric() || c == '+' || c == '#'))
        .filter(|t| !t.is_empty())
        .map(|t| {
            if t.chars().any(text::fold::is_arabic) {
                text::fold::stem_ar(t)
            } else {
                t.to_string()
            }
        })
        .collect()
}

pub fn embed_local(s: &str) -> Vec<f32> {
    let mut v = vec![0.0f32; LOCAL_DIMS];
    let tokens = match_tokens(s);
    for (i, t) in tokens.iter().enumerate() {
        add(&mut v, &["w", t], 1.0);
        if let Some(next) = tokens.get(i + 1) {
            add(&mut v, &["b", t, next], 0.7);
        }
        let chars: Vec<char> = format!("^{t}$").chars().collect();
        if chars.len() > 4 {
            let n = (chars.len() - 2) as f32;
            for w in chars.windows(3) {
                let g: String = w.iter().collect();
                add(&mut v, &["c", &g], 0.35 / n.sqrt());
            }
        }
    }
    normalize(&mut v);
    v
}

pub fn normalize(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        for x in v.iter_mut() {
            *x /= norm;
        }
    }
}

pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na * nb)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_normalised_and_topical() {
        let a = embed_local("Senior backend engineer: Rust, PostgreSQL, Kafka");
        assert_eq!(
            a,
            embed_local("Senior backend engineer: Rust, PostgreSQL, Kafka")
        );
        assert!((a.iter().map(|x| x * x).sum::<f32>() - 1.0).abs() < 1e-4);
        let related = embed_local("Built Kafka pipelines in Rust on PostgreSQL");
        let unrelated = embed_local("Registered nurse, BLS and ACLS certified, night shifts");
        assert!(cosine(&a, &related) > cosine(&a, &unrelated) + 0.1);
    }

    #[test]
    fn arabic_variants_meet() {
        // Diacritics, tatweel and the definite article do not separate words.
        let a = embed_local("خبرة في المحاسبة والزكاة");
        let b = embed_local("خِبرة في محاسبـة الزكاة");
        let c = embed_local("هندسة الشبكات وأمن المعلومات");
        assert!(
            cosine(&a, &b) > cosine(&a, &c) + 0.2,
            "{} vs {}",
            cosine(&a, &b),
            cosine(&a, &c)
        );
    }

    #[test]
    fn empty_text_is_a_zero_vector() {
        assert!(embed_local("   ").iter().all(|x| *x == 0.0));
    }
}

//! Decoding of plain-text and Markdown files.

use super::ExtractError;
use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE};

/// Decode a text file: UTF-8 (with or without BOM), UTF-16 LE/BE with BOM, otherwise
/// a legacy encoding guessed by `chardetng` (which recognises Windows-1256 Arabic,
/// Windows-1252, ISO-8859-x, Shift_JIS, …). Decoding never substitutes U+FFFD: bytes
/// that are invalid in the detected encoding, or a result that looks like mojibake
/// (C1 control characters), give [`ExtractError::Encoding`].
pub(crate) fn decode_text(bytes: &[u8]) -> Result<String, ExtractError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest).map(str::to_owned).map_err(|e| {
            ExtractError::Encoding(format!(
                "the file starts with a UTF-8 byte-order mark but byte {} is not valid UTF-8",
                e.valid_up_to() + 3
            ))
        });
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return decode_strict(UTF_16LE, rest);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return decode_strict(UTF_16BE, rest);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(s.to_owned());
    }
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let encoding = detector.guess(None, Utf8Detection::Deny);
    let text = decode_strict(encoding, bytes)?;
    if text.chars().any(|c| ('\u{80}'..='\u{9F}').contains(&c)) {
        return Err(ExtractError::Encoding(format!(
            "decoding it as {} gives control characters, so that guess is wrong",
            encoding.name()
        )));
    }
    Ok(text)
}

fn decode_strict(encoding: &'static Encoding, bytes: &[u8]) -> Result<String, ExtractError> {
    encoding
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|cow| cow.into_owned())
        .filter(|s| !s.contains('\u{FFFD}'))
        .ok_or_else(|| {
            ExtractError::Encoding(format!("the bytes are not valid {}", encoding.name()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(
            decode_text("héllo".as_bytes()).ok().as_deref(),
            Some("héllo")
        );
        assert_eq!(
            decode_text(b"\xEF\xBB\xBFhello").ok().as_deref(),
            Some("hello")
        );
    }

    #[test]
    fn utf16_both_endians() {
        let s = "سارة + Rust";
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in s.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
            be.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(decode_text(&le).ok().as_deref(), Some(s));
        assert_eq!(decode_text(&be).ok().as_deref(), Some(s));
        // odd number of bytes: not valid UTF-16
        le.push(0x41);
        assert!(matches!(decode_text(&le), Err(ExtractError::Encoding(_))));
    }

    #[test]
    fn windows_1252_latin() {
        // "Café résumé – naïve" in Windows-1252
        let b = b"Caf\xE9 r\xE9sum\xE9 \x96 na\xEFve, d\xE9veloppeur exp\xE9riment\xE9";
        assert_eq!(
            decode_text(b).ok().as_deref(),
            Some("Café résumé – naïve, développeur expérimenté")
        );
    }

    #[test]
    fn windows_1256_arabic() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1256.encode("محاسبة قانونية أولى في الرياض");
        assert_eq!(
            decode_text(&bytes).ok().as_deref(),
            Some("محاسبة قانونية أولى في الرياض")
        );
    }

    #[test]
    fn bad_utf8_after_bom_is_an_encoding_error() {
        assert!(matches!(
            decode_text(b"\xEF\xBB\xBFok \xFF\xFE"),
            Err(ExtractError::Encoding(_))
        ));
    }
}

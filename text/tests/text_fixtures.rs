//! Every fixture in `shared/fixtures` behaves as `MANIFEST.md` / `manifest.json` say.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use text::lang::arabic_share;
use text::normalize::collapse_whitespace;
use text::{
    DocKind, DocumentError, ExtractError, Lang, SniffError, chunk_text, detect_lang,
    extract_document, extract_text, normalize_text, sniff,
};

/// Where the shared fixtures are: `$FIXTURES_DIR`, else `shared/fixtures` two or one
/// levels above this crate (scratch layout / final repository layout), else the
/// machine-wide default.
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

fn read_fixture(rel: &str) -> Vec<u8> {
    let path = fixtures_dir().join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn manifest_entries() -> Vec<Value> {
    let raw = read_fixture("manifest.json");
    let manifest: Value = serde_json::from_slice(&raw).expect("manifest.json is JSON");
    manifest["files"].as_array().expect("files array").clone()
}

fn entry(rel: &str) -> Value {
    manifest_entries()
        .into_iter()
        .find(|e| e["file"] == rel)
        .unwrap_or_else(|| panic!("{rel} is not in manifest.json"))
}

fn file_name(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap_or(rel)
}

/// "B.S. Computer Science, Lakeshore Institute of Technology (2016)" →
/// ["B.S.", "Computer Science", "Lakeshore Institute of Technology", "2016"]. The
/// degree and the field are checked separately because layouts put the degree in a
/// column of its own and add "in"/"في" between them.
fn education_pieces(education: &str) -> Vec<String> {
    let (main, year) = match education.split_once('(') {
        Some((m, rest)) => (m, rest.trim_end_matches(')').trim().to_string()),
        None => (education, String::new()),
    };
    let mut pieces = Vec::new();
    for (i, part) in main.split([',', '،']).enumerate() {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        if i == 0 {
            let (degree, field) = part.split_once(' ').unwrap_or((part, ""));
            pieces.push(degree.to_string());
            let field = field.trim();
            let field = field
                .strip_prefix("in ")
                .or_else(|| field.strip_prefix("في "))
                .unwrap_or(field);
            if !field.is_empty() {
                pieces.push(field.to_string());
            }
        } else {
            pieces.push(part.to_string());
        }
    }
    if !year.is_empty() {
        pieces.push(year);
    }
    pieces
}

fn assert_contains(text: &str, fact: &str, what: &str, rel: &str, case_insensitive: bool) {
    let hay = collapse_whitespace(text);
    let needle = collapse_whitespace(fact);
    let found = if case_insensitive {
        hay.to_lowercase().contains(&needle.to_lowercase())
    } else {
        hay.contains(&needle)
    };
    assert!(
        found,
        "{rel}: {what} {needle:?} not found in extracted text:\n{text}"
    );
}

fn expected_kind(rel: &str) -> DocKind {
    match rel.rsplit('.').next() {
        Some("pdf") => DocKind::Pdf,
        Some("docx") => DocKind::Docx,
        Some("md") => DocKind::Md,
        _ => DocKind::Txt,
    }
}

fn resume_files() -> Vec<String> {
    let dir = fixtures_dir().join("resumes");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| {
            format!(
                "resumes/{}",
                e.expect("dir entry").file_name().to_string_lossy()
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn every_resume_fixture_extracts_with_its_language_and_facts() {
    let files = resume_files();
    assert!(
        files.len() >= 9,
        "expected the 9 resume fixtures, found {files:?}"
    );
    for rel in &files {
        let e = entry(rel);
        let bytes = read_fixture(rel);
        let doc = extract_document(&bytes, Some(file_name(rel)))
            .unwrap_or_else(|err| panic!("{rel}: extraction failed: {err}"));
        assert_eq!(doc.kind, expected_kind(rel), "{rel}: kind");
        let lang: Lang = e["lang"].as_str().unwrap().parse().unwrap();
        assert_eq!(doc.lang, lang, "{rel}: language");
        assert_eq!(detect_lang(&doc.text), lang, "{rel}: detect_lang");
        // and with a wide margin around the 30 % threshold
        let share = arabic_share(&doc.text);
        match lang {
            Lang::Ar => assert!(share >= 0.5, "{rel}: Arabic share {share}"),
            Lang::En => assert!(share <= 0.1, "{rel}: Arabic share {share}"),
        }

        let facts = &e["facts"];
        let all_caps = facts.get("name_as_written").is_some();
        let text = &doc.text;
        assert_contains(text, facts["name"].as_str().unwrap(), "name", rel, all_caps);
        for key in ["email", "phone"] {
            assert_contains(text, facts[key].as_str().unwrap(), key, rel, false);
        }
        for company in facts["companies"].as_array().unwrap() {
            assert_contains(text, company.as_str().unwrap(), "company", rel, false);
        }
        for skill in facts["top_skills"].as_array().unwrap() {
            assert_contains(text, skill.as_str().unwrap(), "skill", rel, false);
        }
        for piece in education_pieces(facts["education"].as_str().unwrap()) {
            assert_contains(text, &piece, "education", rel, false);
        }
        // extracted text is already normalised
        assert_eq!(normalize_text(text), *text, "{rel}: not normalised");
    }
}

#[test]
fn arabic_pdf_is_in_logical_order() {
    let rel = "resumes/ar_accountant_sara_almansouri.pdf";
    let text = extract_text(&read_fixture(rel), DocKind::Pdf).unwrap();
    let flat = collapse_whitespace(&text);
    // name and companies in logical order, none of them reversed
    for fact in [
        "سارة خالد المنصوري",
        "شركة النخبة للمقاولات",
        "مكتب الرواد للتدقيق والمحاسبة",
        "شركة الأفق للتجارة",
        "ضريبة القيمة المضافة",
        "الزكاة",
    ] {
        assert!(flat.contains(fact), "{fact:?} missing in:\n{text}");
        let reversed: String = fact.chars().rev().collect();
        assert!(
            !flat.contains(&reversed),
            "reversed {reversed:?} found in:\n{text}"
        );
    }
    // the first line is the name; the header line keeps location | e-mail | phone
    assert_eq!(text.lines().next(), Some("سارة خالد المنصوري"));
    assert!(
        flat.contains(
            "الرياض، المملكة العربية السعودية | sara.almansouri@example.com | +966 55 010 2345"
        ),
        "{text}"
    );
    // Latin words and digits inside Arabic lines, brackets the right way round
    assert!(
        flat.contains("التقارير المالية (IFRS)، وإدارة الإقفال"),
        "{text}"
    );
    assert!(flat.contains("Microsoft Excel (متقدم)"), "{text}");
    assert!(flat.contains("SOCPA (2021)"), "{text}");
    assert!(flat.contains("فبراير 2020 – حتى الآن"), "{text}");
    assert!(flat.contains("لأكثر من 20 عميلا"), "{text}");
    // no direction marks or presentation forms survive
    assert!(!text.chars().any(|c| matches!(
        c,
        '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
            | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}'
    )));
}

#[test]
fn sniff_uses_content_not_name() {
    for rel in resume_files() {
        let bytes = read_fixture(&rel);
        assert_eq!(
            sniff(&bytes, Some(file_name(&rel))),
            Ok(expected_kind(&rel)),
            "{rel}"
        );
    }
    // a PDF named .txt and a DOCX named .pdf are still what their bytes say
    let pdf = read_fixture("resumes/en_backend_maya_lindqvist.pdf");
    assert_eq!(sniff(&pdf, Some("resume.txt")), Ok(DocKind::Pdf));
    let docx = read_fixture("resumes/en_backend_maya_lindqvist.docx");
    assert_eq!(sniff(&docx, Some("resume.pdf")), Ok(DocKind::Docx));
    // the Markdown resume is recognised by content without a name
    let md = read_fixture("resumes/en_backend_maya_lindqvist.md");
    assert_eq!(sniff(&md, None), Ok(DocKind::Md));
    let txt = read_fixture("resumes/en_data_analyst_hannah_castellanos.txt");
    assert_eq!(sniff(&txt, None), Ok(DocKind::Txt));
}

#[test]
fn job_fixtures_extract_and_detect_language() {
    for e in manifest_entries() {
        let rel = e["file"].as_str().unwrap();
        if !rel.starts_with("jobs/") || !rel.ends_with(".txt") {
            continue;
        }
        let doc = extract_document(&read_fixture(rel), Some(file_name(rel))).unwrap();
        let lang: Lang = e["lang"].as_str().unwrap().parse().unwrap();
        assert_eq!(doc.lang, lang, "{rel}");
        assert_contains(
            &doc.text,
            e["facts"]["company"].as_str().unwrap(),
            "company",
            rel,
            false,
        );
    }
}

// ---------------------------------------------------------------------------------
// bad inputs
// ---------------------------------------------------------------------------------

#[test]
fn bad_empty_file_is_empty() {
    let bytes = read_fixture("bad_inputs/empty.txt");
    assert_eq!(sniff(&bytes, Some("empty.txt")), Err(SniffError::Empty));
    assert_eq!(extract_text(&bytes, DocKind::Txt), Err(ExtractError::Empty));
}

#[test]
fn bad_whitespace_only_is_empty() {
    let bytes = read_fixture("bad_inputs/whitespace_only.md");
    assert_eq!(sniff(&bytes, Some("whitespace_only.md")), Ok(DocKind::Md));
    assert_eq!(extract_text(&bytes, DocKind::Md), Err(ExtractError::Empty));
    assert!(matches!(
        extract_document(&bytes, Some("whitespace_only.md")),
        Err(DocumentError::Extract(ExtractError::Empty))
    ));
}

#[test]
fn bad_png_renamed_is_unsupported() {
    let bytes = read_fixture("bad_inputs/png_renamed.pdf");
    match sniff(&bytes, Some("png_renamed.pdf")) {
        Err(SniffError::Unsupported(reason)) => assert!(reason.contains("PNG"), "{reason}"),
        other => panic!("expected Unsupported, got {other:?}"),
    }
    // even if a caller trusted the name, PDF extraction fails cleanly
    assert!(matches!(
        extract_text(&bytes, DocKind::Pdf),
        Err(ExtractError::Corrupt(_))
    ));
}

#[test]
fn bad_zip_without_document_xml_is_unsupported_or_corrupt() {
    let bytes = read_fixture("bad_inputs/zip_without_document_xml.docx");
    match sniff(&bytes, Some("zip_without_document_xml.docx")) {
        Err(SniffError::Unsupported(reason)) => {
            assert!(reason.contains("word/document.xml"), "{reason}")
        }
        other => panic!("expected Unsupported, got {other:?}"),
    }
    match extract_text(&bytes, DocKind::Docx) {
        Err(ExtractError::Corrupt(reason)) => {
            assert!(reason.contains("word/document.xml"), "{reason}")
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
}

#[test]
fn bad_truncated_pdf_is_corrupt() {
    let bytes = read_fixture("bad_inputs/corrupt_truncated.pdf");
    assert_eq!(
        sniff(&bytes, Some("corrupt_truncated.pdf")),
        Ok(DocKind::Pdf)
    );
    match extract_text(&bytes, DocKind::Pdf) {
        Err(e @ ExtractError::Corrupt(_)) => {
            let msg = e.to_string();
            assert!(msg.starts_with("the document is damaged"), "{msg}");
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
    // every prefix of a real PDF fails cleanly or extracts: never a panic
    let full = read_fixture("resumes/en_backend_maya_lindqvist.pdf");
    for len in (0..full.len()).step_by(997) {
        let _ = extract_text(&full[..len], DocKind::Pdf);
    }
}

#[test]
fn bad_scanned_pdf_has_no_text() {
    let bytes = read_fixture("bad_inputs/scanned_image_only.pdf");
    assert_eq!(
        sniff(&bytes, Some("scanned_image_only.pdf")),
        Ok(DocKind::Pdf)
    );
    let err = extract_text(&bytes, DocKind::Pdf).unwrap_err();
    assert_eq!(err, ExtractError::NoText);
    assert_eq!(
        err.to_string(),
        "this PDF has no extractable text layer (it looks like a scanned image); upload a text-based PDF, DOCX or TXT"
    );
}

#[test]
fn bad_windows1256_decodes_exactly() {
    let bytes = read_fixture("bad_inputs/ar_resume_windows1256.txt");
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "fixture should not be UTF-8"
    );
    let doc = extract_document(&bytes, Some("ar_resume_windows1256.txt")).unwrap();
    assert_eq!(doc.kind, DocKind::Txt);
    assert_eq!(doc.lang, Lang::Ar);
    let expected = read_fixture("src/expected/ar_resume_windows1256.txt.utf8.txt");
    let expected = normalize_text(std::str::from_utf8(&expected).unwrap());
    assert_eq!(doc.text, expected);
    for fact in [
        "محمود عادل القاسم",
        "mahmoud.alqasem@example.com",
        "شركة المدار للأغذية",
        "مكتب الصفا للتدقيق",
        "2020",
    ] {
        assert!(doc.text.contains(fact), "{fact}");
    }
    assert!(!doc.text.contains('\u{FFFD}'));
}

#[test]
fn every_bad_input_is_covered() {
    let dir = fixtures_dir().join("bad_inputs");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    // one test above per file (make_big.sh is a generator script, not an input)
    assert_eq!(
        names,
        [
            "ar_resume_windows1256.txt",
            "corrupt_truncated.pdf",
            "empty.txt",
            "make_big.sh",
            "png_renamed.pdf",
            "scanned_image_only.pdf",
            "whitespace_only.md",
            "zip_without_document_xml.docx",
        ]
    );
}

// ---------------------------------------------------------------------------------
// inputs to expect beyond the fixtures
// ---------------------------------------------------------------------------------

#[test]
fn crlf_input_becomes_lf() {
    let txt = read_fixture("resumes/en_data_analyst_hannah_castellanos.txt");
    let crlf = String::from_utf8(txt.clone())
        .unwrap()
        .replace('\n', "\r\n");
    let a = extract_text(crlf.as_bytes(), DocKind::Txt).unwrap();
    let b = extract_text(&txt, DocKind::Txt).unwrap();
    assert!(!a.contains('\r'));
    assert_eq!(a, b);
}

#[test]
fn utf8_bom_is_stripped() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice("# سارة خالد\n\n- IFRS\n".as_bytes());
    assert_eq!(sniff(&bytes, Some("cv.txt")), Ok(DocKind::Md));
    let text = extract_text(&bytes, DocKind::Md).unwrap();
    assert_eq!(text, "# سارة خالد\n\n- IFRS");
}

#[test]
fn utf16_bom_text_is_decoded() {
    let source = "يوسف أحمد الزعبي\r\nNetwork & Systems Engineer\r\n";
    for big_endian in [false, true] {
        let mut bytes = if big_endian {
            vec![0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE]
        };
        for unit in source.encode_utf16() {
            let b = if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            };
            bytes.extend_from_slice(&b);
        }
        let doc = extract_document(&bytes, Some("cv.txt")).unwrap();
        assert_eq!(doc.kind, DocKind::Txt);
        assert_eq!(doc.text, "يوسف أحمد الزعبي\nNetwork & Systems Engineer");
        assert_eq!(doc.lang, Lang::Ar);
    }
}

#[test]
fn zero_byte_file_with_any_extension_is_empty() {
    for name in [
        "cv.pdf", "cv.docx", "cv.txt", "cv.md", "cv.doc", "cv", "cv.PDF",
    ] {
        assert_eq!(sniff(b"", Some(name)), Err(SniffError::Empty), "{name}");
        assert!(
            matches!(
                extract_document(b"", Some(name)),
                Err(DocumentError::Sniff(SniffError::Empty))
            ),
            "{name}"
        );
    }
    for kind in [DocKind::Pdf, DocKind::Docx, DocKind::Txt, DocKind::Md] {
        assert_eq!(extract_text(b"", kind), Err(ExtractError::Empty), "{kind}");
    }
}

#[test]
fn unicode_space_only_files_are_empty() {
    for (name, content) in [
        ("nbsp.txt", "\u{00A0}\u{00A0}\u{00A0}"),
        ("ideographic.txt", "\u{3000}\u{3000}"),
        (
            "mixed.md",
            "\u{00A0}\r\n\u{3000}\t \u{2003}\n\u{FEFF}\u{200F}",
        ),
    ] {
        let bytes = content.as_bytes();
        let kind = sniff(bytes, Some(name)).unwrap();
        assert_eq!(
            extract_text(bytes, kind),
            Err(ExtractError::Empty),
            "{name}"
        );
        // also as UTF-16
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in content.encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(
            extract_text(&utf16, DocKind::Txt),
            Err(ExtractError::Empty),
            "{name}"
        );
    }
}

#[test]
fn extracted_fixtures_chunk_cleanly() {
    for rel in resume_files() {
        let text = extract_text(&read_fixture(&rel), expected_kind(&rel)).unwrap();
        let n = text.chars().count();
        for (target, overlap) in [(3500, 400), (500, 80), (120, 30)] {
            let chunks = chunk_text(&text, target, overlap);
            assert_eq!(chunks.first().map(|c| c.char_start), Some(0), "{rel}");
            assert_eq!(chunks.last().map(|c| c.char_end), Some(n), "{rel}");
            for c in &chunks {
                let slice: String = text
                    .chars()
                    .skip(c.char_start)
                    .take(c.char_end - c.char_start)
                    .collect();
                assert_eq!(slice, c.text);
                assert!(c.char_end - c.char_start <= target);
            }
            for w in chunks.windows(2) {
                assert!(w[1].char_start > w[0].char_start);
                assert!(w[1].char_start <= w[0].char_end);
            }
        }
    }
}

#[test]
fn damaged_pdfs_and_docx_never_panic() {
    // deterministic byte corruption (xorshift), 24 variants per file
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for rel in [
        "resumes/en_backend_maya_lindqvist.pdf",
        "resumes/ar_accountant_sara_almansouri.pdf",
        "resumes/en_backend_maya_lindqvist.docx",
    ] {
        let original = read_fixture(rel);
        let kind = expected_kind(rel);
        for _ in 0..24 {
            let mut bytes = original.clone();
            for _ in 0..(1 + next() % 8) {
                let at = (next() % bytes.len() as u64) as usize;
                bytes[at] = (next() & 0xFF) as u8;
            }
            // any outcome but a panic is fine
            let _ = extract_text(&bytes, kind);
        }
    }
}

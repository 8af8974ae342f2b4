//! Renders the fixture people to PDF and DOCX and reads the results back the way a reader,
//! an ATS or a word processor would.

// Helpers outside #[test] functions unwrap too: a failure there is a test failure.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::Command;
use std::sync::LazyLock;

use common::*;
use render::{CvDocument, CvItem, CvSection, Lang, RenderError, Renderer};

static RENDERER: LazyLock<Renderer> = LazyLock::new(|| Renderer::new().unwrap());

fn assert_contains_all(text: &str, expected: &[&str], what: &str) {
    for e in expected {
        assert!(
            text.contains(&normalise(e)),
            "{what}: missing {e:?} in extracted text:\n{text}"
        );
    }
}

fn pdfinfo_field(info: &str, field: &str) -> String {
    info.lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .map(|v| v.trim().to_owned())
        .unwrap_or_default()
}

#[test]
fn english_cv_pdf_has_the_facts_and_metadata() {
    let pdf = RENDERER.cv_pdf(&maya()).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let Some(text) = pdftotext(&pdf, "maya") else {
        return;
    };
    assert_contains_all(
        &text,
        &[
            "Maya Lindqvist",
            "maya.lindqvist@example.com",
            "+1 503-555-0148",
            "Parcelwise Logistics",
            "Brightloom",
            "Quillstack Software",
            "Senior Backend Engineer",
            "Jan 2021 – present",
            "Lakeshore Institute of Technology",
            "Rust, Go, Python, SQL",
            "PostgreSQL",
            "Apache Kafka",
            "cutting p99 latency from 420 ms to 85 ms",
        ],
        "English CV PDF",
    );
    let info = pdfinfo(&pdf, "maya").unwrap();
    assert_eq!(pdfinfo_field(&info, "Author"), "Maya Lindqvist", "{info}");
    assert_eq!(
        pdfinfo_field(&info, "Title"),
        "Maya Lindqvist – CV",
        "{info}"
    );
    assert!(
        pdfinfo_field(&info, "Keywords").contains("PostgreSQL"),
        "{info}"
    );
    assert_eq!(pdfinfo_field(&info, "Pages"), "1", "{info}");
}

#[test]
fn arabic_cv_pdf_reads_back_in_logical_order() {
    let pdf = RENDERER.cv_pdf(&sara()).unwrap();
    let Some(text) = pdftotext(&pdf, "sara") else {
        return;
    };
    assert_contains_all(
        &text,
        &[
            "سارة خالد المنصوري",
            "محاسبة قانونية أولى",
            "شركة النخبة للمقاولات",
            "مكتب الرواد للتدقيق والمحاسبة",
            "شركة الأفق للتجارة",
            "الخبرة العملية",
            "sara.almansouri@example.com",
            "+966 55 010 2345",
            "IFRS",
            "SAP FI",
            "Power BI",
            "SOCPA",
            "ضريبة القيمة المضافة",
        ],
        "Arabic CV PDF",
    );
    // Visual order (every word reversed) would mean the text layer is unusable for an ATS.
    assert!(!text.contains("ةراس"), "Arabic came out reversed:\n{text}");
    for year in ["2020", "2017", "2016"] {
        assert!(text.contains(year), "missing {year}:\n{text}");
    }
    let info = pdfinfo(&pdf, "sara").unwrap();
    assert_eq!(
        pdfinfo_field(&info, "Author"),
        "سارة خالد المنصوري",
        "{info}"
    );
    assert!(
        pdfinfo_field(&info, "Title").contains("سارة خالد المنصوري"),
        "{info}"
    );
    assert!(pdfinfo_field(&info, "Keywords").contains("SOCPA"), "{info}");
}

#[test]
fn bilingual_cv_pdf_keeps_latin_inside_arabic() {
    let pdf = RENDERER.cv_pdf(&yousef()).unwrap();
    let Some(text) = pdftotext(&pdf, "yousef") else {
        return;
    };
    assert_contains_all(
        &text,
        &[
            "يوسف أحمد الزعبي",
            "yousef.alzoubi@example.net",
            "+962 79 555 0142",
            "شركة جسور للحلول التقنية",
            "Josour Tech Solutions",
            "مجموعة الوادي الأخضر للتجارة",
            "Green Valley Trading Group",
            "Network & Systems Engineer",
            "Cisco IOS-XE, BGP, OSPF",
            "Fortinet FortiGate",
            "VMware vSphere",
        ],
        "bilingual CV PDF",
    );
}

#[test]
fn english_cv_docx_has_the_facts_and_properties() {
    let docx = RENDERER.cv_docx(&maya()).unwrap();
    let text = docx_text(&docx);
    for e in [
        "Maya Lindqvist",
        "maya.lindqvist@example.com",
        "+1 503-555-0148",
        "Parcelwise Logistics",
        "Brightloom",
        "Quillstack Software",
        "Jan 2021 – present",
        "Rust, Go, Python, SQL",
    ] {
        assert!(text.contains(e), "DOCX missing {e:?}:\n{text}");
    }
    let xml = docx_part(&docx, "word/document.xml");
    assert!(xml.contains(r#"<w:pStyle w:val="Heading1" />"#));
    assert!(xml.contains("<w:numPr>"), "bullets use a numbering list");
    let numbering = docx_part(&docx, "word/numbering.xml");
    assert!(
        numbering.contains(r#"<w:numFmt w:val="bullet" />"#),
        "{numbering}"
    );
    let mut ids: Vec<&str> = numbering
        .split("<w:abstractNum w:abstractNumId=")
        .skip(1)
        .map(|s| &s[..4])
        .collect();
    let count = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), count, "abstract numbering ids are unique");
    assert!(
        !xml.contains("<w:bidi"),
        "English paragraphs are left-to-right"
    );
    assert!(!xml.contains("<w:rtl"));
    let core = docx_part(&docx, "docProps/core.xml");
    assert!(
        core.contains("<dc:title>Maya Lindqvist – CV</dc:title>"),
        "{core}"
    );
    assert!(
        core.contains("<dc:creator>Maya Lindqvist</dc:creator>"),
        "{core}"
    );
    assert!(core.contains("Apache Kafka"), "{core}");
}

#[test]
fn arabic_cv_docx_is_right_to_left() {
    let docx = RENDERER.cv_docx(&sara()).unwrap();
    let text = docx_text(&docx);
    for e in [
        "سارة خالد المنصوري",
        "شركة النخبة للمقاولات",
        "مكتب الرواد للتدقيق والمحاسبة",
        "شركة الأفق للتجارة",
        "sara.almansouri@example.com",
        "+966 55 010 2345",
    ] {
        assert!(text.contains(e), "DOCX missing {e:?}:\n{text}");
    }
    let xml = docx_part(&docx, "word/document.xml");
    let paragraphs = xml.matches("<w:p>").count() + xml.matches("<w:p ").count();
    assert!(paragraphs > 20);
    assert_eq!(
        xml.matches("<w:bidi />").count(),
        paragraphs,
        "every paragraph is bidi"
    );
    assert_eq!(xml.matches(r#"<w:jc w:val="right" />"#).count(), paragraphs);
    // Every run holding Arabic is marked rtl; the phone number is not (it would be reversed).
    for run in xml.split("</w:r>").filter(|r| r.contains("<w:t")) {
        let t = &run[run.rfind("<w:t").unwrap()..];
        if t.contains("سارة") || t.contains("شركة") {
            assert!(run.contains("<w:rtl />"), "Arabic run without rtl: {run}");
        }
        if t.contains("+966") {
            assert!(!run.contains("<w:rtl />"), "phone run marked rtl: {run}");
        }
    }
    let core = docx_part(&docx, "docProps/core.xml");
    assert!(
        core.contains("<dc:creator>سارة خالد المنصوري</dc:creator>"),
        "{core}"
    );
    assert!(core.contains("<dc:language>ar</dc:language>"), "{core}");
}

const SPECIAL: &str =
    r"Literal # * $ @ _ < [ \ ] > ` ~ = #strong[x] $x^2$ @ref <label> // not a comment";

fn with_special_bullet(mut cv: CvDocument) -> CvDocument {
    cv.sections[0].items[0].bullets.push(SPECIAL.to_owned());
    cv.contact.push("#set page(width: 1cm)".to_owned());
    cv
}

#[test]
fn markup_characters_print_literally() {
    for (cv, name) in [
        (with_special_bullet(maya()), "special-en"),
        (with_special_bullet(sara()), "special-ar"),
    ] {
        let docx = RENDERER.cv_docx(&cv).unwrap();
        assert!(docx_text(&docx).contains(SPECIAL), "DOCX lost characters");
        let pdf = RENDERER.cv_pdf(&cv).unwrap();
        let Some(text) = pdftotext(&pdf, name) else {
            return;
        };
        if cv.lang == Lang::En {
            assert!(text.contains(SPECIAL), "PDF lost characters:\n{text}");
        } else {
            // In a right-to-left paragraph pdftotext may move neutral punctuation around
            // Latin runs; every character must still be there, literally.
            for token in SPECIAL.split_whitespace() {
                assert!(text.contains(token), "PDF lost {token:?}:\n{text}");
            }
        }
        for token in ["#set", "page(width:", "1cm"] {
            assert!(text.contains(token), "{name}: lost {token:?}:\n{text}");
        }
    }
}

#[test]
fn same_input_gives_identical_bytes() {
    for cv in [maya(), sara()] {
        let a = RENDERER.cv_pdf(&cv).unwrap();
        render::evict_cache();
        let b = RENDERER.cv_pdf(&cv).unwrap();
        assert!(
            a == b,
            "PDF bytes differ between two renders ({:?})",
            cv.lang
        );
        let fresh = Renderer::new().unwrap().cv_pdf(&cv).unwrap();
        assert!(
            a == fresh,
            "PDF bytes differ between renderers ({:?})",
            cv.lang
        );
        assert_eq!(
            RENDERER.cv_docx(&cv).unwrap(),
            RENDERER.cv_docx(&cv).unwrap()
        );
    }
    let letter = sara_letter();
    assert_eq!(
        RENDERER.letter_pdf(&letter).unwrap(),
        RENDERER.letter_pdf(&letter).unwrap()
    );
}

#[test]
fn cover_letters_render_in_both_languages() {
    let en = RENDERER.letter(&maya_letter()).unwrap();
    let ar = RENDERER.letter(&sara_letter()).unwrap();
    for (docx, expected) in [
        (
            &en.docx,
            vec![
                "Maya Lindqvist",
                "Dear Hiring Team,",
                "Ledgerline Payments",
                "Kind regards,",
                "1 November 2026",
            ],
        ),
        (
            &ar.docx,
            vec![
                "سارة خالد المنصوري",
                "السادة فريق التوظيف المحترمين،",
                "شركة الريان للصناعات الغذائية",
                "مع خالص التحية والتقدير،",
            ],
        ),
    ] {
        let text = docx_text(docx);
        for e in expected {
            assert!(text.contains(e), "letter DOCX missing {e:?}:\n{text}");
        }
    }
    assert!(docx_part(&ar.docx, "word/document.xml").contains("<w:rtl />"));
    if let Some(text) = pdftotext(&en.pdf, "letter-en") {
        assert_contains_all(
            &text,
            &[
                "Maya Lindqvist",
                "Dear Hiring Team,",
                "Application: Senior Backend Engineer (Rust)",
                "cut p99 latency from 420 ms to 85 ms",
                "Kind regards,",
            ],
            "English letter PDF",
        );
        let info = pdfinfo(&en.pdf, "letter-en").unwrap();
        assert_eq!(pdfinfo_field(&info, "Author"), "Maya Lindqvist");
        assert_eq!(pdfinfo_field(&info, "Pages"), "1");
    }
    if let Some(text) = pdftotext(&ar.pdf, "letter-ar") {
        assert_contains_all(
            &text,
            &[
                "سارة خالد المنصوري",
                "السادة فريق التوظيف المحترمين",
                "شركة النخبة للمقاولات",
                "sara.almansouri@example.com",
                "+966 55 010 2345",
            ],
            "Arabic letter PDF",
        );
    }
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let nameless = CvDocument {
        name: "  ".into(),
        ..maya()
    };
    assert!(matches!(
        RENDERER.cv_pdf(&nameless),
        Err(RenderError::Invalid(_))
    ));
    let huge = CvDocument {
        sections: vec![CvSection {
            title: "Experience".into(),
            items: vec![CvItem {
                bullets: vec!["x ".repeat(2000); 100],
                ..Default::default()
            }],
        }],
        ..maya()
    };
    let err = RENDERER.cv_pdf(&huge).unwrap_err();
    assert!(err.to_string().contains("bytes of text"), "{err}");
    // Text outside the bundled fonts (CJK, emoji) still renders rather than failing.
    let mut odd = maya();
    odd.sections[0].items[0]
        .bullets
        .push("Shipped 漢字 support 🚀 and control \u{1} chars".into());
    let rendered = RENDERER.cv(&odd).unwrap();
    let xml = docx_part(&rendered.docx, "word/document.xml");
    assert!(
        xml.contains("Shipped 漢字 support 🚀 and control  chars"),
        "control characters are dropped"
    );
}

// ---- looks right: page 1 against committed golden images ----

fn decode_gray(png_bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png_bytes.to_vec()));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let gray = buf[..info.buffer_size()]
        .chunks(channels)
        .map(|px| match channels {
            1 | 2 => px[0],
            _ => {
                ((u32::from(px[0]) * 299 + u32::from(px[1]) * 587 + u32::from(px[2]) * 114) / 1000)
                    as u8
            }
        })
        .collect();
    (info.width, info.height, gray)
}

fn check_golden(pdf: &[u8], name: &str) {
    if !tool_available("pdftoppm") {
        eprintln!("SKIPPED: pdftoppm (poppler-utils) not found; install it to compare page images");
        return;
    }
    let pdf_path = temp_path(&format!("{name}.pdf"));
    std::fs::write(&pdf_path, pdf).unwrap();
    let prefix = temp_path(name);
    let status = Command::new("pdftoppm")
        .args(["-r", "50", "-png", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&pdf_path)
        .arg(&prefix)
        .status()
        .unwrap();
    assert!(status.success());
    let actual = std::fs::read(prefix.with_extension("png")).unwrap();
    let golden =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/golden/{name}.png"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &actual).unwrap();
        eprintln!("wrote {}", golden.display());
        return;
    }
    let expected = std::fs::read(&golden).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run with UPDATE_GOLDEN=1 to create it",
            golden.display()
        )
    });
    let (w1, h1, a) = decode_gray(&actual);
    let (w2, h2, b) = decode_gray(&expected);
    assert_eq!((w1, h1), (w2, h2), "{name}: page size changed");
    let diff: u64 = a
        .iter()
        .zip(&b)
        .map(|(x, y)| u64::from(x.abs_diff(*y)))
        .sum();
    let mean = diff as f64 / a.len() as f64;
    let ink = b.iter().filter(|&&v| v < 128).count();
    assert!(ink > 500, "{name}: the golden page is nearly blank");
    assert!(
        mean < 1.5,
        "{name}: page 1 differs from tests/golden/{name}.png (mean pixel difference {mean:.2}); \
         look at {} and rerun with UPDATE_GOLDEN=1 if the change is intended",
        prefix.with_extension("png").display()
    );
}

#[test]
fn page_one_matches_golden_images() {
    check_golden(&RENDERER.cv_pdf(&maya()).unwrap(), "cv_en");
    check_golden(&RENDERER.cv_pdf(&sara()).unwrap(), "cv_ar");
    check_golden(&RENDERER.letter_pdf(&sara_letter()).unwrap(), "letter_ar");
}

/// The example inputs in examples/data/ are these fixtures (UPDATE_GOLDEN=1 rewrites them).
#[test]
fn example_inputs_match_the_fixtures() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data");
    for (file, json) in [
        ("cv_en.json", serde_json::to_string_pretty(&maya()).unwrap()),
        ("cv_ar.json", serde_json::to_string_pretty(&sara()).unwrap()),
        (
            "letter_en.json",
            serde_json::to_string_pretty(&maya_letter()).unwrap(),
        ),
        (
            "letter_ar.json",
            serde_json::to_string_pretty(&sara_letter()).unwrap(),
        ),
    ] {
        let path = dir.join(file);
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, format!("{json}\n")).unwrap();
            continue;
        }
        let stored = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            stored.trim_end(),
            json,
            "{file} is stale; rerun with UPDATE_GOLDEN=1"
        );
        let _: serde_json::Value = serde_json::from_str(&stored).unwrap();
    }
}

//! Issue 13, scenario 6: bad input at scale. Every fixture in `bad_inputs` plus generated
//! nasties (random bytes behind each magic number, a DOCX zip bomb, a PDF of 10,000 empty
//! pages, a PDF whose objects nest 100,000 deep, a 200,000-character line, every bidi
//! control, invalid UTF-8 inside JSON, 5,000 bullet lines) are sent at once to a `worker`
//! child process. Each must end in a 4xx envelope or a version `failed` with a reason (or
//! parsed, for the merely odd ones) — never a 5xx, a stuck workflow or a dead worker. The
//! worker's peak RSS is printed (`BAD_INPUT_RESULT`) for `RELIABILITY.md`.

use crate::worker_process::start_polling_worker;
use e2e::{TestUser, fixture, stack};
use serde_json::json;
use std::io::Write;
use std::time::{Duration, Instant};

/// Random-looking bytes from a fixed seed.
fn noise(n: usize, mut seed: u64) -> Vec<u8> {
    (0..n)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

/// A DOCX whose `word/document.xml` inflates from about 100 KB to 200 MB.
fn zip_bomb_docx() -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    zip.start_file("[Content_Types].xml", opts).unwrap();
    zip.write_all(br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#)
        .unwrap();
    zip.start_file("word/document.xml", opts).unwrap();
    zip.write_all(br#"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>"#)
        .unwrap();
    let chunk = vec![b'a'; 1 << 20];
    for _ in 0..200 {
        zip.write_all(&chunk).unwrap();
    }
    zip.write_all(b"</w:t></w:r></w:p></w:body></w:document>")
        .unwrap();
    zip.finish().unwrap();
    buf.into_inner()
}

/// A well-formed PDF (with a correct cross-reference table) of `objects`.
fn pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn pdf_with_empty_pages(n: usize) -> Vec<u8> {
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", i + 3)).collect();
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!("<< /Type /Pages /Kids [{}] /Count {n} >>", kids.join(" ")).into_bytes(),
    ];
    for _ in 0..n {
        objects.push(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>".to_vec());
    }
    pdf(&objects)
}

/// A one-page PDF whose content stream inflates from about 1 MB to 1 GiB.
fn pdf_stream_bomb() -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..1024 {
        z.write_all(&chunk).unwrap();
    }
    let data = z.finish().unwrap();
    let mut stream = format!(
        "<< /Length {} /Filter /FlateDecode >>\nstream\n",
        data.len()
    )
    .into_bytes();
    stream.extend_from_slice(&data);
    stream.extend_from_slice(b"\nendstream");
    pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>".to_vec(),
        stream,
    ])
}

fn pdf_deeply_nested(depth: usize) -> Vec<u8> {
    let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let dicts = format!("{}{}", "<< /A ".repeat(depth / 4), ">>".repeat(depth / 4));
    pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /X {nested} /Y {dicts} >>")
            .into_bytes(),
    ])
}

const BIDI: &str = "\u{202A}\u{202B}\u{202C}\u{202D}\u{202E}\u{2066}\u{2067}\u{2068}\u{2069}\u{200E}\u{200F}\u{061C}";

fn bidi_resume() -> String {
    let mut s = String::from("Maya Lindqvist\nmaya@example.com\n\nExperience\n");
    for i in 0..200 {
        s.push_str(&format!(
            "- {BIDI}Built {i} services{} مع فريق {BIDI} in Rust{}\n",
            BIDI.chars().rev().collect::<String>(),
            '\u{202E}'
        ));
    }
    s
}

/// One upload or paste, and how it ended.
struct Outcome {
    name: String,
    status: u16,
    parse_status: Option<String>,
    error: Option<String>,
}

async fn send_file(user: &TestUser, name: &str, bytes: Vec<u8>) -> (u16, Option<String>) {
    let r = user.upload(bytes, name).await;
    let id = r.body["data"]["resume"]["id"].as_str().map(str::to_string);
    if r.status.as_u16() != 202 {
        e2e::http::assert_envelope(&r);
    }
    (r.status.as_u16(), id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_files_at_scale_end_in_4xx_or_failed_and_the_worker_survives() {
    let stack = stack();
    let queue = format!("bad-inputs-{}", uuid::Uuid::new_v4());
    let mut child = start_polling_worker(
        &stack.temporal_target,
        &stack.db_url,
        &queue,
        &stack.blob_dir,
        &[],
    );
    let q = queue.clone();
    let base = stack
        .extra_gateway(move |s| {
            s.task_queue = q;
            s.rate_limit_per_minute = 100_000;
        })
        .await;
    let user = stack.new_user().await.on(&base);

    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for f in std::fs::read_dir(e2e::fixtures_dir().join("bad_inputs")).unwrap() {
        let p = f.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".sh") {
            continue;
        }
        files.push((name.clone(), fixture(&format!("bad_inputs/{name}"))));
    }
    for (i, (magic, ext)) in [
        (&b"%PDF-1.7\n"[..], "pdf"),
        (b"PK\x03\x04", "docx"),
        (b"\xEF\xBB\xBF", "txt"),
        (b"# ", "md"),
        (b"\x7FELF", "txt"),
    ]
    .iter()
    .enumerate()
    {
        let mut bytes = magic.to_vec();
        bytes.extend(noise(256 * 1024, 0x9E37_79B9 + i as u64));
        files.push((format!("noise_{i}.{ext}"), bytes));
    }
    files.push(("zip_bomb.docx".into(), zip_bomb_docx()));
    files.push(("10000_empty_pages.pdf".into(), pdf_with_empty_pages(10_000)));
    files.push(("nested_100000.pdf".into(), pdf_deeply_nested(100_000)));
    files.push(("stream_bomb.pdf".into(), pdf_stream_bomb()));
    files.push((
        "one_line.txt".into(),
        "Rust engineer ".repeat(14_285).into_bytes(),
    ));
    files.push(("bidi.txt".into(), bidi_resume().into_bytes()));
    files.push((
        "bullets.md".into(),
        (0..5000)
            .map(|i| format!("- Delivered project {i} on time\n"))
            .collect::<String>()
            .into_bytes(),
    ));

    // Everything at once.
    let started = Instant::now();
    let sends = files.iter().map(|(name, bytes)| {
        let user = user.clone();
        let (name, bytes) = (name.clone(), bytes.clone());
        async move {
            let (status, id) = send_file(&user, &name, bytes).await;
            (name, status, id)
        }
    });
    let sent = futures::future::join_all(sends).await;

    // Pastes: invalid UTF-8 inside a JSON string, a 200,000-character line, bidi.
    let mut raw = br#"{"title": "x", "raw_text": "Maya "#.to_vec();
    raw.extend_from_slice(b"\xFF\xFE broken \xC3\x28\"}");
    let r = user
        .post_raw("/resumes/from-text", "application/json", raw)
        .await;
    e2e::http::assert_envelope(&r);
    assert_eq!(r.status.as_u16(), 400, "{}", r.text);
    let long = "x".repeat(200_000);
    let r = user
        .post_json(
            "/resumes/from-text",
            &json!({ "title": "long", "raw_text": long }),
        )
        .await;
    let long_id = r.body["data"]["resume"]["id"].as_str().map(str::to_string);
    assert!(
        r.status.as_u16() == 202 || (400..500).contains(&r.status.as_u16()),
        "{}",
        r.text
    );

    let mut outcomes = Vec::new();
    let mut waits = Vec::new();
    for (name, status, id) in sent {
        assert!(
            status == 202 || (400..500).contains(&status),
            "{name}: HTTP {status}"
        );
        match id {
            Some(id) => waits.push((name, status, id)),
            None => outcomes.push(Outcome {
                name,
                status,
                parse_status: None,
                error: None,
            }),
        }
    }
    if let Some(id) = long_id {
        waits.push(("paste_200000_chars".into(), 202, id));
    }
    for (name, status, id) in waits {
        let d = e2e::eventually(
            Duration::from_secs(240),
            &format!("{name} to settle"),
            || {
                let user = user.clone();
                let id = id.clone();
                async move {
                    let d = user
                        .get(&format!("/resumes/{id}"))
                        .await
                        .expect(200)
                        .clone();
                    matches!(d["parse_status"].as_str(), Some("parsed" | "failed")).then_some(d)
                }
            },
        )
        .await;
        outcomes.push(Outcome {
            name,
            status,
            parse_status: d["parse_status"].as_str().map(str::to_string),
            error: d["error"].as_str().map(str::to_string),
        });
    }
    let settled = started.elapsed();

    // The worker is alive and still working: a good resume parses after all that.
    assert!(
        child.try_wait().unwrap().is_none(),
        "the worker died on bad input"
    );
    let good = user
        .create_text_resume(
            "after",
            &e2e::fixture_text("resumes/en_backend_maya_lindqvist.md"),
        )
        .await;
    let good = user
        .wait_parsed(good["resume"]["id"].as_str().unwrap())
        .await;
    assert_eq!(good["parse_status"], "parsed", "{good}");
    let peak_kib = std::fs::read_to_string(format!("/proc/{}/status", child.id()))
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse::<u64>().ok())
            })
        })
        .unwrap_or(0);
    let _ = child.kill();
    let _ = child.wait();

    let mut table = Vec::new();
    for o in &outcomes {
        if o.parse_status.as_deref() == Some("failed") {
            let e = o.error.clone().unwrap_or_default();
            assert!(
                e.len() > 10 && !e.contains("panicked"),
                "{}: failed without a readable reason: {e:?}",
                o.name
            );
        }
        table.push(json!({
            "file": o.name,
            "http": o.status,
            "parse_status": o.parse_status,
            "error": o.error,
        }));
    }
    // The nasties built to break a reader are refused or failed, not parsed.
    let bomb = outcomes
        .iter()
        .find(|o| o.name == "stream_bomb.pdf")
        .unwrap();
    assert!(
        bomb.error
            .as_deref()
            .unwrap_or("")
            .contains("decompression bomb"),
        "refused before it is inflated: {:?}",
        bomb.error
    );
    for name in [
        "zip_bomb.docx",
        "nested_100000.pdf",
        "noise_0.pdf",
        "noise_1.docx",
        "stream_bomb.pdf",
    ] {
        let o = outcomes.iter().find(|o| o.name == name).unwrap();
        assert!(
            o.status != 202 || o.parse_status.as_deref() == Some("failed"),
            "{name} should not parse: {:?}",
            o.parse_status
        );
    }
    eprintln!(
        "BAD_INPUT_RESULT {}",
        json!({
            "inputs": outcomes.len() + 1,
            "settled_s": settled.as_secs_f64(),
            "worker_peak_rss_mib": peak_kib / 1024,
            "outcomes": table,
        })
    );
}

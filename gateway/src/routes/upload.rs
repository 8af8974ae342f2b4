//! Reading `multipart/form-data` uploads without trusting their size: the
//! declared length is checked first, and the file is read chunk by chunk with
//! a cap, so an 11 MiB upload is refused after 10 MiB, not after it is all in.

use crate::error::{ApiError, ApiResult};
use axum::{
    extract::{
        Multipart,
        multipart::{MultipartError, MultipartRejection},
    },
    http::{HeaderMap, StatusCode, header},
};
use bytes::{Bytes, BytesMut};
use shared::filetype::{self, DocKind, SniffError};

/// Multipart overhead allowed on top of the file limit (boundaries, small fields).
pub const FORM_OVERHEAD: usize = 64 * 1024;
/// An over-limit upload is read on (and discarded, never kept) up to this
/// multiple of the limit so the client can read our 413 instead of seeing a
/// reset connection; beyond it the connection is simply dropped.
pub const DRAIN_FACTOR: usize = 4;

/// The body limit of upload routes.
pub fn route_body_limit(file_limit: usize) -> usize {
    file_limit * DRAIN_FACTOR + FORM_OVERHEAD
}
const SMALL_FIELD_LIMIT: usize = 16 * 1024;

pub struct UploadedFile {
    /// The client's file name, without any directory part.
    pub name: Option<String>,
    pub bytes: Bytes,
}

#[derive(Default)]
pub struct UploadForm {
    pub file: Option<UploadedFile>,
    pub title: Option<String>,
    pub resume_lang: Option<String>,
}

/// Refuse at once when the declared body is larger than any valid upload.
pub fn check_declared_length(headers: &HeaderMap, file_limit: usize) -> ApiResult<()> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match declared {
        Some(n) if n > route_body_limit(file_limit) as u64 => Err(too_large(file_limit)),
        _ => Ok(()),
    }
}

pub fn too_large(limit: usize) -> ApiError {
    ApiError::PayloadTooLarge(format!(
        "the file is larger than {} MiB",
        limit / (1024 * 1024)
    ))
}

fn multipart_error(e: MultipartError, limit: usize) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large(limit)
    } else {
        ApiError::BadRequest(format!("malformed multipart body: {}", e.body_text()))
    }
}

pub fn multipart_rejection(r: MultipartRejection) -> ApiError {
    ApiError::BadRequest(format!(
        "expected a multipart/form-data body with a `file` field ({})",
        r.body_text()
    ))
}

/// Read the form: `file` (capped at `limit`), `title`, `resume_lang`.
pub async fn read_form(mut mp: Multipart, limit: usize) -> ApiResult<UploadForm> {
    let mut form = UploadForm::default();
    let mut over_limit = false;
    while let Some(mut field) = mp
        .next_field()
        .await
        .map_err(|e| multipart_error(e, limit))?
    {
        let name = field.name().unwrap_or_default().to_string();
        if over_limit {
            // Discard the rest: the answer is already 413.
            while field
                .chunk()
                .await
                .map_err(|e| multipart_error(e, limit))?
                .is_some()
            {}
            continue;
        }
        match name.as_str() {
            "file" => {
                let file_name = field.file_name().map(base_name).filter(|n| !n.is_empty());
                let mut buf = BytesMut::new();
                while let Some(chunk) =
                    field.chunk().await.map_err(|e| multipart_error(e, limit))?
                {
                    if over_limit || buf.len() + chunk.len() > limit {
                        over_limit = true;
                        buf = BytesMut::new();
                        continue;
                    }
                    buf.extend_from_slice(&chunk);
                }
                form.file = Some(UploadedFile {
                    name: file_name,
                    bytes: buf.freeze(),
                });
            }
            "title" | "resume_lang" => {
                let mut buf = BytesMut::new();
                while let Some(chunk) =
                    field.chunk().await.map_err(|e| multipart_error(e, limit))?
                {
                    if buf.len() + chunk.len() > SMALL_FIELD_LIMIT {
                        return Err(ApiError::validation(&name, "is too long"));
                    }
                    buf.extend_from_slice(&chunk);
                }
                let value = String::from_utf8(buf.to_vec())
                    .map_err(|_| ApiError::validation(&name, "must be UTF-8 text"))?;
                if name == "title" {
                    form.title = Some(value);
                } else {
                    // An empty field (what a form sends for "not chosen") means "detect".
                    form.resume_lang = Some(value).filter(|v| !v.is_empty());
                }
            }
            // The form has three fields; anything else is a client mistake
            // (a misspelt `file`, say) and is answered as one.
            other => {
                return Err(ApiError::validation(
                    other,
                    "unknown field; the form takes file, title and resume_lang",
                ));
            }
        }
    }
    if over_limit {
        return Err(too_large(limit));
    }
    Ok(form)
}

/// `C:\\Users\\me\\cv.pdf` or `/home/me/cv.pdf` → `cv.pdf`.
fn base_name(raw: &str) -> String {
    raw.rsplit(['/', '\\'])
        .next()
        .unwrap_or(raw)
        .trim()
        .to_string()
}

/// The title fallback: the file name without its extension.
pub fn title_from_file_name(name: Option<&str>) -> String {
    let stem = name
        .map(|n| match n.rsplit_once('.') {
            Some((stem, _)) if !stem.trim().is_empty() => stem.trim(),
            _ => n.trim(),
        })
        .filter(|s| !s.is_empty())
        .unwrap_or("Untitled resume");
    stem.chars().take(200).collect()
}

/// Decide what the file is from its bytes; answer 415/422 for what we cannot read.
pub fn classify(file: &UploadedFile) -> ApiResult<DocKind> {
    if file.bytes.is_empty() {
        return Err(ApiError::validation("file", "the file is empty"));
    }
    let kind = filetype::sniff(&file.bytes, file.name.as_deref()).map_err(|e| match e {
        SniffError::Empty => ApiError::validation("file", "the file is empty"),
        SniffError::Unsupported(reason) => {
            ApiError::UnsupportedMediaType(format!("{reason}; upload a PDF, DOCX, TXT or MD file"))
        }
    })?;
    if matches!(kind, DocKind::Txt | DocKind::Md) && filetype::is_blank_text(&file.bytes) {
        return Err(ApiError::validation(
            "file",
            "the file contains only whitespace",
        ));
    }
    Ok(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_come_from_file_names() {
        assert_eq!(title_from_file_name(Some("Maya CV.pdf")), "Maya CV");
        assert_eq!(title_from_file_name(Some("archive.tar.gz")), "archive.tar");
        assert_eq!(title_from_file_name(Some(".pdf")), ".pdf");
        assert_eq!(title_from_file_name(None), "Untitled resume");
        assert_eq!(base_name("C:\\Users\\me\\cv.docx"), "cv.docx");
        assert_eq!(base_name("/tmp/x/y.md"), "y.md");
    }
}

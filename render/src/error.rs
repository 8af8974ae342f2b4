use thiserror::Error;

/// Why a document could not be rendered. The messages are safe to show to the user.
#[derive(Debug, Error)]
pub enum RenderError {
    /// The input is empty where it must not be, or exceeds a size limit.
    #[error("invalid document: {0}")]
    Invalid(String),
    /// The Typst compiler reported errors (or warnings, which are treated as errors).
    #[error("typesetting failed: {0}")]
    Typeset(String),
    /// Writing the PDF failed.
    #[error("PDF export failed: {0}")]
    Pdf(String),
    /// Writing the DOCX failed.
    #[error("DOCX export failed: {0}")]
    Docx(String),
    /// The bundled fonts could not be loaded (a build problem, not an input problem).
    #[error("font setup failed: {0}")]
    Fonts(String),
    #[error("serialising the document data failed: {0}")]
    Json(#[from] serde_json::Error),
}

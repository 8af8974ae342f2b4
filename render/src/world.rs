//! The in-memory Typst world: one template source, the bundled fonts, `/data.json`.

use std::path::PathBuf;

use typst::Library;
use typst::World;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, Source};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;

use crate::Renderer;

/// The world of one compilation. Everything is borrowed from the [`Renderer`] except the data.
pub(crate) struct DocWorld<'a> {
    pub(crate) renderer: &'a Renderer,
    pub(crate) main: &'a Source,
    /// The document as JSON, readable by the template as `json("/data.json")`.
    pub(crate) data: Bytes,
}

impl DocWorld<'_> {
    fn not_found(id: FileId) -> FileError {
        FileError::NotFound(PathBuf::from(id.vpath().get_with_slash()))
    }
}

impl World for DocWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.renderer.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.renderer.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    /// Only the template is a source: no imports, no packages.
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(Self::not_found(id))
        }
    }

    /// Only `/data.json` (and the template itself) can be read: no filesystem access.
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.renderer.data_id {
            Ok(self.data.clone())
        } else if id == self.main.id() {
            Ok(Bytes::from_string(self.main.clone()))
        } else {
            Err(Self::not_found(id))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.renderer.fonts.get(index).cloned()
    }

    /// No clock: `datetime.today()` fails, so the output never depends on the date.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

//! File-type sniffing lives in `shared::filetype` (the gateway answers 415
//! from it before anything is stored); re-exported here for the extractors.

pub use shared::filetype::{DocKind, SniffError, sniff};

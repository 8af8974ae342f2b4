//! Job-page scraping for SmartResume: fetch a posting URL safely and extract its text.
//!
//! - [`fetch_page`] fetches a page under a [`FetchPolicy`]: http/https only, no credentials,
//!   every hop's addresses checked against loopback/private/link-local/... ranges (SSRF) and
//!   the connection pinned to the checked addresses, manual redirects, a body cap, a
//!   whole-fetch timeout, HTML/plain text only, decoded to UTF-8.
//! - [`extract_posting`] turns HTML into readable posting text (JSON-LD `JobPosting`,
//!   `<article>`/`<main>`, readability scoring), [`extract_plain`] normalises text/plain.

mod charset;
mod depth;
mod extract;
mod fetch;
mod ssrf;

pub use extract::{Extracted, extract_plain, extract_posting};
pub use fetch::{FetchError, FetchPolicy, FetchedPage, fetch_page};

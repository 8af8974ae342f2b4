//! Job-page fetching for SmartResume: fetch a posting URL safely. Turning the page into
//! readable text is pure and lives in [`text::html`].
//!
//! [`fetch_page`] fetches a page under a [`FetchPolicy`]: http/https only, no credentials,
//! every hop's addresses checked against loopback/private/link-local/... ranges (SSRF) and
//! the connection pinned to the checked addresses, manual redirects, a body cap, a
//! whole-fetch timeout, HTML/plain text only, decoded to UTF-8.

mod fetch;
mod ssrf;

pub use fetch::{FetchError, FetchPolicy, FetchedPage, fetch_page};

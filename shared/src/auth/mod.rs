//! Supabase access-token verification for `SmartResume`.
//!
//! * HS256 tokens are verified with the project's JWT secret.
//! * ES256 / RS256 tokens are verified against the project's JWKS, selected by `kid`.
//!   The JWKS is fetched lazily, cached for [`AuthConfig::jwks_cache_ttl`], refetched
//!   (rate limited) when a token names an unknown `kid`, and concurrent callers share one
//!   in-flight fetch.
//! * The verification algorithm always comes from the key, never from the token header.
//!
//! ```no_run
//! # async fn demo() -> Result<(), shared::auth::AuthError> {
//! use shared::auth::{AuthConfig, Verifier, bearer_token};
//! let verifier = Verifier::new(AuthConfig::default(), reqwest::Client::new());
//! let token = bearer_token("Bearer eyJ...")?;
//! let verified = verifier.verify(token).await?;
//! println!("user {}", verified.user_id);
//! # Ok(()) }
//! ```

mod claims;
mod config;
mod error;
mod jwks;
mod mint;
mod verifier;

pub use claims::{Audience, Claims, VerifiedToken};
pub use config::AuthConfig;
pub use error::AuthError;
pub use mint::mint_hs256;
pub use verifier::{Verifier, bearer_token};

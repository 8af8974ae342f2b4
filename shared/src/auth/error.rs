use jsonwebtoken::errors::{Error as JwtError, ErrorKind};

/// Why a token was rejected. `Display` messages are short, safe to return to clients and
/// never contain key material or token contents.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum AuthError {
    /// No `Authorization` header / empty token.
    #[error("missing bearer token")]
    Missing,
    /// Not a well-formed `Bearer` header or compact JWS, or undecodable header/claims.
    #[error("malformed token")]
    Malformed,
    /// The signature does not verify with the selected key.
    #[error("invalid token signature")]
    BadSignature,
    /// `exp` is in the past (beyond the leeway).
    #[error("token expired")]
    Expired,
    /// `nbf` is in the future (beyond the leeway).
    #[error("token not yet valid")]
    NotYetValid,
    /// `aud` is missing or does not contain the configured audience.
    #[error("token audience not accepted")]
    WrongAudience,
    /// `iss` is missing or differs from the configured issuer.
    #[error("token issuer not accepted")]
    WrongIssuer,
    /// The token has no `exp` claim.
    #[error("token has no expiry")]
    MissingExp,
    /// The token has no `sub` claim.
    #[error("token has no subject")]
    MissingSub,
    /// `sub` is not a UUID.
    #[error("token subject is not a valid user id")]
    InvalidSub,
    /// `alg` is `none`, unknown, or an algorithm no configured key can verify.
    #[error("unsupported token algorithm")]
    UnsupportedAlgorithm,
    /// The header `alg` differs from the algorithm of the key that must verify it.
    #[error("token algorithm does not match its key")]
    AlgorithmMismatch,
    /// No key for the token's `kid` (or no `kid` and no HS256 secret configured).
    #[error("unknown signing key")]
    UnknownKey,
    /// The JWKS could not be fetched or parsed; the reason is safe to log.
    #[error("signing keys unavailable: {0}")]
    JwksUnavailable(String),
    /// Something that is not the token's fault (only [`super::mint_hs256`] produces it).
    #[error("internal auth error: {0}")]
    Internal(String),
}

impl AuthError {
    /// `true` when the failure is on our side (JWKS unreachable, internal): answer 503/500,
    /// not 401.
    #[must_use]
    pub fn is_server_error(&self) -> bool {
        matches!(self, Self::JwksUnavailable(_) | Self::Internal(_))
    }

    /// A stable `snake_case` identifier, handy for logs and metrics.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::Malformed => "malformed",
            Self::BadSignature => "bad_signature",
            Self::Expired => "expired",
            Self::NotYetValid => "not_yet_valid",
            Self::WrongAudience => "wrong_audience",
            Self::WrongIssuer => "wrong_issuer",
            Self::MissingExp => "missing_exp",
            Self::MissingSub => "missing_sub",
            Self::InvalidSub => "invalid_sub",
            Self::UnsupportedAlgorithm => "unsupported_algorithm",
            Self::AlgorithmMismatch => "algorithm_mismatch",
            Self::UnknownKey => "unknown_key",
            Self::JwksUnavailable(_) => "jwks_unavailable",
            Self::Internal(_) => "internal",
        }
    }
}

impl From<JwtError> for AuthError {
    fn from(e: JwtError) -> Self {
        match e.kind() {
            ErrorKind::InvalidSignature => Self::BadSignature,
            // A key that cannot verify anything: treat like a failed signature check.
            ErrorKind::InvalidEcdsaKey
            | ErrorKind::InvalidEddsaKey
            | ErrorKind::InvalidRsaKey(_)
            | ErrorKind::InvalidKeyFormat => {
                tracing::warn!(error = %e, "signing key rejected by the crypto backend");
                Self::BadSignature
            }
            ErrorKind::ExpiredSignature => Self::Expired,
            ErrorKind::ImmatureSignature => Self::NotYetValid,
            ErrorKind::InvalidAudience => Self::WrongAudience,
            ErrorKind::InvalidIssuer => Self::WrongIssuer,
            ErrorKind::InvalidSubject => Self::InvalidSub,
            ErrorKind::MissingRequiredClaim(c) if c == "exp" => Self::MissingExp,
            ErrorKind::MissingRequiredClaim(c) if c == "sub" => Self::MissingSub,
            ErrorKind::MissingRequiredClaim(c) if c == "aud" => Self::WrongAudience,
            ErrorKind::MissingRequiredClaim(c) if c == "iss" => Self::WrongIssuer,
            ErrorKind::InvalidAlgorithm
            | ErrorKind::MissingAlgorithm
            | ErrorKind::UnsupportedAlgorithm
            | ErrorKind::InvalidAlgorithmName => Self::UnsupportedAlgorithm,
            _ => Self::Malformed,
        }
    }
}

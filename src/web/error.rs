//! The web layer's error: logged once with its chain, shown as a friendly page in the
//! reporter's language that says nothing about internals.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::case::EnvelopeError;
use crate::crypto::CryptoError;
use crate::storage::StorageError;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error(transparent)]
    Envelope(#[from] EnvelopeError),
    #[error("a stored recipient is not a valid age recipient")]
    BadStoredRecipient,
    #[error("could not store after several attempts (concurrent writers)")]
    Contention,
    #[error("storing an upload failed: {0}")]
    Upload(String),
    #[error("there is no committee recipient to seal to (no active member, empty recipients file)")]
    NoRecipients,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        // Error values carry no request data (no codes, texts or addresses), so the
        // chain is safe to log; it is logged here and only here.
        let mut chain = self.to_string();
        let mut source = std::error::Error::source(&self);
        while let Some(s) = source {
            chain.push_str(": ");
            chain.push_str(&s.to_string());
            source = s.source();
        }
        let status = match &self {
            WebError::Storage(StorageError::Unavailable(_)) | WebError::NoRecipients => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        tracing::error!(status = status.as_u16(), error = %chain, "request failed");
        // The body is replaced by the localised error page on the way out.
        status.into_response()
    }
}

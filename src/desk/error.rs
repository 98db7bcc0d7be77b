//! What can go wrong between the desk and the portal, from the network to a portal
//! that lies; one enum for the client and the sealing decisions.

use crate::case::EnvelopeError;
use crate::crypto::CryptoError;
use crate::protocol::sign_in::ChallengeError;

#[derive(Debug, thiserror::Error)]
pub enum PortalError {
    #[error(
        "the portal address must be https:// (http:// only for this computer or a .onion address)"
    )]
    InsecureUrl,
    #[error("the portal cannot be reached: {0}")]
    Network(#[from] reqwest::Error),
    #[error("the portal refused the request ({status}): {message}")]
    Refused { status: u16, message: String },
    #[error("the portal did not accept this identity (not an active member?)")]
    SignInRefused,
    #[error("sign-in refused by the desk: {0}")]
    Challenge(#[from] ChallengeError),
    #[error("the portal sent an answer the desk does not understand")]
    Decode,
    #[error("the portal sent more data than the desk accepts")]
    TooLarge,
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error(transparent)]
    Envelope(#[from] EnvelopeError),
    #[error("someone else wrote to this case at the same moment; try again")]
    Busy,
    #[error(
        "the portal's committee list differs from the one you confirmed; nothing was sealed (confirm the change on the roster page first)"
    )]
    RosterMismatch,
    #[error(
        "the portal gives this case another reporter key than the one sealed in the report; nothing was sealed"
    )]
    ReporterMismatch,
    #[error("the report of this case cannot be opened, so its reporter key is unknown")]
    NoReport,
}

impl PortalError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, PortalError::Refused { status: 404, .. })
    }
}

//! What can go wrong between the desk and the portal, from the network to a portal
//! that lies; one enum for the client and the sealing decisions.

use crate::case::EnvelopeError;
use crate::crypto::CryptoError;
use crate::protocol::sign_in::ChallengeError;

/// Why a request to the portal, or sealing or opening what it sent, failed.
#[derive(Debug, thiserror::Error)]
pub enum PortalError {
    /// The portal's URL is neither https nor plain http to this computer or an
    /// onion service.
    #[error(
        "the portal address must be https:// (http:// only for this computer or a .onion address)"
    )]
    InsecureUrl,
    /// The request did not get through, or the answer broke off.
    #[error("the portal cannot be reached: {}", network_cause(.0))]
    Network(#[from] reqwest::Error),
    /// The portal answered with an error status; also a file to attach that could
    /// not be sealed here (status 0).
    #[error("the portal refused the request ({status}): {message}")]
    Refused {
        /// The HTTP status, or 0 when the desk itself refused a file.
        status: u16,
        /// The portal's error message (bounded, without control characters), or
        /// why the file was refused.
        message: String,
    },
    /// The portal did not accept the sign-in (not an active member), or a request
    /// was still unauthorised after signing in again.
    #[error("the portal did not accept this identity (not an active member?)")]
    SignInRefused,
    /// The portal's challenge is not one the desk answers: another format, portal
    /// or key, or expired.
    #[error("sign-in refused by the desk: {0}")]
    Challenge(#[from] ChallengeError),
    /// An answer or a message in it that does not parse, or an answer that does not
    /// fit what was asked (another case, an empty or too long roster).
    #[error("the portal sent an answer the desk does not understand")]
    Decode,
    /// An answer larger than the desk reads.
    #[error("the portal sent more data than the desk accepts")]
    TooLarge,
    /// Sealing or opening failed (a message merely not sealed to this key is not
    /// an error).
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    /// A decrypted message is not a valid envelope for its case and position.
    #[error(transparent)]
    Envelope(#[from] EnvelopeError),
    /// Other members kept taking the next message number; the desk gave up after
    /// five tries.
    #[error("someone else wrote to this case at the same moment; try again")]
    Busy,
    /// The portal's committee list for the case is not exactly the pinned roster.
    #[error(
        "the portal's committee list differs from the one you confirmed; nothing was sealed (confirm the change on the roster page first)"
    )]
    RosterMismatch,
    /// The reporter key sealed in the report differs from the portal's (or a
    /// version-2 report lacks it).
    #[error(
        "the portal gives this case another reporter key than the one sealed in the report; nothing was sealed"
    )]
    ReporterMismatch,
    /// The case's first message is missing, cannot be opened by this member or is
    /// not a report.
    #[error("the report of this case cannot be opened, so its reporter key is unknown")]
    NoReport,
}

impl PortalError {
    /// Whether the portal answered 404 (no such case or file).
    pub fn is_not_found(&self) -> bool {
        matches!(self, PortalError::Refused { status: 404, .. })
    }

    /// The portal's answer for a case whose reporter left this member out.
    pub fn is_left_out(&self) -> bool {
        matches!(self, PortalError::Refused { status: 403, .. })
    }
}

/// A network error with its causes ("error sending request for url (…): connection
/// closed before message completed"), so the member, or whoever reads a failed test,
/// can tell a timeout from a refused or broken connection.
fn network_cause(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

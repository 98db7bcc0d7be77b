//! What the desk seals to and how it opens what the portal sends: the reporter's
//! key taken from inside the sealed report (and checked against the portal's), the
//! committee taken from the pinned roster (and the portal's list checked against
//! it), and messages opened with the member's identity. Nothing here trusts a list
//! or a key because the portal sent it.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

use super::error::PortalError;
use crate::case::{Body, Envelope};
use crate::crypto::{self, CryptoError, Identity, Recipient};
use crate::protocol::{CaseDetail, CaseId, RecipientText, RosterEntry};

/// What a sealed message turned out to be for this member.
pub enum Opened {
    /// Opened with this member's key: the message's envelope.
    Envelope(Box<Envelope>),
    /// Sealed before this member joined, or to other keys.
    NotForMe,
}

/// The reporter's key of a case, and whether it came from inside the report.
#[derive(Debug, Clone)]
pub enum ReporterKey {
    /// Sealed in the report (envelope version 2) and equal to the portal's value.
    Verified(Recipient),
    /// A case from before version 2: only the portal's value exists.
    Unverified(Recipient),
}

impl ReporterKey {
    /// The recipient to seal replies to.
    pub fn recipient(&self) -> &Recipient {
        match self {
            ReporterKey::Verified(r) | ReporterKey::Unverified(r) => r,
        }
    }

    /// Whether it came from inside the report.
    pub fn is_verified(&self) -> bool {
        matches!(self, ReporterKey::Verified(_))
    }
}

/// The case's report opened with this member's identity. A member who cannot
/// open it (it was sealed before they joined, or the portal sent something else)
/// knows neither the reporter's key nor who was left out, so seals nothing.
pub fn open_report(detail: &CaseDetail, identity: &Identity) -> Result<Envelope, PortalError> {
    let report = detail
        .messages
        .iter()
        .find(|m| m.seq.get() == 1)
        .ok_or(PortalError::NoReport)?;
    match open_message(identity, &detail.case.id, 1, &report.ciphertext) {
        Ok(Opened::Envelope(env)) if matches!(env.body, Body::Report(_)) => Ok(*env),
        _ => Err(PortalError::NoReport),
    }
}

/// The reporter's key of a case: from inside the report when it carries one (then
/// the portal's value must equal it), the portal's value marked unverified for
/// reports sealed before that.
pub fn reporter_key(detail: &CaseDetail, identity: &Identity) -> Result<ReporterKey, PortalError> {
    reporter_key_in(detail, &open_report(detail, identity)?)
}

/// [`reporter_key`] with the report already opened.
pub fn reporter_key_in(detail: &CaseDetail, report: &Envelope) -> Result<ReporterKey, PortalError> {
    if !matches!(report.body, Body::Report(_)) {
        return Err(PortalError::NoReport);
    }
    match (report.v, report.reporter.as_deref()) {
        (1, None) => Ok(ReporterKey::Unverified(detail.seal_to.reporter.recipient())),
        (_, Some(sealed)) => {
            let sealed = RecipientText::parse(sealed).map_err(|_| PortalError::Decode)?;
            if sealed == detail.seal_to.reporter {
                Ok(ReporterKey::Verified(sealed.recipient()))
            } else {
                Err(PortalError::ReporterMismatch)
            }
        }
        // A version-2 report without the key is not something meldpunt writes.
        (_, None) => Err(PortalError::ReporterMismatch),
    }
}

/// Opens a message of a case with this member's identity.
pub fn open_message(
    identity: &Identity,
    case_id: &CaseId,
    seq: i64,
    ciphertext_b64: &str,
) -> Result<Opened, PortalError> {
    let sealed = B64
        .decode(ciphertext_b64)
        .map_err(|_| PortalError::Decode)?;
    match crypto::open(&sealed, identity) {
        Ok(plain) => Ok(Opened::Envelope(Box::new(Envelope::from_bytes(
            &plain,
            case_id.as_str(),
            seq,
        )?))),
        Err(CryptoError::Decrypt(age::DecryptError::NoMatchingKeys)) => Ok(Opened::NotForMe),
        Err(e) => Err(e.into()),
    }
}

/// The names of the members the reporter left out, as sealed in the report: the
/// desk never takes them from the portal.
pub fn left_out(detail: &CaseDetail, identity: &Identity) -> Result<Vec<String>, PortalError> {
    Ok(open_report(detail, identity)?.left_out)
}

/// The pinned roster without the members the reporter left out (by name: the
/// exclusion follows a member through a new key).
pub fn pinned_for_case(pinned: &[RosterEntry], left_out: &[String]) -> Vec<RecipientText> {
    pinned
        .iter()
        .filter(|e| {
            e.name
                .as_ref()
                .is_none_or(|n| !left_out.iter().any(|l| l == n.as_str()))
        })
        .map(|e| e.recipient.clone())
        .collect()
}

/// The committee recipients a new message of this case is sealed to: the pinned
/// roster without the members left out, provided the portal's list for the case is
/// exactly that set (the portal checks stanza counts, so a mismatch could not be
/// stored anyway). A portal that forgets an exclusion is caught here.
pub fn sealing_set(
    detail: &CaseDetail,
    pinned: &[RosterEntry],
    left_out: &[String],
) -> Result<Vec<Recipient>, PortalError> {
    let pinned = pinned_for_case(pinned, left_out);
    let pinned = pinned.as_slice();
    let mut theirs: Vec<&str> = detail
        .seal_to
        .committee
        .iter()
        .map(|r| r.as_str())
        .collect();
    let mut ours: Vec<&str> = pinned.iter().map(|r| r.as_str()).collect();
    theirs.sort_unstable();
    theirs.dedup();
    ours.sort_unstable();
    ours.dedup();
    if ours.is_empty() || theirs != ours || detail.seal_to.committee.len() != ours.len() {
        return Err(PortalError::RosterMismatch);
    }
    Ok(pinned.iter().map(RecipientText::recipient).collect())
}

/// The sealed size of a file of `size` bytes: padding, age's 16 bytes per 64 KiB
/// chunk and a header of at most the bounded size.
pub fn sealed_size_bound(size: u64) -> u64 {
    let padded = crate::attachments::padded_size(size);
    padded + (padded / 65_536 + 1) * 16 + 64 * 1024
}

//! Re-sealing: what the portal lists as sealed to another set than the current
//! roster, and where a desk uploads the replacements. The desk treats the listing
//! as a to-do list only: what it seals to comes from its pinned roster.

use serde::{Deserialize, Serialize};

use super::{AttachmentId, CaseId, Seq};

/// GET: how many cases hold a ciphertext sealed to an outdated roster.
pub const OUTDATED: &str = "/api/v1/reseal/outdated";
/// GET `?after=CASE_ID`: one page of what is sealed to an outdated roster.
pub const PENDING: &str = "/api/v1/reseal/pending";

/// Route patterns as the portal's router names them.
pub mod routes {
    /// PUT: the replacement ciphertexts of some of a case's messages, swapped
    /// together or not at all (POST on the same path adds a message).
    pub const MESSAGES: &str = "/api/v1/cases/{id}/messages";
    /// PUT: the replacement stream of one file of that message.
    pub const ATTACHMENT: &str = "/api/v1/cases/{id}/messages/{seq}/attachments/{attachment}";
}

/// The path of a case's message replacements.
pub fn messages_path(id: &CaseId) -> String {
    format!("/api/v1/cases/{id}/messages")
}

/// The path of one file's replacement.
pub fn attachment_path(id: &CaseId, seq: Seq, attachment: &AttachmentId) -> String {
    format!(
        "/api/v1/cases/{id}/messages/{}/attachments/{attachment}",
        seq.get()
    )
}

/// `GET /api/v1/reseal/outdated`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutdatedCount {
    /// Cases with at least one message or file sealed to another set.
    pub cases: u64,
}

/// `GET /api/v1/reseal/pending` query.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PendingQuery {
    /// Only cases after this id (the last one of the previous page).
    pub after: Option<CaseId>,
}

/// One page of the listing, ordered by case id.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingPage {
    /// At most [`PendingPage::MAX_CASES`] cases.
    pub cases: Vec<PendingCase>,
    /// Whether another page follows.
    pub more: bool,
}

impl PendingPage {
    /// Cases per page.
    pub const MAX_CASES: usize = 50;
    /// Messages or files per case the desk accepts in one listing.
    pub const MAX_ITEMS: usize = 10_000;
}

/// What one case holds that is sealed to another set.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingCase {
    /// The case.
    pub id: CaseId,
    /// Its messages sealed to another set.
    pub messages: Vec<PendingMessage>,
    /// Its files sealed to another set.
    pub attachments: Vec<PendingAttachment>,
}

/// A message to re-seal.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingMessage {
    /// Its position.
    pub seq: Seq,
    /// Fingerprint of the set it is sealed to now.
    pub recipients_fp: String,
    /// Its stored size, for progress.
    pub bytes: u64,
}

/// A file to re-seal.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingAttachment {
    /// The file.
    pub id: AttachmentId,
    /// The message that lists it.
    pub seq: Seq,
    /// Its stored size, for progress.
    pub bytes: u64,
}

/// `PUT /api/v1/cases/{id}/messages`: replacements for some of one case's
/// messages. The portal swaps all of them in one transaction or none: each must
/// name a message of that case, once, and be sealed to the recipients that
/// message must reach.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResealedMessages {
    /// At most [`ResealedMessages::MAX_ITEMS`], and at least one.
    pub messages: Vec<ResealedMessage>,
}

impl ResealedMessages {
    /// Messages per upload.
    pub const MAX_ITEMS: usize = 64;
    /// Base64 ciphertext the desk puts in one upload (more when a single message
    /// is larger): well under the portal's default 1 MiB body limit.
    pub const TARGET_BYTES: usize = 384 * 1024;
}

/// One message's replacement.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResealedMessage {
    /// The message it replaces.
    pub seq: Seq,
    /// The age file, base64.
    pub ciphertext: String,
}

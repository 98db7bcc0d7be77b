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
    /// PUT: the replacement ciphertext of one message.
    pub const MESSAGE: &str = "/api/v1/cases/{id}/messages/{seq}";
    /// PUT: the replacement stream of one file of that message.
    pub const ATTACHMENT: &str = "/api/v1/cases/{id}/messages/{seq}/attachments/{attachment}";
}

/// The path of one message's replacement.
pub fn message_path(id: &CaseId, seq: Seq) -> String {
    format!("/api/v1/cases/{id}/messages/{}", seq.get())
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

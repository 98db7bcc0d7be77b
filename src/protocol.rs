//! The committee API's answers as they travel as JSON: one definition for the
//! portal's handlers (`web::api`), which write them, and the desk's client
//! (`desk`), which reads them, so the two sides cannot drift apart. The requests
//! the portal accepts are parsed next to their handlers in `web::api`.

use serde::{Deserialize, Serialize};

use crate::case::{CloseReason, Status};

#[derive(Serialize, Deserialize)]
pub struct ChallengeResponse {
    pub challenge: String,
    pub sealed: String,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct MemberInfo {
    pub id: String,
    pub name: String,
    pub active: bool,
}

/// A case's workflow metadata as the desk sees it.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct CaseInfo {
    pub id: String,
    pub reference: String,
    pub status: Status,
    pub close_reason: Option<CloseReason>,
    pub received_on: time::Date,
    pub acknowledged_on: Option<time::Date>,
    pub acknowledge_by: time::Date,
    pub feedback_due_on: time::Date,
    pub closed_on: Option<time::Date>,
    pub assigned_member: Option<String>,
    pub unread: i64,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct MessageInfo {
    pub seq: i64,
    pub author_kind: String,
    pub member_id: Option<String>,
    pub written_on: time::Date,
    pub recipients_fp: String,
    pub committee_read: bool,
    /// The age file, base64.
    pub ciphertext: String,
}

/// Who a new message of this case must be sealed to.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct SealTo {
    pub committee: Vec<String>,
    pub reporter: String,
    pub fingerprint: String,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct CaseDetail {
    pub case: CaseInfo,
    pub messages: Vec<MessageInfo>,
    pub seal_to: SealTo,
    pub next_seq: i64,
    /// Stored attachments by message; names and sizes are inside the messages.
    #[serde(default)]
    pub attachments: Vec<AttachmentRef>,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct AttachmentRef {
    pub id: String,
    pub seq: i64,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct HistoryEntry {
    pub at: i64,
    pub member: Option<String>,
    pub action: String,
}

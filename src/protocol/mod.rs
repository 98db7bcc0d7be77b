//! The committee API contract, the one home of every path, request and response
//! that the portal (`web::api`) and the desk exchange.
//!
//! The desk treats the portal as hostile (docs/ARCHITECTURE.md, "Trust model"), so
//! every response type here parses its fields into types — ids, references, names,
//! recipients, author kinds, dates — and a response that does not fit is refused
//! as a whole before anything uses it.

pub mod ids;
pub mod reseal;
pub mod roster;
pub mod sign_in;

use serde::{Deserialize, Serialize};
use time::Date;

pub use ids::{AttachmentId, CaseId, InvalidField, MemberId, MemberName, RecipientText, Reference};
pub use roster::{RosterChange, RosterEntry};

use crate::case::{AuthorKind, CloseReason, Status};

/// Paths of the committee API, relative to the portal's base URL.
pub mod paths {
    use super::{AttachmentId, CaseId};

    /// POST: ask for a sign-in challenge.
    pub const CHALLENGE: &str = "/api/v1/sign-in/challenge";
    /// POST: answer it and get a session token.
    pub const ANSWER: &str = "/api/v1/sign-in/answer";
    /// POST: end the session.
    pub const SIGN_OUT: &str = "/api/v1/sign-out";
    /// GET: members with their ids and names.
    pub const MEMBERS: &str = "/api/v1/members";
    /// GET: the recipients new messages are sealed to.
    pub const ROSTER: &str = "/api/v1/roster";
    /// GET: every case's workflow metadata.
    pub const CASES: &str = "/api/v1/cases";
    /// POST: the sealed reports of listed cases.
    pub const REPORTS: &str = "/api/v1/reports";
    /// GET the signed-in member's notification address; POST to set or clear it.
    pub const NOTIFICATIONS: &str = "/api/v1/notifications";
    /// The cases reporters withdrew: reference and day only.
    pub const WITHDRAWALS: &str = "/api/v1/withdrawals";
    /// GET: the days on which the report ceiling refused reports, with counts.
    pub const FLOOD_DAYS: &str = "/api/v1/flood-days";
    /// GET: the references of the cases whose reporter left the signed-in member out.
    pub const LEFT_OUT: &str = "/api/v1/left-out";

    /// Route patterns as the portal's router names them.
    pub mod routes {
        /// One case.
        pub const CASE: &str = "/api/v1/cases/{id}";
        /// Its messages (POST a sealed one).
        pub const MESSAGES: &str = "/api/v1/cases/{id}/messages";
        /// Its status.
        pub const STATUS: &str = "/api/v1/cases/{id}/status";
        /// Its assignee.
        pub const ASSIGN: &str = "/api/v1/cases/{id}/assign";
        /// Marks the reporter's messages read.
        pub const READ: &str = "/api/v1/cases/{id}/read";
        /// Records an export.
        pub const EXPORTED: &str = "/api/v1/cases/{id}/exported";
        /// Its audit history.
        pub const HISTORY: &str = "/api/v1/cases/{id}/history";
        /// POST a sealed file.
        pub const ATTACHMENTS: &str = "/api/v1/cases/{id}/attachments";
        /// GET a stored file's ciphertext.
        pub const ATTACHMENT: &str = "/api/v1/cases/{id}/attachments/{attachment}";
    }

    /// The path of one case, or of one of its sub-resources (`""`, `"/status"`, …).
    pub fn case(id: &CaseId, tail: &str) -> String {
        format!("/api/v1/cases/{id}{tail}")
    }

    /// The path of a stored file of a case.
    pub fn attachment(id: &CaseId, attachment: &AttachmentId) -> String {
        format!("/api/v1/cases/{id}/attachments/{attachment}")
    }
}

/// `POST /api/v1/sign-in/challenge`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChallengeRequest {
    /// The member's age recipient.
    pub recipient: String,
}

/// The challenge: an id and the age file of its text (base64).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChallengeResponse {
    /// 32 hex digits.
    pub challenge: String,
    /// The sealed challenge text, base64.
    pub sealed: String,
}

/// `POST /api/v1/sign-in/answer`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AnswerRequest {
    /// The challenge id.
    pub challenge: String,
    /// The MAC of [`sign_in::Challenge::answer`], hex.
    pub answer: String,
}

/// A signed-in member as the API names them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MemberBrief {
    /// Row id.
    pub id: MemberId,
    /// Name.
    pub name: MemberName,
}

/// The answer to a correct sign-in.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SignedIn {
    /// The session token (64 hex digits), sent as `Authorization: Bearer`.
    pub token: String,
    /// Who signed in.
    pub member: MemberBrief,
    /// The session ends after this many idle seconds.
    pub idle_timeout_secs: i64,
}

/// A member in `GET /api/v1/members`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MemberInfo {
    /// Row id.
    pub id: MemberId,
    /// Name.
    pub name: MemberName,
    /// Whether the member may sign in and is sealed to.
    pub active: bool,
}

/// A message's position in its case (1 is the report).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Seq(i64);

impl Seq {
    /// The largest position the desk accepts; far beyond any real conversation.
    pub const MAX: i64 = 1_000_000;

    /// Parses a position: 1 to [`Seq::MAX`].
    pub fn new(n: i64) -> Result<Self, InvalidField> {
        if (1..=Self::MAX).contains(&n) {
            Ok(Self(n))
        } else {
            Err(InvalidField("message number"))
        }
    }

    /// The number.
    pub fn get(self) -> i64 {
        self.0
    }
}

impl TryFrom<i64> for Seq {
    type Error = InvalidField;
    fn try_from(n: i64) -> Result<Self, InvalidField> {
        Self::new(n)
    }
}

impl From<Seq> for i64 {
    fn from(s: Seq) -> i64 {
        s.0
    }
}

/// A case's workflow metadata.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CaseInfo {
    /// Row id.
    pub id: CaseId,
    /// Reference members use.
    pub reference: Reference,
    /// Workflow status.
    pub status: Status,
    /// Why it was closed, when closed.
    pub close_reason: Option<CloseReason>,
    /// Day the report arrived.
    pub received_on: Date,
    /// Day it was acknowledged.
    pub acknowledged_on: Option<Date>,
    /// Acknowledgement deadline.
    pub acknowledge_by: Date,
    /// Feedback deadline.
    pub feedback_due_on: Date,
    /// Day it was closed.
    pub closed_on: Option<Date>,
    /// The member it is assigned to.
    pub assigned_member: Option<MemberId>,
    /// Reporter messages the signed-in member has not seen.
    pub unread: u32,
    /// How many members the reporter left out of the case (conflicts of interest);
    /// whom, the desk reads only from inside the sealed report.
    #[serde(default)]
    pub left_out: u32,
}

/// One stored message of a case.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MessageInfo {
    /// Position in the case.
    pub seq: Seq,
    /// Who wrote it.
    pub author_kind: AuthorKind,
    /// The member who wrote a reply or note.
    pub member_id: Option<MemberId>,
    /// Day it was written.
    pub written_on: Date,
    /// Fingerprint of the committee set it was sealed to (16 hex digits).
    pub recipients_fp: String,
    /// Whether the signed-in member has seen it (it is at or before their read mark).
    pub committee_read: bool,
    /// The age file, base64.
    pub ciphertext: String,
}

/// Who the portal says a new message of this case is sealed to. The desk checks
/// the committee list against its pinned roster and the reporter against the
/// recipient sealed inside the report; it never takes either from here alone.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SealTo {
    /// The committee recipients.
    pub committee: Vec<RecipientText>,
    /// The reporter's recipient.
    pub reporter: RecipientText,
    /// The portal's fingerprint of the committee set (informative only).
    pub fingerprint: String,
}

/// A stored file and the message that lists it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AttachmentRef {
    /// Row id.
    pub id: AttachmentId,
    /// The message that lists it.
    pub seq: Seq,
}

/// `GET /api/v1/cases/{id}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CaseDetail {
    /// Workflow metadata.
    pub case: CaseInfo,
    /// Every message, oldest first.
    pub messages: Vec<MessageInfo>,
    /// Who new messages are sealed to, as the portal says.
    pub seal_to: SealTo,
    /// The number the next message must take.
    pub next_seq: Seq,
    /// Stored files by message.
    #[serde(default)]
    pub attachments: Vec<AttachmentRef>,
}

/// Whether a sealed message is a reply (committee and reporter) or a note
/// (committee only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MessageKind {
    /// Sealed to the committee and the reporter.
    Reply,
    /// Sealed to the committee only.
    Note,
}

impl MessageKind {
    /// The key in the query string.
    pub fn key(self) -> &'static str {
        match self {
            MessageKind::Reply => "reply",
            MessageKind::Note => "note",
        }
    }
}

/// The query of `POST /api/v1/cases/{id}/messages`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PostMessageQuery {
    /// Reply or note.
    pub kind: MessageKind,
    /// The case's next number.
    pub seq: i64,
    /// Comma-separated ids of files uploaded for this case, claimed with the message.
    #[serde(default)]
    pub attachments: String,
}

/// The answer to a stored message.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PostedMessage {
    /// The number it took.
    pub seq: Seq,
}

/// The answer to an uploaded file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CreatedAttachment {
    /// Row id of the pending file.
    pub id: AttachmentId,
}

/// `POST /api/v1/cases/{id}/status`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StatusRequest {
    /// The new status.
    pub status: Status,
    /// Why, when closing.
    #[serde(default)]
    pub reason: Option<CloseReason>,
}

/// `GET` and `POST /api/v1/notifications`: where the signed-in member is told that
/// there is new activity, or `None` for not at all. The portal checks the address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotifySettings {
    /// The e-mail address, at most 254 characters.
    pub email: Option<String>,
}

/// `POST /api/v1/cases/{id}/assign`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AssignRequest {
    /// The member, or `None` for nobody.
    pub member: Option<MemberId>,
}

/// The query of `POST /api/v1/cases/{id}/read`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReadQuery {
    /// The last message the member was shown; absent: the case's last message.
    #[serde(default)]
    pub up_to: Option<Seq>,
}

/// `POST /api/v1/reports`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReportsRequest {
    /// The cases whose reports the desk has not opened yet.
    pub ids: Vec<CaseId>,
}

impl ReportsRequest {
    /// The most ids one request may list.
    pub const MAX_IDS: usize = 200;
}

/// A case's report as stored: its first message, still sealed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SealedReport {
    /// The case.
    pub id: CaseId,
    /// The age file, base64.
    pub ciphertext: String,
}

/// One line of a case's audit history.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// Unix seconds.
    pub at: i64,
    /// The member's name, when a member acted.
    pub member: Option<MemberName>,
    /// What happened (`read`, `reply`, `status closed`, …).
    pub action: HistoryAction,
}

/// An audit action as the desk shows it: a short word list, nothing else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct HistoryAction(String);

impl TryFrom<String> for HistoryAction {
    type Error = InvalidField;
    fn try_from(s: String) -> Result<Self, InvalidField> {
        if !s.is_empty()
            && s.len() <= 64
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'-' || b == b' ')
        {
            Ok(Self(s))
        } else {
            Err(InvalidField("history action"))
        }
    }
}

impl From<HistoryAction> for String {
    fn from(a: HistoryAction) -> String {
        a.0
    }
}

impl HistoryAction {
    /// The action as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What stays of a case its reporter withdrew: its reference and the day, nothing
/// else. The case itself is gone.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WithdrawalInfo {
    /// The withdrawn case's reference.
    pub reference: Reference,
    /// The day it was withdrawn.
    pub withdrawn_on: Date,
}

/// A case whose reporter left the signed-in member out: its reference is all that
/// member learns of it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LeftOutCase {
    /// The case's reference.
    pub reference: Reference,
}

/// A day on which the portal's report ceiling refused reports, and how many: all the
/// committee learns of a flood (the portal keeps nothing finer than the day).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FloodDay {
    /// The day.
    pub day: Date,
    /// Reports refused that day.
    pub refused: u32,
}

/// The most days the portal lists: it forgets older counts.
pub const MAX_FLOOD_DAYS: usize = 92;

/// The body of every refusal.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorBody {
    /// A fixed text; never says whether a case, member or challenge exists.
    pub error: String,
}

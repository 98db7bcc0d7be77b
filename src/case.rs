//! Domain types: the report a reporter writes, the sealed message envelope, the case
//! statuses and the deadlines of EU Directive 2019/1937 as the Dutch Wbk applies them.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month};

use crate::i18n::Texts;

/// Defines an enum of form choices with a stable key (used in forms and inside
/// sealed messages) and the position of its label in the typed texts.
macro_rules! choices {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $key:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $(#[serde(rename = $key)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn key(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }

            pub fn from_key(key: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|c| c.key() == key)
            }

            /// Position in `ALL`, which is also the position of the label in `Texts`.
            pub fn index(self) -> usize {
                Self::ALL.iter().position(|c| *c == self).expect("every variant is in ALL")
            }
        }
    };
}

choices!(
    /// Who the reporter is.
    Role {
        SocialWorker = "social-worker",
        OtherProfessional = "other-professional",
        Volunteer = "volunteer",
        Intern = "intern",
        InformalCarer = "informal-carer",
        Client = "client",
        PreferNotToSay = "prefer-not-to-say",
    }
);

choices!(
    /// Kinds of concern; the portal never sees which were chosen (they are sealed).
    Concern {
        SharedWithVolunteers = "shared-with-volunteers",
        MunicipalNonCareStaff = "municipal-non-care-staff",
        PressureToBreakSecrecy = "pressure-to-break-secrecy",
        FraudReporting = "fraud-reporting",
        SharedWithFamilyWithoutConsent = "shared-with-family",
        OverSharingInMeetings = "over-sharing-in-meetings",
        ExcessiveRecording = "excessive-recording",
        UnauthorisedAccess = "unauthorised-access",
        FunderOrInsurerAccess = "funder-or-insurer-access",
        InsecureSharingOrBreach = "insecure-sharing-or-breach",
        ClientNotInformed = "client-not-informed",
        Other = "other",
    }
);

choices!(
    /// Whether the situation is still going on.
    Ongoing { Yes = "yes", No = "no", Unknown = "unknown" }
);

choices!(
    /// What the reporter hopes for.
    Hope { RegisterOnly = "register-only", Advice = "advice", Conversation = "conversation" }
);

choices!(
    /// Where a case is in the workflow.
    Status {
        Received = "received",
        Acknowledged = "acknowledged",
        UnderReview = "under-review",
        WaitingForReporter = "waiting-for-reporter",
        FeedbackGiven = "feedback-given",
        Closed = "closed",
    }
);

choices!(
    /// Why a case was closed.
    CloseReason {
        TakenIntoAnalysis = "taken-into-analysis",
        ReferredToAp = "referred-ap",
        ReferredToHvk = "referred-hvk",
        OutOfScope = "out-of-scope",
        NoResponse = "no-response",
    }
);

impl Role {
    pub fn label(self, t: &Texts) -> &'static str {
        t.role_options[self.index()]
    }
}
impl Concern {
    pub fn label(self, t: &Texts) -> &'static str {
        t.concern_options[self.index()]
    }
}
impl Ongoing {
    pub fn label(self, t: &Texts) -> &'static str {
        t.ongoing_options[self.index()]
    }
}
impl Hope {
    pub fn label(self, t: &Texts) -> &'static str {
        t.hope_options[self.index()]
    }
}
impl Status {
    pub fn label(self, t: &Texts) -> &'static str {
        t.statuses[self.index()]
    }
}
impl CloseReason {
    pub fn label(self, t: &Texts) -> &'static str {
        t.close_reasons[self.index()]
    }
}

/// A report as the reporter filled it in; only ever stored sealed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub role: Option<Role>,
    pub concerns: Vec<Concern>,
    pub what: String,
    pub org_kind: String,
    pub municipality: String,
    pub org_name: String,
    pub when: String,
    pub ongoing: Option<Ongoing>,
    pub affected: String,
    pub elsewhere: String,
    pub hope: Option<Hope>,
    pub contact: String,
}

/// Who wrote a message, as stored in plaintext for the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthorKind {
    Reporter,
    Committee,
    /// Internal note: sealed to the committee only.
    Note,
}

impl AuthorKind {
    pub fn key(self) -> &'static str {
        match self {
            AuthorKind::Reporter => "reporter",
            AuthorKind::Committee => "committee",
            AuthorKind::Note => "note",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        [Self::Reporter, Self::Committee, Self::Note]
            .into_iter()
            .find(|k| k.key() == key)
    }
}

/// What a sealed message holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Body {
    /// The first message of a case.
    Report(Report),
    /// Any later message: a reporter's follow-up, a committee reply or note.
    Text { text: String },
}

/// The plaintext inside every ciphertext. The case id and sequence number bind the
/// ciphertext to its row: a blob copied into another case or position fails to open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    /// 1: the first format; 2: a report also carries the reporter's recipient.
    pub v: u32,
    pub case: String,
    pub seq: i64,
    pub body: Body,
    /// The reporter's age recipient, sealed inside the report (version 2) so that a
    /// desk never has to take it from the portal: replies are sealed to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reporter: Option<String>,
    /// Files sent with the message: their names, types, sizes and hashes exist only here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<crate::attachments::AttachmentInfo>,
}

#[derive(Debug, thiserror::Error)]
pub enum EnvelopeError {
    #[error("the message document is not valid: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the message belongs to another case or position")]
    Misplaced,
    #[error("unknown message version {0}")]
    Version(u32),
}

impl Envelope {
    /// The current version of the envelope format.
    pub const VERSION: u32 = 2;

    pub fn new(case: &str, seq: i64, body: Body) -> Self {
        Self {
            v: Self::VERSION,
            case: case.to_owned(),
            seq,
            body,
            reporter: None,
            attachments: Vec::new(),
        }
    }

    /// Seals the reporter's recipient into the envelope (the report carries it).
    pub fn with_reporter(mut self, reporter: &crate::crypto::Recipient) -> Self {
        self.reporter = Some(reporter.to_string());
        self
    }

    pub fn with_attachments(
        mut self,
        attachments: Vec<crate::attachments::AttachmentInfo>,
    ) -> Self {
        self.attachments = attachments;
        self
    }

    pub fn to_bytes(&self) -> zeroize::Zeroizing<Vec<u8>> {
        zeroize::Zeroizing::new(serde_json::to_vec(self).expect("envelopes always serialise"))
    }

    /// Reads a decrypted envelope and checks it belongs where it was found.
    pub fn from_bytes(bytes: &[u8], case: &str, seq: i64) -> Result<Self, EnvelopeError> {
        let env: Envelope = serde_json::from_slice(bytes)?;
        if !(1..=Self::VERSION).contains(&env.v) {
            return Err(EnvelopeError::Version(env.v));
        }
        if env.case != case || env.seq != seq {
            return Err(EnvelopeError::Misplaced);
        }
        Ok(env)
    }
}

/// A short random reference members use to talk about a case, e.g. `MP-7K2Q9X`.
/// It says nothing about order or time; uniqueness is enforced by the database.
pub fn new_reference() -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let bits = u32::from_be_bytes(crate::crypto::random_bytes::<4>());
    let mut out = String::from("MP-");
    for i in 0..6 {
        out.push(ALPHABET[((bits >> (i * 5)) & 31) as usize] as char);
    }
    out
}

/// Adds calendar months, keeping the day where the month has it and otherwise taking
/// the month's last day (31 January + 1 month = 28 or 29 February).
pub fn add_months(date: Date, months: u32) -> Date {
    let total = date.month() as i32 - 1 + months as i32;
    let year = date.year() + total.div_euclid(12);
    let month = Month::try_from((total.rem_euclid(12) + 1) as u8).expect("1..=12");
    let last = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, date.day().min(last)).expect("day clamped to the month")
}

/// Days the committee has to acknowledge a report.
pub const ACKNOWLEDGE_DAYS: i64 = 7;
/// Months after acknowledgement within which the reporter gets feedback.
pub const FEEDBACK_MONTHS: u32 = 3;

pub fn acknowledge_by(received: Date) -> Date {
    received + Duration::days(ACKNOWLEDGE_DAYS)
}

/// Feedback is due three months after acknowledgement; before acknowledgement the
/// latest possible date counts (three months after the acknowledgement deadline).
pub fn feedback_by(received: Date, acknowledged: Option<Date>) -> Date {
    add_months(
        acknowledged.unwrap_or_else(|| acknowledge_by(received)),
        FEEDBACK_MONTHS,
    )
}

/// The workflow columns of a case after a status change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workflow {
    pub status: Status,
    pub close_reason: Option<CloseReason>,
    pub acknowledged_on: Option<Date>,
    pub feedback_due_on: Date,
    pub closed_on: Option<Date>,
    pub purge_on: Option<Date>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("closing a case needs a reason")]
    ReasonRequired,
    #[error("only closing takes a reason")]
    ReasonNotAllowed,
    #[error("a case cannot go back to received")]
    BackToReceived,
}

/// Computes the workflow after moving a case to `to` on `today`. Any status after
/// "received" acknowledges the case (if not yet), which fixes the feedback date;
/// closing sets the purge date after the retention period; reopening clears it.
pub fn transition(
    received_on: Date,
    acknowledged_on: Option<Date>,
    to: Status,
    reason: Option<CloseReason>,
    today: Date,
    retention_days: i64,
) -> Result<Workflow, TransitionError> {
    match (to, reason) {
        (Status::Received, _) => return Err(TransitionError::BackToReceived),
        (Status::Closed, None) => return Err(TransitionError::ReasonRequired),
        (s, Some(_)) if s != Status::Closed => return Err(TransitionError::ReasonNotAllowed),
        _ => {}
    }
    let acknowledged_on = Some(acknowledged_on.unwrap_or(today));
    let closed = to == Status::Closed;
    Ok(Workflow {
        status: to,
        close_reason: reason,
        acknowledged_on,
        feedback_due_on: feedback_by(received_on, acknowledged_on),
        closed_on: closed.then_some(today),
        purge_on: closed.then(|| today + Duration::days(retention_days)),
    })
}

/// How pressing a case is for the committee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Urgency {
    Overdue,
    DueThisWeek,
    Later,
    /// Nothing is due: feedback was given or the case is closed.
    Nothing,
}

/// The deadline that applies now: acknowledgement while received, feedback while
/// the committee is working on it, none after feedback or closing.
pub fn next_deadline(status: Status, received_on: Date, feedback_due_on: Date) -> Option<Date> {
    match status {
        Status::Received => Some(acknowledge_by(received_on)),
        Status::Acknowledged | Status::UnderReview | Status::WaitingForReporter => {
            Some(feedback_due_on)
        }
        Status::FeedbackGiven | Status::Closed => None,
    }
}

pub fn urgency(deadline: Option<Date>, today: Date) -> Urgency {
    match deadline {
        None => Urgency::Nothing,
        Some(d) if d < today => Urgency::Overdue,
        Some(d) if d <= today + Duration::days(7) => Urgency::DueThisWeek,
        Some(_) => Urgency::Later,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn adding_months_clamps_to_the_end_of_shorter_months() {
        assert_eq!(add_months(date!(2027 - 01 - 31), 1), date!(2027 - 02 - 28));
        assert_eq!(add_months(date!(2028 - 01 - 31), 1), date!(2028 - 02 - 29));
        assert_eq!(add_months(date!(2026 - 11 - 30), 3), date!(2027 - 02 - 28));
        assert_eq!(add_months(date!(2027 - 11 - 30), 3), date!(2028 - 02 - 29));
        assert_eq!(add_months(date!(2026 - 10 - 31), 2), date!(2026 - 12 - 31));
        assert_eq!(add_months(date!(2026 - 12 - 15), 3), date!(2027 - 03 - 15));
        assert_eq!(add_months(date!(2027 - 05 - 31), 1), date!(2027 - 06 - 30));
    }

    #[test]
    fn deadlines_follow_the_directive() {
        let received = date!(2026 - 11 - 28);
        assert_eq!(acknowledge_by(received), date!(2026 - 12 - 05));
        assert_eq!(feedback_by(received, None), date!(2027 - 03 - 05));
        assert_eq!(
            feedback_by(received, Some(date!(2026 - 11 - 30))),
            date!(2027 - 02 - 28)
        );
        // A report on 24 February of a leap year is acknowledged by 2 March.
        assert_eq!(acknowledge_by(date!(2028 - 02 - 24)), date!(2028 - 03 - 02));
        assert_eq!(acknowledge_by(date!(2027 - 12 - 28)), date!(2028 - 01 - 04));
    }

    #[test]
    fn acknowledging_fixes_the_feedback_date_and_closing_needs_a_reason() {
        let received = date!(2027 - 01 - 25);
        let ack = transition(
            received,
            None,
            Status::Acknowledged,
            None,
            date!(2027 - 01 - 31),
            180,
        )
        .unwrap();
        assert_eq!(ack.acknowledged_on, Some(date!(2027 - 01 - 31)));
        assert_eq!(ack.feedback_due_on, date!(2027 - 04 - 30));
        assert_eq!(
            transition(
                received,
                ack.acknowledged_on,
                Status::Closed,
                None,
                date!(2027 - 02 - 01),
                180
            ),
            Err(TransitionError::ReasonRequired)
        );
        assert_eq!(
            transition(
                received,
                None,
                Status::UnderReview,
                Some(CloseReason::OutOfScope),
                date!(2027 - 02 - 01),
                180
            ),
            Err(TransitionError::ReasonNotAllowed)
        );
        let closed = transition(
            received,
            ack.acknowledged_on,
            Status::Closed,
            Some(CloseReason::ReferredToAp),
            date!(2027 - 02 - 01),
            180,
        )
        .unwrap();
        assert_eq!(closed.acknowledged_on, Some(date!(2027 - 01 - 31)));
        assert_eq!(closed.closed_on, Some(date!(2027 - 02 - 01)));
        assert_eq!(closed.purge_on, Some(date!(2027 - 07 - 31)));
        let reopened = transition(
            received,
            closed.acknowledged_on,
            Status::UnderReview,
            None,
            date!(2027 - 03 - 01),
            180,
        )
        .unwrap();
        assert_eq!(
            (reopened.closed_on, reopened.purge_on, reopened.close_reason),
            (None, None, None)
        );
        assert_eq!(
            transition(received, None, Status::Received, None, received, 180),
            Err(TransitionError::BackToReceived)
        );
    }

    #[test]
    fn a_case_not_yet_acknowledged_gets_acknowledged_by_any_later_status() {
        let w = transition(
            date!(2028 - 02 - 22),
            None,
            Status::WaitingForReporter,
            None,
            date!(2028 - 02 - 29),
            30,
        )
        .unwrap();
        assert_eq!(w.acknowledged_on, Some(date!(2028 - 02 - 29)));
        assert_eq!(w.feedback_due_on, date!(2028 - 05 - 29));
    }

    #[test]
    fn overdue_and_due_this_week_follow_the_injected_day() {
        let received = date!(2026 - 11 - 20);
        let ack_deadline = next_deadline(Status::Received, received, date!(2027 - 03 - 01));
        assert_eq!(ack_deadline, Some(date!(2026 - 11 - 27)));
        assert_eq!(
            urgency(ack_deadline, date!(2026 - 11 - 27)),
            Urgency::DueThisWeek
        );
        assert_eq!(
            urgency(ack_deadline, date!(2026 - 11 - 28)),
            Urgency::Overdue
        );
        assert_eq!(urgency(ack_deadline, date!(2026 - 11 - 19)), Urgency::Later);
        assert_eq!(
            urgency(ack_deadline, date!(2026 - 11 - 20)),
            Urgency::DueThisWeek
        );
        let feedback = next_deadline(Status::UnderReview, received, date!(2027 - 02 - 28));
        assert_eq!(
            urgency(feedback, date!(2027 - 02 - 21)),
            Urgency::DueThisWeek
        );
        assert_eq!(urgency(feedback, date!(2027 - 03 - 01)), Urgency::Overdue);
        assert_eq!(
            urgency(
                next_deadline(Status::Closed, received, date!(2027 - 02 - 28)),
                date!(2030 - 01 - 01)
            ),
            Urgency::Nothing
        );
        assert!(Urgency::Overdue < Urgency::DueThisWeek && Urgency::DueThisWeek < Urgency::Later);
    }

    #[test]
    fn choice_keys_round_trip() {
        for c in Concern::ALL {
            assert_eq!(Concern::from_key(c.key()), Some(*c));
        }
        assert_eq!(Status::from_key("closed"), Some(Status::Closed));
        assert_eq!(Role::from_key("nonsense"), None);
    }

    #[test]
    fn an_envelope_refuses_to_open_in_another_case_or_position() {
        let env = Envelope::new("abc", 2, Body::Text { text: "hi".into() });
        let bytes = env.to_bytes();
        assert_eq!(Envelope::from_bytes(&bytes, "abc", 2).unwrap(), env);
        assert!(matches!(
            Envelope::from_bytes(&bytes, "abd", 2),
            Err(EnvelopeError::Misplaced)
        ));
        assert!(matches!(
            Envelope::from_bytes(&bytes, "abc", 3),
            Err(EnvelopeError::Misplaced)
        ));
    }
}

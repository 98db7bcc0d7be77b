//! The data inventory: every column of the schema with what it may hold (its class)
//! and the entry of the privacy statement that tells reporters about it. The
//! data-classification test compares it with the migrated schema on both databases,
//! and the privacy statement is rendered from it, so a new column needs both a class
//! and a statement entry before the tests pass. See docs/security-tests.md.
//!
//! This file is long because it is one table, a row per column of the schema;
//! split, it would no longer be the one list that both readers use.

use crate::i18n::StoredTexts;

/// What a column may hold, and so what a stolen database reveals through it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    /// age ciphertext (`age-encryption.org/v1`), sealed to the committee and/or a key
    /// derived from a reporter secret.
    Ciphertext,
    /// A day, `YYYY-MM-DD`, never a time of day.
    CoarseDate,
    /// Workflow metadata that says nothing about who a reporter is: statuses,
    /// sequence numbers, random ids, kinds, counts, padded sizes.
    Public,
    /// A one-way value of a secret (hashes, HKDF lookups and the key derived next to
    /// them) or an installation secret in the settings table.
    Secret,
    /// A precise time that exists only to expire a session, challenge or pending
    /// upload; the row is deleted (or the value cleared) when it has served.
    Ephemeral,
    /// About committee members (name, recipient, who did what, the audit log).
    MemberData,
}

/// The entry of the privacy statement a column is described under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Statement {
    /// What a reporter or member wrote and the files they sent: sealed.
    ReportText,
    /// Values derived from the pickup code that find a case and open it.
    CodeDerived,
    /// Where a case stands: reference, status, dates, who handles it.
    CaseWorkflow,
    /// Which messages a case has, by whom and on what day, without their content.
    Messages,
    /// Stored files in chunks, under random ids.
    Files,
    /// A signed-in reporter's session.
    Sessions,
    /// Forms already sent, so a form counts once.
    FormTokens,
    /// That a case was withdrawn, and on what day.
    Withdrawals,
    /// Which committee members a reporter left out of their case.
    LeftOut,
    /// How busy the portal was: refusals per day and the counters of its limits.
    Limits,
    /// Committee members, their sign-in and sessions.
    Members,
    /// The log of members' actions.
    Audit,
    /// The installation's own keys.
    Installation,
}

impl Class {
    /// How a column of this class is kept, in the privacy statement's words.
    pub fn text(self, t: &StoredTexts) -> &'static str {
        match self {
            Class::Ciphertext => t.class_ciphertext,
            Class::CoarseDate => t.class_coarse_date,
            Class::Public => t.class_public,
            Class::Secret => t.class_secret,
            Class::Ephemeral => t.class_ephemeral,
            Class::MemberData => t.class_member_data,
        }
    }
}

impl Statement {
    /// What the privacy statement says about this entry. A new entry does not
    /// compile until both languages say something about it.
    pub fn text(self, t: &StoredTexts) -> &'static str {
        match self {
            Statement::ReportText => t.report_text,
            Statement::CodeDerived => t.code_derived,
            Statement::CaseWorkflow => t.case_workflow,
            Statement::Messages => t.messages,
            Statement::Files => t.files,
            Statement::Sessions => t.sessions,
            Statement::FormTokens => t.form_tokens,
            Statement::Withdrawals => t.withdrawals,
            Statement::LeftOut => t.left_out,
            Statement::Limits => t.limits,
            Statement::Members => t.members,
            Statement::Audit => t.audit,
            Statement::Installation => t.installation,
        }
    }

    /// A stable name for the entry, e.g. the element id on the privacy statement.
    pub fn key(self) -> &'static str {
        match self {
            Statement::ReportText => "report-text",
            Statement::CodeDerived => "code-derived",
            Statement::CaseWorkflow => "case-workflow",
            Statement::Messages => "messages",
            Statement::Files => "files",
            Statement::Sessions => "sessions",
            Statement::FormTokens => "form-tokens",
            Statement::Withdrawals => "withdrawals",
            Statement::LeftOut => "left-out",
            Statement::Limits => "limits",
            Statement::Members => "members",
            Statement::Audit => "audit",
            Statement::Installation => "installation",
        }
    }
}

/// One column of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The table.
    pub table: &'static str,
    /// The column.
    pub column: &'static str,
    /// What it may hold.
    pub class: Class,
    /// Where the privacy statement tells about it.
    pub statement: Statement,
    /// Why it has that class.
    pub why: &'static str,
}

const fn col(
    table: &'static str,
    column: &'static str,
    class: Class,
    statement: Statement,
    why: &'static str,
) -> Column {
    Column {
        table,
        column,
        class,
        statement,
        why,
    }
}

use Class::*;
use Statement::*;

/// Every column of the schema. A new migration adds its columns here, with a class
/// and a statement entry, or the data-classification test fails.
pub const COLUMNS: &[Column] = &[
    col(
        "settings",
        "name",
        Public,
        Installation,
        "fixed setting names",
    ),
    col(
        "settings",
        "value",
        Secret,
        Installation,
        "salt, form-token key, audit chain head",
    ),
    col("cases", "id", Public, CaseWorkflow, "128 random bits, hex"),
    col(
        "cases",
        "reference",
        Public,
        CaseWorkflow,
        "MP- plus 6 random symbols",
    ),
    col(
        "cases",
        "lookup",
        Secret,
        CodeDerived,
        "HKDF(code, installation salt)",
    ),
    col(
        "cases",
        "reporter_recipient",
        Secret,
        CodeDerived,
        "X25519 public key of HKDF(code, salt): a one-way value of the code",
    ),
    col("cases", "status", Public, CaseWorkflow, "workflow status"),
    col(
        "cases",
        "close_reason",
        Public,
        CaseWorkflow,
        "one of a fixed list",
    ),
    col(
        "cases",
        "received_on",
        CoarseDate,
        CaseWorkflow,
        "day of receipt",
    ),
    col("cases", "acknowledged_on", CoarseDate, CaseWorkflow, "day"),
    col("cases", "feedback_due_on", CoarseDate, CaseWorkflow, "day"),
    col("cases", "closed_on", CoarseDate, CaseWorkflow, "day"),
    col("cases", "last_activity_on", CoarseDate, CaseWorkflow, "day"),
    col(
        "cases",
        "purge_on",
        CoarseDate,
        CaseWorkflow,
        "day the retention ends",
    ),
    col(
        "cases",
        "assigned_member",
        MemberData,
        CaseWorkflow,
        "a member id",
    ),
    col("messages", "case_id", Public, Messages, "random case id"),
    col(
        "messages",
        "seq",
        Public,
        Messages,
        "sequence number within the case",
    ),
    col(
        "messages",
        "author_kind",
        Public,
        Messages,
        "reporter, committee or note",
    ),
    col("messages", "written_on", CoarseDate, Messages, "day"),
    col(
        "messages",
        "recipients_fp",
        Public,
        Messages,
        "SHA-256 prefix of the committee recipient set",
    ),
    col(
        "messages",
        "ciphertext",
        Ciphertext,
        ReportText,
        "the sealed envelope",
    ),
    col(
        "messages",
        "member_id",
        MemberData,
        Messages,
        "who wrote a reply or note",
    ),
    col("messages", "committee_read", Public, Messages, "0 or 1"),
    col(
        "reporter_sessions",
        "id",
        Secret,
        Sessions,
        "hash of the cookie token",
    ),
    col(
        "reporter_sessions",
        "sealed_state",
        Ciphertext,
        Sessions,
        "case id and reporter key, sealed to a key from the token",
    ),
    col(
        "reporter_sessions",
        "expires_at",
        Ephemeral,
        Sessions,
        "idle expiry, row deleted on sign-out and expiry",
    ),
    col(
        "used_form_tokens",
        "nonce",
        Public,
        FormTokens,
        "128 random bits",
    ),
    col(
        "used_form_tokens",
        "forget_on",
        CoarseDate,
        FormTokens,
        "day after the token expires",
    ),
    col("members", "id", MemberData, Members, "random member id"),
    col("members", "name", MemberData, Members, "the member's name"),
    col(
        "members",
        "recipient",
        MemberData,
        Members,
        "the member's age recipient",
    ),
    col("members", "active", MemberData, Members, "0 or 1"),
    col(
        "recipient_sets",
        "fingerprint",
        Public,
        Members,
        "SHA-256 prefix of a committee recipient set",
    ),
    col(
        "recipient_sets",
        "recipient",
        MemberData,
        Members,
        "a member's (or backup) age recipient in that set",
    ),
    col(
        "members",
        "added_on",
        CoarseDate,
        Members,
        "day the member was added",
    ),
    col(
        "sign_in_challenges",
        "id",
        Public,
        Members,
        "random challenge id",
    ),
    col(
        "sign_in_challenges",
        "recipient",
        MemberData,
        Members,
        "the public key a challenge was sealed to (a member's, or a stranger's that can never sign in)",
    ),
    col(
        "sign_in_challenges",
        "answer_hash",
        Secret,
        Members,
        "hash of the expected MAC",
    ),
    col(
        "sign_in_challenges",
        "expires_at",
        Ephemeral,
        Members,
        "deleted when answered or expired",
    ),
    col(
        "member_sessions",
        "token_hash",
        Secret,
        Members,
        "hash of the token",
    ),
    col(
        "member_sessions",
        "member_id",
        MemberData,
        Members,
        "a member id",
    ),
    col(
        "member_sessions",
        "expires_at",
        Ephemeral,
        Members,
        "deleted on sign-out and expiry",
    ),
    col(
        "audit_log",
        "seq",
        MemberData,
        Audit,
        "position in the chain",
    ),
    col(
        "audit_log",
        "at",
        MemberData,
        Audit,
        "Unix seconds of a member action",
    ),
    col("audit_log", "member_id", MemberData, Audit, "who"),
    col("audit_log", "action", MemberData, Audit, "what"),
    col("audit_log", "case_ref", MemberData, Audit, "case reference"),
    col("audit_log", "prev_hash", MemberData, Audit, "chain link"),
    col("audit_log", "hash", MemberData, Audit, "chain link"),
    col("attachments", "id", Public, Files, "128 random bits, hex"),
    col(
        "attachments",
        "case_id",
        Public,
        Files,
        "random case id, set when claimed",
    ),
    col(
        "attachments",
        "seq",
        Public,
        Files,
        "the message that lists it",
    ),
    col("attachments", "chunk_count", Public, Files, "count"),
    col("attachments", "stored_bytes", Public, Files, "padded size"),
    col(
        "attachments",
        "pending_case",
        Public,
        Files,
        "random case id while pending, cleared when claimed",
    ),
    col(
        "attachments",
        "recipients_fp",
        Public,
        Files,
        "SHA-256 prefix of the committee recipient set",
    ),
    col(
        "attachments",
        "pending_until",
        Ephemeral,
        Files,
        "cleanup time while pending, cleared when claimed",
    ),
    col(
        "attachment_chunks",
        "attachment_id",
        Public,
        Files,
        "random id",
    ),
    col("attachment_chunks", "idx", Public, Files, "chunk number"),
    col(
        "attachment_chunks",
        "data",
        Ciphertext,
        ReportText,
        "one age STREAM file in 1 MiB rows: row 0 holds the header",
    ), // 0013_withdrawals
    col(
        "withdrawals",
        "reference",
        Public,
        Withdrawals,
        "MP- reference of a withdrawn case",
    ),
    col(
        "withdrawals",
        "withdrawn_on",
        CoarseDate,
        Withdrawals,
        "day of the withdrawal",
    ),
    col(
        "withdrawals",
        "forget_on",
        CoarseDate,
        Withdrawals,
        "day the notice is removed",
    ),
    // 0012_flood_and_shared_limits
    col(
        "flood_days",
        "day",
        CoarseDate,
        Limits,
        "a day on which reports were refused",
    ),
    col(
        "flood_days",
        "refused",
        Public,
        Limits,
        "count of refused reports",
    ),
    col(
        "shared_counters",
        "name",
        Public,
        Limits,
        "fixed names of limits",
    ),
    col(
        "shared_counters",
        "mark",
        Ephemeral,
        Limits,
        "the global limit's next free millisecond, the ceiling's hour, the next cycle",
    ),
    col(
        "shared_counters",
        "used",
        Public,
        Limits,
        "reports in the current hour, housekeeping cycles run",
    ),
    // 0014_member_notifications: a member's opt-in to content-free notifications.
    col(
        "member_notifications",
        "member_id",
        MemberData,
        Members,
        "a member id",
    ),
    col(
        "member_notifications",
        "email",
        MemberData,
        Members,
        "the address the member asked to be told at",
    ),
    col(
        "member_notifications",
        "covered_through",
        CoarseDate,
        Members,
        "last day mailed or found quiet: a day before the daily check, whatever reporters did",
    ),
    col(
        "member_notifications",
        "checked_on",
        CoarseDate,
        Members,
        "day the daily check last ran",
    ),
    // 0015_member_reads: per member and case, the last message the member was shown.
    col(
        "member_reads",
        "member_id",
        MemberData,
        Members,
        "a member id",
    ),
    col("member_reads", "case_id", Public, Members, "random case id"),
    col(
        "member_reads",
        "last_seq",
        MemberData,
        Members,
        "highest sequence number the member was shown",
    ),
    // 0016_case_exclusions: the members a reporter left out of their case; says whom
    // the reporter may know, so it is deleted with the case.
    col(
        "case_exclusions",
        "case_id",
        Public,
        LeftOut,
        "random case id",
    ),
    col(
        "case_exclusions",
        "member_id",
        MemberData,
        LeftOut,
        "a member the reporter left out",
    ),
];

/// The rows the settings table may hold: a new setting is a new kind of stored value
/// and must be classified too.
pub const SETTINGS: &[&str] = &["audit_head", "form_token_key", "installation_salt"];

/// The statement entries in the order the privacy statement lists them, each once.
pub fn statements() -> Vec<Statement> {
    let mut all: Vec<Statement> = COLUMNS.iter().map(|c| c.statement).collect();
    all.sort();
    all.dedup();
    all
}

/// The classes of the columns under one statement entry, each once.
pub fn classes_of(statement: Statement) -> Vec<Class> {
    let mut all: Vec<Class> = COLUMNS
        .iter()
        .filter(|c| c.statement == statement)
        .map(|c| c.class)
        .collect();
    all.sort();
    all.dedup();
    all
}

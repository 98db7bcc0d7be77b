//! The cases and messages tables: a new case with its first message, later
//! messages, lookups, workflow, assignment, and the purge of closed cases (the
//! committee's inbox and read marks are in `inbox.rs`). A form token is consumed in the transaction of what it
//! submits, so `used_form_tokens` is written here too.

use std::str::FromStr;

use sqlx::Row;
use time::Date;

use super::{
    Outcome, Result, Storage, StorageError, attachments, day, is_row_id, parse_day, parse_opt_day,
};
use crate::case::{AuthorKind, CloseReason, Status, Workflow};

/// A case as stored: workflow metadata and the values its code is found by.
#[derive(Debug, Clone)]
pub struct CaseRow {
    /// Random id (16 bytes, hex).
    pub id: String,
    /// Short random reference for members, e.g. `MP-7K2Q9X`.
    pub reference: String,
    /// HKDF of the pickup code: how the reporter finds the case.
    pub lookup: Vec<u8>,
    /// The reporter's public key, derived from the code.
    pub reporter_recipient: String,
    /// Where the case is in the workflow.
    pub status: Status,
    /// Why it was closed, when it is.
    pub close_reason: Option<CloseReason>,
    /// The day the report arrived.
    pub received_on: Date,
    /// The day receipt was confirmed.
    pub acknowledged_on: Option<Date>,
    /// The day feedback is due.
    pub feedback_due_on: Date,
    /// The day it was closed, while it is.
    pub closed_on: Option<Date>,
    /// The member it is assigned to.
    pub assigned_member: Option<String>,
}

/// A message as stored: who wrote it, when, and its ciphertext.
#[derive(Debug, Clone)]
pub struct MessageRow {
    /// Position in the case, from 1.
    pub seq: i64,
    /// Reporter, committee reply or note.
    pub author_kind: AuthorKind,
    /// The member who wrote a reply or note.
    pub member_id: Option<String>,
    /// Whether a member has opened it.
    pub committee_read: bool,
    /// The day it was written.
    pub written_on: Date,
    /// Fingerprint of the recipient set it was sealed to.
    pub recipients_fp: String,
    /// The sealed envelope (age).
    pub ciphertext: Vec<u8>,
}

/// A case with its first message, stored together or not at all.
pub struct NewCase<'a> {
    /// Random id (16 bytes, hex).
    pub id: &'a str,
    /// Short random reference; a taken one is a conflict.
    pub reference: &'a str,
    /// HKDF of the pickup code.
    pub lookup: &'a [u8],
    /// The reporter's public key.
    pub reporter_recipient: &'a str,
    /// The day the report arrived.
    pub received_on: Date,
    /// The day feedback is due.
    pub feedback_due_on: Date,
    /// The report itself (sequence number 1).
    pub first_message: NewMessage<'a>,
    /// The ids of the members the reporter left out (conflicts of interest).
    pub excluded: &'a [String],
}

/// A message to store; a taken sequence number is a conflict.
pub struct NewMessage<'a> {
    /// Position in the case, from 1.
    pub seq: i64,
    /// Reporter, committee reply or note.
    pub author_kind: AuthorKind,
    /// The member who wrote a committee reply or note.
    pub member_id: Option<&'a str>,
    /// The day it was written.
    pub written_on: Date,
    /// Fingerprint of the recipient set it was sealed to.
    pub recipients_fp: &'a str,
    /// The sealed envelope (age).
    pub ciphertext: &'a [u8],
    /// Pending attachments this message lists; claimed in the same transaction.
    pub attachments: &'a [String],
}

/// A single-use form token to consume in the same transaction as what it submits.
pub struct FormNonce<'a> {
    /// The token's random nonce.
    pub nonce: &'a [u8],
    /// The day after which it can be forgotten (the token has expired).
    pub forget_on: Date,
}

/// A case as the inbox lists it.
#[derive(Debug, Clone)]
pub struct CaseSummary {
    /// The case.
    pub case: CaseRow,
    /// Reporter messages the listing member has not seen yet.
    pub unread: i64,
}

/// The columns `case_from_row` reads, as a literal so queries stay `&'static str`.
macro_rules! case_select {
    ($where:literal) => {
        concat!(
            "select id, reference, lookup, reporter_recipient, status, close_reason, ",
            "received_on, acknowledged_on, feedback_due_on, closed_on, assigned_member ",
            "from cases where ",
            $where
        )
    };
}

impl Storage {
    /// Stores a new case with its first message, consuming the form token, in one
    /// transaction: either all of it is stored or nothing is.
    pub async fn insert_case(&self, case: &NewCase<'_>, form: &FormNonce<'_>) -> Result<Outcome> {
        let mut tx = self.writer().begin().await?;
        if !consume_form_nonce(&mut tx, form).await? {
            tx.rollback().await?;
            return Ok(Outcome::FormAlreadyUsed);
        }
        let inserted = sqlx::query(
            "insert into cases (id, reference, lookup, reporter_recipient, status, received_on, \
             feedback_due_on, last_activity_on) values ($1, $2, $3, $4, $5, $6, $7, $8) \
             on conflict do nothing",
        )
        .bind(case.id)
        .bind(case.reference)
        .bind(case.lookup.to_vec())
        .bind(case.reporter_recipient)
        .bind(Status::Received.key())
        .bind(day(case.received_on))
        .bind(day(case.feedback_due_on))
        .bind(day(case.received_on))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            tx.rollback().await?;
            return Ok(Outcome::Conflict);
        }
        if !insert_message(&mut tx, case.id, &case.first_message).await? {
            tx.rollback().await?;
            return Ok(Outcome::Conflict);
        }
        super::exclusions::insert_exclusions(&mut tx, case.id, case.excluded).await?;
        tx.commit().await?;
        Ok(Outcome::Stored)
    }

    /// Appends a message to a case (and consumes the form token when given).
    pub async fn append_message(
        &self,
        case_id: &str,
        message: &NewMessage<'_>,
        form: Option<&FormNonce<'_>>,
    ) -> Result<Outcome> {
        let mut tx = self.writer().begin().await?;
        if let Some(form) = form
            && !consume_form_nonce(&mut tx, form).await?
        {
            tx.rollback().await?;
            return Ok(Outcome::FormAlreadyUsed);
        }
        if !insert_message(&mut tx, case_id, message).await? {
            tx.rollback().await?;
            return Ok(Outcome::Conflict);
        }
        sqlx::query("update cases set last_activity_on = $1 where id = $2")
            .bind(day(message.written_on))
            .bind(case_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Outcome::Stored)
    }

    /// The sequence number the next message of a case gets.
    pub async fn next_seq(&self, case_id: &str) -> Result<i64> {
        let max: Option<i64> =
            sqlx::query_scalar("select max(seq) from messages where case_id = $1")
                .bind(case_id)
                .fetch_one(&self.pool)
                .await?;
        Ok(max.unwrap_or(0) + 1)
    }

    /// Finds a case by the lookup value derived from a pickup code.
    pub async fn case_by_lookup(&self, lookup: &[u8]) -> Result<Option<CaseRow>> {
        let row = sqlx::query(case_select!("lookup = $1"))
            .bind(lookup.to_vec())
            .fetch_optional(&self.pool)
            .await?;
        let case = row.map(|r| case_from_row(&r)).transpose()?;
        // The index found it by equality; compare again in constant time so the
        // match itself does not depend on where the bytes differ.
        Ok(case.filter(|c| crate::crypto::ct_eq(&c.lookup, lookup)))
    }

    /// A case by id; `None` for an unknown or malformed id.
    pub async fn case_by_id(&self, id: &str) -> Result<Option<CaseRow>> {
        if !is_row_id(id) {
            return Ok(None);
        }
        let row = sqlx::query(case_select!("id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| case_from_row(&r)).transpose()
    }

    /// A case by its reference, for commands that members type.
    pub async fn case_by_reference(&self, reference: &str) -> Result<Option<CaseRow>> {
        let row = sqlx::query(case_select!("reference = $1"))
            .bind(reference)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| case_from_row(&r)).transpose()
    }

    /// All messages of a case in order.
    pub async fn messages(&self, case_id: &str) -> Result<Vec<MessageRow>> {
        let rows = sqlx::query(
            "select seq, author_kind, member_id, committee_read, written_on, recipients_fp, \
             ciphertext from messages where case_id = $1 order by seq",
        )
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get("author_kind")?;
                let written_on: String = r.try_get("written_on")?;
                Ok(MessageRow {
                    seq: r.try_get("seq")?,
                    author_kind: AuthorKind::from_key(&kind)
                        .ok_or(StorageError::Corrupt("an author kind"))?,
                    member_id: r.try_get("member_id")?,
                    committee_read: r.try_get::<i64, _>("committee_read")? != 0,
                    written_on: parse_day(&written_on)?,
                    recipients_fp: r.try_get("recipients_fp")?,
                    ciphertext: r.try_get("ciphertext")?,
                })
            })
            .collect()
    }

    /// Sets the workflow columns; false when the case does not exist.
    pub async fn set_workflow(&self, case_id: &str, w: &Workflow, today: Date) -> Result<bool> {
        let updated = sqlx::query(
            "update cases set status = $1, close_reason = $2, acknowledged_on = $3, \
             feedback_due_on = $4, closed_on = $5, purge_on = $6, last_activity_on = $7 \
             where id = $8",
        )
        .bind(w.status.key())
        .bind(w.close_reason.map(CloseReason::key))
        .bind(w.acknowledged_on.map(day))
        .bind(day(w.feedback_due_on))
        .bind(w.closed_on.map(day))
        .bind(w.purge_on.map(day))
        .bind(day(today))
        .bind(case_id)
        .execute(self.writer())
        .await?
        .rows_affected();
        Ok(updated == 1)
    }

    /// Assigns a case to a member (or to nobody); false when the case does not exist.
    pub async fn assign(&self, case_id: &str, member_id: Option<&str>) -> Result<bool> {
        let updated = sqlx::query("update cases set assigned_member = $1 where id = $2")
            .bind(member_id)
            .bind(case_id)
            .execute(self.writer())
            .await?
            .rows_affected();
        Ok(updated == 1)
    }

    /// Deletes closed cases whose retention has ended; their codes stop working.
    pub async fn purge_closed(&self, today: Date) -> Result<u64> {
        let mut conn = self.pool.acquire().await?;
        delete_cases(&mut conn, Purge::RetentionEnded(today)).await
    }
}

/// Which cases to delete.
pub(super) enum Purge<'a> {
    /// Closed cases whose purge day has passed.
    RetentionEnded(Date),
    /// One case its reporter withdrew.
    Withdrawn(&'a str),
}

/// The one place cases are deleted, for retention and withdrawal alike: messages,
/// attachments and their chunks go with the case (`on delete cascade`), and the
/// database's own deletion settings (SQLite's `secure_delete`) apply to all of it.
pub(super) async fn delete_cases(conn: &mut sqlx::AnyConnection, which: Purge<'_>) -> Result<u64> {
    let query = match which {
        Purge::RetentionEnded(today) => {
            sqlx::query("delete from cases where purge_on is not null and purge_on < $1")
                .bind(day(today))
        }
        Purge::Withdrawn(id) => sqlx::query("delete from cases where id = $1").bind(id.to_owned()),
    };
    Ok(query.execute(conn).await?.rows_affected())
}

pub(super) fn case_from_row(r: &sqlx::any::AnyRow) -> Result<CaseRow> {
    let status: String = r.try_get("status")?;
    let reason: Option<String> = r.try_get("close_reason")?;
    let received_on: String = r.try_get("received_on")?;
    let feedback_due_on: String = r.try_get("feedback_due_on")?;
    Ok(CaseRow {
        id: r.try_get("id")?,
        reference: r.try_get("reference")?,
        lookup: r.try_get("lookup")?,
        reporter_recipient: r.try_get("reporter_recipient")?,
        status: Status::from_key(&status).ok_or(StorageError::Corrupt("a status"))?,
        close_reason: reason.map(|r| CloseReason::from_str(&r)).transpose()?,
        received_on: parse_day(&received_on)?,
        acknowledged_on: parse_opt_day(r.try_get("acknowledged_on")?)?,
        feedback_due_on: parse_day(&feedback_due_on)?,
        closed_on: parse_opt_day(r.try_get("closed_on")?)?,
        assigned_member: r.try_get("assigned_member")?,
    })
}

impl FromStr for CloseReason {
    type Err = StorageError;
    fn from_str(s: &str) -> Result<Self> {
        CloseReason::from_key(s).ok_or(StorageError::Corrupt("a close reason"))
    }
}

/// Inserts the nonce; false when it was there already (the form was sent before).
pub(super) async fn consume_form_nonce(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    form: &FormNonce<'_>,
) -> Result<bool> {
    let inserted = sqlx::query(
        "insert into used_form_tokens (nonce, forget_on) values ($1, $2) on conflict do nothing",
    )
    .bind(form.nonce.to_vec())
    .bind(day(form.forget_on))
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(inserted == 1)
}

async fn insert_message(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    case_id: &str,
    m: &NewMessage<'_>,
) -> Result<bool> {
    let inserted = sqlx::query(
        "insert into messages (case_id, seq, author_kind, member_id, written_on, recipients_fp, \
         ciphertext) values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing",
    )
    .bind(case_id)
    .bind(m.seq)
    .bind(m.author_kind.key())
    .bind(m.member_id)
    .bind(day(m.written_on))
    .bind(m.recipients_fp)
    .bind(m.ciphertext.to_vec())
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if inserted != 1 {
        return Ok(false);
    }
    attachments::claim(tx, case_id, m.seq, m.attachments, m.recipients_fp).await
}

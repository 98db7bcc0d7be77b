//! What the committee API reads and changes about cases: the inbox, status and
//! assignment, read marks.

use sqlx::Row;
use time::Date;

use super::{CaseRow, Result, Storage, case_from_row, day};
use crate::case::{CloseReason, Workflow};

/// A case as the inbox lists it.
#[derive(Debug, Clone)]
pub struct CaseSummary {
    pub case: CaseRow,
    /// Reporter messages no member has opened yet.
    pub unread: i64,
}

impl Storage {
    pub async fn list_cases(&self) -> Result<Vec<CaseSummary>> {
        let rows = sqlx::query(concat!(
            "select c.id, c.reference, c.lookup, c.reporter_recipient, c.status, c.close_reason, ",
            "c.received_on, c.acknowledged_on, c.feedback_due_on, c.closed_on, c.assigned_member, ",
            "(select count(*) from messages m where m.case_id = c.id ",
            "and m.author_kind = 'reporter' and m.committee_read = 0) as unread ",
            "from cases c order by c.received_on, c.reference"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CaseSummary {
                    case: case_from_row(r)?,
                    unread: r.try_get("unread")?,
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
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(updated == 1)
    }

    /// Assigns a case to a member (or to nobody); false when the case does not exist.
    pub async fn assign(&self, case_id: &str, member_id: Option<&str>) -> Result<bool> {
        let updated = sqlx::query("update cases set assigned_member = $1 where id = $2")
            .bind(member_id)
            .bind(case_id)
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok(updated == 1)
    }

    /// Marks the reporter's messages of a case as read by the committee.
    pub async fn mark_read(&self, case_id: &str) -> Result<()> {
        sqlx::query(
            "update messages set committee_read = 1 \
             where case_id = $1 and author_kind = 'reporter' and committee_read = 0",
        )
        .bind(case_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Deletes closed cases whose retention has ended; their codes stop working.
    pub async fn purge_closed(&self, today: Date) -> Result<u64> {
        Ok(
            sqlx::query("delete from cases where purge_on is not null and purge_on < $1")
                .bind(day(today))
                .execute(&self.pool)
                .await?
                .rows_affected(),
        )
    }

    /// A case by its reference, for commands that members type.
    pub async fn case_by_reference(&self, reference: &str) -> Result<Option<CaseRow>> {
        let row = sqlx::query(case_select!("reference = $1"))
            .bind(reference)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| case_from_row(&r)).transpose()
    }
}

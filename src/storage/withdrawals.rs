//! The withdrawals table: a case its reporter withdrew is deleted at once, through
//! the same path as a purge after retention, and only its reference and the day
//! stay behind, so the committee sees that it is gone on purpose.

use sqlx::Row;
use time::Date;

use super::cases::{Purge, consume_form_nonce, delete_cases};
use super::{FormNonce, Result, Storage, day, is_row_id, parse_day};

/// How a withdrawal ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Withdrawal {
    /// The case, its messages and files are gone; the notice is stored.
    Withdrawn,
    /// The form was sent before, or the case no longer exists: nothing changed.
    AlreadyGone,
}

/// What stays of a withdrawn case.
#[derive(Debug, Clone)]
pub struct WithdrawalRow {
    /// The case's reference.
    pub reference: String,
    /// The day it was withdrawn.
    pub withdrawn_on: Date,
}

impl Storage {
    /// Withdraws a case in one transaction: consumes the form token, deletes the
    /// case with everything in it, ends the session that asked, and leaves the
    /// notice (reference and day) until `forget_on`.
    pub async fn withdraw_case(
        &self,
        case_id: &str,
        session_id: &[u8],
        form: &FormNonce<'_>,
        today: Date,
        forget_on: Date,
    ) -> Result<Withdrawal> {
        if !is_row_id(case_id) {
            return Ok(Withdrawal::AlreadyGone);
        }
        let mut tx = self.writer().begin().await?;
        if !consume_form_nonce(&mut tx, form).await? {
            return Ok(Withdrawal::AlreadyGone);
        }
        let reference: Option<String> =
            sqlx::query_scalar("select reference from cases where id = $1")
                .bind(case_id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(reference) = reference else {
            return Ok(Withdrawal::AlreadyGone);
        };
        delete_cases(&mut tx, Purge::Withdrawn(case_id)).await?;
        sqlx::query(
            "insert into withdrawals (reference, withdrawn_on, forget_on) values ($1, $2, $3) \
             on conflict do nothing",
        )
        .bind(&reference)
        .bind(day(today))
        .bind(day(forget_on))
        .execute(&mut *tx)
        .await?;
        sqlx::query("delete from reporter_sessions where id = $1")
            .bind(session_id.to_vec())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Withdrawal::Withdrawn)
    }

    /// The withdrawal notices, newest first.
    pub async fn withdrawals(&self) -> Result<Vec<WithdrawalRow>> {
        let rows = sqlx::query(
            "select reference, withdrawn_on from withdrawals \
             order by withdrawn_on desc, reference",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(WithdrawalRow {
                    reference: r.try_get("reference")?,
                    withdrawn_on: parse_day(&r.try_get::<String, _>("withdrawn_on")?)?,
                })
            })
            .collect()
    }

    /// Removes the notices whose time has come.
    pub async fn purge_withdrawals(&self, today: Date) -> Result<u64> {
        Ok(sqlx::query("delete from withdrawals where forget_on < $1")
            .bind(day(today))
            .execute(self.writer())
            .await?
            .rows_affected())
    }
}

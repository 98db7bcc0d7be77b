//! Members' content-free notifications: who asked for them at which address, how far
//! their reporter activity has been dealt with, and the day the daily check claimed.

use sqlx::Row;
use time::Date;

use super::{Result, Storage, day, parse_day};

/// An active member who asked to be notified and has not been checked on the day asked about.
#[derive(Debug, Clone)]
pub struct NotifyRow {
    /// The member's id.
    pub member_id: String,
    /// The address as stored; the notifier parses it again before use.
    pub email: String,
    /// The last day whose reporter activity was mailed or found quiet.
    pub covered_through: Date,
}

impl Storage {
    /// Asks for notifications at `email` (replacing an earlier address); activity
    /// counts from the day after `covered_through`. `false` when there is no such member.
    pub async fn set_notify_address(
        &self,
        member_id: &str,
        email: &str,
        covered_through: Date,
    ) -> Result<bool> {
        if self.member_by_id(member_id).await?.is_none() {
            return Ok(false);
        }
        sqlx::query(
            "insert into member_notifications (member_id, email, covered_through, checked_on) \
             values ($1, $2, $3, null) \
             on conflict (member_id) do update set email = excluded.email",
        )
        .bind(member_id)
        .bind(email)
        .bind(day(covered_through))
        .execute(self.writer())
        .await?;
        Ok(true)
    }

    /// Stops a member's notifications and forgets their address; `false` when they had none.
    pub async fn clear_notify_address(&self, member_id: &str) -> Result<bool> {
        let deleted = sqlx::query("delete from member_notifications where member_id = $1")
            .bind(member_id)
            .execute(self.writer())
            .await?
            .rows_affected();
        Ok(deleted == 1)
    }

    /// The address the member asked to be notified at, if any.
    pub async fn notify_address(&self, member_id: &str) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("select email from member_notifications where member_id = $1")
                .bind(member_id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Active members with an address whose daily check has not run on `today`.
    pub async fn notify_due(&self, today: Date) -> Result<Vec<NotifyRow>> {
        let rows = sqlx::query(
            "select n.member_id, n.email, n.covered_through from member_notifications n \
             join members m on m.id = n.member_id \
             where m.active = 1 and (n.checked_on is null or n.checked_on < $1) \
             order by n.member_id",
        )
        .bind(day(today))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let covered: String = r.try_get("covered_through")?;
                Ok(NotifyRow {
                    member_id: r.try_get("member_id")?,
                    email: r.try_get("email")?,
                    covered_through: parse_day(&covered)?,
                })
            })
            .collect()
    }

    /// Claims `today`'s check for a member; `false` when it already ran today (here or
    /// in another portal on the same database), so a member gets at most one mail a day.
    pub async fn claim_notify_day(&self, member_id: &str, today: Date) -> Result<bool> {
        let claimed = sqlx::query(
            "update member_notifications set checked_on = $1 \
             where member_id = $2 and (checked_on is null or checked_on < $1)",
        )
        .bind(day(today))
        .bind(member_id)
        .execute(self.writer())
        .await?
        .rows_affected();
        Ok(claimed == 1)
    }

    /// Records that reporter activity through `through` has been mailed or found quiet.
    pub async fn mark_notify_covered(&self, member_id: &str, through: Date) -> Result<()> {
        sqlx::query("update member_notifications set covered_through = $1 where member_id = $2")
            .bind(day(through))
            .bind(member_id)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// Whether a reporter wrote anything (a report or a follow-up) on a day after
    /// `after`, up to and including `through`.
    pub async fn reporter_activity_between(&self, after: Date, through: Date) -> Result<bool> {
        let n: i64 = sqlx::query_scalar(
            "select count(*) from messages \
             where author_kind = 'reporter' and written_on > $1 and written_on <= $2",
        )
        .bind(day(after))
        .bind(day(through))
        .fetch_one(&self.pool)
        .await?;
        Ok(n > 0)
    }
}

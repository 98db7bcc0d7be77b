//! Committee members, their sign-in challenges and their session tokens (hashed).

use sqlx::Row;
use time::Date;

use super::{Outcome, Result, Storage, day, parse_day};

/// A committee member.
#[derive(Debug, Clone)]
pub struct MemberRow {
    /// Random id (16 bytes, hex).
    pub id: String,
    /// The name colleagues know them by.
    pub name: String,
    /// Their public key (age1…), which messages are sealed to.
    pub recipient: String,
    /// Whether they can sign in and are sealed to.
    pub active: bool,
    /// The day they were added.
    pub added_on: Date,
}

fn member_from_row(r: &sqlx::any::AnyRow) -> Result<MemberRow> {
    let added_on: String = r.try_get("added_on")?;
    Ok(MemberRow {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        recipient: r.try_get("recipient")?,
        active: r.try_get::<i64, _>("active")? != 0,
        added_on: parse_day(&added_on)?,
    })
}

impl Storage {
    /// Adds a member; `Conflict` when the recipient is already a member's.
    pub async fn add_member(
        &self,
        id: &str,
        name: &str,
        recipient: &str,
        today: Date,
    ) -> Result<Outcome> {
        let inserted = sqlx::query(
            "insert into members (id, name, recipient, active, added_on) values ($1, $2, $3, 1, $4) \
             on conflict do nothing",
        )
        .bind(id)
        .bind(name)
        .bind(recipient)
        .bind(day(today))
        .execute(self.writer())
        .await?
        .rows_affected();
        Ok(if inserted == 1 {
            Outcome::Stored
        } else {
            Outcome::Conflict
        })
    }

    /// Every member, by name.
    pub async fn members(&self) -> Result<Vec<MemberRow>> {
        let rows = sqlx::query(
            "select id, name, recipient, active, added_on from members order by name, id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(member_from_row).collect()
    }

    /// The member with this public key, if any.
    pub async fn member_by_recipient(&self, recipient: &str) -> Result<Option<MemberRow>> {
        let row = sqlx::query(
            "select id, name, recipient, active, added_on from members where recipient = $1",
        )
        .bind(recipient)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(member_from_row).transpose()
    }

    /// A member by id; `None` for an unknown or malformed id.
    pub async fn member_by_id(&self, id: &str) -> Result<Option<MemberRow>> {
        if !super::is_row_id(id) {
            return Ok(None);
        }
        let row =
            sqlx::query("select id, name, recipient, active, added_on from members where id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        row.as_ref().map(member_from_row).transpose()
    }

    /// Enables or disables a member; a disabled member's sessions end at once.
    pub async fn set_member_active(&self, id: &str, active: bool) -> Result<bool> {
        let mut tx = self.writer().begin().await?;
        let updated = sqlx::query("update members set active = $1 where id = $2")
            .bind(i64::from(active))
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if !active {
            sqlx::query("delete from member_sessions where member_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(updated == 1)
    }

    /// Gives a member a new key and ends their sessions, in one transaction: the
    /// old key can no longer sign in (sign-in finds members by key). `Conflict`
    /// when the new key is already a member's.
    pub async fn rekey_member(&self, id: &str, recipient: &str) -> Result<Outcome> {
        let mut tx = self.writer().begin().await?;
        let taken: Option<String> =
            sqlx::query_scalar("select id from members where recipient = $1")
                .bind(recipient)
                .fetch_optional(&mut *tx)
                .await?;
        if taken.is_some() {
            tx.rollback().await?;
            return Ok(Outcome::Conflict);
        }
        sqlx::query("update members set recipient = $1 where id = $2")
            .bind(recipient)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("delete from member_sessions where member_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Outcome::Stored)
    }

    /// Recipients of the active members, which every new message is sealed to.
    pub async fn active_member_recipients(&self) -> Result<Vec<String>> {
        Ok(
            sqlx::query_scalar("select recipient from members where active = 1 order by id")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// Stores a sign-in challenge: the recipient it was sealed to and a hash of the
    /// answer it expects. Made the same way whether or not the recipient is a member.
    pub async fn create_challenge(
        &self,
        id: &[u8],
        recipient: &str,
        answer_hash: &[u8],
        expires_at: i64,
    ) -> Result<()> {
        sqlx::query(
            "insert into sign_in_challenges (id, recipient, answer_hash, expires_at) values ($1, $2, $3, $4)",
        )
        .bind(id.to_vec())
        .bind(recipient)
        .bind(answer_hash.to_vec())
        .bind(expires_at)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// Removes a challenge and returns it (recipient, answer hash, expiry): a
    /// challenge can be answered once, right or wrong.
    pub async fn take_challenge(&self, id: &[u8]) -> Result<Option<(String, Vec<u8>, i64)>> {
        let row = sqlx::query(
            "delete from sign_in_challenges where id = $1 returning recipient, answer_hash, expires_at",
        )
        .bind(id.to_vec())
        .fetch_optional(self.writer())
        .await?;
        row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .transpose()
    }

    /// Stores a member session: only a hash of its token, until `expires_at`.
    pub async fn create_member_session(
        &self,
        token_hash: &[u8],
        member_id: &str,
        expires_at: i64,
    ) -> Result<()> {
        sqlx::query(
            "insert into member_sessions (token_hash, member_id, expires_at) values ($1, $2, $3)",
        )
        .bind(token_hash.to_vec())
        .bind(member_id)
        .bind(expires_at)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// The active member a live session token belongs to, extending its idle
    /// timeout. The extension is written only when it moves the expiry by more than
    /// a sixteenth of the idle time (at most a minute): a desk at work makes many
    /// requests a second, and a write for each would queue them all behind the
    /// database's one writer. A session may so end up to that much early.
    pub async fn member_for_session(
        &self,
        token_hash: &[u8],
        now: i64,
        idle: i64,
    ) -> Result<Option<MemberRow>> {
        let row = sqlx::query(
            "select m.id, m.name, m.recipient, m.active, m.added_on, s.expires_at \
             from member_sessions s join members m on m.id = s.member_id \
             where s.token_hash = $1 and s.expires_at > $2 and m.active = 1",
        )
        .bind(token_hash.to_vec())
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let member = member_from_row(&row)?;
        let expires_at: i64 = row.try_get("expires_at")?;
        let slack = (idle / 16).min(60);
        if now + idle - expires_at > slack {
            sqlx::query("update member_sessions set expires_at = $1 where token_hash = $2")
                .bind(now + idle)
                .bind(token_hash.to_vec())
                .execute(self.writer())
                .await?;
        }
        Ok(Some(member))
    }

    /// Ends a member session (sign-out).
    pub async fn end_member_session(&self, token_hash: &[u8]) -> Result<()> {
        sqlx::query("delete from member_sessions where token_hash = $1")
            .bind(token_hash.to_vec())
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// Forgets expired member sessions and challenges.
    pub async fn purge_member_auth(&self, now: i64) -> Result<()> {
        sqlx::query("delete from member_sessions where expires_at <= $1")
            .bind(now)
            .execute(self.writer())
            .await?;
        sqlx::query("delete from sign_in_challenges where expires_at <= $1")
            .bind(now)
            .execute(self.writer())
            .await?;
        Ok(())
    }
}

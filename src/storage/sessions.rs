//! Reporter sessions: rows found by a value derived from the session token, holding
//! state sealed to another key derived from it; and forgetting what has expired.

use time::Date;

use super::{Result, Storage, day};

impl Storage {
    /// Stores a new session's sealed state, live until `expires_at`.
    pub async fn create_session(&self, id: &[u8], sealed: &[u8], expires_at: i64) -> Result<()> {
        sqlx::query(
            "insert into reporter_sessions (id, sealed_state, expires_at) values ($1, $2, $3)",
        )
        .bind(id.to_vec())
        .bind(sealed.to_vec())
        .bind(expires_at)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// The sealed state of a session that has not expired at `now`.
    pub async fn live_session(&self, id: &[u8], now: i64) -> Result<Option<Vec<u8>>> {
        Ok(sqlx::query_scalar(
            "select sealed_state from reporter_sessions where id = $1 and expires_at > $2",
        )
        .bind(id.to_vec())
        .bind(now)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Moves a session's idle end to `expires_at`.
    pub async fn touch_session(&self, id: &[u8], expires_at: i64) -> Result<()> {
        sqlx::query("update reporter_sessions set expires_at = $1 where id = $2")
            .bind(expires_at)
            .bind(id.to_vec())
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// Ends a session.
    pub async fn delete_session(&self, id: &[u8]) -> Result<()> {
        sqlx::query("delete from reporter_sessions where id = $1")
            .bind(id.to_vec())
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// Removes expired sessions and form nonces that can no longer be replayed.
    pub async fn purge_expired(&self, now: i64, today: Date) -> Result<()> {
        sqlx::query("delete from reporter_sessions where expires_at <= $1")
            .bind(now)
            .execute(self.writer())
            .await?;
        sqlx::query("delete from used_form_tokens where forget_on < $1")
            .bind(day(today))
            .execute(self.writer())
            .await?;
        Ok(())
    }
}

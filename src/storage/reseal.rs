//! Re-sealing: what is stored sealed to another recipient set than the current
//! one, and the swaps that replace a ciphertext without a moment in which neither
//! the old nor the new one is stored.

use sqlx::Row;

use super::{Result, Storage};

/// A message sealed to another set.
#[derive(Debug, Clone)]
pub struct StaleMessage {
    /// Its position.
    pub seq: i64,
    /// Reporter, reply or note: who must be able to open it.
    pub author_kind: crate::case::AuthorKind,
    /// The set it is sealed to now.
    pub recipients_fp: String,
    /// Its stored size.
    pub bytes: i64,
}

/// A file sealed to another set (or to an unrecorded one).
#[derive(Debug, Clone)]
pub struct StaleAttachment {
    /// The file.
    pub id: String,
    /// The message that lists it.
    pub seq: i64,
    /// Its stored size.
    pub bytes: i64,
}

/// The cases (ids) with a message or claimed file not sealed to `$1`.
macro_rules! stale_cases {
    ($tail:literal) => {
        concat!(
            "select case_id from messages where recipients_fp <> $1 ",
            "union select case_id from attachments where case_id is not null ",
            "and (recipients_fp is null or recipients_fp <> $1)",
            $tail
        )
    };
}

impl Storage {
    /// How many cases hold a ciphertext not sealed to the set `fp`.
    pub async fn stale_case_count(&self, fp: &str) -> Result<i64> {
        Ok(sqlx::query_scalar(concat!(
            "select count(*) from (",
            stale_cases!(""),
            ") as stale"
        ))
        .bind(fp)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Up to `limit` case ids after `after` (in id order) that hold a ciphertext
    /// not sealed to `fp`.
    pub async fn stale_cases(&self, fp: &str, after: &str, limit: i64) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(concat!(
            "select case_id from (",
            stale_cases!(""),
            ") as stale where case_id > $2 order by case_id limit $3"
        ))
        .bind(fp)
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The messages of a case not sealed to `fp`.
    pub async fn stale_messages(&self, case_id: &str, fp: &str) -> Result<Vec<StaleMessage>> {
        let rows = sqlx::query(
            "select seq, author_kind, recipients_fp, length(ciphertext) as bytes from messages \
             where case_id = $1 and recipients_fp <> $2 order by seq",
        )
        .bind(case_id)
        .bind(fp)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get("author_kind")?;
                Ok(StaleMessage {
                    seq: r.try_get("seq")?,
                    author_kind: crate::case::AuthorKind::from_key(&kind)
                        .ok_or(super::StorageError::Corrupt("an author kind"))?,
                    recipients_fp: r.try_get("recipients_fp")?,
                    bytes: r
                        .try_get::<i64, _>("bytes")
                        .or_else(|_| r.try_get::<i32, _>("bytes").map(i64::from))?,
                })
            })
            .collect()
    }

    /// The claimed files of a case not sealed to `fp`.
    pub async fn stale_attachments(&self, case_id: &str, fp: &str) -> Result<Vec<StaleAttachment>> {
        let rows = sqlx::query(
            "select id, seq, stored_bytes from attachments where case_id = $1 \
             and (recipients_fp is null or recipients_fp <> $2) order by seq, id",
        )
        .bind(case_id)
        .bind(fp)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(StaleAttachment {
                    id: r.try_get("id")?,
                    seq: r.try_get("seq")?,
                    bytes: r.try_get("stored_bytes")?,
                })
            })
            .collect()
    }

    /// Who wrote each message of a case, by position: the recipients a
    /// replacement must reach follow from it.
    pub async fn message_kinds(
        &self,
        case_id: &str,
    ) -> Result<std::collections::HashMap<i64, crate::case::AuthorKind>> {
        let rows = sqlx::query("select seq, author_kind from messages where case_id = $1")
            .bind(case_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get(1)?;
                let kind = crate::case::AuthorKind::from_key(&kind)
                    .ok_or(super::StorageError::Corrupt("an author kind"))?;
                Ok((r.try_get(0)?, kind))
            })
            .collect()
    }

    /// Replaces some of a case's messages' ciphertexts and the set they are sealed
    /// to, and appends the audit entry `entry`, in one transaction: readers see all
    /// old rows or all new ones, and the entry is there exactly when the swap is.
    /// False, with nothing changed, when one of the messages does not exist.
    pub async fn replace_messages(
        &self,
        case_id: &str,
        replacements: &[(i64, Vec<u8>)],
        fp: &str,
        entry: &super::audit::NewEntry<'_>,
    ) -> Result<bool> {
        let _audit = self.audit_turn.lock().await;
        for _ in 0..20 {
            let mut tx = self.writer().begin().await?;
            for (seq, ciphertext) in replacements {
                let updated = sqlx::query(
                    "update messages set ciphertext = $1, recipients_fp = $2 \
                     where case_id = $3 and seq = $4",
                )
                .bind(ciphertext.as_slice())
                .bind(fp)
                .bind(case_id)
                .bind(*seq)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if updated != 1 {
                    // Dropping the transaction rolls back what it changed.
                    return Ok(false);
                }
            }
            // Read after this transaction's first write: on SQLite it holds the
            // write lock by now, so the head cannot move before the commit.
            let head = super::audit::read_head(&mut *tx).await?;
            if super::audit::append_after(&mut tx, head, entry).await? == super::Outcome::Stored {
                tx.commit().await?;
                return Ok(true);
            }
            tx.rollback().await?;
        }
        Err(super::StorageError::Corrupt("the audit head kept moving"))
    }

    /// Records which recipients a set's fingerprint stands for (once per set).
    pub async fn remember_set(&self, fp: &str, recipients: &[String]) -> Result<()> {
        let mut tx = self.writer().begin().await?;
        for r in recipients {
            sqlx::query(
                "insert into recipient_sets (fingerprint, recipient) values ($1, $2) \
                 on conflict do nothing",
            )
            .bind(fp)
            .bind(r)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// For one key: how many cases hold a ciphertext sealed to a recorded set with
    /// that key, to a recorded set without it, and to a set never recorded.
    pub async fn cases_by_key(&self, recipient: &str) -> Result<(i64, i64, i64)> {
        let count = |sql: &'static str| {
            sqlx::query_scalar::<_, i64>(sql)
                .bind(recipient)
                .fetch_one(&self.pool)
        };
        let with = count(concat!(
            "select count(distinct case_id) from (",
            "select case_id, recipients_fp as fp from messages union all ",
            "select case_id, recipients_fp as fp from attachments where case_id is not null",
            ") as stored where exists (select 1 from recipient_sets s ",
            "where s.fingerprint = stored.fp and s.recipient = $1)"
        ))
        .await?;
        let without = count(concat!(
            "select count(distinct case_id) from (",
            "select case_id, recipients_fp as fp from messages union all ",
            "select case_id, recipients_fp as fp from attachments where case_id is not null",
            ") as stored where exists (select 1 from recipient_sets s where s.fingerprint = stored.fp) ",
            "and not exists (select 1 from recipient_sets s ",
            "where s.fingerprint = stored.fp and s.recipient = $1)"
        ))
        .await?;
        let unknown = sqlx::query_scalar::<_, i64>(concat!(
            "select count(distinct case_id) from (",
            "select case_id, recipients_fp as fp from messages union all ",
            "select case_id, recipients_fp as fp from attachments where case_id is not null",
            ") as stored where not exists ",
            "(select 1 from recipient_sets s where s.fingerprint = stored.fp)"
        ))
        .fetch_one(&self.pool)
        .await?;
        Ok((with, without, unknown))
    }

    /// Records the set a newly stored file was sealed to.
    pub async fn set_attachment_fp(&self, id: &str, fp: &str) -> Result<()> {
        sqlx::query("update attachments set recipients_fp = $1 where id = $2")
            .bind(fp)
            .bind(id)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// Points the claimed file `id` at the chunks of the pending upload `staged`
    /// and deletes its old chunks, in one transaction: until it commits the old
    /// chunks are the file, after it the new ones. False when `id` is no longer a
    /// file of `case_id` (then the staged upload is dropped).
    pub async fn swap_attachment(
        &self,
        case_id: &str,
        id: &str,
        staged: &str,
        fp: &str,
    ) -> Result<bool> {
        // The staged row is this request's own; read it before the transaction,
        // whose first statement is then a write: on SQLite a transaction that reads
        // first cannot wait for another writer and fails at once when one commits.
        let counts = sqlx::query(
            "select chunk_count, stored_bytes from attachments where id = $1 and case_id is null",
        )
        .bind(staged)
        .fetch_optional(self.writer())
        .await?;
        let Some(counts) = counts else {
            return Ok(false);
        };
        let chunk_count: i64 = counts.try_get("chunk_count")?;
        let stored_bytes: i64 = counts.try_get("stored_bytes")?;
        let mut tx = self.writer().begin().await?;
        let owned = sqlx::query(
            "update attachments set chunk_count = $1, stored_bytes = $2, recipients_fp = $3 \
             where id = $4 and case_id = $5",
        )
        .bind(chunk_count)
        .bind(stored_bytes)
        .bind(fp)
        .bind(id)
        .bind(case_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if owned != 1 {
            tx.rollback().await?;
            self.drop_attachment(staged).await?;
            return Ok(false);
        }
        sqlx::query("delete from attachment_chunks where attachment_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("update attachment_chunks set attachment_id = $1 where attachment_id = $2")
            .bind(id)
            .bind(staged)
            .execute(&mut *tx)
            .await?;
        sqlx::query("delete from attachments where id = $1")
            .bind(staged)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }
}

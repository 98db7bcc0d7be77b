//! Attachment ciphertext in chunk rows. A new attachment is pending until the
//! message that lists it is stored; pending rows nobody claimed are removed.

use sqlx::Row;

use super::{Result, Storage};

/// An attachment row: ciphertext bookkeeping only, never a name or type.
#[derive(Debug, Clone)]
pub struct AttachmentRow {
    /// Random id (16 bytes, hex).
    pub id: String,
    /// The case, once a message claimed it.
    pub case_id: Option<String>,
    /// The case a pending (unclaimed) attachment was uploaded for.
    pub pending_case: Option<String>,
    /// The message that claimed it.
    pub seq: Option<i64>,
    /// How many chunk rows hold its ciphertext.
    pub chunk_count: i64,
    /// Ciphertext bytes stored (of the padded file).
    pub stored_bytes: i64,
}

impl Storage {
    /// Starts a pending attachment meant for `case_id`, to be claimed by `until`.
    pub async fn begin_attachment(&self, id: &str, case_id: &str, until: i64) -> Result<()> {
        sqlx::query(
            "insert into attachments (id, pending_case, pending_until) values ($1, $2, $3)",
        )
        .bind(id)
        .bind(case_id)
        .bind(until)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// Appends one chunk of ciphertext to a pending attachment.
    pub async fn add_chunk(&self, id: &str, idx: i64, data: Vec<u8>) -> Result<()> {
        self.add_chunks(id, idx, vec![data]).await
    }

    /// Appends chunks numbered from `first_idx` in one transaction: on SQLite every
    /// commit is an fsync, and one per 256 KiB chunk was most of an upload's time.
    pub async fn add_chunks(&self, id: &str, first_idx: i64, chunks: Vec<Vec<u8>>) -> Result<()> {
        let count = chunks.len() as i64;
        let len: i64 = chunks.iter().map(|c| c.len() as i64).sum();
        let mut tx = self.writer().begin().await?;
        for (i, data) in chunks.into_iter().enumerate() {
            sqlx::query(
                "insert into attachment_chunks (attachment_id, idx, data) values ($1, $2, $3)",
            )
            .bind(id)
            .bind(first_idx + i as i64)
            .bind(data)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "update attachments set chunk_count = chunk_count + $1, stored_bytes = stored_bytes + $2 \
             where id = $3",
        )
        .bind(count)
        .bind(len)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes an attachment and its chunks (an upload that failed or was refused).
    pub async fn drop_attachment(&self, id: &str) -> Result<()> {
        sqlx::query("delete from attachment_chunks where attachment_id = $1")
            .bind(id)
            .execute(self.writer())
            .await?;
        sqlx::query("delete from attachments where id = $1")
            .bind(id)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// Removes pending attachments whose time ran out (aborted uploads, crashes).
    pub async fn purge_pending_attachments(&self, now: i64) -> Result<u64> {
        sqlx::query(
            "delete from attachment_chunks where attachment_id in \
             (select id from attachments where case_id is null and pending_until < $1)",
        )
        .bind(now)
        .execute(self.writer())
        .await?;
        Ok(
            sqlx::query("delete from attachments where case_id is null and pending_until < $1")
                .bind(now)
                .execute(self.writer())
                .await?
                .rows_affected(),
        )
    }

    /// An attachment by id; `None` for an unknown or malformed id.
    pub async fn attachment(&self, id: &str) -> Result<Option<AttachmentRow>> {
        if !super::is_row_id(id) {
            return Ok(None);
        }
        let row = sqlx::query(
            "select id, case_id, pending_case, seq, chunk_count, stored_bytes from attachments where id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(AttachmentRow {
                id: r.try_get("id")?,
                case_id: r.try_get("case_id")?,
                pending_case: r.try_get("pending_case")?,
                seq: r.try_get("seq")?,
                chunk_count: r.try_get("chunk_count")?,
                stored_bytes: r.try_get("stored_bytes")?,
            })
        })
        .transpose()
    }

    /// Attachments of a case's messages: (seq, attachment).
    pub async fn attachments_of_case(&self, case_id: &str) -> Result<Vec<AttachmentRow>> {
        let rows = sqlx::query(
            "select id, case_id, pending_case, seq, chunk_count, stored_bytes from attachments \
             where case_id = $1 order by seq, id",
        )
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AttachmentRow {
                    id: r.try_get("id")?,
                    case_id: r.try_get("case_id")?,
                    pending_case: r.try_get("pending_case")?,
                    seq: r.try_get("seq")?,
                    chunk_count: r.try_get("chunk_count")?,
                    stored_bytes: r.try_get("stored_bytes")?,
                })
            })
            .collect()
    }

    /// Chunk `idx` of an attachment's ciphertext.
    pub async fn chunk(&self, id: &str, idx: i64) -> Result<Option<Vec<u8>>> {
        Ok(sqlx::query_scalar(
            "select data from attachment_chunks where attachment_id = $1 and idx = $2",
        )
        .bind(id)
        .bind(idx)
        .fetch_optional(&self.pool)
        .await?)
    }
}

/// Claims pending attachments for a message inside its transaction; false when one
/// is missing, already claimed or meant for another case.
pub(super) async fn claim(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    case_id: &str,
    seq: i64,
    ids: &[String],
    fp: &str,
) -> Result<bool> {
    for id in ids {
        // A file whose upload recorded its set keeps it; one that did not is
        // taken to be sealed with its message.
        let claimed = sqlx::query(
            "update attachments set case_id = $1, seq = $2, pending_case = null, pending_until = null, \
             recipients_fp = coalesce(recipients_fp, $4) \
             where id = $3 and case_id is null and pending_case = $1",
        )
        .bind(case_id)
        .bind(seq)
        .bind(id)
        .bind(fp)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if claimed != 1 {
            return Ok(false);
        }
    }
    Ok(true)
}

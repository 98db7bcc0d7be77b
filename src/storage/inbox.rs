//! The committee's inbox: every case with what a member has not read yet, the
//! reports the desk decrypts for its columns, and the per-member read marks (member,
//! case and the last message number seen; nothing else).

use sqlx::Row;

use super::cases::{CaseSummary, case_from_row};
use super::{Result, Storage, is_row_id};

impl Storage {
    /// Every case, oldest first, with its count of reporter messages `member_id` has not seen.
    pub async fn list_cases(&self, member_id: &str) -> Result<Vec<CaseSummary>> {
        let rows = sqlx::query(concat!(
            "select c.id, c.reference, c.lookup, c.reporter_recipient, c.status, c.close_reason, ",
            "c.received_on, c.acknowledged_on, c.feedback_due_on, c.closed_on, c.assigned_member, ",
            "(select count(*) from messages m where m.case_id = c.id ",
            "and m.author_kind = 'reporter' and m.seq > coalesce((select r.last_seq ",
            "from member_reads r where r.member_id = $1 and r.case_id = c.id), 0)) as unread ",
            "from cases c order by c.received_on, c.reference"
        ))
        .bind(member_id)
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

    /// The highest sequence number of a case `member_id` has seen (0: none).
    pub async fn read_mark(&self, member_id: &str, case_id: &str) -> Result<i64> {
        let seq: Option<i64> = sqlx::query_scalar(
            "select last_seq from member_reads where member_id = $1 and case_id = $2",
        )
        .bind(member_id)
        .bind(case_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(seq.unwrap_or(0))
    }

    /// The report (first message) of each listed case that has one; 100 ids a query.
    pub async fn reports(&self, case_ids: &[String]) -> Result<Vec<(String, Vec<u8>)>> {
        let ids: Vec<&String> = case_ids.iter().filter(|id| is_row_id(id)).collect();
        let mut out = Vec::with_capacity(ids.len());
        for batch in ids.chunks(100) {
            // Only numbered placeholders are added to the text; every value is bound.
            let placeholders: Vec<String> = (1..=batch.len()).map(|n| format!("${n}")).collect();
            let sql = format!(
                "select case_id, ciphertext from messages where seq = 1 and case_id in ({})",
                placeholders.join(", ")
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for id in batch {
                query = query.bind(id.as_str());
            }
            for row in query.fetch_all(&self.pool).await? {
                out.push((row.try_get("case_id")?, row.try_get("ciphertext")?));
            }
        }
        Ok(out)
    }

    /// Moves `member_id`'s read mark of a case up to `up_to`, never back nor past the end.
    pub async fn mark_read(&self, member_id: &str, case_id: &str, up_to: i64) -> Result<()> {
        let last = self.next_seq(case_id).await? - 1;
        let up_to = up_to.min(last);
        if up_to < 1 {
            return Ok(());
        }
        sqlx::query(
            "insert into member_reads (member_id, case_id, last_seq) values ($1, $2, $3) \
             on conflict (member_id, case_id) do update set last_seq = case \
             when excluded.last_seq > member_reads.last_seq then excluded.last_seq \
             else member_reads.last_seq end",
        )
        .bind(member_id)
        .bind(case_id)
        .bind(up_to)
        .execute(self.writer())
        .await?;
        Ok(())
    }
}

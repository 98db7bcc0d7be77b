//! Conflicts of interest: the members a reporter left out of a case. Written with
//! the case in one transaction, read to decide whom a case's messages are sealed to
//! and who may see more than that the case exists.

use sqlx::Row;

use super::{Result, Storage, is_row_id};

impl Storage {
    /// The ids of the members left out of a case.
    pub async fn excluded_members(&self, case_id: &str) -> Result<Vec<String>> {
        if !is_row_id(case_id) {
            return Ok(Vec::new());
        }
        Ok(sqlx::query_scalar(
            "select member_id from case_exclusions where case_id = $1 order by member_id",
        )
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Every exclusion: (case id, member id), for the inbox of all cases at once.
    pub async fn all_exclusions(&self) -> Result<Vec<(String, String)>> {
        let rows = sqlx::query("select case_id, member_id from case_exclusions")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("case_id")?, r.try_get("member_id")?)))
            .collect()
    }

    /// The ids of the cases whose reporter left `member_id` out.
    pub async fn cases_excluding(&self, member_id: &str) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "select case_id from case_exclusions where member_id = $1 order by case_id",
        )
        .bind(member_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Whether `member_id` was left out of the case.
    pub async fn is_excluded(&self, case_id: &str, member_id: &str) -> Result<bool> {
        let n: i64 = sqlx::query_scalar(
            "select count(*) from case_exclusions where case_id = $1 and member_id = $2",
        )
        .bind(case_id)
        .bind(member_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(n > 0)
    }
}

/// Records the exclusions of a new case inside its transaction.
pub(super) async fn insert_exclusions(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    case_id: &str,
    member_ids: &[String],
) -> Result<()> {
    for member_id in member_ids {
        sqlx::query("insert into case_exclusions (case_id, member_id) values ($1, $2)")
            .bind(case_id)
            .bind(member_id.as_str())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

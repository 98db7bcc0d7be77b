//! The audit log: every member action, hash-chained. Each entry's hash covers the
//! previous entry's hash, and the newest hash is also kept in `settings`, so an
//! edited, deleted, inserted or reordered entry — or a cut-off tail — is detected.

use sqlx::Row;

use super::{Outcome, Result, Storage, StorageError};
use crate::crypto;

const HEAD: &str = "audit_head";

/// One member action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// When (Unix seconds).
    pub at: i64,
    /// Who, when a member did it.
    pub member_id: Option<String>,
    /// What was done.
    pub action: String,
    /// The case reference it was about, if any.
    pub case_ref: Option<String>,
}

/// Where verification found the chain broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditProblem {
    /// An entry is missing or out of order.
    #[error("entry {0} is missing or out of order")]
    Gap(i64),
    /// An entry does not follow the one before it.
    #[error("entry {0} does not follow the entry before it")]
    Broken(i64),
    /// An entry's content was changed.
    #[error("entry {0} was altered")]
    Altered(i64),
    /// The newest entries were removed.
    #[error("the newest entries were removed (the chain ends before its recorded head)")]
    Truncated,
}

fn entry_hash(prev: &[u8], e: &AuditEntry) -> [u8; 32] {
    let field = |s: &Option<String>| s.clone().unwrap_or_default();
    crypto::chain_hash(
        prev,
        &[
            &e.seq.to_be_bytes(),
            &e.at.to_be_bytes(),
            field(&e.member_id).as_bytes(),
            e.action.as_bytes(),
            field(&e.case_ref).as_bytes(),
        ],
    )
}

impl Storage {
    /// Appends an entry after the current head. Within this process appends take
    /// turns; when another process (a second portal, the command line) wrote
    /// between reading the head and writing, it tries again after a short pause.
    pub async fn audit(
        &self,
        at: i64,
        member_id: Option<&str>,
        action: &str,
        case_ref: Option<&str>,
    ) -> Result<()> {
        let _turn = self.audit_turn.lock().await;
        for attempt in 0..20u32 {
            if self.try_audit(at, member_id, action, case_ref).await? == Outcome::Stored {
                return Ok(());
            }
            // Spread the next try so two processes do not collide again in step.
            let pause = u64::from(crypto::random_bytes::<1>()[0]) % (2 + u64::from(attempt) * 4);
            tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
        }
        Err(StorageError::Corrupt("the audit head kept moving"))
    }

    async fn try_audit(
        &self,
        at: i64,
        member_id: Option<&str>,
        action: &str,
        case_ref: Option<&str>,
    ) -> Result<Outcome> {
        let head = read_head(self.writer()).await?;
        let mut tx = self.writer().begin().await?;
        let entry = NewEntry {
            at,
            member_id,
            action,
            case_ref,
        };
        if append_after(&mut tx, head, &entry).await? == Outcome::Stored {
            tx.commit().await?;
            Ok(Outcome::Stored)
        } else {
            tx.rollback().await?;
            Ok(Outcome::Conflict)
        }
    }

    /// Entries about one case, oldest first.
    pub async fn audit_for_case(&self, case_ref: &str) -> Result<Vec<AuditEntry>> {
        let rows = sqlx::query(
            "select seq, at, member_id, action, case_ref from audit_log where case_ref = $1 order by seq",
        )
        .bind(case_ref)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(entry_from_row).collect()
    }

    /// Checks the whole chain; returns the number of entries when it is intact.
    pub async fn verify_audit(&self) -> Result<std::result::Result<i64, AuditProblem>> {
        let rows = sqlx::query(
            "select seq, at, member_id, action, case_ref, prev_hash, hash from audit_log order by seq",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut prev = vec![0u8; 32];
        let mut expected_seq = 1;
        for r in &rows {
            let entry = entry_from_row(r)?;
            let stored_prev: Vec<u8> = r.try_get("prev_hash")?;
            let stored_hash: Vec<u8> = r.try_get("hash")?;
            if entry.seq != expected_seq {
                return Ok(Err(AuditProblem::Gap(expected_seq)));
            }
            if stored_prev != prev {
                return Ok(Err(AuditProblem::Broken(entry.seq)));
            }
            if entry_hash(&prev, &entry).as_slice() != stored_hash.as_slice() {
                return Ok(Err(AuditProblem::Altered(entry.seq)));
            }
            prev = stored_hash;
            expected_seq += 1;
        }
        let head: Option<Vec<u8>> =
            sqlx::query_scalar("select value from settings where name = $1")
                .bind(HEAD)
                .fetch_optional(&self.pool)
                .await?;
        let count = expected_seq - 1;
        let intact = match head {
            None => count == 0,
            Some(h) => h.len() == 40 && h[..8] == count.to_be_bytes() && h[8..] == prev[..],
        };
        Ok(if intact {
            Ok(count)
        } else {
            Err(AuditProblem::Truncated)
        })
    }
}

fn entry_from_row(r: &sqlx::any::AnyRow) -> Result<AuditEntry> {
    Ok(AuditEntry {
        seq: r.try_get("seq")?,
        at: r.try_get("at")?,
        member_id: r.try_get("member_id")?,
        action: r.try_get("action")?,
        case_ref: r.try_get("case_ref")?,
    })
}

/// An entry to append along with another change, in its transaction.
pub struct NewEntry<'a> {
    /// When (Unix seconds).
    pub at: i64,
    /// Who, when a member did it.
    pub member_id: Option<&'a str>,
    /// What was done.
    pub action: &'a str,
    /// The case reference it was about, if any.
    pub case_ref: Option<&'a str>,
}

/// The chain's head as stored (sequence number and hash), `None` before the first
/// entry.
pub(super) async fn read_head<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
) -> Result<Option<Vec<u8>>> {
    Ok(
        sqlx::query_scalar("select value from settings where name = $1")
            .bind(HEAD)
            .fetch_optional(conn)
            .await?,
    )
}

/// Appends `entry` after `head` inside `tx` and moves the head; `Conflict` (the
/// caller rolls back) when another writer moved the head since it was read.
pub(super) async fn append_after(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    head: Option<Vec<u8>>,
    new: &NewEntry<'_>,
) -> Result<Outcome> {
    let (seq, prev) = match &head {
        Some(h) if h.len() == 40 => (
            i64::from_be_bytes(h[..8].try_into().expect("8")) + 1,
            h[8..].to_vec(),
        ),
        Some(_) => return Err(StorageError::Corrupt("the audit head")),
        None => (1, vec![0u8; 32]),
    };
    let entry = AuditEntry {
        seq,
        at: new.at,
        member_id: new.member_id.map(str::to_owned),
        action: new.action.to_owned(),
        case_ref: new.case_ref.map(str::to_owned),
    };
    let hash = entry_hash(&prev, &entry);
    let mut new_head = seq.to_be_bytes().to_vec();
    new_head.extend_from_slice(&hash);
    let inserted = sqlx::query(
        "insert into audit_log (seq, at, member_id, action, case_ref, prev_hash, hash) \
         values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing",
    )
    .bind(seq)
    .bind(new.at)
    .bind(new.member_id)
    .bind(new.action)
    .bind(new.case_ref)
    .bind(prev)
    .bind(hash.to_vec())
    .execute(&mut **tx)
    .await?
    .rows_affected();
    let moved = match &head {
        None => {
            sqlx::query("insert into settings (name, value) values ($1, $2) on conflict do nothing")
                .bind(HEAD)
                .bind(new_head)
                .execute(&mut **tx)
                .await?
                .rows_affected()
        }
        Some(old) => sqlx::query("update settings set value = $1 where name = $2 and value = $3")
            .bind(new_head)
            .bind(HEAD)
            .bind(old.clone())
            .execute(&mut **tx)
            .await?
            .rows_affected(),
    };
    Ok(if inserted == 1 && moved == 1 {
        Outcome::Stored
    } else {
        Outcome::Conflict
    })
}

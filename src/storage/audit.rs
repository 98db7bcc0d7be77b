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
    /// Appends an entry after the current head; retries when another writer won.
    pub async fn audit(
        &self,
        at: i64,
        member_id: Option<&str>,
        action: &str,
        case_ref: Option<&str>,
    ) -> Result<()> {
        for _ in 0..20 {
            if self.try_audit(at, member_id, action, case_ref).await? == Outcome::Stored {
                return Ok(());
            }
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
        let head: Option<Vec<u8>> =
            sqlx::query_scalar("select value from settings where name = $1")
                .bind(HEAD)
                .fetch_optional(&self.pool)
                .await?;
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
            at,
            member_id: member_id.map(str::to_owned),
            action: action.to_owned(),
            case_ref: case_ref.map(str::to_owned),
        };
        let hash = entry_hash(&prev, &entry);
        let mut new_head = seq.to_be_bytes().to_vec();
        new_head.extend_from_slice(&hash);

        let mut tx = self.pool.begin().await?;
        let inserted = sqlx::query(
            "insert into audit_log (seq, at, member_id, action, case_ref, prev_hash, hash) \
             values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing",
        )
        .bind(seq)
        .bind(at)
        .bind(member_id)
        .bind(action)
        .bind(case_ref)
        .bind(prev.clone())
        .bind(hash.to_vec())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let moved = match &head {
            None => sqlx::query(
                "insert into settings (name, value) values ($1, $2) on conflict do nothing",
            )
            .bind(HEAD)
            .bind(new_head)
            .execute(&mut *tx)
            .await?
            .rows_affected(),
            Some(old) => {
                sqlx::query("update settings set value = $1 where name = $2 and value = $3")
                    .bind(new_head)
                    .bind(HEAD)
                    .bind(old.clone())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
            }
        };
        if inserted == 1 && moved == 1 {
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

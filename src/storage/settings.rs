//! The settings table and the whole database: installation secrets, backup,
//! integrity check and counts.

use super::{Result, Storage, StorageError};

/// The secrets made at first start and kept in the database, so every instance on
/// the same database derives the same lookups and accepts the same forms.
pub struct InstallationSecrets {
    /// Salt of the pickup-code derivations.
    pub salt: [u8; 32],
    /// Key of the form tokens' MAC.
    pub form_key: [u8; 32],
}

impl Storage {
    /// Reads the installation secrets, making them at first start. Safe when several
    /// instances start at once: the first insert wins and everyone reads it back.
    pub async fn installation_secrets(&self) -> Result<InstallationSecrets> {
        Ok(InstallationSecrets {
            salt: self.setting_or_create("installation_salt").await?,
            form_key: self.setting_or_create("form_token_key").await?,
        })
    }

    async fn setting_or_create(&self, name: &'static str) -> Result<[u8; 32]> {
        let fresh = crate::crypto::random_bytes::<32>();
        sqlx::query(
            "insert into settings (name, value) values ($1, $2) on conflict (name) do nothing",
        )
        .bind(name)
        .bind(fresh.to_vec())
        .execute(self.writer())
        .await?;
        let value: Vec<u8> = sqlx::query_scalar("select value from settings where name = $1")
            .bind(name)
            .fetch_one(self.writer())
            .await?;
        value
            .try_into()
            .map_err(|_| StorageError::Corrupt("an installation secret"))
    }

    /// Writes a consistent copy of a SQLite database to `path` while it is in use
    /// (`VACUUM INTO`): ciphertext and metadata only, like the database itself.
    pub async fn backup_into(&self, path: &str) -> Result<()> {
        sqlx::query("vacuum into $1")
            .bind(path)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// SQLite's own consistency check.
    pub async fn integrity_ok(&self) -> Result<bool> {
        let result: String = sqlx::query_scalar("pragma integrity_check")
            .fetch_one(&self.pool)
            .await?;
        Ok(result == "ok")
    }

    /// Number of cases and messages, for what a restore reports.
    pub async fn counts(&self) -> Result<(i64, i64)> {
        let cases: i64 = sqlx::query_scalar("select count(*) from cases")
            .fetch_one(&self.pool)
            .await?;
        let messages: i64 = sqlx::query_scalar("select count(*) from messages")
            .fetch_one(&self.pool)
            .await?;
        Ok((cases, messages))
    }
}

//! Every SQL statement of meldpunt, for SQLite and PostgreSQL through sqlx's Any
//! driver with `$n` placeholders. Only ciphertext and the plaintext columns the
//! workflow needs (dates to the day, statuses, random ids and references, derived
//! lookup values) pass through here; what a reporter or member wrote never does.
//!
//! One file per table or concern: `cases.rs` (cases and messages), `inbox.rs` (the
//! committee's inbox and read marks), `sessions.rs`
//! (reporter sessions), `settings.rs` (installation secrets and whole-database
//! operations), `counters.rs` (the report ceiling's refusals per day, and the
//! limits and housekeeping cycles instances share), `members.rs`, `notifications.rs`
//! (members' content-free notifications), `exclusions.rs` (members a reporter left
//! out of a case), `audit.rs`, `attachments.rs` and `withdrawals.rs`, `reseal.rs`
//! (what is sealed to an outdated set, and the swaps that replace it);
//! `inventory.rs` lists every column with its class and
//! privacy-statement entry. This file holds the
//! connection, the error type and the helpers they share.

mod attachments;
mod audit;
mod cases;
mod counters;
mod exclusions;
mod inbox;
pub mod inventory;
mod members;
mod notifications;
mod reseal;
mod sessions;
mod settings;
mod withdrawals;

pub use attachments::AttachmentRow;
pub use audit::{AuditEntry, AuditProblem, NewEntry};
pub use cases::{CaseRow, CaseSummary, FormNonce, MessageRow, NewCase, NewMessage};
pub use members::MemberRow;
pub use notifications::NotifyRow;
pub use reseal::{StaleAttachment, StaleMessage};
pub use settings::InstallationSecrets;
pub use withdrawals::{Withdrawal, WithdrawalRow};

use std::path::Path;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};
use time::Date;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// Why a database operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The database cannot be reached or cannot write (connection lost, disk full):
    /// the portal answers 503 and recovers when it is back.
    #[error("the database is unavailable: {0}")]
    Unavailable(sqlx::Error),
    /// Any other database error.
    #[error("database error: {0}")]
    Database(sqlx::Error),
    /// A migration failed at start-up.
    #[error("database migration failed: {0}")]
    Migrate(sqlx::migrate::MigrateError),
    /// A database URL that is neither SQLite nor PostgreSQL.
    #[error("unsupported database URL (use sqlite://PATH or postgres://…)")]
    UnsupportedUrl,
    /// The directory for the SQLite file could not be made.
    #[error("cannot create the directory for the SQLite file: {0}")]
    Directory(std::io::Error),
    /// A stored value does not parse; the text names the column.
    #[error("a stored value is malformed: {0}")]
    Corrupt(&'static str),
}

impl From<sqlx::migrate::MigrateError> for StorageError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        StorageError::Migrate(e)
    }
}

impl From<sqlx::Error> for StorageError {
    fn from(e: sqlx::Error) -> Self {
        let unavailable = match &e {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
            sqlx::Error::Database(db) => {
                // SQLITE_FULL, SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_BUSY; PostgreSQL
                // classes 08 (connection), 53 (resources), 57P (shutdown).
                let code = db.code().unwrap_or_default();
                matches!(code.as_ref(), "13" | "10" | "14" | "5")
                    || code.starts_with("08")
                    || code.starts_with("53")
                    || code.starts_with("57P")
            }
            _ => false,
        };
        if unavailable {
            StorageError::Unavailable(e)
        } else {
            StorageError::Database(e)
        }
    }
}

/// The result of a storage operation.
pub type Result<T> = std::result::Result<T, StorageError>;

/// How a write that can meet a concurrent writer ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It was stored.
    Stored,
    /// The form token was already used: nothing was stored.
    FormAlreadyUsed,
    /// A unique value (reference, sequence number) was taken meanwhile: nothing was
    /// stored; the caller retries with a new one.
    Conflict,
}

/// Pool settings: at most `max` connections, each set up for meldpunt.
fn pool_options(max: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(Duration::from_secs(5))
        .after_connect(|conn, _| {
            Box::pin(async move {
                if conn.backend_name() == "SQLite" {
                    // The page size counts only for a new, empty database (first,
                    // before WAL mode): 32 KiB pages write the chunk rows of large
                    // files about twice as fast as 4 KiB ones with the same
                    // fsyncs, and small commits are no slower. An existing
                    // database keeps its page size.
                    conn.execute(
                        "pragma page_size = 32768; \
                         pragma journal_mode = wal; pragma synchronous = full; \
                         pragma busy_timeout = 5000; pragma foreign_keys = on; \
                         pragma secure_delete = on;",
                    )
                    .await?;
                }
                Ok(())
            })
        })
}

/// The database: a connection pool for SQLite or PostgreSQL, cheap to clone.
#[derive(Clone)]
pub struct Storage {
    pool: AnyPool,
    /// SQLite: the one connection that writes, see [`Storage::writer`].
    writer: Option<AnyPool>,
    /// PostgreSQL (some statements differ, e.g. per-transaction settings).
    postgres: bool,
    /// Audit entries of this process are appended one at a time: the chain allows
    /// one next entry, and a crowd of concurrent requests retrying against each
    /// other could give up. Other processes are met by the retry in `audit`.
    audit_turn: std::sync::Arc<tokio::sync::Mutex<()>>,
}

fn day(d: Date) -> String {
    d.to_string()
}

fn parse_day(s: &str) -> Result<Date> {
    Date::parse(s, &time::format_description::well_known::Iso8601::DATE)
        .map_err(|_| StorageError::Corrupt("a date column"))
}

fn parse_opt_day(s: Option<String>) -> Result<Option<Date>> {
    s.as_deref().map(parse_day).transpose()
}

/// Path of the SQLite file in a `sqlite:` URL (without query).
fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    Some(rest.split('?').next().unwrap_or(rest))
}

/// Whether `s` can be one of our row ids (16 random bytes in hex). Lookups by an
/// id from a request answer "no such row" for anything else without asking the
/// database: PostgreSQL refuses a NUL in text with an error rather than finding
/// nothing.
pub(crate) fn is_row_id(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

impl Storage {
    /// Connects, sets SQLite to WAL with full fsync, and runs the migrations.
    pub async fn connect(url: &str) -> Result<Self> {
        let storage = Self::open(url).await?;
        let migrator = if url.starts_with("sqlite:") {
            &SQLITE_MIGRATIONS
        } else {
            &POSTGRES_MIGRATIONS
        };
        migrator.run(&storage.pool).await?;
        Ok(storage)
    }

    /// Closes the pool (a SQLite file is checkpointed and its WAL removed).
    pub async fn close(self) {
        self.pool.close().await;
        if let Some(w) = &self.writer {
            w.close().await;
        }
    }

    /// Connects without running migrations (to inspect a backup as it is).
    pub async fn open(url: &str) -> Result<Self> {
        install_default_drivers();
        let sqlite = url.starts_with("sqlite:");
        if !sqlite && !url.starts_with("postgres://") && !url.starts_with("postgresql://") {
            return Err(StorageError::UnsupportedUrl);
        }
        let url = if let Some(path) = sqlite_path(url) {
            if let Some(parent) = Path::new(path)
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
            {
                std::fs::create_dir_all(parent).map_err(StorageError::Directory)?;
            }
            if url.contains('?') {
                url.to_owned()
            } else {
                format!("{url}?mode=rwc")
            }
        } else {
            url.to_owned()
        };
        let pool = pool_options(if sqlite { 4 } else { 10 })
            .connect(&url)
            .await?;
        // SQLite: one connection for every write, so the pages it writes stay in
        // its cache (another connection's commit empties a connection's cache).
        let writer = match sqlite {
            true => Some(pool_options(1).connect(&url).await?),
            false => None,
        };
        Ok(Self {
            pool,
            writer,
            postgres: !sqlite,
            audit_turn: std::sync::Arc::default(),
        })
    }

    /// Where writes go: on SQLite a pool of one connection. SQLite lets one
    /// connection write at a time and has the others try again after sleeping 1,
    /// 2, 5, 10… ms (with a desk's concurrent requests the portal spent most of a
    /// re-seal asleep); waiting for the pool's one connection, the next writer
    /// starts the moment the previous one is done. Its page cache also stays warm:
    /// a connection's cache is emptied whenever another connection commits. A
    /// method holding the writer (in a transaction) must not call another that
    /// writes. PostgreSQL writes rows concurrently and uses the one pool.
    fn writer(&self) -> &AnyPool {
        self.writer.as_ref().unwrap_or(&self.pool)
    }

    /// Whether the database answers; for health checks.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("select 1").execute(&self.pool).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_error_is_shown_once() {
        let e = StorageError::from(sqlx::Error::PoolTimedOut);
        assert!(matches!(e, StorageError::Unavailable(_)));
        let cause = sqlx::Error::PoolTimedOut.to_string();
        let shown = e.to_string();
        assert_eq!(shown.matches(&cause).count(), 1, "{shown}");
        // The message names it, so it is not also given as the source (a log that
        // follows the chain would print it twice).
        assert!(std::error::Error::source(&e).is_none());
    }

    #[tokio::test]
    async fn a_new_sqlite_database_gets_32_kib_pages_in_wal_mode() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("p.db").display());
        let storage = Storage::connect(&url).await.unwrap();
        let page: i64 = sqlx::query_scalar("pragma page_size")
            .fetch_one(&storage.pool)
            .await
            .unwrap();
        let mode: String = sqlx::query_scalar("pragma journal_mode")
            .fetch_one(&storage.pool)
            .await
            .unwrap();
        assert_eq!((page, mode.as_str()), (32768, "wal"));
    }
}

//! Every SQL statement of meldpunt, for SQLite and PostgreSQL through sqlx's Any
//! driver with `$n` placeholders. Only ciphertext and the plaintext columns the
//! workflow needs (DESIGN.md §4) pass through here.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor, Row};
use time::Date;

use crate::case::{AuthorKind, CloseReason, Status};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The database cannot be reached or cannot write (connection lost, disk full):
    /// the portal answers 503 and recovers when it is back.
    #[error("the database is unavailable: {0}")]
    Unavailable(#[source] sqlx::Error),
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL (use sqlite://PATH or postgres://…)")]
    UnsupportedUrl,
    #[error("cannot create the directory for the SQLite file: {0}")]
    Directory(#[source] std::io::Error),
    #[error("a stored value is malformed: {0}")]
    Corrupt(&'static str),
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

pub type Result<T> = std::result::Result<T, StorageError>;

/// The secrets made at first start and kept in the database, so every instance on
/// the same database derives the same lookups and accepts the same forms.
pub struct InstallationSecrets {
    pub salt: [u8; 32],
    pub form_key: [u8; 32],
}

#[derive(Debug, Clone)]
pub struct CaseRow {
    pub id: String,
    pub reference: String,
    pub lookup: Vec<u8>,
    pub reporter_recipient: String,
    pub status: Status,
    pub close_reason: Option<CloseReason>,
    pub received_on: Date,
    pub acknowledged_on: Option<Date>,
    pub feedback_due_on: Date,
    pub closed_on: Option<Date>,
    pub assigned_member: Option<String>,
}

#[derive(Debug, Clone)]
pub struct MessageRow {
    pub seq: i64,
    pub author_kind: AuthorKind,
    pub member_id: Option<String>,
    pub committee_read: bool,
    pub written_on: Date,
    pub recipients_fp: String,
    pub ciphertext: Vec<u8>,
}

/// A case with its first message, stored together or not at all.
pub struct NewCase<'a> {
    pub id: &'a str,
    pub reference: &'a str,
    pub lookup: &'a [u8],
    pub reporter_recipient: &'a str,
    pub received_on: Date,
    pub feedback_due_on: Date,
    pub first_message: NewMessage<'a>,
}

pub struct NewMessage<'a> {
    pub seq: i64,
    pub author_kind: AuthorKind,
    /// The member who wrote a committee reply or note.
    pub member_id: Option<&'a str>,
    pub written_on: Date,
    pub recipients_fp: &'a str,
    pub ciphertext: &'a [u8],
    /// Pending attachments this message lists; claimed in the same transaction.
    pub attachments: &'a [String],
}

/// A single-use form token to consume in the same transaction as what it submits.
pub struct FormNonce<'a> {
    pub nonce: &'a [u8],
    pub forget_on: Date,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Stored,
    /// The form token was already used: nothing was stored.
    FormAlreadyUsed,
    /// A unique value (reference, sequence number) was taken meanwhile: nothing was
    /// stored; the caller retries with a new one.
    Conflict,
}

/// The columns `case_from_row` reads, as a literal so queries stay `&'static str`.
macro_rules! case_select {
    ($where:literal) => {
        concat!(
            "select id, reference, lookup, reporter_recipient, status, close_reason, ",
            "received_on, acknowledged_on, feedback_due_on, closed_on, assigned_member ",
            "from cases where ",
            $where
        )
    };
}

mod attachments;
mod audit;
mod committee;
mod members;

pub use attachments::AttachmentRow;
pub use audit::{AuditEntry, AuditProblem};
pub use committee::CaseSummary;
pub use members::MemberRow;

#[derive(Clone)]
pub struct Storage {
    pool: AnyPool,
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
        let pool = AnyPoolOptions::new()
            .max_connections(if sqlite { 4 } else { 10 })
            .acquire_timeout(Duration::from_secs(5))
            .after_connect(|conn, _| {
                Box::pin(async move {
                    if conn.backend_name() == "SQLite" {
                        conn.execute(
                            "pragma journal_mode = wal; pragma synchronous = full; \
                             pragma busy_timeout = 5000; pragma foreign_keys = on; \
                             pragma secure_delete = on;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        Ok(Self { pool })
    }

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
        .execute(&self.pool)
        .await?;
        let value: Vec<u8> = sqlx::query_scalar("select value from settings where name = $1")
            .bind(name)
            .fetch_one(&self.pool)
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

    /// Whether the database answers; for health checks.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("select 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Stores a new case with its first message, consuming the form token, in one
    /// transaction: either all of it is stored or nothing is.
    pub async fn insert_case(&self, case: &NewCase<'_>, form: &FormNonce<'_>) -> Result<Outcome> {
        let mut tx = self.pool.begin().await?;
        if !consume_form_nonce(&mut tx, form).await? {
            tx.rollback().await?;
            return Ok(Outcome::FormAlreadyUsed);
        }
        let inserted = sqlx::query(
            "insert into cases (id, reference, lookup, reporter_recipient, status, received_on, \
             feedback_due_on, last_activity_on) values ($1, $2, $3, $4, $5, $6, $7, $8) \
             on conflict do nothing",
        )
        .bind(case.id)
        .bind(case.reference)
        .bind(case.lookup.to_vec())
        .bind(case.reporter_recipient)
        .bind(Status::Received.key())
        .bind(day(case.received_on))
        .bind(day(case.feedback_due_on))
        .bind(day(case.received_on))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            tx.rollback().await?;
            return Ok(Outcome::Conflict);
        }
        if !insert_message(&mut tx, case.id, &case.first_message).await? {
            tx.rollback().await?;
            return Ok(Outcome::Conflict);
        }
        tx.commit().await?;
        Ok(Outcome::Stored)
    }

    /// Appends a message to a case (and consumes the form token when given).
    pub async fn append_message(
        &self,
        case_id: &str,
        message: &NewMessage<'_>,
        form: Option<&FormNonce<'_>>,
    ) -> Result<Outcome> {
        let mut tx = self.pool.begin().await?;
        if let Some(form) = form
            && !consume_form_nonce(&mut tx, form).await?
        {
            tx.rollback().await?;
            return Ok(Outcome::FormAlreadyUsed);
        }
        if !insert_message(&mut tx, case_id, message).await? {
            tx.rollback().await?;
            return Ok(Outcome::Conflict);
        }
        sqlx::query("update cases set last_activity_on = $1 where id = $2")
            .bind(day(message.written_on))
            .bind(case_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Outcome::Stored)
    }

    /// The sequence number the next message of a case gets.
    pub async fn next_seq(&self, case_id: &str) -> Result<i64> {
        let max: Option<i64> =
            sqlx::query_scalar("select max(seq) from messages where case_id = $1")
                .bind(case_id)
                .fetch_one(&self.pool)
                .await?;
        Ok(max.unwrap_or(0) + 1)
    }

    /// Finds a case by the lookup value derived from a pickup code.
    pub async fn case_by_lookup(&self, lookup: &[u8]) -> Result<Option<CaseRow>> {
        let row = sqlx::query(case_select!("lookup = $1"))
            .bind(lookup.to_vec())
            .fetch_optional(&self.pool)
            .await?;
        let case = row.map(|r| case_from_row(&r)).transpose()?;
        // The index found it by equality; compare again in constant time so the
        // match itself does not depend on where the bytes differ.
        Ok(case.filter(|c| crate::crypto::ct_eq(&c.lookup, lookup)))
    }

    pub async fn case_by_id(&self, id: &str) -> Result<Option<CaseRow>> {
        if !is_row_id(id) {
            return Ok(None);
        }
        let row = sqlx::query(case_select!("id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| case_from_row(&r)).transpose()
    }

    /// All messages of a case in order.
    pub async fn messages(&self, case_id: &str) -> Result<Vec<MessageRow>> {
        let rows = sqlx::query(
            "select seq, author_kind, member_id, committee_read, written_on, recipients_fp, \
             ciphertext from messages where case_id = $1 order by seq",
        )
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get("author_kind")?;
                let written_on: String = r.try_get("written_on")?;
                Ok(MessageRow {
                    seq: r.try_get("seq")?,
                    author_kind: AuthorKind::from_key(&kind)
                        .ok_or(StorageError::Corrupt("an author kind"))?,
                    member_id: r.try_get("member_id")?,
                    committee_read: r.try_get::<i64, _>("committee_read")? != 0,
                    written_on: parse_day(&written_on)?,
                    recipients_fp: r.try_get("recipients_fp")?,
                    ciphertext: r.try_get("ciphertext")?,
                })
            })
            .collect()
    }

    pub async fn create_session(&self, id: &[u8], sealed: &[u8], expires_at: i64) -> Result<()> {
        sqlx::query(
            "insert into reporter_sessions (id, sealed_state, expires_at) values ($1, $2, $3)",
        )
        .bind(id.to_vec())
        .bind(sealed.to_vec())
        .bind(expires_at)
        .execute(&self.pool)
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

    pub async fn touch_session(&self, id: &[u8], expires_at: i64) -> Result<()> {
        sqlx::query("update reporter_sessions set expires_at = $1 where id = $2")
            .bind(expires_at)
            .bind(id.to_vec())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, id: &[u8]) -> Result<()> {
        sqlx::query("delete from reporter_sessions where id = $1")
            .bind(id.to_vec())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Removes expired sessions and form nonces that can no longer be replayed.
    pub async fn purge_expired(&self, now: i64, today: Date) -> Result<()> {
        sqlx::query("delete from reporter_sessions where expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        sqlx::query("delete from used_form_tokens where forget_on < $1")
            .bind(day(today))
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

fn case_from_row(r: &sqlx::any::AnyRow) -> Result<CaseRow> {
    let status: String = r.try_get("status")?;
    let reason: Option<String> = r.try_get("close_reason")?;
    let received_on: String = r.try_get("received_on")?;
    let feedback_due_on: String = r.try_get("feedback_due_on")?;
    Ok(CaseRow {
        id: r.try_get("id")?,
        reference: r.try_get("reference")?,
        lookup: r.try_get("lookup")?,
        reporter_recipient: r.try_get("reporter_recipient")?,
        status: Status::from_key(&status).ok_or(StorageError::Corrupt("a status"))?,
        close_reason: reason.map(|r| CloseReason::from_str(&r)).transpose()?,
        received_on: parse_day(&received_on)?,
        acknowledged_on: parse_opt_day(r.try_get("acknowledged_on")?)?,
        feedback_due_on: parse_day(&feedback_due_on)?,
        closed_on: parse_opt_day(r.try_get("closed_on")?)?,
        assigned_member: r.try_get("assigned_member")?,
    })
}

impl FromStr for CloseReason {
    type Err = StorageError;
    fn from_str(s: &str) -> Result<Self> {
        CloseReason::from_key(s).ok_or(StorageError::Corrupt("a close reason"))
    }
}

/// Inserts the nonce; false when it was there already (the form was sent before).
async fn consume_form_nonce(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    form: &FormNonce<'_>,
) -> Result<bool> {
    let inserted = sqlx::query(
        "insert into used_form_tokens (nonce, forget_on) values ($1, $2) on conflict do nothing",
    )
    .bind(form.nonce.to_vec())
    .bind(day(form.forget_on))
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(inserted == 1)
}

async fn insert_message(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    case_id: &str,
    m: &NewMessage<'_>,
) -> Result<bool> {
    let inserted = sqlx::query(
        "insert into messages (case_id, seq, author_kind, member_id, written_on, recipients_fp, \
         ciphertext) values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing",
    )
    .bind(case_id)
    .bind(m.seq)
    .bind(m.author_kind.key())
    .bind(m.member_id)
    .bind(day(m.written_on))
    .bind(m.recipients_fp)
    .bind(m.ciphertext.to_vec())
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if inserted != 1 {
        return Ok(false);
    }
    attachments::claim(tx, case_id, m.seq, m.attachments).await
}

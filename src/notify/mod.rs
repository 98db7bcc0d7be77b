//! Content-free notifications to committee members (opt-in): once a day, at a fixed
//! hour (UTC), a member who asked for it gets one mail saying that there is new
//! activity on the portal — never which case, how much or when.
//!
//! The mail on day D covers reporter activity (reports and follow-ups) dated up to
//! D − 1 and never D itself. The database keeps every date to the day, so a mail that
//! covered part of today would split a day at the configured hour: a report dated D
//! before the mail and one dated D after it could be told apart by whoever sees both
//! the database and the mail times. Covering whole days only keeps what the mail
//! times reveal at the day. The cost is latency: a report waits for the next day's hour.
//!
//! This is the only outbound connection the portal makes, and only when
//! `--notify-smtp` is set. `mail.rs` talks SMTP; this file holds the settings and
//! the daily scheduler, which takes the time as an argument so tests can move it.

mod mail;

pub use mail::{EmailAddress, MailError, Mailer, SmtpServer};

use std::time::Duration;

use clap::Args;
use time::{Date, OffsetDateTime};

use crate::storage::{Storage, StorageError};

/// Environment variable holding the SMTP user name (never a flag, so it cannot show
/// in a process list).
pub const SMTP_USERNAME_ENV: &str = "MELDPUNT_NOTIFY_SMTP_USERNAME";
/// Environment variable holding the SMTP password.
pub const SMTP_PASSWORD_ENV: &str = "MELDPUNT_NOTIFY_SMTP_PASSWORD";

/// The notification flags of `meldpunt serve`.
#[derive(Debug, Clone, Args)]
pub struct NotifyArgs {
    /// SMTP server for members' content-free notifications; unset (the default) means
    /// no notifications and no outbound connection at all. `smtps://HOST[:PORT]` is
    /// TLS from the start (port 465), `smtp://HOST[:PORT]` requires STARTTLS (port
    /// 587), `smtp+plain://IP:PORT` is unencrypted and accepted only for a loopback
    /// address (a local relay or a test server). Credentials come from the
    /// environment: MELDPUNT_NOTIFY_SMTP_USERNAME and MELDPUNT_NOTIFY_SMTP_PASSWORD.
    #[arg(long, env = "MELDPUNT_NOTIFY_SMTP", value_parser = SmtpServer::parse)]
    pub notify_smtp: Option<SmtpServer>,

    /// Sender address of the notification mail (required with --notify-smtp).
    #[arg(long, env = "MELDPUNT_NOTIFY_FROM", value_parser = EmailAddress::parse)]
    pub notify_from: Option<EmailAddress>,

    /// Hour of the day (0-23, UTC, like every date the database keeps) at which the
    /// notification mail goes out.
    #[arg(long, env = "MELDPUNT_NOTIFY_HOUR", default_value_t = 8,
          value_parser = clap::value_parser!(u8).range(0..=23))]
    pub notify_hour: u8,
}

/// Why the notification settings cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum NotifyConfigError {
    /// A server without a sender address.
    #[error("--notify-smtp needs --notify-from (MELDPUNT_NOTIFY_FROM)")]
    NoSender,
    /// Only one of the two credentials is set.
    #[error("set both {SMTP_USERNAME_ENV} and {SMTP_PASSWORD_ENV}, or neither")]
    HalfCredentials,
    /// The SMTP client could not be built.
    #[error(transparent)]
    Mail(#[from] MailError),
}

impl NotifyArgs {
    /// The notifier these settings describe, with credentials from the environment;
    /// `None` when notifications are off.
    pub fn notifier(&self) -> Result<Option<Notifier>, NotifyConfigError> {
        let Some(server) = &self.notify_smtp else {
            return Ok(None);
        };
        let from = self
            .notify_from
            .clone()
            .ok_or(NotifyConfigError::NoSender)?;
        let user = std::env::var(SMTP_USERNAME_ENV)
            .ok()
            .filter(|v| !v.is_empty());
        let password = std::env::var(SMTP_PASSWORD_ENV)
            .ok()
            .filter(|v| !v.is_empty());
        let credentials = match (user, password) {
            (Some(u), Some(p)) => Some((u, p)),
            (None, None) => None,
            _ => return Err(NotifyConfigError::HalfCredentials),
        };
        let mailer = Mailer::new(server, from, credentials)?;
        Ok(Some(Notifier {
            mailer,
            hour: self.notify_hour,
        }))
    }
}

/// Sends the daily notification mail at a fixed hour.
#[derive(Clone)]
pub struct Notifier {
    /// The SMTP client and sender.
    pub mailer: Mailer,
    /// The hour (UTC) at which mail goes out.
    pub hour: u8,
}

/// What one run of the daily check did, for the log and for tests; counts only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DailyRun {
    /// Members mailed.
    pub sent: usize,
    /// Members with nothing new since their last mail.
    pub quiet: usize,
    /// Members whose mail could not be sent; tried again on the next day.
    pub failed: usize,
}

/// The daily check at `now`: outside the configured hour it does nothing; within it,
/// every active member who asked for notifications and was not checked today yet is
/// claimed for today and mailed when a reporter wrote on a day after their last mail
/// and before today. A failed mail leaves that activity uncovered, so tomorrow's
/// check mails it again.
pub async fn run_due(
    storage: &Storage,
    notifier: &Notifier,
    now: OffsetDateTime,
) -> Result<DailyRun, StorageError> {
    let mut run = DailyRun::default();
    let now = now.to_offset(time::UtcOffset::UTC);
    if now.hour() != notifier.hour {
        return Ok(run);
    }
    let today = now.date();
    let Some(yesterday) = today.previous_day() else {
        return Ok(run);
    };
    for row in storage.notify_due(today).await? {
        if !storage.claim_notify_day(&row.member_id, today).await? {
            continue;
        }
        if !storage
            .reporter_activity_between(row.covered_through, yesterday)
            .await?
        {
            storage
                .mark_notify_covered(&row.member_id, yesterday.max(row.covered_through))
                .await?;
            run.quiet += 1;
            continue;
        }
        let sent = match EmailAddress::parse(&row.email) {
            Ok(to) => {
                notifier
                    .mailer
                    .send(&to, mail_time(today, notifier.hour))
                    .await
            }
            Err(_) => Err(MailError::StoredAddress),
        };
        match sent {
            Ok(()) => {
                storage
                    .mark_notify_covered(&row.member_id, yesterday)
                    .await?;
                run.sent += 1;
            }
            Err(e) => {
                // The reason is a fixed kind: neither the address nor the server's
                // answer (which may quote the address) reaches the log.
                tracing::warn!(
                    reason = e.kind(),
                    "a notification mail could not be sent; it is tried again tomorrow"
                );
                run.failed += 1;
            }
        }
    }
    Ok(run)
}

/// The `Date` of every mail sent on `day`: the configured hour on the hour, so the
/// mail carries nothing finer than the day and a setting everyone may know.
fn mail_time(day: Date, hour: u8) -> OffsetDateTime {
    day.with_hms(hour, 0, 0)
        .unwrap_or_else(|_| day.midnight())
        .assume_utc()
}

/// Runs the daily check every minute until the portal stops. A database or mail
/// failure is logged and tried again later; the portal keeps serving meanwhile.
pub async fn run_daily(storage: Storage, notifier: Notifier) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        match run_due(&storage, &notifier, OffsetDateTime::now_utc()).await {
            Ok(run) if run != DailyRun::default() => tracing::debug!(
                sent = run.sent,
                quiet = run.quiet,
                failed = run.failed,
                "daily notification check done"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "the notification check failed; will retry"),
        }
    }
}

/// The last day counted as told for a member who opts in today: yesterday, so
/// activity from today on is told, in a mail tomorrow at the earliest.
pub fn covered_at_opt_in(today: Date) -> Date {
    today.previous_day().unwrap_or(today)
}

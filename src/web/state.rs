//! What every handler of the portal shares: storage, secrets and the settings the
//! configuration fixed at start-up, built once by `serve`.

use std::str::FromStr;
use std::sync::Arc;

use time::OffsetDateTime;

use super::cookie::CookiePolicy;
use super::error::WebError;
use super::report_form::TextLimits;
use crate::crypto::{Recipient, RecipientSet};
use crate::storage::{InstallationSecrets, Storage};

/// Everything the handlers share.
pub struct AppState {
    /// The database.
    pub storage: Storage,
    /// Recipients from the recipients file (e.g. an offline backup key); the active
    /// members' recipients are added at every sealing, so seal to [`Self::committee`].
    pub(crate) file_recipients: Vec<Recipient>,
    /// The installation's salt and form key.
    pub secrets: InstallationSecrets,
    /// The session cookie's name and attributes.
    pub cookie: CookiePolicy,
    /// Character limits of the report and follow-up.
    pub text_limits: TextLimits,
    /// A reporter session ends after this long unused.
    pub session_idle_secs: i64,
    /// A reporter session ends this long after sign-in.
    pub session_max_secs: i64,
    /// How long a form may stay open.
    pub form_ttl_secs: i64,
    /// The public origin (`scheme://host[:port]`) when configured, for the POST check.
    pub public_origin: Option<String>,
    /// A member session ends after this long unused.
    pub member_idle_secs: i64,
    /// Time to answer a sign-in challenge.
    pub challenge_secs: i64,
    /// Days a closed case is kept.
    pub retention_days: i64,
    /// How many and how large files may be.
    pub file_limits: crate::attachments::FileLimits,
    /// Where upload spools live (the system temp directory when `None`).
    pub spool_dir: Option<std::path::PathBuf>,
    /// Largest body of a form without files.
    pub max_body_bytes: usize,
    /// Who runs the portal: names, contact route, controller, onion address.
    pub site: crate::site::Site,
    /// The ceiling of new reports per hour.
    pub ceiling: super::ceiling::Ceiling,
    /// Fingerprints whose keys this process has recorded (`recipient_sets`), so
    /// each set is written once, not at every sealing.
    pub known_sets: std::sync::Mutex<std::collections::HashSet<String>>,
}

/// The state as handlers get it.
pub type SharedState = Arc<AppState>;

impl AppState {
    /// The recipient set new messages are sealed to: the active members and the
    /// recipients file, read at every sealing so a member change made by another
    /// process or instance applies at once. Without any recipient nothing is accepted.
    pub async fn committee(&self) -> Result<RecipientSet, WebError> {
        let mut all = self.file_recipients.clone();
        for r in self.storage.active_member_recipients().await? {
            let parsed = Recipient::from_str(&r).map_err(|_| WebError::BadStoredRecipient)?;
            if !all.iter().any(|x| x.to_string() == parsed.to_string()) {
                all.push(parsed);
            }
        }
        let set = RecipientSet::new(all).map_err(|_| WebError::NoRecipients)?;
        self.remember(&set).await?;
        Ok(set)
    }

    /// Records once which keys a set's fingerprint stands for, so `member list` can
    /// say who can open what is sealed to it.
    pub async fn remember(&self, set: &RecipientSet) -> Result<(), WebError> {
        let fp = set.fingerprint().to_owned();
        if !self.known_sets.lock().expect("not poisoned").contains(&fp) {
            let keys: Vec<String> = set.recipients().iter().map(ToString::to_string).collect();
            self.storage.remember_set(&fp, &keys).await?;
            self.known_sets.lock().expect("not poisoned").insert(fp);
        }
        Ok(())
    }

    /// The recipient set a case's messages are sealed to: the committee without the
    /// members its reporter left out (conflicts of interest).
    pub async fn committee_for_case(&self, case_id: &str) -> Result<RecipientSet, WebError> {
        let excluded = self.storage.excluded_members(case_id).await?;
        self.committee_without(&excluded).await
    }

    /// The committee without the members whose ids are listed. A left-out member's
    /// current key goes, also where the recipients file lists it too: the exclusion
    /// follows the person, through a new key as well.
    pub async fn committee_without(&self, member_ids: &[String]) -> Result<RecipientSet, WebError> {
        let committee = self.committee().await?;
        if member_ids.is_empty() {
            return Ok(committee);
        }
        let members = self.storage.members().await?;
        let left_out: Vec<&str> = members
            .iter()
            .filter(|m| member_ids.contains(&m.id))
            .map(|m| m.recipient.as_str())
            .collect();
        let set = RecipientSet::new(committee_minus(&committee, &left_out))
            .map_err(|_| WebError::NoRecipients)?;
        self.remember(&set).await?;
        Ok(set)
    }

    /// The committee as the desk pins it: every active member by name, and every
    /// key of the recipients file that is not a member's, unnamed. The same keys
    /// as [`AppState::committee`].
    pub async fn roster(&self) -> Result<Vec<crate::protocol::RosterEntry>, WebError> {
        use crate::protocol::{MemberName, RecipientText, RosterEntry};
        let mut roster = Vec::new();
        for m in self
            .storage
            .members()
            .await?
            .into_iter()
            .filter(|m| m.active)
        {
            roster.push(RosterEntry {
                name: MemberName::parse(&m.name).ok(),
                recipient: RecipientText::parse(&m.recipient)
                    .map_err(|_| WebError::BadStoredRecipient)?,
            });
        }
        for r in &self.file_recipients {
            let text = RecipientText::parse(&r.to_string()).expect("a parsed recipient");
            if !roster.iter().any(|e| e.recipient == text) {
                roster.push(RosterEntry {
                    name: None,
                    recipient: text,
                });
            }
        }
        Ok(roster)
    }

    /// The configured numbers the reporter texts state.
    pub fn numbers(&self) -> crate::i18n::Numbers {
        crate::i18n::Numbers {
            session_idle_secs: self.session_idle_secs,
            session_max_secs: self.session_max_secs,
            retention_days: self.retention_days,
            acknowledge_days: crate::case::ACKNOWLEDGE_DAYS,
            feedback_months: crate::case::FEEDBACK_MONTHS,
        }
    }

    /// The current time (UTC).
    pub fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// The committee's recipients without the listed keys (those of members a reporter
/// left out).
pub fn committee_minus(committee: &RecipientSet, left_out: &[&str]) -> Vec<Recipient> {
    committee
        .recipients()
        .iter()
        .filter(|r| !left_out.contains(&r.to_string().as_str()))
        .cloned()
        .collect()
}

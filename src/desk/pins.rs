//! The pinned committee roster: per portal origin, a file in the desk's state
//! directory holding the roster the member confirmed. The desk seals only to it,
//! and shows any difference from the portal's list as a change to confirm (trust
//! on first use, as SSH's known_hosts).

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::crypto;
use crate::protocol::{RecipientText, RosterEntry, roster};

const FORMAT: &str = "meldpunt desk roster v1";

/// A roster the member confirmed for one portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pin {
    format: String,
    /// The portal's origin, as the desk knows it.
    pub origin: String,
    /// The day it was confirmed.
    pub confirmed_on: time::Date,
    /// The roster.
    pub entries: Vec<RosterEntry>,
}

impl Pin {
    /// The recipients to seal to.
    pub fn recipients(&self) -> Vec<RecipientText> {
        self.entries.iter().map(|e| e.recipient.clone()).collect()
    }

    /// The fingerprint the desk shows for it.
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.entries)
    }
}

/// The fingerprint of a roster as the desk and `meldpunt member list` show it.
pub fn fingerprint(entries: &[RosterEntry]) -> String {
    roster::fingerprint(entries.iter().map(|e| e.recipient.as_str()))
}

/// A digest of a roster with its names, carried by the confirmation form so that
/// the member confirms exactly the list the page showed.
pub fn shown_digest(entries: &[RosterEntry]) -> String {
    let mut lines: Vec<String> = entries
        .iter()
        .map(|e| {
            format!(
                "{}\t{}",
                e.recipient,
                e.name.as_ref().map_or("", |n| n.as_str())
            )
        })
        .collect();
    lines.sort();
    crypto::hex(&crypto::sha256(lines.join("\n").as_bytes()))
}

/// Why the pinned roster could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum PinError {
    /// Reading or writing the state directory failed.
    #[error("cannot read or write the desk's state directory {dir}: {source}")]
    Io {
        /// The state directory.
        dir: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The pin file does not parse, or names another format or origin, or an
    /// empty roster.
    #[error("the pinned roster file {0} is damaged; remove it only if you know why")]
    Damaged(PathBuf),
}

/// Where the pins of this desk live.
pub struct PinStore {
    dir: PathBuf,
}

impl PinStore {
    /// Pins under `dir` (made when the first pin is written).
    pub fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_owned(),
        }
    }

    fn path(&self, origin: &str) -> PathBuf {
        let digest = crypto::sha256(origin.as_bytes());
        self.dir
            .join(format!("roster-{}.json", crypto::hex(&digest[..8])))
    }

    fn io(&self, source: std::io::Error) -> PinError {
        PinError::Io {
            dir: self.dir.clone(),
            source,
        }
    }

    /// The pin for a portal, if the member confirmed one.
    pub fn load(&self, origin: &str) -> Result<Option<Pin>, PinError> {
        let path = self.path(origin);
        let text = match std::fs::read(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(self.io(e)),
        };
        let pin: Pin =
            serde_json::from_slice(&text).map_err(|_| PinError::Damaged(path.clone()))?;
        if pin.format != FORMAT || pin.origin != origin || pin.entries.is_empty() {
            return Err(PinError::Damaged(path));
        }
        Ok(Some(pin))
    }

    /// Pins a roster for a portal, replacing the previous pin atomically.
    pub fn save(&self, origin: &str, entries: Vec<RosterEntry>) -> Result<Pin, PinError> {
        let pin = Pin {
            format: FORMAT.to_owned(),
            origin: origin.to_owned(),
            confirmed_on: time::OffsetDateTime::now_utc().date(),
            entries,
        };
        std::fs::create_dir_all(&self.dir).map_err(|e| self.io(e))?;
        let json = serde_json::to_vec_pretty(&pin).expect("a pin serialises");
        let mut tmp = tempfile::NamedTempFile::new_in(&self.dir).map_err(|e| self.io(e))?;
        tmp.write_all(&json).map_err(|e| self.io(e))?;
        tmp.as_file().sync_all().map_err(|e| self.io(e))?;
        tmp.persist(self.path(origin))
            .map_err(|e| self.io(e.error))?;
        Ok(pin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::MemberName;

    #[test]
    fn a_pin_is_kept_per_origin_and_read_back_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let store = PinStore::new(&dir.path().join("state"));
        assert_eq!(store.load("http://127.0.0.1:1").unwrap(), None);
        let entries = vec![RosterEntry {
            name: Some(MemberName::parse("Anna").unwrap()),
            recipient: RecipientText::parse(&crypto::Identity::generate().to_public().to_string())
                .unwrap(),
        }];
        let pin = store.save("http://127.0.0.1:1", entries.clone()).unwrap();
        assert_eq!(store.load("http://127.0.0.1:1").unwrap(), Some(pin));
        assert_eq!(store.load("http://127.0.0.1:2").unwrap(), None);
    }
}

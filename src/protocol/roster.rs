//! The committee roster: who new messages are sealed to. The portal lists it; the
//! desk pins it and compares every later list with the pin.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::ids::{MemberName, RecipientText};

/// One recipient of the committee: a member by name, or an unnamed key from the
/// server's recipients file (an offline backup key, say).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RosterEntry {
    /// The member's name; `None` for a key from the recipients file.
    pub name: Option<MemberName>,
    /// The key new messages are sealed to.
    pub recipient: RecipientText,
}

/// The fingerprint of a roster: SHA-256 over a tagged, sorted list of its
/// recipients, the first 128 bits in groups of four hex digits. Names do not count:
/// what matters is who can open what is sealed. `meldpunt member list` prints the
/// same value so a member can compare it with what the desk shows.
pub fn fingerprint<'a>(recipients: impl IntoIterator<Item = &'a str>) -> String {
    let mut list: Vec<&str> = recipients.into_iter().collect();
    list.sort_unstable();
    list.dedup();
    let mut hasher = Sha256::new();
    hasher.update(b"meldpunt-roster/v1\n");
    for r in list {
        hasher.update(r.as_bytes());
        hasher.update(b"\n");
    }
    let digest = hasher.finalize();
    crate::crypto::hex(&digest[..16])
        .as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).expect("hex is ASCII"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// How a roster differs from the pinned one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RosterChange {
    /// Recipients that are new (not a new key of a pinned name).
    pub added: Vec<RosterEntry>,
    /// Pinned recipients that are gone (not replaced by a new key of the same name).
    pub removed: Vec<RosterEntry>,
    /// A pinned member whose key changed: (old, new).
    pub rekeyed: Vec<(RosterEntry, RosterEntry)>,
    /// Same key under another name: (old, new).
    pub renamed: Vec<(RosterEntry, RosterEntry)>,
}

impl RosterChange {
    /// Compares a pinned roster with the one the portal now lists.
    pub fn between(pinned: &[RosterEntry], now: &[RosterEntry]) -> Self {
        let has = |list: &[RosterEntry], r: &RecipientText| list.iter().any(|e| &e.recipient == r);
        let mut added: Vec<RosterEntry> = now
            .iter()
            .filter(|e| !has(pinned, &e.recipient))
            .cloned()
            .collect();
        let mut removed: Vec<RosterEntry> = pinned
            .iter()
            .filter(|e| !has(now, &e.recipient))
            .cloned()
            .collect();
        let mut rekeyed = Vec::new();
        removed.retain(|old| {
            let Some(name) = &old.name else { return true };
            match added.iter().position(|n| n.name.as_ref() == Some(name)) {
                Some(i) => {
                    rekeyed.push((old.clone(), added.remove(i)));
                    false
                }
                None => true,
            }
        });
        let renamed = pinned
            .iter()
            .filter_map(|old| {
                now.iter()
                    .find(|n| n.recipient == old.recipient && n.name != old.name)
                    .map(|n| (old.clone(), n.clone()))
            })
            .collect();
        Self {
            added,
            removed,
            rekeyed,
            renamed,
        }
    }

    /// Whether the rosters are the same.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.rekeyed.is_empty()
            && self.renamed.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: Option<&str>) -> RosterEntry {
        RosterEntry {
            name: name.map(|n| MemberName::parse(n).unwrap()),
            recipient: RecipientText::parse(
                &crate::crypto::Identity::generate().to_public().to_string(),
            )
            .unwrap(),
        }
    }

    #[test]
    fn the_fingerprint_ignores_order_and_names_but_not_keys() {
        let (a, b) = (entry(Some("A")), entry(Some("B")));
        let fp = fingerprint([a.recipient.as_str(), b.recipient.as_str()]);
        assert_eq!(
            fp,
            fingerprint([b.recipient.as_str(), a.recipient.as_str()])
        );
        assert_eq!(fp.len(), 39, "{fp}");
        let c = entry(Some("A"));
        assert_ne!(
            fp,
            fingerprint([c.recipient.as_str(), b.recipient.as_str()])
        );
    }

    #[test]
    fn a_change_names_who_was_added_removed_rekeyed_and_renamed() {
        let (a, b, key) = (entry(Some("A")), entry(Some("B")), entry(None));
        let pinned = vec![a.clone(), b.clone(), key.clone()];
        assert!(RosterChange::between(&pinned, &pinned).is_empty());
        let a2 = RosterEntry {
            recipient: entry(None).recipient,
            ..a.clone()
        };
        let c = entry(Some("C"));
        let b_renamed = RosterEntry {
            name: Some(MemberName::parse("Bee").unwrap()),
            ..b.clone()
        };
        let change = RosterChange::between(&pinned, &[a2.clone(), b_renamed.clone(), c.clone()]);
        assert_eq!(change.added, vec![c]);
        assert_eq!(change.removed, vec![key]);
        assert_eq!(change.rekeyed, vec![(a, a2)]);
        assert_eq!(change.renamed, vec![(b, b_renamed)]);
    }
}

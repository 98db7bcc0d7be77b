//! What is stored sealed to another set than it should be, as `member list` counts
//! it: each case against its own set (the roster, without the members its reporter
//! left out).

use crate::crypto::{self, Recipient};
use crate::storage::Storage;

use super::AdminError;

/// How many cases hold a ciphertext sealed to another set than their own: the
/// roster, or for a case whose reporter left members out, the roster without them.
pub(super) async fn stale_cases(
    storage: &Storage,
    roster: &crypto::RecipientSet,
    members: &[crate::storage::MemberRow],
    exclusions: &[(String, String)],
) -> Result<i64, AdminError> {
    let mut with_exclusions: Vec<&str> = exclusions.iter().map(|(c, _)| c.as_str()).collect();
    with_exclusions.sort_unstable();
    with_exclusions.dedup();
    let mut stale = storage.stale_case_count(roster.fingerprint()).await?;
    for case in with_exclusions {
        let left_out: Vec<&str> = exclusions
            .iter()
            .filter(|(c, _)| c == case)
            .filter_map(|(_, id)| members.iter().find(|m| &m.id == id))
            .map(|m| m.recipient.as_str())
            .collect();
        let own: Vec<Recipient> = roster
            .recipients()
            .iter()
            .filter(|r| !left_out.contains(&r.to_string().as_str()))
            .cloned()
            .collect();
        let Ok(own) = crypto::RecipientSet::new(own) else {
            continue;
        };
        // Counted above against the whole roster; here against its own set.
        let against_roster = !storage
            .stale_messages(case, roster.fingerprint())
            .await?
            .is_empty()
            || !storage
                .stale_attachments(case, roster.fingerprint())
                .await?
                .is_empty();
        let against_own = !storage
            .stale_messages(case, own.fingerprint())
            .await?
            .is_empty()
            || !storage
                .stale_attachments(case, own.fingerprint())
                .await?
                .is_empty();
        stale += i64::from(against_own) - i64::from(against_roster);
    }
    Ok(stale)
}

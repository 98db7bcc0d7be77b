//! What a member's desk can re-seal of one case, worked out from the case as
//! fetched, with no network: the report opened once (the reporter's key and who
//! was left out come from inside it), each listed message opened and checked as
//! reading does, and sealed again to the pinned roster. Runs on a blocking thread.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use zeroize::Zeroizing;

use super::error::PortalError;
use super::sealing::{open_report, reporter_key_in, sealing_set};
use crate::case::{AttachmentInfo, AuthorKind, Envelope};
use crate::crypto::{self, CryptoError, Recipient, RecipientSet};
use crate::protocol::reseal::{PendingCase, ResealedMessage, ResealedMessages};
use crate::protocol::{AttachmentId, CaseDetail, RosterEntry, Seq};

/// What this member can do for one case, worked out from the fetched case on a
/// blocking thread (opening and sealing is the costly part, and cases then use
/// every core).
pub(super) enum Plan {
    /// The report does not open with this identity: it was sealed before this
    /// member joined, and so was everything of the case this member could re-seal.
    NotForMe,
    /// What to upload.
    Work(Work),
}

pub(super) struct Work {
    /// The files this identity can open, each with what it must be sealed to.
    pub(super) files: Vec<FileJob>,
    /// The replacements of the case's messages, sealed already, with their sizes.
    pub(super) messages: Vec<(ResealedMessage, u64)>,
    /// Stored bytes of messages that need nothing from this member: sealed to the
    /// target already (counted as done) or not openable (passed by).
    pub(super) passed: Vec<(u64, bool)>,
}

pub(super) struct FileJob {
    pub(super) seq: Seq,
    pub(super) id: AttachmentId,
    pub(super) bytes: u64,
    /// What its message says of it and what it must be sealed to; `None` when
    /// this identity cannot re-seal it.
    pub(super) reseal: Option<(AttachmentInfo, Vec<Recipient>)>,
}

/// The replacements in uploads of at most [`ResealedMessages::MAX_ITEMS`] and
/// about [`ResealedMessages::TARGET_BYTES`] (a larger single message goes alone).
pub(super) fn batches(messages: Vec<(ResealedMessage, u64)>) -> Vec<Vec<(ResealedMessage, u64)>> {
    let mut out: Vec<Vec<(ResealedMessage, u64)>> = Vec::new();
    let mut size = 0;
    for m in messages {
        let len = m.0.ciphertext.len();
        match out.last_mut() {
            Some(last)
                if last.len() < ResealedMessages::MAX_ITEMS
                    && size + len <= ResealedMessages::TARGET_BYTES =>
            {
                size += len;
                last.push(m);
            }
            _ => {
                size = len;
                out.push(vec![m]);
            }
        }
    }
    out
}

/// Opens the case's report once (the reporter's key and who was left out come
/// from inside it), then each listed message, and seals again what opens. Checks
/// as reading does: each envelope names this case and position, and a listed file
/// must be one its message describes and the portal stores under that message.
pub(super) fn plan(
    detail: &CaseDetail,
    pinned: &[RosterEntry],
    listed: &PendingCase,
    identity: &crypto::Identity,
) -> Result<Plan, PortalError> {
    let report = match open_report(detail, identity) {
        Ok(r) => r,
        Err(PortalError::NoReport) => return Ok(Plan::NotForMe),
        Err(e) => return Err(e),
    };
    let reporter = reporter_key_in(detail, &report)?.recipient().clone();
    // The members the reporter left out stay out.
    let committee = sealing_set(detail, pinned, &report.left_out)?;
    let target = RecipientSet::new(committee.clone())?
        .fingerprint()
        .to_owned();
    let with_reporter = || {
        let mut to = committee.clone();
        to.push(reporter.clone());
        to
    };
    let mut opened: OpenedMessages = HashMap::new();
    let seqs = listed.messages.iter().map(|m| m.seq);
    for seq in seqs.chain(listed.attachments.iter().map(|a| a.seq)) {
        if let std::collections::hash_map::Entry::Vacant(e) = opened.entry(seq.get()) {
            e.insert(open(detail, seq, identity)?);
        }
    }
    let files = listed
        .attachments
        .iter()
        .map(|a| {
            let info = opened
                .get(&a.seq.get())
                .and_then(|o| o.as_ref())
                .and_then(|(env, _)| env.attachments.iter().find(|i| i.id == a.id.as_str()))
                .filter(|_| {
                    let stored = &detail.attachments;
                    stored.iter().any(|r| r.id == a.id && r.seq == a.seq)
                });
            FileJob {
                seq: a.seq,
                id: a.id.clone(),
                bytes: a.bytes,
                reseal: info.map(|i| (i.clone(), with_reporter())),
            }
        })
        .collect();
    let mut messages = Vec::new();
    let mut passed = Vec::new();
    for m in &listed.messages {
        let stored = detail.messages.iter().find(|d| d.seq == m.seq);
        match (stored, opened.get(&m.seq.get()).and_then(|o| o.as_ref())) {
            (Some(stored), _) if stored.recipients_fp == target => passed.push((m.bytes, true)),
            (Some(stored), Some((_, plain))) => {
                let to = if stored.author_kind == AuthorKind::Note {
                    committee.clone()
                } else {
                    with_reporter()
                };
                let sealed = crypto::seal_for(plain, &to)?;
                let replacement = ResealedMessage {
                    seq: m.seq,
                    ciphertext: B64.encode(sealed),
                };
                messages.push((replacement, m.bytes));
            }
            _ => passed.push((m.bytes, false)),
        }
    }
    Ok(Plan::Work(Work {
        files,
        messages,
        passed,
    }))
}

/// What a member's identity made of a message: its envelope, or nothing when it
/// is not sealed to this identity.
type OpenedMessages = HashMap<i64, Option<Opened>>;

/// An opened message: its envelope and the plaintext to seal again.
type Opened = (Envelope, Zeroizing<Vec<u8>>);

/// Opens message `seq` of the case and checks it as reading does (its envelope
/// names this case and position); `None` when it is not sealed to this identity
/// or missing.
fn open(
    detail: &CaseDetail,
    seq: Seq,
    identity: &crypto::Identity,
) -> Result<Option<Opened>, PortalError> {
    let Some(m) = detail.messages.iter().find(|m| m.seq == seq) else {
        return Ok(None);
    };
    let sealed = B64.decode(&m.ciphertext).map_err(|_| PortalError::Decode)?;
    match crypto::open(&sealed, identity) {
        Ok(plain) => {
            let env = Envelope::from_bytes(&plain, detail.case.id.as_str(), seq.get())?;
            Ok(Some((env, plain)))
        }
        Err(CryptoError::Decrypt(age::DecryptError::NoMatchingKeys)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(seq: i64, len: usize) -> (ResealedMessage, u64) {
        let m = ResealedMessage {
            seq: Seq::new(seq).unwrap(),
            ciphertext: "A".repeat(len),
        };
        (m, len as u64)
    }

    fn sizes(batches: &[Vec<(ResealedMessage, u64)>]) -> Vec<usize> {
        batches.iter().map(Vec::len).collect()
    }

    #[test]
    fn small_messages_go_up_together_up_to_the_item_limit() {
        let all: Vec<_> = (1..=130).map(|s| message(s, 100)).collect();
        assert_eq!(sizes(&batches(all)), vec![64, 64, 2]);
    }

    #[test]
    fn an_upload_stays_near_its_byte_target_and_a_larger_message_goes_alone() {
        let third = ResealedMessages::TARGET_BYTES / 3;
        let big = ResealedMessages::TARGET_BYTES * 2;
        let all = vec![
            message(1, third),
            message(2, third),
            message(3, third),
            message(4, third),
            message(5, big),
            message(6, 10),
        ];
        assert_eq!(sizes(&batches(all)), vec![3, 1, 1, 1]);
        assert!(batches(Vec::new()).is_empty());
    }
}

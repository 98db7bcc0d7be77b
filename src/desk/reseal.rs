//! Re-sealing after a committee change, shared by the desk's page and `meldpunt
//! reseal`: the portal lists what is sealed to another set than its roster; the
//! desk opens each of those ciphertexts with the member's identity, checks it as
//! it checks what it reads, seals it again to the pinned roster (plus the reporter
//! key sealed in the report, for what the reporter may read) and uploads the
//! replacement. The listing is only a to-do list: what is sealed to comes from the
//! pin, and the portal's roster must equal the pin before anything starts.
//!
//! Each upload replaces one ciphertext, so stopping (or a crash) at any moment
//! leaves everything readable by the old or the new set, and a new run lists only
//! what is still outdated.

use std::collections::HashMap;
use std::io::Seek;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use zeroize::Zeroizing;

use super::client::Portal;
use super::error::PortalError;
use super::sealing::{left_out, reporter_key, sealed_size_bound, sealing_set};
use crate::case::{AttachmentInfo, AuthorKind, Envelope};
use crate::crypto::{self, CryptoError, Recipient, RecipientSet};
use crate::protocol::reseal::PendingCase;
use crate::protocol::{CaseDetail, CaseId, RosterChange, RosterEntry, Seq};

/// Where a run is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// Nothing started yet.
    Idle,
    /// Fetching the listing.
    Listing,
    /// Re-sealing.
    Running,
    /// Stopped by the member; a new run resumes.
    Stopped,
    /// Everything listed was handled.
    Done,
    /// Stopped by an error (the text is the desk's own, never the portal's data).
    Failed(String),
}

/// How far a run is.
#[derive(Debug, Clone)]
pub struct Progress {
    /// Where it is.
    pub phase: Phase,
    /// Cases listed.
    pub cases_total: u64,
    /// Cases handled.
    pub cases_done: u64,
    /// Stored bytes listed.
    pub bytes_total: u64,
    /// Stored bytes handled.
    pub bytes_done: u64,
    /// Ciphertexts re-sealed.
    pub resealed: u64,
    /// Ciphertexts this identity cannot open (sealed before the member joined):
    /// another member must re-seal them.
    pub skipped: u64,
    /// When the re-sealing itself started.
    pub started: Option<Instant>,
}

impl Default for Progress {
    fn default() -> Self {
        Self {
            phase: Phase::Idle,
            cases_total: 0,
            cases_done: 0,
            bytes_total: 0,
            bytes_done: 0,
            resealed: 0,
            skipped: 0,
            started: None,
        }
    }
}

impl Progress {
    /// The time left at the rate so far, once there is a rate.
    pub fn time_left(&self) -> Option<Duration> {
        let elapsed = self.started?.elapsed().as_secs_f64();
        if self.bytes_done == 0 || elapsed < 0.5 {
            return None;
        }
        let rate = self.bytes_done as f64 / elapsed;
        let left = self.bytes_total.saturating_sub(self.bytes_done) as f64;
        Some(Duration::from_secs_f64(left / rate))
    }

    /// Whether a run is under way.
    pub fn is_running(&self) -> bool {
        matches!(self.phase, Phase::Listing | Phase::Running)
    }
}

/// A run's shared state: its progress and the member's request to stop.
#[derive(Default)]
pub struct Job {
    progress: Mutex<Progress>,
    stop: AtomicBool,
}

impl Job {
    /// A copy of the progress.
    pub fn progress(&self) -> Progress {
        self.progress.lock().expect("not poisoned").clone()
    }

    /// Asks the run to stop after the ciphertext it is working on.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
    }

    fn stopping(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    fn update(&self, f: impl FnOnce(&mut Progress)) {
        f(&mut self.progress.lock().expect("not poisoned"));
    }

    /// One ciphertext of `bytes` done: re-sealed, or passed by for another member.
    fn counted(&self, bytes: u64, resealed: bool) {
        self.update(|p| {
            p.bytes_done += bytes;
            if resealed {
                p.resealed += 1
            } else {
                p.skipped += 1
            }
        });
    }

    /// Claims the job for a new run; false when one is under way.
    pub fn begin(&self) -> bool {
        let mut p = self.progress.lock().expect("not poisoned");
        if p.is_running() {
            return false;
        }
        *p = Progress {
            phase: Phase::Listing,
            ..Progress::default()
        };
        self.stop.store(false, Ordering::SeqCst);
        true
    }

    /// Records how a run ended.
    pub fn finish(&self, result: &Result<(), PortalError>) {
        let stopped = self.stopping();
        self.update(|p| {
            p.phase = match result {
                Ok(()) if stopped => Phase::Stopped,
                Ok(()) => Phase::Done,
                Err(e) => Phase::Failed(e.to_string()),
            }
        });
    }
}

/// Re-seals everything the portal lists, provided its roster is the pinned one.
/// Stops between two ciphertexts when asked.
pub async fn run(portal: &Portal, pinned: &[RosterEntry], job: &Job) -> Result<(), PortalError> {
    let now = portal.roster().await?;
    if !RosterChange::between(pinned, &now).is_empty() {
        return Err(PortalError::RosterMismatch);
    }
    let cases = portal.pending().await?;
    let bytes: u64 = cases
        .iter()
        .flat_map(|c| {
            let m = c.messages.iter().map(|m| m.bytes);
            m.chain(c.attachments.iter().map(|a| a.bytes))
        })
        .fold(0u64, u64::saturating_add);
    job.update(|p| {
        p.phase = Phase::Running;
        p.cases_total = cases.len() as u64;
        p.bytes_total = bytes;
        p.started = Some(Instant::now());
    });
    // A few cases at a time: while one waits for the portal's commit, the next is
    // fetched and opened. The first error stops the run (what is done stays done).
    use futures::TryStreamExt;
    futures::stream::iter(cases.iter().map(Ok))
        .try_for_each_concurrent(CONCURRENT_CASES, |case| async move {
            if job.stopping() {
                return Ok(());
            }
            reseal_case(portal, pinned, case, job).await?;
            job.update(|p| p.cases_done += 1);
            Ok(())
        })
        .await
}

/// Cases re-sealed at the same time.
const CONCURRENT_CASES: usize = 4;

/// What a member's identity made of a message: its envelope, or nothing when it
/// is not sealed to this identity.
type OpenedMessages = HashMap<i64, Option<Opened>>;

/// An opened message: its envelope and the plaintext to seal again.
type Opened = (Envelope, Zeroizing<Vec<u8>>);

async fn reseal_case(
    portal: &Portal,
    pinned: &[RosterEntry],
    case: &PendingCase,
    job: &Job,
) -> Result<(), PortalError> {
    let items = (case.messages.len() + case.attachments.len()) as u64;
    let bytes: u64 = case.messages.iter().map(|m| m.bytes).sum::<u64>()
        + case.attachments.iter().map(|a| a.bytes).sum::<u64>();
    let detail = match portal.case(&case.id).await {
        Ok(d) => d,
        // Purged or withdrawn since the listing: nothing left to re-seal.
        Err(e) if e.is_not_found() => {
            job.update(|p| p.bytes_done += bytes);
            return Ok(());
        }
        // The reporter left this member out: another member re-seals it.
        Err(e) if e.is_left_out() => {
            job.update(|p| {
                p.skipped += items;
                p.bytes_done += bytes;
            });
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    let reporter = match reporter_key(&detail, portal.identity()) {
        Ok(k) => k.recipient().clone(),
        // The report was sealed before this member joined: so was all of the case
        // this member could re-seal; another member must.
        Err(PortalError::NoReport) => {
            job.update(|p| {
                p.skipped += items;
                p.bytes_done += bytes;
            });
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    // The members the reporter left out stay out: their names come from inside the
    // report, which this member just opened.
    let left_out = left_out(&detail, portal.identity())?;
    let committee = sealing_set(&detail, pinned, &left_out)?;
    let target = RecipientSet::new(committee.clone())?
        .fingerprint()
        .to_owned();
    let mut opened: OpenedMessages = HashMap::new();
    let seqs = case.messages.iter().map(|m| m.seq);
    for seq in seqs.chain(case.attachments.iter().map(|a| a.seq)) {
        if let std::collections::hash_map::Entry::Vacant(e) = opened.entry(seq.get()) {
            e.insert(open(&detail, seq, portal.identity())?);
        }
    }
    for a in &case.attachments {
        if job.stopping() {
            return Ok(());
        }
        let info = opened
            .get(&a.seq.get())
            .and_then(|o| o.as_ref())
            .and_then(|(env, _)| env.attachments.iter().find(|i| i.id == a.id.as_str()));
        let done = match info {
            Some(info)
                if detail
                    .attachments
                    .iter()
                    .any(|r| r.id == a.id && r.seq == a.seq) =>
            {
                let mut to = committee.clone();
                to.push(reporter.clone());
                reseal_file_retrying(portal, &case.id, a.seq, &a.id, info, to).await?
            }
            _ => false,
        };
        job.counted(a.bytes, done);
    }
    for m in &case.messages {
        if job.stopping() {
            return Ok(());
        }
        let stored = detail.messages.iter().find(|d| d.seq == m.seq);
        let done = match (stored, opened.get(&m.seq.get()).and_then(|o| o.as_ref())) {
            (Some(stored), _) if stored.recipients_fp == target => true,
            (Some(stored), Some((_, plain))) => {
                let mut to = committee.clone();
                if stored.author_kind != AuthorKind::Note {
                    to.push(reporter.clone());
                }
                let sealed = crypto::seal_for(plain, &to)?;
                portal.put_message(&case.id, m.seq, sealed).await?;
                true
            }
            _ => false,
        };
        job.counted(m.bytes, done);
    }
    Ok(())
}

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

/// [`reseal_file`], tried up to three times when the stream does not open: the
/// portal streams a file chunk by chunk, so a download that overlaps another
/// member's swap of the same file gets old and new chunks and fails to decrypt.
/// What is stored is whole either way; fetched again, it opens.
async fn reseal_file_retrying(
    portal: &Portal,
    id: &CaseId,
    seq: Seq,
    attachment: &crate::protocol::AttachmentId,
    info: &AttachmentInfo,
    to: Vec<Recipient>,
) -> Result<bool, PortalError> {
    let mut tries = 1;
    loop {
        match reseal_file(portal, id, seq, attachment, info, to.clone()).await {
            Err(PortalError::Crypto(_)) if tries < 3 => tries += 1,
            done => return done,
        }
    }
}

/// Downloads a file's stream to a temporary file, re-seals it into another and
/// uploads that: memory stays at a few 64 KiB buffers whatever the file's size.
/// False when this identity cannot open it.
async fn reseal_file(
    portal: &Portal,
    id: &CaseId,
    seq: Seq,
    attachment: &crate::protocol::AttachmentId,
    info: &AttachmentInfo,
    to: Vec<Recipient>,
) -> Result<bool, PortalError> {
    use futures::StreamExt;
    use std::io::Write;
    let io = |e: std::io::Error| PortalError::Crypto(CryptoError::from(e));
    let bound = sealed_size_bound(info.size);
    let mut stream = portal.attachment_ciphertext(id, attachment, bound).await?;
    let mut old = tempfile::tempfile().map_err(io)?;
    while let Some(piece) = stream.next().await {
        old.write_all(&piece.map_err(io)?).map_err(io)?;
    }
    old.rewind().map_err(io)?;
    let new = tempfile::tempfile().map_err(io)?;
    let out = new.try_clone().map_err(io)?;
    let identity = portal.identity().clone();
    let size = info.size;
    let resealed = tokio::task::spawn_blocking(move || {
        crypto::reseal_stream(
            std::io::BufReader::new(old),
            std::io::BufWriter::new(out),
            &identity,
            &to,
            size,
        )
    })
    .await
    .map_err(|_| PortalError::Decode)?;
    let (total, sha256) = match resealed {
        Ok(r) => r,
        Err(CryptoError::Decrypt(age::DecryptError::NoMatchingKeys)) => return Ok(false),
        Err(e) => return Err(e.into()),
    };
    // The stream must be the file its message describes, padding and all: a
    // portal that swapped two files of this member's cases gets nothing re-sealed.
    if total != crate::attachments::padded_size(info.size) || crypto::hex(&sha256) != info.sha256 {
        return Err(PortalError::Decode);
    }
    portal.put_attachment(id, seq, attachment, &new).await?;
    Ok(true)
}

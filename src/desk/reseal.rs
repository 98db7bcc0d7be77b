//! Re-sealing after a committee change, shared by the desk's page and `meldpunt
//! reseal`: the portal lists what is sealed to another set than its roster; the
//! desk opens each of those ciphertexts with the member's identity, checks it as
//! it checks what it reads, seals it again to the pinned roster (plus the reporter
//! key sealed in the report, for what the reporter may read) and uploads the
//! replacement. The listing is only a to-do list: what is sealed to comes from the
//! pin, and the portal's roster must equal the pin before anything starts.
//!
//! Each upload replaces one file or a case's messages in one transaction, so
//! stopping (or a crash) at any moment leaves everything readable by the old or
//! the new set, and a new run lists only what is still outdated.

use std::io::Seek;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::client::Portal;
use super::error::PortalError;
use super::reseal_plan::{Plan, batches, plan};
use super::sealing::sealed_size_bound;
use crate::case::AttachmentInfo;
use crate::crypto::{self, CryptoError, Recipient};
use crate::protocol::reseal::{PendingCase, ResealedMessages};
use crate::protocol::{CaseId, RosterChange, RosterEntry, Seq};

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

    /// Asks the run to stop after the uploads under way.
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
/// Stops between two uploads when asked.
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
    // Many cases at a time: while some wait for the portal's answers, others are
    // opened and sealed. The first error stops the run (what is done stays done).
    use futures::TryStreamExt;
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let cores = &tokio::sync::Semaphore::new(cores);
    futures::stream::iter(cases.iter().map(Ok))
        .try_for_each_concurrent(CONCURRENT_CASES, |case| async move {
            if job.stopping() {
                return Ok(());
            }
            reseal_case(portal, pinned, case, job, cores).await?;
            job.update(|p| p.cases_done += 1);
            Ok(())
        })
        .await
}

/// Cases under way at the same time (16 against the portal on the same 2 cores
/// re-sealed a third faster than 4, see BENCHMARKS.md).
const CONCURRENT_CASES: usize = 16;

async fn reseal_case(
    portal: &Portal,
    pinned: &[RosterEntry],
    case: &PendingCase,
    job: &Job,
    cores: &tokio::sync::Semaphore,
) -> Result<(), PortalError> {
    let items = (case.messages.len() + case.attachments.len()) as u64;
    let bytes: u64 = case.messages.iter().map(|m| m.bytes).sum::<u64>()
        + case.attachments.iter().map(|a| a.bytes).sum::<u64>();
    let pass_by = || {
        job.update(|p| {
            p.skipped += items;
            p.bytes_done += bytes;
        })
    };
    let detail = match portal.case(&case.id).await {
        Ok(d) => d,
        // Purged or withdrawn since the listing: nothing left to re-seal.
        Err(e) if e.is_not_found() => {
            job.update(|p| p.bytes_done += bytes);
            return Ok(());
        }
        // The reporter left this member out: another member re-seals it.
        Err(e) if e.is_left_out() => {
            pass_by();
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    let identity = portal.identity().clone();
    let (pinned, listed) = (pinned.to_vec(), case.clone());
    // Opening and sealing take turns with as many cases at once as there are
    // cores: more would only take time from the requests under way.
    let permit = cores.acquire().await.map_err(|_| PortalError::Decode)?;
    let plan = tokio::task::spawn_blocking(move || plan(&detail, &pinned, &listed, &identity))
        .await
        .map_err(|_| PortalError::Decode)??;
    drop(permit);
    let work = match plan {
        Plan::NotForMe => {
            pass_by();
            return Ok(());
        }
        Plan::Work(work) => work,
    };
    for f in work.files {
        if job.stopping() {
            return Ok(());
        }
        let done = match f.reseal {
            Some((info, to)) => {
                reseal_file_retrying(portal, &case.id, f.seq, &f.id, &info, to).await?
            }
            None => false,
        };
        job.counted(f.bytes, done);
    }
    for (bytes, resealed) in work.passed {
        job.counted(bytes, resealed);
    }
    for batch in batches(work.messages) {
        if job.stopping() {
            return Ok(());
        }
        let bytes: u64 = batch.iter().map(|(_, b)| b).sum();
        let count = batch.len() as u64;
        let messages = batch.into_iter().map(|(m, _)| m).collect();
        portal
            .put_messages(&case.id, &ResealedMessages { messages })
            .await?;
        job.update(|p| {
            p.bytes_done += bytes;
            p.resealed += count;
        });
    }
    Ok(())
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

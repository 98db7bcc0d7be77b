//! Attachments: an upload streams into an encrypted spool, loses its identifying
//! metadata, and is sealed with age STREAM to the committee and the reporter into
//! chunk rows of a pending attachment that its message claims. Downloads decrypt
//! chunk by chunk. The file name and type live only inside the sealed message.

mod arriving;
pub mod isolate;
mod read;
mod safe;
pub mod spool;
pub mod strip;

use std::io::{self, Write};
use std::str::FromStr;

use futures::{Stream, StreamExt};

pub use arriving::Arriving;
pub use read::{chunks, decrypt};
use safe::safe_content_type;
pub use safe::{padded_size, safe_name};
pub use spool::{Spool, Spooled};

use crate::case::{AttachmentInfo, MetadataNote};
use crate::crypto::{self, HashingWriter, Recipient};
use crate::storage::{Storage, StorageError};

/// Ciphertext bytes per stored chunk row. Small enough that the few chunks in flight
/// between the sealing thread and the database cost little memory.
const CHUNK: usize = 256 * 1024;
/// Chunks written per database transaction (4 MiB): few commits, little memory.
const CHUNKS_PER_COMMIT: usize = 16;

/// How many and how large the files of one message may be.
#[derive(Debug, Clone, Copy)]
pub struct FileLimits {
    /// Most files per message.
    pub max_files: usize,
    /// Largest single file, in bytes.
    pub max_file_bytes: u64,
    /// Largest total of the files of one message, in bytes.
    pub max_message_bytes: u64,
}

/// Why a file could not be stored.
#[derive(Debug, thiserror::Error)]
pub enum AttachError {
    /// The database refused or is unavailable.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// Reading the spool or writing the sealed file failed.
    #[error("attachment I/O: {0}")]
    Io(io::Error),
    /// age could not seal the file.
    #[error("sealing failed: {0}")]
    Seal(age::EncryptError),
    /// Cleaning and sealing took longer than allowed.
    #[error("the file took too long to process")]
    Timeout,
    /// The blocking task that seals the file panicked or was cancelled.
    #[error("the processing task failed")]
    Task,
    /// The client stopped sending before the body was complete.
    #[error("the upload was cut off")]
    CutOff,
}

impl From<io::Error> for AttachError {
    fn from(e: io::Error) -> Self {
        AttachError::Io(e)
    }
}

impl From<age::EncryptError> for AttachError {
    fn from(e: age::EncryptError) -> Self {
        AttachError::Seal(e)
    }
}

/// Collects ciphertext into chunk-sized pieces and hands full ones to the writer
/// task; the bounded channel keeps at most a few chunks in memory.
struct ChunkSink {
    tx: tokio::sync::mpsc::Sender<Vec<u8>>,
    buf: Vec<u8>,
}

impl Write for ChunkSink {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let room = CHUNK - self.buf.len();
        let take = room.min(data.len());
        self.buf.extend_from_slice(&data[..take]);
        if self.buf.len() == CHUNK {
            self.send()?;
        }
        Ok(take)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl ChunkSink {
    fn send(&mut self) -> io::Result<()> {
        let full = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK));
        self.tx
            .blocking_send(full)
            .map_err(|_| io::Error::other("the chunk writer stopped"))
    }

    fn close(mut self) -> io::Result<()> {
        if !self.buf.is_empty() {
            self.send()?;
        }
        Ok(())
    }
}

fn strip_into<W: Write>(
    kind: strip::Kind,
    spooled: &mut Spooled,
    out: &mut HashingWriter<W>,
    limits: FileLimits,
) -> Result<MetadataNote, strip::StripError> {
    match kind {
        strip::Kind::Other => {
            io::copy(&mut spooled.reader()?, out)?;
            Ok(MetadataNote::NotChecked)
        }
        _ => isolate::clean(kind, spooled, out, limits.max_file_bytes),
    }
}

struct Sealed {
    note: MetadataNote,
    size: u64,
    sha256: [u8; 32],
}

/// Strips (or copies) the spool and seals the result, padded, into `sink`.
/// `Ok(Err(()))` means metadata removal failed and nothing usable was written.
fn seal_into<W: Write>(
    spooled: &mut Spooled,
    kind: strip::Kind,
    recipients: &[Recipient],
    sink: W,
    limits: FileLimits,
) -> Result<Result<(Sealed, W), ()>, AttachError> {
    let encryptor =
        age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))?;
    let mut out = HashingWriter::new(encryptor.wrap_output(sink)?);
    // The parsers are third-party code fed hostile files: a panic in one of them is a
    // file we could not clean, stored as received, never a failed upload.
    let stripped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        strip_into(kind, spooled, &mut out, limits)
    }));
    let note = match stripped {
        Ok(Ok(n)) => n,
        Ok(Err(_)) | Err(_) => return Ok(Err(())),
    };
    let (sink, size, sha256) = pad_and_finish(out)?;
    Ok(Ok((Sealed { note, size, sha256 }, sink)))
}

/// Pads what was written to its stored size and ends the age stream; returns the
/// sink, the unpadded size and its SHA-256.
fn pad_and_finish<W: Write>(
    out: HashingWriter<age::stream::StreamWriter<W>>,
) -> io::Result<(W, u64, [u8; 32])> {
    let (mut writer, size, sha256) = out.finish();
    let padding = padded_size(size) - size;
    io::copy(&mut io::repeat(0).take_bytes(padding), &mut writer)?;
    Ok((writer.finish()?, size, sha256))
}

/// Runs in a blocking thread: seal the spool into chunk rows via the channel.
fn seal_spool(
    spooled: &mut Spooled,
    kind: strip::Kind,
    recipients: &[Recipient],
    tx: tokio::sync::mpsc::Sender<Vec<u8>>,
    limits: FileLimits,
) -> Result<Result<Sealed, ()>, AttachError> {
    let sink = ChunkSink {
        tx,
        buf: Vec::with_capacity(CHUNK),
    };
    match seal_into(spooled, kind, recipients, sink, limits)? {
        Ok((sealed, sink)) => {
            sink.close()?;
            Ok(Ok(sealed))
        }
        Err(()) => Ok(Err(())),
    }
}

/// Cleans and seals a spooled file into memory (the desk, for files members send):
/// the same metadata removal as on the portal. Returns the age file and what the
/// message should say about it (its `id` is filled in after upload).
pub fn seal_to_vec(
    mut spooled: Spooled,
    name: &str,
    content_type: &str,
    recipients: &[Recipient],
    limits: FileLimits,
) -> Result<(Vec<u8>, AttachmentInfo), AttachError> {
    let kind = strip::sniff(&spooled.head);
    for attempt in [kind, strip::Kind::Other] {
        if let Ok((sealed, out)) = seal_into(&mut spooled, attempt, recipients, Vec::new(), limits)?
        {
            let metadata = if attempt != kind {
                MetadataNote::CouldNotCheck
            } else {
                sealed.note
            };
            let info = AttachmentInfo {
                id: String::new(),
                name: safe_name(name),
                content_type: safe_content_type(content_type),
                size: sealed.size,
                sha256: crypto::hex(&sealed.sha256),
                metadata,
            };
            return Ok((out, info));
        }
    }
    unreachable!("copying as received cannot fail to strip")
}

trait TakeBytes: io::Read + Sized {
    fn take_bytes(self, n: u64) -> io::Take<Self> {
        io::Read::take(self, n)
    }
}
impl<R: io::Read> TakeBytes for R {}

/// Where a file goes and how it may be processed.
#[derive(Clone)]
pub struct Target<'a> {
    /// The case the pending attachment waits for.
    pub case_id: &'a str,
    /// Who can open the file: the committee and the reporter.
    pub recipients: Vec<Recipient>,
    /// When an unclaimed pending attachment may be removed (Unix seconds).
    pub pending_until: i64,
    /// The limits the file was read under (images are read whole within them).
    pub limits: FileLimits,
    /// How long cleaning and sealing may take.
    pub timeout: std::time::Duration,
}

/// Seals one uploaded file into a pending attachment for `case_id`. When metadata
/// removal fails (a damaged or hostile file) the file is stored as received and the
/// note says so. Returns what the message will say about it.
pub async fn store(
    storage: &Storage,
    spooled: Spooled,
    name: &str,
    content_type: &str,
    target: &Target<'_>,
) -> Result<AttachmentInfo, AttachError> {
    let Target {
        case_id,
        pending_until,
        limits,
        timeout,
        ..
    } = *target;
    let recipients = &target.recipients;
    let kind = strip::sniff(&spooled.head);
    let mut spooled = Some(spooled);
    for attempt_kind in [kind, strip::Kind::Other] {
        let id = crypto::hex(&crypto::random_bytes::<16>());
        storage
            .begin_attachment(&id, case_id, pending_until)
            .await?;
        let (tx, rx) = tokio::sync::mpsc::channel::<Vec<u8>>(1);
        let mut spool = spooled
            .take()
            .expect("the spool is back after each attempt");
        let recips = recipients.clone();
        let task = tokio::task::spawn_blocking(move || {
            let r = seal_spool(&mut spool, attempt_kind, &recips, tx, limits);
            (spool, r)
        });
        let work = write_chunks(storage.clone(), id.clone(), rx);
        let outcome = tokio::time::timeout(timeout, async {
            let written = work.await;
            let joined = task.await.map_err(|_| AttachError::Task)?;
            Ok::<_, AttachError>((written, joined))
        })
        .await;
        let (written, (spool, sealed)) = match outcome {
            Ok(Ok(x)) => x,
            Ok(Err(e)) => {
                storage.drop_attachment(&id).await?;
                return Err(e);
            }
            Err(_) => {
                storage.drop_attachment(&id).await?;
                return Err(AttachError::Timeout);
            }
        };
        spooled = Some(spool);
        if let Err(e) = written {
            storage.drop_attachment(&id).await?;
            return Err(e);
        }
        match sealed {
            Ok(Ok(s)) => {
                let note = if attempt_kind != kind {
                    MetadataNote::CouldNotCheck
                } else {
                    s.note
                };
                return Ok(AttachmentInfo {
                    id,
                    name: safe_name(name),
                    content_type: safe_content_type(content_type),
                    size: s.size,
                    sha256: crypto::hex(&s.sha256),
                    metadata: note,
                });
            }
            Ok(Err(())) => {
                // Metadata removal failed: start again, storing the file as received.
                storage.drop_attachment(&id).await?;
            }
            Err(e) => {
                storage.drop_attachment(&id).await?;
                return Err(e);
            }
        }
    }
    unreachable!("copying as received cannot fail to strip")
}

/// Writes the ciphertext chunks that arrive on `rx` as chunk rows of attachment
/// `id`, a batch per transaction, until the sealing side closes the channel. One
/// batch is committed while the next one fills, so sealing does not wait for the
/// database; commits stay in order because each waits for the one before.
async fn write_chunks(
    storage: Storage,
    id: String,
    mut rx: tokio::sync::mpsc::Receiver<Vec<u8>>,
) -> Result<(), AttachError> {
    let mut idx = 0;
    let mut batch = Vec::with_capacity(CHUNKS_PER_COMMIT);
    let mut committing: Option<tokio::task::JoinHandle<Result<(), StorageError>>> = None;
    loop {
        let next = rx.recv().await;
        let done = next.is_none();
        batch.extend(next);
        if batch.len() == CHUNKS_PER_COMMIT || (done && !batch.is_empty()) {
            if let Some(previous) = committing.take() {
                previous.await.map_err(|_| AttachError::Task)??;
            }
            let n = batch.len() as i64;
            let (storage, id, chunks) = (storage.clone(), id.clone(), std::mem::take(&mut batch));
            committing = Some(tokio::spawn(async move {
                storage.add_chunks(&id, idx, chunks).await
            }));
            idx += n;
        }
        if done {
            if let Some(last) = committing {
                last.await.map_err(|_| AttachError::Task)??;
            }
            return Ok(());
        }
    }
}

/// Stores an age file sealed elsewhere (by the desk) as a pending attachment,
/// chunk by chunk from a stream of body pieces.
pub async fn store_sealed<S>(
    storage: &Storage,
    mut body: S,
    case_id: &str,
    pending_until: i64,
    max_bytes: u64,
) -> Result<Option<(String, Vec<u8>)>, AttachError>
where
    S: Stream<Item = io::Result<bytes_like::Bytes>> + Unpin,
{
    let id = crypto::hex(&crypto::random_bytes::<16>());
    storage
        .begin_attachment(&id, case_id, pending_until)
        .await?;
    let mut buf = Vec::with_capacity(CHUNK);
    let mut batch: Vec<Vec<u8>> = Vec::with_capacity(CHUNKS_PER_COMMIT);
    let mut idx = 0;
    let mut total = 0u64;
    let mut first = Vec::new();
    while let Some(piece) = body.next().await {
        let Ok(piece) = piece else {
            storage.drop_attachment(&id).await?;
            return Err(AttachError::CutOff);
        };
        total += piece.len() as u64;
        if total > max_bytes {
            storage.drop_attachment(&id).await?;
            return Ok(None);
        }
        // Enough for a header of crypto::MAX_STANZAS stanzas.
        if first.len() < 16 * 1024 {
            first.extend_from_slice(&piece[..piece.len().min(16 * 1024 - first.len())]);
        }
        buf.extend_from_slice(&piece);
        while buf.len() >= CHUNK {
            let rest = buf.split_off(CHUNK);
            batch.push(std::mem::replace(&mut buf, rest));
            if batch.len() == CHUNKS_PER_COMMIT {
                let n = batch.len() as i64;
                storage
                    .add_chunks(&id, idx, std::mem::take(&mut batch))
                    .await?;
                idx += n;
            }
        }
    }
    if !buf.is_empty() {
        batch.push(buf);
    }
    if !batch.is_empty() {
        storage.add_chunks(&id, idx, batch).await?;
    }
    if !first.starts_with(b"age-encryption.org/v1\n") {
        storage.drop_attachment(&id).await?;
        return Ok(None);
    }
    Ok(Some((id, first)))
}

/// Recipients as strings from the API, parsed.
pub fn parse_recipients(list: &[String]) -> Option<Vec<Recipient>> {
    list.iter().map(|r| Recipient::from_str(r).ok()).collect()
}

mod bytes_like {
    pub use axum::body::Bytes;
}

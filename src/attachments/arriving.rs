//! Sealing a file while its bytes arrive. A file with no metadata to remove (any
//! kind the cleaner does not parse) needs no spool: its plaintext goes from the
//! request body to an age STREAM sealing thread, and the ciphertext from there to
//! chunk rows, so the body, the sealing and the database writes overlap instead of
//! running one after the other. Files the cleaner must see still take the spool,
//! because cleaning needs the whole file and may fall back to storing it as received.

use axum::body::Bytes;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::{AttachError, CHUNK, ChunkSink, Sealed, Target, safe_content_type, safe_name};
use crate::case::{AttachmentInfo, MetadataNote};
use crate::crypto::{self, HashingWriter};
use crate::storage::Storage;

/// Body pieces waiting for the sealing thread: a few, so memory stays small while
/// the thread keeps up with a fast client.
const PIECES_IN_FLIGHT: usize = 8;

/// One file being sealed into a pending attachment as it arrives. Dropped before
/// `finish` (the request was cancelled because the client went away), it removes
/// what was written, as `abort` does.
pub struct Arriving {
    work: Option<Work>,
}

struct Work {
    id: String,
    storage: Storage,
    plain: Option<mpsc::Sender<Bytes>>,
    sealer: JoinHandle<Result<Sealed, AttachError>>,
    writer: JoinHandle<Result<(), AttachError>>,
}

impl Arriving {
    /// Starts a pending attachment for `target`'s case and the threads that seal
    /// into it.
    pub async fn begin(storage: &Storage, target: &Target<'_>) -> Result<Self, AttachError> {
        let id = crypto::hex(&crypto::random_bytes::<16>());
        storage
            .begin_attachment(&id, target.case_id, target.pending_until)
            .await?;
        let (plain_tx, mut plain_rx) = mpsc::channel::<Bytes>(PIECES_IN_FLIGHT);
        let (chunk_tx, chunk_rx) = mpsc::channel::<Vec<u8>>(1);
        let recipients = target.recipients.clone();
        let sealer = tokio::task::spawn_blocking(move || {
            use std::io::Write;
            let sink = ChunkSink {
                tx: chunk_tx,
                buf: Vec::with_capacity(CHUNK),
            };
            let encryptor = age::Encryptor::with_recipients(
                recipients.iter().map(|r| r as &dyn age::Recipient),
            )?;
            let mut out = HashingWriter::new(encryptor.wrap_output(sink)?);
            while let Some(piece) = plain_rx.blocking_recv() {
                out.write_all(&piece)?;
            }
            let (sink, size, sha256) = super::pad_and_finish(out)?;
            sink.close()?;
            Ok(Sealed {
                note: MetadataNote::NotChecked,
                size,
                sha256,
            })
        });
        let writer = tokio::spawn(super::write_chunks(storage.clone(), id.clone(), chunk_rx));
        Ok(Self {
            work: Some(Work {
                id,
                storage: storage.clone(),
                plain: Some(plain_tx),
                sealer,
                writer,
            }),
        })
    }

    /// Hands the next piece of the file to the sealing thread (waits while it is
    /// behind). An error means the sealing stopped; `abort` says no more.
    pub async fn push(&mut self, piece: Bytes) -> Result<(), AttachError> {
        let Some(tx) = self.work.as_ref().and_then(|w| w.plain.as_ref()) else {
            return Err(AttachError::Task);
        };
        tx.send(piece).await.map_err(|_| AttachError::Task)
    }

    /// The file is complete: waits until it is sealed and stored, and says what
    /// the message will say about it.
    pub async fn finish(
        mut self,
        name: &str,
        content_type: &str,
    ) -> Result<AttachmentInfo, AttachError> {
        let mut w = self.work.take().ok_or(AttachError::Task)?;
        w.plain = None;
        let (sealed, written) = w.join().await;
        match (sealed, written) {
            (Ok(s), Ok(())) => Ok(AttachmentInfo {
                id: w.id,
                name: safe_name(name),
                content_type: safe_content_type(content_type),
                size: s.size,
                sha256: crypto::hex(&s.sha256),
                metadata: s.note,
            }),
            // The writer's error is the cause when both failed: the sealer only
            // saw its channel close.
            (_, Err(e)) | (Err(e), Ok(())) => {
                w.storage.drop_attachment(&w.id).await?;
                Err(e)
            }
        }
    }

    /// The file will not be stored (the request failed or was cut off): stops the
    /// sealing and removes what was written.
    pub async fn abort(mut self) {
        if let Some(w) = self.work.take() {
            w.remove().await;
        }
    }
}

impl Drop for Arriving {
    fn drop(&mut self) {
        if let Some(w) = self.work.take()
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            runtime.spawn(w.remove());
        }
    }
}

impl Work {
    /// Stops the sealing (it ends when its input closes) and removes what was
    /// written once the writer is done, so no chunk row comes after the removal.
    async fn remove(mut self) {
        self.plain = None;
        let _ = self.join().await;
        if let Err(e) = self.storage.drop_attachment(&self.id).await {
            tracing::warn!(error = %e, "cannot remove a pending attachment; housekeeping will");
        }
    }

    async fn join(&mut self) -> (Result<Sealed, AttachError>, Result<(), AttachError>) {
        let sealed = (&mut self.sealer).await.unwrap_or(Err(AttachError::Task));
        let written = (&mut self.writer).await.unwrap_or(Err(AttachError::Task));
        (sealed, written)
    }
}

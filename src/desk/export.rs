//! Export of a case: every message as the plain `.age` file it is stored as, plus a
//! manifest with the workflow metadata and checksums. Nothing is decrypted: the
//! files open with the reference `age -d -i`.

use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde::Serialize;

use super::client::{Portal, PortalError};
use crate::crypto;
use crate::protocol::CaseId;

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Fetching the case or its files, or recording the export, failed.
    #[error(transparent)]
    Portal(#[from] PortalError),
    /// Creating the export directory or writing a file failed.
    #[error("cannot write the export: {0}")]
    Io(#[from] std::io::Error),
    /// The portal sent a message whose ciphertext is not base64.
    #[error("the portal sent a message that is not base64")]
    Decode,
}

#[derive(Serialize)]
struct Manifest<'a> {
    format: &'static str,
    reference: &'a str,
    case_id: &'a str,
    status: &'static str,
    received_on: String,
    acknowledged_on: Option<String>,
    feedback_due_on: String,
    closed_on: Option<String>,
    close_reason: Option<&'static str>,
    exported_on: String,
    how_to_read: &'static str,
    files: Vec<ManifestFile>,
}

#[derive(Serialize)]
struct ManifestFile {
    file: String,
    seq: i64,
    author_kind: String,
    written_on: String,
    recipients_fp: String,
    sha256: String,
}

/// Writes `<dir>/<reference>/` (or `<reference>-2`, … when it exists) and records the
/// export in the portal's audit log. Returns the directory. Every name under `dir`
/// is built here from parsed values (the reference `MP-XXXXXX`, message numbers,
/// author kinds, hex ids), and files are created new, never opened through an
/// existing name: nothing the portal says can place a file elsewhere.
pub async fn export_case(
    portal: &Portal,
    case_id: &CaseId,
    dir: &Path,
) -> Result<PathBuf, ExportError> {
    let detail = portal.case(case_id).await?;
    let c = &detail.case;
    std::fs::create_dir_all(dir)?;
    let reference = c.reference.as_str();
    let mut target = dir.join(reference);
    let mut n = 2;
    loop {
        match std::fs::create_dir(&target) {
            Ok(()) => break,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 1000 => {
                target = dir.join(format!("{reference}-{n}"));
                n += 1;
            }
            Err(e) => return Err(e.into()),
        }
    }
    let create = |name: &str| {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(target.join(name))
    };
    let mut files = Vec::new();
    for m in &detail.messages {
        let bytes = B64.decode(&m.ciphertext).map_err(|_| ExportError::Decode)?;
        let kind = m.author_kind.key();
        let name = format!("{:03}-{kind}.age", m.seq.get());
        std::io::Write::write_all(&mut create(&name)?, &bytes)?;
        files.push(ManifestFile {
            file: name,
            seq: m.seq.get(),
            author_kind: kind.to_owned(),
            written_on: m.written_on.to_string(),
            recipients_fp: m
                .recipients_fp
                .chars()
                .filter(char::is_ascii_hexdigit)
                .take(64)
                .collect(),
            sha256: crypto::hex(&crypto::sha256(&bytes)),
        });
    }
    for a in &detail.attachments {
        use futures::StreamExt;
        // The file's size is inside its sealed message, which an export does not
        // open: the bound is the largest file the portal may store.
        let bound = super::sealing::sealed_size_bound(MAX_EXPORTED_FILE);
        let mut stream = portal.attachment_ciphertext(case_id, &a.id, bound).await?;
        let name = format!("{:03}-file-{}.age", a.seq.get(), a.id);
        let mut file = create(&name)?;
        let mut hasher = crypto::HashingWriter::new(&mut file);
        while let Some(piece) = stream.next().await {
            std::io::Write::write_all(&mut hasher, &piece?)?;
        }
        let (_, _, sha256) = hasher.finish();
        files.push(ManifestFile {
            file: name,
            seq: a.seq.get(),
            author_kind: "attachment".to_owned(),
            written_on: detail
                .messages
                .iter()
                .find(|m| m.seq == a.seq)
                .map(|m| m.written_on.to_string())
                .unwrap_or_default(),
            recipients_fp: String::new(),
            sha256: crypto::hex(&sha256),
        });
    }
    let manifest = Manifest {
        format: "meldpunt case export v1",
        reference,
        case_id: c.id.as_str(),
        status: c.status.key(),
        received_on: c.received_on.to_string(),
        acknowledged_on: c.acknowledged_on.map(|d| d.to_string()),
        feedback_due_on: c.feedback_due_on.to_string(),
        closed_on: c.closed_on.map(|d| d.to_string()),
        close_reason: c.close_reason.map(|r| r.key()),
        exported_on: time::OffsetDateTime::now_utc().date().to_string(),
        how_to_read: "age -d -i YOUR-IDENTITY FILE.age. A message is a 4-byte big-endian length, a JSON document (listing its files with name, size and SHA-256) and zero padding; a file (NNN-file-ID.age) is the file followed by zero padding up to the size its message gives.",
        files,
    };
    let json = serde_json::to_vec_pretty(&manifest).map_err(std::io::Error::other)?;
    std::io::Write::write_all(&mut create("manifest.json")?, &json)?;
    portal.record_export(case_id).await?;
    Ok(target)
}

/// The largest file an export accepts from the portal (the portal's own limit is
/// configurable; this is far above any sensible setting).
const MAX_EXPORTED_FILE: u64 = 1 << 30;

//! Reading a form, with or without files: text fields into bounded strings (strict
//! UTF-8), files streamed into encrypted spools with every limit checked while the
//! bytes arrive. The portal's report and follow-up forms and the desk's reply form
//! read their bodies this way.

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};

use super::urlencoded::{self, MAX_FORM_FIELDS, Pairs};
use crate::attachments::{Arriving, AttachError, FileLimits, Spool, Spooled, Target, strip};
use crate::case::AttachmentInfo;
use crate::crypto::Recipient;
use crate::i18n::Texts;
use crate::storage::Storage;

/// A file as received, spooled and not yet cleaned or sealed.
pub struct Incoming {
    /// The file name the browser sent (not yet made safe).
    pub name: String,
    /// The type the browser sent.
    pub content_type: String,
    /// The file's content, in its encrypted spool.
    pub spooled: Spooled,
}

/// A form as read: its text fields and its files.
pub struct Upload {
    /// The text fields, in order.
    pub pairs: Pairs,
    /// The files, spooled.
    pub files: Vec<Incoming>,
}

/// A file of a form read with [`read_sealing`]: spooled for cleaning, or already
/// sealed as a pending attachment while it arrived.
pub enum Received {
    /// A file the cleaner must see, spooled.
    Spooled(Incoming),
    /// A file with nothing to clean, already sealed into chunk rows.
    Sealed(AttachmentInfo),
}

/// A form read with [`read_sealing`].
pub struct SealingUpload {
    /// The text fields, in order.
    pub pairs: Pairs,
    /// The files, in the order they came.
    pub files: Vec<Received>,
}

/// Where files may be sealed while they arrive, and when.
pub struct Direct<'a> {
    /// The database the pending attachments go to.
    pub storage: &'a Storage,
    /// The case and recipients they are sealed for.
    pub target: Target<'a>,
    /// Whether the fields read before a file allow writing it to the database (a
    /// valid form token), and to whom it is then sealed: `None` spools the file, not
    /// stored, until the form is checked as a whole. The recipients may depend on
    /// those fields (the members a reporter left out come before the files).
    pub allow: &'a (dyn Fn(&Pairs) -> Option<Vec<Recipient>> + Send + Sync),
}

impl Direct<'_> {
    /// The target of a file that follows `pairs`, if it may be sealed now.
    fn target_after(&self, pairs: &Pairs) -> Option<Target<'_>> {
        (self.allow)(pairs).map(|recipients| Target {
            recipients,
            ..self.target.clone()
        })
    }
}

/// Why a form could not be read; nothing of it is kept.
#[derive(Debug)]
pub enum UploadError {
    /// More files than a message may carry.
    TooManyFiles,
    /// A file over the per-file limit.
    FileTooLarge,
    /// Files together over the per-message limit.
    MessageTooLarge,
    /// A text field or the whole body over its limit.
    BodyTooLarge,
    /// Not a form we can read: bad encoding, too many fields, cut off.
    Malformed,
    /// The spool could not be written (our side, not the client's).
    Spool(std::io::Error),
    /// A file could not be sealed as it arrived (our side, not the client's).
    Seal(AttachError),
}

/// Longest text field in bytes; the character limits are checked when parsing.
const MAX_TEXT_FIELD_BYTES: usize = 512 * 1024;

impl UploadError {
    /// The status, title and text of the page that answers this error, in the
    /// reader's language; the portal and the desk each put them in their own frame.
    pub fn describe(&self, t: &Texts, limits: FileLimits) -> (StatusCode, &'static str, String) {
        let mib = |b: u64| b / (1024 * 1024);
        match self {
            UploadError::TooManyFiles => (
                StatusCode::PAYLOAD_TOO_LARGE,
                t.too_large_title,
                (t.err_too_many_files)(limits.max_files),
            ),
            UploadError::FileTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                t.too_large_title,
                (t.err_file_too_large)(mib(limits.max_file_bytes)),
            ),
            UploadError::MessageTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                t.too_large_title,
                (t.err_message_too_large)(mib(limits.max_message_bytes)),
            ),
            UploadError::BodyTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                t.too_large_title,
                t.too_large_text.to_owned(),
            ),
            UploadError::Malformed => (
                StatusCode::BAD_REQUEST,
                t.bad_request_title,
                t.bad_request_text.to_owned(),
            ),
            UploadError::Spool(_) | UploadError::Seal(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                t.unavailable_title,
                t.err_upload_failed.to_owned(),
            ),
        }
    }
}

/// A spool that cannot be written is our fault, not the client's: logged here,
/// where it happens (the error carries no request data).
fn spool_failed(e: std::io::Error) -> UploadError {
    tracing::error!(error = %e, "cannot spool an upload");
    UploadError::Spool(e)
}

/// Reads the form of a request: multipart (with files) or urlencoded. Text fields
/// become strict UTF-8 strings; files stream into encrypted spools, with every
/// limit checked while the bytes arrive.
pub async fn read(
    request: Request,
    limits: FileLimits,
    spool_dir: Option<&std::path::Path>,
    max_body_bytes: usize,
) -> Result<Upload, UploadError> {
    let form = read_sealing(request, limits, spool_dir, max_body_bytes, None).await?;
    let files = form
        .files
        .into_iter()
        .filter_map(|f| match f {
            Received::Spooled(f) => Some(f),
            // Only a `Direct` seals while reading, and none was given.
            Received::Sealed(_) => None,
        })
        .collect();
    Ok(Upload {
        pairs: form.pairs,
        files,
    })
}

/// Reads a form like [`read`], but seals files with nothing to clean straight
/// into pending attachments as they arrive when `direct` allows it. When reading
/// fails, what was sealed is removed again.
pub async fn read_sealing(
    request: Request,
    limits: FileLimits,
    spool_dir: Option<&std::path::Path>,
    max_body_bytes: usize,
    direct: Option<&Direct<'_>>,
) -> Result<SealingUpload, UploadError> {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    if !multipart {
        let body = axum::body::to_bytes(request.into_body(), max_body_bytes)
            .await
            .map_err(|_| UploadError::BodyTooLarge)?;
        let pairs =
            urlencoded::parse(&body, MAX_FORM_FIELDS).map_err(|_| UploadError::Malformed)?;
        return Ok(SealingUpload {
            pairs,
            files: Vec::new(),
        });
    }
    let form = Multipart::from_request(request, &())
        .await
        .map_err(|_| UploadError::Malformed)?;
    let mut upload = SealingUpload {
        pairs: Vec::new(),
        files: Vec::new(),
    };
    match read_parts(form, &mut upload, limits, spool_dir, direct).await {
        Ok(()) => Ok(upload),
        Err(e) => {
            if let Some(d) = direct {
                discard_sealed(d.storage, &upload.files).await;
            }
            Err(e)
        }
    }
}

/// Removes the pending attachments of a form's sealed files (best effort: the
/// housekeeping removes what is left once their time has run out).
pub async fn discard_sealed(storage: &Storage, files: &[Received]) {
    for f in files {
        if let Received::Sealed(info) = f
            && let Err(e) = storage.drop_attachment(&info.id).await
        {
            tracing::warn!(error = %e, "cannot remove a pending attachment; housekeeping will");
        }
    }
}

async fn read_parts(
    mut form: Multipart,
    upload: &mut SealingUpload,
    limits: FileLimits,
    spool_dir: Option<&std::path::Path>,
    direct: Option<&Direct<'_>>,
) -> Result<(), UploadError> {
    let mut total: u64 = 0;
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => return Ok(()),
            Err(e) => return Err(classify(&e)),
        };
        let name = field.name().unwrap_or("").to_owned();
        if let Some(file_name) = field.file_name().map(str::to_owned) {
            let content_type = field
                .content_type()
                .unwrap_or("application/octet-stream")
                .to_owned();
            let target = direct.and_then(|d| d.target_after(&upload.pairs));
            let direct = direct.zip(target.as_ref()).map(|(d, t)| (d.storage, t));
            let file = File {
                name: &file_name,
                content_type: &content_type,
                limits,
            };
            let received = receive_file(field, file, &mut total, spool_dir, direct).await?;
            // A file input with nothing chosen still sends an empty part.
            let empty = matches!(&received, Received::Spooled(f) if f.spooled.len == 0);
            if empty && file_name.is_empty() {
                continue;
            }
            if upload.files.len() == limits.max_files {
                if let (Some((storage, _)), Received::Sealed(_)) = (direct, &received) {
                    discard_sealed(storage, std::slice::from_ref(&received)).await;
                }
                return Err(UploadError::TooManyFiles);
            }
            upload.files.push(received);
            continue;
        }
        if upload.pairs.len() == MAX_FORM_FIELDS {
            return Err(UploadError::Malformed);
        }
        let mut field = field;
        let mut bytes = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(c)) => {
                    if bytes.len() + c.len() > MAX_TEXT_FIELD_BYTES {
                        return Err(UploadError::BodyTooLarge);
                    }
                    bytes.extend_from_slice(&c);
                }
                Ok(None) => break,
                Err(e) => return Err(classify(&e)),
            }
        }
        let value = String::from_utf8(bytes).map_err(|_| UploadError::Malformed)?;
        upload.pairs.push((name, value));
    }
}

fn classify(e: &axum::extract::multipart::MultipartError) -> UploadError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        UploadError::BodyTooLarge
    } else {
        UploadError::Malformed
    }
}

/// One file part as announced by the browser.
struct File<'a> {
    name: &'a str,
    content_type: &'a str,
    limits: FileLimits,
}

/// Enough leading bytes to recognise the kind of file (see `strip::sniff`).
const SNIFF_BYTES: usize = 16;

/// Reads one file part: sealed as it arrives when it needs no cleaning and
/// `direct` allows it, spooled otherwise.
async fn receive_file(
    mut field: axum::extract::multipart::Field<'_>,
    file: File<'_>,
    total: &mut u64,
    spool_dir: Option<&std::path::Path>,
    direct: Option<(&Storage, &Target<'_>)>,
) -> Result<Received, UploadError> {
    let mut len = 0u64;
    let mut count = |n: usize| {
        len += n as u64;
        *total += n as u64;
        if len > file.limits.max_file_bytes {
            Err(UploadError::FileTooLarge)
        } else if *total > file.limits.max_message_bytes {
            Err(UploadError::MessageTooLarge)
        } else {
            Ok(())
        }
    };
    // The first pieces, until the kind of file is known.
    let mut first: Vec<Bytes> = Vec::new();
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    while head.len() < SNIFF_BYTES {
        match field.chunk().await {
            Ok(Some(c)) => {
                count(c.len())?;
                head.extend_from_slice(&c[..c.len().min(SNIFF_BYTES - head.len())]);
                first.push(c);
            }
            Ok(None) => break,
            Err(e) => return Err(classify(&e)),
        }
    }
    let direct = direct.filter(|_| !head.is_empty() && strip::sniff(&head) == strip::Kind::Other);
    if let Some((storage, target)) = direct {
        let mut arriving = Arriving::begin(storage, target)
            .await
            .map_err(seal_failed)?;
        match seal_rest(&mut field, &mut arriving, first, &mut count).await {
            Ok(()) => {
                return arriving
                    .finish(file.name, file.content_type)
                    .await
                    .map(Received::Sealed)
                    .map_err(seal_failed);
            }
            Err(e) => {
                arriving.abort().await;
                return Err(e);
            }
        }
    }
    let mut spool = Spool::new(spool_dir).map_err(spool_failed)?;
    for c in first {
        tokio::task::block_in_place(|| spool.write(&c)).map_err(spool_failed)?;
    }
    loop {
        let chunk = match field.chunk().await {
            Ok(Some(c)) => c,
            Ok(None) => break,
            Err(e) => return Err(classify(&e)),
        };
        count(chunk.len())?;
        tokio::task::block_in_place(|| spool.write(&chunk)).map_err(spool_failed)?;
    }
    let spooled = tokio::task::block_in_place(|| spool.finish()).map_err(spool_failed)?;
    Ok(Received::Spooled(Incoming {
        name: file.name.to_owned(),
        content_type: file.content_type.to_owned(),
        spooled,
    }))
}

async fn seal_rest(
    field: &mut axum::extract::multipart::Field<'_>,
    arriving: &mut Arriving,
    first: Vec<Bytes>,
    count: &mut impl FnMut(usize) -> Result<(), UploadError>,
) -> Result<(), UploadError> {
    for c in first {
        arriving.push(c).await.map_err(seal_failed)?;
    }
    loop {
        match field.chunk().await {
            Ok(Some(c)) => {
                count(c.len())?;
                arriving.push(c).await.map_err(seal_failed)?;
            }
            Ok(None) => return Ok(()),
            Err(e) => return Err(classify(&e)),
        }
    }
}

/// Like `spool_failed`: our fault, logged where it happens.
fn seal_failed(e: AttachError) -> UploadError {
    tracing::error!(error = %e, "cannot seal an upload as it arrives");
    UploadError::Seal(e)
}

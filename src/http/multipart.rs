//! Reading a form, with or without files: text fields into bounded strings (strict
//! UTF-8), files streamed into encrypted spools with every limit checked while the
//! bytes arrive. The portal's report and follow-up forms and the desk's reply form
//! read their bodies this way.

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};

use super::urlencoded::{self, MAX_FORM_FIELDS, Pairs};
use crate::attachments::{FileLimits, Spool, Spooled};
use crate::i18n::Texts;

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
            UploadError::Spool(_) => (
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
        return Ok(Upload {
            pairs,
            files: Vec::new(),
        });
    }
    let mut form = Multipart::from_request(request, &())
        .await
        .map_err(|_| UploadError::Malformed)?;
    let mut pairs = Vec::new();
    let mut files = Vec::new();
    let mut total: u64 = 0;
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(classify(&e)),
        };
        let name = field.name().unwrap_or("").to_owned();
        if let Some(file_name) = field.file_name().map(str::to_owned) {
            let content_type = field
                .content_type()
                .unwrap_or("application/octet-stream")
                .to_owned();
            let spooled = spool_field(spool_dir, field, &mut total, limits).await?;
            // A file input with nothing chosen still sends an empty part.
            if spooled.len == 0 && file_name.is_empty() {
                continue;
            }
            if files.len() == limits.max_files {
                return Err(UploadError::TooManyFiles);
            }
            files.push(Incoming {
                name: file_name,
                content_type,
                spooled,
            });
            continue;
        }
        if pairs.len() == MAX_FORM_FIELDS {
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
        pairs.push((name, value));
    }
    Ok(Upload { pairs, files })
}

fn classify(e: &axum::extract::multipart::MultipartError) -> UploadError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        UploadError::BodyTooLarge
    } else {
        UploadError::Malformed
    }
}

async fn spool_field(
    spool_dir: Option<&std::path::Path>,
    mut field: axum::extract::multipart::Field<'_>,
    total: &mut u64,
    limits: FileLimits,
) -> Result<Spooled, UploadError> {
    let mut spool = Spool::new(spool_dir).map_err(spool_failed)?;
    loop {
        let chunk = match field.chunk().await {
            Ok(Some(c)) => c,
            Ok(None) => break,
            Err(e) => return Err(classify(&e)),
        };
        *total += chunk.len() as u64;
        if spool.len() + chunk.len() as u64 > limits.max_file_bytes {
            return Err(UploadError::FileTooLarge);
        }
        if *total > limits.max_message_bytes {
            return Err(UploadError::MessageTooLarge);
        }
        tokio::task::block_in_place(|| spool.write(&chunk)).map_err(spool_failed)?;
    }
    tokio::task::block_in_place(|| spool.finish()).map_err(spool_failed)
}

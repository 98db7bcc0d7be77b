//! Reading a reporter's form, with or without files: text fields into bounded
//! strings (strict UTF-8), files streamed into encrypted spools with every limit
//! checked while the bytes arrive. Also the markup for choosing and listing files.

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use super::SharedState;
use super::layout::message_page;
use crate::attachments::{FileLimits, Spool, Spooled};
use crate::case::{AttachmentInfo, MetadataNote};
use crate::http::urlencoded::{self, Pairs};
use crate::i18n::{Lang, Texts};

/// A file as received, spooled and not yet cleaned or sealed.
pub struct Incoming {
    pub name: String,
    pub content_type: String,
    pub spooled: Spooled,
}

pub struct Upload {
    pub pairs: Pairs,
    pub files: Vec<Incoming>,
}

#[derive(Debug)]
pub enum UploadError {
    TooManyFiles,
    FileTooLarge,
    MessageTooLarge,
    BodyTooLarge,
    /// Not a form we can read: bad encoding, too many fields, cut off.
    Malformed,
    Spool(std::io::Error),
}

/// Longest text field in bytes; the character limits are checked when parsing.
const MAX_TEXT_FIELD_BYTES: usize = 512 * 1024;

impl UploadError {
    pub fn page(&self, lang: Lang, limits: FileLimits) -> Response {
        let t = lang.texts();
        let mib = |b: u64| b / (1024 * 1024);
        let (status, title, text) = match self {
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
            UploadError::Spool(e) => {
                tracing::error!(error = %e, "cannot spool an upload");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    t.unavailable_title,
                    t.err_upload_failed.to_owned(),
                )
            }
        };
        message_page(lang, status, title, &text).into_response()
    }
}

/// Reads the form of a request: multipart (with files) or urlencoded.
pub async fn read(state: &SharedState, request: Request) -> Result<Upload, UploadError> {
    read_with(
        request,
        state.file_limits,
        state.spool_dir.as_deref(),
        state.max_body_bytes,
    )
    .await
}

/// The same for the desk, which has no portal state.
pub async fn read_with(
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
            urlencoded::parse(&body, super::MAX_FORM_FIELDS).map_err(|_| UploadError::Malformed)?;
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
        if pairs.len() == super::MAX_FORM_FIELDS {
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
    let mut spool = Spool::new(spool_dir).map_err(UploadError::Spool)?;
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
        tokio::task::block_in_place(|| spool.write(&chunk)).map_err(UploadError::Spool)?;
    }
    tokio::task::block_in_place(|| spool.finish()).map_err(UploadError::Spool)
}

/// The file chooser with, before it, what files can reveal.
pub fn file_input(t: &Texts, limits: FileLimits, choose_again: bool) -> Markup {
    let mib = |b: u64| b / (1024 * 1024);
    html! {
        div class="field" {
            label for="files" { (t.files_label) " " span class="optional" { (t.optional) } }
            div class="hint" id="files-hint" {
                @for w in t.files_warning { p { (w) } }
                p { ((t.files_limits)(limits.max_files, mib(limits.max_file_bytes), mib(limits.max_message_bytes))) }
            }
            @if choose_again { p class="field-error" id="files-again" { (t.files_choose_again) } }
            input type="file" id="files" name="files" multiple
                aria-describedby={ "files-hint" @if choose_again { " files-again" } };
        }
    }
}

/// What a file's metadata note says, in the reader's language.
pub fn note_text(t: &Texts, note: &MetadataNote) -> String {
    match note {
        MetadataNote::Removed { what } => {
            let kinds: Vec<&str> = what.iter().map(|r| t.removed_kinds[*r as usize]).collect();
            format!("{} {}", t.meta_removed, kinds.join(", "))
        }
        MetadataNote::NothingFound => t.meta_nothing_found.to_owned(),
        MetadataNote::NotChecked => t.meta_not_checked.to_owned(),
        MetadataNote::CouldNotCheck => t.meta_could_not_check.to_owned(),
    }
}

fn human_size(bytes: u64) -> String {
    if bytes < 1024 {
        format!("{bytes} B")
    } else if bytes < 1024 * 1024 {
        format!("{} kB", bytes.div_ceil(1024))
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}

/// The files of a message; `link` gives the download address when there is one.
pub fn file_list(
    t: &Texts,
    files: &[AttachmentInfo],
    link: Option<&dyn Fn(&str) -> String>,
) -> Markup {
    html! {
        @if !files.is_empty() {
            div class="files" {
                h4 { (t.files_heading) }
                ul class="file-list" {
                    @for f in files {
                        li class="file" {
                            span class="file-name" { (f.name) } " (" (human_size(f.size)) ")"
                            @if let Some(link) = link {
                                " " a href=(link(&f.id)) download { (t.file_download) span class="visually-hidden" { " " (f.name) } }
                            }
                            p class="hint file-note" { (note_text(t, &f.metadata)) }
                        }
                    }
                }
            }
        }
    }
}

/// Cleans and seals the files of one message as pending attachments for `case_id`.
/// On failure everything stored so far is removed again.
pub async fn seal_files(
    state: &SharedState,
    files: Vec<Incoming>,
    case_id: &str,
    recipients: &[crate::crypto::Recipient],
) -> Result<Vec<AttachmentInfo>, crate::attachments::AttachError> {
    let target = crate::attachments::Target {
        case_id,
        recipients: recipients.to_vec(),
        pending_until: state.now().unix_timestamp() + PENDING_SECS,
        limits: state.file_limits,
        timeout: STRIP_TIMEOUT,
    };
    let mut stored: Vec<AttachmentInfo> = Vec::with_capacity(files.len());
    for f in files {
        let result =
            crate::attachments::store(&state.storage, f.spooled, &f.name, &f.content_type, &target)
                .await;
        match result {
            Ok(info) => stored.push(info),
            Err(e) => {
                discard(state, &stored).await;
                return Err(e);
            }
        }
    }
    Ok(stored)
}

/// Removes pending attachments that will not be claimed (best effort: the
/// housekeeping removes what is left once their time has run out).
pub async fn discard(state: &SharedState, stored: &[AttachmentInfo]) {
    for info in stored {
        if let Err(e) = state.storage.drop_attachment(&info.id).await {
            tracing::warn!(error = %e, "cannot remove a pending attachment; housekeeping will");
        }
    }
}

pub fn ids(stored: &[AttachmentInfo]) -> Vec<String> {
    stored.iter().map(|i| i.id.clone()).collect()
}

/// How long a pending attachment may wait for its message.
pub const PENDING_SECS: i64 = 3600;
/// How long cleaning and sealing one file may take.
const STRIP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// The page for a file that could not be processed (nothing was stored).
pub fn failed_page(lang: Lang, e: &crate::attachments::AttachError) -> Response {
    use crate::attachments::AttachError;
    use crate::storage::StorageError;
    tracing::error!(error = %e, "an upload could not be stored");
    // The file's fault (too slow to clean, cut off) is a client error; ours is not,
    // and an unavailable database is a 503 as everywhere else.
    let status = match e {
        AttachError::Timeout | AttachError::CutOff => StatusCode::UNPROCESSABLE_ENTITY,
        AttachError::Storage(StorageError::Unavailable(_)) => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let t = lang.texts();
    message_page(lang, status, t.server_error_title, t.err_upload_failed).into_response()
}

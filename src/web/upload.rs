//! The portal's side of uploads: reading a reporter's form with the portal's
//! limits, the pages for what went wrong, and sealing the files of a message as
//! pending attachments (removed again when the message is not stored).

use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::layout::message_page;
use super::state::SharedState;
use crate::attachments::FileLimits;
use crate::case::AttachmentInfo;
use crate::http::multipart::{self, Incoming, Upload, UploadError};
use crate::i18n::Lang;

/// Reads the form of a request: multipart (with files) or urlencoded.
pub async fn read(state: &SharedState, request: Request) -> Result<Upload, UploadError> {
    multipart::read(
        request,
        state.file_limits,
        state.spool_dir.as_deref(),
        state.max_body_bytes,
    )
    .await
}

/// The page for a form that could not be read (nothing was stored).
pub fn error_page(e: &UploadError, lang: Lang, limits: FileLimits) -> Response {
    let (status, title, text) = e.describe(lang.texts(), limits);
    message_page(lang, status, title, &text).into_response()
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

//! Attachments for members: upload of files sealed on the desk, download of ciphertext.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::Response;

use super::{ApiError, ApiResult, Member, audit, find_case};
use crate::attachments::AttachError;
use crate::case::Status;
use crate::crypto;
use crate::protocol::{AttachmentId, CreatedAttachment};
use crate::web::SharedState;
use crate::web::error::WebError;

/// Receives a file the desk sealed to the committee and the reporter, streamed into
/// chunk rows of a pending attachment that a reply then claims.
pub async fn upload_attachment(
    State(state): State<SharedState>,
    Member(member): Member,
    Path(id): Path<String>,
    body: axum::body::Body,
) -> ApiResult<(StatusCode, Json<CreatedAttachment>)> {
    let case = find_case(&state, &member, &id).await?;
    if case.status == Status::Closed {
        return Err(ApiError::Conflict("the case is closed"));
    }
    let committee = super::cases::committee_for_case(&state, &case).await?;
    let attachment = receive_sealed(&state, &case.id, &committee, body).await?;
    state
        .storage
        .set_attachment_fp(&attachment, committee.fingerprint())
        .await?;
    audit(&state, &member, "attach", Some(&case.reference)).await?;
    let id = AttachmentId::parse(&attachment).map_err(|_| ApiError::NotFound)?;
    Ok((StatusCode::CREATED, Json(CreatedAttachment { id })))
}

/// Streams a file the desk sealed into the chunk rows of a pending attachment of
/// the case, within the size bound of a new file; it must be an age file sealed to
/// the case's committee and the reporter. Returns the pending attachment's id; a
/// refused file leaves nothing behind.
pub(super) async fn receive_sealed(
    state: &SharedState,
    case_id: &str,
    committee: &crypto::RecipientSet,
    body: axum::body::Body,
) -> ApiResult<String> {
    use futures::TryStreamExt;
    let stream = body.into_data_stream().map_err(std::io::Error::other);
    let until = state.now().unix_timestamp() + crate::web::upload::PENDING_SECS;
    // The sealed file is a little larger than the file: age adds 16 bytes per 64 KiB.
    let max = state.file_limits.max_file_bytes + state.file_limits.max_file_bytes / 1024 + 65_536;
    let stored =
        crate::attachments::store_sealed(&state.storage, Box::pin(stream), case_id, until, max)
            .await
            .map_err(|e| match e {
                AttachError::CutOff => ApiError::BadRequest("the upload was cut off"),
                AttachError::Storage(e) => e.into(),
                e => ApiError::Internal(WebError::Upload(e.to_string())),
            })?;
    let Some((attachment, head)) = stored else {
        return Err(ApiError::BadRequest(
            "the body is not an age file within the size limit",
        ));
    };
    // Files reach the reporter too (see `post_message`).
    if crypto::x25519_stanza_count(&head) != Some(committee.recipients().len() + 1) {
        state.storage.drop_attachment(&attachment).await?;
        return Err(ApiError::BadRequest(
            "the file is not sealed to the committee and the reporter",
        ));
    }
    Ok(attachment)
}

/// The ciphertext of an attachment of a case, as stored.
pub async fn download_attachment(
    State(state): State<SharedState>,
    Member(member): Member,
    Path((id, attachment)): Path<(String, String)>,
) -> ApiResult<Response> {
    let case = find_case(&state, &member, &id).await?;
    let row = state
        .storage
        .attachment(&attachment)
        .await?
        .filter(|a| a.case_id.as_deref() == Some(case.id.as_str()))
        .ok_or(ApiError::NotFound)?;
    audit(&state, &member, "download", Some(&case.reference)).await?;
    let chunks = crate::attachments::chunks(state.storage.clone(), row.id, row.chunk_count);
    let mut r = Response::new(axum::body::Body::from_stream(chunks));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/octet-stream"),
    );
    Ok(r)
}

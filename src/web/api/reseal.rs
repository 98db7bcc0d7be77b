//! Re-sealing for members: what is sealed to another set than the case's current
//! committee, and the uploads that replace one message or one file. The upload is
//! treated as hostile like any other: the case, sequence number and file must be
//! the ones named, the body an age file with exactly the stanzas it must have,
//! within the same size bounds as a new message or file.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;

use super::cases::committee_for_case;
use super::{ApiError, ApiResult, Member, audit, find_case};
use crate::attachments::AttachError;
use crate::case::AuthorKind;
use crate::crypto;
use crate::protocol::reseal::{
    OutdatedCount, PendingAttachment, PendingCase, PendingMessage, PendingPage, PendingQuery,
};
use crate::protocol::{AttachmentId, CaseId, Seq};
use crate::storage::CaseRow;
use crate::web::SharedState;
use crate::web::error::WebError;

fn corrupt() -> ApiError {
    ApiError::Internal(WebError::Storage(crate::storage::StorageError::Corrupt(
        "a stored id",
    )))
}

/// The fingerprint everything is measured against. Cases are compared with the
/// whole committee here; a case whose own set differs (see `committee_for_case`)
/// is listed and its uploads checked against its own set.
async fn current_fp(state: &SharedState) -> ApiResult<String> {
    Ok(state.committee().await?.fingerprint().to_owned())
}

/// `GET /api/v1/reseal/outdated`: how many cases hold a ciphertext sealed to
/// another set, so an administrator's desk can show it.
pub async fn outdated(
    State(state): State<SharedState>,
    Member(_): Member,
) -> ApiResult<Json<OutdatedCount>> {
    let fp = current_fp(&state).await?;
    let n = state.storage.stale_case_count(&fp).await?;
    Ok(Json(OutdatedCount {
        cases: u64::try_from(n).unwrap_or(0),
    }))
}

/// `GET /api/v1/reseal/pending?after=ID`: one page of cases with what in them is
/// sealed to another set (audited as `list reseal`).
pub async fn pending(
    State(state): State<SharedState>,
    Member(member): Member,
    query: Result<Query<PendingQuery>, QueryRejection>,
) -> ApiResult<Json<PendingPage>> {
    let Ok(Query(q)) = query else {
        return Err(ApiError::BadRequest("after must be a case id"));
    };
    let fp = current_fp(&state).await?;
    let after = q.after.as_ref().map_or("", CaseId::as_str);
    let limit = PendingPage::MAX_CASES as i64;
    let mut ids = state.storage.stale_cases(&fp, after, limit + 1).await?;
    let more = ids.len() > PendingPage::MAX_CASES;
    ids.truncate(PendingPage::MAX_CASES);
    let mut cases = Vec::with_capacity(ids.len());
    for id in ids {
        let messages = state
            .storage
            .stale_messages(&id, &fp)
            .await?
            .into_iter()
            .take(PendingPage::MAX_ITEMS)
            .map(|m| {
                Ok(PendingMessage {
                    seq: Seq::new(m.seq).map_err(|_| corrupt())?,
                    recipients_fp: m.recipients_fp,
                    bytes: u64::try_from(m.bytes).unwrap_or(0),
                })
            })
            .collect::<ApiResult<Vec<_>>>()?;
        let attachments = state
            .storage
            .stale_attachments(&id, &fp)
            .await?
            .into_iter()
            .take(PendingPage::MAX_ITEMS)
            .map(|a| {
                Ok(PendingAttachment {
                    id: AttachmentId::parse(&a.id).map_err(|_| corrupt())?,
                    seq: Seq::new(a.seq).map_err(|_| corrupt())?,
                    bytes: u64::try_from(a.bytes).unwrap_or(0),
                })
            })
            .collect::<ApiResult<Vec<_>>>()?;
        cases.push(PendingCase {
            id: CaseId::parse(&id).map_err(|_| corrupt())?,
            messages,
            attachments,
        });
    }
    audit(&state, &member, "list reseal", None).await?;
    Ok(Json(PendingPage { cases, more }))
}

/// The case and the author kind of its message `seq`; 404 for either unknown.
async fn find_message(
    state: &SharedState,
    id: &str,
    seq: &str,
) -> ApiResult<(CaseRow, i64, AuthorKind)> {
    let case = find_case(state, id).await?;
    let seq = seq
        .parse::<i64>()
        .ok()
        .and_then(|n| Seq::new(n).ok())
        .ok_or(ApiError::NotFound)?;
    let kind = state
        .storage
        .message_kind(&case.id, seq.get())
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((case, seq.get(), kind))
}

/// `PUT /api/v1/cases/{id}/messages/{seq}`: replaces one message's ciphertext.
/// Notes reach the committee only; everything else the reporter too.
pub async fn replace_message(
    State(state): State<SharedState>,
    Member(member): Member,
    Path((id, seq)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let (case, seq, kind) = find_message(&state, &id, &seq).await?;
    let committee = committee_for_case(&state, &case).await?;
    let expected = committee.recipients().len() + usize::from(kind != AuthorKind::Note);
    if crypto::x25519_stanza_count(&body) != Some(expected) {
        return Err(ApiError::BadRequest(
            "the body is not an age file sealed to the recipients this message must reach",
        ));
    }
    if !state
        .storage
        .replace_message(&case.id, seq, &body, committee.fingerprint())
        .await?
    {
        return Err(ApiError::NotFound);
    }
    audit(&state, &member, "reseal message", Some(&case.reference)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /api/v1/cases/{id}/messages/{seq}/attachments/{attachment}`: replaces the
/// stream of one file of that message. The new stream is stored under a pending
/// id first; the swap that makes it the file is one transaction.
pub async fn replace_attachment(
    State(state): State<SharedState>,
    Member(member): Member,
    Path((id, seq, attachment)): Path<(String, String, String)>,
    body: axum::body::Body,
) -> ApiResult<StatusCode> {
    use futures::TryStreamExt;
    let (case, seq, _) = find_message(&state, &id, &seq).await?;
    state
        .storage
        .attachment(&attachment)
        .await?
        .filter(|a| a.case_id.as_deref() == Some(case.id.as_str()) && a.seq == Some(seq))
        .ok_or(ApiError::NotFound)?;
    let committee = committee_for_case(&state, &case).await?;
    let stream = body.into_data_stream().map_err(std::io::Error::other);
    let until = state.now().unix_timestamp() + crate::web::upload::PENDING_SECS;
    // The same bound as a new file: age adds 16 bytes per 64 KiB.
    let max = state.file_limits.max_file_bytes + state.file_limits.max_file_bytes / 1024 + 65_536;
    let stored =
        crate::attachments::store_sealed(&state.storage, Box::pin(stream), &case.id, until, max)
            .await
            .map_err(|e| match e {
                AttachError::CutOff => ApiError::BadRequest("the upload was cut off"),
                AttachError::Storage(e) => e.into(),
                e => ApiError::Internal(WebError::Upload(e.to_string())),
            })?;
    let Some((staged, head)) = stored else {
        return Err(ApiError::BadRequest(
            "the body is not an age file within the size limit",
        ));
    };
    // Files reach the reporter too (see `post_message`).
    if crypto::x25519_stanza_count(&head) != Some(committee.recipients().len() + 1) {
        state.storage.drop_attachment(&staged).await?;
        return Err(ApiError::BadRequest(
            "the file is not sealed to the committee and the reporter",
        ));
    }
    if !state
        .storage
        .swap_attachment(&case.id, &attachment, &staged, committee.fingerprint())
        .await?
    {
        return Err(ApiError::NotFound);
    }
    audit(&state, &member, "reseal file", Some(&case.reference)).await?;
    Ok(StatusCode::NO_CONTENT)
}
